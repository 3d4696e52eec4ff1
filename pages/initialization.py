"""Initialization: zeros, constant, normal(σ), uniform, Xavier, He, LeCun in a deep network."""
import streamlit as st

from experiments import initialization as exp
from experiments import labels
from lab import first_request
from lab.cache import cached
from lab.page import friendly, lesson, progress, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from viz import initialization as draw

TABLE = [
    Setting("depth", "hidden layers", "int", 6, low=2, high=10, group="Network"),
    Setting("width", "units per hidden layer", "int", 16, low=4, high=64, step=4, group="Network"),
    Setting("activation", "activation", "choice", "tanh", options=("tanh", "relu", "sigmoid"),
            labels=labels.ACTIVATIONS, group="Network"),
    Setting("scheme", "scheme to look at closely", "choice", "xavier_normal", options=exp.SCHEMES,
            labels=exp.LABELS, group="Initialization", help="Its activations and gradients are drawn layer by layer."),
    Setting("compare", "schemes to compare", "multi",
            ("zeros", "constant", "normal", "xavier_normal", "he_normal"), options=exp.SCHEMES,
            labels=exp.LABELS, group="Initialization"),
    Setting("sigma", "σ of normal and uniform", "log", 0.3, low=0.001, high=10,
            group="Initialization", help="normal draws N(0, σ²); uniform draws U(−√3σ, √3σ), "
                                         "which has the same standard deviation σ. About "
                                         "1/√fan_in = 1/√16 = 0.25 keeps the spread from layer "
                                         "to layer."),
    Setting("lr", "learning rate η (SGD, momentum 0.9)", "log", 0.05, low=0.001, high=1,
            group="Training"),
    Setting("epochs", "epochs", "int", 60, low=5, high=200, group="Training"),
    seed(group="Training"),
]
PRESETS = {
    "Zero initialization": {
        "values": {"scheme": "zeros", "compare": ("zeros", "constant", "xavier_normal")},
        "question": "Every weight starts at exactly 0. After 60 epochs of training, how many "
                    "different hidden units does layer 1 have?"},
    "σ = 0.01, 8 layers": {
        "values": {"scheme": "normal", "sigma": 0.01, "depth": 8,
                   "compare": ("normal", "xavier_normal")},
        "question": "Weights drawn with σ = 0.01 in 8 tanh layers. How large are the activations "
                    "of the last layer, and the gradients of the first?"},
    "σ = 1": {
        "values": {"scheme": "normal", "sigma": 1.0, "compare": ("normal", "xavier_normal")},
        "question": "Weights drawn with σ = 1 in tanh layers of 16 units. Where do the "
                    "activations of the deep layers pile up?"},
    "He for ReLU": {"values": {"activation": "relu", "scheme": "he_normal", "depth": 10,
                               "compare": ("normal", "xavier_normal", "he_normal")}},
    "10 tanh layers: Xavier, He, LeCun": {
        "values": {"activation": "tanh", "scheme": "xavier_normal", "depth": 10,
                   "compare": ("normal", "xavier_normal", "he_normal", "lecun_normal")}},
}
histograms = cached(exp.histograms)
spread = cached(exp.spread)
train = cached(exp.train_schemes)


def page():
    lesson("Initialization",
           "Each heat map is the first hidden layer after training, one row per unit: identical "
           "rows are units that stayed copies of each other. Before training, every weight needs a "
           "first value. If they are all equal, every hidden "
           "unit of a layer computes the same thing and receives the same gradient, so they stay "
           "twins forever. If they are random but too small, the signal shrinks layer after layer "
           "(**vanishing**); too large, it blows up or saturates the activation. \"Small\" has a "
           "scale: about 1/√fan_in (1/√16 = 0.25 here) keeps the spread the same from layer to "
           "layer. Zero weights and biases are the extreme case: with tanh or ReLU every hidden "
           "activation is 0, so every weight's gradient is exactly 0 and only the output biases "
           "move; with sigmoid (σ(0) = ½) the gradients are not 0 but identical, so the network "
           "behaves like one with a single unit per layer. Look at how the spread of the "
           "activations and gradients changes from layer to layer.",
           formula=[r"\mathrm{Var}(z_l) \approx n_{\text{in}}\,\mathrm{Var}(W_l)\,\mathrm{Var}(a_{l-1})",
                    r"\text{Xavier: } \mathrm{Var}(W) = \frac{2}{n_{\text{in}} + n_{\text{out}}} \qquad "
                    r"\text{He: } \frac{2}{n_{\text{in}}} \qquad \text{LeCun: } \frac{1}{n_{\text{in}}}"],
           try_this=["Pick *Zero initialization* and count the different rows of its heat maps.",
                     "Slide σ from 0.001 to 10 with *normal*: below about 1/√16 the activations "
                     "shrink layer after layer (vanishing); well above it they pile up near ±1 "
                     "(saturation).",
                     "Switch the activation to relu: Xavier's lines now fall (to about a tenth by "
                     "layer 6), He's fall far less.",
                     "Add layers (depth 10): a bad scheme gets worse with every layer.",
                     "Change the seed: the random schemes change, the zeros stay stuck."])
    s = settings_panel(TABLE, PRESETS)
    net = {k: s[k] for k in ("sigma", "depth", "width", "activation", "seed")}
    shown = tuple(dict.fromkeys((*s["compare"], s["scheme"])))

    with friendly(), progress():
        runs = train(shown, **net, lr=s["lr"], epochs=s["epochs"])
        hist = histograms(s["scheme"], **net)
        stds = spread(shown, **net)

    show_figure(lambda: draw.symmetry(runs), "init-symmetry", settings=s,
                describe=exp.describe_symmetry(runs))
    st.header("Start equal, stay equal")
    st.markdown("Each heat map shows the first hidden layer after training: one row per unit, one "
                "column per training example. Identical rows mean the units are copies of each other.")
    for scheme, run in runs.items():
        if exp.identical(run) or scheme == s["scheme"]:
            st.markdown("- " + exp.symmetry_sentence(scheme, run, s["epochs"]))

    st.header("Signals at initialization, layer by layer")
    st.markdown(f"One forward and one backward pass over the {exp.N_POINTS} training points, before "
                "any training. If the curves narrow from layer to layer, the signal vanishes; if "
                "they pile up at ±1 (tanh) or spread ever wider, it saturates or explodes.")
    show_figure(lambda: draw.histograms(hist, s["scheme"]), "init-histograms", data=hist, settings=s,
                describe=exp.describe_histograms(hist, s["scheme"]))
    show_figure(lambda: draw.spread(stds), "init-spread", data=stds, settings=s, describe=exp.describe_spread(stds))

    st.header("Training")
    table = exp.curves(runs)
    show_figure(lambda: draw.training(table, {k: r["diverged_at"] for k, r in runs.items()}), "init-training",
                data=table, settings=s, describe=exp.describe_training(runs))
    st.markdown(exp.verdict(runs))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
