r"""One work budget for every lesson view: the training it asks for, estimated in seconds.

A view trains one or more runs. A run of E epochs over N training rows in batches of B, with
N_eval rows evaluated after every epoch, on a network of layer sizes n_0, ..., n_L costs about

    seconds    = E·⌈N / B⌉·update(B) + E·evaluate(N_eval)
    update(B)  = STEP_US + L·LAYER_US + 3·B·M·MAC_US + W·PARAM_US     (µs)
    evaluate(N) = L·LAYER_US + N·M·MAC_US                               (µs)

where M = Σ_l n_{l−1}·n_l is the multiply-adds of one example's forward pass (the backward
pass is two more products of that size, hence 3·B·M per update) and W the number of
parameters (the optimizer updates each one every step). STEP_US is fit's bookkeeping per
update, LAYER_US NumPy's call overhead per layer, which dominates the lessons' tiny networks.

Calibration: the constants reproduce the `python -m bench` figures measured on the 2-core
server with BLAS on one thread (README, "Speed"): one Adam update of 2-16-16-2 takes 23 µs at
batch 1 and 30 µs at batch 32 (model: 30 and 33 µs, fit's bookkeeping included); a full run of
200 epochs over 1000 rows in batches of 32, evaluated every epoch, 0.27 s for 2-16-16-2 and
0.86 s for 2-64-64-64-3 (model: 0.22 s and 0.98 s). Within ±25%: enough to tell a quick view
from one that would keep a shared server busy.

`check` refuses a view whose estimate is above its lesson's limit, in one sentence. Each lesson
keeps the limit it had before (then counted in examples, updates or layer updates), converted
to seconds at its default network and largest allowed built-in view:

    batches         13.6 s   every batch size × 6 shuffle orders × 60 epochs of 1000 moons
    landscape        1.9 s   300 epochs of 200 points in batches of 1 (2-16-16-2), per run
    initialization   0.55 s  9 schemes × 50 epochs × 10 tanh layers of 16 units
    regularization   2.9 s   4 networks 2-128-128-2 × 370 epochs of 160 points
    playground       3.1 s   100,000 updates of 2-16-16-2

No default or preset view comes near its limit: the closest, initialization's "Xavier for
tanh", is estimated at 0.28 s of 0.55 s. Width now counts (a 64-unit network costs about four
times a 16-unit one), which the old counts ignored.
"""
import math
from dataclasses import dataclass

STEP_US, LAYER_US, MAC_US, PARAM_US = 12.0, 6.0, 1e-4, 1e-3


@dataclass(frozen=True)
class Run:
    """One training run of a view: layer sizes, training rows, batch size (None: full batch),
    epochs, rows evaluated after every epoch (default: the training rows) and how many such runs."""
    sizes: tuple
    n: int
    batch: int | None
    epochs: int
    evaluated: int | None = None
    count: int = 1

    @property
    def updates(self):
        return self.count * self.epochs * math.ceil(self.n / (self.batch or self.n))


def update_us(sizes, batch):
    """update(B) in µs: one step of fit on a batch of `batch` rows."""
    layers, macs, params = _shape(sizes)
    return STEP_US + layers * LAYER_US + 3 * batch * macs * MAC_US + params * PARAM_US


def evaluate_us(sizes, rows):
    """evaluate(N) in µs: one eval-mode forward pass over `rows` rows."""
    layers, macs, _ = _shape(sizes)
    return layers * LAYER_US + rows * macs * MAC_US


def _shape(sizes):
    """(L, M, W): layers, multiply-adds per example, parameters of a network of layer sizes."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    return len(pairs), sum(a * b for a, b in pairs), sum((a + 1) * b for a, b in pairs)


def seconds(runs):
    """The estimated training time of `runs` (see the module docstring)."""
    total = 0.0
    for run in runs:
        rows = run.n if run.evaluated is None else run.evaluated
        total += (run.updates * update_us(run.sizes, min(run.batch or run.n, run.n))
                  + run.count * run.epochs * evaluate_us(run.sizes, rows))
    return total * 1e-6


def check(runs, limit, what, advice):
    """The estimate of `runs` in seconds; ValueError in one sentence if it is above `limit`.

    what: the view in words ("5 networks of 10 hidden layers for 200 epochs");
    advice: what to lower ("compare fewer schemes, or use fewer epochs or fewer layers").
    """
    cost = seconds(runs)
    if cost > limit:
        updates = sum(run.updates for run in runs)
        raise ValueError(f"this view trains {what}: {updates:,} updates, about {cost:.1f} s of "
                         f"computing, and the limit is {limit:g} s so that the page stays quick "
                         f"for everyone: {advice}")
    return cost
