"""Network loss landscape: the slice and the line agree with the trained model, and the page."""
from pathlib import Path

import numpy as np
import pytest

from experiments import landscape as exp
from lab import upload
from viz import landscape as draw
from tests.helpers import chart_spec as spec, open_lesson, values

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def default():
    return exp.explore()


def test_contour_centre_is_the_trained_models_loss(default):
    model, X, y, _ = exp.train()
    Z, c = default["Z"], len(default["alphas"]) // 2
    assert Z.shape == (41, 41) and default["alphas"][c] == 0 and default["betas"][c] == 0
    assert Z[c, c] == pytest.approx(model.loss(X, y), rel=1e-9)
    assert default["final_loss"] == pytest.approx(model.loss(X, y), rel=1e-12)
    assert default["final_loss"] < default["init_loss"] / 10   # training worked


def test_even_resolution_is_made_odd_so_the_centre_stays_on_the_grid():
    model, X, y, hist = exp.train(epochs=5)
    alphas, betas, Z, _, _ = exp.plane(model, X, y, hist.thetas, "random", resolution=22)
    assert Z.shape == (23, 23) and alphas[11] == 0 and Z[11, 11] == pytest.approx(model.loss(X, y))


@pytest.mark.parametrize("extend", [False, True])
def test_interpolation_ends_are_the_losses_at_init_and_final(extend):
    model, X, y, hist = exp.train(epochs=20)
    line = exp.interpolation(model, X, y, hist.thetas[0], extend)
    at = dict(zip(line["t"].round(6), line["loss"]))
    init = exp.train(epochs=20)[0].copy()
    init.theta = hist.thetas[0]
    assert at[0.0] == pytest.approx(hist.epochs["train_loss"][0], rel=1e-9)
    assert at[0.0] == pytest.approx(init.loss(X, y), rel=1e-9)
    assert at[1.0] == pytest.approx(model.loss(X, y), rel=1e-9)
    assert line["t"].min() == (-0.5 if extend else 0.0) and line["t"].max() == (1.5 if extend else 1.0)


def test_path_starts_at_init_and_ends_at_the_centre_on_pca_directions(default):
    path = default["path"]
    assert len(path) <= exp.MAX_PATH and path["snapshot"].iloc[0] == 0
    assert path[["alpha", "beta"]].iloc[-1].abs().max() < 1e-9          # θ* is the origin
    assert path["loss"].iloc[0] == pytest.approx(default["init_loss"])
    assert path["loss"].iloc[-1] == pytest.approx(default["final_loss"])
    ratio = default["explained"]
    assert ratio[0] >= ratio[1] > 0 and ratio.sum() <= 1 + 1e-12 and ratio.sum() > 0.8
    assert path["update"].iloc[-1] == 1000          # 100 epochs x 10 batches of 20


def test_the_path_reports_its_true_loss_the_colour_under_it_and_how_far_off_the_plane(default):
    path = default["path"]
    assert path["plane_loss"].iloc[-1] == pytest.approx(default["final_loss"])   # θ* is on the plane
    assert path["off_plane"].iloc[-1] == 0 and path["off_plane"].between(0, 1).all()
    start = path.iloc[0]          # issue 15: start true loss 0.79, the map under it 0.29
    assert round(start["loss"], 2) == 0.79 and round(start["plane_loss"], 2) == 0.29
    said = exp.off_plane(default)
    assert "differ by up to 0.50 (update 0: true loss 0.79, colour 0.29)" in said
    assert "19% of the distance from the start θ₀ to θ* lies off the plane" in said
    flat = draw.surface(default)
    path_trace = next(t for t in flat.data if t.name == "training path")
    assert np.allclose(np.asarray(path_trace.customdata)[:, 2], path["plane_loss"])
    assert "colour under it" in path_trace.hovertemplate
    lifted = draw.surface(default, three_d=True)
    by_name = {t.name: t for t in lifted.data}
    assert np.allclose(values(by_name["training path (its true loss)"].z), path["loss"], atol=1e-4)
    assert np.allclose(values(by_name["its shadow on the surface"].z), path["plane_loss"], atol=1e-4)
    drops = values(by_name["true loss − loss on the plane"].z).reshape(-1, 3)
    assert len(drops) == 25 and np.isnan(drops[:, 2]).all()
    assert drops[0, 0] == pytest.approx(start["loss"], abs=1e-4)
    assert drops[0, 1] == pytest.approx(start["plane_loss"], abs=1e-4)


