r"""Backpropagation one step at a time, with every number read from nnlib's own forward/backward.

A tiny classifier (e.g. 2-3-2) sees one example x with true class y. `walk` returns the ordered
list of *stages* a learner steps through, each a plain dict:

    forward   the example, then per unit  z_j = Σ_i w_ij a_i + b_j  and  a_j = f(z_j),
              the output logits z_k, then  p = softmax(z)  and  L = −log p_y
    backward  ∂L/∂z_k = p_k − y_k, then per layer, last first (the chain rule dy/dx = df/dg · dg/dx):
              ∂L/∂w_ij = ∂L/∂z_j · a_i     ∂L/∂b_j = ∂L/∂z_j · 1
              ∂L/∂a_i = Σ_j w_ij ∂L/∂z_j    ∂L/∂z_i = ∂L/∂a_i · f'(z_i)
    update    θ ← θ − η ∂L/∂θ (nnlib's SGD) and the loss before and after

Stage keys: phase, title, nodes and edges to highlight, quantity (where the number sits in
MLP.trace: (name, layer, index)), value, local (the local derivative, or None), upstream (the
gradient arriving from above, or None), latex (the step with the numbers substituted) and
reveals (labels the graph keeps from this stage on). Nodes are (layer, unit), layer 0 the
inputs; "loss" is the loss node. Edges are (layer, i, j) from unit i of layer−1 to unit j.
"""
from functools import partial

import numpy as np
import pandas as pd

from experiments import words
from nnlib import init, landscape, optim
from nnlib._check import choice, integer, number
from nnlib.activations import ACTIVATIONS
from nnlib.gradcheck import FLOOR, numeric_gradient, relative_error
from nnlib.losses import softmax
from nnlib.model import MLP

ARCHITECTURES = {"2-2-2": (2, 2, 2), "2-3-2": (2, 3, 2), "2-2-2-2": (2, 2, 2, 2)}
F_LATEX = {"relu": r"\mathrm{ReLU}", "leaky_relu": r"\mathrm{LReLU}", "tanh": r"\tanh",
           "sigmoid": r"\sigma", "identity": r"\mathrm{id}", "elu": r"\mathrm{ELU}",
           "softplus": r"\mathrm{softplus}", "silu": r"\mathrm{SiLU}", "gelu": r"\mathrm{GELU}"}
LOSS = "loss"
AGREE = 1e-6    # relative error below which backprop and finite differences agree
STUCK = 0.01     # a hidden unit whose f'(z) is below this passes back (almost) no gradient


def network(arch="2-3-2", activation="relu", sigma=1.0, seed=0):
    """The tiny MLP: weights ~ N(0, σ²) from the seed, biases 0, softmax cross-entropy loss."""
    sizes = ARCHITECTURES[choice("architecture", arch, tuple(ARCHITECTURES))]
    return MLP(sizes, activation, init=partial(init.normal, std=number("σ", sigma, low=0, low_open=True)),
               seed=seed)


def example(x1, x2, label):
    """One example as nnlib wants it: X of shape (1, 2), y of shape (1,)."""
    return (np.array([[number("x₁", x1), number("x₂", x2)]]),
            np.array([integer("true class", label, low=0, high=1)]))


def walk(arch="2-3-2", activation="relu", x1=1.0, x2=-0.5, label=1, sigma=1.0, seed=0, lr=0.5):
    """Everything the lesson shows for one example and one SGD step with learning rate lr.

    Returns a dict: stages (list of dicts, see the module docstring), sizes, weights (list of
    W), theta_after (flat), loss_before, loss_after, check (gradient vs finite differences,
    one row per parameter) and line (the loss along the step, for η' from 0 to 2·lr).
    """
    model = network(arch, activation, sigma, seed)
    X, y = example(x1, x2, label)
    lr = number("learning rate η", lr, low=0, low_open=True)
    t = model.trace(X, y)
    t["slope"] = slopes(model, t)
    grad = model.loss_and_grad(X, y, train=False)[1].copy()
    after = model.copy()
    optim.SGD(lr=lr).step(after.theta, grad)            # θ ← θ − η ∂L/∂θ, nnlib's own SGD
    loss_after = after.loss(X, y)
    return {
        "stages": _forward(model, t, y[0]) + _backward(model, t, y[0])
                  + [_update(model, after, t["loss"], loss_after, grad, lr)],
        "sizes": tuple(model.sizes), "slopes": t["slope"], "weights": [W.copy() for W, _ in model.layers],
        "theta_after": after.theta.copy(), "loss_before": t["loss"], "loss_after": loss_after,
        "check": gradient_check(model, after, X, y, grad), "line": step_line(model, X, y, grad, lr),
    }


