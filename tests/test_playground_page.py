"""Playground: each preset's lesson holds with numbers, the figures animate the right traces,
and the page (with an uploaded CSV too) runs under AppTest."""
import re
from pathlib import Path

import numpy as np
import pytest

from experiments import playground as exp
from lab import upload
from nnlib import data, optim
from nnlib.model import MLP
from nnlib.train import fit
from viz import playground as draw
from tests.colour_vision import indistinct_pairs
from tests.helpers import chart_spec as spec, open_lesson, values

ROOT = Path(__file__).resolve().parent.parent
SINE = dict(problem="regression", noise=0.1, activation="tanh", init="xavier_uniform", lr=0.01)


@pytest.fixture(scope="module")
def default():
    return exp.run()


def final(result, column):
    return result["curves"][column].iloc[-1]


def test_default_learns_the_spirals_and_records_at_most_60_frames(default):
    assert final(default, "val_acc") >= 0.95 and final(default, "train_acc") >= 0.95
    assert default["curves"]["val_acc"].iloc[0] < 0.7                   # at initialization
    assert default["epochs"][0] == 0 and default["epochs"][-1] == 200
    assert len(default["epochs"]) <= exp.MAX_FRAMES
    assert default["z"].shape == (len(default["epochs"]), exp.GRID, exp.GRID)
    assert default["sizes"] == [2, 16, 16, 2] and default["diverged_at"] is None


def test_the_confusion_matrix_counts_every_validation_point_and_its_diagonal_is_the_accuracy():
    three = exp.run(dataset="blobs", classes=3, epochs=20)
    C = three["confusion"]
    validation = three["points"][three["points"]["set"] == "validation"]
    assert C.shape == (3, 3) and C.sum() == len(validation)
    assert C.sum(axis=1).tolist() == validation["target"].value_counts().sort_index().tolist()
    assert np.trace(C) / C.sum() == pytest.approx(final(three, "val_acc"))
    assert exp.run(problem="regression", epochs=5)["confusion"] is None


def test_the_heat_map_becomes_right_where_the_points_are(default):
    """Each training point's grid cell predicts its class (z in [k, k + 1)) more often at the
    end than at the start."""
    (gx, gy), points = default["grid"], default["points"]
    cells = (np.abs(gy[:, None] - points["x2"].to_numpy()).argmin(0),
             np.abs(gx[:, None] - points["x1"].to_numpy()).argmin(0))
    right = [np.mean(np.floor(z[cells]) == points["target"]) for z in default["z"][[0, -1]]]
    assert right[0] < 0.7 < 0.9 < right[1]


def test_xor_needs_a_hidden_layer():
    linear = exp.run(dataset="xor", noise=0.1, hidden=())
    hidden = exp.run(dataset="xor", noise=0.1, hidden=(16,))
    assert final(linear, "train_acc") < 0.7 < 0.95 < final(hidden, "val_acc")


def test_circles_need_no_hidden_layer_with_the_squares_as_features():
    plain = exp.run(dataset="circles", hidden=())
    squares = exp.run(dataset="circles", features=("x2", "y2"), hidden=())
    assert final(plain, "train_acc") < 0.75 and final(squares, "val_acc") == 1.0


def test_regression_fits_the_sine_down_to_the_noise():
    result = exp.run(**SINE)
    assert final(result, "val_loss") < 0.02                  # noise 0.1: MSE floor 0.01
    x, curve = result["grid"][0], result["z"][-1]
    assert np.max(np.abs(curve - np.sin(x))[np.abs(x) < 2.5]) < 0.15
    assert result["z"].shape == (len(result["epochs"]), exp.CURVE)
    rmse, r2 = result["scores"]["val_rmse"], result["scores"]["val_r2"]
    assert rmse == pytest.approx(np.sqrt(final(result, "val_loss")), rel=1e-6) and r2 > 0.9


def test_too_much_dropout_holds_the_network_back(default):
    assert final(exp.run(dropout=0.6), "train_acc") < final(default, "train_acc") - 0.08


def test_divergence_stops_at_the_last_finite_epoch_and_says_so():
    result = exp.run(problem="regression", optimizer="momentum", lr=0.3, batch_size=64, epochs=600)
    assert result["diverged_at"] == 8 and result["last_epoch"] == 1
    assert result["epochs"].tolist() == [0, 1]          # epoch 1 is not a frame epoch, kept anyway
    assert np.all(np.isfinite(result["z"])) and np.all(np.isfinite(result["curves"]["train_loss"]))
    assert "diverged at step 8" in exp.verdict(result)
    assert "diverged at step 8" in draw.losses(result).data[-1].text[0]


