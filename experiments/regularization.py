"""Early stopping and dropout: a network far too large for a small noisy dataset.

A 2-128-128-2 ReLU network trained with Adam on 80 noisy moons points learns the noise: the
training loss keeps falling while the validation loss turns round and climbs (overfitting).

Early stopping (nnlib.train.EarlyStopping, Keras's rules) watches the validation loss after
every epoch, keeps the best parameters seen (the checkpoint) and stops once `patience` epochs
in a row brought no improvement larger than min_delta. Dropout switches each hidden unit off
with probability p in every training step, so no unit can rely on another one: the gap between
training and validation loss narrows.
"""
import math

import numpy as np
import pandas as pd

from experiments import budget, sources
from experiments.words import num
from nnlib import data, optim
from nnlib.model import MLP
from nnlib.train import EarlyStopping, fit
from experiments.frames import frame_steps

N_VAL, BATCH_SIZE = 200, 16
GRID, MARGIN = 40, 0.5       # the decision-boundary grid: GRID × GRID points around the data
MAX_FRAMES = 60
GAP_PS = (0.0, 0.2, 0.5)
LIMIT_S = 2.9   # experiments.budget: 4 networks × 370 epochs of 160 points


def dataset(n_train=80, noise=0.3, seed=0):
    """(X_train, X_val, y_train, y_val): n_train noisy moons points and N_VAL more to validate."""
    X, y = data.make_moons(n_train + N_VAL, noise=noise, seed=seed)
    return data.train_val_split(X, y, val_fraction=N_VAL / (n_train + N_VAL), seed=seed)


def train(n_train=80, noise=0.3, width=128, dropout=0.0, lr=0.01, epochs=200, seed=0,
          callback=None, record_thetas=None, early_stopping=None):
    """Train MLP([2, width, width, 2], relu, He init, dropout) with Adam on dataset();
    return (model, History, (X_train, X_val, y_train, y_val)). The last three arguments go
    to nnlib.train.fit."""
    Xt, Xv, yt, yv = split = dataset(n_train, noise, seed)
    model = MLP([2, width, width, 2], activation="relu", init="he_normal", dropout=dropout,
                seed=seed)
    hist = fit(model, Xt, yt, optim.Adam(lr=lr), batch_size=min(BATCH_SIZE, len(Xt)),
               epochs=epochs, val=(Xv, yv), seed=seed, callback=callback,
               record_thetas=record_thetas, early_stopping=early_stopping)
    return model, hist, split


def check_work(networks, n_train=80, epochs=200, width=128):
    """ValueError (experiments.budget) if training `networks` networks of `width` units on
    n_train points for `epochs` epochs is estimated above LIMIT_S, so that one view stays quick
    on a shared server."""
    budget.check([work(networks, n_train, epochs, width)], LIMIT_S,
                 f"{networks} networks for {epochs} epochs of "
                 f"{math.ceil(n_train / BATCH_SIZE)} batches",
                 "use fewer epochs, fewer training points or fewer units")


def work(networks, n_train=80, epochs=200, width=128):
    """The budget Run of training `networks` networks one by one (at width 128 a batched step
    costs as much as separate ones: experiments.budget)."""
    return budget.Run((2, width, width, 2), n_train, BATCH_SIZE, epochs, evaluated=n_train + N_VAL,
                      count=networks)


def meter(networks, n_train, epochs, width, what):
    """One fit callback per network counting its epochs for a progress bar (budget.Meter)."""
    run = work(networks, n_train, epochs, width)
    counter = budget.Meter([run])
    return lambda then=None: counter.callback(run, what, then)


def watch(stopper):
    """A fit callback that shows every epoch to `stopper` until it says stop, without ever
    stopping training: the run goes on so the page can show what early stopping saved us from.

    Up to its stop, `stopper` sees exactly what it would see as fit(early_stopping=stopper),
    so its best_epoch, best, best_theta and stopped_epoch are those of the early-stopped run.
    """
    def callback(epoch, logs, model):
        if stopper.stopped_epoch is None:
            stopper(epoch, logs, model)
        return False
    return callback


