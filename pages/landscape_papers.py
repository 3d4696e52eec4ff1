"""Loss landscapes in the papers: depth, skips and width (Li et al. 2018), sharp vs flat minima
(Keskar et al. 2017), the convexity map, reproduced at small scale."""
import streamlit as st

from experiments import labels, landscape_papers as exp
from lab import first_request
from lab.cache import cached
from lab.page import friendly, lesson, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from viz import landscape_papers as draw

PAIRS = {"deep vs deep + skips": ("deep", "deep + skips"), "shallow vs deep": ("shallow", "deep"),
         "deep vs deep wide": ("deep", "deep wide")}
MAPS = {"shallow and deep": ("shallow", "deep"), "deep and deep + skips": ("deep", "deep + skips")}

TABLE = [
    Setting("dataset", "data set", "choice", "moons", options=exp.DATASETS, labels=labels.DATASETS,
            group="Networks"),
    Setting("noise", "noise", "float", 0.2, low=0.0, high=0.5, step=0.05, group="Networks"),
    Setting("depth", "hidden layers of the deep networks", "int", 10, low=6, high=12,
            group="Networks", help=f"The shallow network has {exp.SHALLOW_DEPTH}."),
    Setting("epochs", "epochs", "int", 50, low=20, high=100, step=10, group="Networks",
            help=f"Adam, η = {exp.LR}, batches of {exp.BATCH}, for every network."),
    seed(group="Networks"),
    Setting("directions", "directions of the slice", "choice", "random", options=exp.DIRECTIONS,
            group="Slice", help="random: two filter-normalized random directions (Li et al.). "
            "PCA: the two directions each training path moved along most."),
    Setting("resolution", "grid points per side", "int", 25, low=15, high=41, step=2, group="Slice"),
    Setting("span", "range", "float", 1.0, low=0.25, high=2.0, step=0.25, group="Slice",
            help="random: ± this many units; PCA: this many times the path's extent."),
    Setting("pair", "3-D view", "choice", "deep vs deep + skips", options=tuple(PAIRS),
            group="Slice"),
    Setting("maps", "convexity map of", "choice", "shallow and deep", options=tuple(MAPS),
            group="Convexity map"),
    Setting("map_points", "map points per side", "int", 5, low=3, high=9, step=2,
            group="Convexity map", help="Each point needs its own Hessian eigenvalues."),
    Setting("small", "small batch", "int", 10, low=1, high=50, group="Sharp vs flat"),
    Setting("large", "large batch", "int", 200, low=50, high=exp.SHARP_POINTS, step=10,
            group="Sharp vs flat", help=f"{exp.SHARP_POINTS} is full batch."),
    Setting("sharp_epochs", "epochs (both runs)", "int", 60, low=20, high=100, step=10,
            group="Sharp vs flat"),
    Setting("seeds", "seeds", "int", 5, low=2, high=exp.MAX_SEEDS, group="Sharp vs flat",
            help="Runs from this page's seed on: the spread shows how much a single run says."),
]
PRESETS = {
    "Twelve layers, no skips": {
        "values": {"depth": 12, "pair": "shallow vs deep"},
        "question": "The deep network gets 12 hidden layers. Will its slice look like the "
                    "shallow network's bowl?"},
    "Skips or no skips": {
        "values": {"pair": "deep vs deep + skips", "maps": "deep and deep + skips"},
        "question": "Same depth, same width, same training; one network adds its input back "
                    "at every layer. Which of the two slices is calmer?"},
    "Width": {
        "values": {"pair": "deep vs deep wide"},
        "question": "Twice as many units in every layer: does the deep network's slice get "
                    "smoother?"},
    "Small or large batches": {
        "values": {"seeds": 8},
        "question": "Batches of 10 or all 200 points, the same epochs: which minimum is sharper, "
                    "and which has the lower validation loss?"},
    "Paths on PCA planes": {"values": {"directions": "PCA"}},
}

panel = cached(exp.panel)
convexity_map = cached(exp.convexity_map)
sharp_flat = cached(exp.sharp_flat)


