"""Playground: every knob in one place; the decision regions change while the network trains."""
import functools

import streamlit as st

from experiments import initialization, labels
from experiments import playground as exp
from experiments import schedules
from experiments import sources
from lab import first_request, upload
from lab.enlarge import enlarge_on_click
from lab.cache import cached
from lab.page import friendly, lesson, progress, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from nnlib import data, optim
from nnlib.activations import ACTIVATIONS
from nnlib.init import INITS
from viz import diagram
from viz import playground as draw

INIT_LABELS = initialization.LABELS | {"normal": "normal N(0, 0.05²)",
                                       "uniform": "uniform U(−0.05, 0.05)"}
MAIN = ("Data", "Network")   # beside the figure; the rest in the sidebar
DATA, NET = MAIN
TABLE = [
    Setting("dataset", "data set (classification)", "choice", "spirals",
            options=exp.CLASSIFICATION_SETS, labels=labels.DATASETS, group=DATA,
            help="Or upload your own CSV under *Bring your own data*."),
    Setting("features", "input features", "multi", ("x", "y"), options=tuple(data.FEATURES),
            labels=labels.FEATURES, group=DATA,
            help="The sine has one input, x: use x, x² or sin x."),
    Setting("layers", "hidden layers", "int", 2, low=0, high=6, group=NET,
            help="0 hidden layers is a linear model: one straight boundary."),
    Setting("width", "neurons per hidden layer", "int", 16, low=1, high=64, group=NET),
    Setting("activation", "activation", "choice", "relu", options=tuple(ACTIVATIONS),
            labels=labels.ACTIVATIONS, group=NET),
    Setting("lr", "learning rate η", "log", 0.003, low=1e-4, high=10, group=NET),
    Setting("problem", "problem type", "choice", "classification", options=sources.TASKS,
            group="More data", help="Regression predicts a number, from the data set (regression): "
                                    "a curve through noisy points of a sine, or a value over "
                                    "the plane."),
    Setting("regression_set", "data set (regression)", "choice", "sine",
            options=exp.REGRESSION_SETS, labels=labels.REGRESSION_SETS, group="More data",
            help="Used when the problem type is regression: the sine has one input, x; the "
                 "plane and the multi Gaussian have two, x and y, and the picture is a heat map "
                 "of the predicted value."),
    Setting("classes", "classes (spirals and blobs)", "int", 2, low=2, high=6, group="More data"),
    Setting("n", "number of points", "int", 300, low=20, high=1000, step=10, group="More data"),
    Setting("noise", "noise", "float", 0.05, low=0.0, high=0.5, step=0.01, group="More data"),
    Setting("val_fraction", "share kept for validation", "float", 0.25, low=0.1, high=0.5,
            step=0.05, group="More data", help="The network never trains on these points."),
    Setting("init", "initialization", "choice", "he_normal", options=tuple(INITS),
            labels=INIT_LABELS, group="More network"),
    Setting("dropout", "dropout p", "float", 0.0, low=0.0, high=0.9, step=0.05,
            group="More network"),
    Setting("l2", "L2 weight decay λ", "float", 0.0, low=0.0, high=0.05, step=0.001,
            group="More network", help="Adds λ/2 · ΣW² (weights, not biases) to the loss."),
    Setting("l1", "L1 regularization λ₁", "float", 0.0, low=0.0, high=0.05, step=0.001,
            group="More network", help="Adds λ₁ · Σ|W| (weights, not biases) to the loss: its "
                                       "pull towards 0 is λ₁ for every weight, large or small "
                                       "(L2's is λ·w)."),
    Setting("optimizer", "optimizer", "choice", "adam", options=tuple(optim.OPTIMIZERS),
            labels=labels.OPTIMIZERS, group="Training"),
    Setting("schedule", "learning-rate schedule", "choice", "constant",
            options=schedules.SCHEDULES, labels=schedules.LABELS, group="Training"),
    Setting("batch_size", "batch size", "int", 16, low=1, high=1000, group="Training",
            help="More than the training points means full batch."),
    Setting("epochs", "epochs", "int", 200, low=1, high=1000, group="Training"),
    Setting("then_epochs", "then go on for more epochs", "int", 0, low=0, high=300,
            group="Training", help="Change η without starting over, as TensorFlow Playground "
                                   "lets you: after the epochs above, training goes on from "
                                   "where it stopped for this many epochs with the η below "
                                   "(and no schedule). 0: no second stage."),
    Setting("then_lr", "… with learning rate η", "log", 0.0003, low=1e-4, high=10,
            group="Training"),
    seed(group="Training"),
    Setting("show_validation", "show validation points", "bool", True, group="Display",
            help="TensorFlow Playground's *Show test data*: the diamonds, points the network "
                 "never trains on."),
    Setting("discretize", "discretize output", "bool", False, group="Display",
            help="Classification: each region in its class's colour alone, without the shading "
                 "of how sure the network is."),
]
PRESETS = {
    "XOR, no hidden layer": {
        "values": {"dataset": "xor", "noise": 0.1, "layers": 0},
        "question": "With no hidden layer the network can only draw one straight boundary. "
                    "Can it separate XOR? (Then give it one hidden layer.)"},
    "Spirals: go deep": {
        "values": {"classes": 3, "layers": 4, "epochs": 300}},
    "Circles, features x² and y²": {
        "values": {"dataset": "circles", "features": ("x2", "y2"), "layers": 0},
        "question": "No hidden layer, but the inputs are x² and y² instead of x and y. "
                    "Can a linear model separate the two circles now?"},
    "Regression on a sine": {
        "values": {"problem": "regression", "noise": 0.1, "activation": "tanh",
                   "init": "xavier_uniform", "lr": 0.01}},
    "Multi Gaussian (regression)": {
        "values": {"problem": "regression", "regression_set": "gaussians"}},
    "Dropout 0.6": {
        "values": {"dropout": 0.6},
        "question": "Dropout switches off 60% of the hidden neurons at every step. "
                    "Will the network still learn the spirals?"},
    "SGD η = 0.5, then η = 0.05": {
        "values": {"optimizer": "sgd", "lr": 0.5, "epochs": 100, "then_epochs": 100,
                   "then_lr": 0.05}},
    "Sine, SGD η = 1": {
        "values": {"problem": "regression", "optimizer": "sgd", "lr": 1.0},
        "question": "Plain SGD with η = 1 on the sine. What happens in the first steps?"},
}
METRICS = {"classification": (("train_acc", "training accuracy", "{:.1%}"),
                              ("val_acc", "validation accuracy", "{:.1%}")),
           "regression": (("train_rmse", "training RMSE", "{:.3g}"),
                          ("val_rmse", "validation RMSE", "{:.3g}"),
                          ("val_r2", "validation R²", "{:.3f}"))}
