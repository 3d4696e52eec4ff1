"""Playground: every knob in one place (in the spirit of TensorFlow Playground).

One network (nnlib.model.MLP) is trained by mini-batch descent (nnlib.train.fit) on a toy data
set or an uploaded CSV. Its inputs are TensorFlow Playground's features of the point (x, y):
x, y, x², y², xy, sin x, sin y (nnlib.data.add_features). While it trains, the prediction on
a grid is recorded at up to MAX_FRAMES epochs: the decision regions of a classifier, or the
fitted curve of a regression, as they change.

Uploaded data is standardized (each column to mean 0 and standard deviation 1, the regression
target too) before the features are computed, so any units train alike; the grid and the
curve are mapped back, so figures use the file's units. Built-in data is used as it comes.
"""
import math

import numpy as np
import pandas as pd

from experiments import upload
from experiments.schedules import make_schedule
from nnlib import data, optim
from nnlib._check import choice
from nnlib.model import MLP
from nnlib.train import fit
from viz.animation import frame_steps

CLASSIFICATION_SETS = ("moons", "circles", "spirals", "xor", "blobs")
MULTICLASS_SETS = ("spirals", "blobs")     # the sets that take a number of classes
ONE_D_FEATURES = ("x", "x2", "sinx")       # regression has one input, x
MAX_FRAMES = 60
GRID = 44                                  # heat map: GRID × GRID points
CURVE = 200                                # regression curve: CURVE points
MARGIN = 0.15                              # grid beyond the data, as a fraction of its range
MAX_UPDATES = 100_000                      # epochs × batches per epoch, to keep a run short


def load(problem, dataset, n, noise, classes, seed, csv=None):
    """(X, y, class names, column names): the uploaded CSV bytes if given, else a built-in set.

    Classification: dataset from CLASSIFICATION_SETS (classes used by spirals and blobs).
    Regression: the noisy sine of nnlib.data.make_regression_1d (dataset is ignored).
    """
    if csv is not None:
        table = upload.parse(csv, problem)
        return table.X, table.y, table.classes, table.columns
    if problem == "regression":
        X, y = data.make_regression_1d(n, noise=noise, seed=seed)
        return X, y, (), ("x", "y")
    make = data.DATASETS[choice("dataset", dataset, CLASSIFICATION_SETS)]
    extra = {"n_classes": classes} if dataset in MULTICLASS_SETS else {}
    X, y = make(n, noise=noise, seed=seed, **extra)
    return X, y, tuple(str(k) for k in range(y.max() + 1)), ("x", "y", "class")


def inputs(X, features):
    """The network's input columns: the chosen features of X (n, 2) or, for 1-D X, of x alone."""
    if X.shape[1] == 2:
        return data.add_features(X, features)
    kept = [f for f in features if f in ONE_D_FEATURES]
    if not kept:
        raise ValueError("regression has one input, x: choose at least one of the features "
                         f"{', '.join(ONE_D_FEATURES)}")
    return data.add_features(np.column_stack([X[:, 0], np.zeros(len(X))]), kept)


def run(problem="classification", dataset="spirals", n=300, noise=0.05, classes=2,
        val_fraction=0.25, features=("x", "y"), hidden=(16, 16), activation="relu",
        init="he_normal", optimizer="adam", lr=0.003, schedule="constant", batch_size=16,
        dropout=0.0, l2=0.0, epochs=200, seed=0, csv=None):
    """Train one network and return what the page draws, as a dict:

    task, classes (names; empty for regression), columns (the data's column names: features,
    then the label or target), sizes (layer widths), batch_size (the one
    used: capped at the number of training rows), curves (frame: epoch, train_loss, val_loss
    and, for classification, train_acc, val_acc), points (frame: x1 [, x2], target, set),
    epochs (the frame epochs, ≤ MAX_FRAMES), grid (classification: x, y axes of GRID values;
    regression: x of CURVE values), z (classification: (frames, GRID, GRID) float32 with
    z = predicted class + confidence in [0, 0.99], see `shade`; regression: (frames, CURVE)
    predictions), last_epoch, diverged_at (None or the step that blew up).
    """
    regression = choice("problem", problem, upload.TASKS) == "regression"
    X, y, names, columns = load(problem, dataset, n, noise, classes, seed, csv)
    Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=val_fraction, seed=seed)
    scale = _scale(Xt, yt, regression, standardize=csv is not None)
    model = MLP([inputs(X[:1], features).shape[1], *hidden, 1 if regression else len(names)],
                activation=activation, init=init, dropout=dropout, l2=l2, seed=seed,
                loss="mse" if regression else "cross_entropy")
    batch = min(batch_size, len(Xt))
    updates = _check_work(epochs, math.ceil(len(Xt) / batch))
    opt = optim.get(optimizer, lr=lr)
    snaps = Snapshots(model, set(frame_steps(epochs, MAX_FRAMES).tolist()))
    hist = fit(model, _net_x(Xt, scale, features), _net_y(yt, scale), opt, batch_size=batch,
               epochs=epochs, schedule=make_schedule(schedule, opt, updates), seed=seed,
               val=(_net_x(Xv, scale, features), _net_y(yv, scale)), callback=snaps)
    curves = pd.DataFrame(hist.epochs).drop(columns=["time"])
    last = int(curves["epoch"].iloc[-1])
    thetas, grid = snaps.thetas(last), _grid(X, regression)
    z = [_predict(model, theta, grid, scale, features, regression) for theta in thetas.values()]
    return {"task": problem, "classes": names, "columns": columns, "sizes": model.sizes,
            "batch_size": batch, "curves": curves, "points": _points(Xt, Xv, yt, yv),
            "epochs": np.array(list(thetas)), "grid": grid, "z": np.array(z, dtype=np.float32),
            "last_epoch": last, "diverged_at": hist.diverged_at}


