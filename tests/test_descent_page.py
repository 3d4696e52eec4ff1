"""Descent lesson: the race's verdicts, momentum's rate map against its closed forms, the page."""
import json
import math

import numpy as np
import pytest

from experiments import descent as exp
from viz import descent as draw
from tests.helpers import open_lesson, values

DEFAULT = dict(surface_name="valley", kappa=100.0, optimizers=("sgd", "momentum", "adam"),
               lrs=(1.5, 2.0, 0.5), beta=0.8, schedule="constant", steps=150)


def by_name(verdicts):
    return verdicts.set_index("optimizer")


# ---- the rate map against the closed forms -------------------------------------------------

def test_without_momentum_the_rate_is_the_worst_of_one_minus_alpha_lambda():
    alphas = np.array([0.1, 0.5, 1.0, 1.5, 1.99, 2.5])
    expected = [max(abs(1 - a * 0.01), abs(1 - a * 1.0)) for a in alphas]   # λ = 0.01 and 1
    assert np.allclose(exp.heavy_ball_rate(alphas, 0.0, 0.01, 1.0), expected)


def test_best_step_size_without_momentum_gives_kappa_minus_one_over_kappa_plus_one():
    # κ = 100: α = 2 / (0.01 + 1) and rate 99 / 101
    assert exp.heavy_ball_rate(2 / 1.01, 0.0, 0.01, 1.0) == pytest.approx(99 / 101)
    best = exp.best_rates(0.01, 1.0)
    assert best["gd_alpha"] == pytest.approx(2 / 1.01) and best["gd_rate"] == pytest.approx(99 / 101)


def test_best_momentum_gives_root_kappa_minus_one_over_root_kappa_plus_one():
    # κ = 100, √κ = 10: α = (2 / (0.1 + 1))², β = (9 / 11)², rate 9 / 11
    alpha, beta = (2 / 1.1) ** 2, (9 / 11) ** 2
    assert exp.heavy_ball_rate(alpha, beta, 0.01, 1.0) == pytest.approx(9 / 11)
    best = exp.best_rates(0.01, 1.0)
    assert (best["hb_alpha"], best["hb_beta"], best["hb_rate"]) == pytest.approx((alpha, beta, 9 / 11))
    _, _, rates = exp.rate_map(0.01, 1.0)
    assert rates.min() >= 9 / 11 - 1e-9            # nothing on the map beats the optimum


def test_rate_is_the_spectral_radius_of_the_iteration_matrix_at_the_worst_curvature():
    rng = np.random.default_rng(0)
    for alpha, beta in zip(rng.uniform(0.01, 4, 30), rng.uniform(0, 0.99, 30)):
        lams = np.linspace(0.05, 1.0, 60)           # the worst λ over the whole interval
        worst = max(max(abs(np.linalg.eigvals([[1 + beta - alpha * lam, -beta], [1, 0]])))
                    for lam in lams)
        assert exp.heavy_ball_rate(alpha, beta, 0.05, 1.0) == pytest.approx(worst, rel=1e-9)


def test_divergence_region_starts_at_two_over_lambda_max_without_momentum():
    alphas, betas, rates = exp.rate_map(0.01, 1.0)
    assert betas[0] == 0
    assert np.all(rates[0][alphas < 1.99] < 1) and np.all(rates[0][alphas > 2.01] > 1)


def test_steps_to_shrink_the_error():
    assert exp.steps_to_shrink(0.5) == 10             # 0.5^10 < 1e-3 < 0.5^9
    assert exp.steps_to_shrink(1.0) == math.inf


# ---- the race and its verdicts ---------------------------------------------------------------

def test_sgd_path_on_the_valley_matches_the_update_rule_by_hand():
    runs = exp.race("valley", 100.0, ("sgd",), (1.0,), 0.0, "constant", 100)
    # x ← x − η x / κ = 0.99 x; y ← y − η y = 0 (the start is (−9, 3))
    assert runs["y"].iloc[1] == 0
    assert runs["x"].iloc[100] == pytest.approx(-9 * 0.99 ** 100)


def test_momentum_run_contracts_at_the_predicted_rate():
    runs = exp.race("valley", 100.0, ("momentum",), (2.0,), 0.8, "constant", 400)
    size = np.hypot(runs["x"], runs["y"]).to_numpy()
    measured = (size[300:350].max() / size[100:150].max()) ** (1 / 200)
    assert measured == pytest.approx(exp.heavy_ball_rate(2.0, 0.8, 0.01, 1.0), rel=0.01)