def stage_table(stages):
    """The steps as a tidy frame, one row per step (the page's CSV of the graph)."""
    return pd.DataFrame([{"step": k + 1, "phase": s["phase"], "title": s["title"],
                          "value": str(s["value"]), "local_derivative": str(s["local"]),
                          "upstream_gradient": str(s["upstream"]), "latex": s["latex"]}
                         for k, s in enumerate(stages)])


def gradient_check(model, after, X, y, grad, eps=1e-5):
    """Per parameter: value, backprop gradient, central finite difference, relative error (and
    how many digits agree, words.digits), value after.

    relative error = |g − n| / max(|g| + |n|, 10⁻³·L) as nnlib.gradcheck (tiny entries are held
    to an absolute error instead).
    """
    numeric = numeric_gradient(model.copy(), X, y, eps)
    floor = FLOOR * model.loss(X, y)
    return pd.DataFrame({"parameter": parameter_names(model), "value": model.theta.copy(),
                         "backprop": grad, "finite_difference": numeric,
                         "relative_error": (error := relative_error(grad, numeric, floor)),
                         "digits_agreeing": [words.digits(e) for e in error],
                         "after_update": after.theta.copy()})


def step_line(model, X, y, grad, lr, n=61):
    """The loss at θ − η' ∂L/∂θ for η' from 0 to 2·lr: where the learner's η lands on the way."""
    losses = landscape.interpolate(model, model.theta, model.theta - 2 * lr * grad, X, y, n)
    return pd.DataFrame({"eta": np.linspace(0, 2 * lr, n), "loss": losses})


def describe_step(line, lr, loss_before, loss_after):
    """The step-size figure in words: the loss before (blue dot, dotted line), the lowest point of
    the black line, its end at 2η, and where your η lands (a diamond, orange-red if the loss went up,
    green if not)."""
    low = line.loc[line["loss"].idxmin()]
    up = loss_after > loss_before
    return (f"The loss L after one step θ − η' ∂L/∂θ, for step sizes η' from 0 to {words.num(line['eta'].iloc[-1])} "
            f"(black line). Before the step L = {words.num(loss_before)} (blue dot and dotted line); the "
            f"line is lowest, {words.num(low.loss)}, at η' = {words.num(low.eta)} and ends at "
            f"{words.num(line['loss'].iloc[-1])}. Your η = {words.num(lr)} lands at L = {words.num(loss_after)} "
            f"({'orange-red' if up else 'green'} diamond): the loss went {'up' if up else 'down'}"
            + ("." if up or loss_after < loss_before else ", or stayed the same."))


def verdict(walk, *, lr):
    """Sentences computed from walk()'s numbers: the gradient check, stuck units, the update's
    effect with learning rate lr."""
    check, before, after = walk["check"], walk["loss_before"], walk["loss_after"]
    worst = check["relative_error"].max()
    said = [f"Backpropagation and central finite differences agree on all {len(check)} parameters "
            f"to {words.digits(worst)} digits or more." if worst < AGREE else
            f"Finite differences disagree with backpropagation (on the worst parameter only "
            f"{words.digits(worst)} digits agree): a unit sits within ε of a kink (ReLU at z = 0), "
            f"where the slope jumps."]
    for l, slope in enumerate(walk["slopes"], 1):
        for j in np.flatnonzero(np.abs(slope) < STUCK):
            said.append(f"Unit {unit_name(l, j, walk['sizes'])} passes back almost nothing: f'(z) = "
                        f"{_n(slope[j])}, so the weights into it get (almost) no gradient.")
    if after > before:
        said.append(f"η = {lr:g} is too large here: the step overshot and the loss rose from "
                    f"{_n(before)} to {_n(after)}. A smaller η lowers it.")
    else:
        said.append(f"With η = {lr:g} the step lowered the loss from {_n(before)} to {_n(after)}.")
    return said


