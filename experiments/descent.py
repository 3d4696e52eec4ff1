"""Descent on a 2-D surface: several optimizers race from one start; verdicts; momentum's rate map.

The race and the verdicts come from nnlib.surfaces (one vectorized gradient per step, divergence
frozen as NaN). The rate map is Goh's analysis in Distill's "Why Momentum Really Works" (2017):
on a quadratic whose Hessian has eigenvalues in [λ_min, λ_max], heavy-ball momentum

    v ← β v + ∇f(θ),   θ ← θ − α v

shrinks the error along an eigenvector of eigenvalue λ by the spectral radius of the 2x2
iteration matrix [[1 + β − αλ, −β], [1, 0]] per step; the worst λ sets the rate of the run.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments import labels, words
from experiments import schedules as lr_schedules
from nnlib import _check, optim, surfaces

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")
MOMENTUM = ("momentum", "nesterov")      # the optimizers that take the momentum setting β
CLOSE = 1e-4     # a run has reached a minimum once f stays within CLOSE of the minimum's value
FLAT = 1e-3      # a slope |∇f| below this, away from any minimum, is a flat spot (a saddle)


@dataclass(frozen=True)
class Shown:
    """A surface as the lesson shows it: nnlib's surface (f, grad, minima, Hessian eigenvalues)
    with a name for people, plot limits, its formula in LaTeX, the default start and a learning
    rate that works for plain gradient descent."""
    surface: surfaces.Surface
    label: str
    xlim: tuple
    ylim: tuple
    start: tuple
    formula: str
    lr: float

    name = property(lambda self: self.surface.name)
    f = property(lambda self: self.surface.f)
    grad = property(lambda self: self.surface.grad)
    minima = property(lambda self: self.surface.minima)
    hessian_eigs = property(lambda self: self.surface.hessian_eigs)


LOOKS = {   # name -> (label, xlim, ylim, start, formula, lr); the valley's: valley_look(κ)
    "bowl": ("Isotropic bowl", (-3.0, 3.0), (-3.0, 3.0), (-2.5, 2.0),
             r"f(x, y) = \tfrac12 (x^2 + y^2)", 0.1),
    "rosenbrock": ("Rosenbrock's banana", (-2.0, 2.0), (-1.0, 3.0), (-1.5, 2.0),
                   r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2", 1e-3),
    "himmelblau": ("Himmelblau (four minima)", (-5.0, 5.0), (-5.0, 5.0), (0.0, 0.0),
                   r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2", 0.01),
    "beale": ("Beale", (-4.5, 4.5), (-4.5, 4.5), (1.0, 1.5),
              r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2", 1e-3),
    "saddle": ("Saddle at the origin (walls at |y| > 1)", (-2.5, 2.5), (-2.0, 2.0), (-2.0, 0.01),
               r"f(x, y) = \tfrac12 x^2 - \tfrac12 y^2 + \tfrac14 y^4", 0.1),
    "camel": ("Six-hump camel", (-2.2, 2.2), (-1.2, 1.2), (-1.5, 1.0),
              r"f(x, y) = \left(4 - 2.1 x^2 + \tfrac{x^4}{3}\right) x^2 + xy + (4y^2 - 4)\,y^2",
              0.02),
    "double_well": ("Tilted double well (a shallow trap on the left)", (-2.3, 2.3), (-1.5, 1.5),
                    (-2.0, 1.0),
                    rf"f(x, y) = (x^2 - 1)^2 - {surfaces.TILT:g}\,x + \tfrac12 y^2", 0.05),
}


def valley_look(kappa):
    """The valley's (label, xlim, ylim, start, formula, lr) for condition number kappa."""
    return (f"Ill-conditioned valley (κ = {kappa:g})", (-10.0, 10.0), (-5.0, 5.0), (-9.0, 3.0),
            rf"f(x, y) = \tfrac12 \left(\frac{{x^2}}{{{kappa:g}}} + y^2\right)", 1.7)


SURFACE_LABELS = {name: LOOKS[name][0] if name in LOOKS else "Ill-conditioned valley (set κ below)"
                  for name in surfaces.SURFACES}


def surface(name, kappa=100.0):
    """The surface called `name` as the lesson shows it; the valley has condition number kappa."""
    if name == "valley":
        return Shown(surfaces.valley(kappa), *valley_look(kappa))
    return Shown(surfaces.SURFACES[_check.choice("surface", name, surfaces.SURFACES)], *LOOKS[name])


def best_value(surf):
    """f* = the value at the global minimum."""
    return float(surf.f(*surf.minima[0]))


