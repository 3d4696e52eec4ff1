"""Mini-batch gradient descent with per-epoch evaluation, callbacks and early stopping.

Each epoch (one pass over the data): shuffle the examples, cut them into mini-batches of
`batch_size` (the last one may be smaller), and for each batch B take one step

    theta <- theta - lr * grad L_B(theta)        (or Adam, RMSprop, ... via `opt.step`)

Then evaluate the whole training set (and the validation set) in eval mode.

Numbering: step s = 1, 2, ... is the s-th update; its row holds the batch loss measured
*before* that update and the lr it used. Epoch 0 is the evaluation at initialization,
epoch e >= 1 the evaluation after the e-th pass over the data.
"""
import math
import time
from dataclasses import dataclass, field

import numpy as np

from nnlib import _check, losses
from nnlib.schedules import ReduceLROnPlateau

MAX_LOSS = 1e8   # a loss above this (or inf/NaN) means the run has blown up
MAX_STEPS = 1_000_000   # updates per run (epochs × batches per epoch): bounded History memory
METRICS = ("train_loss", "train_acc", "val_loss", "val_acc")


@dataclass
class History:
    """What happened during `fit`; columns are dicts of 1-D arrays (`pd.DataFrame(hist.epochs)`).

    steps:  epoch, step, batch_loss, lr, time  (one row per update)
    epochs: epoch, train_loss, [train_acc], [val_loss, val_acc], lr, time  (epoch 0 = at init)
    `time` is seconds of training since the start, evaluation excluded.
    Accuracies are absent for regression (loss "mse"), val_* absent without validation data.
    best_epoch: the epoch whose parameters early stopping kept (None without early stopping).
    stopped_epoch: the epoch after which a callback or early stopping ended training, else None.
    diverged_at: None, or the first step that blew up (its batch loss, its update or the
      evaluation after it gave inf/NaN or a loss > MAX_LOSS); `steps` holds the steps before it.
    thetas: (k, n_params) parameter snapshots, the initial ones first, if asked for.
    """
    steps: dict = field(repr=False)
    epochs: dict = field(repr=False)
    best_epoch: int | None = None
    stopped_epoch: int | None = None
    diverged_at: int | None = None
    thetas: np.ndarray | None = field(default=None, repr=False)


class EarlyStopping:
    """Stop when the monitored metric has stopped improving (Keras's EarlyStopping).

    An epoch improves when it beats the best so far by more than min_delta
    (mode "min": value < best - min_delta; "max": value > best + min_delta).
    `wait` counts epochs since the last improvement; training stops once wait >= patience.
    With a baseline, wait is only reset by improvements that also beat the baseline.
    The first `start_from_epoch` training epochs are not monitored. The parameters of the
    best epoch are always kept in `best_theta`; restore_best_weights puts them back into
    the model at the end of training, whether or not it stopped early (Keras >= 2.11).
    Epochs use fit's numbering (1 = after the first pass over the data).
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        self.monitor = _check.choice("monitor", monitor, METRICS)
        self.min_delta = abs(_check.number("min_delta", min_delta))
        self.patience = _check.integer("patience", patience, low=0)
        mode = _check.choice("mode", mode, ("auto", "min", "max"))
        self.mode = ("min" if monitor.endswith("loss") else "max") if mode == "auto" else mode
        self.baseline = None if baseline is None else _check.number("baseline", baseline)
        self.restore_best_weights = _check.flag("restore_best_weights", restore_best_weights)
        self.start_from_epoch = _check.integer("start_from_epoch", start_from_epoch, low=0)
        self.on_train_begin()

    def on_train_begin(self):
        """Forget any previous run, so one instance can be reused."""
        self.wait = 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = None
        self.best_theta = None
        self.stopped_epoch = None

    def _improves(self, value, reference):
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def __call__(self, epoch, logs, model):
        """Look at epoch's row; return True to stop training (never at epoch 1, as in Keras)."""
        if epoch <= self.start_from_epoch:
            return False
        value = logs[self.monitor]
        self.wait += 1
        if self._improves(value, self.best):
            self.best, self.best_epoch = value, epoch
            self.best_theta = model.theta.copy()
            if self.baseline is None or self._improves(value, self.baseline):
                self.wait = 0
            return False
        if self.wait >= self.patience and epoch > 1:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, model):
        if self.restore_best_weights and self.best_theta is not None:
            model.theta[...] = self.best_theta


