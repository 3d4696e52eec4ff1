"""Notebook recipe: Early stopping & dropout (pages/regularization.py, experiments/regularization.py).

Reproduces the main figure "regularization-curves": training and validation loss and accuracy
per epoch with Keras's EarlyStopping watching (training goes on, so you see what it saved you
from); the same run again in PyTorch, dropout masks included.
"""
import inspect

from experiments import regularization as exp
from lab.recipes.torch_code import TORCH_INTRO

TITLE = "Early stopping & dropout"
MAIN = "regularization-curves"   # the figure the button sits under
FIGURES = ("regularization-curves",)
INTRO = ("A network with 128 + 128 hidden units is far too large for 80 noisy points: it can "
         "learn the noise itself. The **training** loss keeps falling while the **validation** "
         "loss, measured on points the network never trains on, turns round and climbs. Early "
         "stopping keeps the parameters of the best validation epoch (the checkpoint) and stops "
         "once `patience` epochs brought nothing better; dropout makes memorising harder.")
SETTINGS = {"n_train": "training points (two noisy moons)", "noise": "noise of the moons",
            "width": "units per hidden layer (2 layers)", "dropout": "dropout p",
            "lr": "learning rate of Adam", "epochs": "epochs", "seed": "data, weights, batches",
            "early_stopping": "use EarlyStopping", "monitor": "val_loss or val_acc",
            "min_delta": "an improvement must beat the best by more than this",
            "patience": "epochs without improvement before stopping",
            "restore_best_weights": "put back the best epoch's weights at the end",
            "start_from_epoch": "epochs of warm-up that are not watched"}


def cells(s):
    return [
        ("md", f"## The data\n\n`n_train` noisy moons points to train on and {exp.N_VAL} more to "
               "validate: the network never trains on those."),
        ("code", f"""
import numpy as np
import pandas as pd

from nnlib import MLP, data, optim
from nnlib.train import EarlyStopping, fit

N_VAL, BATCH_SIZE = {exp.N_VAL}, {exp.BATCH_SIZE}
X, y = data.make_moons(n_train + N_VAL, noise=noise, seed=seed)
Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=N_VAL / (n_train + N_VAL), seed=seed)
Xt.shape, Xv.shape
"""),
        ("md", "## Early stopping, watching\n\nKeras's rule: an epoch improves when it beats the "
               "best so far by more than `min_delta`; after `patience` epochs without one, "
               "training stops. Here it only *watches*: training goes on for every epoch, so the "
               "curves show what early stopping saved you from. Up to its stop it sees exactly "
               "what `fit(early_stopping=stopper)` would show it."),
        ("code", f"""
{inspect.getsource(exp.watch).strip()}


stopper = EarlyStopping(monitor=monitor, min_delta=min_delta, patience=patience,
                        restore_best_weights=restore_best_weights,
                        start_from_epoch=start_from_epoch) if early_stopping else None
"""),
        ("md", "## The network and its training\n\n2-`width`-`width`-2 with ReLU, He-normal "
               "first weights and dropout p on both hidden layers: in every training step each "
               "hidden unit is switched off with probability p and the others are scaled by "
               "1/(1 − p) (never when evaluating). Adam, batches of 16."),
        ("code", """
def train(nudge=0.0, callback=None):
    model = MLP([2, width, width, 2], activation="relu", init="he_normal", dropout=dropout,
                seed=seed)
    model.theta *= 1 + nudge                       # (only for the PyTorch check below)
    hist = fit(model, Xt, yt, optim.Adam(lr=lr), batch_size=min(BATCH_SIZE, len(Xt)),
               epochs=epochs, val=(Xv, yv), seed=seed, callback=callback)
    return model, hist


model, hist = train(callback=watch(stopper) if stopper else None)
if stopper:
    print(f"best epoch {stopper.best_epoch} ({monitor} {stopper.best:.4f}); "
          f"patience ran out at epoch {stopper.stopped_epoch}")
"""),
        ("md", "## The numbers the page drew\n\nOne row per epoch (0 = before training); "
               "`trained` is False after the epoch where early stopping ended training."),
        ("code", """
curves = pd.DataFrame({k: hist.epochs[k] for k in
                       ("epoch", "train_loss", "val_loss", "train_acc", "val_acc")})
last = int(curves["epoch"].iloc[-1])
stopped = stopper.stopped_epoch if stopper else None
curves["trained"] = curves["epoch"] <= (stopped or last)
numbers = {"regularization-curves": curves}
curves.iloc[[0, int(curves["val_loss"].idxmin()), last]]
"""),
        ("md", "## The figure\n\nTraining loss keeps falling; validation loss turns round. The "
               "dotted line marks the epoch early stopping kept."),
        ("code", """
import plotly.graph_objects as go

fig = go.Figure()
fig.add_scatter(x=curves["epoch"], y=curves["train_loss"], name="training loss")
fig.add_scatter(x=curves["epoch"], y=curves["val_loss"], name="validation loss")
if stopper and stopper.best_epoch is not None:
    fig.add_vline(x=stopper.best_epoch, line_dash="dot", annotation_text="best epoch")
fig.update_layout(xaxis_title="epoch", yaxis_title="cross-entropy", template="plotly_white")
fig.show()
"""),
    ]


def torch_cells(s):
    return [
        *TORCH_INTRO,
        ("md", "The same run with `torch.optim.Adam`, from the same first weights, on the same "
               "batches and, with dropout, the same masks."),
        ("code", """
first = MLP([2, width, width, 2], activation="relu", init="he_normal", dropout=dropout, seed=seed)
nnlib_losses = hist.steps["batch_loss"]
torch_losses = torch_fit(first, Xt, yt, "adam", lr, "constant", {}, min(BATCH_SIZE, len(Xt)),
                         epochs, seed, steps=len(nnlib_losses))
nudged = train(nudge=1e-15)[1].steps["batch_loss"]
agree(f"dropout {dropout:g}, adam", torch_losses, nnlib_losses, nudged)
"""),
    ]