def describe_graph(walk, index):
    """The graph at stage `index` in words (the text under it): the step and its number, then
    every number the graph holds by then (the step's on the graph, all in its hover text):
    forward values, gradients of the nodes and the weights, the weights themselves (old → new
    at the update). walk: walk()."""
    stages, sizes = walk["stages"], walk["sizes"]
    stage = stages[index]
    values, grads = _shown(stages[:index + 1], sizes)
    title = stage["title"] if stage["phase"] == "update" else f"{stage['phase']} pass, {stage['title']}"
    parts = [f"Step {index + 1} of {len(stages)}, {title}. This step: {step_words(stage, sizes)}.",
             f"Forward values so far: {_labels(values)}."]
    if grads:
        parts.append(f"Gradients so far: {_labels(grads)}.")
    check = walk["check"].set_index("parameter")
    names = [_weight_name(l, i, j) for l, W in enumerate(walk["weights"], 1) for i, j in np.ndindex(W.shape)]
    if stage["phase"] == "update":
        parts.append("Each weight after the step: " + ", ".join(
            f"{name} {words.num(check.at[name, 'value'])} → {words.num(check.at[name, 'after_update'])}"
            for name in names) + f"; the loss L goes from {words.num(walk['loss_before'])} to "
            f"{words.num(walk['loss_after'])}.")
    else:
        parts.append("The weights: " + ", ".join(
            f"{name} = {words.num(check.at[name, 'value'])}" for name in names) + ".")
    return " ".join(parts)


def _labels(shown):
    """"x₁ = 1; h₁ z = 0.3, a = 0.3; L = 0.6" from {node: {symbol: value}}."""
    return "; ".join(", ".join(f"{k} = {words.num(v)}" for k, v in told.items()) if list(told) == [where]
                     else f"{where} " + ", ".join(f"{k} = {words.num(v)}" for k, v in told.items())
                     for where, told in shown.items())


def _weight_name(l, i, j):
    """w¹₁₂: the weight of layer l from unit i to unit j (0-based i, j), as parameter_names."""
    return f"w{_sup(l)}{_sub(f'{i + 1}{j + 1}')}"


def _node(quantity, sizes):
    """The node a stage's number sits on: ("z", l − 1, (j,)) is unit j of layer l, ("a", l,
    (j,)) too; ("dz" and "da", l − 1, (j,)) unit j of layer l."""
    name, layer, index = quantity
    return unit_name(layer if name == "a" else layer + 1, index[0], sizes)


def _shown(stages, sizes):
    """({node: {symbol: value}} of the forward values, {node or weight: {symbol: value}} of the
    gradients) that the graph labels after `stages`, in the order they appeared."""
    values, grads = {}, {}
    outputs = [unit_name(len(sizes) - 1, k, sizes) for k in range(sizes[-1])]
    for stage in stages:
        name, layer, index = stage["quantity"]
        if name == "a" and index is None:
            values.update({unit_name(0, i, sizes): {unit_name(0, i, sizes): v}
                           for i, v in enumerate(stage["value"])})
        elif name in ("z", "a"):
            values.setdefault(_node(stage["quantity"], sizes), {})[name] = stage["value"]
        elif name == "loss":
            p = softmax(np.array([values[o]["z"] for o in outputs]))
            for o, p_k in zip(outputs, p):
                values[o]["p"] = p_k
            values["L"] = {"L": stage["value"]}
        elif name in ("dz", "da"):
            grads.setdefault(_node(stage["quantity"], sizes), {})[f"∂L/∂{name[1]}"] = stage["value"]
        elif name == "dW":
            grads[_weight_name(layer + 1, *index)] = {"∂L/∂w": stage["value"]}
    return values, grads


