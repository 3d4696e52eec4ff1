"""Early stopping & dropout lesson: Keras's early-stopping rules on the real run, dropout's
effect on the overfitting gap, the figures, and the page itself."""
import json
import math

import numpy as np
import pytest

from experiments import regularization as exp
from nnlib.train import EarlyStopping
from viz import regularization as draw
from tests.helpers import open_lesson

PAGE_SEED = 9     # the page's default seed


def expected_stop(values, min_delta, patience, start_from_epoch=0):
    """Keras's rules written out on a recorded curve (values[e] = val_loss after epoch e):
    (best epoch, stopped epoch or None)."""
    best, best_epoch, wait = math.inf, None, 0
    for epoch in range(start_from_epoch + 1, len(values)):
        wait += 1
        if values[epoch] < best - min_delta:
            best, best_epoch, wait = values[epoch], epoch, 0
        elif wait >= patience:
            return best_epoch, epoch
    return best_epoch, None


@pytest.fixture(scope="module")
def default():
    return exp.run(seed=PAGE_SEED)


def test_the_default_network_overfits(default):
    val = default["curves"]["val_loss"]
    train = default["curves"]["train_loss"]
    assert train.iloc[-1] < 0.01 and default["curves"]["train_acc"].iloc[-1] == 1.0   # memorised
    assert val.iloc[-1] > 3 * val.min()                  # the validation loss climbs back


def test_the_marked_epoch_is_the_validation_minimum_before_patience_ran_out(default):
    val = default["curves"]["val_loss"].to_numpy()
    best, stopped = default["best_epoch"], default["stopped_epoch"]
    assert (best, stopped) == expected_stop(val, 0.0, 10)
    assert best == np.argmin(val[:stopped + 1]) and default["best"] == val[best]
    assert stopped - best == 10                          # patience epochs without improvement


def test_min_delta_only_counts_improvements_larger_than_it():
    result = exp.run(seed=PAGE_SEED, min_delta=0.02, patience=5)
    val = result["curves"]["val_loss"].to_numpy()
    best, stopped = expected_stop(val, 0.02, 5)
    assert (result["best_epoch"], result["stopped_epoch"]) == (best, stopped)
    assert val[best] > val[:stopped + 1].min()           # a smaller, but not 0.02 smaller, loss came later


def test_restored_model_has_the_recorded_best_and_matches_fit_with_early_stopping(default):
    assert default["kept_epoch"] == default["best_epoch"]
    assert default["kept_val_loss"] == pytest.approx(default["best"], rel=1e-12)
    stopper = EarlyStopping(patience=10, restore_best_weights=True)
    model, hist, (_, Xv, _, yv) = exp.train(seed=PAGE_SEED, early_stopping=stopper)
    assert (hist.best_epoch, hist.stopped_epoch) == (default["best_epoch"], default["stopped_epoch"])
    assert len(hist.epochs["epoch"]) == default["stopped_epoch"] + 1
    assert model.loss(Xv, yv) == pytest.approx(default["best"], rel=1e-12)


def test_without_restore_you_keep_the_stopped_epoch_and_without_early_stopping_the_last():
    result = exp.run(seed=PAGE_SEED, restore_best_weights=False)
    stopped = result["stopped_epoch"]
    assert result["kept_epoch"] == stopped > result["best_epoch"]
    assert result["kept_val_loss"] == pytest.approx(result["curves"]["val_loss"][stopped])
    off = exp.run(seed=PAGE_SEED, early_stopping=False)
    assert off["best_epoch"] is off["stopped_epoch"] is None
    assert off["kept_epoch"] == off["last_epoch"] == 200 and off["curves"]["trained"].all()
    assert "Without early stopping" in exp.verdict(off)


def test_start_from_epoch_ignores_the_first_epochs():
    result = exp.run(seed=PAGE_SEED, start_from_epoch=30, patience=5)
    val = result["curves"]["val_loss"].to_numpy()
    assert result["best_epoch"] > 30
    assert (result["best_epoch"], result["stopped_epoch"]) == expected_stop(val, 0.0, 5, 30)


def test_patience_too_small_keeps_a_worse_model(default):
    impatient = exp.run(seed=PAGE_SEED, patience=1)
    assert impatient["stopped_epoch"] < default["best_epoch"]
    assert impatient["kept_val_loss"] > default["kept_val_loss"] + 0.05


