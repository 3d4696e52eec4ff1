"""Two-dimensional test surfaces for watching optimizers move.

Each surface gives its value f(x, y) and analytic gradient grad(x, y) -> (gx, gy); both work
elementwise on arrays of any shape, so one call evaluates a whole contour grid or many runs.
A surface also carries its minima (global first) and, for quadratics, its Hessian eigenvalues:
gradient descent on a quadratic converges exactly when lr < 2 / max(eigenvalue). How a lesson
draws and explains a surface (plot limits, formula, start) lives in experiments.descent.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from nnlib import _check, schedules


@dataclass(frozen=True)
class Surface:
    name: str
    f: Callable
    grad: Callable
    minima: tuple          # ((x, y), ...), global minima first
    hessian_eigs: tuple | None = None   # quadratics only


def quadratic(name, a, b):
    """f = (a x^2 + b y^2) / 2, Hessian diag(a, b), minimum at the origin."""
    return Surface(name, lambda x, y: 0.5 * (a * x * x + b * y * y),
                   lambda x, y: (a * x, b * y), ((0.0, 0.0),), (min(a, b), max(a, b)))


def valley(kappa=10.0):
    """Ill-conditioned valley f = (x^2 / kappa + y^2) / 2: Hessian eigenvalues 1/kappa and 1.

    The steep direction (y) fixes the largest stable learning rate (2), the flat direction (x)
    how slowly gradient descent then creeps along the valley floor: kappa is the condition number.
    """
    kappa = _check.number("condition number", kappa, low=1)
    return quadratic("valley", 1 / kappa, 1.0)


def _rosenbrock_f(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    r = y - x * x
    return 2 * (x - 1) - 400 * x * r, 200 * r


def _himmelblau_f(x, y):
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _himmelblau_grad(x, y):
    u, v = x * x + y - 11, x + y * y - 7
    return 4 * x * u + 2 * v, 2 * u + 4 * y * v


def _beale_terms(x, y):
    """The three residuals r_k = c_k - x + x y^k and their x- and y-derivatives' factors."""
    y2 = y * y
    return 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y, y, y2


def _beale_f(x, y):
    r1, r2, r3, _, _ = _beale_terms(x, y)
    return r1 * r1 + r2 * r2 + r3 * r3


def _beale_grad(x, y):
    r1, r2, r3, y1, y2 = _beale_terms(x, y)
    gx = 2 * (r1 * (y1 - 1) + r2 * (y2 - 1) + r3 * (y2 * y1 - 1))
    gy = 2 * x * (r1 + 2 * r2 * y1 + 3 * r3 * y2)
    return gx, gy


def _saddle_f(x, y):
    y2 = y * y
    return 0.5 * x * x + y2 * (0.25 * y2 - 0.5)


def _saddle_grad(x, y):
    return 1.0 * x, y * (y * y - 1)


def _camel_f(x, y):
    x2, y2 = x * x, y * y
    return x2 * (4 - 2.1 * x2 + x2 * x2 / 3) + x * y + y2 * (4 * y2 - 4)


def _camel_grad(x, y):
    x2 = x * x
    return x * (8 - 8.4 * x2 + 2 * x2 * x2) + y, x + y * (16 * y * y - 8)


TILT = 0.5   # double well: how much lower the right well is


def _double_well_f(x, y):
    u = x * x - 1
    return u * u - TILT * x + 0.5 * y * y


def _double_well_grad(x, y):
    return 4 * x * (x * x - 1) - TILT, 1.0 * y


