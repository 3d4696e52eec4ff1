"""Notebook recipe: Local-minimum traps (pages/traps.py, experiments/traps.py).

Reproduces the main figure "traps-race" (the full-batch run and four mini-batch runs, every
step), where the seeded runs end ("traps-endings") and the escape rate against batch size and
learning rate ("traps-escape-rates") with nnlib.trap.
"""
from experiments import traps as exp

TITLE = "Local-minimum traps"
MAIN = "traps-race"   # the figure the button sits under
FIGURES = ("traps-race", "traps-endings", "traps-escape-rates")
INTRO = ("The full loss L(θ) has a dip on the left (a **local minimum**) and a deeper one on the "
         "right. Full-batch gradient descent rolls into the first dip and stays there. A "
         "mini-batch step follows the loss of its own batch, L(B), which is tilted differently "
         "every step: sometimes the dip vanishes and the ball rolls out.")
SETTINGS = {"start": "start θ₀ of every run (left of 0 is the local minimum's basin)",
            "batch_size": f"examples per step, out of {exp.FULL} ({exp.FULL}: full batch)",
            "lr": "learning rate η", "momentum": "momentum μ", "steps": "steps",
            "n_runs": "seeded runs counted in the endings and escape rates",
            "seed": "the batches every run draws"}


def cells(s):
    return [
        ("md", "## The loss and its examples\n\nθ stands in for all the parameters of a "
               "network. Example a has its own loss ℓ_a(θ) = L(θ) + c_a θ with "
               "L(θ) = 3θ⁴/20 − 3θ³/10 − 3θ²/4 and tilts c_a that sum to 0, so the mean of the "
               f"{exp.FULL} example losses is exactly L: a local minimum at θ = −1, the top of "
               "the barrier at 0, the global minimum at 5/2, twelve times deeper. A batch B sees "
               "L(B)(θ) = L(θ) + c̄_B θ, L tilted by the mean tilt of its examples."),
        ("code", f"""
import numpy as np
import pandas as pd

from nnlib import trap

FULL, N_SHOWN = trap.N_EXAMPLES, {exp.N_SHOWN}     # full batch; mini-batch runs drawn as balls
theta_grid = np.linspace(*{exp.RANGE}, 201)
c = trap.tilts()
print(f"{{len(c)}} tilts c_a of standard deviation {{c.std():.2f}}; "
      f"L(−1) = {{trap.full_loss(-1.0):.3f}}, L(0) = 0, L(2.5) = {{trap.full_loss(2.5):.3f}}")
"""),
        ("md", "## The runs drawn as balls\n\nEvery step each run draws its own batch of "
               "distinct examples and moves θ ← θ − η L(B)′(θ) (with momentum μ: "
               "v ← μ v + L(B)′(θ), θ ← θ − η v). `trap_paths` records every step of the "
               "full-batch run and of four mini-batch runs, and the batches the first of them drew."),
        ("code", """
full, _ = trap.trap_paths(FULL, lr, momentum, steps, 1, start, seed, shown=1)
mini, batches = trap.trap_paths(batch_size, lr, momentum, steps, N_SHOWN, start, seed, shown=1)
names = ["full batch"] + [f"batch {batch_size} #{i + 1}" for i in range(N_SHOWN)]
thetas = np.column_stack([full, mini])
race = pd.DataFrame({"run": np.tile(names, steps + 1),
                     "step": np.repeat(np.arange(steps + 1), len(names)), "theta": thetas.ravel()})
race["loss"] = trap.full_loss(race["theta"].to_numpy())
race.tail(len(names))
"""),
        ("md", "## Where the seeded runs end\n\n`trap_runs` runs `n_runs` seeded runs at once: "
               "a run **escaped** if it ends right of the barrier (θ > 0), in the global "
               "minimum's basin, is **stuck** in the local one otherwise, or diverged (NaN)."),
        ("code", """
ends, escaped = trap.trap_runs(batch_size, lr, momentum, steps, n_runs, start, seed)
basin = np.where(escaped, "global", np.where(np.isnan(ends), "diverged", "local"))
endings = pd.DataFrame({"run": np.arange(1, n_runs + 1), "theta": ends, "basin": basin})
endings["basin"].value_counts()
"""),
        ("md", "## Escape rate against batch size and learning rate\n\nEach point is a fresh "
               "set of `n_runs` seeded runs with one setting changed; your own batch size and η "
               "are always among them (`current`)."),
        ("code", f"""
BATCH_SIZES, LEARNING_RATES = {exp.BATCH_SIZES}, {exp.LEARNING_RATES}


def escape_rate(b, r):
    return float(trap.trap_runs(b, r, momentum, steps, n_runs, start, seed)[1].mean())


rows = [("batch size", b, lr) for b in sorted({{*BATCH_SIZES, batch_size}})]
rows += [("learning rate", batch_size, r) for r in sorted({{*LEARNING_RATES, lr}})]
rates = pd.DataFrame(rows, columns=["vary", "batch_size", "lr"])
rates["escape_rate"] = [escape_rate(b, r) for _, b, r in rows]
rates["current"] = (rates["batch_size"] == batch_size) & (rates["lr"] == lr)
numbers = {{"traps-race": race, "traps-endings": endings, "traps-escape-rates": rates}}
rates
"""),
        ("md", "## The figures\n\nThe full loss L (black) with the balls where they end, the "
               "last batch's L(B) of mini-batch run #1 (dashed), and θ per step of every ball: "
               "the full-batch ball stays in the left dip."),
        ("code", """
import plotly.graph_objects as go
from plotly.subplots import make_subplots

fig = make_subplots(rows=1, cols=2, subplot_titles=("L(θ) and where the balls end", "θ per step"))
fig.add_scatter(x=theta_grid, y=trap.full_loss(theta_grid), name="L(θ)",
                line=dict(color="black", width=3), row=1, col=1)
if batch_size < FULL and steps:
    fig.add_scatter(x=theta_grid, y=trap.batch_loss(theta_grid, batches[-1, 0]), name="L(B), last step",
                    line=dict(color="grey", dash="dash"), row=1, col=1)
last = race[race["step"] == steps]
for (name, rows), colour in zip(race.groupby("run", sort=False), ["royalblue", *["crimson"] * N_SHOWN]):
    fig.add_scatter(x=rows["step"], y=rows["theta"], name=name, line=dict(color=colour, width=1),
                    row=1, col=2)
fig.add_scatter(x=last["theta"], y=last["loss"], mode="markers", name="balls at the end",
                marker=dict(size=12, color=["royalblue", *["crimson"] * N_SHOWN]), row=1, col=1)
fig.add_hline(y=0, line_dash="dot", row=1, col=2)             # the barrier
fig.update_yaxes(range=[-4, 3], row=1, col=1)
fig.update_layout(template="plotly_white", height=450)
fig.show()

fig = make_subplots(rows=1, cols=2, subplot_titles=("against batch size", "against η"))
for col, (vary, x) in enumerate((("batch size", "batch_size"), ("learning rate", "lr")), 1):
    rows = rates[rates["vary"] == vary]
    fig.add_scatter(x=rows[x], y=rows["escape_rate"], mode="lines+markers", showlegend=False,
                    row=1, col=col)
fig.update_xaxes(type="log", title="batch size", row=1, col=1)
fig.update_xaxes(title="η", row=1, col=2)
fig.update_yaxes(title="share of runs that escaped", range=[0, 1.05])
fig.update_layout(template="plotly_white", title=f"Escape rate within {steps} steps")
fig.show()
"""),
    ]
