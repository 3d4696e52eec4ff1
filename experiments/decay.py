r"""Why decaying η helps (course notes 004, Learning Rate): large steps early carry the run over
a shallow, poor minimum; small steps late let it settle in the deep, narrow one it has reached.

The surface is the traps lesson's finite sum (nnlib.trap): the full loss has a shallow local
minimum at θ = −1 (a dip of 0.3) and a twelve times deeper global one at θ = 5/2 whose walls are
2.5 times steeper (L'' = 5.25 there, 2.1 at the dip). Every run is SGD on batches of BATCH
examples from the traps lesson's start θ₀ = −2.2, 200 seeded runs at once. Three learning
rates are compared:

    constant small   η = 0.05
    constant large   η = 0.35   (just under 2/5.25 ≈ 0.38, where plain descent at the deep
                                 minimum stops converging: it overshoots the narrow bottom)
    large, decaying  η_t = ½ · 0.35 · (1 + cos(π t / T))   (the schedules lesson's cosine)

A run "sits in the deep minimum" when |θ − 5/2| < NEAR.
"""
import numpy as np
import pandas as pd

from experiments import schedules, words
from experiments.traps import START
from nnlib import schedules as lr_schedules
from nnlib import trap

BATCH, STEPS, N_RUNS = 8, 200, 200
NEAR = 0.1
RUNS = {   # name -> (label, η₀, schedule)
    "small": ("constant small η = 0.05", 0.05, "constant"),
    "large": ("constant large η = 0.35", 0.35, "constant"),
    "decaying": ("η = 0.35, decaying to 0 (cosine)", 0.35, "cosine"),
}


def runs(seed=0, batch_size=BATCH, steps=STEPS, n_runs=N_RUNS):
    """The three learning rates on the trap, n_runs seeded runs each (the same seed for all).

    Tidy frame, one row per run kind and step t = 0..steps: run, label, step, lr (η_t, the step
    taken from θ_t), escaped (share of runs right of the barrier at θ = 0) and settled (share
    within NEAR of the deep minimum θ = 5/2)."""
    parts = []
    for name, (label, lr, schedule) in RUNS.items():
        settings = schedules.REGISTRY[schedule].settings(steps)
        make = None if schedule == "constant" else (
            lambda opt, schedule=schedule, settings=settings: lr_schedules.get(schedule, opt, **settings))
        thetas, _ = trap.trap_paths(batch_size, lr, 0.0, steps, n_runs, START, seed, shown=0,
                                    schedule=make)
        lrs = lr_schedules.lr_curve(schedule, lr, steps + 1, **settings)
        parts.append(pd.DataFrame({
            "run": name, "label": label, "step": np.arange(steps + 1), "lr": lrs,
            "escaped": (thetas > trap.BARRIER).mean(axis=1),
            "settled": (np.abs(thetas - trap.GLOBAL_MIN) < NEAR).mean(axis=1)}))
    return pd.concat(parts, ignore_index=True)


def ends(frame):
    """{run: (escaped, settled)} at the last step."""
    last = frame[frame["step"] == frame["step"].max()]
    return {row.run: (row.escaped, row.settled) for row in last.itertuples()}


def verdict(frame):
    """One sentence from the last step, e.g. "After 200 steps: with η = 0.05, 0% of the runs got
    past the shallow dip; with η = 0.35, 92% got past it, but only 17% sit in the deep minimum;
    with η = 0.35 decaying to 0, 92% sit in it."."""
    end = ends(frame)
    steps = int(frame["step"].max())
    small, large, decaying = (end[k] for k in RUNS)
    return (f"After {steps} steps: with η = 0.05, {_percent(small[0])} of the runs got past the "
            f"shallow dip; with η = 0.35, {_percent(large[0])} got past it, but only "
            f"{_percent(large[1])} sit in the deep minimum; with η = 0.35 decaying to 0, "
            f"{_percent(decaying[1])} sit in it.")


def describe_runs(frame):
    """The figure in words: each run's η at the start and end, and its shares at the end."""
    steps = int(frame["step"].max())
    first, last = frame[frame["step"] == 0], frame[frame["step"] == steps]
    parts = [f"{row.label}: η from {words.num(row.lr)} to {words.num(end.lr)}; after {steps} "
             f"steps {_percent(end.escaped)} of the runs are past the barrier and "
             f"{_percent(end.settled)} within {words.num(NEAR)} of the deep minimum"
             for row, end in zip(first.itertuples(), last.itertuples())]
    return ("Left, the learning rate against the step; right, the share of the seeded runs "
            f"sitting within {words.num(NEAR)} of the deep minimum θ = 2.5. "
            + "; ".join(parts) + ".")


def _percent(rate):
    return f"{words.num(100 * rate)}%"