def test_default_race_sgd_zig_zags_then_crawls_momentum_wins_adam_arrives():
    runs = exp.race(**DEFAULT)
    sgd = runs.query("optimizer == 'sgd'")
    # η = 1.5 across the steep walls (λ = 1): y ← (1 − 1.5) y, from y = 3 flipping side each step
    assert np.allclose(sgd["y"].iloc[:6], 3 * (-0.5) ** np.arange(6))
    # ... and along the floor (λ = 1/100): x ← (1 − 0.015) x, still far from 0 after 150 steps
    assert sgd["x"].iloc[150] == pytest.approx(-9 * 0.985 ** 150) and sgd["x"].iloc[150] < -0.9
    v = by_name(exp.verdicts(runs, surface_name="valley", kappa=100.0))
    assert v.loc["sgd", "verdict"] == "still going" and v.loc["sgd", "final_gap"] > 10 * exp.CLOSE
    assert v.loc["momentum", "verdict"] == "converged" and v.loc["momentum", "step"] < 60
    assert v.loc["adam", "verdict"] == "converged" and v.loc["adam", "step"] > v.loc["momentum", "step"]
    assert "SGD is still going after 150 steps" in v.loc["sgd", "sentence"]


def test_sgd_above_two_over_lambda_max_diverges_on_the_bowl_and_the_verdict_says_so():
    # bowl: λ = 1, start (−2.5, 2); η = 3 multiplies the position by 1 − 3 = −2 each step, so
    # |x| = 2.5 · 2^t first passes 1e6 at t = 19.
    runs = exp.race("bowl", 1.0, ("sgd", "momentum"), (3.0, 0.5), 0.5, "constant", 60)
    v = by_name(exp.verdicts(runs, surface_name="bowl", kappa=1.0))
    assert v.loc["sgd", "verdict"] == "diverged" and v.loc["sgd", "step"] == 19
    assert v.loc["sgd", "sentence"].startswith("SGD diverged at step 19")
    assert v.loc["momentum", "verdict"] == "converged"
    calm = exp.race("bowl", 1.0, ("sgd",), (1.9,), 0.0, "constant", 60)
    assert by_name(exp.verdicts(calm, surface_name="bowl", kappa=1.0)).loc["sgd", "verdict"] == "converged"


def test_double_well_traps_sgd_and_momentum_rolls_over_the_hump():
    runs = exp.race("double_well", 1.0, ("sgd", "momentum"), (0.05, 0.05), 0.9, "constant", 200)
    v = by_name(exp.verdicts(runs, surface_name="double_well", kappa=1.0))
    assert v.loc["sgd", "verdict"] == "local minimum"
    assert runs.query("optimizer == 'sgd'")["x"].iloc[-1] < 0          # the left, shallower well
    assert v.loc["momentum", "verdict"] == "converged"


def test_gradient_descent_started_on_the_saddle_line_stalls_there():
    runs = exp.race("saddle", 1.0, ("sgd",), (0.1,), 0.0, "constant", 200, start=(-2.0, 0.0))
    v = by_name(exp.verdicts(runs, surface_name="saddle", kappa=1.0))
    assert v.loc["sgd", "verdict"] == "flat spot" and "stalled" in v.loc["sgd", "sentence"]


def test_bad_settings_say_why():
    with pytest.raises(ValueError, match="off this surface's map"):
        exp.race("rosenbrock", 1.0, ("sgd",), (1e-3,), 0.0, "constant", 10, start=(-9.0, 3.0))
    with pytest.raises(ValueError, match="Nesterov"):
        exp.race("valley", 100.0, ("nesterov",), (1.0,), 0.0, "constant", 10)
    with pytest.raises(ValueError, match="at least one optimizer"):
        exp.race("valley", 100.0, (), (), 0.9, "constant", 10)


def test_schedules_are_scaled_to_the_run():
    runs = exp.race("bowl", 1.0, ("sgd",), (3.0,), 0.0, "cosine", 60)   # lr falls below 2 in time
    assert by_name(exp.verdicts(runs, surface_name="bowl", kappa=1.0)).loc["sgd", "verdict"] != "diverged"