# this lesson's own schedule choices (a run here is counted in steps, not epochs)
SCHEDULE_STYLE = {"step": {"parts": 4, "gamma": 0.5},
                  "plateau": {"patience": 10, "threshold": 1e-4}}


def schedule_maker(name, steps):
    """opt -> scheduler for schedule `name` (experiments.schedules' registry), with settings
    scaled to a run of `steps` steps.

    step: halve the lr every quarter of the run; exponential: down to 1% at the end; 1/t: down
    to 1/10; cosine: one half cosine to 0; warm-up: the first 10% of the run; warm-up then
    cosine: both, the cosine reaching 0 at the end; plateau: halve after 10 steps without
    improvement.
    """
    style = SCHEDULE_STYLE.get(_check.choice("schedule", name, lr_schedules.SCHEDULES), {})
    return lambda opt: lr_schedules.make_schedule(name, opt, steps, **style)


def race(surface_name, kappa, optimizers, lrs, beta, schedule, steps, start=None):
    """Race `optimizers` (names from OPTIMIZERS, with learning rates `lrs`) from one start.

    beta is the momentum of "momentum" and "nesterov"; start None means the surface's own.
    Returns a tidy frame, one row per optimizer and step: optimizer, label, step, x, y, loss,
    gap = f - f* and the gradient gx, gy; after a divergence x, y, loss, gap are NaN.
    """
    surf = surface(surface_name, kappa)
    if not optimizers:
        raise ValueError("choose at least one optimizer")
    if len(lrs) != len(optimizers):
        raise ValueError(f"give one learning rate per optimizer, got {len(lrs)} for {len(optimizers)}")
    start = surf.start if start is None else _inside(surf, start)
    racers = [(name, _optimizer(name, lr, beta)) for name, lr in zip(optimizers, lrs)]
    paths = surfaces.race(surf.surface, racers, start, steps,
                          schedule=schedule_maker(schedule, steps))
    f_star = best_value(surf)
    frames = []
    for name, path in paths.items():
        x, y = path[:, 0], path[:, 1]
        with np.errstate(all="ignore"):
            loss = surf.f(x, y)
            gx, gy = surf.grad(x, y)
        frames.append(pd.DataFrame({"optimizer": name, "label": labels.OPTIMIZERS[name],
                                    "step": np.arange(len(path)), "x": x, "y": y, "loss": loss,
                                    "gap": loss - f_star, "gx": gx, "gy": gy}))
    return pd.concat(frames, ignore_index=True)


def verdicts(runs, *, surface_name, kappa):
    """One row per optimizer: verdict ("converged", "local minimum", "flat spot", "bouncing",
    "still going", "diverged"), the step it happened (None if still going), the final gap f - f*, a sentence."""
    surf = surface(surface_name, kappa)
    f_star = best_value(surf)
    rows = []
    for name, run in runs.groupby("optimizer", sort=False):
        xy = run[["x", "y"]].to_numpy()
        verdict, step = _verdict(surf, xy, f_star)
        gap = float(run["gap"].iloc[-1])
        rows.append({"optimizer": name, "label": run["label"].iloc[0], "verdict": verdict,
                     "step": step, "final_gap": gap,
                     "sentence": _sentence(run["label"].iloc[0], verdict, step, xy[-1], gap,
                                           len(xy) - 1)})
    return pd.DataFrame(rows)


def describe_race(runs, verdicts):
    """The race in words, for the text under the figure: the start, then per optimizer how far
    f − f* fell, where it ended and its verdict, over the whole run that the animation plays.

    runs: race(); verdicts: verdicts(runs, ...). E.g. "... SGD: f − f* goes from 4.9 to 0.012
    in 150 steps; it is still going at (−1.2, 0.0003)."
    """
    first = runs.iloc[0]
    steps = int(runs["step"].max())
    parts = [f"The animation runs over the whole race, from step 0 to step {steps}; every "
             f"optimizer starts at {words.point(first.x, first.y)}, where f − f* = {words.num(first.gap)}."]
    for row in verdicts.itertuples():
        run = runs[runs["optimizer"] == row.optimizer]
        parts.append(_race_words(row, run.dropna(subset=["gap"]), steps))
    return " ".join(parts)


