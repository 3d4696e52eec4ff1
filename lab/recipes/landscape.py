"""Notebook recipe: Network loss landscape (pages/landscape.py, experiments/landscape.py).

Reproduces the main figure's training path on the slice ("landscape-surface": the snapshots'
coordinates on the plane and their loss) and the line from the first weights to the trained
ones ("landscape-interpolation") with nnlib; and trains the same network again in PyTorch.
Built-in data only: a CSV the learner uploaded stays in the browser session and is not part of
the notebook; the "compare with" run is not part of it either.
"""
import inspect

from experiments import landscape as exp
from lab.recipes.torch_code import TORCH_INTRO

TITLE = "Network loss landscape"
MAIN = "landscape-surface"   # the figure the button sits under
FIGURES = ("landscape-surface", "landscape-interpolation")
INTRO = ("A network's loss depends on hundreds of weights at once, so we can only look at a "
         "slice: a plane through the trained weights θ*, Z(α, β) = L(θ* + α d₁ + β d₂). The "
         "colours are the loss on that plane, the red line is the training path projected onto "
         "it. Then the loss on the straight line from the first weights to the last "
         "(Goodfellow et al. 2015).")
SETTINGS = {"dataset": f"one of {', '.join(exp.DATASETS)}", "noise": "noise of the points",
            "hidden": f"units per hidden layer, one of {', '.join(exp.HIDDEN)}",
            "optimizer": f"one of {', '.join(exp.OPTIMIZERS)}", "lr": "learning rate η",
            "batch_size": f"examples per update ({exp.N_POINTS} is full batch)",
            "epochs": "passes over the data", "seed": "data, first weights, batches, directions",
            "directions": "PCA (the path's two main directions) or random (filter-normalized)",
            "resolution": "grid points per side (made odd: θ* is the centre)",
            "span": "PCA: this many times the path's extent; random: ± this many units",
            "extend": "extend the line to t ∈ [−0.5, 1.5]"}

PLANE = '''
def plane(model, X, y, thetas, directions, resolution, span, seed):
    """The loss on a plane through model.theta and the snapshots `thetas` projected onto it:
    (alphas, betas, Z with Z[i, j] at (alphas[j], betas[i]), explained variance or None, (α, β),
    the directions (d1, d2)).

    PCA: the path's two principal directions, the view `span` times the path's extent along
    each; random: two filter-normalized random directions from the seed, the view ±span.
    """
    if directions == "PCA":
        d1, d2, explained = landscape.pca_directions(thetas)
    else:
        (d1, d2), explained = landscape.random_directions(model, seed=seed), None
    coords = landscape.project(thetas, model.theta, d1, d2)
    half = ([span * max(np.abs(c).max(), 1e-3) for c in coords] if directions == "PCA"
            else [span, span])
    alphas, betas = (np.linspace(-h, h, resolution | 1) for h in half)   # odd: θ* in the centre
    return (alphas, betas, landscape.loss_grid(model, X, y, d1, d2, alphas, betas), explained,
            coords, (d1, d2))
'''


