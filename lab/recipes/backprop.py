"""Notebook recipe: Backpropagation, step by step (pages/backprop.py, experiments/backprop.py).

Reproduces the main figure's steps ("backprop-graph": one row per step of the forward pass, the
backward pass and the update, with its LaTeX) and the loss along the step ("backprop-step"):
the forward and backward pass are written out by hand in NumPy and checked against nnlib's own;
the PyTorch section rebuilds the network in torch.nn and checks every gradient with autograd.
"""
import inspect

from experiments import backprop as exp
from lab.recipes.torch_code import TORCH_SETUP

TITLE = "Backpropagation, step by step"
MAIN = "backprop-graph"   # the figure the button sits under
FIGURES = ("backprop-graph", "backprop-step")
INTRO = ("A tiny network sees **one** training example. The forward pass computes each unit's "
         "weighted sum z and activation a, then the loss. The backward pass walks back from the "
         "loss: each gradient is the gradient arriving from above times a *local* derivative "
         "(the chain rule). Last, every weight takes one step downhill.")
SETTINGS = {"arch": f"network (inputs-hidden-outputs): one of {', '.join(exp.ARCHITECTURES)}",
            "activation": "activation f of the hidden units: relu, leaky_relu, tanh, sigmoid "
                          "or identity",
            "sigma": "initial weights ~ N(0, σ²): σ (biases start at 0)",
            "seed": "the initial weights", "x1": "input x₁", "x2": "input x₂",
            "label": "true class y: '1' or '2'", "lr": "learning rate η of the update"}
STAGE_WRITER = (exp._stage, exp._forward, exp._backward, exp._layer_backward, exp._unit_backward,
                exp._update, exp._parameters, exp._weights, exp._n, exp._join, exp._tex,
                exp._sup, exp._sub, exp.slopes, exp.stage_table)


