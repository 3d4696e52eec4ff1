"""Two-dimensional test surfaces for watching optimizers move.

Each surface gives its value f(x, y) and analytic gradient grad(x, y) -> (gx, gy); both work
elementwise on arrays of any shape, so one call evaluates a whole contour grid or many runs.
A surface also carries what a page needs to draw and explain it: plot limits, its minima
(global first), a default start, the formula in LaTeX and a learning rate that works for plain
gradient descent. Quadratics also give their Hessian eigenvalues: gradient descent on a
quadratic converges exactly when lr < 2 / max(eigenvalue).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from nnlib import _check, schedules


@dataclass(frozen=True)
class Surface:
    name: str
    label: str
    f: Callable
    grad: Callable
    xlim: tuple
    ylim: tuple
    minima: tuple          # ((x, y), ...), global minima first
    start: tuple
    formula: str           # LaTeX
    lr: float              # a learning rate that works for plain gradient descent
    hessian_eigs: tuple | None = None   # quadratics only


def quadratic(name, label, a, b, xlim, ylim, start, formula, lr):
    """f = (a x^2 + b y^2) / 2, Hessian diag(a, b), minimum at the origin."""
    return Surface(name, label, lambda x, y: 0.5 * (a * x * x + b * y * y),
                   lambda x, y: (a * x, b * y), xlim, ylim, ((0.0, 0.0),), start, formula, lr,
                   (min(a, b), max(a, b)))


def valley(kappa=10.0):
    """Ill-conditioned valley f = (x^2 / kappa + y^2) / 2: Hessian eigenvalues 1/kappa and 1.

    The steep direction (y) fixes the largest stable learning rate (2), the flat direction (x)
    how slowly gradient descent then creeps along the valley floor: kappa is the condition number.
    """
    kappa = _check.number("condition number", kappa, low=1)
    return quadratic("valley", f"Ill-conditioned valley (κ = {kappa:g})", 1 / kappa, 1.0,
                     (-10.0, 10.0), (-5.0, 5.0), (-9.0, 3.0),
                     rf"f(x, y) = \tfrac12 \left(\frac{{x^2}}{{{kappa:g}}} + y^2\right)", 1.7)


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


BOWL = quadratic("bowl", "Isotropic bowl", 1.0, 1.0, (-3.0, 3.0), (-3.0, 3.0), (-2.5, 2.0),
                 r"f(x, y) = \tfrac12 (x^2 + y^2)", 0.1)

ROSENBROCK = Surface(
    "rosenbrock", "Rosenbrock's banana", _rosenbrock_f, _rosenbrock_grad, (-2.0, 2.0), (-1.0, 3.0),
    ((1.0, 1.0),), (-1.5, 2.0), r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2", 1e-3)

HIMMELBLAU = Surface(
    "himmelblau", "Himmelblau (four minima)", _himmelblau_f, _himmelblau_grad,
    (-5.0, 5.0), (-5.0, 5.0),
    ((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
     (-3.779310253377747, -3.283185991286169), (3.5844283403304917, -1.8481265269644036)),
    (0.0, 0.0), r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2", 0.01)

BEALE = Surface(
    "beale", "Beale", _beale_f, _beale_grad, (-4.5, 4.5), (-4.5, 4.5), ((3.0, 0.5),), (1.0, 1.5),
    r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2", 1e-3)

SADDLE = Surface(
    "saddle", "Saddle at the origin (walls at |y| > 1)", _saddle_f, _saddle_grad,
    (-2.5, 2.5), (-2.0, 2.0), ((0.0, 1.0), (0.0, -1.0)), (-2.0, 0.01),
    r"f(x, y) = \tfrac12 x^2 - \tfrac12 y^2 + \tfrac14 y^4", 0.1)

CAMEL = Surface(
    "camel", "Six-hump camel", _camel_f, _camel_grad, (-2.2, 2.2), (-1.2, 1.2),
    ((0.08984201310031807, -0.7126564030207396), (-0.08984201310031807, 0.7126564030207396),
     (1.7036067149699807, -0.7960835686726251), (-1.7036067149699807, 0.7960835686726251),
     (1.6071047529201972, 0.5686514548841314), (-1.6071047529201972, -0.5686514548841314)),
    (-1.5, 1.0), r"f(x, y) = \left(4 - 2.1 x^2 + \tfrac{x^4}{3}\right) x^2 + xy + (4y^2 - 4)\,y^2",
    0.02)

DOUBLE_WELL = Surface(
    "double_well", "Tilted double well (a shallow trap on the left)", _double_well_f,
    _double_well_grad, (-2.3, 2.3), (-1.5, 1.5),
    ((1.057453770738378, 0.0), (-0.9304029265558517, 0.0)), (-2.0, 1.0),
    rf"f(x, y) = (x^2 - 1)^2 - {TILT:g}\,x + \tfrac12 y^2", 0.05)

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