def test_l1_reaches_the_network_and_shrinks_its_weights():
    def total_abs_weight(result):
        return sum(np.abs(w).sum() for k, w in result["state"].items() if k.endswith("weight"))
    plain, sparse = exp.run(epochs=50), exp.run(epochs=50, l1=0.01)
    assert total_abs_weight(sparse) < 0.8 * total_abs_weight(plain)


def test_continuing_with_a_new_eta_is_training_on_with_the_same_optimizer_and_stream():
    """TensorFlow Playground's "change η and go on": k epochs, then the optimizer's lr set to
    the new η and training on with the same generator gives exactly the run's numbers; and
    resume() from the stored checkpoint alone, into a fresh model and optimizer, gives them too."""
    k, more, new_lr, changes = 12, 5, 0.0005, dict(dropout=0.2, n=100, epochs=12)
    first, continued = exp.run(**changes), exp.run(**changes, then=((more, new_lr),))
    X, y, _, _ = exp.load("classification", "spirals", 100, 0.05, 2, seed=0)
    Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=0.25, seed=0)
    model = MLP([2, 16, 16, 2], dropout=0.2, seed=0)
    opt, rng = optim.get("adam", lr=0.003), np.random.default_rng(0)
    fit(model, Xt, yt, opt, batch_size=16, epochs=k, seed=rng, val=(Xv, yv))
    opt.lr = new_lr
    by_hand = fit(model, Xt, yt, opt, batch_size=16, epochs=more, seed=rng, val=(Xv, yv))
    tail = continued["curves"].iloc[k:]
    assert tail["epoch"].tolist() == list(range(k, k + more + 1)) and continued["changes"] == [(k, new_lr)]
    for column in ("train_loss", "val_loss", "val_acc", "lr"):     # row k: the first stage's lr
        assert np.array_equal(tail[column][1:], by_hand.epochs[column][1:]), column
    assert np.array_equal(tail["train_loss"], by_hand.epochs["train_loss"])
    assert np.array_equal(continued["curves"].iloc[:k + 1], first["curves"])
    for name, value in model.state_dict().items():
        if name != "rng":
            assert np.array_equal(continued["state"][name], value), name
    fresh = exp.resume(first["checkpoint"], MLP([2, 16, 16, 2], dropout=0.2, seed=5),
                       optim.get("adam", lr=1.0), (Xt, yt), (Xv, yv), 16, more, new_lr)[0]
    assert np.array_equal(fresh.epochs["train_loss"], by_hand.epochs["train_loss"])
    assert 12 in continued["epochs"]                               # a frame where η changes


def test_shade_is_the_class_plus_the_confidence_by_hand():
    assert exp.shade(np.array([[0.9, 0.1], [0.3, 0.7], [1.0, 0.0]])) == pytest.approx(
        [0 + (0.9 - 0.5) / 0.5, 1 + (0.7 - 0.5) / 0.5, 0.99])          # sure: capped at 0.99
    assert exp.shade(np.array([[0.2, 0.2, 0.6]])) == pytest.approx([2 + (0.6 - 1 / 3) / (2 / 3)])


def test_regression_uses_the_features_of_x_only():
    X = np.array([[2.0], [-1.0]])
    assert exp.inputs(X, ("x", "y", "x2")).tolist() == [[2.0, 4.0], [-1.0, 1.0]]
    with pytest.raises(ValueError, match="one input, x"):
        exp.inputs(X, ("y", "xy"))


def test_a_run_too_long_for_the_page_is_refused_with_numbers():
    with pytest.raises(ValueError, match=r"1000 epochs of 225 batches: 225,000 updates"):
        exp.run(batch_size=1, epochs=1000)


def test_uploads_are_standardized_so_units_do_not_matter():
    raw = (ROOT / "tests" / "data" / "crlf.csv").read_bytes()
    table = upload.parse(raw, "classification")
    rows = "".join(f"{a * 1000 + 5:.6f},{b * 1000:.6f},{k}\n"
                   for (a, b), k in zip(table.X, table.y))
    plain = exp.run(epochs=30, uploaded=upload.parse(raw, "classification"))
    scaled = exp.run(epochs=30, uploaded=upload.parse(("x1,x2,label\n" + rows).encode(),
                                                        "classification"))
    assert np.allclose(plain["curves"]["train_loss"], scaled["curves"]["train_loss"], rtol=1e-6)
    assert np.allclose(scaled["grid"][0], plain["grid"][0] * 1000 + 5, rtol=1e-6)


def test_figures_animate_only_the_moving_traces_within_budget(default):
    """The big map (trace 0) and the diagram's hidden and output maps move; the points and the
    input maps (2 + 2 traces after the map) stay out of the frames, and so does the hidden
    heat map, last, where lab/enlarge.py shows a clicked unit large."""
    fig = draw.training(default)
    assert fig.data[0].type == "heatmap" and len(fig.frames) == len(default["epochs"])
    moving = (0, *range(5, len(fig.data) - 1))
    assert fig.layout.meta["enlarge"]["trace"] == len(fig.data) - 1 and not fig.data[-1].visible
    assert all(f.traces == moving and f.data[0].type == "heatmap" for f in fig.frames)
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is True
    assert len(fig.to_json()) < 2e6
    sine = draw.training(exp.run(**SINE, epochs=50))
    curve = 2                                    # after the training and validation points
    assert sine.data[curve].name == "network" and sine.frames[0].traces[0] == curve