def cells(s):
    return [
        ("md", "## The network and the example\n\nWeights drawn from N(0, σ²) with the seed, "
               "biases 0, softmax and cross-entropy on the two outputs. nnlib stores a layer's "
               "weights as W of shape (n_in, n_out): w_ij goes from unit i below to unit j."),
        ("code", f"""
from functools import partial

import numpy as np
import pandas as pd

from nnlib import MLP, init, landscape, optim
from nnlib.activations import ACTIVATIONS
from nnlib.gradcheck import FLOOR, numeric_gradient, relative_error
from nnlib.losses import softmax

ARCHITECTURES = {exp.ARCHITECTURES}
model = MLP(ARCHITECTURES[arch], activation, init=partial(init.normal, std=sigma), seed=seed)
X = np.array([[x1, x2]])                # one example: shape (1, 2)
y = np.array([int(label) - 1])          # class 1 or 2 is index 0 or 1
f, df = ACTIVATIONS[activation].f, ACTIVATIONS[activation].df
for l, (W, b) in enumerate(model.layers, 1):
    print(f"layer {{l}}: W =\\n{{W}}\\nb = {{b}}")
"""),
        ("md", "## The forward pass\n\nLayer by layer, z_j = Σ_i w_ij a_i + b_j and a_j = f(z_j) "
               "(the output layer keeps z); then p = softmax(z) and L = −log p_y."),
        ("code", """
a, z = [X], []                          # a[0] is the input, then every layer's output
for l, (W, b) in enumerate(model.layers, 1):
    z.append(a[-1] @ W + b)
    a.append(z[-1] if l == len(model.layers) else f(z[-1]))
    print(f"layer {l}: z = {z[-1][0]}, a = {a[-1][0]}")
p = softmax(z[-1][0])
loss = np.logaddexp.reduce(z[-1][0]) - z[-1][0][y[0]]   # −log p_y, never the log of 0
print(f"p = softmax(z) = {p}, L = −log p_{y[0] + 1} = {loss:.6f}")
"""),
        ("md", "## The backward pass\n\nFrom the loss back, one layer at a time. At the outputs "
               "∂L/∂z_k = p_k − y_k (y one-hot). In layer l: ∂L/∂w_ij = ∂L/∂z_j · a_i and "
               "∂L/∂b_j = ∂L/∂z_j; then for the layer below ∂L/∂a_i = Σ_j w_ij ∂L/∂z_j and "
               "∂L/∂z_i = ∂L/∂a_i · f'(z_i). `backward` takes the outputs' gradient and returns "
               "every parameter's in one flat vector θ, as nnlib keeps them (`positions()` says "
               "where each W and b sits in it)."),
        ("code", """
def backward(dz):
    \"\"\"∂L/∂θ (flat, in θ's order) from dz = ∂L/∂z of the outputs, shape (1, outputs).\"\"\"
    grad = np.empty(model.n_params)
    for l in range(len(model.layers), 0, -1):
        W = model.layers[l - 1][0]
        W_at, b_at = model.positions()[l - 1]
        grad[W_at] = a[l - 1].T @ dz              # ∂L/∂w_ij = a_i · ∂L/∂z_j
        grad[b_at] = dz[0]                        # ∂L/∂b_j = ∂L/∂z_j · 1
        if l > 1:
            da = dz @ W.T                         # ∂L/∂a_i = Σ_j w_ij ∂L/∂z_j
            dz = da * df(z[l - 2], a[l - 1])      # ∂L/∂z_i = ∂L/∂a_i · f'(z_i)
    return grad


grad_by_hand = backward((p - np.eye(len(p))[y[0]])[None])
for l, (W_at, b_at) in enumerate(model.positions(), 1):
    print(f"layer {l}: ∂L/∂W =\\n{grad_by_hand[W_at]}\\n∂L/∂b = {grad_by_hand[b_at]}")
"""),
        ("md", "## nnlib's gradient, and how close two computations can be\n\n`loss_and_grad` "
               "runs the same passes. A gradient is a sum of products of numbers along the paths "
               "from the loss to its parameter, and each carries a rounding error. Two of them "
               "are differences of numbers near 1 when a unit is sure or saturated: p_y − 1 at "
               "the outputs (its error is about 10⁻¹⁶ · |z|, the logits' own) and the slopes "
               "f'(z) = 1 − a² or a (1 − a) (about 10⁻¹⁶), as is nnlib's sigmoid "
               "½ tanh(z/2) + ½ itself near 0: their error does not shrink with them. So two "
               "correct programs agree to 10⁻⁹ relative, or, where that is less, to a *floor* "
               "of a hundred such rounding errors carried to the parameter: the backward pass "
               "run on magnitudes, |p − y| + max(1, |z|) at the outputs, |a| + 1 and "
               "|f'(z)| + 1 in every hidden unit, times 10⁻¹⁴. For the loss, the floor is "
               "10⁻¹⁴ · max(1, |z|)."),
        ("code", """
def rounding_floor(size):
    \"\"\"10⁻¹⁴ × the backward pass on magnitudes: |W|, |p − y| + size (max(1, |z|)) at the outputs,
    |a| + 1 and |f'(z)| + 1 in the hidden units, one value per parameter (θ's order).\"\"\"
    floor = np.empty(model.n_params)
    dz = np.abs(p - np.eye(len(p))[y[0]])[None] + size
    for l in range(len(model.layers), 0, -1):
        W_at, b_at = model.positions()[l - 1]
        floor[W_at] = (np.abs(a[l - 1]) + (l > 1)).T @ dz     # hidden a: |a| + 1
        floor[b_at] = dz[0]
        if l > 1:
            dz = (dz @ np.abs(model.layers[l - 1][0]).T) * (np.abs(df(z[l - 2], a[l - 1])) + 1)
    return 1e-14 * floor


def compare(mine, nnlib_values, floor, rtol=1e-9):
    \"\"\"Assert every value equals nnlib's to rtol, or to the floor where that is larger;
    return the largest difference relative to max(|nnlib|, floor / rtol).\"\"\"
    scale = np.maximum(np.abs(nnlib_values), floor / rtol)
    gap = np.abs(mine - nnlib_values) / np.where(scale > 0, scale, 1.0)
    assert (gap <= rtol).all(), f"differences {gap.max():.1e} relative, more than {rtol:g}"
    return gap.max()


loss_before, grad = model.loss_and_grad(X, y, train=False)
grad = grad.copy()                                # nnlib reuses its array: keep a copy
size = max(1.0, np.abs(z[-1]).max())              # max(1, |z|) of the logits
floor = rounding_floor(size)
print(f"by hand and nnlib agree on all {model.n_params} gradients (largest relative difference "
      f"{compare(grad_by_hand, grad, floor):.1e}) and on the loss "
      f"({compare(loss, loss_before, 1e-14 * size):.1e})")
"""),
        ("md", "## Checked by finite differences\n\nEach gradient against "
               "(L(θᵢ + ε) − L(θᵢ − ε)) / 2ε with ε = 10⁻⁵, nnlib.gradcheck's relative error. "
               "A ReLU unit within ε of z = 0 sits on a kink, where the two can disagree."),
        ("code", """
numeric = numeric_gradient(model.copy(), X, y, eps=1e-5)
errors = relative_error(grad, numeric, FLOOR * loss_before)
print(f"largest relative error {errors.max():.1e} over {len(grad)} parameters")
"""),
        ("md", "## The update\n\nθ ← θ − η ∂L/∂θ with nnlib's SGD, and the loss on the same "
               "example after it. The line is the loss at θ − η' ∂L/∂θ for η' from 0 to 2η: "
               "where the learner's η lands on the way (the page's second figure)."),
        ("code", """
after = model.copy()
optim.SGD(lr=lr).step(after.theta, grad)
loss_after = after.loss(X, y)
print(f"η = {lr:g}: L {loss_before:.6f} → {loss_after:.6f}")
line = pd.DataFrame({"eta": np.linspace(0, 2 * lr, 61),
                     "loss": landscape.interpolate(model, model.theta, model.theta - 2 * lr * grad,
                                                   X, y, 61)})
"""),
        ("md", "## The steps the page shows\n\nThe page walks through these numbers one step at "
               "a time, each with its formula and the numbers put in. The functions below are the "
               "page's own step writer (experiments/backprop.py), copied here so that the notebook "
               "needs nothing but nnlib; they read every number from nnlib's `trace`, the "
               "intermediates of the very same forward and backward pass."),
        ("code", f"""
LOSS = {exp.LOSS!r}
F_LATEX = {exp.F_LATEX!r}


{_sources(STAGE_WRITER)}


trace = model.trace(X, y)
trace["slope"] = slopes(model, trace)
stages = (_forward(model, trace, y[0]) + _backward(model, trace, y[0])
          + [_update(model, after, trace["loss"], loss_after, grad, lr)])
numbers = {{"backprop-graph": stage_table(stages), "backprop-step": line}}
numbers["backprop-graph"][["step", "phase", "title", "value"]]
"""),
        ("md", "## The figures\n\nThe network after the backward pass: each edge's width is the "
               "size of its weight's gradient (hover for the numbers). Then the loss along the "
               "step."),
        ("code", """
import plotly.graph_objects as go

where = {(l, j): (l, (n - 1) / 2 - j) for l, n in enumerate(model.sizes) for j in range(n)}
fig = go.Figure()
biggest = np.abs(grad).max() or 1.0
for l, (W_at, _) in enumerate(model.positions(), 1):
    for (i, j), k in np.ndenumerate(W_at):
        (xa, ya), (xb, yb) = where[(l - 1, i)], where[(l, j)]
        fig.add_scatter(x=[xa, xb], y=[ya, yb], mode="lines", showlegend=False,
                        line=dict(width=1 + 8 * abs(grad[k]) / biggest,
                                  color="#D55E00" if grad[k] > 0 else "#0072B2"),
                        hovertext=f"w = {model.theta[k]:.3g}, ∂L/∂w = {grad[k]:.3g}, "
                                  f"after: {after.theta[k]:.3g}", hoverinfo="text")
values = [a[l][0][j] for l, j in where]          # the forward values: x, then z or a
fig.add_scatter(x=[x for x, _ in where.values()], y=[v for _, v in where.values()],
                mode="markers+text", marker=dict(size=40, color="white", line_width=2),
                text=[f"{v:.3g}" for v in values], showlegend=False, hoverinfo="skip")
fig.update_layout(title=f"L = {loss_before:.4g}; edges: |∂L/∂w| (orange > 0, blue < 0)",
                  xaxis_visible=False, yaxis_visible=False, template="plotly_white")
fig.show()

step = go.Figure(go.Scatter(x=line["eta"], y=line["loss"], mode="lines", name="loss after η'"))
step.add_scatter(x=[0, lr], y=[loss_before, loss_after], mode="markers", name="before, after")
step.update_layout(xaxis_title="step size η'", yaxis_title="loss", template="plotly_white")
step.show()
"""),
    ]