cached_run = cached(exp.run)


def page():
    lesson("Playground",
           "Left the network, right what it predicts at every point of the plane. Each neuron is a "
           "small map of its output over the plane; on the right the colour is the class it would "
           "choose, deeper where it is surer (regression: the predicted value, red high, blue low). "
           "**▶ Play** or "
           "**Step** trains it; click a neuron to see its map large. "
           "Circles are training points, diamonds validation points. The main knobs are beside "
           "the figure (above it on a phone), all the others in the sidebar.",
           formula=r"\theta \leftarrow \theta - \eta\, \nabla_\theta \Big(\mathcal{L}(B) + "
                   r"\tfrac{\lambda}{2} \sum W^2 + \lambda_1 \sum |W|\Big)",
           try_this=["Press *XOR, no hidden layer*, then add one hidden layer.",
                     "Remove every hidden layer on the circles, then add the features x² and y².",
                     "Raise the noise to 0.3 and the width to 64: the validation accuracy usually "
                     "(9 of 10 seeds) falls more than 10 points behind (overfitting); dropout 0.3 "
                     "(9 of 10 seeds) or L2 0.005 (10 of 10) narrow the gap.",
                     "Set η to 1 with SGD: the steps are so big that training stalls, in 6 or 7 of 10 "
                     "seeds at chance (50%; which seeds depends on round-off), in the others "
                     "below 80%; it does not diverge here. "
                     "On the sine it does.",
                     "Set the problem type to regression and the data set to the plane, with no "
                     "hidden layer: a linear model fits it (validation R² above 0.99 in 10 of 10 "
                     "seeds). On the multi Gaussian it cannot (R² below 0.1, 10 of 10); the "
                     "default two hidden layers of 16 reach R² above 0.75 (10 of 10).",
                     "Download a template under *Bring your own data*, edit it, upload it."])
    with st.sidebar:
        box, file = upload.uploader(key="playground.csv")
    controls, picture = st.columns([1.25, 3.75], gap="medium")     # TensorFlow Playground's layout
    s = settings_panel(TABLE, PRESETS, places=dict.fromkeys(MAIN, controls))
    uploaded = upload.checked(file, s["problem"], box)

    with friendly(), progress():
        dataset = s["dataset"] if s["problem"] == "classification" else s["regression_set"]
        result = cached_run(problem=s["problem"], dataset=dataset, n=s["n"], noise=s["noise"],
                            classes=s["classes"], val_fraction=s["val_fraction"],
                            features=s["features"], hidden=(s["width"],) * s["layers"],
                            activation=s["activation"], init=s["init"], optimizer=s["optimizer"],
                            lr=s["lr"], schedule=s["schedule"], batch_size=s["batch_size"],
                            dropout=s["dropout"], l2=s["l2"], l1=s["l1"], epochs=s["epochs"],
                            seed=s["seed"], uploaded=uploaded,
                            then=((s["then_epochs"], s["then_lr"]),) if s["then_epochs"] else ())

    with picture:
        training = functools.partial(draw.training, result, validation=s["show_validation"],
                                     discretize=s["discretize"])
        show_figure(training() if uploaded else training,   # the upload is not in the settings: no cache
                    "playground-training", data=result["points"], settings=s,
                    describe=exp.describe(result))
        enlarge_on_click()
        st.caption(diagram.describe(result["diagram"], regression=s["problem"] == "regression"))
    words, side = st.columns([2, 3], gap="medium")
    with words:
        shown = METRICS[s["problem"]]
        for col, (name, label, form) in zip(st.columns(len(shown)), shown):
            col.metric(label, form.format(result["scores"][name]),
                       help=f"After epoch {result['last_epoch']}.")
        verdict = exp.verdict(result)
        (st.error if result["diverged_at"] is not None else st.markdown)(verdict)
        sizes = " → ".join(map(str, result["sizes"]))
        st.caption(f"Network {sizes}; batch size {result['batch_size']}; "
                   + ("your CSV, standardized for training (losses in standardized units)."
                      if uploaded else "built-in data."))
        if result["confusion"] is not None:
            with st.expander("Confusion matrix: which classes it mixes up"):
                st.caption(f"The {int(result['confusion'].sum())} validation points after epoch "
                           f"{result['last_epoch']}: each row counts the points of one class by "
                           "the class the network calls them; the diagonal is what it gets right.")
                st.table(exp.confusion_frame(result))
    with side:
        losses = functools.partial(draw.losses, result)
        show_figure(losses() if uploaded else losses, "playground-loss", data=result["curves"],
                    settings=s, describe=exp.describe_losses(result))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
