r"""Learning rate & schedules: one network, one data set, several learning rates and schedules.

A step is θ ← θ − η_t ∇L(B)(θ). Too small an η crawls, a good one falls fast, too big a one
bounces or blows up. A schedule changes η_t during training (nnlib.schedules); its settings
here are chosen relative to the run's length T (total updates), so every schedule spans the
same run. The LR range test (nnlib.lr_finder) sweeps η upwards during one short run and
suggests a tenth of the η where the smoothed loss is lowest.
"""
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from experiments import budget, words
from nnlib import _check, data, optim, schedules
from nnlib.batched import fit_runs
from nnlib.lr_finder import lr_range_test
from nnlib.model import MLP
from nnlib.train import fit

N, NOISE, HIDDEN = 200, 0.2, (16, 16)   # two noisy moons, a 2-16-16-2 ReLU network
MULTIPLES = (0.1, 1, 10, 100)           # the learning rates compared: η times these
OPTIMIZERS = ("sgd", "momentum", "adam")
LIMIT_S = 6.0    # experiments.budget: the seed spread, 10 seeds × 100 epochs in batches of 2


@dataclass(frozen=True)
class Schedule:
    """One learning-rate schedule as every lesson shows it: its name for people, its closed
    form in LaTeX, and settings(T, **style) -> the nnlib.schedules arguments for a run of T
    updates (style: a lesson's own choice, e.g. step decay by 0.5 every quarter)."""
    label: str
    latex: str
    settings: Callable


def constant(T):
    """η stays η₀: no settings."""
    return {}


