"""Notebook recipe: Full batch vs mini-batch (pages/batches.py, experiments/batches.py).

Reproduces the main figure "batches-curves": for each batch size, the mini-batch loss L(B) of
every update and the full loss L after every epoch (and the spread over shuffle orders when
the band is on); runs each batch size again in PyTorch. Built-in moons only: a CSV the learner
uploaded stays in the browser session and is not part of the notebook.
"""
from experiments import batches as exp
from lab.recipes.torch_code import TORCH_INTRO

TITLE = "Full batch vs mini-batch"
MAIN = "batches-curves"   # the figure the button sits under
FIGURES = ("batches-curves",)
INTRO = ("Every run starts from the **same weights** on the **same points** with the same "
         "learning rate; only the batch size changes. One epoch shows the network every example "
         "once: full batch turns it into one exact step, batch 1 into N small noisy ones.")
SETTINGS = {"sizes": f"batch sizes, any of {', '.join(exp.SIZES)}",
            "lr": "learning rate η (plain SGD)", "epochs": "passes over the data",
            "n": "training examples N (two noisy moons)", "seed": "data, first weights, batch order",
            "band": f"also the spread of L over {exp.BAND_SEEDS} shuffle orders",
            "reshuffle": "a new batch order every epoch (False: one order, kept for every epoch)",
            "axis": "x-axis of the figure: steps, examples or seconds"}


