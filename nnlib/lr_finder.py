"""Learning-rate range test (Leslie Smith 2017, as popularized by fastai's lr_find).

Train for a few steps while the learning rate grows geometrically from start_lr to end_lr,

    lr_i = start_lr · (end_lr / start_lr)^(i / (steps − 1)),      i = 0, ..., steps − 1,

recording each batch loss and its exponentially smoothed, bias-corrected average

    avg_i = β avg_{i−1} + (1 − β) loss_i,      smoothed_i = avg_i / (1 − β^(i+1)).

The loss first barely moves (lr too small), then falls fast, then blows up (lr too big).
The test stops early once smoothed_i > diverge_factor × min(smoothed so far).
"""
import copy
import math

import numpy as np

from nnlib import _check


def lr_range_test(model, X, y, opt, start_lr=1e-5, end_lr=10.0, steps=100, batch_size=32,
                  seed=0, beta=0.98, diverge_factor=4.0):
    """Run the range test on copies of model and opt (the caller's are left untouched).

    Returns a dict: lrs, losses, smoothed (arrays, one entry per step taken), suggested_lr
    (where the smoothed loss falls fastest per unit of log lr, see _steepest) and
    stopped_early (bool). One np.random.default_rng(seed) draws the batches and dropout masks.
    """
    start_lr = _check.positive("start_lr", start_lr)
    end_lr = _check.positive("end_lr", end_lr)
    if end_lr <= start_lr:
        raise ValueError(f"end_lr must be larger than start_lr, got {end_lr:g} <= {start_lr:g}")
    steps = _check.integer("number of steps", steps, low=2)
    X, y = model.check_data(X, y)
    n = len(X)
    batch_size = n if batch_size is None else _check.integer("batch size", batch_size, 1, n)
    beta = _check.number("beta", beta, low=0, high=1, high_open=True)
    diverge_factor = _check.number("diverge_factor", diverge_factor, low=1, low_open=True)

    model, opt = model.copy(), copy.deepcopy(opt)
    opt.reset()
    rng = _check.generator(seed)
    lrs = np.geomspace(start_lr, end_lr, steps)
    losses, smoothed = [], []
    avg, best = 0.0, math.inf
    with np.errstate(all="ignore"):
        for i, (lr, (Xb, yb)) in enumerate(zip(lrs, _batches(X, y, batch_size, rng))):
            opt.lr = float(lr)
            loss, grad = model.batch_loss_and_grad(Xb, yb, rng=rng)
            if not math.isfinite(loss):
                break
            avg = beta * avg + (1 - beta) * loss
            losses.append(loss)
            smoothed.append(avg / (1 - beta ** (i + 1)))
            best = min(best, smoothed[-1])
            if smoothed[-1] > diverge_factor * best:
                break
            opt.step(model.theta, grad)
    k = len(losses)
    return {"lrs": lrs[:k], "losses": np.array(losses), "smoothed": np.array(smoothed),
            "suggested_lr": _steepest(lrs[:k], np.array(smoothed)), "stopped_early": k < steps}


def _batches(X, y, batch_size, rng):
    """Endless mini-batches: pass after pass over the data, reshuffled each time."""
    n = len(X)
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            yield X[order[i:i + batch_size]], y[order[i:i + batch_size]]


def _steepest(lrs, smoothed):
    """The lr where the smoothed loss drops fastest against log lr (fastai's "steep" point).

    The first tenth of the run (the average is still settling) and the last few points (the
    blow-up) are ignored, as fastai does. With too few points: the lr of the lowest loss / 10
    (not below the first lr); None if not a single step could be taken.
    """
    if len(lrs) == 0:
        return None
    lo, hi = len(lrs) // 10, len(lrs) - 5
    if hi - lo < 2:
        return float(max(lrs[0], lrs[np.argmin(smoothed)] / 10))
    slopes = np.diff(smoothed[lo:hi]) / np.diff(np.log(lrs[lo:hi]))
    return float(lrs[lo + np.argmin(slopes)])