def describe_loss_curves(runs, verdicts):
    """The f − f* curves in words: per optimizer its first and last f − f* (and its lowest, if
    that came earlier), the step it
    first fell below the dotted 'converged' line at CLOSE, or the step it diverged (the ✕)."""
    steps = int(runs["step"].max())
    parts = [f"f − f* against the step, from step 0 to step {steps}, on a log axis: one line per "
             f"optimizer, and a grey dotted line at {words.num(CLOSE)}, below which a run counts as "
             f"converged."]
    for row in verdicts.itertuples():
        run = runs[runs["optimizer"] == row.optimizer].dropna(subset=["gap"])
        gap = run["gap"].to_numpy()
        low = int(gap.argmin())
        text = (f"{row.label}: from {words.num(gap[0])}"
                + (f", lowest {words.num(gap[low])} at step {int(run['step'].iloc[low])}," if low < len(gap) - 1
                   else "") + f" to {words.num(gap[-1])} at step {int(run['step'].iloc[-1])}")
        below = np.flatnonzero(gap < CLOSE)
        if row.verdict == "diverged":
            text += f"; it diverged at step {int(row.step)} (the ✕)"
        elif len(below):
            text += f"; first below the dotted line at step {int(run['step'].iloc[below[0]])}"
        else:
            text += "; never below the dotted line"
        parts.append(text + ".")
    return " ".join(parts)


def _race_words(verdict, run, steps):
    """One optimizer's sentence of describe_race (run: its finite rows)."""
    end = run.iloc[-1]
    where = words.point(end.x, end.y)
    if verdict.verdict == "diverged":
        return (f"{verdict.label}: f − f* goes from {words.num(run.gap.iloc[0])} to "
                f"{words.num(end.gap)} at step {int(end.step)}; it diverged at step "
                f"{int(verdict.step)}: its steps grew until it flew off the map.")
    step = None if pd.isna(verdict.step) else int(verdict.step)
    told = {"converged": f"it reached the minimum at {where} at step {step} and stays there",
            "local minimum": f"it is stuck in a local minimum at {where} from step {step}",
            "flat spot": f"it stalled on a flat spot at {where}, where the slope is almost 0",
            "bouncing": f"it bounces between the walls at {where} and never settles",
            "still going": f"it is still going at {where}"}[verdict.verdict]
    return (f"{verdict.label}: f − f* goes from {words.num(run.gap.iloc[0])} to "
            f"{words.num(end.gap)} in {steps} steps; {told}.")


def _verdict(surf, xy, f_star):
    gone = surfaces.diverged_at(xy)
    if gone is not None:
        return "diverged", gone
    minima = np.array(surf.minima)
    nearest = minima[np.hypot(*(xy[-1] - minima).T).argmin()]
    above = surf.f(xy[:, 0], xy[:, 1]) - surf.f(*nearest)      # height above that minimum
    if above[-1] < CLOSE:
        high = np.flatnonzero(above >= CLOSE)
        step = int(high[-1] + 1) if len(high) else 0
        return ("converged" if surf.f(*nearest) - f_star < CLOSE else "local minimum"), step
    if np.hypot(*surf.grad(*xy[-1])) < FLAT:
        return "flat spot", None
    if _bouncing(above, xy):
        return "bouncing", None
    return "still going", None


def _bouncing(above, xy, window=20):
    """True if each of the last `window` steps reverses the one before (they point in opposite
    directions) while f − f(minimum) fell by less than 1%: on a quadratic at η = 2/λ_max, the
    steep direction's error is multiplied by exactly −1 every step."""
    if len(xy) <= window + 1:
        return False
    steps = np.diff(xy[-window - 2:], axis=0)
    reverses = np.all(np.einsum("ij,ij->i", steps[1:], steps[:-1]) < 0)
    return bool(reverses and above[-1] > 0.99 * above[-window - 1])


def _sentence(label, verdict, step, end, gap, steps):
    where, gap = words.point(*end), words.num(gap)
    return {"diverged": f"{label} diverged at step {step}: its steps grew until it flew off the map.",
            "converged": f"{label} converged: at the minimum {where} from step {step} on.",
            "local minimum": f"{label} is stuck in a local minimum at {where} (from step {step}); "
                             f"it is {gap} above the best value.",
            "flat spot": f"{label} stalled on a flat spot at {where}: the slope there is almost 0, "
                         f"but it is no minimum (f − f* = {gap}).",
            "bouncing": f"{label} bounces between the walls for ever: every step lands as high "
                        f"as the last, so it neither converges nor diverges (f − f* = {gap} "
                        f"after {steps} steps).",
            "still going": f"{label} is still going after {steps} steps (f − f* = {gap})."
            }[verdict]


