"""Playground: every knob in one place (in the spirit of TensorFlow Playground).

One network (nnlib.model.MLP) is trained by mini-batch descent (nnlib.train.fit) on a toy data
set or the learner's own table (experiments.sources). Its inputs are TensorFlow Playground's
features of the point (x, y): x, y, x², y², xy, sin x, sin y (nnlib.data.add_features). While
it trains, the prediction on a grid is recorded at up to MAX_FRAMES epochs: the decision regions
of a classifier, the predicted value over the plane of a regression with two inputs, or the
fitted curve of a regression with one (the sine), as they change. At the same epochs the
network diagram records, on a coarser grid, every drawn unit's output (nnlib's MLP.activations:
the features, each hidden neuron after its activation, the output units) and the weights
between the drawn units. The number of frames shrinks with the network so that the figure's
payload stays bounded (frame_count).

Uploaded data is standardized (each column to mean 0 and standard deviation 1, the regression
target too) before the features are computed, so any units train alike; the grid and the
curve are mapped back, so figures use the file's units. Built-in data is used as it comes.
"""
import math

import numpy as np
import pandas as pd

from experiments import budget, sources
from experiments.schedules import make_schedule
from experiments.words import num
from nnlib import data, optim
from nnlib._check import choice
from nnlib.model import MLP
from nnlib.train import fit
from experiments.epochs import too_few_epochs
from experiments.frames import frame_steps
from experiments.metrics import confusion_matrix

CLASSIFICATION_SETS = ("moons", "circles", "spirals", "xor", "blobs")
MULTICLASS_SETS = ("spirals", "blobs")     # the sets that take a number of classes
REGRESSION_SETS = tuple(data.REGRESSION_SETS)   # sine (one input, x), plane, gaussians
DEFAULT_SETS = {"classification": "spirals", "regression": "sine"}
ONE_D_FEATURES = ("x", "x2", "sinx")       # data with one input, x (the sine)
MAX_FRAMES = 60
GRID = 44                                  # heat map: GRID × GRID points
DIAGRAM_GRID = 16                          # a unit's map: DIAGRAM_GRID² points (one input:
                                           # DIAGRAM_GRID in a strip)
DIAGRAM_UNITS = 8                          # units drawn per layer: the first 8
FRAME_FLOATS = 200_000                     # numbers in all frames' maps together, at most
CURVE = 200                                # curve of one input: CURVE points
MARGIN = 0.15                              # grid beyond the data, as a fraction of its range
LIMIT_S = 3.1        # experiments.budget: 100,000 updates of 2-16-16-2


def load(problem, dataset, n, noise, classes, seed, uploaded=None):
    """(X, y, class names, column names): the uploaded Table if given, else a built-in set.

    Classification: dataset from CLASSIFICATION_SETS (classes used by spirals and blobs).
    Regression: dataset from REGRESSION_SETS (nnlib.data.REGRESSION_SETS): the noisy sine
    (X (n, 1)), the plane or the gaussians (X (n, 2)). None: DEFAULT_SETS[problem].
    """
    dataset = DEFAULT_SETS[problem] if dataset is None else dataset

    def built_in():
        if problem == "regression":
            return data.REGRESSION_SETS[choice("dataset", dataset, REGRESSION_SETS)](
                n, noise=noise, seed=seed)
        make = data.DATASETS[choice("dataset", dataset, CLASSIFICATION_SETS)]
        return make(n, noise=noise, seed=seed,
                    **({"n_classes": classes} if dataset in MULTICLASS_SETS else {}))
    X, y = sources.choose(uploaded, built_in, task=problem)
    if uploaded is not None:
        return X, y, uploaded.classes, uploaded.columns
    if problem == "regression":
        return X, y, (), ("x", "y") if X.shape[1] == 1 else ("x", "y", "target")
    return X, y, tuple(str(k) for k in range(y.max() + 1)), ("x", "y", "class")


def inputs(X, features):
    """The network's input columns: the chosen features of X (n, 2) or, for 1-D X, of x alone."""
    if X.shape[1] == 2:
        return data.add_features(X, features)
    kept = [f for f in features if f in ONE_D_FEATURES]
    if not kept:
        raise ValueError("these data have one input, x: choose at least one of the features "
                         f"{', '.join(ONE_D_FEATURES)}")
    return data.add_features(np.column_stack([X[:, 0], np.zeros(len(X))]), kept)