def run(n_train=80, noise=0.3, width=128, dropout=0.0, lr=0.01, epochs=200, early_stopping=True,
        monitor="val_loss", min_delta=0.0, patience=10, restore_best_weights=True,
        start_from_epoch=0, seed=0):
    """The full run with early stopping watching. Returns a dict:

    curves: frame epoch, train_loss, val_loss, train_acc, val_acc, trained (False after the
        epoch where early stopping ended training: shown for comparison only)
    early_stopping: whether it was on; best_epoch, best, stopped_epoch: what EarlyStopping
        recorded (None when it is off)
    kept_epoch: the epoch whose parameters the trained model ends with (restored best,
        the stopped epoch, or the last); kept_val_loss: that model's validation loss
    lowest_epoch: the epoch of the lowest validation loss; last_epoch; diverged_at
    grid: x, y (GRID values each), epochs (≤ MAX_FRAMES, 0 .. last), p (len(epochs), GRID, GRID)
        float32 probability of class 1, kept (GRID, GRID) at kept_epoch (or lowest_epoch
        when early stopping is off); points: frame x1, x2, label, set
    """
    stopper = EarlyStopping(monitor=monitor, min_delta=min_delta, patience=patience,
                            restore_best_weights=restore_best_weights,
                            start_from_epoch=start_from_epoch) if early_stopping else None
    tick = meter(1, n_train, epochs, width, "Training")
    model, hist, (Xt, Xv, yt, yv) = train(n_train, noise, width, dropout, lr, epochs, seed,
                                          tick(watch(stopper) if stopper else None), "epoch")
    curves = pd.DataFrame({k: hist.epochs[k] for k in
                           ("epoch", "train_loss", "val_loss", "train_acc", "val_acc")})
    last = int(curves["epoch"].iloc[-1])
    marks = {"early_stopping": stopper is not None, "best_epoch": None, "best": None,
             "stopped_epoch": None}
    if stopper is not None:
        marks |= {"best_epoch": stopper.best_epoch, "best": stopper.best,
                  "stopped_epoch": stopper.stopped_epoch}
    kept = _kept_epoch(stopper, last)
    curves["trained"] = curves["epoch"] <= (marks["stopped_epoch"] or last)
    model.theta = hist.thetas[kept]
    kept_val_loss = model.loss(Xv, yv)
    lowest = int(curves["val_loss"].idxmin())
    grid = _grid(np.vstack([Xt, Xv]))
    shown = frame_steps(last, MAX_FRAMES)
    return marks | {
        "curves": curves, "kept_epoch": kept, "kept_val_loss": kept_val_loss,
        "lowest_epoch": lowest, "last_epoch": last, "diverged_at": hist.diverged_at,
        "grid": {"x": grid[0], "y": grid[1], "epochs": shown,
                 "p": np.array([_proba(model, hist.thetas[e], grid) for e in shown]),
                 "kept": _proba(model, hist.thetas[kept if stopper else lowest], grid)},
        "points": sources.points(Xt, Xv, yt, yv)}


def _kept_epoch(stopper, last):
    """Keras's rule: the best epoch if restore_best_weights (and one was found), else the
    epoch training stopped at, else the last one."""
    if stopper is None:
        return last
    if stopper.restore_best_weights and stopper.best_epoch is not None:
        return stopper.best_epoch
    return stopper.stopped_epoch or last


def _grid(X):
    lo, hi = X.min(axis=0) - MARGIN, X.max(axis=0) + MARGIN
    return np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)


def _proba(model, theta, grid):
    """P(class 1) on the grid for the parameters theta, shape (GRID, GRID) as Plotly's z[y][x]."""
    model.theta = theta
    xx, yy = np.meshgrid(*grid)
    p = model.predict_proba(np.column_stack([xx.ravel(), yy.ravel()]))[:, 1]
    return p.reshape(xx.shape).astype(np.float32)


def dropout_gaps(ps=GAP_PS, n_train=80, noise=0.3, width=128, lr=0.01, epochs=200, seed=0):
    """For each dropout p, train all epochs (no early stopping) and measure the overfitting gap
    at the last epoch: frame dropout, train_loss, val_loss, gap = val_loss − train_loss."""
    tick = meter(len(ps), n_train, epochs, width, "Training the other dropout p")
    return pd.DataFrame([_gap(p, train(n_train, noise, width, p, lr, epochs, seed,
                                       tick())[1].epochs)
                         for p in ps], columns=["dropout", "train_loss", "val_loss", "gap"])


def with_gap(table, result, p):
    """dropout_gaps' table plus the row for the dropout p of `result` (a run(), which trains
    every epoch whatever early stopping says, so no second training), sorted by p."""
    row = pd.DataFrame([_gap(p, result["curves"])])
    return pd.concat([table[table["dropout"] != p], row]).sort_values("dropout", ignore_index=True)


def _gap(p, epochs):
    train_loss, val_loss = np.asarray(epochs["train_loss"])[-1], np.asarray(epochs["val_loss"])[-1]
    return {"dropout": p, "train_loss": train_loss, "val_loss": val_loss,
            "gap": val_loss - train_loss}


