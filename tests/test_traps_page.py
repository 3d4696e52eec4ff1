"""Local-minimum traps: the lesson holds on the defaults (full batch stuck, mini-batches escape), and the page."""
import re

import numpy as np
import pandas as pd
import pytest

from experiments import traps as exp
from nnlib import trap
from viz import traps as draw
from tests.helpers import chart_spec as spec, open_lesson, values

DEFAULTS = dict(start=exp.START, batch_size=4, lr=0.17, momentum=0.0, steps=200, seed=0)


def test_full_batch_run_ends_in_the_local_minimum():
    thetas, batches = exp.paths(**{**DEFAULTS, "batch_size": exp.FULL}, n_runs=1)
    assert thetas[-1, 0] == pytest.approx(trap.LOCAL_MIN, abs=1e-6) and batches.size == 0
    ends = exp.endings(**{**DEFAULTS, "batch_size": exp.FULL}, n_runs=20)
    assert (ends["basin"] == "local").all()


def test_paths_are_the_steps_of_trap_runs():
    thetas, batches = exp.paths(**DEFAULTS, n_runs=6)
    ends, _ = trap.trap_runs(4, 0.17, 0.0, 200, 6, exp.START, 0)
    assert np.array_equal(thetas[-1], ends) and batches.shape == (200, 4)


def test_batch_curve_is_the_full_loss_tilted_by_the_batch_mean():
    runs, curves = exp.animation(**DEFAULTS)
    _, batches = exp.paths(**DEFAULTS)
    theta = exp.curve()["theta"].to_numpy()
    for k in (0, 57, 199):   # L(B)(θ) = 3θ⁴/20 − 3θ³/10 − 3θ²/4 + c̄_B θ
        tilt = trap.tilts()[batches[k]].mean()
        assert np.allclose(curves[k], 0.15 * theta**4 - 0.3 * theta**3 - 0.75 * theta**2 + tilt * theta)
    first = runs[runs["step"] == 0]
    assert list(first["run"]) == ["full batch"] + [f"batch 4 #{i}" for i in range(1, 5)]
    assert np.allclose(first["theta"], exp.START)


def test_mini_batch_escape_rate_is_trap_runs_fraction_and_above_half():
    ends = exp.endings(**DEFAULTS, n_runs=200)
    rate = (ends["basin"] == "global").mean()
    assert rate == trap.trap_runs(4, 0.17, 0.0, 200, 200, exp.START, 0)[1].mean()
    assert 0.6 <= rate <= 0.85


def test_escape_rate_falls_with_batch_size_and_marks_the_choice():
    rates = exp.escape_rates(**DEFAULTS, n_runs=100)
    by_batch = rates[rates["vary"] == "batch size"]
    assert list(by_batch["batch_size"]) == list(exp.BATCH_SIZES)
    r = by_batch["escape_rate"].to_numpy()
    assert np.all(np.diff(r) <= 0) and r[0] > 0.9 and r[-1] == 0
    by_lr = rates[rates["vary"] == "learning rate"].set_index("lr")["escape_rate"]
    assert by_lr[0.03] == 0 and np.all(np.diff(by_lr[:0.25]) >= 0) and by_lr[0.25] > 0.9
    chosen = rates[rates["current"]]
    assert len(chosen) == 2 and set(chosen["vary"]) == {"batch size", "learning rate"}
    assert chosen["escape_rate"].nunique() == 1


def test_verdict_reads_the_numbers():
    def ends(**counts):
        return pd.DataFrame({"basin": [b for b, n in counts.items() for _ in range(n)]})
    assert (exp.verdict((ends(local=1), ends(local=52, **{"global": 148})), batch_size=4)
            == "Full batch: stuck in the local minimum after 200 steps; batch 4: 148 of 200 "
               "seeded runs escaped within 200 steps, 52 stuck.")
    assert exp.verdict((ends(diverged=1), ends(diverged=3, local=1)), batch_size=2, steps=50) == (
        "Full batch: diverged after 50 steps; batch 2: 0 of 4 seeded runs escaped within 50 "
        "steps, 1 stuck, 3 diverged.")
    assert exp.verdict((ends(**{"global": 1}), None), batch_size=64).startswith(
        "Full batch: escaped to the global minimum after 200 steps (every")
    one_stuck = exp.verdict((ends(local=1), ends(local=1, **{"global": 199})), batch_size=1)
    assert "199 of 200 seeded runs escaped" in one_stuck and "100%" not in one_stuck


