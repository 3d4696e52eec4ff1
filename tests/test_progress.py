"""Progress of long views: experiments.budget.Meter counts estimated seconds epoch by epoch, and
lab.page.progress draws them as a bar while a cached experiment runs (never replayed with it)."""
import pytest
from streamlit.testing.v1 import AppTest

from experiments import batches, budget, initialization, landscape, playground, regularization, schedules
from experiments.budget import Meter, Run, seconds


def test_a_meter_reports_the_share_of_the_estimate_done_after_every_epoch():
    single, batched = Run((2, 16, 16, 2), 200, 8, 3), Run((2, 16, 16, 2), 200, 8, 3, count=2, batched=True)
    said = []
    with budget.reporting(lambda share, text, total: said.append((share, text, total))):
        meter = Meter([single, batched])
        one, two = meter.callback(batched, "Both"), meter.callback(batched, "Both")
        for epoch in (1, 2, 3):
            assert meter.callback(single, "Alone")(epoch, {}, None) is False   # never stops fit
        for epoch in (1, 2, 3):
            one(epoch, {}, None)
            two(epoch, {}, None)
    total = seconds([single, batched])
    assert all(t == total for *_, t in said) and len(said) == 9
    assert said[0][1] == "Alone: epoch 1 of 3" and said[-1][1] == "Both: epoch 3 of 3"
    assert said[2][0] == pytest.approx(seconds([single]) / total)
    assert said[-1][0] == pytest.approx(1.0)
    assert [s for s, *_ in said] == sorted(s for s, *_ in said)
    Meter([single]).callback(single, "nobody listens")(1, {}, None)     # outside `reporting`


def test_lessons_report_every_epoch_of_their_training():
    said = []
    with budget.reporting(lambda share, text, total: said.append(text)):
        batches.runs(("full", "8"), epochs=2, band=True)
        schedules.seed_spread(epochs=2, seeds=2)
        initialization.train_schemes(("zeros", "he_normal"), epochs=2)
        landscape.train(epochs=5)
        regularization.run(epochs=20, n_train=20)
        regularization.dropout_gaps((0.0, 0.5), n_train=20, epochs=20)
        playground.run(epochs=2, then=((3, 0.01),))
    assert said.count("Training batch 8: epoch 2 of 2") == 1
    assert said.count("Its other shuffle orders, batch 8: epoch 2 of 2") == batches.BAND_SEEDS - 1
    assert said.count("Seed 2 of 2: epoch 1 of 2") == len(schedules.MULTIPLES)
    assert said.count("Training the schemes: epoch 2 of 2") == 2
    assert "Training: epoch 5 of 5" in said and "Training: epoch 20 of 20" in said
    assert said.count("Training the other dropout p: epoch 20 of 20") == 2
    assert said[-1] == "Going on with η = 0.01: epoch 3 of 3"


def script():
    import streamlit as st

    from experiments import budget
    from lab.page import progress

    @st.cache_data
    def work(k):
        run = budget.Run((2, 16, 16, 2), 100_000, 1, 3)         # estimated far above a second
        meter = budget.Meter([run])
        for epoch in (1, 2, 3):
            meter.callback(run, "Working")(epoch, {}, None)
        return k

    with progress():
        result = work(1)
    st.write(f"result {result}")


def test_the_bar_of_a_cached_run_is_gone_after_it_and_after_its_replay():
    at = AppTest.from_function(script).run()
    assert not at.exception and at.markdown[0].value == "result 1"
    assert at.get("progress") == []           # the bar is gone once the block ends
    at.run()                                  # a cache hit replays the bar's calls in the slot
    assert not at.exception and at.markdown[0].value == "result 1"
    assert at.get("progress") == []
