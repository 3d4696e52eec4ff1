"""Local-minimum traps: the full-batch ball gets stuck, noisy mini-batch balls escape."""
import streamlit as st

from experiments import traps as exp
from lab import first_request
from lab.cache import cached
from lab.page import friendly, lesson, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed
from viz import traps as draw

TABLE = [
    Setting("start", "start θ₀", "float", exp.START, low=-2.5, high=2.5, step=0.1, group="Descent",
            help="Where every run starts; left of 0 (the top of the hump) is the local minimum's basin."),
    Setting("batch_size", "batch size", "int", 4, low=1, high=exp.FULL, group="Descent",
            help=f"Examples per step, out of {exp.FULL}; {exp.FULL} is full-batch gradient descent."),
    Setting("lr", "learning rate η", "float", 0.17, low=0.01, high=1.0, step=0.01, group="Descent"),
    Setting("momentum", "momentum μ", "float", 0.0, low=0.0, high=0.95, step=0.05, group="Descent"),
    Setting("steps", "steps", "int", 200, low=10, high=500, group="Descent"),
    Setting("n_runs", "number of seeded runs", "int", 200, low=10, high=500, step=10, group="Runs",
            help="How many runs with different batches the histogram and escape rates count."),
    seed(group="Runs"),
]
PRESETS = {
    "Full batch gets stuck": {"values": {"batch_size": exp.FULL},
                              "question": "Every step uses all 64 examples, so there is no noise. "
                                          "Where does the ball end up?"},
    "Batch size 1 escapes": {"values": {"batch_size": 1},
                             "question": "Each step sees a single example. What fraction of the "
                                         "runs reaches the global minimum?"},
    "Bigger learning rate": {"values": {"lr": 0.25},
                             "question": "Same batch of 4, learning rate 0.25 instead of 0.17. "
                                         "More or fewer escapes? And the full-batch ball?"},
    "Momentum helps": {"values": {"momentum": 0.5},
                       "question": "Momentum 0.5 keeps half of the last step's velocity. Can even "
                                   "the full-batch ball roll over the barrier now?"},
}
animation = cached(exp.animation)
endings = cached(exp.endings)
escape_rates = cached(exp.escape_rates)


def page():
    lesson("Local-minimum traps",
           "The thick black curve is the full loss L(θ): a dip on the left (a **local minimum**) "
           "and a deeper one on the right. Full-batch gradient descent (blue ball) rolls into the "
           "first dip and stays there. A mini-batch step follows the loss of its own batch, the "
           "dashed curve L(B), which is tilted differently every step: sometimes the dip vanishes "
           "and the red balls roll out. Press ▶ Play.",
           formula=[r"\mathcal{L}(\theta) = \frac{1}{N}\sum_{a=1}^{N} \ell_a(\theta) \qquad "
                    r"\mathcal{L}(B)(\theta) = \frac{1}{N_B}\sum_{a \in B} \ell_a(\theta)",
                    exp.FORMULA + r" \qquad \sum_a c_a = 0",
                    r"\theta \leftarrow \theta - \eta\, \frac{d\mathcal{L}(B)}{d\theta}"],
           try_this=["Drag the batch size from 1 to 64 and watch the escape rate fall.",
                     "Keep batch 64 and raise the learning rate: big steps can jump the barrier too.",
                     "Add momentum: the ball keeps some speed and rolls over the hump.",
                     "Start at θ₀ = 1: already in the good basin, everyone wins.",
                     "Change the seed: the red balls take other paths, the rates barely move."])
    s = settings_panel(TABLE, PRESETS)
    run = dict(start=s["start"], batch_size=s["batch_size"], lr=s["lr"], momentum=s["momentum"],
               steps=s["steps"], seed=s["seed"])

    with friendly():
        runs, batch_curves = animation(**run)
        ends = endings(**run, n_runs=s["n_runs"])
        rates = escape_rates(**run, n_runs=s["n_runs"])
        full_batch = endings(**run | {"batch_size": exp.FULL}, n_runs=1)

    st.subheader(exp.verdict((full_batch, ends), batch_size=s["batch_size"]))
    diverged = int((ends["basin"] == "diverged").sum())
    if diverged:
        st.warning(f"{diverged} of {s['n_runs']} runs diverged: the learning rate is too big for the "
                   "steep walls, and the ball flew off to infinity. Lower η.", icon=":material/warning:")
    show_figure(draw.race(exp.curve(), runs, batch_curves), "traps-race", data=runs, settings=s)

    left, right = st.columns(2, gap="medium")
    with left:
        show_figure(draw.endings(ends), "traps-endings", data=ends, settings=s)
    with right:
        show_figure(draw.escape_rates(rates), "traps-escape-rates", data=rates, settings=s)
    st.caption("Each point of the right-hand chart is a fresh set of seeded runs with the other "
               "settings unchanged; the star is your choice and matches the histogram.")


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