def test_the_display_toggles_hide_the_validation_points_and_discretize_the_map(default):
    """TensorFlow Playground's "Show test data" and "Discretize output"."""
    shown = draw.training(default, validation=False, discretize=True)
    points = [t for t in shown.data if t.type == "scatter"]
    training = (default["points"]["set"] == "training").sum()
    assert sum(len(t.x) for t in points) == training
    assert all(set(t.marker.symbol) == {"circle"} for t in points)
    for z in [shown.data[0].z, *(f.data[0].z for f in shown.frames)]:
        z = values(z) if isinstance(z, dict) else np.asarray(z)
        assert set(np.unique(z)) <= {0.5, 1.5}                 # class 0 or 1, one tint each
    sine = draw.training(exp.run(**SINE, epochs=5), validation=False)
    assert [t.name for t in sine.data if t.type == "scatter"] == ["training data", "network"]


def test_the_loss_figure_states_the_last_training_and_validation_loss(default):
    """... and names its lines in their colours: the subtitle is the legend (no legend box to
    collide with the title)."""
    last = default["curves"].iloc[-1]
    fig = draw.losses(default)
    title = fig.layout.title.text
    assert (f"epoch 200: training {last['train_loss']:.4g}, validation {last['val_loss']:.4g}"
            in re.sub(r"<[^>]+>|[━╍] ", "", title))
    for line in fig.data[:2]:
        assert f"<span style='color:{line.line.color}'>{'━' if line.line.dash == 'solid' else '╍'} {line.name}</span>" in title
    assert fig.layout.showlegend is False


def test_the_main_figure_states_each_frames_losses_as_it_plays(default):
    """TensorFlow Playground's "Training loss / Test loss", moving with the slider, each loss
    after the mark of its points: the title is the points' legend (no legend box to stand on
    the title's second line), on the sine in the points' colours, with the curve's."""
    fig, c = draw.training(default), default["curves"]
    for frame in (fig.frames[0], fig.frames[-1]):
        row = c[c["epoch"] == int(frame.name)].iloc[0]
        assert (f"epoch {frame.name}, loss: ● training {row['train_loss']:.4g}, ◆ validation "
                f"{row['val_loss']:.4g}") in frame.layout.title.text
    assert fig.layout.title.text == fig.frames[-1].layout.title.text and fig.layout.showlegend is False
    sine = draw.training(exp.run(**SINE, epochs=5))
    points, curve = {t.name: t.marker.color for t in sine.data[:2]}, sine.data[2].line.color
    title = sine.layout.title.text
    assert f"<span style='color:{curve}'>━ curve</span>" in title and sine.layout.showlegend is False
    assert (f"<span style='color:{points['training data']}'>●</span> training" in title
            and f"<span style='color:{points['validation data']}'>◆</span> validation" in title)


def test_loss_axis_ticks_are_readable_numbers():
    assert draw.log_ticks([0.04, 0.7])["ticktext"] == ["0.05", "0.1", "0.2", "0.5", "1"]
    assert draw.log_ticks([3e-5, 2.0])["ticktext"] == ["0.0001", "0.001", "0.01", "0.1", "1"]


# ---- the page -------------------------------------------------------------------------------


@pytest.fixture
def app():
    return open_lesson("playground", timeout=60).run()


def test_page_loads_with_the_animated_map_the_losses_and_two_metrics(app):
    assert not app.exception and len(app.get("plotly_chart")) == 2
    figure = spec(app)
    assert figure["data"][0]["type"] == "heatmap" and len(figure["frames"]) <= exp.MAX_FRAMES
    assert [m.label for m in app.metric] == ["training accuracy", "validation accuracy"]
    assert float(app.metric[1].value.rstrip("%")) >= 95
    confusion = app.table[0].value
    assert list(confusion.index) == ["true class 0", "true class 1"] and confusion.to_numpy().trace() > 0
    main, side = (sorted(w.key for kind in ("selectbox", "slider", "select_slider", "multiselect")
                         for w in getattr(part, kind)) for part in (app.main, app.sidebar))
    assert main == sorted(f"playground.{name}" for name in
                          ("dataset", "features", "layers", "width", "activation", "lr"))
    assert "playground.optimizer" in side and "playground.epochs" not in main