def test_contour_map_is_lowest_at_the_minimum():
    xs, ys, z = exp.contour_grid("rosenbrock", 1.0)
    i, j = np.unravel_index(z.argmin(), z.shape)
    assert np.isfinite(z).all() and abs(xs[j] - 1) < 0.05 and abs(ys[i] - 1) < 0.05


# ---- figures ---------------------------------------------------------------------------------

def race_figure(surface="valley", kappa=100.0, optimizers=exp.OPTIMIZERS, lrs=None, steps=1000):
    lrs = lrs or tuple(0.01 for _ in optimizers)
    runs = exp.race(surface, kappa, optimizers, lrs, 0.9, "constant", steps)
    verdicts = exp.verdicts(runs, surface_name=surface, kappa=kappa)
    grid = exp.contour_grid(surface, kappa)
    return draw.race(runs, grid, exp.surface(surface, kappa), verdicts), runs, verdicts


def test_race_figure_keeps_the_contour_map_out_of_at_most_200_small_frames():
    fig, _, _ = race_figure()
    assert fig.layout.images[0].source.startswith("data:image/png;base64,")   # the map
    assert fig.layout.images[0].layer == "below" and 0 < len(fig.frames) <= 200
    assert fig.data[0].type == "heatmap" and fig.data[0].opacity == 0    # the map's colour bar
    assert fig.data[0].colorbar.title.text and fig.data[0].hovertemplate     # and its read-out
    moving = set(fig.frames[0].traces)
    assert all(set(frame.traces) == moving for frame in fig.frames) and 0 not in moving
    modes = [fig.data[i].mode for i in sorted(moving)]
    assert modes == ["lines"] * len(exp.OPTIMIZERS) + ["markers", "lines+markers", "lines+markers"]
    # no spoiler: at step 0 each route is its start point only; it grows frame by frame
    assert all(len(fig.data[i].x) == 1 for i in sorted(moving)[:len(exp.OPTIMIZERS)])
    lengths = np.array([[len(values(d.x)) for d in f.data[:len(exp.OPTIMIZERS)]] for f in fig.frames])
    assert np.all(np.diff(lengths, axis=0) >= 0) and np.all(lengths[-1] > 40)
    assert not any(frame.layout.images for frame in fig.frames)
    assert len(fig.to_json()) < 1.5e6
    routes = [t.name for t in fig.data if t.type == "scatter" and t.mode == "lines"]
    assert routes == [exp.labels.OPTIMIZERS[n] for n in exp.OPTIMIZERS]


def test_divergence_is_marked_on_both_figures():
    fig, runs, verdicts = race_figure("bowl", 1.0, ("sgd",), (3.0,), 60)
    cross = next(i for i, d in enumerate(fig.data) if "left the map" in (d.hovertemplate or ""))
    assert len(fig.data[cross].x) == 0 and not fig.layout.annotations      # not before Play
    shown = [f.data[f.traces.index(cross)].text for f in fig.frames]
    assert shown[18] == () and shown[19] == ("✕ SGD diverged at step 19",) == shown[-1]
    loss = draw.loss_curves(runs, verdicts, exp.CLOSE)
    assert loss.data[1].text == ("diverged at step 19",) and loss.layout.yaxis.type == "log"


# ---- the page --------------------------------------------------------------------------------

@pytest.fixture
def app():
    return open_lesson("descent", timeout=60).run()


def charts(at):
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def in_words(at):
    """The texts under the figures: lab.page.show_figure's "In words:" captions."""
    return [c.value.removeprefix("**In words:** ") for c in at.caption if c.value.startswith("**In words:**")]


def test_page_loads_with_the_race_the_loss_and_the_rate_map(app):
    assert not app.exception
    race, loss, rate = charts(app)
    routes = [t["name"] for t in race["data"] if t.get("mode") == "lines"]
    assert race["layout"]["images"][0]["source"].startswith("data:image/png")   # the contour map
    assert routes == ["SGD", "SGD + momentum", "Adam"]           # one path per optimizer
    assert 0 < len(race["frames"]) <= 200
    assert all("layout" not in frame and 0 not in frame["traces"] for frame in race["frames"])
    assert len(app.get("plotly_chart")[0].proto.spec) < 1.5e6
    assert loss["layout"]["yaxis"]["type"] == "log" and rate["data"][0]["type"] == "heatmap"
    runs = exp.race(**DEFAULT)
    verdicts = exp.verdicts(runs, surface_name="valley", kappa=100.0)
    race_words, loss_words, rate_words = in_words(app)
    assert race_words == exp.describe_race(runs, verdicts)
    assert loss_words == exp.describe_loss_curves(runs, verdicts)
    assert rate_words.startswith("Heat map of heavy-ball momentum's rate per step on this quadratic (κ = 100)")
    assert any("SGD + momentum converged" in m.value for m in app.markdown)