def cells(s):
    return [
        ("md", f"## The data and the network\n\n{exp.N_POINTS} noisy points of a toy set, and an "
               "MLP 2 → hidden → … → classes with ReLU, softmax and cross-entropy."),
        ("code", f"""
import math

import numpy as np
import pandas as pd

from nnlib import MLP, data, landscape, optim
from nnlib.train import fit

N_POINTS, MAX_STEP_SNAPSHOTS, MAX_PATH = {exp.N_POINTS}, {exp.MAX_STEP_SNAPSHOTS}, {exp.MAX_PATH}
X, y = data.DATASETS[dataset](n=N_POINTS, noise=noise, seed=seed)
sizes = [2, *(int(units) for units in hidden.split("-")), int(y.max()) + 1]
sizes
"""),
        ("md", "## Training, with snapshots\n\n`fit` keeps a copy of all the parameters "
               f"(`hist.thetas`) after every update when the run has at most "
               f"{exp.MAX_STEP_SNAPSHOTS} of them, else after every epoch: the training path. "
               "A run that blows up keeps its last finite weights."),
        ("code", """
batch = min(batch_size, len(X))                    # more than the points: full batch
updates = epochs * math.ceil(len(X) / batch)


def train(nudge=0.0):
    model = MLP(sizes, seed=seed)
    model.theta *= 1 + nudge                       # (nudge: only for the PyTorch check below)
    hist = fit(model, X, y, optim.get(optimizer, lr=lr), batch_size=batch, epochs=epochs,
               seed=seed, record_thetas="step" if updates <= MAX_STEP_SNAPSHOTS else "epoch")
    if hist.diverged_at is not None:
        model.theta = hist.thetas[-1]
    return model, hist


model, hist = train()
print(f"{updates} updates, {len(hist.thetas)} snapshots of {model.n_params} parameters; "
      f"loss {hist.epochs['train_loss'][0]:.3f} → {model.loss(X, y):.3f}")
"""),
        ("md", "## The plane and the path on it\n\nAt most "
               f"{exp.MAX_PATH} snapshots evenly spread over training (first and last included) "
               "make the path. The plane goes through θ*; each snapshot θ_t gets the coordinates "
               "(α, β) of its projection (least squares), its true loss L(θ_t), measured in "
               "all dimensions, and the loss at its shadow θ* + α d₁ + β d₂ (the colour drawn "
               "under it), with the share of its distance from θ* the plane does not show."),
        ("code", f"""
{PLANE.strip()}


keep = np.unique(np.linspace(0, len(hist.thetas) - 1,
                             min(len(hist.thetas), MAX_PATH)).round().astype(int))
thetas = hist.thetas[keep]
alphas, betas, Z, explained, (alpha, beta), (d1, d2) = plane(model, X, y, thetas, directions,
                                                             resolution, span, seed)
per_snapshot = 1 if len(hist.thetas) - 1 == len(hist.steps["step"]) else math.ceil(len(X) / batch)
twin = model.copy()                                # evaluates the snapshots, model keeps θ*


def loss_at(theta):
    twin.theta = theta
    return float(twin.loss(X, y))


shadows = model.theta + np.outer(alpha, d1) + np.outer(beta, d2)   # the path's shadow on the plane
away = np.linalg.norm(thetas - model.theta, axis=1)
off = np.divide(np.linalg.norm(thetas - shadows, axis=1), away, out=np.zeros(len(away)),
                where=away > 0)                    # share of the distance from θ* off the plane
path = pd.DataFrame({{"snapshot": keep, "update": keep * per_snapshot, "alpha": alpha,
                     "beta": beta, "loss": [loss_at(theta) for theta in thetas],
                     "plane_loss": [loss_at(theta) for theta in shadows], "off_plane": off}})
path.iloc[[0, -1]]
"""),
        ("md", "## From the first weights to the last\n\nThe loss along θ₀ + t (θ* − θ₀). If it "
               "falls without a bump, a straight path would have worked too."),
        ("code", f"""
{inspect.getsource(exp.interpolation).strip()}


line = interpolation(model, X, y, thetas[0], extend)
numbers = {{"landscape-surface": path, "landscape-interpolation": line}}
print(f"t = 0: {{line['loss'].iloc[0]:.3f}}, t = 1: {{model.loss(X, y):.3f}}")
"""),
        ("md", "## The figures\n\nThe slice on a log colour scale with the path from θ₀ (circle) "
               "to θ* (star); then the line."),
        ("code", """
import plotly.graph_objects as go

axes = (("random direction d₁", "random direction d₂") if explained is None else
        (f"PCA direction 1 ({explained[0]:.0%})", f"PCA direction 2 ({explained[1]:.0%})"))
fig = go.Figure(go.Contour(x=alphas, y=betas, z=np.log10(np.maximum(Z, 1e-4)), ncontours=30,
                           colorscale="Viridis", colorbar_title="log₁₀ loss", customdata=Z,
                           hovertemplate="α %{x:.2f}, β %{y:.2f}: loss %{customdata:.4g}"))
fig.add_scatter(x=path["alpha"], y=path["beta"], mode="lines", line=dict(color="red", width=3),
                name="training path", customdata=path["loss"],
                hovertemplate="loss %{customdata:.4g}")
fig.add_scatter(x=path["alpha"].iloc[[0, -1]], y=path["beta"].iloc[[0, -1]], mode="markers",
                marker=dict(symbol=["circle", "star"], size=16, color="white"), name="θ₀, θ*")
fig.update_layout(xaxis_title=axes[0], yaxis_title=axes[1], height=560, template="plotly_white",
                  legend=dict(orientation="h", y=1.02, yanchor="bottom"))
fig.show()

go.Figure(go.Scatter(x=line["t"], y=line["loss"], mode="lines")).update_layout(
    xaxis_title="t: θ₀ + t (θ* − θ₀)", yaxis_title="loss", template="plotly_white").show()
"""),
    ]


def torch_cells(s):
    return [
        *TORCH_INTRO,
        ("md", "The same network from the same first weights, trained by `torch.optim` on the "
               "same batches: its mini-batch losses must be nnlib's."),
        ("code", """
first = MLP(sizes, seed=seed)                       # the first weights once more
nnlib_losses = hist.steps["batch_loss"]
torch_losses = torch_fit(first, X, y, optimizer, lr, "constant", {}, batch, epochs, seed,
                         steps=len(nnlib_losses))
nudged = train(nudge=1e-15)[1].steps["batch_loss"]
agree(f"{optimizer}, η = {lr:g}, batch {batch}", torch_losses, nnlib_losses, nudged)
"""),
    ]
