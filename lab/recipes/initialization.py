"""Notebook recipe: Initialization (pages/initialization.py, experiments/initialization.py).

The button sits under the symmetry heat map ("init-symmetry", which has no CSV); the notebook
reproduces the spread of the signals per layer ("init-spread") and the training curves of
every scheme compared ("init-training"), and trains every scheme again in PyTorch.
"""
from experiments import initialization as exp
from lab.recipes.torch_code import TORCH_INTRO

TITLE = "Initialization"
MAIN = "init-symmetry"   # the figure the button sits under
FIGURES = ("init-spread", "init-training")
INTRO = ("Before training, every weight needs a first value. If they are all equal, every "
         "hidden unit of a layer computes the same thing and receives the same gradient, so they "
         "stay twins forever. If they are random but too small, the signal shrinks layer after "
         "layer (**vanishing**); too large, it blows up or saturates the activation.")
SETTINGS = {"depth": "hidden layers", "width": "units per hidden layer",
            "activation": "tanh, relu or sigmoid",
            "scheme": "the scheme looked at closely on the page",
            "compare": f"schemes to compare, any of {', '.join(exp.SCHEMES)}",
            "sigma": "σ of normal and uniform", "lr": "learning rate (SGD, momentum 0.9)",
            "epochs": "epochs", "seed": "data, first weights, batches"}


def cells(s):
    return [
        ("md", f"## Data and networks\n\n{exp.N_POINTS} points of two moons, and a network "
               "2 → width → … → width → 2 (`depth` hidden layers) whose weights come from one "
               "scheme of `nnlib.init`, biases 0. *normal* draws N(0, σ²), *uniform* "
               "U(−√3σ, √3σ) (the same standard deviation σ), *constant* 0.1."),
        ("code", f"""
import math
from functools import partial

import numpy as np
import pandas as pd

from nnlib import MLP, data, init, optim
from nnlib.train import fit

N_POINTS, NOISE, BATCH_SIZE, MOMENTUM = {exp.N_POINTS}, {exp.NOISE}, {exp.BATCH_SIZE}, {exp.MOMENTUM}
X, y = data.make_moons(N_POINTS, noise=NOISE, seed=seed)
shown = tuple(dict.fromkeys((*compare, scheme)))     # every scheme compared, yours included


def initializer(name):
    if name == "normal":
        return partial(init.normal, std=sigma)
    if name == "uniform":
        return partial(init.uniform, a=math.sqrt(3) * sigma)
    return init.INITS[name]


def network(name, nudge=0.0):
    model = MLP([2] + [width] * depth + [2], activation=activation, init=initializer(name),
                seed=seed)
    model.theta *= 1 + nudge                          # (only for the PyTorch check below)
    return model
"""),
        ("md", "## Signals at initialization, layer by layer\n\nOne forward and one backward "
               "pass over the training points, before any training. Each layer multiplies the "
               "variance of its input by about fan_in · Var(W): "
               "Var(z_l) ≈ n_in Var(W_l) Var(a_{l−1}). Xavier picks Var(W) = 2/(n_in + n_out), "
               "He 2/n_in, LeCun 1/n_in. `trace` gives every activation a_l and δ_l = ∂L/∂z_l "
               "of the mean loss, so one example's gradient is N · δ_l."),
        ("code", """
rows = []
for name in shown:
    trace = network(name).trace(X, y)
    layers = {"activation": trace["a"][1:-1], "gradient": [len(X) * dz for dz in trace["dz"][:-1]]}
    for quantity, values in layers.items():
        rows += [{"scheme": name, "quantity": quantity, "layer": l, "std": float(v.std())}
                 for l, v in enumerate(values, start=1)]
spread = pd.DataFrame(rows, columns=["scheme", "quantity", "layer", "std"])
spread.pivot_table(index=["quantity", "layer"], columns="scheme", values="std")
"""),
        ("md", "## Training every scheme\n\nSGD with momentum 0.9 in batches of 32; the same "
               "data and batches for every scheme."),
        ("code", """
def train(name, nudge=0.0):
    return fit(network(name, nudge), X, y, optim.SGD(lr=lr, momentum=MOMENTUM),
               batch_size=BATCH_SIZE, epochs=epochs, seed=seed)


histories = {name: train(name) for name in shown}
training = pd.concat([pd.DataFrame({"scheme": name, "epoch": h.epochs["epoch"],
                                    "loss": h.epochs["train_loss"],
                                    "accuracy": h.epochs["train_acc"]})
                      for name, h in histories.items()], ignore_index=True)
numbers = {"init-spread": spread, "init-training": training}
training.groupby("scheme", sort=False).tail(1)
"""),
        ("md", "## The figures\n\nThe spread of the activations per layer (flat lines keep the "
               "signal, falling lines vanish), and the training loss per scheme."),
        ("code", """
import plotly.graph_objects as go
from plotly.subplots import make_subplots

fig = make_subplots(rows=1, cols=2, subplot_titles=("std of the activations per layer",
                                                    "training loss"))
for name in shown:
    a = spread[(spread["scheme"] == name) & (spread["quantity"] == "activation")]
    t = training[training["scheme"] == name]
    fig.add_scatter(x=a["layer"], y=a["std"], name=name, legendgroup=name, row=1, col=1)
    fig.add_scatter(x=t["epoch"], y=t["loss"], name=name, legendgroup=name, showlegend=False,
                    row=1, col=2)
fig.update_yaxes(type="log")
fig.update_layout(template="plotly_white", height=420)
fig.show()
"""),
    ]


def torch_cells(s):
    return [
        *TORCH_INTRO,
        ("md", "Every scheme again with `torch.optim.SGD(momentum=0.9)`, from the same first "
               "weights and on the same batches."),
        ("code", """
for name, hist in histories.items():
    nnlib_losses = hist.steps["batch_loss"]
    torch_losses = torch_fit(network(name), X, y, "momentum", lr, "constant", {}, BATCH_SIZE,
                             epochs, seed, steps=len(nnlib_losses))
    agree(f"{name}, momentum", torch_losses, nnlib_losses, train(name, nudge=1e-15).steps["batch_loss"])
"""),
    ]