def test_rival_changes_one_thing():
    s = {"optimizer": "adam", "batch_size": 20, "directions": "PCA"}
    assert exp.rival(s, "none") is None
    assert exp.rival(s, "full batch")[1]["batch_size"] == exp.N_POINTS
    assert exp.rival(s, "SGD vs Adam")[1:] == (s | {"optimizer": "sgd"}, "SGD")
    assert exp.rival(s, "other directions")[1]["directions"] == "random"
    with pytest.raises(ValueError, match="comparison"):
        exp.rival(s, "everything")


def test_an_uploaded_csv_trains_full_batch_on_all_its_rows():
    raw = (DATA / "names.csv").read_bytes()              # 90 rows, 3 named classes
    model, X, y, hist = exp.train(batch_size=200, epochs=5, uploaded=upload.parse(raw, "classification"))
    assert X.shape == (90, 2) and np.allclose(X.std(axis=0), 1) and model.sizes[-1] == 3
    assert len(hist.steps["step"]) == 5                   # batch 200 > 90 rows: one step per epoch
    assert exp.rival({"batch_size": 20}, "full batch", n=90)[1:] == ({"batch_size": 90},
                                                                     "full batch (90)")
    with pytest.raises(ValueError, match="use fewer epochs or a larger batch size"):
        exp.train(epochs=1000, batch_size=1, uploaded=upload.parse(raw, "classification"))


def test_figure_keeps_the_map_static_and_few_light_frames(default):
    fig = draw.surface(default)
    assert fig.layout.images[0].source.startswith("data:image/png;base64,")   # survives Play
    assert 0 < len(fig.frames) <= 200 and not any(t.type == "contour" for t in fig.data)
    assert all(t.opacity == 0 for t in fig.data if t.type == "heatmap")   # hover only: Play blanks it
    moving = {"training path", "now"}
    assert all({fig.data[i].name for i in f.traces} == moving for f in fig.frames)
    assert len(fig.to_json()) < 1.5e6
    assert draw.surface(default, three_d=True).data[0].type == "surface"


@pytest.fixture
def app():
    return open_lesson("landscape", timeout=60).run()


def test_page_draws_the_slice_with_the_path_and_the_line(app):
    assert not app.exception and len(app.get("plotly_chart")) == 2
    surface, line = spec(app, 0), spec(app, 1)
    assert surface["layout"]["images"] and all(d["type"] == "scatter" or d["opacity"] == 0 for d in surface["data"])
    assert 0 < len(surface["frames"]) <= 200 and "PCA direction 1" in surface["layout"]["xaxis"]["title"]["text"]
    assert any("differ by up to 0.50" in c.value for c in app.caption)
    t = values(line["data"][0]["x"])
    assert t[0] == 0 and t[-1] == 1
    assert len(app.get("plotly_chart")[0].proto.spec) < 1.5e6


def test_widgets_change_the_figure(app):
    app.radio(key="landscape.directions").set_value("random").run()
    assert not app.exception and "random direction" in spec(app)["layout"]["xaxis"]["title"]["text"]
    app.checkbox(key="landscape.three_d").check().run()
    assert not app.exception and spec(app)["data"][0]["type"] == "surface"
    app.checkbox(key="landscape.extend").check().run()
    assert values(spec(app, 1)["data"][0]["x"])[0] == -0.5 and app.query_params["extend"] == "1"


def test_each_preset_asks_then_compares_two_runs(app):
    for preset in ("Small batch vs full batch", "Adam vs SGD", "Random vs PCA directions"):
        app.button(key=f"landscape.preset.{preset}").click().run()
        assert not app.get("plotly_chart") and app.info, preset
        app.button(key="landscape.reveal").click().run()
        assert not app.exception and len(app.get("plotly_chart")) == 3, preset
        titles = [spec(app, i)["layout"]["title"]["text"] for i in (0, 1)]
        assert titles[0] != titles[1], preset


def test_uploaded_csv_trains_and_a_bad_one_is_explained(app):
    uploader = app.file_uploader(key="landscape.csv")
    uploader.set_value(("names.csv", (DATA / "names.csv").read_bytes(), "text/csv")).run()
    assert not app.exception and "names.csv" in app.success[0].value
    assert any("90 rows" in c.value for c in app.caption) and len(app.get("plotly_chart")) == 2
    trained = [m.value for m in app.markdown if "training accuracy" in m.value]
    app.file_uploader(key="landscape.csv").set_value(
        ("bad.csv", (DATA / "one_class.csv").read_bytes(), "text/csv")).run()
    assert not app.exception and "only one class" in app.error[0].value
    assert [m.value for m in app.markdown if "training accuracy" in m.value] != trained
    assert not any("90 rows" in c.value for c in app.caption)                # built-in data