def step_words(stage, sizes):
    """What one stage computes, with its number: "∂L/∂w²₁₁ = 0.138, the gradient from above
    (0.46) times the local derivative (0.3)"."""
    name, layer, index = stage["quantity"]
    value, local, upstream = stage["value"], stage["local"], stage["upstream"]
    if name == "a" and index is None:
        return "x = (" + ", ".join(words.num(v) for v in value) + ")"
    symbol = {"z": "z", "a": "a", "dz": "∂L/∂z", "da": "∂L/∂a"}.get(name)
    if symbol:
        text = f"{symbol} of {_node(stage['quantity'], sizes)} = {words.num(value)}"
    elif name == "dW":
        text = f"∂L/∂{_weight_name(layer + 1, *index)} = {words.num(value)}"
    elif name == "db":
        return f"∂L/∂b of layer {layer + 1} = (" + ", ".join(words.num(v) for v in value) + ")"
    else:
        return f"L = {words.num(value)}" if name == "loss" else f"L after the update = {words.num(value)}"
    if np.ndim(local) == 0 and np.ndim(upstream) == 0 and local is not None and upstream is not None:
        text += (f", the gradient from above ({words.num(upstream)}) times the local derivative "
                 f"({words.num(local)})")
    elif name == "dz" and upstream is None:
        text += " = p − y"
    return text


def unit_name(l, j, sizes):
    """x₁ for inputs, h₁ for hidden units (h¹₁ with several hidden layers), o₁ for outputs."""
    if l == 0:
        return f"x{_sub(j + 1)}"
    if l == len(sizes) - 1:
        return f"o{_sub(j + 1)}"
    return f"h{_sub(j + 1)}" if len(sizes) == 3 else f"h{_sup(l)}{_sub(j + 1)}"


def slopes(model, trace):
    """f'(z) of every hidden unit, one array per hidden layer, from nnlib's activation."""
    df = ACTIVATIONS[model.activation].df
    return [df(z[0], a[0]) for z, a in zip(trace["z"][:-1], trace["a"][1:-1])]


def parameter_names(model):
    """Names in theta's order, e.g. "w¹₁₂" (layer 1, from unit 1 to unit 2) and "b¹₂"."""
    return [f"{letter}{_sup(l)}{_sub(units)}" for letter, l, units in _parameters(model)]


def _parameters(model):
    """(letter, layer, units) for every entry of theta, in theta's order, e.g. ("w", 1, "12")."""
    found = [None] * model.n_params
    for l, (W_at, b_at) in enumerate(model.positions(), 1):
        for (i, j), k in np.ndenumerate(W_at):
            found[k] = ("w", l, f"{i + 1}{j + 1}")
        for j, k in enumerate(b_at):
            found[k] = ("b", l, f"{j + 1}")
    return found


# ---- the stages ---------------------------------------------------------------------------

def _stage(phase, title, quantity, value, latex, nodes=(), edges=(), local=None, upstream=None,
           reveals=()):
    return {"phase": phase, "title": title, "quantity": quantity, "value": value, "local": local,
            "upstream": upstream, "latex": latex, "nodes": tuple(nodes), "edges": tuple(edges),
            "reveals": tuple(reveals)}