def test_changing_surface_optimizers_and_lr_reruns(app):
    app.selectbox(key="descent.surface").set_value("rosenbrock").run()
    assert not app.exception and len(charts(app)) == 2           # no rate map off quadratics
    assert charts(app)[0]["layout"]["xaxis"]["range"] == [-2.0, 2.0]
    app.multiselect(key="descent.optimizers").set_value(["adam", "rmsprop"]).run()
    names = {t.get("name") for t in charts(app)[0]["data"]}
    assert not app.exception and {"Adam", "RMSprop"} <= names and "SGD" not in names
    app.selectbox(key="descent.surface").set_value("bowl").run()
    app.multiselect(key="descent.optimizers").set_value(["sgd"]).run()
    app.select_slider(key="descent.lr_sgd").set_value(3.0).run()
    assert not app.exception and any("SGD diverged at step 19" in m.value for m in app.markdown)
    assert app.query_params["lr_sgd"] == "3"


def test_an_off_map_start_in_a_link_moves_onto_the_map_instead_of_failing():
    at = open_lesson("descent")
    at.query_params.update(surface="camel", own_start="1", x0="-9")
    at.run()
    assert not at.exception and not at.error
    assert at.sidebar.slider(key="descent.x0").value == exp.surface("camel", 100.0).xlim[0] == -2.2


PRESET_SHOWS = {  # preset -> (surface, a sentence the verdicts must contain)
    "Bowl, SGD η = 3": ("bowl", "SGD diverged at step 19"),
    "Valley, SGD η = 2": ("valley", "SGD bounces between the walls for ever"),
    "Momentum through the valley": ("valley", "SGD + momentum converged"),
    "Saddle point: plain GD stalls": ("saddle", "SGD is still going"),
    "Rosenbrock banana": ("rosenbrock", "Adam converged"),
    "Double well": ("double_well", "SGD is stuck in a local minimum"),
}


@pytest.mark.parametrize("preset", PRESET_SHOWS)
def test_each_preset_applies(app, preset):
    app.button(key=f"descent.preset.{preset}").click().run()
    if any(b.key == "descent.reveal" for b in app.button):
        app.button(key="descent.reveal").click().run()
    surface, sentence = PRESET_SHOWS[preset]
    assert not app.exception and app.query_params["surface"] == surface
    assert any(sentence in m.value for m in app.markdown)
    if surface == "double_well":   # the sentence under the verdicts: other starts
        assert any("From 100 random starts on the map, SGD + momentum ends in the deepest minimum in"
                   in m.value for m in app.markdown)
    elif surface == "bowl":
        assert any("η = 1 = 1/λ lands on the minimum in one step" in c.value for c in app.caption)


def test_controls_that_do_nothing_are_hidden_and_the_start_stays_on_the_map():
    """Start x/y only with "choose my own start", their sliders span the surface's map (a start
    y of 10 is off the valley, whose map ends at ±5); η only for the optimizers in the race."""
    at = open_lesson("descent")
    at.query_params.update(optimizers="sgd", surface="valley")
    at.run()
    shown = {s.label for s in at.sidebar.slider} | {s.label for s in at.sidebar.select_slider}
    assert "start x" not in shown and "start y" not in shown
    assert "learning rate η, SGD" in shown and "learning rate η, Adam" not in shown
    assert "momentum β (SGD + momentum, Nesterov)" not in shown
    at.sidebar.checkbox(key="descent.own_start").check().run()
    assert not at.exception
    start_y = next(s for s in at.sidebar.slider if s.label == "start y")
    assert (start_y.min, start_y.max) == exp.surface("valley", 100.0).ylim == (-5.0, 5.0)
    at.sidebar.selectbox(key="descent.surface").set_value("bowl").run()
    start_y = next(s for s in at.sidebar.slider if s.label == "start y")
    assert (start_y.min, start_y.max) == (-3.0, 3.0) and -3.0 <= start_y.value <= 3.0
    assert "condition number κ (valley only)" not in {s.label for s in at.sidebar.select_slider}
