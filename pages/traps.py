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
    "Full batch (64 of 64)": {"values": {"batch_size": exp.FULL},
                              "question": "Every step uses all 64 examples, so there is no noise. "
                                          "Where does the ball end up?"},
    "Batch size 1": {"values": {"batch_size": 1},
                             "question": "Each step sees a single example. What fraction of the "
                                         "runs reaches the global minimum?"},
    "Learning rate 0.25": {"values": {"lr": 0.25},
                             "question": "Same batch of 4, learning rate 0.25 instead of 0.17. "
                                         "More or fewer escapes? And the full-batch ball?"},
    "Momentum 0.5": {"values": {"momentum": 0.5},
                       "question": "Momentum 0.5 keeps half of the last step's velocity. Can even "
                                   "the full-batch ball roll over the barrier now?"},
}
animation = cached(exp.animation)
endings = cached(exp.endings)
escape_rates = cached(exp.escape_rates)
by_momentum = cached(exp.escape_by_momentum)
within = cached(exp.escape_within)


def page():
    lesson("Local-minimum traps",
           "The thick black curve is the full loss L(θ): a dip on the left (a **local minimum**) "
           "and a deeper one on the right. Full-batch gradient descent (blue ball) rolls into the "
           "first dip and stays there. A mini-batch step follows the loss of its own batch, the "
           "dashed curve L(B), which is tilted differently every step: sometimes the dip vanishes "
           "and the orange-red balls roll out. Within 200 steps about 3 in 4 batch-4 runs escape; give "
           "them 500 and at least 9 in 10 do. Press ▶ Play.",
           formula=[r"\mathcal{L}(\theta) = \frac{1}{N}\sum_{a=1}^{N} \ell_a(\theta) \qquad "
                    r"\mathcal{L}(B)(\theta) = \frac{1}{N_B}\sum_{a \in B} \ell_a(\theta)",
                    exp.FORMULA + r" \qquad \sum_a c_a = 0",
                    r"\theta \leftarrow \theta - \eta\, \frac{d\mathcal{L}(B)}{d\theta}"],
           try_this=["Drag the batch size from 1 to 64: almost every run escapes at batch 1 or 2, "
                     "about 3 in 4 at batch 4, 1 in 8 at batch 8, at most 1 in 100 from 16 on.",
                     "Keep batch 64 and raise η: from 0.3 to 0.6 one big early step jumps the "
                     "barrier; at 0.25 the ball stays; from 0.8 on it flies off (diverges).",
                     "Add momentum: at batch 64, μ = 0.5 carries the ball over the hump from "
                     "θ₀ = −2.2 (μ = 0.25 does not). At batch 1, more momentum means fewer escapes "
                     "(μ = 0.9: under 1 in 2): momentum scales both the step and the batch noise by "
                     "about 1/(1 − μ).",
                     "Start at θ₀ = 1: already in the good basin; at least 95 in 100 runs stay "
                     "there at every batch size.",
                     "Change the seed: the orange-red balls take other paths, the rates barely move."])
    s = settings_panel(TABLE, PRESETS)
    run = dict(start=s["start"], batch_size=s["batch_size"], lr=s["lr"], momentum=s["momentum"],
               steps=s["steps"], seed=s["seed"])

    with friendly():
        runs, batch_curves = animation(**run)
        ends = endings(**run, n_runs=s["n_runs"])
        rates = escape_rates(**run, n_runs=s["n_runs"])
        full_batch = endings(**run | {"batch_size": exp.FULL}, n_runs=1)

    diverged = int((ends["basin"] == "diverged").sum())
    if diverged:
        st.warning(f"{diverged} of {s['n_runs']} runs diverged: the learning rate is too big for the "
                   "steep walls, and the ball flew off to infinity. Lower η.", icon=":material/warning:")
    show_figure(lambda: draw.race(exp.curve(), runs, batch_curves), "traps-race", data=runs, settings=s,
                describe=exp.describe_race(runs))
    st.subheader(exp.verdict((full_batch, ends), batch_size=s["batch_size"], steps=s["steps"]))

    left, right = st.columns(2, gap="medium")
    with left:
        show_figure(lambda: draw.endings(ends), "traps-endings", data=ends, settings=s,
                    describe=exp.describe_endings(ends))
    with right:
        show_figure(lambda: draw.escape_rates(rates), "traps-escape-rates", data=rates, settings=s,
                    describe=exp.describe_escape_rates(rates))
    st.caption("Each point of the right-hand chart is a fresh set of seeded runs with the other "
               f"settings unchanged (batch size {exp.FULL} is full batch); the star is your choice "
               "and matches the histogram.")

    st.subheader("Momentum, and how long we wait")
    st.markdown("Momentum v ← μ v + g, θ ← θ − η v adds up past gradients, so it makes both the "
                "steady step and the batch noise about 1/(1 − μ) times larger: it lets the "
                "full-batch ball roll over the hump, but shakes small batches so hard that they "
                "can be thrown back. The escape rate is counted after N steps; on the right, how it "
                "grows with N.")
    with friendly():
        momenta, waits = by_momentum(**run, n_runs=s["n_runs"]), within(**run, n_runs=s["n_runs"])
    show_figure(lambda: draw.escape_more(momenta, waits), "traps-momentum-steps", settings=s,
                describe=exp.describe_escape_more(momenta, waits))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
