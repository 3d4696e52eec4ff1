"""Network loss landscape: a 2-D slice of a real network's loss with the training path on it."""
import functools

import streamlit as st

from experiments import labels
from experiments import landscape as exp
from lab import first_request, upload
from lab.cache import cached
from lab.page import friendly, lesson, progress, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from viz import landscape as draw

CLASSIFICATION = ("classification",)   # the only task this lesson takes
FIGURE_KEYS = ("landscape-surface", "landscape-compared")   # this run's slice, the compared run's
TABLE = [
    Setting("dataset", "data set", "choice", "moons", options=exp.DATASETS, labels=labels.DATASETS,
            group="Network", help="Or upload your own CSV under *Bring your own data*."),
    Setting("noise", "noise", "float", 0.2, low=0.0, high=0.5, step=0.05, group="Network"),
    Setting("hidden", "hidden layers", "choice", "16-16", options=exp.HIDDEN, group="Network",
            help="Units per hidden layer: 16-16 is two layers of 16."),
    Setting("optimizer", "optimizer", "choice", "adam", options=exp.OPTIMIZERS, labels=labels.OPTIMIZERS,
            group="Training"),
    Setting("lr", "learning rate η", "log", 0.01, low=1e-4, high=1.0, group="Training"),
    Setting("batch_size", "batch size", "int", 20, low=1, high=exp.N_POINTS, group="Training",
            help=f"{exp.N_POINTS} is full batch."),
    Setting("epochs", "epochs", "int", 100, low=5, high=300, step=5, group="Training"),
    seed(group="Training"),
    Setting("directions", "directions of the slice", "choice", "PCA", options=exp.DIRECTIONS,
            group="Landscape", help="PCA: the two directions the training path moved along most. "
            "random: two filter-normalized random directions (Li et al. 2018)."),
    Setting("resolution", "grid points per side", "int", 41, low=21, high=101, step=2, group="Landscape"),
    Setting("span", "range", "float", 1.25, low=0.25, high=3.0, step=0.25, group="Landscape",
            help="PCA: this many times the path's extent; random: ± this many units."),
    Setting("three_d", "3-D surface", "bool", False, group="Landscape"),
    Setting("extend", "extend the line to t ∈ [−0.5, 1.5]", "bool", False, group="Landscape"),
    Setting("compare", "compare with", "choice", "none", options=exp.COMPARISONS, group="Compare",
            help="Draw a second run beside this one, with one thing changed."),
]
PRESETS = {
    "Small batch vs full batch": {"values": {"batch_size": 8, "compare": "full batch"},
                                  "question": "Batches of 8 or all 200 points: which path is "
                                              "straighter, and which ends lower?"},
    "Adam vs SGD": {"values": {"lr": 0.05, "compare": "SGD vs Adam"},
                    "question": "Same learning rate 0.05: which optimizer travels further "
                                "across the landscape?"},
    "Random vs PCA directions": {"values": {"directions": "random", "compare": "other directions"},
                                 "question": "On a slice along two random directions, will you "
                                             "still see the path the training took?"},
}
explore = cached(exp.explore)


def summary(name, result):
    """One sentence from the numbers of a run."""
    text = (f"**{name}**: loss {result['init_loss']:.3f} → {result['final_loss']:.3f}, "
            f"training accuracy {result['final_acc']:.0%}")
    if result["diverged_at"] is not None:
        text += f"; **diverged at update {result['diverged_at']}** (the slice is at the last finite weights)"
    if result["explained"] is not None:
        text += f"; the two PCA directions hold {result['explained'].sum():.0%} of the path's movement"
    return text + "."


def page():
    lesson("Network loss landscape",
           "The colours are the network's loss on a plane through its trained weights θ* (dark is "
           "low), the orange-red line is the training path projected onto it. A network's loss "
           "depends on hundreds of weights at once, so we can only look at a slice like this one. "
           "Press ▶ Play to watch the path. "
           "Below, the loss on the straight line from the first weights to the last.",
           formula=[r"Z(\alpha, \beta) = \mathcal{L}(\theta^* + \alpha\, d_1 + \beta\, d_2)",
                    r"\mathcal{L}\big(\theta_0 + t\,(\theta^* - \theta_0)\big), \quad t \in [0, 1]"],
           try_this=["Switch the directions between PCA and random: where did the path go?",
                     "Try spirals with one hidden layer of 8: too small a network for them, it ends "
                     "between 55 % and 75 % training accuracy (10 of 10 seeds), its loss near 0.5 "
                     "to 0.65.",
                     "Batch size 1 against full batch: a wiggly path against a smooth one.",
                     "Tick *3-D surface* and drag to rotate.",
                     "Extend the line past t = 1: by t = 1.5 the loss has risen again, at least "
                     "twice its value at θ* (on every seed); just past t = 1 it may first dip a "
                     "little lower.",
                     "Upload your own points under *Bring your own data*."])
    box, file = upload.uploader(key="landscape.csv", tasks=CLASSIFICATION)
    s = settings_panel(TABLE, PRESETS)
    uploaded = upload.checked(file, "classification", box, tasks=CLASSIFICATION)
    run = {k: s[k] for k in ("dataset", "noise", "hidden", "optimizer", "lr", "batch_size", "epochs",
                             "seed", "directions", "resolution", "span", "extend")} | {"uploaded": uploaded}

    with friendly(), progress():
        main = explore(**run)
        pair = exp.rival(run, s["compare"], n=main["n"])
        runs = {labels.OPTIMIZERS[s["optimizer"]] if pair is None else pair[0]: main}
        if pair is not None:
            runs[pair[2]] = explore(**pair[1])

    if uploaded:
        st.caption(f"Your CSV: {main['n']} rows, features standardized; the settings *data set* "
                   "and *noise* are not used.")
    for column, key, (name, result) in zip(st.columns(len(runs), gap="medium"), FIGURE_KEYS,
                                           runs.items()):
        with column:
            surface = functools.partial(draw.surface, result, s["three_d"], title=name if len(runs) > 1 else "")
            show_figure(surface() if uploaded else surface,   # the upload is not in the settings: no cache
                        key, data=result["path"], settings=s,
                        describe=exp.describe_surface(result, s["three_d"]))
            st.markdown(summary(name, result))
            st.caption(exp.off_plane(result))
    st.caption("The path lives in all the network's dimensions; what you see is its shadow (projection) "
               "on the plane. Random directions through θ* usually miss most of it, while PCA "
               "directions are chosen to capture most of its movement. In 3-D the orange-red path is drawn "
               "at its true loss and the dark line is its shadow on the surface; the grey drop "
               "lines show the difference.")

    st.header("From the first weights to the last (Goodfellow et al. 2015)")
    same_training = s["compare"] == "other directions"     # one run, two slices: one line
    lines = {name: result["line"] for name, result in list(runs.items())[:1 if same_training else 2]}
    first = next(iter(runs.values()))
    interpolation = functools.partial(draw.interpolation, lines)
    show_figure(interpolation() if uploaded else interpolation, "landscape-interpolation", data=first["line"], settings=s,
                describe=exp.describe_interpolation(lines))
    st.markdown(f"Loss at the start (t = 0) {first['init_loss']:.3f}, at the trained weights (t = 1) "
                f"{first['final_loss']:.3f}. If the line falls without a bump, a straight path would "
                "have worked too: the hard part of training is finding the direction, not climbing "
                "over walls.")


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