def fit(model, X, y, opt, batch_size=32, epochs=100, schedule=None, val=None,
        early_stopping=None, shuffle=True, seed=0, callback=None, record_thetas=None,
        schedule_per="step"):
    """Train `model` in place by mini-batch gradient descent and return its History.

    batch_size=None means full batch: one step per epoch on all the data (not shuffled, as
      the order cannot matter); batch_size > number of examples is an error.
    schedule: a nnlib.schedules scheduler, stepped after every update (schedule_per="step")
      or every epoch ("epoch"); ReduceLROnPlateau is always stepped once per epoch with
      val_loss (train_loss without validation data).
    val: (X_val, y_val), evaluated after every epoch.
    callback(epoch, logs, model) is called after every training epoch (1, 2, ...) with that
      epoch's row as a dict; returning True stops training. early_stopping: an EarlyStopping.
    record_thetas: None, "epoch" or "step" -> History.thetas.
    One np.random.default_rng(seed) shuffles the data and draws the dropout masks; `seed` may
      also be a np.random.Generator, used as it is and left where training stopped, so that a
      second fit with the same generator goes on with the same stream (a continued run).
    Divergence: if a batch loss is inf/NaN or above MAX_LOSS, or an update leaves inf/NaN
    parameters (or an epoch's loss blows up), training stops cleanly. History.diverged_at is
    the first step that could not be recorded, and the tables hold every row before it (all
    finite). The model keeps its blown-up parameters, unless early stopping restores the best.
    """
    X, y = _check_data(model, X, y, "training")
    val = None if val is None else _check_data(model, *val, "validation")
    batch_size, epochs = _check_settings(len(X), batch_size, epochs, record_thetas, schedule_per)
    first_row = _evaluate(model, X, y, val) | {"lr": opt.lr}
    check_monitor(early_stopping, first_row)
    step_schedule, epoch_schedule = split_schedule(schedule, schedule_per)
    if early_stopping is not None:
        early_stopping.on_train_begin()

    rng = seed if isinstance(seed, np.random.Generator) else _check.generator(seed)
    log = _Log(model, epochs, math.ceil(len(X) / batch_size), record_thetas,
               first_row)
    with np.errstate(all="ignore"):       # blow-ups are detected, not warned about
        for epoch in range(1, epochs + 1):
            if not _train_epoch(model, X, y, opt, batch_size, shuffle, rng, step_schedule, log):
                break
            log.pause()
            row = _evaluate(model, X, y, val) | {"lr": opt.lr}
            stop = close_epoch(epoch, row, log, model, epoch_schedule, callback, early_stopping)
            log.resume()
            if stop:
                break
    if early_stopping is not None:
        early_stopping.on_train_end(model)
        log.best_epoch = early_stopping.best_epoch
    return log.history()


def check_monitor(early_stopping, first_row):
    """ValueError unless early stopping monitors a metric that the run records (first_row)."""
    if early_stopping is not None and early_stopping.monitor not in first_row:
        recorded = ", ".join(k for k in first_row if k in METRICS)
        raise ValueError(f"early stopping monitors {early_stopping.monitor!r}, which this run "
                         f"does not record (it records {recorded}); validation metrics need "
                         "val=(X_val, y_val), accuracies a classifier")


def split_schedule(schedule, schedule_per):
    """(scheduler stepped after every update, scheduler stepped after every epoch); one of them
    is None. ReduceLROnPlateau is always stepped per epoch (close_epoch gives it the metric)."""
    if schedule_per == "step" and not isinstance(schedule, ReduceLROnPlateau):
        return schedule, None
    return None, schedule


def close_epoch(epoch, row, log, model, schedule, callback, early_stopping):
    """After the evaluation `row` of epoch: record it, step the per-epoch schedule, ask the
    callback and early stopping. True when training ends (divergence or a stop)."""
    if any(_blown_up(row[k]) for k in row if k.endswith("loss")):
        log.diverged_at = log.s + 1
        return True
    log.add_epoch(row)
    if isinstance(schedule, ReduceLROnPlateau):
        schedule.step(row["val_loss" if "val_loss" in row else "train_loss"])
    elif schedule is not None:
        schedule.step()
    logs = {"epoch": epoch} | row
    stop = callback is not None and callback(epoch, logs, model)
    if early_stopping is not None:
        stop = early_stopping(epoch, logs, model) or stop
    if stop:
        log.stopped_epoch = epoch
    return bool(stop)


def _train_epoch(model, X, y, opt, batch_size, shuffle, rng, schedule, log):
    """One pass over the data in mini-batches; False if training diverged."""
    n = len(X)
    if shuffle and batch_size < n:
        order = rng.permutation(n)
        X, y = X[order], y[order]
    for i in range(0, n, batch_size):
        lr = opt.lr
        loss, grad = model.batch_loss_and_grad(X[i:i + batch_size], y[i:i + batch_size], rng=rng)
        opt.step(model.theta, grad)
        if _blown_up(loss, model.theta):
            log.diverged_at = log.s + 1
            return False
        log.add_step(loss, lr)
        if schedule is not None:
            schedule.step()
    return True