def _optimizer(name, lr, beta):
    _check.choice("optimizer", name, OPTIMIZERS)
    if name == "nesterov" and beta == 0:
        raise ValueError("Nesterov momentum needs a momentum β > 0; raise β or pick plain SGD")
    return optim.get(name, lr=lr, **({"momentum": beta} if name in MOMENTUM else {}))


def _inside(surf, start):
    x, y = (_check.number("start", v) for v in start)
    (x0, x1), (y0, y1) = surf.xlim, surf.ylim
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise ValueError(f"the start ({x:g}, {y:g}) is off this surface's map "
                         f"[{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]; pick a point inside it")
    return (x, y)


def contour_grid(surface_name, kappa, n=161):
    """The map under the race: xs (n,), ys (n,), z (n, n) = log10(f − f* + ε), z[i, j] at
    (xs[j], ys[i]); log spacing shows the steep walls and the flat floor at once. ε is 10⁻⁵ of
    the largest value on the map, so five decades get contour lines."""
    surf = surface(surface_name, kappa)
    xs, ys = np.linspace(*surf.xlim, n), np.linspace(*surf.ylim, n)
    gap = surf.f(*np.meshgrid(xs, ys)) - best_value(surf)
    return xs, ys, np.log10(np.maximum(gap, 0) + 1e-5 * gap.max())


# ---- momentum on a quadratic (Distill, "Why Momentum Really Works") ---------------------

def heavy_ball_rate(alpha, beta, lam_min, lam_max):
    """Worst-case rate max over λ of ρ([[1 + β − αλ, −β], [1, 0]]), vectorized over α and β.

    The eigenvalues solve z² − a z + β = 0 with a = 1 + β − αλ: complex of modulus √β when
    a² < 4β, else real with the larger modulus (|a| + √(a² − 4β)) / 2. ρ as a function of λ is
    largest at an end of [λ_min, λ_max]. β = 0 gives max(|1 − αλ_min|, |1 − αλ_max|).
    A rate >= 1 means the run diverges (or, at exactly 1, never settles).
    """
    alpha, beta = np.broadcast_arrays(np.asarray(alpha, float), np.asarray(beta, float))
    return np.maximum(_radius(alpha, beta, lam_min), _radius(alpha, beta, lam_max))


def _radius(alpha, beta, lam):
    a = 1 + beta - alpha * lam
    disc = a * a - 4 * beta
    return np.where(disc < 0, np.sqrt(beta), (np.abs(a) + np.sqrt(np.abs(disc))) / 2)


def best_rates(lam_min, lam_max):
    """The optimal settings and rates (κ = λ_max / λ_min), with λ_min and λ_max:

    gradient descent: α = 2 / (λ_min + λ_max), rate (κ − 1) / (κ + 1);
    heavy ball: α = (2 / (√λ_min + √λ_max))², β = ((√κ − 1) / (√κ + 1))²,
                rate (√κ − 1) / (√κ + 1).
    """
    kappa, root = lam_max / lam_min, np.sqrt(lam_max / lam_min)
    return {"lam_min": lam_min, "lam_max": lam_max, "kappa": kappa, "gd_alpha": 2 / (lam_min + lam_max), "gd_rate": (kappa - 1) / (kappa + 1),
            "hb_alpha": (2 / (np.sqrt(lam_min) + np.sqrt(lam_max))) ** 2,
            "hb_beta": ((root - 1) / (root + 1)) ** 2, "hb_rate": (root - 1) / (root + 1)}


def rate_map(lam_min, lam_max, alpha_range=(1e-2, 10.0), n_alpha=161, n_beta=100):
    """The heat map: alphas (log spaced), betas in [0, 0.99] and R[i, j] = rate(alphas[j], betas[i])."""
    alphas = np.geomspace(*alpha_range, n_alpha)
    betas = np.linspace(0.0, 0.99, n_beta)
    return alphas, betas, heavy_ball_rate(alphas[None, :], betas[:, None], lam_min, lam_max)


