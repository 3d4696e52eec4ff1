"""Full batch vs mini-batch: the same network, data and start, trained with several batch sizes."""
import functools

import pandas as pd
import streamlit as st

from experiments import batches as exp
from lab import first_request, upload
from lab.cache import cached
from lab.page import friendly, lesson, progress, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from viz import batches as draw

CLASSIFICATION = ("classification",)   # the only task this lesson takes
TABLE = [
    Setting("sizes", "batch sizes", "multi", ("full", "64", "8", "1"), options=exp.SIZES,
            group="Training", help="Every run starts from the same weights on the same data."),
    Setting("lr", "learning rate η", "log", 0.1, low=0.001, high=10, group="Training"),
    Setting("epochs", "epochs (passes over the data)", "int", 20, low=1, high=60, group="Training"),
    Setting("n", "training examples N", "int", 200, low=100, high=1000, step=50, group="Training",
            help="Of the two moons; an uploaded CSV brings its own rows."),
    Setting("reshuffle", "reshuffle every epoch", "bool", True, group="Training",
            help="Off: the examples are shuffled once and every epoch goes through them in "
                 "that same order."),
    seed(group="Training"),
    Setting("axis", "x-axis: cost measured in", "choice", "steps",
            options=("steps", "examples", "seconds"), group="Loss curves",
            help="steps = updates of the weights; examples = examples looked at; "
                 "seconds = training time on this server."),
    Setting("band", f"spread over {exp.BAND_SEEDS} shuffle orders", "bool", False,
            group="Loss curves", help="Min to max of the full loss over runs that differ only "
                                      "in the order of the batches (slower)."),
    Setting("slice_batch", "batch size of the L(B) curves", "choice", "8", options=exp.SIZES,
            group="Slice through the loss"),
    Setting("slice_at", "slice through the network", "choice", "trained",
            options=("start", "trained"), group="Slice through the loss",
            help="Where the slice opens: start = the initial weights; trained = after training "
                 "with that batch size. ▶ Play moves from one to the other."),
]
PRESETS = {
    "Batch 1 against full batch": {
        "values": {"sizes": ("full", "1"), "band": True, "axis": "examples", "slice_batch": "1"},
        "question": "Batch 1 and full batch both see every example once per epoch. Which curve "
                    "will be smoother, and which will be lower after 20 epochs?"},
    "The same 1000 examples": {
        "values": {"axis": "examples"},
        "question": "After every run has seen the same 1000 examples, which batch size is ahead?"},
    "Full batch is smooth but slow": {
        "values": {"sizes": ("full", "8"), "axis": "steps", "epochs": 40, "slice_batch": "full"}},
}
HONEST_GENERALIZATION = (   # measured in tests/test_claims_batches.py over seeds 0..9
    f"The dashed curves are the loss on {exp.N_VAL} fresh moons the network never trains on. On "
    "the defaults (20 epochs) the small batches end lower there too, but because they have "
    "trained further, not because their noise generalizes better: trained down to the same "
    "training loss (full batch for 30 times as many epochs), batches 64 and 8 reach a validation "
    "loss within 0.05 of full batch's in 10 of 10 seeds; batch 1 lands further off (up to 0.16). "
    "On this network, batch noise does not buy better generalization.")
FIXED_ORDER = (   # measured in tests/test_claims_batches.py over seeds 0..9
    "One fixed order: every epoch goes through the examples in the first epoch's order. On this "
    "network that changes nothing systematic: on the defaults, batches 64 and 8 end within 0.025 "
    "of the reshuffled runs' training and validation loss in 10 of 10 seeds, sometimes above and "
    "sometimes below; batch 1 lands up to 0.14 away, in either direction.")
cached_runs = cached(exp.runs)
cached_slice = cached(exp.slice_over_training)