def run(problem="classification", dataset=None, n=300, noise=0.05, classes=2,
        val_fraction=0.25, features=("x", "y"), hidden=(16, 16), activation="relu",
        init="he_normal", optimizer="adam", lr=0.003, schedule="constant", batch_size=16,
        dropout=0.0, l2=0.0, epochs=200, seed=0, uploaded=None, l1=0.0, then=()):
    """Train one network and return what the page draws, as a dict:

    task, classes (names; empty for regression), columns (the data's column names: features,
    then the label or target), sizes (layer widths), batch_size (the one
    used: capped at the number of training rows), curves (frame: epoch, train_loss, val_loss
    and, for classification, train_acc, val_acc, and the lr of the epoch's last step), points
    (frame: x1 [, x2], target, set), epochs (the frame epochs, ≤ frame_count(sizes)), grid
    (two inputs: x, y axes of GRID values; one input: x of CURVE values), z (float32, per
    frame: classification (GRID, GRID) with z = predicted class + confidence in [0, 0.99], see
    `shade`; regression the predicted value at each grid point, (GRID, GRID) or (CURVE,)),
    inputs (the network's input features, in order), diagram (see `diagram`), state (the
    MLP's state_dict at the last frame), checkpoint (see `save`: the state after the last
    epoch), changes (per stage after the first that ran: (the epoch it goes on from, its η)),
    last_epoch, diverged_at (None or
    the step that blew up, counted over all stages), scores (classification: the last
    train_acc and val_acc; regression: see `scores`), confusion (classification: the validation
    points' confusion matrix at the last epoch, see `confusion`; regression: None).

    `dataset`: see `load`. `then`: more stages after the first `epochs`, ((epochs, η), ...),
    TensorFlow Playground's "change η and go on": each stage goes on from the checkpoint of
    the one before with the new η and no schedule (`resume`). A stage after a diverged one does
    not run.
    """
    regression = choice("problem", problem, sources.TASKS) == "regression"
    X, y, names, columns = load(problem, dataset, n, noise, classes, seed, uploaded)
    one_d = X.shape[1] == 1
    Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=val_fraction, seed=seed)
    scale = _scale(Xt, yt, regression, standardize=uploaded is not None)
    sizes = [inputs(X[:1], features).shape[1], *hidden, 1 if regression else len(names)]
    batch = min(batch_size, len(Xt))
    per_epoch = math.ceil(len(Xt) / batch)
    total = epochs + sum(more for more, _ in then)
    stages = [budget.Run(tuple(sizes), len(Xt), batch, stage, evaluated=len(X))
              for stage in (epochs, *(more for more, _ in then))]
    budget.check(stages, LIMIT_S,
                 f"a {'-'.join(map(str, sizes))} network for {total} epochs of {per_epoch} "
                 "batches", "use fewer epochs, a larger batch size or a smaller network")
    model = MLP(sizes, activation=activation, init=init, dropout=dropout, l2=l2, l1=l1, seed=seed,
                loss="mse" if regression else "cross_entropy")
    opt, rng = optim.get(optimizer, lr=lr), np.random.default_rng(seed)
    keep = {*frame_steps(total, frame_count(sizes, one_d)).tolist(), epochs}
    snaps = Snapshots(model, keep)            # and the epoch where η changes
    meter = budget.Meter(stages)
    train = (_net_x(Xt, scale, features), _net_y(yt, scale))
    val = (_net_x(Xv, scale, features), _net_y(yv, scale))
    hists = [fit(model, *train, opt, batch_size=batch, epochs=epochs, seed=rng, val=val,
                 schedule=make_schedule(schedule, opt, epochs * per_epoch),
                 callback=meter.callback(stages[0], "Training", snaps))]
    checkpoint, changes, done = save(model, opt, rng), [], epochs
    for stage, (more, new_lr) in zip(stages[1:], then):
        if hists[-1].diverged_at is not None:
            break
        changes.append((done, new_lr))
        snaps.offset = done
        hist, checkpoint = resume(checkpoint, model, opt, train, val, batch, more, new_lr,
                                  callback=meter.callback(stage, f"Going on with η = {new_lr:g}",
                                                          snaps))
        hists.append(hist)
        done += more
    curves = joined(hists)
    last = int(curves["epoch"].iloc[-1])
    states, grid = snaps.states(last), _grid(X)
    z = [_predict(model, state, grid, scale, features, regression) for state in states.values()]
    return {"task": problem, "classes": names, "columns": columns, "sizes": model.sizes,
            "batch_size": batch, "curves": curves, "points": sources.points(Xt, Xv, yt, yv),
            "epochs": np.array(list(states)), "grid": grid, "z": np.array(z, dtype=np.float32),
            "inputs": network_inputs(features, one_d),
            "diagram": diagram(model, states, grid, scale, features), "state": states[last],
            "checkpoint": checkpoint, "changes": changes, "last_epoch": last,
            "diverged_at": diverged_at(hists),
            "scores": scores(model, states[last], (Xt, yt), (Xv, yv), scale, features)
            if regression else {k: float(curves[k].iloc[-1]) for k in ("train_acc", "val_acc")},
            "confusion": None if regression
            else confusion(model, states[last], (Xv, yv), scale, features, len(names))}


