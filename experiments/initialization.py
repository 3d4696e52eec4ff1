r"""Initialization: the first weights decide whether signals and gradients survive a deep network.

A network 2 -> width -> ... -> width -> 2 (`depth` hidden layers) starts from one scheme of
nnlib.init, biases 0, and is trained on two moons. Going forward, each layer multiplies the
variance of its input by about fan_in · Var(W) (times the activation's gain), so

    Var(z_l) ≈ fan_in · Var(W_l) · Var(a_{l-1})

shrinks or grows geometrically with depth unless Var(W) ≈ 1/fan_in: LeCun 1/fan_in, Xavier
2/(fan_in + fan_out) for tanh, He 2/fan_in for ReLU (which zeroes half its inputs). Backward,
the gradient δ_l = ∂ℓ/∂z_l is multiplied by Wᵀ at every layer and suffers the same fate.
Zeros or a constant make every hidden unit of a layer compute, and receive, the same thing:
they stay identical forever (the symmetry problem).
"""
import math
from functools import partial

import numpy as np
import pandas as pd

from experiments import budget, words
from nnlib import data, init, optim
from nnlib._check import choice
from nnlib.batched import fit_runs
from nnlib.model import MLP
from nnlib.train import fit

SCHEMES = ("zeros", "constant", "normal", "uniform", "xavier_normal", "xavier_uniform",
           "he_normal", "he_uniform", "lecun_normal")
LABELS = {"zeros": "zeros", "constant": "constant 0.1", "normal": "normal N(0, σ²)",
          "uniform": "uniform U(±√3·σ)", "xavier_normal": "Xavier normal",
          "xavier_uniform": "Xavier uniform", "he_normal": "He normal", "he_uniform": "He uniform",
          "lecun_normal": "LeCun normal"}
N_POINTS, NOISE, BATCH_SIZE, MOMENTUM = 300, 0.15, 32, 0.9
BINS = 31
IDENTICAL = 1e-12     # units closer than this are identical (BLAS may differ in the last bit)
PROBE = 60            # examples shown in the symmetry heat map
SHOWN_UNITS = 32      # units (rows) drawn per symmetry heat map
LIMIT_S = 0.6    # experiments.budget: 9 schemes at once × 50 epochs × 10 layers of 16


def initializer(scheme, sigma=0.05):
    """The nnlib.init function of a scheme: "normal" has std σ, "uniform" the bound √3·σ
    (so its std is σ too), "constant" the value 0.1; the others need no parameter."""
    choice("initialization", scheme, SCHEMES)
    if scheme == "normal":
        return partial(init.normal, std=sigma)
    if scheme == "uniform":
        return partial(init.uniform, a=math.sqrt(3) * sigma)
    return init.INITS[scheme]


def network(scheme, sigma=0.05, depth=6, width=16, activation="tanh", seed=0):
    """The untrained MLP [2, width × depth, 2] initialized by `scheme`, biases 0."""
    return MLP([2] + [width] * depth + [2], activation=activation,
               init=initializer(scheme, sigma), seed=seed)


def dataset(seed=0):
    """The training data every scheme shares: 300 points of two moons."""
    return data.make_moons(N_POINTS, noise=NOISE, seed=seed)


def signals(scheme, sigma=0.05, depth=6, width=16, activation="tanh", seed=0):
    """Per hidden layer l = 1..depth at initialization, over all training examples:
    the activations a_l and the gradient of one example's loss δ_l = ∂ℓ/∂z_l.

    nnlib's trace differentiates the mean loss L = ℓ/N summed, so δ_l = N · ∂L/∂z_l.
    Returns {"activation": [a_1, ...], "gradient": [δ_1, ...]} (arrays of shape (N, width)).
    """
    X, y = dataset(seed)
    trace = network(scheme, sigma, depth, width, activation, seed).trace(X, y)
    return {"activation": trace["a"][1:-1], "gradient": [len(X) * dz for dz in trace["dz"][:-1]]}