def _forward(model, t, label):
    x = t["a"][0][0]
    stages = [_stage("forward", "the example goes in", ("a", 0, None), x.copy(),
                     rf"x = ({_n(x[0])},\ {_n(x[1])}), \quad \text{{true class }} y = {label + 1}",
                     nodes=[(0, 0), (0, 1)], reveals=[("value", (0, i), f"x = {_n(v)}") for i, v in enumerate(x)])]
    last = len(model.layers)
    f = F_LATEX[model.activation]
    for l, (W, b) in enumerate(model.layers, 1):
        a_in, z = t["a"][l - 1][0], t["z"][l - 1][0]
        for j in range(W.shape[1]):
            terms = " + ".join(rf"({_n(W[i, j])})({_n(a_in[i])})" for i in range(W.shape[0]))
            stages.append(_stage(
                "forward", f"{'output' if l == last else 'hidden'} unit {j + 1} of layer {l}: weighted sum",
                ("z", l - 1, (j,)), z[j],
                rf"z{_tex(l, j)} = \sum_i w^{{({l})}}_{{i{j + 1}}}\, a^{{({l - 1})}}_i + b{_tex(l, j)} "
                rf"= {terms} + ({_n(b[j])}) = {_n(z[j])}",
                nodes=[(l, j)], edges=[(l, i, j) for i in range(W.shape[0])],
                reveals=[("value", (l, j), f"z = {_n(z[j])}")]))
            if l < last:
                a = t["a"][l][0][j]
                stages.append(_stage(
                    "forward", f"hidden unit {j + 1} of layer {l}: activation", ("a", l, (j,)), a,
                    rf"a{_tex(l, j)} = {f}(z{_tex(l, j)}) = {f}({_n(z[j])}) = {_n(a)}",
                    nodes=[(l, j)], reveals=[("value", (l, j), f"z = {_n(z[j])}, a = {_n(a)}")]))
    logits = t["output"][0]
    p = softmax(logits)
    outputs = [(last, k) for k in range(len(p))]
    stages.append(_stage(
        "forward", "softmax and the loss", ("loss", None, None), t["loss"],
        rf"p = \mathrm{{softmax}}(z) = ({_n(p[0])},\ {_n(p[1])}), \quad "
        rf"L = -\log p_{{{label + 1}}} = -\log {_n(p[label])} = {_n(t['loss'])}",
        nodes=outputs + [LOSS], edges=[(LOSS, k) for k in range(len(p))],
        reveals=[("value", (last, k), f"z = {_n(logits[k])}, p = {_n(p[k])}") for k in range(len(p))]
        + [("value", LOSS, f"L = {_n(t['loss'])}")]))
    return stages


def _backward(model, t, label):
    last = len(model.layers)
    p = softmax(t["output"][0])
    stages = []
    for k, g in enumerate(t["dz"][-1][0]):
        y_k = float(k == label)
        stages.append(_stage(
            "backward", f"output {k + 1}: gradient of the loss", ("dz", last - 1, (k,)), g,
            rf"\frac{{\partial L}}{{\partial z{_tex(last, k)}}} = p_{k + 1} - y_{k + 1} "
            rf"= {_n(p[k])} - {_n(y_k)} = {_n(g)}",
            nodes=[(last, k)], edges=[(LOSS, k)], local=p[k] - y_k,
            reveals=[("grad", (last, k), f"∂L/∂z = {_n(g)}")]))
    for l in range(last, 0, -1):
        stages += _layer_backward(model, t, l)
    return stages


def _layer_backward(model, t, l):
    """Stages for layer l: ∂L/∂w per edge, ∂L/∂b, then ∂L/∂a and ∂L/∂z of the layer below."""
    W = model.layers[l - 1][0]
    dz, a_in = t["dz"][l - 1][0], t["a"][l - 1][0]
    stages = []
    for (i, j), dw in np.ndenumerate(t["dW"][l - 1]):
        stages.append(_stage(
            "backward", f"weight from unit {i + 1} to unit {j + 1} of layer {l}", ("dW", l - 1, (i, j)), dw,
            rf"\frac{{\partial L}}{{\partial w^{{({l})}}_{{{i + 1}{j + 1}}}}} = "
            rf"\frac{{\partial L}}{{\partial z{_tex(l, j)}}} \cdot \frac{{\partial z{_tex(l, j)}}}"
            rf"{{\partial w^{{({l})}}_{{{i + 1}{j + 1}}}}} = \frac{{\partial L}}{{\partial z{_tex(l, j)}}}"
            rf" \cdot a^{{({l - 1})}}_{{{i + 1}}} = ({_n(dz[j])})({_n(a_in[i])}) = {_n(dw)}",
            nodes=[(l - 1, i), (l, j)], edges=[(l, i, j)], local=a_in[i], upstream=dz[j],
            reveals=[("grad", (l, i, j), f"∂L/∂w = {_n(dw)}")]))
    db = t["db"][l - 1]
    stages.append(_stage(
        "backward", f"biases of layer {l}", ("db", l - 1, None), db.copy(),
        rf"\frac{{\partial L}}{{\partial b^{{({l})}}_j}} = \frac{{\partial L}}{{\partial z^{{({l})}}_j}}"
        rf" \cdot 1: \quad \frac{{\partial L}}{{\partial b^{{({l})}}}} = ({_join(db)})",
        nodes=[(l, j) for j in range(len(db))], local=1.0, upstream=dz.copy()))
    if l > 1:
        for i in range(W.shape[0]):
            stages += _unit_backward(model, t, l - 1, i)
    return stages


