"""Network loss landscape: train a small MLP, then slice its loss along a plane and a line.

The plane goes through the trained parameters θ* (Li et al. 2018):
    Z(α, β) = L(θ* + α d₁ + β d₂),
with d₁, d₂ filter-normalized random directions or the top two principal directions of the
training path (whose snapshots are projected onto the plane). The line goes from the
initial parameters θ₀ to θ* (Goodfellow et al. 2015): L(θ₀ + t (θ* − θ₀)).
The data are N_POINTS noisy points of a toy set, or the learner's classification table
(experiments.sources) with its features standardized.
Everything is computed by nnlib (train.fit, landscape.*); this module only wires it up.
"""
import math

import numpy as np
import pandas as pd

from experiments import budget, labels, sources
from experiments.words import num
from nnlib import _check, data, landscape, optim
from nnlib.model import MLP
from nnlib.train import fit

DATASETS = ("moons", "circles", "spirals", "xor")
HIDDEN = ("8", "16", "16-16", "32-32", "16-16-16")
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")
DIRECTIONS = ("PCA", "random")
N_POINTS = 200
MAX_STEP_SNAPSHOTS = 4000   # record every step up to this many updates, else every epoch
MAX_PATH = 200              # points of the drawn path (one animation frame each)
LIMIT_S = 1.9               # budget (experiments.budget): 300 epochs of 200 points in batches of 1


def sizes(hidden, classes=2):
    """"16-16" -> [2, 16, 16, 2] (the last is the number of classes)."""
    return [2, *(int(n) for n in hidden.split("-")), classes]


def points(dataset="moons", noise=0.2, seed=0, uploaded=None):
    """(X, y): the uploaded Table (classification, features standardized) if given, else
    N_POINTS noisy points of `dataset`."""
    def built_in():
        make = data.DATASETS[_check.choice("dataset", dataset, DATASETS)]
        return make(n=N_POINTS, noise=noise, seed=seed)
    return sources.choose(uploaded, built_in, standardized=True)


def train(dataset="moons", noise=0.2, hidden="16-16", optimizer="adam", lr=0.01, batch_size=20,
          epochs=100, seed=0, uploaded=None):
    """Train a fresh MLP on N_POINTS noisy points of `dataset` (or the uploaded table); return
    (model, X, y, history). A batch size above the number of rows means full batch.

    history.thetas holds snapshots after every step when the run has at most
    MAX_STEP_SNAPSHOTS updates, else after every epoch (initial parameters first).
    """
    X, y = points(dataset, noise, seed, uploaded)
    shape = sizes(hidden, int(y.max()) + 1)
    batch_size = min(_check.integer("batch size", batch_size, low=1, high=data.MAX_SAMPLES), len(X))
    work = budget.Run(tuple(shape), len(X), batch_size, epochs)
    budget.check([work], LIMIT_S,
                 f"a {'-'.join(map(str, shape))} network for {epochs} epochs of {len(X):,} rows",
                 "use fewer epochs or a larger batch size")
    model = MLP(shape, seed=seed)
    updates = epochs * math.ceil(len(X) / batch_size)
    hist = fit(model, X, y, optim.get(optimizer, lr=lr), batch_size=batch_size, epochs=epochs,
               seed=seed, record_thetas="step" if updates <= MAX_STEP_SNAPSHOTS else "epoch",
               callback=budget.Meter([work]).callback(work, "Training"))
    return model, X, y, hist


def plane(model, X, y, thetas, directions="PCA", resolution=41, span=1.25, seed=0):
    """The loss on a plane through model.theta and the path projected onto it.

    directions "PCA": the path's top two principal directions; the view reaches `span` times
    the path's extent along each. "random": filter-normalized random directions from
    default_rng(seed); the view is ±span in their units. resolution is made odd, so the
    centre of the grid is θ* itself.
    Returns (alphas, betas, Z with Z[i, j] at (alphas[j], betas[i]), explained variance
    ratios or None, (alpha, beta) coordinates of every snapshot).
    """
    return _plane(model, X, y, thetas, directions, resolution, span, seed)[:5]


