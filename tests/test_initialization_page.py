"""Initialization lesson: symmetry of zero/constant init, vanishing and saturating signals
against the variance formula, the figures, and the page itself."""
import json
import math

import numpy as np
import pytest

from experiments import initialization as exp
from viz import initialization as draw
from tests.helpers import open_lesson


@pytest.fixture(scope="module")
def runs():
    return {k: exp.train(k) for k in ("zeros", "constant", "xavier_normal", "he_normal")}


def test_zero_and_constant_init_keep_every_hidden_unit_identical(runs):
    for scheme in ("zeros", "constant"):
        assert exp.identical(runs[scheme]) and runs[scheme]["max_difference"][0] == 0.0
        probe = runs[scheme]["probe"]
        assert probe.shape == (16, exp.PROBE) and np.all(probe == probe[0])
    assert not runs["zeros"]["probe"].any()             # zeros: every activation is 0
    assert np.ptp(runs["constant"]["probe"]) > 0.1      # constant: units move, but together


def test_xavier_and_he_break_the_symmetry_and_learn(runs):
    for scheme in ("xavier_normal", "he_normal"):
        assert min(runs[scheme]["max_difference"]) > 0.5
        assert runs[scheme]["curve"]["loss"].iloc[-1] < 0.1


def test_zero_init_loss_stays_at_a_coin_flip(runs):
    loss = runs["zeros"]["curve"]["loss"]
    assert np.allclose(loss, math.log(2), atol=0.01)     # log 2: p = 1/2 for both classes
    sentence = exp.symmetry_sentence("zeros", runs["zeros"], 60)
    assert "all 16 hidden units in layer 1 are identical" in sentence
    assert "max difference 0.0" in sentence
    assert "zeros 0.696 (no better than a coin flip)" in exp.verdict(runs)


def test_initializers_have_the_requested_spread():
    rng = np.random.default_rng(0)
    W = exp.initializer("normal", 0.3)(400, 500, rng)
    assert W.std() == pytest.approx(0.3, rel=0.02)
    U = exp.initializer("uniform", 0.3)(400, 500, rng)
    assert np.abs(U).max() <= math.sqrt(3) * 0.3 and U.std() == pytest.approx(0.3, rel=0.02)
    assert np.all(exp.initializer("constant")(3, 4, rng) == 0.1)
    with pytest.raises(ValueError, match="initialization"):
        exp.initializer("glorot")


def test_small_sigma_shrinks_each_layer_by_sqrt_fan_in_times_sigma():
    # tanh(z) ≈ z near 0, so std(a_l) ≈ sqrt(16) · 0.01 · std(a_{l-1}) = 0.04 · std(a_{l-1})
    stds = exp.spread(("normal",), sigma=0.01)
    act = stds[stds["quantity"] == "activation"]["std"].to_numpy()
    assert np.allclose(act[1:] / act[:-1], 0.04, rtol=0.35)
    grad = stds[stds["quantity"] == "gradient"]["std"].to_numpy()
    assert grad[0] < 1e-6 * grad[-1]                    # the first layer's gradient vanished


def test_xavier_keeps_tanh_and_he_keeps_relu_signals_alive():
    for scheme, activation in (("xavier_normal", "tanh"), ("he_normal", "relu")):
        stds = exp.spread((scheme,), depth=10, width=64, activation=activation)
        for quantity in ("activation", "gradient"):
            s = stds[stds["quantity"] == quantity]["std"].to_numpy()
            assert 1 / 3 < s[-1] / s[0] < 3, (scheme, quantity)


def test_large_sigma_saturates_tanh():
    last = exp.signals("normal", sigma=1.0)["activation"][-1]
    assert np.mean(np.abs(last) > 0.9) > 0.5


def test_histograms_are_fractions_and_zero_init_is_one_spike():
    hist = exp.histograms("zeros")
    sums = hist.groupby(["quantity", "layer"])["fraction"].sum()
    assert np.allclose(sums, 1.0) and len(sums) == 12
    assert hist.groupby(["quantity", "layer"])["fraction"].max().eq(1.0).all()


def test_work_budget_allows_ten_layers_and_refuses_the_largest_views():
    exp.check_work(5, depth=10, epochs=60)            # "Add layers (depth 10)"
    with pytest.raises(ValueError, match="5 networks of 10 hidden layers for 200 epochs: 10,000 updates"):
        exp.check_work(5, depth=10, epochs=200)


def test_figures_show_the_symmetry_the_zero_note_and_divergence(runs):
    fig = draw.symmetry(runs)
    assert len(fig.data) == 4 and "identical" in fig.layout.annotations[0].text
    spread = draw.spread(exp.spread(("zeros", "he_normal")))
    assert any(a.text.startswith("zeros: every value is exactly 0") for a in spread.layout.annotations)
    exploding = {"normal": exp.train("normal", sigma=1.0, activation="relu", epochs=5)}
    assert exploding["normal"]["diverged_at"] is not None
    fig = draw.training(exp.curves(exploding), {"normal": exploding["normal"]["diverged_at"]})
    assert fig.data[-1].text[0].startswith("diverged at step")
    assert "diverged at step" in exp.verdict(exploding)


# ---- the page ----------------------------------------------------------------------------

def chart(at, i):
    return json.loads(at.get("plotly_chart")[i].proto.spec)


@pytest.fixture(scope="module")
def app():
    return open_lesson("initialization", timeout=120).run()


def in_words(at):
    """The texts under the figures: lab.page.show_figure's "In words:" captions."""
    return [c.value.removeprefix("**In words:** ") for c in at.caption if c.value.startswith("**In words:**")]


def test_page_loads_with_symmetry_histograms_spread_and_training(app):
    assert not app.exception and len(app.get("plotly_chart")) == 4
    assert [t["type"] for t in chart(app, 0)["data"]] == ["heatmap"] * 5
    assert len(chart(app, 1)["data"]) == 2 * 6                  # 6 layers × 2 panels
    assert {t["name"] for t in chart(app, 3)["data"]} == {
        "zeros", "constant 0.1", "normal N(0, σ²)", "Xavier normal", "He normal"}
    assert any("max difference 0.0" in m.value for m in app.markdown)
    shown = ("zeros", "constant", "normal", "xavier_normal", "he_normal")
    assert in_words(app)[0] == exp.describe_symmetry({k: exp.train(k, sigma=0.3) for k in shown})


def test_changing_activation_and_sigma_changes_the_figures(app):
    before = chart(app, 2)["data"]
    app.radio(key="initialization.activation").set_value("relu").run()
    assert not app.exception and chart(app, 2)["data"] != before
    assert app.query_params["activation"] == "relu"
    app.select_slider(key="initialization.sigma").set_value(0.5).run()
    assert not app.exception and app.query_params["sigma"] == "0.5"


PRESETS = {"Zero initialization": ("scheme", "zeros"),
           "σ = 0.01, 8 layers": ("sigma", "0.01"),
           "σ = 1": ("sigma", "1"),
           "He for ReLU": ("activation", "relu"),
           "10 tanh layers: Xavier, He, LeCun": ("depth", "10")}


def test_each_preset_applies(app):
    for preset, (name, value) in PRESETS.items():
        app.button(key=f"initialization.preset.{preset}").click().run()
        if app.info:                                  # a question comes first
            assert not app.get("plotly_chart")
            app.button(key="initialization.reveal").click().run()
        assert not app.exception and len(app.get("plotly_chart")) == 4, preset
        assert app.query_params[name] == value, preset