def scores(model, state, train, val, scale, features):
    """Regression's scores with `state` loaded, in the target's units, for the training and the
    validation points: RMSE = √(mean (ŷ − y)²) and R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)² (1: perfect,
    0: no better than always answering the mean ȳ of those points)."""
    model.load_state_dict(state)
    _, (mean, std) = scale
    out = {}
    for name, (X, y) in (("train", train), ("val", val)):
        with np.errstate(all="ignore"):
            error = model.predict(_net_x(X, scale, features)) * std + mean - y
        out[f"{name}_rmse"] = float(np.sqrt(np.mean(error ** 2)))
        out[f"{name}_r2"] = float(1 - np.sum(error ** 2) / np.sum((y - y.mean()) ** 2))
    return out


def confusion(model, state, val, scale, features, classes):
    """The validation points with `state` loaded: C[i, j] = how many of class i the network
    calls class j (its most probable class); the diagonal's share is the validation accuracy."""
    model.load_state_dict(state)
    X, y = val
    with np.errstate(all="ignore"):
        called = model.predict_proba(_net_x(X, scale, features)).argmax(axis=1)
    return confusion_matrix(y, called, classes)


def confusion_frame(result):
    """The confusion matrix as a table for people: a row per true class, a column per class
    the network calls it."""
    names = result["classes"]
    return pd.DataFrame(result["confusion"], index=[f"true class {n}" for n in names],
                        columns=[f"called {n}" for n in names])


def save(model, opt, rng):
    """A checkpoint: what training needs to go on exactly as if it had not stopped, as copies:
    the model's and the optimizer's state_dict and the state of the generator that shuffles
    the batches and draws the dropout masks."""
    return {"model": model.state_dict(), "optimizer": opt.state_dict(),
            "rng": rng.bit_generator.state}


def resume(checkpoint, model, opt, train, val, batch, epochs, lr, callback=None):
    """Go on from `checkpoint` (see `save`) for `epochs` more epochs with the optimizer's η set
    to `lr` (constant): `model` and `opt` (of the checkpoint's kinds) are loaded with its state
    and trained in place on train = (X, y), measured on val. Returns (fit's History, its epochs
    numbered from 0 = the checkpoint; the new checkpoint)."""
    model.load_state_dict(checkpoint["model"])
    opt.load_state_dict(checkpoint["optimizer"])
    opt.lr = lr
    rng = np.random.default_rng()
    rng.bit_generator.state = checkpoint["rng"]
    hist = fit(model, *train, opt, batch_size=batch, epochs=epochs, seed=rng, val=val,
               callback=callback)
    return hist, save(model, opt, rng)


def joined(hists):
    """One frame of epoch rows (without times) for stages trained one after the other: each
    later stage's epoch 0 (its checkpoint, already the last row before) is left out and its
    epochs are numbered on."""
    frames, start = [], 0
    for k, hist in enumerate(hists):
        frame = pd.DataFrame(hist.epochs).drop(columns=["time"]).iloc[min(k, 1):]
        frames.append(frame.assign(epoch=frame["epoch"] + start))
        start = int(frames[-1]["epoch"].iloc[-1]) if len(frame) else start
    return pd.concat(frames, ignore_index=True)


def diverged_at(hists):
    """The step (counted over all stages) that blew up, or None."""
    done = 0
    for hist in hists:
        if hist.diverged_at is not None:
            return done + hist.diverged_at
        done += len(hist.steps["step"])
    return None