class _Clock:
    """Training seconds: wall time since start, minus the time between pause() and resume()
    (evaluation between epochs does not count)."""

    def start_clock(self):
        self.start = time.perf_counter()          # moved forward by pauses

    def clock(self):
        return time.perf_counter() - self.start

    def pause(self):
        self.paused_at = self.clock()

    def resume(self):
        self.start += self.clock() - self.paused_at


class _Log(_Clock):
    """Step rows in preallocated arrays, epoch rows, parameter snapshots, the training clock."""

    def __init__(self, model, epochs, steps_per_epoch, record_thetas, first_row):
        self.model, self.record_thetas = model, record_thetas
        self.steps_per_epoch = steps_per_epoch
        self.batch_loss, self.lr, self.time = np.empty((3, epochs * steps_per_epoch))
        self.s = 0                                # steps recorded
        self.rows = [first_row | {"time": 0.0}]
        self.thetas = [model.theta.copy()] if record_thetas else None
        self.best_epoch = self.stopped_epoch = self.diverged_at = None
        self.start_clock()

    def add_step(self, loss, lr):
        s = self.s
        self.batch_loss[s], self.lr[s], self.time[s] = loss, lr, self.clock()
        self.s += 1
        if self.record_thetas == "step":
            self.thetas.append(self.model.theta.copy())

    def add_epoch(self, row):
        self.rows.append(row | {"time": self.time[self.s - 1]})   # when its last step ended
        if self.record_thetas == "epoch":
            self.thetas.append(self.model.theta.copy())

    def history(self):
        s, per_epoch = self.s, self.steps_per_epoch
        steps = {"epoch": np.arange(s) // per_epoch + 1, "step": np.arange(1, s + 1),
                 "batch_loss": self.batch_loss[:s], "lr": self.lr[:s], "time": self.time[:s]}
        epochs = {"epoch": np.arange(len(self.rows))}
        epochs |= {k: np.array([row[k] for row in self.rows]) for k in self.rows[0]}
        thetas = None if self.thetas is None else np.array(self.thetas)
        return History(steps, epochs, self.best_epoch, self.stopped_epoch, self.diverged_at,
                       thetas)


def _blown_up(loss, theta=None):
    """True if the loss is inf/NaN or above MAX_LOSS, or theta has an inf/NaN entry
    (tested through its squared norm, which is also inf beyond |theta| ~ 1e154)."""
    if not loss < MAX_LOSS:
        return True
    return theta is not None and not math.isfinite(np.dot(theta, theta))


def _evaluate(model, X, y, val):
    """One epoch row: loss (and accuracy for classifiers) on the training and validation sets."""
    row = _metrics(model, X, y, "train")
    if val is not None:
        row |= _metrics(model, *val, "val")
    return row


def _metrics(model, X, y, prefix):
    """{prefix_loss, prefix_acc}: model.loss(X, y) and, for classifiers, the fraction classified
    right, both from one eval-mode forward pass."""
    out = model.forward(X)
    loss = losses.LOSSES[model.loss_name](out, y)[0] + model.penalty()
    row = {f"{prefix}_loss": loss}
    if model.loss_name == "cross_entropy":
        row[f"{prefix}_acc"] = float(np.mean(out.argmax(axis=1) == y))
    return row


def _check_data(model, X, y, what):
    """X as a (n, n_inputs) array of the model's dtype and y with one target per row."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != model.sizes[0]:
        raise ValueError(f"{what} inputs must have {model.sizes[0]} features (shape (n, "
                         f"{model.sizes[0]})), got shape {X.shape}")
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(f"{len(X)} {what} inputs but {y.size} targets: give one per input")
    try:
        X, y = model.check_data(X, y)
    except ValueError as error:
        raise ValueError(f"{what} data: {error}") from None
    return X.astype(model.dtype, copy=False), y


def _check_settings(n, batch_size, epochs, record_thetas, schedule_per):
    """The batch size (None -> n) and number of epochs as ints; ValueError for bad settings."""
    batch_size = n if batch_size is None else _check.integer("batch size", batch_size, low=1)
    if batch_size > n:
        raise ValueError(f"batch size {batch_size} is larger than the {n} training examples; "
                         "use batch_size=None for full batch")
    _check.choice("record_thetas", record_thetas, (None, "epoch", "step"))
    _check.choice("schedule_per", schedule_per, ("step", "epoch"))
    epochs = _check.integer("number of epochs", epochs, low=1)
    if epochs * math.ceil(n / batch_size) > MAX_STEPS:
        raise ValueError(f"{epochs} epochs of {math.ceil(n / batch_size)} batches is more than "
                         f"{MAX_STEPS:,} updates; use fewer epochs or larger batches")
    return batch_size, epochs