class Snapshots:
    """A fit callback keeping the parameters at the epochs in `keep`, and the latest ones, so the
    last finite epoch can be drawn even when the run diverges before a kept epoch. (Snapshots of
    a few epochs, not fit's record_thetas="epoch": 1000 epochs of a 6 × 64 network would hold
    21 million numbers.)"""

    def __init__(self, model, keep):
        self.keep, self.kept, self.latest = keep, {0: model.theta.copy()}, None

    def __call__(self, epoch, logs, model):
        self.latest = model.theta.copy()
        if epoch in self.keep:
            self.kept[epoch] = self.latest
        return False

    def thetas(self, last):
        """{epoch: theta} for the kept epochs up to `last`, with `last` itself included."""
        return self.kept if last in self.kept else self.kept | {last: self.latest}


def shade(proba):
    """One number per point for the heat map: predicted class k plus the confidence
    (p_max − 1/K) / (1 − 1/K), capped at 0.99 so that z stays in [k, k + 1) with K classes
    even after rounding to two decimals for the browser."""
    k = proba.shape[1]
    confidence = (proba.max(axis=1) - 1 / k) / (1 - 1 / k)
    return proba.argmax(axis=1) + np.minimum(confidence, 0.99)


def verdict(result):
    """A sentence with the numbers: final accuracies or errors, or where training diverged."""
    c, last = result["curves"], result["last_epoch"]
    if result["diverged_at"] is not None:
        return (f"Training **diverged at step {result['diverged_at']}** (epoch {last + 1}): the "
                "loss blew up to infinity. The figures stop at the last finite epoch; try a "
                "learning rate ten times smaller.")
    row = c.iloc[-1]
    if result["task"] == "regression":
        return (f"After {last} epochs the mean squared error is {row['train_loss']:.3g} on the "
                f"training points and {row['val_loss']:.3g} on the validation points.")
    gap = row["train_acc"] - row["val_acc"]
    text = (f"After {last} epochs the network classifies {row['train_acc']:.0%} of the training "
            f"points and {row['val_acc']:.0%} of the validation points correctly.")
    chance = chance_level(result)
    if row["train_acc"] <= chance + CHANCE_MARGIN:
        text += (f" That is chance level: always answering the most common class would score "
                 f"{chance:.0%}. Training is stuck: try a smaller η or another initialization.")
    elif gap > 0.1:
        text += (f" The {gap:.0%} gap between the two is overfitting: it has learned the training "
                 "points' noise, not the pattern. Try dropout, L2 or more points.")
    elif row["train_acc"] < 0.8:
        text += " It has not learned the pattern: add features, layers, epochs or a better η."
    return text


CHANCE_MARGIN = 0.05    # a training accuracy this close to chance_level counts as stuck at chance


def chance_level(result):
    """The training accuracy of always answering the commonest class of the training points."""
    train = result["points"][result["points"]["set"] == "training"]["target"]
    return float(train.value_counts(normalize=True).max())


def _check_work(epochs, per_epoch):
    """The number of updates of the run; ValueError if above MAX_UPDATES."""
    if epochs * per_epoch > MAX_UPDATES:
        raise ValueError(f"this run needs {epochs * per_epoch:,} updates ({epochs} epochs × "
                         f"{per_epoch} batches); the limit is {MAX_UPDATES:,}: use fewer epochs "
                         "or a larger batch size")
    return epochs * per_epoch


def _scale(Xt, yt, regression, standardize):
    """(mean, std) of the training inputs and, for regression, of the target; identity when
    not standardizing."""
    if not standardize:
        return (0.0, 1.0), (0.0, 1.0)
    target = (yt.mean(), _std(yt)) if regression else (0.0, 1.0)
    return (Xt.mean(axis=0), _std(Xt)), target


def _std(a):
    """Standard deviation per column, 1 where a column is constant."""
    s = np.std(a, axis=0)
    return np.where(s > 0, s, 1.0)


def _net_x(X, scale, features):
    (mean, std), _ = scale
    return inputs((X - mean) / std, features)


def _net_y(y, scale):
    _, (mean, std) = scale
    return (y - mean) / std if np.issubdtype(y.dtype, np.floating) else y


def _grid(X, regression):
    """Axes spanning the data plus a margin: (x, y) for classification, (x,) for regression."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = MARGIN * np.maximum(hi - lo, 1e-9)
    size = CURVE if regression else GRID
    return tuple(np.linspace(a, b, size) for a, b in zip(lo - pad, hi + pad))


def _predict(model, theta, grid, scale, features, regression):
    """The model with parameters theta on the grid: the curve (regression, in the target's
    units) or shade() per grid point as a (GRID, GRID) array, Plotly's z[y][x]."""
    model.theta = theta
    points = np.column_stack([g.ravel() for g in np.meshgrid(*grid)])
    with np.errstate(all="ignore"):
        if regression:
            _, (mean, std) = scale
            return model.predict(_net_x(points, scale, features)).ravel() * std + mean
        return shade(model.predict_proba(_net_x(points, scale, features))).reshape(len(grid[1]), -1)


def _points(Xt, Xv, yt, yv):
    """The data as a tidy frame: x1 (and x2), target, set ("training" or "validation")."""
    X = np.vstack([Xt, Xv])
    frame = pd.DataFrame({f"x{j + 1}": X[:, j] for j in range(X.shape[1])})
    frame["target"] = np.r_[yt, yv]
    frame["set"] = ["training"] * len(yt) + ["validation"] * len(yv)
    return frame