def step_decay(T, parts=3, gamma=0.1):
    """Divide η by 1/γ every T/parts updates."""
    return {"step_size": max(1, T // parts), "gamma": gamma}


def exponential_decay(T):
    """γ^T = 0.01: η falls 100 times over the run."""
    return {"gamma": 0.01 ** (1 / max(T, 1))}


def inverse_time_decay(T):
    """1 + k T = 10: η falls 10 times over the run."""
    return {"decay": 9 / max(T, 1)}


def cosine(T):
    """One half cosine from η₀ down to η_min over the whole run."""
    return {"T_max": max(T, 1)}


def warmup(T):
    """Warm up over the first tenth of the run."""
    return {"warmup_steps": max(1, T // 10)}


def warmup_cosine(T):
    """Warm up over the first tenth, then one half cosine to the end."""
    return {"warmup_steps": max(1, T // 10), "T_max": max(T, max(1, T // 10) + 1)}


def plateau(T, patience=2, threshold=0.03):
    """Halve η after patience + 1 updates (or epochs) that improve by less than threshold."""
    return {"factor": 0.5, "patience": patience, "threshold": threshold}


REGISTRY = {
    "constant": Schedule("constant", r"\eta_t = \eta_0", constant),
    "step": Schedule("step decay", r"\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}", step_decay),
    "exponential": Schedule("exponential decay", r"\eta_t = \eta_0\,\gamma^{t}", exponential_decay),
    "inverse_time": Schedule("1/t decay", r"\eta_t = \frac{\eta_0}{1 + k\,t}", inverse_time_decay),
    "cosine": Schedule("cosine annealing",
                       r"\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})"
                       r"\left(1 + \cos\frac{\pi t}{T_{\max}}\right)", cosine),
    "warmup": Schedule("linear warm-up",
                       r"\eta_t = \eta_0\left(f_0 + (1 - f_0)\,\frac{\min(t,\,T_w)}{T_w}\right)",
                       warmup),
    "warmup_cosine": Schedule(
        "warm-up then cosine",
        r"\eta_t = \begin{cases} \eta_0\left(f_0 + (1 - f_0)\frac{t}{T_w}\right) & t < T_w"
        r"\\ \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})"
        r"\left(1 + \cos\frac{\pi (t - T_w)}{T_{\max} - T_w}\right) & t \ge T_w \end{cases}",
        warmup_cosine),
    "plateau": Schedule("reduce on plateau",
                        r"\eta \leftarrow \max(f\,\eta,\ \eta_{\min})"
                        r"\ \text{after } p + 1 \text{ epochs without improvement}", plateau),
}
SCHEDULES = tuple(REGISTRY)
LABELS = {name: s.label for name, s in REGISTRY.items()}
LATEX = {name: s.latex for name, s in REGISTRY.items()}


def schedule_kwargs(name, total, **style):
    """The nnlib settings of schedule `name` for a run of `total` updates."""
    return REGISTRY[_check.choice("schedule", name, REGISTRY)].settings(total, **style)


def describe(name, total):
    """The schedule's settings as torch names them, e.g. "step_size = 93, gamma = 0.1"."""
    return ", ".join(f"{key} = {value:.4g}" for key, value in schedule_kwargs(name, total).items())


def make_schedule(name, opt, total, **style):
    """The scheduler `name` driving opt over a run of `total` updates (None for constant)."""
    return schedules.get(name, opt, **schedule_kwargs(name, total, **style))


def total_steps(epochs, batch_size):
    return epochs * math.ceil(N / batch_size)


def _setup(optimizer, lr, batch_size, seed):
    if not 1 <= batch_size <= N:
        raise ValueError(f"batch size must be between 1 and {N}, got {batch_size}")
    X, y = data.make_moons(N, noise=NOISE, seed=seed)
    return X, y, MLP([2, *HIDDEN, 2], seed=seed), optim.get(optimizer, lr=lr)


def train(lr, schedule="constant", optimizer="sgd", epochs=40, batch_size=32, seed=0):
    """Train the seed's network on the seed's moons; return the History."""
    X, y, model, opt = _setup(optimizer, lr, batch_size, seed)
    sched = make_schedule(schedule, opt, total_steps(epochs, batch_size))
    return fit(model, X, y, opt, batch_size=batch_size, epochs=epochs, schedule=sched, seed=seed)


def check_work(epochs, batch_size, seeds=1):
    """The experiments.budget Meter of lr_runs on `seeds` seeds (the four learning rates of a
    seed trained at once); ValueError if that is estimated above LIMIT_S."""
    work = [budget.Run((2, *HIDDEN, 2), N, batch_size, epochs, count=len(MULTIPLES), batched=True)
            ] * seeds
    budget.check(work, LIMIT_S, f"{len(MULTIPLES)} learning rates × {seeds} seed"
                 f"{'s' * (seeds != 1)} for {epochs} epochs of {math.ceil(N / batch_size)} batches",
                 "use a larger batch size or fewer epochs")
    return budget.Meter(work)


def train_many(lrs, schedule="constant", optimizer="sgd", epochs=40, batch_size=32, seed=0,
               callbacks=None):
    """[train(lr, schedule, optimizer, epochs, batch_size, seed) for lr in lrs], trained at once
    (nnlib.batched.fit_runs: one network shape, data set and batch order, one optimizer and
    scheduler per learning rate; equal to the separate runs to float64 round-off).
    callbacks: fit_runs' (None or one per learning rate)."""
    X, y, _, _ = _setup(optimizer, lrs[0], batch_size, seed)
    models = [MLP([2, *HIDDEN, 2], seed=seed) for _ in lrs]
    opts = [optim.get(optimizer, lr=lr) for lr in lrs]
    scheds = [make_schedule(schedule, opt, total_steps(epochs, batch_size)) for opt in opts]
    return fit_runs(models, X, y, opts, batch_size=batch_size, epochs=epochs, schedule=scheds,
                    seed=seed, callback=callbacks)


def lr_runs(lr=0.3, schedule="constant", optimizer="sgd", epochs=40, batch_size=32, seed=0):
    """The same run with η0 = lr × each of MULTIPLES. Returns tidy frames (steps, epochs, summary):

    steps:  run, multiple, step, epoch, loss (mini-batch loss before the update), lr
    epochs: run, multiple, epoch, step (updates done), loss (full training loss), lr
    summary: run, multiple, lr, start_loss, final_loss, diverged_at (NaN if it did not diverge)
    """
    return _lr_runs(lr, schedule, optimizer, epochs, batch_size, seed,
                    check_work(epochs, batch_size), "Training the four learning rates")


def _lr_runs(lr, schedule, optimizer, epochs, batch_size, seed, meter, what):
    """lr_runs, its progress counted by `meter` (an experiments.budget.Meter) as `what`."""
    per_epoch = math.ceil(N / batch_size)
    steps, epochs_, summary = [], [], []
    ticks = [meter.callback(meter.runs[0], what) for _ in MULTIPLES]
    hists = train_many([lr * m for m in MULTIPLES], schedule, optimizer, epochs, batch_size, seed,
                       ticks)
    for m, hist in zip(MULTIPLES, hists):
        run = f"η = {lr * m:g}" + ("" if m == 1 else f" ({'÷10' if m < 1 else f'×{m:g}'})")
        s, e = hist.steps, hist.epochs
        steps.append(pd.DataFrame({"run": run, "multiple": m, "step": s["step"], "epoch": s["epoch"],
                                   "loss": s["batch_loss"], "lr": s["lr"]}))
        epochs_.append(pd.DataFrame({"run": run, "multiple": m, "epoch": e["epoch"],
                                     "step": e["epoch"] * per_epoch, "loss": e["train_loss"],
                                     "lr": e["lr"]}))
        summary.append({"run": run, "multiple": m, "lr": lr * m, "start_loss": e["train_loss"][0],
                        "final_loss": e["train_loss"][-1],
                        "diverged_at": np.nan if hist.diverged_at is None else hist.diverged_at})
    return (pd.concat(steps, ignore_index=True), pd.concat(epochs_, ignore_index=True),
            pd.DataFrame(summary))


def verdict(result, *, epochs):
    """One sentence from lr_runs()'s (steps, epochs, summary) after `epochs` epochs: where each
    learning rate ended, divergence with its step, and the best marked if it beat the starting
    loss."""
    summary = result[2]
    improved = summary[summary["diverged_at"].isna()
                       & (summary["final_loss"] < summary["start_loss"])]
    best = None if improved.empty else improved["final_loss"].idxmin()
    parts = [f"{row.run} diverged at step {int(row.diverged_at)}" if not np.isnan(row.diverged_at)
             else f"{row.run} ended at loss {row.final_loss:.3f}" + (" (best)" if i == best else "")
             for i, row in summary.iterrows()]
    return f"After {epochs} epochs: " + "; ".join(parts) + "."


def describe_loss_curves(result):
    """The four loss curves in words (the text under the figure), from lr_runs()'s (steps,
    epochs, summary): per learning rate where the full loss started and ended, after how many
    epochs it fell below half its start, the lowest of the four, or the step it diverged."""
    steps, epochs, summary = result
    n_epochs, n_steps = int(epochs["epoch"].max()), int(steps["step"].max())
    improved = summary[summary["diverged_at"].isna() & (summary["final_loss"] < summary["start_loss"])]
    best = None if improved.empty else improved.loc[improved["final_loss"].idxmin(), "run"]
    parts = [f"Training loss of four learning rates η₀ over {n_epochs} epochs ({n_steps:,} updates), "
             "on a log scale: for each η₀ a thick line with the full training loss after every "
             "epoch and a thin one with the loss of each mini-batch; yours is the thickest."]
    for row in summary.itertuples():
        parts.append(_loss_words(row, epochs[epochs["run"] == row.run],
                                 steps[steps["run"] == row.run], best))
    return " ".join(parts)


def _loss_words(row, epochs, steps, best):
    """One learning rate's sentence of describe_loss_curves."""
    name = f"{row.run}{' (yours)' if row.multiple == 1 else ''}"
    if not np.isnan(row.diverged_at):
        top = steps["loss"][np.isfinite(steps["loss"])].max()
        return (f"{name} diverged at step {int(row.diverged_at)} (the ✕): its mini-batch loss "
                f"rose to {words.num(top)} before it overflowed.")
    text = (f"{name}: the full loss goes from {words.num(row.start_loss)} to "
            f"{words.num(row.final_loss)}")
    if row.final_loss > row.start_loss:
        return text + ", above where it started."
    below = epochs[epochs["loss"] < row.start_loss / 2]
    when = int(below["epoch"].iloc[0]) if len(below) else None
    text += (f"; it falls below half its start after {when} epoch{'s' * (when != 1)}" if when
             else "; it never falls below half its start")
    return text + (", the lowest of the four." if row.run == best else ".")


def schedule_curves(lr=0.3, optimizer="sgd", epochs=40, batch_size=32, seed=0):
    """η_t for every schedule over the run: closed forms, and reduce-on-plateau from a real
    run with this lr (it follows the training loss). Frame: schedule, step (0..T-1), lr."""
    total = total_steps(epochs, batch_size)
    t = np.arange(total)
    curves = {name: schedules.lr_curve(name, lr, total, **schedule_kwargs(name, total))
              for name in SCHEDULES if name != "plateau"}
    plateau = train(lr, "plateau", optimizer, epochs, batch_size, seed).steps["lr"]
    curves["plateau"] = np.r_[plateau, np.full(total - len(plateau), np.nan)]  # NaN once diverged
    return pd.DataFrame({"schedule": np.repeat(list(curves), total), "step": np.tile(t, len(curves)),
                         "lr": np.concatenate(list(curves.values()))})


def describe_schedule_curves(curves, chosen):
    """The schedules figure in words: per schedule where η_t starts, peaks (when it rises) and
    ends; yours (thick orange-red) named first. A reduce-on-plateau line that stops early ran into a
    diverged run."""
    total = int(curves["step"].max()) + 1
    names = sorted(dict.fromkeys(curves["schedule"]), key=lambda n: n != chosen)
    parts = []
    for name in names:
        lr = curves.loc[curves["schedule"] == name, "lr"].dropna().to_numpy()
        text = f"{LABELS[name]}{' (yours)' if name == chosen else ''} from {words.num(lr[0])}"
        if lr.max() > max(lr[0], lr[-1]):
            text += f" up to {words.num(lr.max())} at step {int(lr.argmax())}, then"
        text += f" to {words.num(lr[-1])}"
        if len(lr) < total:
            text += f", its line stopping at step {len(lr) - 1} where that run diverged"
        parts.append(text)
    listed = "; ".join(parts)
    return (f"One small panel per schedule: η_t against the update step t, from step 0 to step "
            f"{total - 1}; yours is thick and orange-red, the others blue. {listed[0].upper()}{listed[1:]}.")


RANGE_TOP = 2   # the range test's loss axis stops at this many times the smoothed start loss


def range_top(frame):
    """The top of the range test's loss axis: 1.15 × the largest smoothed loss, at most
    RANGE_TOP × its start (the blow-up at the end would flatten the fall before it)."""
    return min(1.15 * frame["smoothed"].max(), RANGE_TOP * frame["smoothed"].iloc[0])


def describe_range_test(frame, suggested, current):
    """The range-test figure in words: the sweep's η, the smoothed loss's start, lowest point
    and end (and where the axis stops, if the smoothed loss leaves it), the suggested η (green)
    and yours (orange-red dashed)."""
    low = frame["smoothed"].idxmin()
    top = range_top(frame)
    text = (f"Loss against η on a log axis, over {len(frame)} steps with η growing from "
            f"{_small(frame['lr'].iloc[0])} to {words.num(frame['lr'].iloc[-1])}. The smoothed "
            f"loss (thick blue) starts at {words.num(frame['smoothed'].iloc[0])}, is lowest, "
            f"{words.num(frame['smoothed'][low])}, at η = {words.num(frame['lr'][low])}, and ends at "
            f"{words.num(frame['smoothed'].iloc[-1])}; the raw batch loss (thin grey) ranges from "
            f"{words.num(frame['loss'].min())} to {words.num(frame['loss'].max())}. ")
    if top < 1.15 * frame["smoothed"].max():   # stopped at RANGE_TOP × the start
        text += (f"The loss axis stops at {words.num(top)} ({RANGE_TOP} × the smoothed start), so "
                 "that the fall stays visible; higher losses leave the top of the plot. ")
    if suggested is not None:
        text += f"The suggested η ≈ {words.num(suggested)} is the green line; "
    return text + f"your η = {words.num(current)} is the orange-red dashed line."


def _small(value):
    """A positive number to 2 significant figures without a power of ten: 1e-5 is "0.00001"."""
    return np.format_float_positional(value, precision=2, unique=False, fractional=False, trim="-")


def range_test(optimizer="sgd", batch_size=32, seed=0, start_lr=1e-5, end_lr=10.0, steps=200):
    """The LR range test on the seed's network and data; returns (frame lr, loss, smoothed;
    suggested lr or None)."""
    X, y, model, opt = _setup(optimizer, start_lr, batch_size, seed)
    result = lr_range_test(model, X, y, opt, start_lr=start_lr, end_lr=end_lr, steps=steps,
                           batch_size=batch_size, seed=seed)
    frame = pd.DataFrame({"lr": result["lrs"], "loss": result["losses"],
                          "smoothed": result["smoothed"]})
    return frame, result["suggested_lr"]


SPREAD_SEEDS = 10     # seeds behind seed_spread: the verdict of one seed, checked on ten


def seed_spread(lr=0.3, schedule="constant", optimizer="sgd", epochs=40, batch_size=32,
                seeds=SPREAD_SEEDS):
    """lr_runs' summary for seeds 0..seeds − 1 (other weights, data and batches each time):
    frame seed, run, multiple, lr, start_loss, final_loss, diverged_at (NaN if it did not)."""
    meter = check_work(epochs, batch_size, seeds)
    return pd.concat([_lr_runs(lr, schedule, optimizer, epochs, batch_size, seed, meter,
                               f"Seed {seed + 1} of {seeds}")[2].assign(seed=seed)
                      for seed in range(seeds)], ignore_index=True)


def spread_sentence(spread):
    """One sentence over the seeds of seed_spread, e.g. "Over 10 seeds: η = 0.03 (÷10) ended
    at loss 0.19–0.35; η = 0.3 at 0.033–0.14, the best of the four in 10; ...; η = 30 (×100)
    diverged in 6 and ended above its start in 4."."""
    n = spread["seed"].nunique()
    best = spread[spread["diverged_at"].isna()].sort_values("final_loss").groupby("seed")["run"].first()
    parts = []
    for run, rows in spread.groupby("run", sort=False):
        gone = int(rows["diverged_at"].notna().sum())
        kept = rows[rows["diverged_at"].isna()]
        above = int((kept["final_loss"] > kept["start_loss"]).sum())
        said = [f"diverged in {gone}"] if gone else []
        if above:
            said.append(f"ended above its start in {above}")
        if len(kept) > above:
            below = kept[kept["final_loss"] <= kept["start_loss"]]["final_loss"]
            span = (f"{below.min():.2g}" if f"{below.min():.2g}" == f"{below.max():.2g}"
                    else f"{below.min():.2g}–{below.max():.2g}")
            said.append(f"ended at loss {span}" + ("" if len(below) == n else f" in {len(below)}"))
        wins = int((best == run).sum())
        if wins:
            said.append(f"the best of the four in {wins}")
        parts.append(f"{run} " + ", ".join(said))
    return f"Over {n} seeds: " + "; ".join(parts) + "."
