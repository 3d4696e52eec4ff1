"""Learning rate & schedules: too small, just right, too big; how η changes during training."""
import streamlit as st

from experiments import decay, labels
from experiments import schedules as exp
from lab import first_request
from lab.cache import cached
from lab.page import friendly, lesson, progress, show_figure
from lab.panel import settings_panel
from lab.settings import Setting, seed, validate
from viz import schedules as draw

LR = Setting("lr", "learning rate η₀", "log", 0.3, low=1e-4, high=100, group="Training",
             help="The four runs use η₀ ÷ 10, η₀, η₀ × 10 and η₀ × 100.")
TABLE = [
    LR,
    Setting("schedule", "schedule", "choice", "constant", options=exp.SCHEDULES, labels=exp.LABELS,
            group="Training"),
    Setting("optimizer", "optimizer", "choice", "sgd", options=exp.OPTIMIZERS, labels=labels.OPTIMIZERS,
            group="Training"),
    Setting("epochs", "epochs", "int", 40, low=2, high=100, group="Training"),
    Setting("batch_size", "batch size", "int", 32, low=1, high=exp.N, group="Training"),
    seed(group="Training"),
    Setting("spread", f"check over {exp.SPREAD_SEEDS} seeds (slower)", "bool", False, group="Training",
            help="Run the four learning rates on ten seeds and count what they did."),
]
PRESETS = {
    "η = 0.003": {"values": {"lr": 0.003},
                  "question": "With η = 0.003, how far will the loss fall in 40 epochs?"},
    "Just right": {"values": {"lr": 0.3}},
    "η = 3": {"values": {"lr": 3.0},
                "question": "η = 3 takes steps ten times bigger than η = 0.3. "
                            "Will it train faster?"},
    "η = 30": {"values": {"lr": 30.0},
                  "question": "η = 30: what happens in the very first steps?"},
    "Warm-up then cosine": {"values": {"lr": 3.0, "schedule": "warmup_cosine"},
                            "question": "The same η = 3, now started at a third of it and "
                                        "brought down to 0. Will it train better than η = 3 "
                                        "held constant?"},
    "Step decay": {"values": {"lr": 1.0, "schedule": "step"}},
}
cached_runs = cached(exp.lr_runs)
cached_curves = cached(exp.schedule_curves)
cached_range_test = cached(exp.range_test)
cached_spread = cached(exp.seed_spread)
cached_decay = cached(decay.runs)
DECAY_TEXT = (   # measured in tests/test_claims_schedules.py over seeds 0..9
    "The argument for a schedule: large steps cross poor, nearly flat regions fast and can jump "
    "right over a shallow minimum, but in a deep, narrow minimum they keep jumping over its "
    "bottom; so start large and make η smaller. Here it is on the traps lesson's loss (batches "
    "of 8, 200 seeded runs from θ₀ = −2.2; of your settings only the seed changes it). With "
    "η = 0.05 no run leaves the shallow dip (0 of 200, in 10 of 10 seeds). With η = 0.35 the "
    "first steps jump most runs over it (78–88% within 5 steps, 89–95% end past the barrier), "
    "but the deep minimum's walls are 2.5 times steeper than the dip's: 0.35 is just under "
    "2 ÷ curvature ≈ 0.38, where descent there stops converging, so every step nearly "
    "overshoots the bottom and the batch noise keeps the runs bouncing: only 13.5–21% end "
    "within 0.1 of it. The same η = 0.35 brought down to 0 by a cosine gets past the dip about "
    "as often (within 4 points, every seed) and then settles: 89–95% end within 0.1 of the "
    "deep minimum, every run that got past the barrier, in 10 of 10 seeds.")


def on_grid(value):
    """`value` moved into the lr slider's range and snapped to its grid."""
    return validate(LR, min(max(value, LR.low), LR.high))


def use_lr(value):
    """Button callback: put `value` (snapped to the slider's grid) into the lr slider."""
    st.session_state["schedules.lr"] = on_grid(value)


