"""Full batch vs mini-batch: the lesson holds on the defaults, with numbers; and the page runs."""
from pathlib import Path

import numpy as np
import pytest

from experiments import batches as exp
from pages import batches as page
from lab import upload
from viz import batches as draw
from tests.helpers import chart_spec as spec, open_lesson, values

ROOT = Path(__file__).resolve().parent.parent
NAMES = (ROOT / "tests" / "data" / "names.csv").read_bytes()    # 90 rows, 3 named classes
NAMES_TABLE = upload.parse(NAMES, "classification")


@pytest.fixture(scope="module")
def default_runs():
    return exp.runs()   # full, 64, 8, 1; lr 0.1; 20 epochs; 200 examples; seed 0


def test_every_run_starts_from_the_same_loss(default_runs):
    _, epochs, _ = default_runs
    start = epochs[epochs["epoch"] == 0]
    assert len(start) == 4 and np.ptp(start["loss"]) == 0


def test_per_epoch_small_batches_get_further_than_full_batch(default_runs):
    _, _, summary = default_runs
    final = dict(zip(summary["batch"], summary["final_loss"]))
    assert final["full"] > final["64"] > max(final["8"], final["1"])
    assert final["full"] > 3 * final["8"]


def test_batch_1_loss_is_much_noisier_than_full_batch(default_runs):
    steps, _, _ = default_runs
    jumps = {b: np.std(np.diff(steps.loc[steps["batch"] == b, "loss"])) for b in ("full", "1")}
    assert jumps["1"] > 10 * jumps["full"]


def test_examples_seen_is_steps_times_batch_size(default_runs):
    steps, epochs, summary = default_runs
    for size, B in (("full", 200), ("8", 8), ("1", 1)):   # B divides N = 200
        s = steps[steps["batch"] == size]
        assert np.array_equal(s["examples"], s["step"] * B)
    assert dict(zip(summary["batch"], summary["updates_per_epoch"])) == {"full": 1, "64": 4, "8": 25,
                                                                          "1": 200}
    # batch 64 on 200 examples: 64, 128, 192, then the last 8 -> 200 after the first epoch
    assert list(steps[steps["batch"] == "64"]["examples"][:5]) == [64, 128, 192, 200, 264]
    e = epochs[epochs["batch"] == "8"]
    assert np.array_equal(e["examples"], 200 * e["epoch"])
    assert np.array_equal(e["step"], 25 * e["epoch"])


def test_verdict_counts_epochs_and_updates(default_runs):
    text = exp.verdict(default_runs)
    assert "down to 0.32" in text and "full batch needed 20 epochs (20 updates)" in text
    assert "batch 8 1 epoch (25 updates)" in text


def test_band_full_batch_is_one_run_whatever_the_shuffle_but_batch_1_is_not():
    _, epochs, _ = exp.runs(("full", "1"), epochs=4, band=True)
    full, one = epochs[epochs["batch"] == "full"], epochs[epochs["batch"] == "1"]
    np.testing.assert_allclose(full["loss_min"], full["loss_max"], rtol=1e-12)   # to round-off:
    # the band's runs are trained at once (nnlib.batched), the run itself alone
    assert (one["loss_max"] - one["loss_min"]).iloc[1:].min() > 0
    assert np.all((one["loss_min"] <= one["loss"]) & (one["loss"] <= one["loss_max"]))


def test_a_huge_learning_rate_is_reported_as_divergence_not_nan():
    steps, epochs, summary = exp.runs(("full", "8"), lr=30.0, epochs=10)
    assert summary["diverged_at"].notna().all()
    assert np.isfinite(steps["loss"]).all() and np.isfinite(epochs["loss"]).all()
    assert exp.verdict((steps, epochs, summary)).startswith("Every run diverged: full batch diverged at step")
    fig = draw.curves(steps, epochs, summary, "steps")
    assert sum("diverged at step" in str(t.text) for t in fig.data) == 2


def test_batch_larger_than_the_data_says_why():
    with pytest.raises(ValueError, match="larger than the 100 training examples"):
        exp.runs(("256",), n=100)


def test_minibatch_losses_average_to_the_full_loss_when_batches_partition_the_data():
    frame = exp.slice_losses("8", n=200, n_batches=25, points=11)   # 25 disjoint batches of 8
    curves = frame.pivot(index="t", columns="curve", values="loss")
    batches = curves.drop(columns="L")
    assert batches.shape[1] == 25
    assert np.allclose(batches.mean(axis=1), curves["L"], rtol=1e-12)
    assert batches.std(axis=1).min() > 0   # ... while each L(B) differs from L