def frame_count(sizes, one_d):
    """How many epochs become frames: MAX_FRAMES, or fewer when the big map plus the drawn
    units' maps (DIAGRAM_GRID² numbers each, the first DIAGRAM_UNITS units of every layer after
    the inputs) would hold more than FRAME_FLOATS numbers over all frames. The default
    2-16-16-2 draws 8 + 8 + 2 maps: 200,000 // (44² + 18 · 16²) = 30 frames, a 1.6 MB figure;
    the largest network (six hidden layers of 8 or more, 6 classes) 12. `one_d`: data with one
    input, whose maps are strips (CURVE and DIAGRAM_GRID numbers)."""
    big, small = (CURVE, DIAGRAM_GRID) if one_d else (GRID ** 2, DIAGRAM_GRID ** 2)
    maps = sum(min(n, DIAGRAM_UNITS) for n in sizes[1:])
    return min(MAX_FRAMES, FRAME_FLOATS // (big + small * maps))


def network_inputs(features, one_d):
    """The network's input features in column order (data with one input keep those of x)."""
    return tuple(f for f in features if not one_d or f in ONE_D_FEATURES)


def diagram(model, states, grid, scale, features):
    """What the network diagram draws at each kept epoch, from nnlib's own forward pass
    (MLP.activations on the points of a DIAGRAM_GRID grid over the big map's span):

    grid: the diagram's axes (x, y; one input: x alone); sizes: the layer widths; shown: the
    units drawn per layer, the first min(n, DIAGRAM_UNITS) of each; maps: per layer, a float32
    array (frames, shown, rows, cols), rows × cols = len(y) × len(x) (one input: 1 × len(x)),
    each unit's output on the grid (layer 0: the input features; hidden layers: f(z), no
    dropout; last: the output units, logits or predictions); weights: per pair of layers,
    float32 (frames, shown[l], shown[l + 1]), W[i, j] from unit i to unit j."""
    axes = tuple(np.linspace(g[0], g[-1], DIAGRAM_GRID) for g in grid)
    rows = len(axes[1]) if len(axes) == 2 else 1
    X = _net_x(np.column_stack([g.ravel() for g in np.meshgrid(*axes)]), scale, features)
    shown = [min(n, DIAGRAM_UNITS) for n in model.sizes]
    maps, weights = [[] for _ in shown], [[] for _ in shown[1:]]
    for state in states.values():
        model.load_state_dict(state)
        with np.errstate(all="ignore"):
            outputs = model.activations(X)
        for kept, a, k in zip(maps, outputs, shown):
            kept.append(a[:, :k].T.reshape(k, rows, -1))
        for kept, (W, _), k_in, k_out in zip(weights, model.layers, shown, shown[1:]):
            kept.append(W[:k_in, :k_out].copy())          # W is a view of the parameters
    return {"grid": axes, "sizes": model.sizes, "shown": shown,
            "maps": [np.array(m, dtype=np.float32) for m in maps],
            "weights": [np.array(w, dtype=np.float32) for w in weights]}


class Snapshots:
    """A fit callback keeping the model's state_dict() at the epochs in `keep` (counted over all
    stages: set `offset` before each later stage), and the latest one, so the last finite epoch
    can be drawn even when the run diverges before a kept epoch.
    (Snapshots of a few epochs, not fit's record_thetas="epoch": 1000 epochs of a 6 × 64
    network would hold 21 million numbers.)"""

    def __init__(self, model, keep):
        self.keep, self.kept, self.latest = keep, {0: model.state_dict()}, None
        self.offset = 0           # epochs before the stage in training (fit counts from 1)

    def __call__(self, epoch, logs, model):
        epoch += self.offset
        self.latest = model.state_dict()
        if epoch in self.keep:
            self.kept[epoch] = self.latest
        return False

    def states(self, last):
        """{epoch: state_dict} for the kept epochs up to `last`, with `last` itself included."""
        return self.kept if last in self.kept else self.kept | {last: self.latest}


def shade(proba):
    """One number per point for the heat map: predicted class k plus the confidence
    (p_max − 1/K) / (1 − 1/K), capped at 0.99 so that z stays in [k, k + 1) with K classes
    even after rounding to two decimals for the browser."""
    k = proba.shape[1]
    confidence = (proba.max(axis=1) - 1 / k) / (1 - 1 / k)
    return proba.argmax(axis=1) + np.minimum(confidence, 0.99)


def describe(result):
    """The Playground's main figure in words, from run()'s result: the network, how much of the
    plane the big map gives each class (classification) or the range of its predicted values
    (regression over the plane) at the last epoch, and the scores then and before training."""
    c, last = result["curves"], result["last_epoch"]
    net = " → ".join(map(str, result["sizes"]))
    start, end = c.iloc[0], c.iloc[-1]
    regression, plane = result["task"] == "regression", len(result["grid"]) == 2
    picture = ("the curve it predicts for every x" if not plane
               else "the heat map of the value it predicts at every point of the plane (red "
                    "high, blue low, white in the middle, as the colour bar shows; each point "
                    "coloured by its own target on the same scale)" if regression
               else "the big map of the class it predicts at every point of the plane")
    text = (f"Left, the network {net} as a diagram; right, {picture}, with the data points on "
            f"top. ▶ Play shows epochs {int(result['epochs'][0])} to {int(result['epochs'][-1])}.")
    if regression and plane:
        z, target = result["z"][-1], result["points"]["target"]
        text += (f" After epoch {last} the map's predicted values go from {num(z.min())} to "
                 f"{num(z.max())}; the points' targets from {num(target.min())} to "
                 f"{num(target.max())}.")
    if regression:
        text += (f" The mean squared error goes from {num(start['train_loss'])} before training to "
                 f"{num(end['train_loss'])} on the training points and {num(end['val_loss'])} on "
                 f"the validation points after epoch {last}.")
    else:
        picked = np.floor(result["z"][-1]).astype(int).ravel()
        shares = ", ".join(f"class {name}: {np.mean(picked == k):.0%}"
                           for k, name in enumerate(result["classes"]))
        text += (f" After epoch {last} the map's share of the plane is {shares}; the network classifies "
                 f"{end['train_acc']:.0%} of the training points and {end['val_acc']:.0%} of the "
                 f"validation points correctly (before training: {start['train_acc']:.0%} and "
                 f"{start['val_acc']:.0%}).")
    if result["diverged_at"] is not None:
        text += f" Training diverged at step {result['diverged_at']}; the picture stops before."
    return text


def describe_losses(result):
    """The loss curves in words: training (solid blue) and validation (dashed vermillion) loss
    at the first and last epoch, the lowest validation loss, and the ✕ of a diverged run."""
    c = result["curves"]
    kind = "mean squared error" if result["task"] == "regression" else "cross-entropy"
    first, last = c.iloc[0], c.iloc[-1]
    low = c.loc[c["val_loss"].idxmin()]
    text = (f"The loss ({kind}) per epoch on a log axis, from epoch {int(first.epoch)} to epoch "
            f"{int(last.epoch)}: training (solid blue) from {num(first.train_loss)} to {num(last.train_loss)}, "
            f"validation (dashed vermillion) from {num(first.val_loss)} to {num(last.val_loss)}, lowest "
            f"{num(low.val_loss)} at epoch {int(low.epoch)}.")
    text += changed(result)
    if result["diverged_at"] is not None:
        text += f" Training diverged at step {result['diverged_at']} (the ✕); the curves stop before."
    return text


def changed(result):
    """The sentence "After epoch k training went on ... with η = x (the dotted line)." for each
    later stage of the run (none: the empty string)."""
    return "".join(f" After epoch {epoch} training went on from where it stopped with η = {lr:g} "
                   "(the dotted line)." for epoch, lr in result["changes"])


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
    return text + (f" **{warning}**" if (warning := too_few_epochs(c["val_loss"])) else "")


CHANCE_MARGIN = 0.05    # a training accuracy this close to chance_level counts as stuck at chance


def chance_level(result):
    """The training accuracy of always answering the commonest class of the training points."""
    train = result["points"][result["points"]["set"] == "training"]["target"]
    return float(train.value_counts(normalize=True).max())


def _scale(Xt, yt, regression, standardize):
    """(mean, std) of the training inputs and, for regression, of the target; identity when
    not standardizing."""
    if not standardize:
        return (0.0, 1.0), (0.0, 1.0)
    return sources.scale(Xt), sources.scale(yt) if regression else (0.0, 1.0)


def _net_x(X, scale, features):
    (mean, std), _ = scale
    return inputs((X - mean) / std, features)


def _net_y(y, scale):
    _, (mean, std) = scale
    return (y - mean) / std if np.issubdtype(y.dtype, np.floating) else y


def _grid(X):
    """Axes spanning the data plus a margin: (x, y) of GRID values for two inputs, (x,) of
    CURVE values for one."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = MARGIN * np.maximum(hi - lo, 1e-9)
    size = CURVE if X.shape[1] == 1 else GRID
    return tuple(np.linspace(a, b, size) for a, b in zip(lo - pad, hi + pad))


def _predict(model, state, grid, scale, features, regression):
    """The model loaded with `state` (a state_dict) at every grid point: the predicted value
    (regression, in the target's units) or shade(); for two inputs a (GRID, GRID) array,
    Plotly's z[y][x], for one the curve (CURVE,)."""
    model.load_state_dict(state)
    points = np.column_stack([g.ravel() for g in np.meshgrid(*grid)])
    with np.errstate(all="ignore"):
        if regression:
            _, (mean, std) = scale
            values = model.predict(_net_x(points, scale, features)).ravel() * std + mean
        else:
            values = shade(model.predict_proba(_net_x(points, scale, features)))
    return values if len(grid) == 1 else values.reshape(len(grid[1]), -1)