def histograms(scheme, sigma=0.05, depth=6, width=16, activation="tanh", seed=0):
    """Histograms of signals(): tidy frame quantity, layer, value (bin centre), fraction.

    Bins are shared by the layers of a quantity (from its smallest to its largest value),
    so a layer whose values shrink shows up as a spike at 0.
    """
    rows = []
    for quantity, layers in signals(scheme, sigma, depth, width, activation, seed).items():
        lo, hi = min(v.min() for v in layers), max(v.max() for v in layers)
        edges = np.linspace(lo, hi, BINS + 1) if hi > lo else np.linspace(lo - 1, hi + 1, BINS + 1)
        centres = (edges[:-1] + edges[1:]) / 2
        for l, values in enumerate(layers, start=1):
            counts, _ = np.histogram(values, edges)
            rows.append(pd.DataFrame({"quantity": quantity, "layer": l, "value": centres,
                                      "fraction": counts / values.size}))
    return pd.concat(rows, ignore_index=True)


def spread(schemes, sigma=0.05, depth=6, width=16, activation="tanh", seed=0):
    """Standard deviation of the activations and gradients per layer for each scheme:
    tidy frame scheme, quantity, layer, std. Flat lines keep the signal; falling lines vanish."""
    rows = [{"scheme": scheme, "quantity": quantity, "layer": l, "std": float(values.std())}
            for scheme in schemes
            for quantity, layers in signals(scheme, sigma, depth, width, activation, seed).items()
            for l, values in enumerate(layers, start=1)]
    return pd.DataFrame(rows, columns=["scheme", "quantity", "layer", "std"])


def check_work(schemes, depth=6, epochs=60, width=16):
    """The experiments.budget Meter of training `schemes` networks of `depth` hidden layers of
    `width` units for `epochs` epochs at once (train_schemes); ValueError if that is estimated
    above LIMIT_S, so that one view stays quick."""
    run = budget.Run((2, *[width] * depth, 2), N_POINTS, BATCH_SIZE, epochs, count=schemes,
                     batched=True)
    budget.check([run], LIMIT_S, f"{schemes} networks of {depth} hidden layers for {epochs} epochs",
                 "compare fewer schemes, or use fewer epochs, fewer layers or narrower ones")
    return budget.Meter([run])


def train(scheme, sigma=0.05, depth=6, width=16, activation="tanh", lr=0.05, epochs=60, seed=0):
    """Train one scheme with SGD (momentum 0.9, batch 32) on the shared data.

    Returns a dict: "curve" (frame epoch, loss, accuracy; epoch 0 = at initialization),
    "diverged_at" (step or None), "probe" (layer-1 activations of PROBE examples after
    training, shape (width, PROBE), examples ordered by class then x) and "max_difference"
    (per hidden layer, the largest |a_j − a_1| between its units over all examples).
    """
    X, y = dataset(seed)
    model = network(scheme, sigma, depth, width, activation, seed)
    hist = fit(model, X, y, optim.SGD(lr=lr, momentum=MOMENTUM), batch_size=BATCH_SIZE,
               epochs=epochs, seed=seed)
    return _trained(model, hist, X, y)


def train_schemes(schemes, sigma=0.05, depth=6, width=16, activation="tanh", lr=0.05, epochs=60,
                  seed=0):
    """{scheme: train(scheme, sigma, depth, width, activation, lr, epochs, seed)} for every
    scheme, the networks trained at once (nnlib.batched.fit_runs: one shape, data set and batch
    order, one SGD with momentum for the stack; equal to the separate runs to float64
    round-off). ValueError (check_work) if that is too much work for one view."""
    meter = check_work(len(schemes), depth, epochs, width)
    X, y = dataset(seed)
    models = [network(scheme, sigma, depth, width, activation, seed) for scheme in schemes]
    hists = fit_runs(models, X, y, optim.SGD(lr=lr, momentum=MOMENTUM), batch_size=BATCH_SIZE,
                     epochs=epochs, seed=seed,
                     callback=[meter.callback(meter.runs[0], "Training the schemes")
                               for _ in schemes])
    return {scheme: _trained(model, hist, X, y)
            for scheme, model, hist in zip(schemes, models, hists)}