def page():
    lesson("Full batch vs mini-batch",
           "Every run starts from the **same weights** on the **same points** with the same learning "
           "rate; only the batch size changes. One epoch shows the network every example once: full "
           "batch turns it into one exact step, batch 1 into N small noisy ones. The top panel shows "
           "the loss of each mini-batch, the bottom one the full loss after each epoch, on the training "
           "points (solid) and on fresh validation points (dashed). Press ▶ Play under the curves "
           "to watch them draw themselves, every run in step by the examples it has seen.",
           formula=[r"\mathcal{L} = \frac{1}{N}\sum_{a=1}^{N} \ell^a \qquad "
                    r"\mathcal{L}(B) = \frac{1}{|B|}\sum_{a \in B} \ell^a \qquad "
                    r"\theta \leftarrow \theta - \eta\, \nabla_\theta \mathcal{L}(B)"],
           try_this=["Switch the x-axis to *examples*: per example seen, small batches are far "
                     "ahead (from epoch 5 on, batch 8's loss is 1.5 to 8 times lower than full "
                     "batch's).",
                     "Switch to *steps*: per update, full batch keeps up with batches 64 and 8 "
                     "(after 20 updates their losses are within 0.03 of each other), as each of its "
                     "steps is exact; it just takes far fewer of them.",
                     "Switch to *seconds*: batch 1 pays for its many updates in time.",
                     "Tick the spread band: full batch gives the same run for every shuffle, "
                     "batch 1 a different run each time.",
                     "Raise the learning rate to 1: which batch size misbehaves first?",
                     "Untick *reshuffle every epoch*: does one fixed order of the examples change "
                     "the curves?",
                     "In the slice, pick batch 1, then full: the orange-red curves close in on the blue one.",
                     "Upload your own points under *Bring your own data*."])
    with st.sidebar:   # as on the playground: the main figure right under the lesson's first line
        box, file = upload.uploader(key="batches.csv", tasks=CLASSIFICATION)
    s = settings_panel(TABLE, PRESETS)
    uploaded = upload.checked(file, "classification", box, tasks=CLASSIFICATION)
    sizes = tuple(size for size in exp.SIZES if size in s["sizes"])

    with friendly(), progress():
        steps, epochs, summary = cached_runs(sizes, s["lr"], s["epochs"], s["n"], s["seed"], s["band"],
                                             uploaded, s["reshuffle"])
    if uploaded:
        st.caption(f"Your CSV: N = {summary['n'].iloc[0]} examples, features standardized; "
                   "the setting *training examples N* is not used.")
    numbers = pd.concat([steps.assign(curve="L(B) per update"), epochs.assign(curve="L per epoch")])
    curves = functools.partial(draw.curves, steps, epochs, summary, s["axis"])
    show_figure(curves() if uploaded else curves,   # an upload is not in the settings: no cache
                "batches-curves", data=numbers, settings=s, describe=exp.describe_curves((steps, epochs, summary)))
    st.markdown(f"**{exp.verdict((steps, epochs, summary))}**")
    if not s["reshuffle"]:
        st.caption(FIXED_ORDER)

    st.header("Does the noise change what the network learns?")
    said = exp.generalization((steps, epochs, summary))
    if said:
        st.markdown(said + " " + HONEST_GENERALIZATION)
    else:
        st.caption("Your CSV brings no validation points, so there are no dashed curves.")

    st.header("Why the small batches are noisy: L(B) scatters around L")
    layers = (2, *exp.HIDDEN, int(exp.examples(s["n"], s["seed"], uploaded)[1].max()) + 1)
    weights = sum(n_in * n_out + n_out for n_in, n_out in zip(layers, layers[1:]))
    st.markdown(f"The network has {weights} weights and biases ({'-'.join(map(str, layers))}), so "
                "we walk along one random direction d through them. The thick blue curve is the full loss L; each thin orange-red curve is the "
                "loss L(B) of one mini-batch. A step follows an orange-red curve, not the blue one: its "
                "slope and its lowest point (diamond) move from batch to batch, and they move more "
                "the smaller the batch. Press ▶ Play to move θ along the training with that batch "
                "size, epoch by epoch: the same batches, sliced through the network as it learns.")
    with friendly(), progress():
        cut = cached_slice(s["slice_batch"], s["lr"], s["epochs"], s["n"], s["seed"], uploaded=uploaded)
    last = int(cut["epoch"].max())
    shown = 0 if s["slice_at"] == "start" else last
    if last < s["epochs"]:
        st.caption(f"Training with {exp.size_name(s['slice_batch'])} diverged after epoch {last}: "
                   "the slider stops there.")
    loss_slice = functools.partial(draw.loss_slice, cut, s["slice_batch"], shown)
    show_figure(loss_slice() if uploaded else loss_slice, "batches-slice", data=cut, settings=s,
                describe=f"At epoch {shown}: " + exp.describe_slice(cut[cut["epoch"] == shown],
                                                                    s["slice_batch"]))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
