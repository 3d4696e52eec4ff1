"""Notebook recipe: Loss landscapes in the papers (pages/landscape_papers.py,
experiments/landscape_papers.py).

Reproduces the main figure, the four slices side by side ("papers-slices": per network its
layers, parameters, the dips of its slice, the median loss on it and the final loss): four
networks trained the same way, each cut along a plane through its trained weights. The
convexity map and the sharp-vs-flat runs further down the page are not part of it (they take
Hessian eigenvalues on many points and seeds); no PyTorch section (the skip network would need
its own torch module).
"""
import inspect

from experiments import landscape as landscape_exp
from experiments import landscape_papers as exp
from lab.recipes.landscape import PLANE

TITLE = "Loss landscapes in the papers"
MAIN = "papers-slices"   # the figure the button sits under
FIGURES = ("papers-slices",)
INTRO = ("Four networks learn the same points the same way; only their shape differs. Each "
         "picture is the loss on a plane through the trained weights θ* along two random "
         "directions scaled to the network's own weights, on one colour scale. Li et al. (2018) "
         "found that depth without skips makes it chaotic; here, at small scale.")
SETTINGS = {"dataset": f"one of {', '.join(exp.DATASETS)}", "noise": "noise of the points",
            "depth": f"hidden layers of the deep networks (the shallow one has {exp.SHALLOW_DEPTH})",
            "epochs": f"epochs of Adam (η = {exp.LR}, batches of {exp.BATCH}) for every network",
            "seed": "data, first weights, batches, directions",
            "directions": "random (filter-normalized) or PCA (each path's two main directions)",
            "resolution": "grid points per side (made odd: θ* is the centre)",
            "span": "random: ± this many units; PCA: this many times the path's extent"}


def cells(s):
    return [
        ("md", f"## The data and the four networks\n\n{landscape_exp.N_POINTS} noisy points; "
               f"*shallow* has {exp.SHALLOW_DEPTH} hidden layers of {exp.WIDTH} units, *deep* "
               f"`depth` layers of {exp.WIDTH}, *deep + skips* the same with a skip around every "
               f"hidden layer after the first, a_l = a_{{l−1}} + f(a_{{l−1}} W_l + b_l) "
               f"(nnlib.residual.ResidualMLP), *deep wide* `depth` layers of {exp.WIDE}."),
        ("code", f"""
import numpy as np
import pandas as pd

from nnlib import MLP, data, landscape, optim
from nnlib.residual import ResidualMLP
from nnlib.train import fit

N_POINTS, SHALLOW_DEPTH, WIDTH, WIDE = {landscape_exp.N_POINTS}, {exp.SHALLOW_DEPTH}, {exp.WIDTH}, {exp.WIDE}
LR, BATCH, CAP = {exp.LR}, {exp.BATCH}, {exp.CAP}
X, y = data.DATASETS[dataset](n=N_POINTS, noise=noise, seed=seed)
HIDDEN = {{"shallow": [WIDTH] * SHALLOW_DEPTH, "deep": [WIDTH] * depth,
          "deep + skips": [WIDTH] * depth, "deep wide": [WIDE] * depth}}


def describe(net):
    return (f"{{len(HIDDEN[net])}} hidden layers of {{HIDDEN[net][0]}}"
            + (", with skips" if net == "deep + skips" else ""))
"""),
        ("md", "## The same training for every network\n\nAdam, η = LR, batches of BATCH, the "
               "same epochs, with a snapshot of the parameters after every epoch (the path). A "
               "run that blows up keeps its last finite weights."),
        ("code", """
def train(net):
    model = (ResidualMLP if net == "deep + skips" else MLP)([2, *HIDDEN[net], 2], seed=seed)
    hist = fit(model, X, y, optim.Adam(lr=LR), batch_size=BATCH, epochs=epochs, seed=seed,
               record_thetas="epoch")
    if hist.diverged_at is not None:
        model.theta = hist.thetas[-1]
    return model, hist


trained = {net: train(net) for net in HIDDEN}
for net, (model, hist) in trained.items():
    print(f"{net}: {model.n_params} parameters, loss {hist.epochs['train_loss'][0]:.3f} → "
          f"{model.loss(X, y):.3f}")
"""),
        ("md", "## Each network's slice\n\nZ(α, β) = L(θ* + α d₁ + β d₂) on a grid. Random "
               "directions are *filter-normalized* (Li et al.): each column of a weight matrix "
               "in d is rescaled to the norm of the same column of the network's weights, "
               "biases 0, so slices of different networks can be compared. A *dip* is a grid "
               "point lower than all 8 neighbours: a smooth bowl has one, a chaotic slice many."),
        ("code", f"""
{PLANE.strip()}


{inspect.getsource(exp.slice_minima).strip()}


panels = {{}}
for net, (model, hist) in trained.items():
    thetas = hist.thetas[:len(hist.epochs["train_loss"])]
    alphas, betas, Z, explained, (alpha, beta), _ = plane(model, X, y, thetas, directions,
                                                          resolution, span, seed)
    panels[net] = dict(alphas=alphas, betas=betas, Z=Z, alpha=alpha, beta=beta,
                       final_loss=float(model.loss(X, y)), n_params=model.n_params)
numbers = {{"papers-slices": pd.DataFrame([
    {{"network": net, "layers": describe(net), "parameters": p["n_params"],
     "dips": slice_minima(p["Z"]), "median loss": float(np.median(p["Z"])),
     "final loss": p["final_loss"]}} for net, p in panels.items()])}}
numbers["papers-slices"]
"""),
        ("md", "## The figure\n\nlog₁₀ of the loss, capped at CAP, on one colour scale for all "
               "four; the red line is the training path projected on each plane, ending at θ* "
               "(the centre)."),
        ("code", """
import plotly.graph_objects as go
from plotly.subplots import make_subplots

fig = make_subplots(1, len(panels), subplot_titles=[describe(net) for net in panels])
low = np.log10(max(min(np.nanmin(p["Z"]) for p in panels.values()), 1e-4))
for col, p in enumerate(panels.values(), start=1):
    shown = np.log10(np.clip(np.nan_to_num(p["Z"], nan=CAP, posinf=CAP), 1e-4, CAP))
    fig.add_trace(go.Contour(x=p["alphas"], y=p["betas"], z=shown, coloraxis="coloraxis",
                             ncontours=24), 1, col)
    fig.add_trace(go.Scatter(x=p["alpha"], y=p["beta"], mode="lines", showlegend=False,
                             line=dict(color="red", width=3)), 1, col)
fig.update_layout(coloraxis=dict(cmin=low, cmax=np.log10(CAP), colorscale="Cividis",
                                 colorbar_title="log₁₀ loss"),
                  height=400, template="plotly_white")
fig.show()
"""),
    ]