def _unit_backward(model, t, l, i):
    """∂L/∂a of hidden unit i in layer l (a sum over the layer above), then ∂L/∂z = ∂L/∂a · f'(z)."""
    W_up, dz_up = model.layers[l][0], t["dz"][l][0]
    da, dz = t["da"][l - 1][0][i], t["dz"][l - 1][0][i]
    slope = t["slope"][l - 1][i]
    terms = " + ".join(rf"({_n(W_up[i, j])})({_n(dz_up[j])})" for j in range(W_up.shape[1]))
    f = F_LATEX[model.activation]
    return [
        _stage("backward", f"hidden unit {i + 1} of layer {l}: gradient of its output",
               ("da", l - 1, (i,)), da,
               rf"\frac{{\partial L}}{{\partial a{_tex(l, i)}}} = \sum_j w^{{({l + 1})}}_{{{i + 1}j}}"
               rf"\frac{{\partial L}}{{\partial z^{{({l + 1})}}_j}} = {terms} = {_n(da)}",
               nodes=[(l, i)], edges=[(l + 1, i, j) for j in range(W_up.shape[1])],
               local=W_up[i].copy(), upstream=dz_up.copy(),
               reveals=[("grad", (l, i), f"∂L/∂a = {_n(da)}")]),
        _stage("backward", f"hidden unit {i + 1} of layer {l}: through the activation",
               ("dz", l - 1, (i,)), dz,
               rf"\frac{{\partial L}}{{\partial z{_tex(l, i)}}} = \frac{{\partial L}}{{\partial a{_tex(l, i)}}}"
               rf" \cdot {f}'(z{_tex(l, i)}) = ({_n(da)})({_n(float(slope))}) = {_n(dz)}",
               nodes=[(l, i)], local=float(slope), upstream=da,
               reveals=[("grad", (l, i), f"∂L/∂a = {_n(da)}, ∂L/∂z = {_n(dz)}")]),
    ]


def _update(model, after, loss_before, loss_after, grad, lr):
    """θ ← θ − η ∂L/∂θ for every parameter; the LaTeX shows it for the steepest weight."""
    k = int(np.argmax(np.abs(grad)))
    letter, layer, units = _parameters(model)[k]
    edges = [(l, i, j) for l, (W, _) in enumerate(model.layers, 1) for (i, j) in np.ndindex(W.shape)]
    return _stage(
        "update", "the update: every parameter steps downhill", ("loss_after", None, None), loss_after,
        rf"\theta \leftarrow \theta - \eta \frac{{\partial L}}{{\partial \theta}}, \ \text{{e.g. }} "
        rf"{letter}^{{({layer})}}_{{{units}}}: {_n(model.theta[k])} - ({_n(lr)})({_n(grad[k])}) = {_n(after.theta[k])}"
        rf"; \quad L: {_n(loss_before)} \to {_n(loss_after)}",
        edges=edges, nodes=[LOSS], local=lr, upstream=grad.copy(),
        reveals=[("value", LOSS, f"L = {_n(loss_before)} → {_n(loss_after)}")]
        + [("new", e, _n(w)) for e, w in zip(edges, _weights(after))])


# ---- formatting ---------------------------------------------------------------------------

def _weights(model):
    return [W[i, j] for W, _ in model.layers for (i, j) in np.ndindex(W.shape)]


def _n(v, digits=3):
    """A number as the page shows it: 3 significant digits, a real minus sign in LaTeX."""
    v = float(v)
    return "0" if v == 0 else f"{v:.{digits}g}"


def _join(values):
    return ",\\ ".join(_n(v) for v in values)


def _tex(l, j):
    """^{(l)}_{j+1}: the superscript layer and subscript unit of a symbol."""
    return f"^{{({l})}}_{{{j + 1}}}"


def _sup(n):
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _sub(n):
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
