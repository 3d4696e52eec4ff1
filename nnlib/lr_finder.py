"""Learning-rate range test (Leslie Smith 2017, as popularized by fastai's lr_find).

Train for a few steps while the learning rate grows geometrically from start_lr to end_lr,

    lr_i = start_lr · (end_lr / start_lr)^(i / (steps − 1)),      i = 0, ..., steps − 1,

recording each batch loss and its exponentially smoothed, bias-corrected average

    avg_i = β avg_{i−1} + (1 − β) loss_i,      smoothed_i = avg_i / (1 − β^(i+1)).

The loss first barely moves (lr too small), then falls fast, then blows up (lr too big).
The test stops early once smoothed_i > diverge_factor × min(smoothed so far).

The suggested lr is a tenth of the lr where the smoothed loss is lowest (fastai's "minimum / 10"
rule): the minimum sits just before the blow-up, so a tenth of it is still on the fast-falling
part. The other classic rule, the steepest point of the curve, is fragile: on noisy curves it
often lands on the flat start (lr ~ 1e-5, nothing learns) or on the blow-up itself.
"""
import copy
import math

import numpy as np

from nnlib import _check


def lr_range_test(model, X, y, opt, start_lr=1e-5, end_lr=10.0, steps=100, batch_size=32,
                  seed=0, beta=0.98, diverge_factor=4.0):
    """Run the range test on copies of model and opt (the caller's are left untouched).

    Returns a dict: lrs, losses, smoothed (arrays, one entry per step taken), suggested_lr
    (a tenth of the lr of the lowest smoothed loss, not below start_lr; see suggest) and
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
            "suggested_lr": suggest(lrs[:k], np.array(smoothed)), "stopped_early": k < steps}


def _batches(X, y, batch_size, rng):
    """Endless mini-batches: pass after pass over the data, reshuffled each time."""
    n = len(X)
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            yield X[order[i:i + batch_size]], y[order[i:i + batch_size]]


def suggest(lrs, smoothed):
    """A tenth of the lr where the smoothed loss is lowest, not below the first lr:

        suggested = max(lrs[0], lrs[argmin smoothed] / 10);   None if no step could be taken.
    """
    if len(lrs) == 0:
        return None
    return float(max(lrs[0], lrs[int(np.argmin(smoothed))] / 10))
