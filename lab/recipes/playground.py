"""Notebook recipe: Playground (pages/playground.py, experiments/playground.py).

Reproduces the main figure's points ("playground-training": the data and its split) and the
loss curves ("playground-loss": loss and accuracy per epoch) with nnlib, and the same run in
PyTorch: any optimizer, schedule, dropout and L2 of the page. Built-in data only: a CSV the
learner uploaded stays in the browser session and is not part of the notebook.
"""
import inspect

from experiments import playground as exp
from experiments import schedules as schedule_exp
from lab.recipes.torch_code import TORCH_INTRO
from nnlib import optim, schedules

TITLE = "Playground"
MAIN = "playground-training"   # the figure the button sits under
FIGURES = ("playground-training", "playground-loss")
INTRO = ("Every knob in one place. The network learns to predict the class of each point of "
         "the plane (or, for regression, a value over the plane or a curve through noisy points "
         "of a sine). It never "
         "trains on the validation points: comparing the two shows overfitting.")
SETTINGS = {"problem": "classification or regression",
            "dataset": f"classification: one of {', '.join(exp.CLASSIFICATION_SETS)}",
            "regression_set": f"regression: one of {', '.join(exp.REGRESSION_SETS)}",
            "classes": "classes (spirals and blobs)", "n": "number of points", "noise": "noise",
            "val_fraction": "share kept for validation",
            "features": "input features: x, y, x2, y2, xy, sinx, siny",
            "layers": "hidden layers", "width": "neurons per hidden layer",
            "activation": "relu, leaky_relu, tanh, sigmoid, identity, elu, softplus, silu or gelu",
            "init": "initialization (nnlib.init)", "dropout": "dropout p",
            "l2": "L2 weight decay λ: adds λ/2 · ΣW² (weights, not biases) to the loss",
            "l1": "L1 regularization λ₁: adds λ₁ · Σ|W| (weights, not biases) to the loss",
            "optimizer": f"one of {', '.join(optim.OPTIMIZERS)}", "lr": "learning rate η",
            "schedule": f"one of {', '.join(schedules.SCHEDULES)}",
            "batch_size": "batch size (more than the training points means full batch)",
            "epochs": "epochs",
            "then_epochs": "then go on from where training stopped for this many epochs (0: no)",
            "then_lr": "… with this η (constant)",
            "seed": "data, split, first weights, batches, dropout masks"}