def page():
    lesson("Learning rate & schedules",
           "Four runs from the same weights, with η₀ ÷ 10, η₀ (yours, the thickest line), η₀ × 10 "
           "and η₀ × 100: too small crawls, a good one falls fast, too big usually stalls far "
           "higher, and far too big usually blows up. On the defaults η₀ × 10 ends at least twice "
           "as high as η₀ in at least 9 of 10 seeds, and η₀ × 100 overflows within 5 steps in 6 of 10 "
           "seeds; in the others it ends above where it started. The learning rate η is "
           "the size of each step downhill; a **schedule** changes η during training, usually "
           "large steps first and small ones at the end.",
           formula=r"\theta_{t+1} = \theta_t - \eta_t\, \nabla_\theta \mathcal{L}(B_t)",
           try_this=["Press *η = 0.003*, *Just right*, *η = 3* and *η = 30* in turn: which "
                     "curve is yours each time?",
                     "Switch the schedule to cosine: the epoch-to-epoch wiggles of the η = 0.3 run "
                     "die down as η shrinks to 0.",
                     "Press *Warm-up then cosine*, then tick *check over 10 seeds*: how often does "
                     "the gentle start rescue η = 3?",
                     "Run the LR range test and press *Use the suggested η*.",
                     "Switch to Adam: the best η is smaller than for SGD, usually (9 of 10 seeds) "
                     "3 to 30 times smaller."])
    s = settings_panel(TABLE, PRESETS)
    run_args = (s["optimizer"], s["epochs"], s["batch_size"], s["seed"])

    with friendly(), progress():
        steps, epochs, summary = cached_runs(s["lr"], s["schedule"], *run_args)
    show_figure(lambda: draw.loss_curves(steps, epochs, summary), "schedules-loss", data=epochs, settings=s,
                describe=exp.describe_loss_curves((steps, epochs, summary)))
    st.markdown(f"**{exp.verdict((steps, epochs, summary), epochs=s['epochs'])}**")
    if s["spread"]:
        try:
            with progress():
                spread = cached_spread(s["lr"], s["schedule"], s["optimizer"], s["epochs"],
                                       s["batch_size"])
        except ValueError as too_much:       # the work budget: the rest of the page still shows
            st.info(f"The check over {exp.SPREAD_SEEDS} seeds is left out: {too_much}.")
        else:
            st.markdown(exp.spread_sentence(spread))

    st.header("The schedule: how η changes during training")
    total = exp.total_steps(s["epochs"], s["batch_size"])
    st.latex(exp.LATEX[s["schedule"]])
    st.caption(f"{exp.LABELS[s['schedule']]} over {total} updates: "
               f"{exp.describe(s['schedule'], total) or 'no settings'}. Reduce-on-plateau is "
               "drawn from a real run with your η₀, because it reacts to the training loss.")
    with friendly(), progress():
        curves = cached_curves(s["lr"], *run_args)
    show_figure(lambda: draw.schedule_curves(curves, s["schedule"], exp.LABELS), "schedules-lr", data=curves,
                settings=s, describe=exp.describe_schedule_curves(curves, s["schedule"]))

    st.header("Why decaying η helps")
    st.markdown(DECAY_TEXT)
    with friendly():
        runs = cached_decay(s["seed"])
    st.markdown(f"**{decay.verdict(runs)}**")
    show_figure(lambda: draw.decay(runs), "schedules-decay", data=runs, settings=s,
                describe=decay.describe_runs(runs))

    st.header("Finding a good η: the LR range test")
    st.markdown("One short run of 200 steps in which η grows by the same factor every step, "
                "from 0.00001 to 10. "
                "The loss first barely moves, then falls fast, then blows up. The suggestion is a "
                "tenth of the η where the smoothed loss is lowest (fastai's *minimum ÷ 10* rule): "
                "applied as a constant η it ends within 2× of the best of nine fixed η in 10 of "
                "10 seeds, for SGD and for Adam.")
    with friendly():
        sweep, suggested = cached_range_test(s["optimizer"], s["batch_size"], s["seed"])
    show_figure(lambda: draw.range_test(sweep, suggested, s["lr"]), "schedules-range-test", data=sweep,
                settings=s, describe=exp.describe_range_test(sweep, suggested, s["lr"]))
    if suggested is not None:
        st.button(f"Use the suggested η ≈ {on_grid(suggested):g}", key="schedules.use_suggested",
                  type="primary", on_click=use_lr, args=(suggested,))


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
