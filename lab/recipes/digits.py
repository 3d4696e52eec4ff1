"""Notebook recipe: Real images: handwritten digits (pages/digits.py, experiments/digits.py).

Reproduces the main figure "digits-weights" (the first-layer weights as 8×8 images at the
recorded epochs), the confusion matrix ("digits-confusion"), the misclassified test digits
("digits-mistakes") and full batch vs mini-batch per epoch ("digits-race") with nnlib; trains
the mini-batch and the full-batch run again in PyTorch.
"""
import inspect

from experiments import digits as exp
from experiments import frames
from lab.recipes.torch_code import TORCH_INTRO
from nnlib import optim
from nnlib.activations import ACTIVATIONS

TITLE = "Real images: handwritten digits"
MAIN = "digits-weights"   # the figure the button sits under
FIGURES = ("digits-weights", "digits-confusion", "digits-mistakes", "digits-race")
INTRO = ("Each digit is an 8×8 picture: 64 pixels from 0 (blank) to 1 (full ink), one input "
         "each. A first-layer neuron adds up the pixels times its 64 weights, so its weights are "
         "a picture too: **red** pixels raise its output where there is ink, **blue** ones lower "
         "it. Softmax turns the ten outputs into probabilities p₀ … p₉.")
SETTINGS = {"layers": "hidden layers", "width": "neurons per hidden layer",
            "activation": f"one of {', '.join(ACTIVATIONS)}",
            "init": "initial weights: he_normal, xavier_uniform or normal (N(0, 0.05²))",
            "optimizer": f"one of {', '.join(optim.OPTIMIZERS)}", "lr": "learning rate η",
            "batch_size": "batch size (the number of training digits or more: full batch)",
            "epochs": "epochs (passes over the training digits)",
            "test_share": "share of digits kept for testing", "seed": "split, first weights, batches"}