def describe_rate_map(alphas, betas, rates, best, marks):
    """The rate map in words: its axes, the share that does not converge (grey), the two best
    settings (black diamond and star) and the rate of each of the learner's marks (label, η, β)."""
    grey = np.mean(rates >= 1)
    text = (f"Heat map of heavy-ball momentum's rate per step on this quadratic (κ = {words.num(best['kappa'])}), "
            f"over η from {words.num(alphas[0])} to {words.num(alphas[-1])} (log axis) and β from "
            f"{words.num(betas[0])} to {words.num(betas[-1])}: darker is faster; the grey "
            f"{words.num(100 * grey)}% of the map has rate 1 or more and never converges. Best plain "
            f"gradient descent (black diamond): η = {words.num(best['gd_alpha'])}, β = 0, rate "
            f"{words.num(best['gd_rate'])}; best momentum (black star): η = {words.num(best['hb_alpha'])}, "
            f"β = {words.num(best['hb_beta'])}, rate {words.num(best['hb_rate'])}.")
    yours = []
    for label, alpha, beta, *_ in marks:
        rate = float(heavy_ball_rate(alpha, beta, best["lam_min"], best["lam_max"]))
        yours.append(f"{label} at η = {words.num(alpha)}, β = {words.num(beta)}: rate {words.num(rate)}"
                     + (", in the grey" if rate >= 1 else ""))
    return text + (" Your settings (circles): " + "; ".join(yours) + "." if yours else "")


def steps_to_shrink(rate, factor=1e-3):
    """How many steps a contraction `rate` per step needs to shrink the error by `factor`."""
    return np.inf if rate >= 1 else (0 if rate == 0 else int(np.ceil(np.log(factor) / np.log(rate))))


def rate_sentence(label, alpha, beta, lam_min, lam_max):
    """E.g. "SGD (η = 1, β = 0): rate 0.99 per step; 688 steps shrink the error 1000 times."."""
    rate = float(heavy_ball_rate(alpha, beta, lam_min, lam_max))
    n = steps_to_shrink(rate)
    how = "it never converges" if n == np.inf else f"{n} steps shrink the error 1000 times"
    return f"{label} (η = {alpha:g}, β = {beta:g}): rate {rate:.4g} per step; {how}."


# ---- claims that depend on the start point ----------------------------------------------

def random_starts(surface_name, kappa=100.0, n=100, seed=0, left_of=None):
    """n start points drawn uniformly over the surface's map (default_rng(seed)), optionally
    only those with x < left_of (e.g. the double well's shallow, left-hand side)."""
    surf = surface(surface_name, kappa)
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surf.xlim, surf.ylim
    x1 = x1 if left_of is None else min(x1, left_of)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def share_to_global(surface_name, kappa, optimizer, lr, beta, schedule, steps, starts):
    """The share of runs from `starts` (R, 2) that end nearest the global minimum (not
    diverged): how much one race's ending depends on where it started."""
    surf = surface(surface_name, kappa)
    opt = _optimizer(optimizer, lr, beta)
    ends = surfaces.run(surf, opt, np.asarray(starts, float), steps,
                        schedule=schedule_maker(schedule, steps)(opt))[-1]
    minima = np.array(surf.minima)
    with np.errstate(invalid="ignore"):
        nearest = np.linalg.norm(ends[:, None, :] - minima[None], axis=-1).argmin(axis=1)
    return float(np.mean(np.isfinite(ends).all(axis=1) & (nearest == 0)))


def start_sentence(surface_name, kappa, optimizer, lr, beta, schedule, steps, n=100, seed=0):
    """On a surface with several minima, e.g. "From 100 random starts on the map, SGD + momentum
    ends in the deepest minimum in 43." (None on a surface with one minimum)."""
    if len(surface(surface_name, kappa).minima) < 2:
        return None
    starts = random_starts(surface_name, kappa, n, seed)
    share = share_to_global(surface_name, kappa, optimizer, lr, beta, schedule, steps, starts)
    return (f"From {n} random starts on the map, {labels.OPTIMIZERS[optimizer]} ends in the deepest "
            f"minimum in {round(share * n)}: where it ends depends on where it starts.")


def lr_hint(surface_name, kappa=100.0):
    """The sentence under the race about plain SGD's learning rate. On a quadratic (Hessian
    eigenvalues λ_min ≤ λ_max) the best fixed η is 2/(λ_min + λ_max) and η ≥ 2/λ_max never
    settles; elsewhere, the surface's own η, at which SGD is stable from the default start."""
    surf = surface(surface_name, kappa)
    if surf.hessian_eigs is None:
        return f"A learning rate at which plain SGD is stable here from the default start: η ≈ {surf.lr:g}."
    lam_min, lam_max = surf.hessian_eigs
    best = 2 / (lam_min + lam_max)
    if lam_min == lam_max:
        return (f"Plain SGD with η = {best:g} = 1/λ lands on the minimum in one step; it is stable "
                f"for η < 2/λ = {2 / lam_max:g}.")
    return (f"The best fixed η for plain SGD here is 2/(λ_min + λ_max) ≈ {best:.3g}; from "
            f"η = 2/λ_max = {2 / lam_max:g} on it never settles.")