def page():
    lesson("Loss landscapes in the papers",
           "Compare the dark blue valley around the black star θ* in the four slices: one wide, "
           "smooth valley is a calm landscape, many small dips and steep yellow walls a chaotic one. "
           "Four networks learn the same points the same way; only their shape differs. Each "
           "picture is the loss on a plane through the trained weights θ* (black star) along two "
           "random directions scaled to the network's own weights (or, if you choose, the training "
           "path's two PCA directions), on **one colour scale** (dark blue low, yellow high). Li et al. (2018) found depth without skips makes it chaotic, "
           "Keskar et al. (2017) that large batches end in sharp minima. At small scale:",
           formula=r"Z(\alpha, \beta) = \mathcal{L}(\theta^* + \alpha\, d_1 + \beta\, d_2), \quad "
                   r"d_{l,j} \leftarrow \frac{d_{l,j}}{\lVert d_{l,j}\rVert}\,\lVert \theta_{l,j}\rVert",
           try_this=["Depth 12: count the dips of the deep slice.",
                     "Rotate the 3-D view: which surface is a bowl?",
                     "Directions PCA: the orange-red training path shows.",
                     "Small batch 1, large batch 100: the same verdict?"])
    s = settings_panel(TABLE, PRESETS)
    comparison(s)
    convexity(s)
    sharpness(s)


def comparison(s):
    """The four slices side by side (2-D, one colour scale), then a pair of them in 3-D."""
    keys = ("dataset", "noise", "depth", "epochs", "resolution", "span", "seed", "directions")
    progress = st.progress(0.0, text="Training and slicing the networks…")
    with friendly():
        panels = {}
        for i, net in enumerate(exp.NETS):
            progress.progress(i / len(exp.NETS), text=f"Training and slicing: {net}…")
            panels[net] = panel(net, **{k: s[k] for k in keys})
    progress.empty()
    show_figure(lambda: draw.contours(list(panels.values()), exp.CAP), "papers-slices",
                data=_minima_table(panels), settings=s,
                describe=exp.describe_slices(list(panels.values()), exp.CAP))
    st.subheader("Depth, skips and width (Li et al. 2018)")
    st.latex(r"\text{skip: } a_l = a_{l-1} + f(a_{l-1} W_l + b_l) \qquad "
             r"\text{no skip: } a_l = f(a_{l-1} W_l + b_l)")
    st.markdown("**On this run**, dips in each slice (grid points lower than all 8 neighbours): "
                + ", ".join(f"{net} {p['minima']}" for net, p in panels.items())
                + "; median loss on the slice: "
                + ", ".join(f"{net} {p['median']:.3g}" for net, p in panels.items()) + ".")
    st.markdown("**Over 10 seeds** (default settings): "
                + " ".join(exp.sentence(c) for c in ("deep_more_dips", "skips_fewer_dips",
                                                      "skips_lower_walls", "wide_fewer_dips")))
    st.caption(f"The skip network's blocks start with their weights scaled by 1/√{s['depth'] - 1}"
               " (as Fixup does for residual networks without normalization); otherwise the "
               "signal would roughly double at every block. The orange-red line is the training path "
               "projected on the plane (it ends at θ*, the black star); its hover shows the "
               "true loss L(θ_t), measured in all dimensions. On random directions it barely moves: the path is almost "
               "perpendicular to a random plane. Losses above "
               f"{exp.CAP:g} share the top colour.")
    pair = [panels[net] for net in PAIRS[s["pair"]]]
    show_figure(lambda: draw.surfaces(pair, exp.CAP), "papers-surfaces", settings=s,
                describe=exp.describe_surfaces(pair, exp.CAP))


def _minima_table(panels):
    import pandas as pd
    return pd.DataFrame([{"network": net, "layers": p["label"], "parameters": p["n_params"],
                          "dips": p["minima"], "median loss": p["median"],
                          "final loss": p["final_loss"]} for net, p in panels.items()])