def test_dropout_narrows_the_gap_over_seeds():
    gaps = [exp.dropout_gaps((0.0, 0.5), seed=seed)["gap"].to_numpy() for seed in (0, 1, PAGE_SEED)]
    no_dropout, half = np.mean(gaps, axis=0)
    assert half < 0.7 * no_dropout


def test_your_dropout_gap_comes_from_the_run_itself():
    settings = dict(n_train=40, width=16, epochs=30, seed=1)
    result = exp.run(**settings, dropout=0.3, patience=2)          # early stopping watching
    table = exp.with_gap(exp.dropout_gaps((0.0, 0.5), **settings), result, 0.3)
    assert table["dropout"].tolist() == [0.0, 0.3, 0.5]
    alone = exp.dropout_gaps((0.3,), **settings)                   # trained on its own
    assert table.iloc[1].tolist() == alone.iloc[0].tolist()


def test_work_budget_keeps_the_lesson_and_refuses_the_largest_views():
    exp.check_work(3, n_train=400, epochs=200)       # "Give it 400 training points"
    with pytest.raises(ValueError, match="4 networks for 400 epochs of 25 batches: 40,000"):
        exp.check_work(4, n_train=400, epochs=400)


def test_boundary_figure_is_light_and_opens_on_the_last_epoch(default):
    fig = draw.boundaries(default, "kept")
    assert 2 <= len(fig.frames) <= exp.MAX_FRAMES and fig.frames[-1].name == "200"
    assert fig.layout.sliders[0].active == len(fig.frames) - 1
    assert len(fig.to_json()) < 1.5e6
    assert np.allclose(fig.data[1].z, np.round(default["grid"]["p"][-1], 2), atol=1e-6)
    kept = default["grid"]["kept"]
    assert 0 <= kept.min() and kept.max() <= 1 and kept.shape == (exp.GRID, exp.GRID)


def test_curve_figure_marks_the_checkpoint_and_the_stop(default):
    fig = draw.curves(default)
    star = next(t for t in fig.data if t.name.startswith("saved checkpoint"))
    assert star.x == (default["best_epoch"],) and star.y[0] == pytest.approx(default["best"])
    stop = f"patience ran out: epoch {default['stopped_epoch']}"
    assert any(stop in a.text for a in fig.layout.annotations)


# ---- the page ----------------------------------------------------------------------------

def chart(at, i):
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def names(at, i=0):
    return [t.get("name") for t in chart(at, i)["data"]]


@pytest.fixture(scope="module")
def app():
    return open_lesson("regularization", timeout=120).run()


def test_page_loads_with_curves_boundaries_and_gaps(app, default):
    assert not app.exception and len(app.get("plotly_chart")) == 3
    assert f"saved checkpoint: epoch {default['best_epoch']}" in names(app)
    assert 2 <= len(chart(app, 1)["frames"]) <= exp.MAX_FRAMES
    assert [b["x"] for b in chart(app, 2)["data"]] == [["p = 0", "p = 0.2", "p = 0.5"]]


def test_changing_patience_and_turning_early_stopping_off(app, default):
    app.slider(key="regularization.patience").set_value(1).run()
    assert not app.exception and app.query_params["patience"] == "1"
    assert f"saved checkpoint: epoch {default['best_epoch']}" not in names(app)
    app.checkbox(key="regularization.early_stopping").uncheck().run()
    assert not app.exception
    assert f"lowest validation loss: epoch {default['lowest_epoch']}" in names(app)


PRESETS = {"No early stopping": ("early_stopping", "0"),
           "Patience 10, restore best": ("patience", "10"),
           "Dropout 0.5": ("dropout", "0.5"), "Patience 1": ("patience", "1")}


def test_each_preset_applies(app):
    for preset, (name, value) in PRESETS.items():
        app.button(key=f"regularization.preset.{preset}").click().run()
        if app.info:                                  # a question comes first
            assert not app.get("plotly_chart")
            app.button(key="regularization.reveal").click().run()
        assert not app.exception and len(app.get("plotly_chart")) == 3, preset
        assert app.query_params[name] == value, preset