def test_race_animates_only_the_moving_traces_and_marks_divergence():
    runs, curves = exp.animation(**DEFAULTS)
    fig = draw.race(exp.curve(), runs, curves)
    assert len(fig.frames) == 200 and all(list(f.traces) == [1, 2, 3, 4, 5] for f in fig.frames)
    ends = fig.data[4]
    assert len(ends.x) == 0 and all(len(values(f.data[3].x)) == 0 for f in fig.frames[:-1])   # no spoiler
    assert len(values(fig.frames[-1].data[3].x)) == 5
    assert len(fig.to_json()) < 1.5e6
    runs, curves = exp.animation(**{**DEFAULTS, "lr": 1.0})
    fig = draw.race(exp.curve(), runs, curves)
    said = [f.data[4].text for f in fig.frames]                  # from the divergence on, not before Play
    assert len(fig.data[5].x) == 0 and said[0] == () and "diverged at step" in said[-1][0]


def sentence(at):
    return next(h.value for h in at.subheader if h.value.startswith("Full batch"))


@pytest.fixture
def app():
    return open_lesson("traps", timeout=60).run()


def in_words(at):
    """The texts under the figures: lab.page.show_figure's "In words:" captions."""
    return [c.value.removeprefix("**In words:** ") for c in at.caption if c.value.startswith("**In words:**")]


def test_page_shows_the_race_the_histogram_the_rates_and_momentum(app):
    assert not app.exception and len(app.get("plotly_chart")) == 4
    race = spec(app, 0)
    assert [d["name"] for d in race["data"][:4]] == ["full loss L(θ)", "this step's batch L(B)",
                                                     "full batch", "batch 4 runs"]
    assert len(race["frames"]) == 200
    shown = int(re.search(r"batch 4: (\d+) of 200 seeded runs escaped", sentence(app)).group(1))
    expected = trap.trap_runs(4, 0.17, 0.0, 200, 200, exp.START, 0)[1].mean()
    assert sentence(app).startswith("Full batch: stuck in the local minimum")
    assert shown == round(200 * expected) and 120 <= shown <= 170
    escaped = next(d for d in spec(app, 1)["data"] if d["name"].startswith("escaped"))
    assert escaped["name"].endswith(f": {round(200 * expected)}")
    assert in_words(app)[0] == exp.describe_race(exp.animation(**DEFAULTS)[0])
    more = spec(app, 3)
    titles = [a["text"].replace("<br>", " ") for a in more["layout"]["annotations"][:2]]
    assert titles == ["escape rate vs momentum μ", "escaped within N steps"]


def test_batch_size_slider_changes_the_runs(app):
    before = spec(app, 0)["data"][3]["name"]
    app.slider(key="traps.batch_size").set_value(1).run()
    assert not app.exception and spec(app, 0)["data"][3]["name"] != before
    assert "batch 1: " in sentence(app) and app.query_params["batch_size"] == "1"


PRESETS = [("Full batch (64 of 64)", "batch_size", 64, "Full batch: stuck in the local minimum after 200 steps ("),
           ("Batch size 1", "batch_size", 1, "batch 1: "),
           ("Learning rate 0.25", "lr", 0.25, "batch 4: "),
           ("Momentum 0.5", "momentum", 0.5, "Full batch: escaped to the global minimum")]


def test_each_preset_asks_then_shows_its_run(app):
    for preset, key, value, told in PRESETS:
        app.button(key=f"traps.preset.{preset}").click().run()
        assert not app.get("plotly_chart") and app.info, preset
        app.button(key="traps.reveal").click().run()
        assert not app.exception and len(app.get("plotly_chart")) == 4, preset
        assert app.slider(key=f"traps.{key}").value == value and told in sentence(app), preset
