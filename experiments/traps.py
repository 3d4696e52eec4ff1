"""Local-minimum traps: full-batch descent stuck, mini-batches escape (the course notes' cartoons
of a local minimum on the left of the loss, and of the batch losses L(B) that move it around).

The objective is nnlib.trap's finite sum: the full loss L(θ) has a local minimum at θ = −1
and a twelve times deeper global one at θ = 5/2; a batch B sees L(B)(θ) = L(θ) + c̄_B θ,
a tilted copy.
Every number here comes from nnlib.trap.trap_runs (many seeded runs at once) or, for the few
runs drawn step by step, from nnlib.trap.trap_paths (the same loop, recording every step).
"""
import numpy as np
import pandas as pd

from experiments import words
from nnlib import trap

FULL = trap.N_EXAMPLES            # batch size of full-batch gradient descent
START = trap.OUTER_WALL           # every run starts here unless the learner moves it
RANGE = (-2.5, 3.5)               # the θ worth drawing: the start, both minima and the walls
FORMULA = (r"\ell_a(\theta) = \tfrac{3}{20}\theta^4 - \tfrac{3}{10}\theta^3 - \tfrac34\theta^2"
           r" + c_a\,\theta")
BATCH_SIZES = (1, 2, 4, 8, 16, 32, FULL)
LEARNING_RATES = (0.03, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
N_SHOWN = 4                       # mini-batch runs drawn as balls in the animation


def curve(n=201):
    """The full loss on a grid: frame with columns theta, loss."""
    theta = np.linspace(*RANGE, n)
    return pd.DataFrame({"theta": theta, "loss": trap.full_loss(theta)})


def paths(start=START, batch_size=4, lr=0.17, momentum=0.0, steps=200, n_runs=N_SHOWN, seed=0):
    """Every step of trap_runs(batch_size, lr, momentum, steps, n_runs, start, seed), from
    nnlib.trap.trap_paths (same loop, so the last row equals trap_runs' ends). Returns (thetas
    of shape (steps + 1, n_runs), NaN once a run has blown up, and the batch indices of run 0
    at each step, shape (steps, batch_size); empty for full batch).
    """
    thetas, batches = trap.trap_paths(batch_size, lr, momentum, steps, n_runs, start, seed, shown=1)
    return thetas, batches[:, 0]


def animation(start=START, batch_size=4, lr=0.17, momentum=0.0, steps=200, seed=0):
    """The runs drawn as balls: the full-batch run and N_SHOWN mini-batch runs, every step.

    Tidy frame with columns run ("full batch" or "batch B #i"), step, theta, loss (L(θ));
    plus the L(B) curves of run #1's batch at each step, shape (steps, len(curve())),
    taken from nnlib.trap.batch_loss (for full batch the curve is L itself).
    """
    full, _ = paths(start, FULL, lr, momentum, steps, 1, seed)
    mini, first = paths(start, batch_size, lr, momentum, steps, N_SHOWN, seed)
    names = ["full batch"] + [f"batch {batch_size} #{i + 1}" for i in range(N_SHOWN)]
    thetas = np.column_stack([full, mini])
    frame = pd.DataFrame({"run": np.tile(names, steps + 1), "step": np.repeat(np.arange(steps + 1), len(names)),
                          "theta": thetas.ravel()})
    frame["loss"] = trap.full_loss(frame["theta"].to_numpy())
    grid = curve()["theta"].to_numpy()
    if batch_size < FULL:
        batch_curves = trap.batch_loss(grid, first)
    else:
        batch_curves = np.broadcast_to(trap.full_loss(grid), (steps, len(grid)))
    return frame, batch_curves


def describe_race(runs):
    """The race in words (the text under the animation), over the whole run: where the
    full-batch ball (blue) and the mini-batch balls (orange-red) start and end, which side of the
    barrier, and the step a ball diverged. runs: animation()'s frame."""
    last = int(runs["step"].max())
    start = runs[runs["step"] == 0].iloc[0]
    ends = runs[runs["step"] == last].set_index("run")["theta"]
    names = list(ends.index)
    text = (f"The animation runs from step 0 to step {last}. Every ball starts at θ = {words.num(start.theta)} "
            f"(L = {words.num(start.loss)}); the local minimum is at θ = {words.num(trap.LOCAL_MIN)} "
            f"(L = {words.num(trap.full_loss(trap.LOCAL_MIN))}), the barrier at θ = "
            f"{words.num(trap.BARRIER)} and the global minimum at θ = {words.num(trap.GLOBAL_MIN)} "
            f"(L = {words.num(trap.full_loss(trap.GLOBAL_MIN))}). The full-batch run (blue ball) "
            f"{_where_ended(runs, names[0], ends[names[0]])}.")
    mini = names[1:]
    if mini[0].startswith(f"batch {FULL} "):
        text += (f" The {len(mini)} orange-red balls use all {FULL} examples too, so they follow the "
                 "blue ball exactly.")
    else:
        batch = mini[0].split()[1]
        escaped = int((ends[mini] > trap.BARRIER).sum())
        text += (f" Of the {len(mini)} runs with batches of {batch} (orange-red balls), "
                 f"{words.share(escaped, len(mini))} end right of the barrier: " + "; ".join(
                     f"run #{name.rsplit('#', 1)[1]} {_where_ended(runs, name, ends[name])}"
                     for name in mini) + ".")
    return text


def _where_ended(runs, name, theta):
    """"ends at θ = −1 (L = −0.3), in the local minimum's basin" or "diverged at step 12"."""
    if np.isnan(theta):
        path = runs.loc[runs["run"] == name, "theta"].to_numpy()
        return f"diverged at step {int(np.argmax(np.isnan(path)))}"
    basin = "the global minimum's basin" if theta > trap.BARRIER else "the local minimum's basin"
    return f"ends at θ = {words.num(theta)} (L = {words.num(trap.full_loss(theta))}), in {basin}"


def endings(start=START, batch_size=4, lr=0.17, momentum=0.0, steps=200, n_runs=200, seed=0):
    """Where n_runs seeded runs end (nnlib.trap.trap_runs): frame run, theta, basin.

    basin is "global" (escaped: right of the barrier), "local" (stuck) or "diverged".
    """
    ends, escaped = trap.trap_runs(batch_size, lr, momentum, steps, n_runs, start, seed)
    basin = np.where(escaped, "global", np.where(np.isnan(ends), "diverged", "local"))
    return pd.DataFrame({"run": np.arange(1, n_runs + 1), "theta": ends, "basin": basin})


def describe_endings(ends):
    """The endings histogram in words: per basin (stuck orange-red, escaped green) how many runs ended
    there and the range of their final θ, how many diverged (not drawn), and the barrier."""
    parts = []
    for basin, told, colour in (("local", "stuck in the local minimum", "orange-red"),
                                ("global", "escaped to the global minimum", "green")):
        theta = ends.loc[ends["basin"] == basin, "theta"]
        where = (f", final θ from {words.num(theta.min())} to {words.num(theta.max())}" if len(theta) > 1
                 else f", final θ = {words.num(theta.iloc[0])}" if len(theta) else "")
        parts.append(f"{words.share(len(theta), len(ends))} {told} ({colour}){where}")
    diverged = int((ends["basin"] == "diverged").sum())
    if diverged:
        parts.append(f"{words.share(diverged, len(ends))} diverged (not drawn)")
    return (f"Histogram of where {len(ends)} seeded runs ended: " + "; ".join(parts) + ". The grey "
            f"dashed line is the barrier at θ = {words.num(trap.BARRIER)}.")


def describe_escape_rates(rates):
    """The escape-rate panels in words: the share escaping at every batch size (left) and every
    η (right), and your choice (the orange-red star)."""
    by_size, by_lr = (rates[rates["vary"] == vary] for vary in ("batch size", "learning rate"))
    sizes = ", ".join(f"batch {b}: {_percent(r)}" for b, r in zip(by_size["batch_size"], by_size["escape_rate"]))
    lrs = ", ".join(f"η = {words.num(r)}: {_percent(e)}" for r, e in zip(by_lr["lr"], by_lr["escape_rate"]))
    mine = rates[rates["current"]].iloc[0]
    return (f"The share of runs that escape, left against batch size at η = {words.num(mine.lr)}: "
            f"{sizes}; right against η at batch size {mine.batch_size}: {lrs}. Your choice, the orange-red "
            f"star in both, escapes in {_percent(mine.escape_rate)} of the runs.")


def describe_escape_more(by_momentum, within):
    """The momentum and waiting panels in words: escape rate per μ for each batch size (the
    chosen one orange-red, full batch blue), and the share escaped within N steps with your N (black
    star)."""
    parts = []
    for (name, part), colour in zip(by_momentum.groupby("batch", sort=False), ("orange-red", "blue")):
        rates = ", ".join(f"μ = {words.num(m)}: {_percent(r)}"
                          for m, r in zip(part["momentum"], part["escape_rate"]))
        parts.append(f"{name} ({colour}): {rates}")
    mine = within[within["current"]].iloc[0]
    high = within["escape_rate"].idxmax()
    return (f"Left, the escape rate against momentum μ, " + "; ".join(parts) + ". Right, the share of "
            f"{by_momentum['batch'].iloc[0]} runs at your μ right of the barrier after N steps: "
            f"{_percent(within['escape_rate'].iloc[0])} at step 0, {_percent(mine.escape_rate)} at "
            f"your N = {int(mine.step)} (black star), {_percent(within['escape_rate'].iloc[-1])} at step "
            f"{int(within['step'].iloc[-1])}; highest {_percent(within['escape_rate'][high])}, first at "
            f"step {int(within['step'][high])}.")


def _percent(rate):
    """A share of runs as a percentage: 0.755 is "75.5%"."""
    return f"{words.num(100 * rate)}%"


def escape_rate(batch_size, lr, momentum=0.0, start=START, steps=200, n_runs=200, seed=0):
    """The fraction of n_runs trap_runs that end in the global minimum's basin."""
    return float(trap.trap_runs(batch_size, lr, momentum, steps, n_runs, start, seed)[1].mean())


def escape_rates(start=START, batch_size=4, lr=0.17, momentum=0.0, steps=200, n_runs=200, seed=0):
    """Escape rate against batch size (at this lr) and against lr (at this batch size).

    Tidy frame: vary ("batch size" or "learning rate"), batch_size, lr, escape_rate, current
    (True on the rows equal to the chosen settings; the chosen values are always included).
    """
    rows = [("batch size", b, lr) for b in sorted({*BATCH_SIZES, batch_size})]
    rows += [("learning rate", batch_size, r) for r in sorted({*LEARNING_RATES, lr})]
    frame = pd.DataFrame(rows, columns=["vary", "batch_size", "lr"])
    rates = {(b, r): escape_rate(b, r, momentum, start, steps, n_runs, seed)     # the chosen
             for b, r in dict.fromkeys((b, r) for _, b, r in rows)}             # pair once
    frame["escape_rate"] = [rates[b, r] for _, b, r in rows]
    frame["current"] = (frame["batch_size"] == batch_size) & (frame["lr"] == lr)
    return frame


def verdict(result, *, batch_size, steps=200):
    """One sentence from two endings() frames, result = (full batch's, the chosen batch's), counts
    not rounded shares, e.g. "Full batch: stuck in the local minimum (every full-batch run follows
    the same path); batch 4: 152 of 200 seeded runs escaped within 200 steps, 48 stuck."."""
    full_ends, ends = result
    full = f"Full batch: {FULL_TOLD[full_ends['basin'].iloc[0]]} after {steps} steps"
    if batch_size == FULL:
        return f"{full} (every full-batch run follows the same path)."
    counts = ends["basin"].value_counts()
    escaped = f"{counts.get('global', 0)} of {len(ends)} seeded runs escaped within {steps} steps"
    rest = [f"{counts[basin]} {TOLD[basin]}" for basin in ("local", "diverged") if counts.get(basin, 0)]
    return f"{full}; batch {batch_size}: " + ", ".join([escaped, *rest]) + "."


TOLD = {"global": "escaped", "local": "stuck", "diverged": "diverged"}
FULL_TOLD = {"global": "escaped to the global minimum", "local": "stuck in the local minimum",
             "diverged": "diverged"}


MOMENTA = (0.0, 0.25, 0.5, 0.75, 0.9)
MAX_STEPS = 500      # the "escaped within N steps" curve runs this far


def escape_by_momentum(start=START, batch_size=4, lr=0.17, momentum=0.0, steps=200,
                       n_runs=200, seed=0):
    """Escape rate against momentum μ, for the chosen batch size and for full batch.

    Momentum v ← μ v + g, θ ← θ − η v sums the past gradients with weights μ^k, so it scales
    both the steady step and the batch noise by about 1/(1 − μ): the full-batch ball gains the
    speed to roll over the hump, while small batches are also shaken 1/(1 − μ) times harder.
    Tidy frame: batch ("batch B" or "full batch"), batch_size, momentum, escape_rate, current
    (True at the chosen μ, which is always included).
    """
    momenta = sorted({*MOMENTA, momentum})
    rows = [(f"batch {b}" if b < FULL else "full batch", b, m,
             escape_rate(b, lr, m, start, steps, n_runs, seed), m == momentum)
            for b in dict.fromkeys((batch_size, FULL)) for m in momenta]
    return pd.DataFrame(rows, columns=["batch", "batch_size", "momentum", "escape_rate", "current"])


def escape_within(start=START, batch_size=4, lr=0.17, momentum=0.0, steps=200, n_runs=200,
                  seed=0, max_steps=MAX_STEPS):
    """The share of n_runs runs right of the barrier after each step N = 0..max(steps,
    max_steps): "escaped within N steps" against N. The same generator as trap_runs, so the row
    at N equals escape_rate(..., steps=N, ...). Frame step, escape_rate, current (N == steps)."""
    last = max(steps, max_steps)
    thetas, _ = trap.trap_paths(batch_size, lr, momentum, last, n_runs, start, seed, shown=0)
    return pd.DataFrame({"step": np.arange(last + 1), "escape_rate": (thetas > trap.BARRIER).mean(axis=1),
                         "current": np.arange(last + 1) == steps})