def _plane(model, X, y, thetas, directions, resolution, span, seed):
    """plane()'s five results, then the directions (d1, d2)."""
    _check.choice("directions", directions, DIRECTIONS)
    resolution = _check.integer("grid resolution", resolution, low=3, high=401) | 1
    span = _check.positive("range", span)
    if directions == "PCA":
        d1, d2, explained = landscape.pca_directions(thetas)
    else:
        (d1, d2), explained = landscape.random_directions(model, seed=seed), None
    coords = landscape.project(thetas, model.theta, d1, d2)
    if directions == "PCA":
        half = [span * max(np.abs(c).max(), 1e-3) for c in coords]
    else:
        half = [span, span]
    alphas, betas = (np.linspace(-h, h, resolution) for h in half)
    return (alphas, betas, landscape.loss_grid(model, X, y, d1, d2, alphas, betas), explained,
            coords, (d1, d2))


def interpolation(model, X, y, theta0, extend=False, n=101):
    """Loss along θ₀ + t (θ* − θ₀) for t in [0, 1], or [−0.5, 1.5] when extend: frame t, loss.

    The extended line is nnlib.landscape.interpolate between θ₀ − ½(θ* − θ₀) and θ* + ½(θ* − θ₀).
    """
    theta1 = model.theta
    if extend:
        delta = theta1 - theta0
        t = np.linspace(-0.5, 1.5, n)
        losses = landscape.interpolate(model, theta0 - 0.5 * delta, theta1 + 0.5 * delta, X, y, n)
    else:
        t = np.linspace(0.0, 1.0, n)
        losses = landscape.interpolate(model, theta0, theta1, X, y, n)
    return pd.DataFrame({"t": t, "loss": losses})


def describe_interpolation(lines):
    """The straight-line figure in words: per run (the first blue, the second orange) the loss
    at the start t = 0 (circle) and the trained weights t = 1 (star), and its highest and lowest
    point in between; the t range and its shaded parts beyond 0 and 1."""
    t = next(iter(lines.values()))["t"]
    parts = []
    for (name, line), colour in zip(lines.items(), ("blue", "orange")):
        inside = line[(line["t"] >= 0) & (line["t"] <= 1)].reset_index(drop=True)
        high, low = inside.loc[inside["loss"].idxmax()], inside.loc[inside["loss"].idxmin()]
        between = ("nothing between them is higher than the start or lower than the end"
                   if high.name == 0 and low.name == len(inside) - 1 else
                   f"between them highest {num(high.loss)} at t = {num(high.t)}, lowest {num(low.loss)} "
                   f"at t = {num(low.t)}")
        parts.append(f"{name} ({colour}): {num(inside['loss'].iloc[0])} at t = 0 (circle) and "
                     f"{num(inside['loss'].iloc[-1])} at t = 1 (star); {between}")
    beyond = " (shaded beyond 0 and 1)" if t.min() < 0 or t.max() > 1 else ""
    return (f"Loss on the straight line θ₀ + t (θ* − θ₀) from the start θ₀ (t = 0) to the trained weights "
            f"θ* (t = 1), for t from {num(t.min())} to {num(t.max())}{beyond}. " + "; ".join(parts) + ".")


def explore(dataset="moons", noise=0.2, hidden="16-16", optimizer="adam", lr=0.01, batch_size=20,
            epochs=100, seed=0, directions="PCA", resolution=41, span=1.25, extend=False,
            uploaded=None):
    """Train, slice, project and interpolate; plain results for the page and its figures.

    The path is at most MAX_PATH snapshots evenly spread over training (first and last
    included); PCA directions are computed from these.
    Returns a dict: alphas, betas, Z (the plane), explained (PCA ratios or None), path (frame:
    snapshot, update, alpha, beta, loss (the true loss at the snapshot θ), plane_loss (the loss
    at its shadow θ* + α d₁ + β d₂, the colour under it), off_plane (‖θ − shadow‖ / ‖θ − θ*‖,
    the share of its distance from θ* that the plane does not show; 0 at θ*)),
    line (frame t, loss), init_loss, final_loss, final_acc, diverged_at, n_params, n (rows).
    """
    model, X, y, hist = train(dataset, noise, hidden, optimizer, lr, batch_size, epochs, seed,
                                   uploaded)
    if hist.diverged_at is not None:          # the blown-up parameters have no landscape
        model.theta = hist.thetas[-1]
    keep = np.unique(np.linspace(0, len(hist.thetas) - 1, min(len(hist.thetas), MAX_PATH)).round().astype(int))
    thetas = hist.thetas[keep]                # the path drawn, and the snapshots PCA sees
    alphas, betas, Z, explained, (a, b), (d1, d2) = _plane(model, X, y, thetas, directions,
                                                          resolution, span, seed)
    per_snapshot = 1 if len(hist.thetas) - 1 == len(hist.steps["step"]) else math.ceil(len(X) / batch_size)
    shadows = model.theta + np.outer(a, d1) + np.outer(b, d2)
    away = np.linalg.norm(thetas - model.theta, axis=1)
    off = np.divide(np.linalg.norm(thetas - shadows, axis=1), away, out=np.zeros(len(away)),
                    where=away > 0)
    path = pd.DataFrame({"snapshot": keep, "update": keep * per_snapshot, "alpha": a, "beta": b,
                         "loss": _losses_at(model, thetas, X, y),
                         "plane_loss": _losses_at(model, shadows, X, y), "off_plane": off})
    return dict(alphas=alphas, betas=betas, Z=Z, explained=explained, path=path,
                line=interpolation(model, X, y, thetas[0], extend),
                init_loss=float(hist.epochs["train_loss"][0]), final_loss=float(model.loss(X, y)),
                final_acc=float(np.mean(model.predict(X) == y)), diverged_at=hist.diverged_at,
                n_params=model.n_params, n=len(X))