BOWL = quadratic("bowl", 1.0, 1.0)
ROSENBROCK = Surface("rosenbrock", _rosenbrock_f, _rosenbrock_grad, ((1.0, 1.0),))
HIMMELBLAU = Surface(
    "himmelblau", _himmelblau_f, _himmelblau_grad,
    ((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
     (-3.779310253377747, -3.283185991286169), (3.5844283403304917, -1.8481265269644036)))
BEALE = Surface("beale", _beale_f, _beale_grad, ((3.0, 0.5),))
SADDLE = Surface("saddle", _saddle_f, _saddle_grad, ((0.0, 1.0), (0.0, -1.0)))
CAMEL = Surface(
    "camel", _camel_f, _camel_grad,
    ((0.08984201310031807, -0.7126564030207396), (-0.08984201310031807, 0.7126564030207396),
     (1.7036067149699807, -0.7960835686726251), (-1.7036067149699807, 0.7960835686726251),
     (1.6071047529201972, 0.5686514548841314), (-1.6071047529201972, -0.5686514548841314)))
DOUBLE_WELL = Surface("double_well", _double_well_f, _double_well_grad,
                      ((1.057453770738378, 0.0), (-0.9304029265558517, 0.0)))

SURFACES = {s.name: s for s in (BOWL, valley(), ROSENBROCK, HIMMELBLAU, BEALE, SADDLE, CAMEL,
                                DOUBLE_WELL)}


# ---- descent on a surface ---------------------------------------------------------------

DIVERGED_BEYOND = 1e6   # a coordinate this far out (or inf/NaN) means the run has diverged
MAX_PATH = 10_000_000   # positions per call, steps × runs: bounded memory


def run(surface, optimizer, start, steps, noise_std=0.0, seed=0, schedule=None):
    """Descend `surface` with `optimizer` (nnlib.optim, reset first); return the path.

    start (2,) gives a path of shape (steps + 1, 2); start (R, 2) runs R paths at once and gives
    (steps + 1, R, 2). noise_std adds N(0, noise_std²) noise to every gradient component, drawn
    from np.random.default_rng(seed): a stand-in for mini-batch noise. schedule: a scheduler
    driving `optimizer` (nnlib.schedules), stepped after every update (ReduceLROnPlateau is given
    the mean loss over the runs). A run that diverges is frozen: its path is NaN from the step
    it left the box |x|, |y| <= DIVERGED_BEYOND on (see diverged_at); no warning is raised.
    """
    theta = _positions(start)
    optimizer.reset()
    return _descend(surface, theta, [(optimizer, schedule, ...)], steps, noise_std, seed,
                    theta.shape)


def race(surface, optimizers, start, steps, noise_std=0.0, seed=0, schedule=None):
    """Several optimizers from one start: {name: path of shape (steps + 1, 2)}.

    optimizers: list of (name, optimizer) pairs (each is reset first). schedule: None, or a
    function opt -> scheduler applied to every optimizer, e.g.
    `lambda opt: schedules.CosineAnnealingLR(opt, T_max=steps)`. Every racer sees the same
    gradient noise, so the differences come from the optimizers alone. The gradient of all
    racers is one vectorized call per step; divergence is handled as in run.
    """
    start = _positions(start)
    if start.shape != (2,):
        raise ValueError(f"a race starts from one point (x, y), got shape {start.shape}")
    theta = np.tile(start, (len(optimizers), 1))
    racers = []
    for i, (_, opt) in enumerate(optimizers):
        opt.reset()
        racers.append((opt, schedule(opt) if schedule else None, i))
    paths = _descend(surface, theta, racers, steps, noise_std, seed, (1, 2))
    return {name: paths[:, i] for i, (name, _) in enumerate(optimizers)}


def diverged_at(path):
    """The first step at which a run had diverged, or None if it never did.

    path (T, 2) gives an int or None; path (T, R, 2) a list with one entry per run. A run has
    diverged once a coordinate is NaN, infinite or beyond ±DIVERGED_BEYOND.
    """
    gone = _gone(np.asarray(path))
    first = np.where(gone.any(axis=0), gone.argmax(axis=0), -1)
    if first.ndim == 0:
        return None if first < 0 else int(first)
    return [None if k < 0 else int(k) for k in first]


def _gone(path):
    """True where a position is NaN, infinite or outside the box (NaN fails the comparison)."""
    return ~(np.abs(path) <= DIVERGED_BEYOND).all(axis=-1)


def _positions(start):
    start = np.array(start, dtype=float)
    if start.ndim not in (1, 2) or start.shape[-1] != 2:
        raise ValueError(f"start must be a point (x, y) or an array of points of shape (R, 2), "
                         f"got shape {start.shape}")
    if not np.isfinite(start).all():
        raise ValueError("start must hold finite numbers")
    return start


def _descend(surface, theta, steppers, steps, noise_std, seed, noise_shape):
    """Step theta in place; steppers are (optimizer, scheduler or None, rows of theta it moves).

    Returns the path (steps + 1,) + theta.shape, NaN after any run's divergence.
    """
    steps = _check.integer("steps", steps, low=0)
    _check.integer("steps × runs", (steps + 1) * max(1, theta.size // 2), high=MAX_PATH)
    noise_std = _check.number("noise std", noise_std, low=0)
    rng = _check.generator(seed)
    noise = rng.normal(0.0, noise_std, (steps,) + noise_shape) if noise_std else None
    path = np.empty((steps + 1,) + theta.shape)
    path[0] = theta
    grad = np.empty_like(theta)
    x, y, gx, gy = theta[..., 0], theta[..., 1], grad[..., 0], grad[..., 1]
    movers = [(opt, sched, theta[rows], grad[rows]) for opt, sched, rows in steppers]
    with np.errstate(all="ignore"):
        for t in range(steps):
            gx[...], gy[...] = surface.grad(x, y)
            if noise is not None:
                grad += noise[t]
            for opt, sched, position, g in movers:
                opt.step(position, g)
                if sched is not None:
                    _advance(sched, surface, position)
            path[t + 1] = theta
    path[np.logical_or.accumulate(_gone(path), axis=0)] = np.nan
    return path


def _advance(sched, surface, theta):
    """One scheduler step; ReduceLROnPlateau follows the mean loss of the runs it drives."""
    if isinstance(sched, schedules.ReduceLROnPlateau):
        sched.step(np.mean(surface.f(theta[..., 0], theta[..., 1])))
    else:
        sched.step()