TORCH_TEXT = """
## The same in PyTorch

The same network in `torch.nn`, loaded with the same weights, sees the same example; autograd
computes the gradient, `torch.optim.SGD` takes the same step. Every gradient and the loss
before and after the update must equal nnlib's to 10⁻⁹ (relative), in float64, or to the
floor above where a value hangs on rounding. This section needs PyTorch (`pip install torch`);
the rest of the notebook does not.
"""


def torch_cells(s):
    return [
        ("md", "nnlib stores W as (n_in, n_out) and computes z = a W + b; `torch.nn.Linear` "
               "stores `weight` as (n_out, n_in) and computes a weightᵀ + bias, so `torch_net` "
               "copies Wᵀ in, and the gradient of `weight` is (∂L/∂W)ᵀ. nnlib's sigmoid is "
               "½ tanh(z/2) + ½, the same number up to rounding. The comparison is the one "
               "above: 10⁻⁹ relative, or the floor where a gradient hangs on rounding."),
        ("code", TORCH_SETUP),
        ("code", """
def as_theta(net):
    \"\"\"The gradients of torch's Linear layers as one flat vector in nnlib's θ order.\"\"\"
    flat = np.empty(model.n_params)
    linears = [layer for layer in net if isinstance(layer, torch.nn.Linear)]
    for (W_at, b_at), linear in zip(model.positions(), linears):
        flat[W_at] = linear.weight.grad.numpy().T
        flat[b_at] = linear.bias.grad.numpy()
    return flat


net = torch_net(model)                              # the weights before the update
inputs, target = torch.from_numpy(X), torch.from_numpy(y)
torch_loss = F.cross_entropy(net(inputs), target)   # softmax and −log p_y
torch_loss.backward()                               # autograd: the backward pass
torch_grad = as_theta(net)
print(f"∂L/∂θ: PyTorch and nnlib agree on {model.n_params} of {model.n_params} gradients "
      f"(largest relative difference {compare(torch_grad, grad, floor):.1e})")

torch.optim.SGD(net.parameters(), lr=lr).step()     # θ ← θ − η ∂L/∂θ
with torch.no_grad():
    logits_after = net(inputs)
    torch_after = F.cross_entropy(logits_after, target).item()
floors = 1e-14 * np.array([size, max(1.0, logits_after.abs().max().item())])
worst = compare(np.array([torch_loss.item(), torch_after]), np.array([loss_before, loss_after]),
                floors)
print(f"L before and after the update: PyTorch and nnlib agree on 2 of 2 losses "
      f"(largest relative difference {worst:.1e})")
"""),
    ]


def _sources(functions):
    """The source of each function, two blank lines apart, as one notebook cell's text."""
    return "\n\n\n".join(inspect.getsource(fn).strip() for fn in functions)