def cells(s):
    return [
        ("md", "## The data and the network\n\nN points of two noisy moons, N_VAL more from "
               "another seed to validate on, and a 2-16-16-2 ReLU "
               "network with He-normal first weights drawn from the seed: every batch size starts "
               "from exactly these weights."),
        ("code", f"""
import numpy as np
import pandas as pd

from nnlib import MLP, data, optim
from nnlib.train import fit

SIZES, HIDDEN, NOISE, BAND_SEEDS = {exp.SIZES}, {exp.HIDDEN}, {exp.NOISE}, {exp.BAND_SEEDS}
N_VAL, VAL_SEED = {exp.N_VAL}, {exp.VAL_SEED}
X, y = data.make_moons(n, noise=NOISE, seed=seed)
X_val, y_val = data.make_moons(N_VAL, noise=NOISE, seed=seed + VAL_SEED)   # never trained on
sizes = tuple(size for size in SIZES if size in sizes)     # smallest batch last, as drawn
X.shape, np.bincount(y)
"""),
        ("md", "## One run per batch size\n\nAn epoch is cut into ⌈N/B⌉ mini-batches B; each "
               "update follows the gradient of the mini-batch loss, "
               "θ ← θ − η ∇L(B)(θ), with L(B) = (1/|B|) Σ_{a∈B} ℓᵃ, instead of the full loss "
               "L = (1/N) Σ_a ℓᵃ. `fit` shuffles the examples every epoch (full batch needs no "
               "shuffle: the order cannot matter); with `reshuffle = False` they are shuffled "
               "once, by the same generator, and `fit` keeps that order (`shuffle=False`)."),
        ("code", """
def train(size, shuffle_seed, nudge=0.0):
    B = n if size == "full" else int(size)
    model = MLP([2, *HIDDEN, 2], seed=seed)                  # the same first weights every time
    model.theta *= 1 + nudge                                 # (only for the PyTorch check)
    order = np.arange(n) if reshuffle else np.random.default_rng(shuffle_seed).permutation(n)
    hist = fit(model, X[order], y[order], optim.SGD(lr=lr), batch_size=None if B == n else B,
               epochs=epochs, seed=shuffle_seed, shuffle=reshuffle, val=(X_val, y_val))
    return B, hist


histories = {size: train(size, seed) for size in sizes}
for size, (B, hist) in histories.items():
    print(f"batch {size}: {len(hist.steps['step'])} updates, full loss "
          f"{hist.epochs['train_loss'][0]:.3f} → {hist.epochs['train_loss'][-1]:.3f}")
"""),
        ("md", "## The numbers the page drew\n\nOne row per update (curve *L(B) per update*: the "
               "loss of its batch, before the step) and one per epoch (*L per epoch*: the full "
               "training loss, and `val_loss` on the validation moons). `examples` counts the examples looked at; `seconds` is training "
               "time on this machine, so it is the one column that differs from the page."),
        ("code", """
def spread(size, rows):
    # min and max of the full loss per epoch over BAND_SEEDS shuffle orders
    curves = np.full((BAND_SEEDS, epochs + 1), np.nan)
    for k in range(BAND_SEEDS):
        loss = train(size, seed + k)[1].epochs["train_loss"]
        curves[k, :len(loss)] = loss
    return np.fmin.reduce(curves, axis=0)[:rows], np.fmax.reduce(curves, axis=0)[:rows]


steps, per_epochs = [], []
for size, (B, hist) in histories.items():
    per_epoch = -(-n // B)
    s, e = pd.DataFrame(hist.steps), pd.DataFrame(hist.epochs)
    within = s["step"] - (s["epoch"] - 1) * per_epoch
    steps.append(pd.DataFrame({"batch": size, "step": s["step"], "epoch": s["epoch"],
                               "examples": (s["epoch"] - 1) * n + np.minimum(within * B, n),
                               "seconds": s["time"], "loss": s["batch_loss"]}))
    frame = pd.DataFrame({"batch": size, "epoch": e["epoch"], "step": e["epoch"] * per_epoch,
                          "examples": e["epoch"] * n, "seconds": e["time"], "loss": e["train_loss"],
                          "val_loss": e["val_loss"]})
    if band:
        frame["loss_min"], frame["loss_max"] = spread(size, len(frame))
    per_epochs.append(frame)
steps, per_epochs = pd.concat(steps, ignore_index=True), pd.concat(per_epochs, ignore_index=True)
numbers = {"batches-curves": pd.concat([steps.assign(curve="L(B) per update"),
                                        per_epochs.assign(curve="L per epoch")])}
per_epochs.groupby("batch", sort=False).tail(1)
"""),
        ("md", "## The figure\n\nTop: the loss of each mini-batch; bottom: the full loss after "
               "each epoch, against the cost you chose (`axis`)."),
        ("code", """
import plotly.graph_objects as go
from plotly.subplots import make_subplots

x = {"steps": "step", "examples": "examples", "seconds": "seconds"}[axis]
fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                    subplot_titles=("L(B) per update", "L per epoch"))
for row, table in ((1, steps), (2, per_epochs)):
    for size, rows in table.groupby("batch", sort=False):
        fig.add_scatter(x=rows[x], y=rows["loss"], mode="lines", name=f"batch {size}",
                        legendgroup=size, showlegend=row == 1, row=row, col=1)
fig.update_yaxes(type="log", title="loss")
fig.update_xaxes(title=axis, row=2, col=1)
fig.update_layout(height=600, template="plotly_white")
fig.show()
"""),
    ]


def torch_cells(s):
    return [
        *TORCH_INTRO,
        ("md", "Each batch size again with `torch.optim.SGD`, from the same first weights and on "
               "the same batches: the mini-batch losses must be nnlib's. (`torch_fit` reshuffles "
               "every epoch; one fixed order is the same as its first epoch, so with "
               "`reshuffle = False` only that epoch is compared.)"),
        ("code", """
for size, (B, hist) in histories.items():
    first = MLP([2, *HIDDEN, 2], seed=seed)
    nnlib_losses = hist.steps["batch_loss"]
    if not reshuffle:
        nnlib_losses = nnlib_losses[:-(-n // B)]
    torch_losses = torch_fit(first, X, y, "sgd", lr, "constant", {}, B, epochs, seed,
                             steps=len(nnlib_losses))
    nudged = train(size, seed, nudge=1e-15)[1].steps["batch_loss"]
    agree(f"batch {size}, sgd", torch_losses, nnlib_losses, nudged)
"""),
    ]