def cells(s):
    return [
        ("md", "## The data\n\nA toy set of points in the plane (or along x: the noisy sine), "
               "split at random into training and validation points."),
        ("code", f"""
import math

import numpy as np
import pandas as pd

from nnlib import MLP, data, optim, schedules
from nnlib.train import fit

MULTICLASS_SETS, ONE_D_FEATURES = {exp.MULTICLASS_SETS}, {exp.ONE_D_FEATURES}
regression = problem == "regression"
if regression:
    X, y = data.REGRESSION_SETS[regression_set](n, noise=noise, seed=seed)
    classes_seen = ()
else:
    extra = {{"n_classes": classes}} if dataset in MULTICLASS_SETS else {{}}
    X, y = data.DATASETS[dataset](n, noise=noise, seed=seed, **extra)
    classes_seen = tuple(str(k) for k in range(y.max() + 1))
Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=val_fraction, seed=seed)
len(Xt), len(Xv)
"""),
        ("md", "## Features\n\nThe network's inputs are features of the point (x, y), as in "
               "TensorFlow Playground: x, y, x², y², xy, sin x, sin y."),
        ("code", f"""
{inspect.getsource(exp.inputs).strip()}


Xt_in, Xv_in = inputs(Xt, features), inputs(Xv, features)
Xt_in.shape
"""),
        ("md", "## Network, optimizer, schedule\n\nThe last layer has one output per class "
               "(softmax and cross-entropy) or a single output (mean squared error). The "
               "schedule's settings are chosen relative to the run's length in updates."),
        ("code", f"""
{inspect.getsource(schedule_exp.REGISTRY[s["schedule"]].settings).strip()}


sizes = [Xt_in.shape[1], *(width,) * layers, 1 if regression else len(classes_seen)]
batch = min(batch_size, len(Xt))
updates = epochs * math.ceil(len(Xt) / batch)
schedule_settings = {schedule_exp.REGISTRY[s["schedule"]].settings.__name__}(updates)


def make_model(nudge=0.0):
    model = MLP(sizes, activation=activation, init=init, dropout=dropout, l2=l2, l1=l1, seed=seed,
                loss="mse" if regression else "cross_entropy")
    model.theta *= 1 + nudge                          # (only for the PyTorch check below)
    return model


print(" → ".join(map(str, sizes)), f"; batch {{batch}}; {{updates}} updates; {{schedule}} {{schedule_settings}}")
"""),
        ("md", "## Training\n\nθ ← θ − η ∇(L(B) + λ/2 ΣW²), one mini-batch at a time, with the "
               "loss and accuracy of both sets measured after every epoch. With `then_epochs`, "
               "training goes on from where it stopped (the same model, optimizer and random "
               "stream) with the optimizer's η set to `then_lr`."),
        ("code", """
def train(nudge=0.0):
    model = make_model(nudge)
    opt = optim.get(optimizer, lr=lr)
    sched = schedules.get(schedule, opt, **schedule_settings)
    rng = np.random.default_rng(seed)              # one stream: the batches and dropout masks
    hist = fit(model, Xt_in, yt, opt, batch_size=batch, epochs=epochs, schedule=sched,
               seed=rng, val=(Xv_in, yv))
    more = None
    if then_epochs and hist.diverged_at is None:   # go on with the new η and the same stream
        opt.lr = then_lr
        more = fit(model, Xt_in, yt, opt, batch_size=batch, epochs=then_epochs, seed=rng,
                   val=(Xv_in, yv))
    return model, hist, more


model, hist, more = train()
print("diverged at step", hist.diverged_at) if hist.diverged_at else None
"""),
        ("md", "## The numbers the page drew\n\n`playground-training`: the points and their "
               "set; `playground-loss`: one row per epoch (0 = before training)."),
        ("code", """
both = np.vstack([Xt, Xv])
points = pd.DataFrame({f"x{j + 1}": both[:, j] for j in range(both.shape[1])})
points["target"] = np.r_[yt, yv]
points["set"] = ["training"] * len(yt) + ["validation"] * len(yv)
curves = pd.DataFrame(hist.epochs).drop(columns=["time"])
if more is not None:     # the second stage's epochs, numbered on (its epoch 0 is the row before)
    later = pd.DataFrame(more.epochs).drop(columns=["time"]).iloc[1:]
    curves = pd.concat([curves, later.assign(epoch=later["epoch"] + epochs)], ignore_index=True)
numbers = {"playground-training": points, "playground-loss": curves}
curves.tail(3)
"""),
        ("md", "## The figure\n\nWhat the trained network predicts everywhere in the plane (the "
               "class, or the value for regression; for the sine along x), with the training "
               "points as circles and the validation points as diamonds."),
        ("code", """
import plotly.graph_objects as go

fig = go.Figure()
if X.shape[1] == 1:
    grid = np.linspace(X[:, 0].min(), X[:, 0].max(), 200)
    fig.add_scatter(x=grid, y=model.predict(inputs(grid[:, None], features)), name="network")
    fig.add_scatter(x=Xt[:, 0], y=yt, mode="markers", name="training")
    fig.add_scatter(x=Xv[:, 0], y=yv, mode="markers", marker_symbol="diamond", name="validation")
else:
    gx, gy = (np.linspace(X[:, j].min() - 0.2, X[:, j].max() + 0.2, 80) for j in (0, 1))
    xx, yy = np.meshgrid(gx, gy)
    plane = inputs(np.column_stack([xx.ravel(), yy.ravel()]), features)
    colours = "RdBu_r" if regression else "Viridis"
    fig.add_heatmap(x=gx, y=gy, z=model.predict(plane).reshape(xx.shape), showscale=regression,
                    opacity=0.4, colorscale=colours)
    for name, (P, labels, symbol) in {"training": (Xt, yt, "circle"),
                                      "validation": (Xv, yv, "diamond")}.items():
        fig.add_scatter(x=P[:, 0], y=P[:, 1], mode="markers", name=name,
                        marker=dict(color=labels, symbol=symbol, colorscale=colours,
                                    line=dict(width=1, color="white")))
fig.update_layout(template="plotly_white", title=f"After epoch {int(curves['epoch'].iloc[-1])}")
fig.show()
"""),
    ]


def torch_cells(s):
    return [
        *TORCH_INTRO,
        ("md", "The same run with torch.optim's optimizer and scheduler, from the same first "
               "weights, on the same batches, with the same dropout masks and L2 term (its first "
               "`epochs`; a second stage is not compared)."),
        ("code", """
nnlib_losses = hist.steps["batch_loss"]
torch_losses = torch_fit(make_model(), Xt_in, yt, optimizer, lr, schedule, schedule_settings,
                         batch, epochs, seed, steps=len(nnlib_losses), val=(Xv_in, yv))
nudged = train(nudge=1e-15)[1].steps["batch_loss"]
agree(f"{optimizer}, {schedule}", torch_losses, nnlib_losses, nudged)
"""),
    ]
