"""Real images: a network learns the 8×8 handwritten digits; its first-layer weights as images."""
import pandas as pd
import streamlit as st

from experiments import digits as exp, labels
from lab import first_request
from lab.cache import cached
from lab.page import friendly, lesson, progress, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from nnlib import optim
from nnlib.activations import ACTIVATIONS
from viz import digits as draw

INITS = ("he_normal", "xavier_uniform", "normal")
INIT_LABELS = {"he_normal": "He normal", "xavier_uniform": "Xavier uniform",
               "normal": "small normal N(0, 0.05²)"}
TABLE = [
    Setting("layers", "hidden layers", "int", 1, low=1, high=3, group="Network"),
    Setting("width", "neurons per hidden layer", "int", 32, low=2, high=64, group="Network",
            help="Each neuron of the first hidden layer is drawn as one 8×8 image."),
    Setting("activation", "activation", "choice", "relu", options=tuple(ACTIVATIONS),
            labels=labels.ACTIVATIONS, group="Network"),
    Setting("init", "initial weights", "choice", "he_normal", options=INITS,
            labels=INIT_LABELS, group="Network"),
    Setting("optimizer", "optimizer", "choice", "adam", options=tuple(optim.OPTIMIZERS),
            labels=labels.OPTIMIZERS, group="Training"),
    Setting("lr", "learning rate η", "log", 0.01, low=1e-4, high=10, group="Training"),
    Setting("batch_size", "batch size", "int", 32, low=1, high=1797, group="Training",
            help="As many as the training digits (or more) means full batch: one step per epoch."),
    Setting("epochs", "epochs (passes over the training digits)", "int", 20, low=1, high=100,
            group="Training"),
    Setting("test_share", "share of digits kept for testing", "float", 0.25, low=0.1, high=0.5,
            step=0.05, group="Training", help="The network never trains on these digits."),
    seed(group="Training"),
]
PRESETS = {
    "Two hidden neurons": {
        "values": {"width": 2},
        "question": "Every image must pass through just two numbers on its way to the answer. "
                    "How many of the test digits will the network still read right?"},
    "One exact step per epoch": {
        "values": {"batch_size": 1797},
        "question": "Full batch: every step uses the exact gradient over all the training "
                    "digits, so there is one step per epoch. After 20 epochs, will it read the "
                    "test digits as well as batch 32 does?"},
    "Which digits get mixed up?": {
        "values": {"seed": 1},
        "question": "Before you look: which two digits do you expect the network to confuse "
                    "most often?"},
    "Start from small weights": {"values": {"init": "normal"}},
    "Plain SGD": {"values": {"optimizer": "sgd", "lr": 0.1, "epochs": 30}},
}
cached_run = cached(exp.run)
cached_full = cached(exp.full_batch)


def page():
    lesson("Real images: handwritten digits",
           "Each small picture is one first-layer neuron's 64 weights, laid out like the 8×8 digits "
           "it reads: **red** pixels raise its output where there is ink, **blue** ones lower it, "
           "white ones do not count. Each digit is an 8×8 picture: 64 pixels from 0 (blank) to 1 "
           "(full ink), one input each, and the neuron adds up the pixels times its weights. "
           "Press **▶ Play** to watch them change from their "
           "random start. Softmax turns the ten outputs into probabilities p₀ … p₉.",
           formula=r"z_j = \sum_{i=1}^{64} x_i W_{ij} + b_j \qquad "
                   r"p_k = \frac{e^{y_k}}{\sum_{l=0}^{9} e^{y_l}} \qquad "
                   r"\theta \leftarrow \theta - \eta\, \nabla_\theta \mathcal{L}(B)",
           try_this=["Press ▶ Play under the weights.",
                     "Set *neurons per hidden layer* to 2.",
                     "Pick *small normal* initial weights, then ▶ Play: the pictures start "
                     "almost blank.",
                     "Batch size 1797 (full batch): compare the accuracy.",
                     "η = 1 with Adam, then with SGD."])
    s = settings_panel(TABLE, PRESETS)
    settings = dict(hidden=(s["width"],) * s["layers"], activation=s["activation"],
                    init=s["init"], optimizer=s["optimizer"], lr=s["lr"], epochs=s["epochs"],
                    test_share=s["test_share"], seed=s["seed"])
    with friendly(), progress():
        result = cached_run(batch_size=s["batch_size"], **settings)
    weights, matrix = st.columns([3, 2], gap="medium")
    with weights:
        show_figure(lambda: draw.weights(result), "digits-weights", data=exp.weight_frame(result),
                    settings=s, describe=exp.describe_weights(result))
    with matrix:
        show_figure(lambda: draw.confusion(result), "digits-confusion", data=exp.confusion_frame(result),
                    settings=s, describe=exp.describe_confusion(result))
    (st.error if result["diverged_at"] is not None else st.markdown)(exp.verdict(result))
    sizes = " → ".join(map(str, result["sizes"]))
    st.caption(f"Network {sizes}; {result['n_train']:,} training digits, {result['n_test']} test "
               f"digits; batch size {result['batch_size']}"
               + (" (full batch)." if result["batch_size"] == result["n_train"] else ". ")
               + "Weights: one colour scale for every epoch, white = 0. Confusion matrix: row k "
               "counts the test images of digit k, column j the ones read as j, so the diagonal holds the right answers and every other number is a "
               "mistake (empty cells: none). A digit's accuracy is C[k, k] / Σⱼ C[k, j], the "
               "share of its test images read right.")

    st.header("The mistakes")
    st.markdown("Every misclassified test digit (at most "
                f"{exp.MAX_GALLERY}), the surest mistakes first: the true digit → the network's "
                "answer, and the probability it gave that answer. Hover one for p of the true "
                "digit too.")
    show_figure(lambda: draw.gallery(result), "digits-mistakes", data=result["gallery"], settings=s,
                describe=exp.describe_gallery(result))

    st.header("Full batch vs mini-batch on real data")
    st.markdown("Networks learn from a lot of data, and then one exact step, the gradient of L "
                "over every training digit, costs a whole pass over the data. "
                f"A mini-batch of {result['batch_size']} gives a rough but cheap direction, so "
                "one pass makes many steps. Both runs start from the same weights with the "
                f"same optimizer and η; full batch trains {exp.FULL_FACTOR}× the epochs (at "
                f"most {exp.MAX_FULL_EPOCHS}). **Blue**: batch {result['batch_size']}; "
                "**dashed vermillion**: full batch.")
    st.latex(r"\mathcal{L}(B) = -\frac{1}{|B|}\sum_{a \in B} \log p^a_{k_a}, \qquad "
             r"|B| = %d \text{ or all } %d" % (result["batch_size"], result["n_train"]))
    with friendly(), progress():
        full, full_diverged = cached_full(**settings)
    st.markdown(exp.race_verdict(result["curves"], full, result["batch_size"], result["n_train"]))
    if full_diverged is not None:
        st.caption(f"Full batch diverged at step {full_diverged}: its curve stops there.")
    curves = pd.concat([result["curves"].assign(run=f"batch {result['batch_size']}"),
                        full.assign(run="full batch")], ignore_index=True)
    show_figure(lambda: draw.race(result["curves"], full, result["batch_size"]), "digits-race",
                data=curves, settings=s, describe=exp.describe_race(result["curves"], full, result["batch_size"],
                                           (result["diverged_at"], full_diverged)))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
