"""Notebook recipe: Learning rate & schedules (pages/schedules.py, experiments/schedules.py).

Reproduces the main figure "schedules-loss": four runs with η₀ × (0.1, 1, 10, 100), the full
training loss after each epoch; and runs each of them again in PyTorch.
"""
import inspect

from experiments import schedules as exp
from lab.recipes.torch_code import TORCH_INTRO

TITLE = "Learning rate & schedules"
MAIN = "schedules-loss"   # the figure the button sits under
FIGURES = ("schedules-loss",)
INTRO = ("The learning rate η is the size of each step downhill. Four runs start from the same "
         "weights with η₀ ÷ 10, η₀, η₀ × 10 and η₀ × 100: too small crawls, a good one falls "
         "fast, too big bounces or gets stuck, and far too big blows up. A **schedule** changes "
         "η during training, usually large steps first and small ones at the end.")
SETTINGS = {"lr": "learning rate η₀: the four runs use η₀ ÷ 10, η₀, η₀ × 10 and η₀ × 100",
            "schedule": f"one of {', '.join(exp.SCHEDULES)}",
            "optimizer": f"one of {', '.join(exp.OPTIMIZERS)}",
            "epochs": "passes over the data", "batch_size": "examples per update",
            "seed": "the data, the first weights and the batch order"}


def cells(s):
    return [
        ("md", "## The data: two noisy moons\n\nEvery run trains a 2-16-16-2 ReLU network on the "
               "same 200 points, two interleaved half circles with noise."),
        ("code", f"""
import math

import numpy as np
import pandas as pd

from nnlib import MLP, data, optim, schedules
from nnlib.train import fit

N, NOISE, HIDDEN = {exp.N}, {exp.NOISE}, {exp.HIDDEN}
X, y = data.make_moons(N, noise=NOISE, seed=seed)
X[:3], y[:3]
"""),
        ("md", "## The schedule\n\nA step is θ ← θ − η_t ∇L(B)(θ). The schedule's settings are "
               "chosen relative to the run's length T (total updates), so every schedule spans "
               "the same run: step decay divides η by 10 every third of it, cosine falls to 0 at "
               "its end, warm-up takes its first tenth."),
        ("code", f"""
updates_per_epoch = math.ceil(N / batch_size)
total = epochs * updates_per_epoch
{inspect.getsource(exp.REGISTRY[s["schedule"]].settings).strip()}


schedule_settings = {exp.REGISTRY[s["schedule"]].settings.__name__}(total)
print(f"{{schedule}} over {{total}} updates: {{schedule_settings}}")
"""),
        ("md", "## Four learning rates, one start\n\nEach run builds the network from the same "
               "seed, so all four start from the very same weights and see the same batches; "
               "only η₀ differs. `fit` records the loss of every mini-batch before its update "
               "(`hist.steps`) and the full training loss after every epoch (`hist.epochs`, "
               "epoch 0 = before training). A run whose loss blows up stops there."),
        ("code", f"""
MULTIPLES = {exp.MULTIPLES}


def train(m, nudge=0.0):
    model = MLP([2, *HIDDEN, 2], seed=seed)          # the same first weights for every run
    model.theta *= 1 + nudge                         # (nudge: only for the PyTorch check below)
    opt = optim.get(optimizer, lr=lr * m)
    sched = schedules.get(schedule, opt, **schedule_settings)
    return fit(model, X, y, opt, batch_size=batch_size, epochs=epochs, schedule=sched, seed=seed)


histories = {{m: train(m) for m in MULTIPLES}}
for m, hist in histories.items():
    e = hist.epochs["train_loss"]
    print(f"η₀ = {{lr * m:g}}: diverged at step {{hist.diverged_at}}" if hist.diverged_at
          else f"η₀ = {{lr * m:g}}: loss {{e[0]:.3f}} → {{e[-1]:.3f}}")
"""),
        ("md", "## The numbers the page drew\n\nOne row per run and epoch: the full training "
               "loss and the learning rate after that epoch. This is the page's CSV."),
        ("code", """
def run_name(m):
    return f"η = {lr * m:g}" + ("" if m == 1 else f" ({'÷10' if m < 1 else f'×{m:g}'})")


frames = []
for m, hist in histories.items():
    e = hist.epochs
    frames.append(pd.DataFrame({"run": run_name(m), "multiple": m, "epoch": e["epoch"],
                                "step": e["epoch"] * updates_per_epoch, "loss": e["train_loss"],
                                "lr": e["lr"]}))
numbers = {"schedules-loss": pd.concat(frames, ignore_index=True)}
numbers["schedules-loss"].groupby("run", sort=False).tail(1)
"""),
        ("md", "## The figure\n\nThe full loss after each epoch against the updates done, on a "
               "log scale: too small crawls, too big stalls high, far too big stops early."),
        ("code", """
import plotly.graph_objects as go

fig = go.Figure()
for run, rows in numbers["schedules-loss"].groupby("run", sort=False):
    fig.add_scatter(x=rows["step"], y=rows["loss"], mode="lines+markers", name=run)
fig.update_layout(title="Full training loss after each epoch", xaxis_title="updates",
                  yaxis_title="loss", yaxis_type="log", template="plotly_white")
fig.show()
"""),
    ]


def torch_cells(s):
    return [
        *TORCH_INTRO,
        ("md", "Each of the four runs again, from the same first weights: the mini-batch losses "
               "must be nnlib's."),
        ("code", """
for m, hist in histories.items():
    first = MLP([2, *HIDDEN, 2], seed=seed)          # the initial weights once more
    nnlib_losses = hist.steps["batch_loss"]
    torch_losses = torch_fit(first, X, y, optimizer, lr * m, schedule, schedule_settings,
                             batch_size, epochs, seed, steps=len(nnlib_losses))
    nudged = train(m, nudge=1e-15).steps["batch_loss"]
    agree(f"{run_name(m)}, {optimizer}, {schedule}", torch_losses, nnlib_losses, nudged)
"""),
    ]