def describe_surface(result, three_d=False):
    """The slice figure in words, from explore()'s result: the plane's directions and the range
    of the loss on it, then the training path's true loss from start to end."""
    path, Z, explained = result["path"], result["Z"], result["explained"]
    size = f"{len(result['betas'])} × {len(result['alphas'])}"
    directions = ("two random, filter-normalized directions" if explained is None else
                  f"the path's two main (PCA) directions, which hold {explained[0]:.0%} and "
                  f"{explained[1]:.0%} of its movement")
    finite = Z[np.isfinite(Z)]
    ending = (f"training diverged at update {result['diverged_at']}" if result["diverged_at"] is not None
              else f"training accuracy {result['final_acc']:.0%}")
    drawn = ("a surface whose height is the loss, dark blue low, yellow high" if three_d else
             "contours on a log scale, dark blue low, yellow high")
    return (f"A {size} grid of the training loss on a plane through the trained weights θ* (the "
            f"black {'diamond' if three_d else 'star'}) along {directions}, drawn as {drawn}. On this "
            f"plane the loss runs from {num(finite.min())} to {num(finite.max())}, and is "
            f"{num(result['final_loss'])} at θ*. The orange-red training path goes from the blue start θ₀, "
            f"true loss {num(path['loss'].iloc[0])}, to θ* in {int(path['update'].iloc[-1]):,} "
            f"updates ({len(path)} snapshots drawn; ▶ Play retraces it); {ending}.")


def off_plane(result):
    """A sentence: how far the path's true loss is from the colour under it (the loss at its
    shadow), and how much of the start's distance from θ* the plane does not show."""
    path = result["path"]
    gap = (path["loss"] - path["plane_loss"]).abs()
    worst = path.loc[gap.idxmax()]
    return (f"The colours under the path are the loss at its shadow on the plane, not its own: "
            f"they differ by up to {gap.max():.2f} (update {int(worst['update'])}: true loss "
            f"{worst['loss']:.2f}, colour {worst['plane_loss']:.2f}), by {gap.median():.2f} at "
            f"the median snapshot. {path['off_plane'].iloc[0]:.0%} of the distance from the "
            "start θ₀ to θ* lies off the plane.")


def _losses_at(model, thetas, X, y):
    """The training loss at each row of thetas (on a copy: the model keeps its parameters)."""
    twin = model.copy()
    losses = []
    for theta in thetas:
        twin.theta = theta
        losses.append(float(twin.loss(X, y)))
    return losses


COMPARISONS = ("none", "full batch", "SGD vs Adam", "other directions")


def rival(settings, compare, n=N_POINTS):
    """The run to set beside `settings` (explore's keyword arguments), and a name for each.

    "full batch": the same with batch_size = n, the number of rows; "SGD vs Adam": Adam swapped for SGD (any
    other optimizer for Adam), same lr; "other directions": the same run, PCA <-> random.
    Returns (name of the run in settings, rival settings, rival's name), or None for "none".
    """
    _check.choice("comparison", compare, COMPARISONS)
    s = dict(settings)
    if compare == "none":
        return None
    if compare == "full batch":
        return f"batch {s['batch_size']}", s | {"batch_size": n}, f"full batch ({n})"
    if compare == "SGD vs Adam":
        other = "sgd" if s["optimizer"] == "adam" else "adam"
        return labels.OPTIMIZERS[s["optimizer"]], s | {"optimizer": other}, labels.OPTIMIZERS[other]
    other = "random" if s["directions"] == "PCA" else "PCA"
    return f"{s['directions']} directions", s | {"directions": other}, f"{other} directions"