def _trained(model, hist, X, y):
    """train()'s dict for a trained model and its History."""
    curve = pd.DataFrame({"epoch": hist.epochs["epoch"], "loss": hist.epochs["train_loss"],
                          "accuracy": hist.epochs["train_acc"]})
    with np.errstate(all="ignore"):    # a diverged model may hold huge numbers
        hidden = model.trace(X, y)["a"][1:-1]
        order = np.lexsort((X[:PROBE, 0], y[:PROBE]))
        gaps = [float(np.nan_to_num(np.abs(a - a[:, :1]).max(), nan=np.inf)) for a in hidden]
    return {"curve": curve, "diverged_at": hist.diverged_at, "probe": hidden[0][order].T,
            "max_difference": gaps}


def identical(run):
    """True if every hidden layer's units are identical after training (the symmetry trap)."""
    return max(run["max_difference"]) <= IDENTICAL


def curves(runs):
    """One tidy frame (scheme, epoch, loss, accuracy) from {scheme: train(...)}."""
    return pd.concat([run["curve"].assign(scheme=scheme) for scheme, run in runs.items()],
                     ignore_index=True)[["scheme", "epoch", "loss", "accuracy"]]


def symmetry_sentence(scheme, run, epochs):
    """E.g. "zeros: all 16 hidden units in layer 1 are identical after 60 epochs: max difference 0.0"."""
    width, gap = len(run["probe"]), run["max_difference"][0]
    if not identical(run):
        if run["diverged_at"] is None and _final(run) > math.log(2) - 0.01:
            return (f"{LABELS[scheme]}: the {width} hidden units in layer 1 differ by up to {gap:.2g}, "
                    "but the loss is still a coin flip's (ln 2 ≈ 0.693): the signal is too weak "
                    "to learn from, so the differences are the random start, not features.")
        return (f"{LABELS[scheme]}: the {width} hidden units in layer 1 differ by up to {gap:.2g}: "
                "each has learned its own feature.")
    why = ("every hidden activation is 0, so every weight's gradient is exactly 0; only the "
           "output biases move, and all they can learn is how often each class occurs"
           if not run["probe"].any() else
           "each unit gets the same gradient as its twins, so the network learns like one with "
           "a single unit per layer")
    return (f"{LABELS[scheme]}: all {width} hidden units in layer 1 are identical after {epochs} "
            f"epochs: max difference {gap:.1f} (the other hidden layers too); {why}.")


def describe_symmetry(runs):
    """The symmetry heat maps in words (the text under the figure), from {scheme: train(...)}:
    per scheme whether the layer-1 units are identical (the largest difference between them)
    and the range of the activations drawn, or the step its training diverged."""
    epochs = int(next(iter(runs.values()))["curve"]["epoch"].max())
    width = len(next(iter(runs.values()))["probe"])
    drawn = (f"its {width} hidden units" if width <= SHOWN_UNITS
             else f"the first {SHOWN_UNITS} of its {width} hidden units")
    parts = [f"One heat map per scheme of layer 1 after {epochs} epochs of training: rows are "
             f"{drawn}, columns {PROBE} training examples; red is a positive activation, blue a "
             "negative one, white 0, each map on its own scale."]
    for scheme, run in runs.items():
        a, gap = run["probe"][:SHOWN_UNITS], run["max_difference"][0]
        if run["diverged_at"] is not None:
            parts.append(f"{LABELS[scheme]}: training diverged at step {run['diverged_at']}.")
        elif not np.isfinite(a).all():
            parts.append(f"{LABELS[scheme]}: its activations are not finite numbers any more.")
        elif identical(run):
            low, high = words.num(a.min()), words.num(a.max())
            values = ("every activation is exactly 0" if not a.any() else
                      f"every activation is {low}" if low == high else
                      f"each column is one colour, activations from {low} to {high}")
            parts.append(f"{LABELS[scheme]}: all {width} units are identical (largest difference "
                         f"{words.num(gap)}): every row is the same; {values}.")
        else:
            parts.append(f"{LABELS[scheme]}: the units differ by up to {words.num(gap)}; "
                         f"activations from {words.num(a.min())} to {words.num(a.max())}.")
    return " ".join(parts)


