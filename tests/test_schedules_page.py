"""Learning rate & schedules: the lesson holds on the defaults, with numbers; and the page runs."""

import numpy as np
import pytest

from experiments import decay
from experiments import schedules as exp
from nnlib import optim, schedules
from viz import schedules as draw
from tests.helpers import chart_spec as spec, open_lesson


@pytest.fixture(scope="module")
def default_runs():
    return exp.lr_runs()   # η0 = 0.3, constant, SGD, 40 epochs, batch 32, seed 0


def test_four_learning_rates_behave_as_claimed(default_runs):
    _, epochs, summary = default_runs
    small, good, big, huge = summary.sort_values("multiple").itertuples()
    assert [r.lr for r in (small, good, big, huge)] == pytest.approx([0.03, 0.3, 3, 30])
    assert np.isnan(small.diverged_at) and np.isnan(good.diverged_at) and np.isnan(big.diverged_at)
    assert huge.diverged_at == 4                       # blows up within the first epoch
    assert small.final_loss > 5 * good.final_loss      # too small: still far behind after 40 epochs
    first = epochs[(epochs["multiple"] == 0.1) & (epochs["epoch"] == 1)]["loss"].iloc[0]
    assert first > 0.5                                 # ... and it barely moved in the first epoch
    assert big.final_loss > 10 * good.final_loss       # too big: stuck high
    assert good.final_loss == summary["final_loss"][summary["diverged_at"].isna()].min()


def test_verdict_names_the_best_and_the_divergence(default_runs):
    text = exp.verdict(default_runs, epochs=40)
    assert "η = 0.3 ended at loss 0.033 (best)" in text
    assert "η = 30 (×100) diverged at step 4" in text


def test_constant_and_step_schedules_write_the_expected_lr_into_the_run():
    steps, _, _ = exp.lr_runs(0.3, "step", epochs=40)
    lr = steps[steps["multiple"] == 1].set_index("step")["lr"]
    # 200 examples / 32 -> 7 updates per epoch, 280 in all; step_size = 280 // 3 = 93;
    # update s uses lr_at(s - 1) = 0.3 · 0.1^((s - 1) // 93)
    assert lr[1] == lr[93] == 0.3
    assert lr[94] == pytest.approx(0.03) and lr[186] == pytest.approx(0.03)
    assert lr[187] == pytest.approx(0.003) and lr[280] == pytest.approx(0.0003)


def test_warmup_then_cosine_is_nnlibs_over_the_whole_run():
    # 280 updates: warm-up over the first tenth, the cosine reaches 0 at the last update
    sched = exp.make_schedule("warmup_cosine", optim.SGD(lr=0.3), 280)
    assert isinstance(sched, schedules.WarmupCosine)
    assert (sched.warmup_steps, sched.T_max, sched.eta_min) == (28, 280, 0.0)
    assert sched.lr_at(0) == pytest.approx(0.1) and sched.lr_at(28) == pytest.approx(0.3)
    assert sched.lr_at(154) == pytest.approx(0.15) and sched.lr_at(280) == pytest.approx(0.0)


def test_schedule_curves_cover_every_schedule_over_the_whole_run():
    curves = exp.schedule_curves(0.3, epochs=40)
    per = {name: part["lr"].to_numpy() for name, part in curves.groupby("schedule")}
    assert set(per) == set(exp.SCHEDULES) and all(len(v) == 280 for v in per.values())
    assert np.all(per["constant"] == 0.3)
    assert per["warmup"][0] == pytest.approx(0.1) and per["warmup"][-1] == pytest.approx(0.3)
    assert per["cosine"][0] == pytest.approx(0.3) and per["cosine"][-1] < 1e-4
    assert per["exponential"][-1] == pytest.approx(0.3 * 0.01 ** (279 / 280))
    assert per["inverse_time"][-1] == pytest.approx(0.3 / (1 + 9 / 280 * 279))
    # reduce on plateau, from a real run: it only ever halves the rate, and it did here
    assert set(np.unique(per["plateau"])) == {0.3, 0.15, 0.075}
    assert np.all(np.diff(per["plateau"]) <= 0)


def test_range_test_suggests_a_learning_rate_inside_the_plotted_range():
    frame, suggested = exp.range_test()
    assert frame["lr"].min() == pytest.approx(1e-5) and len(frame) > 50
    assert frame["lr"].min() < suggested < frame["lr"].max()
    assert 0.01 < suggested < 3   # where SGD trains well on this problem (see the lr runs)
    fig = draw.range_test(frame, suggested, 0.3)
    assert fig.layout.xaxis.type == "log"
    assert any("suggested" in a.text for a in fig.layout.annotations)
    # the blow-up at the end (224 on seed 0) leaves the plot: the axis stops at 2 × the start
    top = 2 * frame["smoothed"].iloc[0]
    assert fig.layout.yaxis.range[1] == pytest.approx(top) and top < frame["smoothed"].max()
    assert f"stops at {top:.3g} (2 × the smoothed start)" in exp.describe_range_test(frame, suggested, 0.3)