def convexity(s):
    """Li et al.'s convexity map beside each slice."""
    st.header("Where is the landscape convex?")
    st.markdown("At a minimum of a smooth function every direction curves up: all eigenvalues "
                "of the Hessian H = ∇²L are positive. A negative one means a direction that "
                "curves down, a non-convex place. The map shows the ratio of the most negative "
                "to the most positive eigenvalue at each point of a coarse grid on the same "
                "slice: **dark blue** (near 0) is convex, **yellow** (1 or more) strongly "
                "non-convex. The eigenvalues come from the Lanczos method on Hessian-vector "
                "products, each one two gradients:")
    st.latex(r"H v \approx \frac{\nabla\mathcal{L}(\theta + h v) - \nabla\mathcal{L}(\theta - h v)}{2h}"
             r"\qquad \text{ratio} = \left|\frac{\lambda_{\min}}{\lambda_{\max}}\right|")
    keys = ("dataset", "noise", "depth", "epochs", "span", "seed")
    progress = st.progress(0.0, text="Hessian eigenvalues on the grid…")
    with friendly():
        pairs = []
        for i, net in enumerate(MAPS[s["maps"]]):
            progress.progress(i / 2, text=f"Hessian eigenvalues on the grid: {net}…")
            args = {k: s[k] for k in keys}
            pairs.append((panel(net, **args, resolution=s["resolution"]),
                          convexity_map(net, **args, resolution=s["map_points"])))
    progress.empty()
    show_figure(lambda: draw.convexity(pairs, exp.CAP), "papers-convexity", settings=s,
                describe=exp.describe_convexity(pairs))
    st.markdown("**On this run**, mean ratio: " + ", ".join(
        f"{m['net']} {m['mean_ratio']:.2f}" for _, m in pairs) + ". **Over 10 seeds**: "
        + exp.sentence("deep_less_convex") + " " + exp.sentence("skips_more_convex"))


def sharpness(s):
    """Small-batch vs large-batch minima: the 1-D line, λ_max and validation loss over seeds."""
    st.header("Sharp or flat minimum? (Keskar et al. 2017)")
    st.markdown(f"The same network ({'-'.join(map(str, exp.SHARP_SIZES))}) trained for the same "
                f"number of epochs with **small batches (blue)** and **large batches (orange)**. "
                "A sharp minimum rises fast when the weights move; the line below cuts each "
                "minimum along one filter-normalized direction. λ_max, the largest Hessian "
                "eigenvalue, is the steepest curvature in any direction.")
    st.latex(r"\mathcal{L}(\theta^* + t\, d), \qquad \lambda_{\max} = \max_{\lVert v\rVert = 1} v^\top H v")
    with friendly(), st.spinner("Training both runs on every seed…"):
        result = sharp_flat(small=s["small"], large=s["large"], epochs=s["sharp_epochs"],
                            seeds=s["seeds"], seed=s["seed"], dataset=s["dataset"])
    show_figure(lambda: draw.sharp_flat_lines(result["lines"]), "papers-sharp-flat",
                data=result["lines"], settings=s, describe=exp.describe_sharp_flat_lines(result["lines"]))
    show_figure(lambda: draw.sharp_flat_spread(result["runs"]), "papers-sharp-flat-seeds",
                data=result["runs"], settings=s, describe=exp.describe_sharp_flat_spread(result["runs"]))
    spread = {c: exp.spread(result["runs"], c) for c in ("lambda_max", "val_loss")}
    st.markdown(f"**On these {s['seeds']} seeds** (median, lowest to highest): " + "; ".join(
        f"{run}: λ_max {spread['lambda_max'][run][0]:.3g} ({spread['lambda_max'][run][1]:.3g}–"
        f"{spread['lambda_max'][run][2]:.3g}), validation loss {spread['val_loss'][run][0]:.3f} "
        f"({spread['val_loss'][run][1]:.3f}–{spread['val_loss'][run][2]:.3f})"
        for run in spread["lambda_max"]) + ".")
    st.markdown("**Over 10 seeds** (batches of 10 and 200, 60 epochs): " + " ".join(
        exp.sentence(c) for c in ("large_batch_higher_curvature", "large_batch_steeper_line",
                                  "large_batch_worse_validation")) + " " + exp.sharp_flat_verdict())
    st.caption("Why can the two disagree? λ_max changes when the weights are rescaled even where "
               "the network computes the same function (Dinh et al. 2017); the filter-normalized "
               "line measures distance relative to the weights' own size, which is why Li et al. "
               "use it. With the same epochs the large-batch run also takes far fewer steps.")


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