def describe_histograms(frame, scheme):
    """The histograms in words: per quantity and hidden layer the span of the bins that hold
    values and the fullest bin (its centre and share of the values)."""
    layers = sorted(frame["layer"].unique())
    parts = []
    for quantity, told in (("activation", "Activations a_l"), ("gradient", "Gradients δ_l")):
        per_layer = []
        for layer in layers:
            rows = frame[(frame["quantity"] == quantity) & (frame["layer"] == layer)]
            held, top = rows[rows["fraction"] > 0], rows.loc[rows["fraction"].idxmax()]
            per_layer.append(f"layer {layer} all near {words.num(top.value)}" if len(held) == 1 else
                             f"layer {layer} from {words.num(held['value'].min())} to "
                             f"{words.num(held['value'].max())}, most near {words.num(top.value)} "
                             f"({top.fraction:.0%})")
        parts.append(f"{told}: " + "; ".join(per_layer))
    return (f"{LABELS[scheme]} at initialization: the share of the values in each of {BINS} bins, one "
            f"line per hidden layer, light for layer {layers[0]} to dark for layer {layers[-1]}; the "
            "values below are bin centres. " + ". ".join(parts) + ".")


def describe_spread(frame):
    """The spread lines in words: per scheme the std of the activations and of the gradients at
    the first and the last hidden layer; a scheme whose values are all 0 is not drawn."""
    last = int(frame["layer"].max())
    parts = []
    for scheme, rows in frame.groupby("scheme", sort=False):
        if not rows["std"].any():
            parts.append(f"{LABELS[scheme]}: every value is exactly 0, which the log axis cannot show")
            continue
        ends = {q: rows[rows["quantity"] == q].set_index("layer")["std"] for q in ("activation", "gradient")}
        parts.append(f"{LABELS[scheme]}: activations {words.num(ends['activation'][1])} to "
                     f"{words.num(ends['activation'][last])}, gradients {words.num(ends['gradient'][1])} "
                     f"to {words.num(ends['gradient'][last])}")
    zero = " A std of exactly 0 is left out of the log axis." if (frame["std"] == 0).any() else ""
    return (f"The standard deviation per hidden layer, one line per scheme on log axes, from layer 1 "
            f"to layer {last}: " + "; ".join(parts) + "." + zero)


def describe_training(runs):
    """The training curves in words: per scheme the loss at epoch 0 and at the end, or the step
    it diverged (the ✕)."""
    epochs = int(max(run["curve"]["epoch"].max() for run in runs.values()))
    parts = []
    for scheme, run in runs.items():
        curve = run["curve"]
        text = (f"{LABELS[scheme]} only at epoch 0, {words.num(curve['loss'].iloc[0])}" if len(curve) == 1 else
                f"{LABELS[scheme]} from {words.num(curve['loss'].iloc[0])} to "
                f"{words.num(curve['loss'].iloc[-1])} at epoch {int(curve['epoch'].iloc[-1])}")
        if run["diverged_at"] is not None:
            text += f", where it diverged at step {run['diverged_at']} (the ✕)"
        parts.append(text)
    return (f"Training loss per epoch on a log axis, one line per scheme, up to epoch {epochs}: "
            + "; ".join(parts) + ".")


def verdict(runs):
    """One sentence ranking the schemes by final training loss, e.g.
    "Final training loss: He normal 0.0098, Xavier normal 0.043; zeros 0.696 (no progress)"."""
    chance = math.log(2)     # the loss of a 50/50 guess on two balanced classes
    parts = []
    for scheme, run in sorted(runs.items(), key=lambda kv: _final(kv[1])):
        if run["diverged_at"] is not None:
            parts.append(f"{LABELS[scheme]} diverged at step {run['diverged_at']}")
            continue
        loss = _final(run)
        stuck = " (no better than a coin flip)" if loss > chance - 0.01 else ""
        parts.append(f"{LABELS[scheme]} {loss:.3g}{stuck}")
    return "Final training loss: " + "; ".join(parts) + "."


def _final(run):
    return math.inf if run["diverged_at"] is not None else float(run["curve"]["loss"].iloc[-1])