def test_loss_figure_marks_the_divergence(default_runs):
    fig = draw.loss_curves(*default_runs)
    marks = [t for t in fig.data if t.text and "diverged" in t.text[0]]
    assert len(marks) == 1 and marks[0].x[0] == 4
    assert fig.layout.yaxis.type == "log"


def test_bad_batch_size_says_why():
    with pytest.raises(ValueError, match="batch size must be between 1 and 200"):
        exp.lr_runs(batch_size=500)


# ---- the page ----------------------------------------------------------------------------


@pytest.fixture
def app():
    return open_lesson("schedules", timeout=60).run()


def in_words(at):
    """The texts under the figures: lab.page.show_figure's "In words:" captions."""
    return [c.value.removeprefix("**In words:** ") for c in at.caption if c.value.startswith("**In words:**")]


def test_page_loads_with_four_charts_and_the_formula(app):
    assert not app.exception and len(app.get("plotly_chart")) == 4
    assert any("(best)" in m.value for m in app.markdown)
    assert exp.LATEX["constant"] in app.latex[-1].value
    assert in_words(app)[0] == exp.describe_loss_curves(exp.lr_runs())
    decaying = decay.runs(0)                     # "Why decaying η helps": the page's seed
    assert in_words(app)[2] == decay.describe_runs(decaying)
    assert any(m.value == f"**{decay.verdict(decaying)}**" for m in app.markdown)


def test_changing_lr_and_schedule_changes_the_figures(app):
    before = spec(app, 0)["data"][1]["y"]
    app.select_slider(key="schedules.lr").set_value(0.01).run()
    assert not app.exception and spec(app, 0)["data"][1]["y"] != before
    app.selectbox(key="schedules.schedule").set_value("cosine").run()
    titles = [a["text"] for a in spec(app, 1)["layout"]["annotations"]]
    assert not app.exception and "<b>cosine annealing</b>" in titles
    assert exp.LATEX["cosine"] in app.latex[-1].value


def test_use_the_suggested_lr_button(app):
    app.button(key="schedules.use_suggested").click().run()
    # the range test suggests η ≈ 0.176 (a tenth of the lowest loss's η); the slider takes
    # the nearest grid value
    assert not app.exception and app.select_slider(key="schedules.lr").value == 0.2
    assert "Use the suggested η ≈ 0.2" in app.button(key="schedules.use_suggested").label


PRESETS = {"η = 0.003": 0.003, "Just right": 0.3, "η = 3": 3.0, "η = 30": 30.0,
           "Warm-up then cosine": 3.0, "Step decay": 1.0}


def test_every_preset_applies(app):
    for name, lr in PRESETS.items():
        app.button(key=f"schedules.preset.{name}").click().run()
        if app.info:   # a question first
            assert not app.get("plotly_chart")
            app.button(key="schedules.reveal").click().run()
        assert not app.exception and len(app.get("plotly_chart")) == 4, name
        assert app.session_state["schedules.lr"] == lr
    assert app.session_state["schedules.schedule"] == "step"


def test_check_over_ten_seeds_counts_what_the_runs_did(app):
    app.checkbox(key="schedules.spread").check().run()
    said = [m.value for m in app.markdown if m.value.startswith(f"Over {exp.SPREAD_SEEDS} seeds: ")]
    assert not app.exception and len(said) == 1
    assert said[0] == exp.spread_sentence(exp.seed_spread(0.3))


def test_a_spread_over_the_budget_is_left_out_with_a_sentence_and_the_page_goes_on(app):
    app.checkbox(key="schedules.spread").check()
    app.slider(key="schedules.epochs").set_value(100)
    app.number_input(key="schedules.batch_size").set_value(1).run()
    assert not app.exception and not app.error
    told = [i.value for i in app.info if i.value.startswith(f"The check over {exp.SPREAD_SEEDS} seeds is left out: ")]
    assert len(told) == 1 and told[0].endswith("use a larger batch size or fewer epochs.")
    assert not [m for m in app.markdown if m.value.startswith(f"Over {exp.SPREAD_SEEDS} seeds: ")]
    assert len(app.get("plotly_chart")) == 4        # the rest of the page still shows