def test_full_batch_slice_curves_are_the_full_loss_and_small_batches_scatter_more():
    spread = {}
    for size in ("full", "64", "1"):
        curves = exp.slice_losses(size, points=11).pivot(index="t", columns="curve", values="loss")
        spread[size] = (curves.drop(columns="L").sub(curves["L"], axis=0) ** 2).mean().mean()
    assert spread["full"] < 1e-24 < spread["64"] < spread["1"]


def test_figures_have_a_trace_per_run_and_the_chosen_axis(default_runs):
    steps, epochs, summary = default_runs
    fig = draw.curves(steps, epochs, summary, "examples")
    assert fig.layout.xaxis2.title.text == "examples seen" and fig.layout.xaxis.type == "linear"
    names = {"full batch", "batch 64", "batch 8", "batch 1"}
    assert {t.name for t in fig.data} == names | {f"{n}, validation" for n in names}
    assert max(len(t.x) for t in fig.data) <= draw.MAX_POINTS
    assert draw.curves(steps, epochs, summary, "steps").layout.xaxis.type == "log"
    cut = draw.loss_slice(exp.slice_losses("8", points=11), "8")
    assert [t.name for t in cut.data].count("L(B), batch 8") == 8 and cut.data[-1].line.width == 5


def test_the_slice_moves_with_training_from_the_start_to_the_trained_network():
    moving = exp.slice_over_training("8", epochs=4, points=11)
    assert list(dict.fromkeys(moving["epoch"])) == [0, 1, 2, 3, 4]
    for epoch, where in ((0, "start"), (4, "trained")):
        still = exp.slice_losses("8", where, epochs=4, points=11)
        np.testing.assert_allclose(moving[moving["epoch"] == epoch]["loss"], still["loss"], rtol=1e-12)
    fig = draw.loss_slice(moving, "8", epoch=0)
    assert len(fig.frames) == 5 and fig.layout.sliders[0].active == 0
    assert list(fig.frames[0].traces) == list(range(len(fig.data)))      # every curve moves
    assert not np.allclose(values(fig.frames[0].data[-1].y), values(fig.frames[-1].data[-1].y))


def test_curves_draw_themselves_on_play_all_runs_in_step_by_examples_seen(default_runs):
    steps, epochs, summary = default_runs
    fig = draw.curves(steps, epochs, summary, "steps")
    assert 2 <= len(fig.frames) <= draw.MAX_FRAMES and fig.layout.updatemenus[0].buttons[0].label == "▶ Play"
    assert fig.layout.sliders[0].active == len(fig.frames) - 1          # opens on the whole run
    first, last = fig.frames[0], fig.frames[-1]
    assert first.name == "0" and last.name == "20"                       # epochs
    moving = {fig.data[i].name for i in last.traces}
    assert {"batch 1", "batch 1, validation", "full batch"} <= moving
    at_end = {i: len(values(d["x"])) for i, d in zip(last.traces, last.data)}
    assert all(at_end[i] == len(fig.data[i].x) for i in last.traces)     # the last frame is the run
    assert sum(len(values(d["x"])) for d in first.data) <= len(summary)  # the first: epoch 0 only
    assert fig.layout.xaxis.range is not None and len(fig.to_json()) < 1.2e6


def test_validation_moons_are_fresh_and_dashed_and_the_sentence_counts_them(default_runs):
    X, _ = exp.examples(seed=0)
    Xv, yv = exp.validation(seed=0)
    assert len(Xv) == exp.N_VAL and not np.isin(Xv[:, 0], X[:, 0]).any() and set(yv) == {0, 1}
    _, epochs, _ = default_runs
    assert epochs["val_loss"].notna().all() and exp.validation(uploaded=NAMES_TABLE) is None
    said = exp.generalization(default_runs)
    assert said.startswith("Validation loss after the last epoch: full batch 0.347, batch 64 0.248")
    assert "differs from full batch's by at most 0.002 (batch 64)." in said   # 3+ epochs overlap
    assert "(batch 8)" not in said                                           # 1 epoch: not compared


def test_an_uploaded_csv_is_standardized_and_sets_n():
    X, y = exp.examples(uploaded=NAMES_TABLE)
    assert X.shape == (90, 2) and set(y) == {0, 1, 2}
    assert np.allclose(X.mean(axis=0), 0) and np.allclose(X.std(axis=0), 1)
    steps, epochs, summary = exp.runs(("full", "8"), epochs=3, uploaded=NAMES_TABLE)
    assert list(summary["n"]) == [90, 90] and list(summary["updates_per_epoch"]) == [1, 12]
    assert epochs["examples"].max() == 3 * 90 and steps["examples"].max() == 3 * 90