def describe_curves(result, metric="loss"):
    """The training-vs-validation figure in words, from run()'s result: where both curves start
    and end, the lowest validation loss and its epoch, and early stopping's checkpoint and stop."""
    c = result["curves"]
    trained = c[c["trained"]]
    words = {"loss": "loss", "acc": "accuracy"}[metric]
    fmt = (lambda v: f"{v:.0%}") if metric == "acc" else num
    first, last = trained.iloc[0], trained.iloc[-1]
    low = int(c["val_loss"].idxmin())
    text = (f"Training {words} (blue) and validation {words} (vermillion) per epoch. Training "
            f"goes from {fmt(first[f'train_{metric}'])} to {fmt(last[f'train_{metric}'])} and "
            f"validation from {fmt(first[f'val_{metric}'])} to {fmt(last[f'val_{metric}'])} by "
            f"epoch {int(last['epoch'])}; the lowest validation loss, {num(c['val_loss'].min())}, "
            f"is at epoch {low}" + ("." if result["early_stopping"] else " (the black star)."))
    if result["diverged_at"] is not None:
        text += f" Training diverged at step {result['diverged_at']}."
    if result["early_stopping"]:
        best = result["best_epoch"]
        text += (f" Early stopping's checkpoint, the best epoch it saw, is epoch {best} (the black "
                 f"star, validation {words} {fmt(c[f'val_{metric}'].iloc[best])})")
        if not c["trained"].all():
            text += (f"; it stopped at epoch {result['stopped_epoch']} (dashed line) when patience "
                     f"ran out, and the dotted curves show the "
                     f"{result['last_epoch'] - result['stopped_epoch']} epochs it did not train")
        text += f"; the model it gives you is epoch {result['kept_epoch']}."
    return text

def describe_boundaries(result):
    """The two probability maps in words: which epoch each shows (the kept model, or the lowest
    validation loss without early stopping, and the last), the share of the map read as class 1
    and the accuracy on the training and validation points at that epoch."""
    g, c = result["grid"], result["curves"]
    left = result["kept_epoch"] if result["early_stopping"] else result["lowest_epoch"]
    n = int((result["points"]["set"] == "training").sum())
    why = "the model early stopping gives you" if result["early_stopping"] else "the lowest validation loss"
    parts = []
    for side, epoch, p in (("Left", left, g["kept"]), ("right", int(g["epochs"][-1]), g["p"][-1])):
        row = c.iloc[epoch]
        parts.append(f"{side}, epoch {epoch}{f' ({why})' if side == 'Left' else ', the end of the full run'}: "
                     f"{np.mean(p > 0.5):.0%} of the map is read as class 1, and it gets "
                     f"{row.train_acc:.0%} of the training points and {row.val_acc:.0%} of the validation "
                     f"points right")
    return (f"Two maps of the network's probability of class 1, pale blue for class 0 through white "
            f"(0.5) to pale vermillion for class 1, with the {n} training points on top (class 0 "
            f"blue, class 1 vermillion). " + "; ".join(parts) + ". ▶ replays the right map from "
            f"epoch {int(g['epochs'][0])}.")


def describe_gaps(table, current):
    """The gap bars in words: per dropout p the validation − training loss at the last epoch,
    yours (orange) named, and the smallest gap."""
    bars = "; ".join(f"p = {num(row.dropout)}{' (yours, orange)' if abs(row.dropout - current) < 1e-9 else ''}: "
                     f"gap {num(row.gap)} (training {num(row.train_loss)}, validation {num(row.val_loss)})"
                     for row in table.itertuples())
    low = table.loc[table["gap"].idxmin()]
    return (f"One bar per dropout probability, the gap validation − training loss at the last epoch: "
            f"{bars}. The smallest gap is at p = {num(low.dropout)}.")


def verdict(result, *, monitor="val_loss"):
    """A sentence with run()'s numbers: which epoch was kept, its validation loss, and the last
    one's; monitor: the metric early stopping watched."""
    c, kept, last = result["curves"], result["kept_epoch"], result["last_epoch"]
    end = f"the last epoch ({last}) has validation loss {c['val_loss'].iloc[last]:.3f}"
    if result["diverged_at"] is not None:
        end += f" (training diverged at step {result['diverged_at']})"
    if not result["early_stopping"]:
        low = result["lowest_epoch"]
        return (f"Without early stopping you keep epoch {last}: {end}, against "
                f"{c['val_loss'].iloc[low]:.3f} at its lowest (epoch {low}).")
    if result["best_epoch"] is None:
        return f"Early stopping never watched an epoch (start_from_epoch ≥ epochs): {end}."
    stop = (f"patience ran out at epoch {result['stopped_epoch']}"
            if result["stopped_epoch"] else "patience never ran out")
    return (f"Early stopping watched {monitor}, {stop} and the model you get is epoch {kept}: "
            f"validation loss {result['kept_val_loss']:.3f}; had training continued, {end}.")