def cells(s):
    return [
        ("md", "## The digits\n\nThe 1,797 handwritten digits of `nnlib.datasets` (each pixel is "
               "the ink of a 4×4 block, divided by 16), split by the seed into training and test "
               "digits; each digit keeps its share of the test part. The network never trains on "
               "the test digits."),
        ("code", """
import math

import numpy as np
import pandas as pd

from nnlib import MLP, data, optim
from nnlib.datasets import DIGITS_SHAPE, load_digits
from nnlib.train import fit

X, y = load_digits()
Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=test_share, seed=seed)
print(f"{len(Xt)} training digits, {len(Xv)} test digits, {X.shape[1]} pixels each")
"""),
        ("md", "## The network\n\n64 pixels → `layers` hidden layers of `width` neurons → 10 "
               "logits, with weights from `init` and zero biases. A neuron j of the first layer "
               "computes z_j = Σᵢ xᵢ W_ij + b_j: its 64 weights W_:j are an 8×8 image of what it "
               "looks for."),
        ("code", f"""
CLASSES, MAX_FRAMES, MAX_SHOWN = {exp.CLASSES}, {exp.MAX_FRAMES}, {exp.MAX_SHOWN}


def network(nudge=0.0):
    model = MLP([math.prod(DIGITS_SHAPE), *(width,) * layers, CLASSES], activation=activation,
                init=init, seed=seed)                 # the same first weights every time
    model.theta *= 1 + nudge                          # (nudge: only for the PyTorch check below)
    return model


batch = min(batch_size, len(Xt))
print(" → ".join(map(str, network().sizes)), f"; batch {{batch}},",
      f"{{epochs * math.ceil(len(Xt) / batch)}} updates")
"""),
        ("md", "## Training, with the first-layer weights recorded\n\n`fit` takes one step "
               "θ ← θ − η ∇L(B) per mini-batch and measures the loss and accuracy of both parts "
               "after every epoch. A callback keeps the first-layer weights at up to "
               f"{exp.MAX_FRAMES} epochs spread over the run (the animation's frames), and the "
               "latest parameters, so a run that diverges is shown at its last finite epoch."),
        ("code", f"""
{inspect.getsource(frames.frame_steps).strip()}


{inspect.getsource(exp.FirstLayer).strip()}


def train(size, epochs, val=None, nudge=0.0):
    model = network(nudge)
    recorder = FirstLayer(model, set(frame_steps(epochs, MAX_FRAMES).tolist()))
    hist = fit(model, Xt, yt, optim.get(optimizer, lr=lr),
               batch_size=None if size == len(Xt) else size, epochs=epochs,
               val=val, seed=seed, callback=recorder)
    return model, recorder, hist


model, recorder, hist = train(batch, epochs, val=(Xv, yv))
kept = recorder.frames(model)
if hist.diverged_at is not None:
    model.theta = recorder.latest                     # the last finite epoch's network
    print(f"diverged at step {{hist.diverged_at}}: showing epoch {{recorder.last}}")
curves = pd.DataFrame(hist.epochs).drop(columns=["lr"]).rename(
    columns={{"val_loss": "test_loss", "val_acc": "test_acc", "time": "seconds"}})
curves.tail(3)
"""),
        ("md", "## The weights as images\n\nOne row per recorded epoch, neuron (of the first "
               f"{exp.MAX_SHOWN} at most), pixel row and column: this is the main figure's CSV."),
        ("code", """
epochs_kept = np.array(sorted(kept))
shown = min(model.sizes[1], MAX_SHOWN)
W = np.array([kept[e][:, :shown] for e in epochs_kept], np.float32)      # (frames, 64, shown)
epoch, neuron, pixel = np.meshgrid(epochs_kept, np.arange(1, shown + 1), np.arange(W.shape[1]),
                                   indexing="ij")
weights = pd.DataFrame({"epoch": epoch.ravel(), "neuron": neuron.ravel(),
                        "row": pixel.ravel() // DIGITS_SHAPE[1],
                        "column": pixel.ravel() % DIGITS_SHAPE[1],
                        "weight": W.transpose(0, 2, 1).ravel()})
weights.head()
"""),
        ("md", "## The test digits\n\nThe confusion matrix C[k, j] counts the test images of "
               "digit k read as j: the diagonal holds the right answers. A digit's accuracy is "
               "C[k, k] / Σⱼ C[k, j]. The mistakes are listed surest first (largest probability "
               f"of the wrong answer), at most {exp.MAX_GALLERY}."),
        ("code", f"""
MAX_GALLERY = {exp.MAX_GALLERY}
proba = model.predict_proba(Xv)
predicted = proba.argmax(axis=1)
C = np.zeros((CLASSES, CLASSES), dtype=np.int64)
np.add.at(C, (yv, predicted), 1)
n, right = C.sum(axis=1), np.diag(C)
confusion = pd.concat([pd.DataFrame({{"digit": np.arange(CLASSES), "test_digits": n, "correct": right,
                                     "accuracy": right / np.maximum(n, 1)}}),
                       pd.DataFrame(C, columns=[f"read_as_{{j}}" for j in range(CLASSES)])], axis=1)
rows = np.flatnonzero(predicted != yv)
rows = rows[np.argsort(-proba[rows, predicted[rows]], kind="stable")][:MAX_GALLERY]
mistakes = pd.DataFrame({{"row": rows, "true": yv[rows], "predicted": predicted[rows],
                         "p_predicted": proba[rows, predicted[rows]], "p_true": proba[rows, yv[rows]]}})
print(f"test accuracy {{np.mean(predicted == yv):.1%}}: {{len(Xv) - np.trace(C)}} mistakes")
mistakes.head()
"""),
        ("md", "## Full batch vs mini-batch\n\nThe same network from the same start, trained "
               "with full batch: one exact step per epoch, the gradient of L over every training "
               f"digit, for {exp.FULL_FACTOR}× the epochs (at most {exp.MAX_FULL_EPOCHS}). Only "
               "its training loss is measured."),
        ("code", f"""
full_epochs = min({exp.FULL_FACTOR} * epochs, {exp.MAX_FULL_EPOCHS})
_, _, full_hist = train(len(Xt), full_epochs)
full = pd.DataFrame(full_hist.epochs).drop(columns=["lr"]).rename(columns={{"time": "seconds"}})
race = pd.concat([curves.assign(run=f"batch {{batch}}"), full.assign(run="full batch")],
                 ignore_index=True)
numbers = {{"digits-weights": weights, "digits-confusion": confusion, "digits-mistakes": mistakes,
           "digits-race": race}}
race.groupby("run", sort=False).tail(1)
"""),
        ("md", "## The figures\n\nThe first-layer weights at the last recorded epoch (change "
               "`epoch_shown` to see another one: red raises the neuron's output where there is "
               "ink, blue lowers it), the confusion matrix, the surest mistakes, and the training "
               "loss per epoch of both runs."),
        ("code", """
import plotly.graph_objects as go
from plotly.subplots import make_subplots

def square_pixels(fig, count, cols):
    # every image's y axis keeps the scale of its own x axis: square pixels
    for j in range(count):
        fig.update_yaxes(scaleanchor=f"x{j + 1 if j else ''}", row=j // cols + 1, col=j % cols + 1)


epoch_shown = int(epochs_kept[-1])
k = int(np.searchsorted(epochs_kept, epoch_shown))
cols, limit = 8, float(np.abs(W).max())
fig = make_subplots(rows=math.ceil(shown / cols), cols=cols, horizontal_spacing=0.01,
                    vertical_spacing=0.02)
for j in range(shown):
    fig.add_heatmap(z=W[k, :, j].reshape(DIGITS_SHAPE), zmin=-limit, zmax=limit, zmid=0,
                    colorscale="RdBu_r", showscale=j == 0, row=j // cols + 1, col=j % cols + 1)
fig.update_xaxes(visible=False)
fig.update_yaxes(visible=False, autorange="reversed")
square_pixels(fig, shown, cols)
fig.update_layout(title=f"First-layer weights after epoch {epoch_shown}", template="plotly_white",
                  height=120 * math.ceil(shown / cols) + 80)
fig.show()

fig = go.Figure(go.Heatmap(z=C, x=list(range(CLASSES)), y=list(range(CLASSES)), text=C,
                           texttemplate="%{text}", colorscale="Blues", showscale=False))
fig.update_layout(title="Confusion matrix (rows: the true digit)", xaxis_title="read as",
                  yaxis_title="true digit", yaxis_autorange="reversed", template="plotly_white",
                  width=500, height=500)
fig.show()

few = mistakes.head(cols)
if len(few):
    fig = make_subplots(rows=1, cols=len(few), subplot_titles=[
        f"{t} → {p} ({q:.0%})" for t, p, q in zip(few["true"], few["predicted"], few["p_predicted"])])
    for j, r in enumerate(few["row"]):
        fig.add_heatmap(z=Xv[r].reshape(DIGITS_SHAPE), colorscale="Greys", showscale=False,
                        row=1, col=j + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    square_pixels(fig, len(few), cols)
    fig.update_layout(title="The surest mistakes: true → read as (p)", height=250)
    fig.show()

fig = go.Figure()
for run, rows in race.groupby("run", sort=False):
    fig.add_scatter(x=rows["epoch"], y=rows["train_loss"], name=run,
                    line_dash="dash" if run == "full batch" else "solid")
fig.update_layout(title="Training loss per epoch", xaxis_title="epoch", yaxis_title="loss",
                  yaxis_type="log", template="plotly_white")
fig.show()
"""),
    ]


def torch_cells(s):
    return [
        *TORCH_INTRO,
        ("md", "Both runs again with torch.optim's optimizer, from the same first weights and on "
               "the same batches: the mini-batch losses must be nnlib's."),
        ("code", """
for size, run_epochs, val, nnlib_hist in ((batch, epochs, (Xv, yv), hist),
                                         (len(Xt), full_epochs, None, full_hist)):
    nnlib_losses = nnlib_hist.steps["batch_loss"]
    torch_losses = torch_fit(network(), Xt, yt, optimizer, lr, "constant", {}, size, run_epochs,
                             seed, steps=len(nnlib_losses))
    nudged = train(size, run_epochs, val, nudge=1e-15)[2].steps["batch_loss"]
    name = "full batch" if size == len(Xt) else f"batch {size}"
    agree(f"{name}, {optimizer}", torch_losses, nnlib_losses, nudged)
"""),
    ]