def test_a_regression_file_or_too_much_work_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="a regression file: this lesson needs a classification"):
        exp.runs(uploaded=upload.parse(upload.template("regression").encode(), "classification",
                                       tasks=("classification",)))
    big = "x1,x2,label\n" + "".join(f"{i},{i % 7},{i % 2}\n" for i in range(5000))
    big = upload.parse(big.encode(), "classification")   # 5000 rows: cheap in full batch, but
    exp.check_work(("full",), 20, 5000)                   # every size and the band is too much
    with pytest.raises(ValueError, match="use fewer epochs or batch sizes, or leave out the spread band"):
        exp.runs(exp.SIZES, band=True, uploaded=big)


# ---- the page ----------------------------------------------------------------------------


@pytest.fixture
def app():
    return open_lesson("batches", timeout=60).run()


def test_page_loads_with_two_charts_and_a_verdict(app):
    assert not app.exception and len(app.get("plotly_chart")) == 2
    assert any("full batch needed 20 epochs" in m.value for m in app.markdown)
    model, _ = exp.train("full", epochs=1)
    assert model.n_params == 354 and model.sizes == [2, 16, 16, 2]
    assert any("The network has 354 weights and biases (2-16-16-2)" in m.value for m in app.markdown)
    assert any(m.value.startswith("Validation loss after the last epoch") and
               "batch noise does not buy better generalization" in m.value for m in app.markdown)


def test_axis_and_batch_sizes_change_the_figure(app):
    assert spec(app)["layout"]["xaxis"]["type"] == "log"
    app.radio(key="batches.axis").set_value("examples").run()
    assert not app.exception and spec(app)["layout"]["xaxis2"]["title"]["text"] == "examples seen"
    app.multiselect(key="batches.sizes").set_value(["full", "16"]).run()
    names = {t.get("name") for t in spec(app)["data"] if t.get("showlegend") is not False}
    assert not app.exception and names == {"full batch", "batch 16"}
    assert app.query_params["sizes"] == "full,16"


def test_one_fixed_order_trains_again_and_says_what_it_changes(app):
    app.multiselect(key="batches.sizes").set_value(["full", "16"]).run()
    before = spec(app)["data"]
    app.checkbox(key="batches.reshuffle").uncheck().run()
    assert not app.exception and app.query_params["reshuffle"] in ("false", "0", "False")
    assert spec(app)["data"] != before and page.FIXED_ORDER in [c.value for c in app.caption]


def test_no_batch_size_gives_a_sentence_not_a_traceback(app):
    app.multiselect(key="batches.sizes").set_value([]).run()
    assert not app.exception and "at least one batch size" in app.error[0].value


PRESETS = {   # name: (asks a question first, a value it sets)
    "Batch 1 against full batch": (True, ("sizes", ["full", "1"])),
    "The same 1000 examples": (True, ("axis", "examples")),
    "Full batch is smooth but slow": (False, ("epochs", 40)),
}


def test_every_preset_applies(app):
    for name, (asks, (key, value)) in PRESETS.items():
        app.button(key=f"batches.preset.{name}").click().run()
        if asks:
            assert not app.get("plotly_chart") and app.info
            app.button(key="batches.reveal").click().run()
        assert not app.exception and len(app.get("plotly_chart")) == 2, name
        assert app.session_state[f"batches.{key}"] == value
    assert spec(app, 1)["data"][0]["name"] == "L(B), full batch"   # the last preset's slice


def test_uploaded_csv_trains_and_a_bad_one_is_explained(app):
    app.file_uploader(key="batches.csv").set_value(("names.csv", NAMES, "text/csv")).run()
    assert not app.exception and "names.csv" in app.success[0].value
    assert any("N = 90 examples" in c.value for c in app.caption)
    assert len(app.get("plotly_chart")) == 2
    assert any("down to 0.11" in m.value for m in app.markdown)        # the default says 0.32
    assert any("no validation points" in c.value for c in app.caption)
    app.file_uploader(key="batches.csv").set_value(
        ("sine.csv", upload.template("regression").encode(), "text/csv")).run()
    assert not app.exception and "this lesson needs a classification file" in app.error[0].value
    assert any("down to 0.32" in m.value for m in app.markdown)        # back on the moons
