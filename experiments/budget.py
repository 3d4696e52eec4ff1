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

    batches          6.0 s   every batch size and its band's 4 other shuffle orders (trained
                             at once) × 60 epochs of 1000 moons (13.6 s trained one by one)
    landscape        1.9 s   300 epochs of 200 points in batches of 1 (2-16-16-2), per run
    initialization   0.6 s   9 schemes at once × 50 epochs × 10 tanh layers of 16 units
    regularization   2.9 s   4 networks 2-128-128-2 × 370 epochs of 160 points
    playground       3.1 s   100,000 updates of 2-16-16-2

Runs of one shape trained at once (nnlib.batched.fit_runs, `batched=True`) share one step:

    update_R(B) = STEP_US + L·LAYER_US + R·(RUN_US + 3·B·M·BMAC_US)                 (µs)

calibrated on 2-16-16-2 with one optimizer per run (R = 4 and 8 at batch 1 and 32: 46.8,
58.9, 89.7 and 154.6 µs per step; model: 42, 54, 94 and 159 µs). A batched product of these
small matrices costs about four times a single one per multiply-add, so wide networks gain
nothing from batching (at 2-128-128-2 four batched runs cost as much as four single ones, and
the model overestimates them: a safe side for a budget).

A view whose estimate is above PROGRESS_S shows a progress bar (lab.page.progress): its
experiment makes a Meter of its runs, whose fit callbacks report, after every epoch, the share
of the estimated seconds done so far.

No default or preset view comes near its limit: the closest, initialization's "10 tanh
layers", is estimated at 0.33 s of 0.6 s. Width now counts (a 64-unit network costs about four
times a 16-unit one), which the old counts ignored.
"""
import contextlib
import contextvars
import math
from dataclasses import dataclass

STEP_US, LAYER_US, MAC_US, PARAM_US = 12.0, 6.0, 1e-4, 1e-3
RUN_US, BMAC_US = 2.6, 4.4e-4
PROGRESS_S = 1.0     # views estimated longer than this show a progress bar


@dataclass(frozen=True)
class Run:
    """One training run of a view: layer sizes, training rows, batch size (None: full batch),
    epochs, rows evaluated after every epoch (default: the training rows), how many such runs
    and whether they are trained at once (nnlib.batched.fit_runs)."""
    sizes: tuple
    n: int
    batch: int | None
    epochs: int
    evaluated: int | None = None
    count: int = 1
    batched: bool = False

    @property
    def updates(self):
        return self.count * self.epochs * math.ceil(self.n / (self.batch or self.n))


def update_us(sizes, batch):
    """update(B) in µs: one step of fit on a batch of `batch` rows."""
    layers, macs, params = _shape(sizes)
    return STEP_US + layers * LAYER_US + 3 * batch * macs * MAC_US + params * PARAM_US


def batched_update_us(sizes, batch, runs):
    """update_R(B) in µs: one step of `runs` runs at once on batches of `batch` rows."""
    layers, macs, _ = _shape(sizes)
    return STEP_US + layers * LAYER_US + runs * (RUN_US + 3 * batch * macs * BMAC_US)


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
        batch = min(run.batch or run.n, run.n)
        step = (batched_update_us(run.sizes, batch, run.count) / run.count if run.batched
                else update_us(run.sizes, batch))
        total += run.updates * step + run.count * run.epochs * evaluate_us(run.sizes, rows)
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


_report = contextvars.ContextVar("budget.report", default=None)


@contextlib.contextmanager
def reporting(report):
    """Within the block, every Meter made calls report(share done, text, estimated seconds)."""
    token = _report.set(report)
    try:
        yield
    finally:
        _report.reset(token)


class Meter:
    """A view's progress through the estimated seconds of its runs: each fit callback made by
    `callback(run, what)` counts one epoch of one of run's runs when fit calls it (so fit_runs
    takes one per run) and reports the share done with the text "what: epoch k of E"."""

    def __init__(self, runs):
        self.runs = list(runs)
        self.total, self.done, self.report = seconds(self.runs), 0.0, _report.get()

    def callback(self, run, what, then=None):
        """A fit callback counting one epoch of `run`; it returns what the fit callback `then`
        (called first, if given) returns, else False: a Meter never stops training."""
        per_epoch = seconds([run]) / (run.epochs * run.count)

        def epoch_done(epoch, logs, model):
            stop = then is not None and then(epoch, logs, model)
            self.done += per_epoch
            if self.report is not None:
                self.report(min(self.done / self.total, 1.0), f"{what}: epoch {epoch} of "
                            f"{run.epochs}", self.total)
            return stop
        return epoch_done