def test_changing_the_data_set_and_the_depth_reruns_and_changes_the_figure(app):
    before = spec(app)["data"][1]["x"]
    app.selectbox(key="playground.dataset").set_value("moons").run()
    assert not app.exception and spec(app)["data"][1]["x"] != before
    app.slider(key="playground.layers").set_value(0).run()
    assert not app.exception and app.query_params["layers"] == "0"


def test_a_run_too_long_gives_a_sentence_not_a_traceback(app):
    app.number_input(key="playground.batch_size").set_value(1)
    app.number_input(key="playground.epochs").set_value(1000).run()
    assert not app.exception and "use fewer epochs" in app.error[0].value


@pytest.mark.parametrize("preset", [
    "XOR, no hidden layer", "Spirals: go deep",
    "Circles, features x² and y²", "Regression on a sine",
    "Dropout 0.6", "SGD η = 0.5, then η = 0.05", "Sine, SGD η = 1"])
def test_each_preset_applies(app, preset):
    app.button(key=f"playground.preset.{preset}").click().run()
    if app.info:                                   # a question first
        app.button(key="playground.reveal").click().run()
    assert not app.exception and len(app.get("plotly_chart")) == 2
    if preset == "Sine, SGD η = 1":
        assert "diverged at step" in app.error[0].value
    if preset == "Regression on a sine":
        assert [m.label for m in app.metric] == ["training RMSE", "validation RMSE", "validation R²"]


def test_regression_on_the_gaussians_draws_the_models_predictions_as_a_heat_map(app):
    """The preset's big map: z at every grid point is the trained network's prediction there
    (rounded to 3 decimals for the browser), on a colour scale with a labelled colour bar that
    the points, coloured by their targets, share."""
    app.button(key="playground.preset.Multi Gaussian (regression)").click().run()
    assert not app.exception and app.metric[-1].label == "validation R²"
    heat, *points = spec(app)["data"][:3]
    result = exp.run(problem="regression", dataset="gaussians")
    model = MLP(result["sizes"], loss="mse")
    model.load_state_dict(result["state"])
    xx, yy = np.meshgrid(values(heat["x"]), values(heat["y"]))
    predicted = model.predict(data.add_features(np.column_stack([xx.ravel(), yy.ravel()]),
                                                ("x", "y"))).reshape(xx.shape)
    assert np.allclose(values(heat["z"]), predicted, atol=1e-3)
    assert heat["colorbar"]["title"]["text"].startswith("target")
    assert all(p["marker"]["cmin"] == heat["zmin"] and p["marker"]["cmax"] == heat["zmax"]
               for p in points)
    assert not indistinct_pairs(spec(app))
    assert any("predicted values go from" in c.value for c in app.caption)
    X, y = data.make_plane(40, seed=2)                 # the learner's file: two inputs, a number
    raw = "a,b,height\n" + "".join(f"{p:.3f},{q:.3f},{t:.3f}\n" for (p, q), t in zip(X, y))
    app.file_uploader[0].set_value(("plane.csv", raw.encode(), "text/csv")).run()
    assert not app.exception and "plane.csv" in app.success[0].value
    mine = spec(app)
    assert mine["data"][0]["type"] == "heatmap" and mine["layout"]["xaxis"]["title"]["text"] == "a"


def test_an_uploaded_csv_with_two_inputs_and_a_number_is_a_map_of_the_predicted_value():
    X, y = data.make_plane(60, seed=1)
    raw = "a,b,height\n" + "".join(f"{p:.4f},{q:.4f},{t * 100:.4f}\n" for (p, q), t in zip(X, y))
    result = exp.run(problem="regression", epochs=5, uploaded=upload.parse(raw.encode(), "regression"))
    assert result["columns"] == ("a", "b", "height") and result["z"].shape[1:] == (exp.GRID, exp.GRID)
    fig = draw.training(result)
    assert fig.data[0].type == "heatmap" and fig.layout.xaxis.title.text == "a"
    assert len(fig.frames) == len(result["epochs"])           # the map moves with the slider
    assert all(f.traces[0] == 0 and f.data[0].type == "heatmap" for f in fig.frames)
    assert np.allclose(values(fig.frames[-1].data[0].z), result["z"][-1], atol=5e-4)


def test_uploaded_csv_trains_and_a_bad_one_is_explained(app):
    app.file_uploader[0].set_value(("mine.csv", upload.template("classification").encode(),
                                    "text/csv")).run()
    assert not app.exception and "mine.csv" in app.success[0].value
    assert spec(app)["layout"]["xaxis"]["title"]["text"] == "x1"
    app.file_uploader[0].set_value(("bad.csv", (ROOT / "tests" / "data" / "semicolon.csv")
                                    .read_bytes(), "text/csv")).run()
    assert not app.exception and "use commas" in app.error[0].value
    assert spec(app)["layout"]["xaxis"]["title"]["text"] == "x"        # back on built-in data
