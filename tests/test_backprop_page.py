"""Backprop lesson: every number the stepper shows is nnlib's, checked by hand and by finite differences."""
import json
import math
import time

import numpy as np
import pytest

from experiments import backprop as exp
from viz import backprop as draw, theme
from tests.helpers import chart_spec as spec, open_lesson

CONFIGS = [dict(), dict(arch="2-2-2", activation="sigmoid", x1=-1.3, x2=2.0, label=0, sigma=2.0),
           dict(arch="2-2-2-2", activation="tanh", seed=3, lr=0.1),
           dict(arch="2-3-2", activation="leaky_relu", seed=2, x1=0.7, x2=0.4)]


def lookup(trace, quantity):
    """The number at `quantity` = (name, layer, index) in MLP.trace for a batch of one example."""
    name, layer, index = quantity
    if name == "loss":
        return trace["loss"]
    row = trace[name][layer] if name in ("dW", "db") else trace[name][layer][0]
    return row if index is None else row[index]


@pytest.mark.parametrize("kw", CONFIGS, ids=lambda kw: kw.get("arch", "2-3-2") + kw.get("activation", ""))
def test_every_number_shown_is_nnlibs_forward_or_backward_value(kw):
    walk = exp.walk(**kw)
    model = exp.network(kw.get("arch", "2-3-2"), kw.get("activation", "relu"), kw.get("sigma", 1.0),
                        kw.get("seed", 0))
    X, y = exp.example(kw.get("x1", 1.0), kw.get("x2", -0.5), kw.get("label", 1))
    trace = model.trace(X, y)
    for stage in walk["stages"][:-1]:
        assert np.array_equal(stage["value"], lookup(trace, stage["quantity"])), stage["title"]
        if np.ndim(stage["value"]) == 0:
            assert exp._n(stage["value"]) in stage["latex"]      # the LaTeX ends on the same number
    # the update: θ − η g by the formula, with g from loss_and_grad, then the loss there
    lr = kw.get("lr", 0.5)
    grad = model.loss_and_grad(X, y, train=False)[1].copy()
    theta = model.theta - lr * grad
    assert np.allclose(walk["theta_after"], theta, rtol=0, atol=1e-15)
    model.theta = theta
    assert walk["stages"][-1]["value"] == pytest.approx(model.loss(X, y), rel=1e-12)


def test_forward_and_backward_match_a_hand_computation_on_2_2_2_sigmoid():
    x, label = np.array([0.8, -1.2]), 0
    walk = exp.walk("2-2-2", "sigmoid", x[0], x[1], label, sigma=1.5, seed=4)
    W1, W2 = walk["weights"]                   # biases start at 0
    z1 = x @ W1
    a1 = 1 / (1 + np.exp(-z1))
    z2 = a1 @ W2
    p = np.exp(z2) / np.exp(z2).sum()
    loss = -math.log(p[label])
    dz2 = p - np.eye(2)[label]
    da1 = W2 @ dz2
    dz1 = da1 * a1 * (1 - a1)
    expected = {("a", 0, None): x, ("z", 0, (0,)): z1[0], ("a", 1, (1,)): a1[1], ("z", 1, (1,)): z2[1],
                ("loss", None, None): loss, ("dz", 1, (0,)): dz2[0], ("dW", 1, (1, 0)): a1[1] * dz2[0],
                ("db", 1, None): dz2, ("da", 0, (1,)): da1[1], ("dz", 0, (0,)): dz1[0],
                ("dW", 0, (1, 1)): x[1] * dz1[1], ("db", 0, None): dz1}
    shown = {s["quantity"]: s["value"] for s in walk["stages"]}
    for quantity, value in expected.items():
        assert np.allclose(shown[quantity], value, rtol=1e-12, atol=1e-15), quantity
    assert walk["loss_before"] == pytest.approx(loss, rel=1e-12)


@pytest.mark.parametrize("kw", CONFIGS, ids=lambda kw: kw.get("arch", "2-3-2") + kw.get("activation", ""))
def test_gradient_agrees_with_central_finite_differences_to_1e_7(kw):
    check = exp.walk(**kw)["check"]
    assert check["relative_error"].max() < 1e-7
    assert np.allclose(check["backprop"], check["finite_difference"], rtol=1e-6, atol=1e-9)


def test_parameter_names_follow_theta_and_the_walk_covers_every_weight_once():
    walk = exp.walk()
    check = walk["check"].set_index("parameter")
    W1, W2 = walk["weights"]
    assert check.loc["w¹₁₂", "value"] == W1[0, 1] and check.loc["w²₃₁", "value"] == W2[2, 0]
    assert check.loc["b²₂", "value"] == 0
    edges = [s["edges"][0] for s in walk["stages"] if s["quantity"][0] == "dW"]
    assert sorted(edges) == sorted((l, i, j) for l, W in enumerate(walk["weights"], 1)
                                   for i, j in np.ndindex(W.shape))
    phases = [s["phase"] for s in walk["stages"]]
    # 2-3-2: input, 3 x (z, a), 2 logits, loss | 2 dL/dz, 6 dW, db, 3 x (da, dz), 6 dW, db | update
    assert phases == ["forward"] * 10 + ["backward"] * 22 + ["update"]
    assert check.loc["w²₁₁", "backprop"] == walk["stages"][12]["value"]


def test_dead_relu_unit_gets_exactly_zero_gradient():
    walk = exp.walk(seed=6)                     # the preset: h3 has z = -3.2
    assert walk["slopes"][0][2] == 0
    into_h3 = [s["value"] for s in walk["stages"] if s["quantity"][0] == "dW" and s["edges"][0][::2] == (1, 2)]
    assert into_h3 == [0.0, 0.0]
    assert any("h₃ passes back almost nothing" in v for v in exp.verdict(walk, lr=0.5))


def test_saturated_sigmoid_units_pass_back_almost_nothing():
    walk = exp.walk(activation="sigmoid", sigma=3.0, seed=5, x1=2.0, x2=-1.5)
    slope = walk["slopes"][0]
    assert slope[0] < 0.01 and slope[1] < 1e-4 and slope[2] > 0.1    # σ'(z) = σ(1 − σ) ≤ 1/4
    dW1 = walk["check"].set_index("parameter")["backprop"]
    assert abs(dW1["w¹₁₂"]) < 1e-4 * abs(dW1["w¹₁₃"])


def test_large_eta_overshoots_and_a_small_one_descends():
    big = exp.walk(activation="tanh", seed=2, x1=2.0, x2=1.0, lr=10.0)
    small = exp.walk(activation="tanh", seed=2, x1=2.0, x2=1.0, lr=0.1)
    assert big["loss_after"] > 2 * big["loss_before"]
    assert small["loss_after"] < small["loss_before"]
    assert "too large" in exp.verdict(big, lr=10.0)[-1]
    line = big["line"]
    assert line["eta"].iloc[-1] == 20.0 and line["loss"].iloc[0] == pytest.approx(big["loss_before"])
    assert line.loc[line["eta"] == 10.0, "loss"].item() == pytest.approx(big["loss_after"], rel=1e-9)


def test_bad_input_says_why():
    with pytest.raises(ValueError, match="learning rate η must be > 0"):
        exp.walk(lr=0)
    with pytest.raises(ValueError, match="unknown architecture"):
        exp.walk(arch="2-99-2")


def highlighted(fig):
    """(vermillion node names, number of highlighted edge segments) in a graph figure."""
    nodes = next(t for t in fig.data if t.name == "nodes")
    lit = [name for name, c in zip(nodes.text, nodes.marker.color) if c == draw.NOW]
    edges = next(t for t in fig.data if t.name == "highlighted edges")
    return lit, len(edges.x) // 3


def test_graph_highlights_the_stage_and_keeps_what_was_revealed():
    walk = exp.walk()
    first, grad_step, last = (draw.graph(walk, k) for k in (0, 12, len(walk["stages"]) - 1))
    assert highlighted(first) == (["<b>x₁</b>", "<b>x₂</b>"], 0)
    assert highlighted(grad_step) == (["<b>h₁</b>", "<b>o₁</b>"], 1)       # ∂L/∂w²₁₁
    texts = lambda fig: [a.text for a in fig.layout.annotations]
    assert not any("∂L/∂" in t for t in texts(first)[:-1])   # the last one is the key
    assert "<b>∂L/∂w = 0.0329</b>" in texts(grad_step)
    assert sum("→" in t for t in texts(last)) == 12 + 1                    # every weight, and L
    assert "step 33 of 33" in last.layout.title.text
    assert len(last.to_json()) < 100_000


def lit_nodes(at):
    nodes = next(t for t in spec(at)["data"] if t.get("name") == "nodes")
    return [n for n, c in zip(nodes["text"], nodes["marker"]["color"]) if c == draw.NOW]


@pytest.fixture
def app():
    return open_lesson("backprop", timeout=60).run()


def in_words(at):
    """The texts under the figures: lab.page.show_figure's "In words:" captions."""
    return [c.value.removeprefix("**In words:** ") for c in at.caption if c.value.startswith("**In words:**")]


def test_page_loads_fast_with_the_graph_and_the_step_line(app):
    assert not app.exception and len(app.get("plotly_chart")) == 2
    assert "step 1 of 33" in spec(app)["layout"]["title"]["text"]
    assert in_words(app)[0] == exp.describe_graph(exp.walk(), 0)
    start = time.perf_counter()
    app.run()
    assert time.perf_counter() - start < 2.0


def step_text(figure):
    """The "This step:" line of a figure's (or a frame's) layout."""
    return next(a["text"] for a in figure["layout"]["annotations"] if a["text"].startswith("<b>This step:"))


def test_every_stage_is_a_frame_the_browser_steps_through_without_the_server(app):
    """All 33 stages arrive with the page: frame k draws exactly the graph at stage k (its
    traces, title and labels), the slider has a step per frame, and ◀ Back / Next ▶ are the
    figure's own buttons (lab/keyboard.py moves the slider), so no click reruns the script."""
    sent, walk = spec(app), exp.walk()
    assert [f["name"] for f in sent["frames"]] == [str(k) for k in range(1, 34)]
    assert [b["label"] for b in sent["layout"]["updatemenus"][0]["buttons"]] == list(draw.STEPS)
    assert sent["layout"]["sliders"][0]["active"] == 0 and len(sent["layout"]["sliders"][0]["steps"]) == 33
    assert not app.get("button") or "backprop.next" not in [b.key for b in app.get("button")]
    for k in (0, 1, 12, 32):
        alone, frame = json.loads(draw.graph(walk, k).to_json()), sent["frames"][k]
        assert frame["data"] == alone["data"] and frame["traces"] == [0, 1, 2]
        assert frame["layout"]["title"]["text"] == alone["layout"]["title"]["text"]
        assert [a["text"] for a in frame["layout"]["annotations"]] == [a["text"] for a in alone["layout"]["annotations"]]
    assert "z of h₁" in step_text(sent["frames"][1]) and "Update · step 33" in sent["frames"][32]["layout"]["title"]["text"]
    assert step_text(sent) == step_text(sent["frames"][0])     # the figure opens at its first frame


def test_link_opens_at_its_step_and_a_smaller_network_clamps_it():
    at = open_lesson("backprop", timeout=60)
    at.query_params["stage"] = "30"
    at.run()
    assert not at.exception and not at.warning and "step 30 of 33" in spec(at)["layout"]["title"]["text"]
    assert spec(at)["layout"]["sliders"][0]["active"] == 29
    at.radio(key="backprop.arch").set_value("2-2-2").run()       # 8 forward, 16 backward, 1 update
    assert "step 25 of 25" in spec(at)["layout"]["title"]["text"] and at.query_params["stage"] == "25"


def test_changing_the_example_changes_the_numbers():
    at = open_lesson("backprop", timeout=60)
    at.query_params["stage"] = "10"
    at.run()
    before = step_text(spec(at))
    at.slider(key="backprop.x1").set_value(2.5).run()
    assert not at.exception and step_text(spec(at)) != before and at.query_params["x1"] == "2.5"
    assert "step 10 of 33" in spec(at)["layout"]["title"]["text"]


@pytest.mark.parametrize("name", ["ReLU, h₃ at z = −3.2",
                                  "Sigmoid, σ = 3", "tanh, η = 10"])
def test_each_preset_asks_then_shows_its_lesson(app, name):
    app.button(key=f"backprop.preset.{name}").click().run()
    assert not app.get("plotly_chart") and app.info
    app.button(key="backprop.reveal").click().run()
    said = " ".join(m.value for m in app.markdown)
    assert not app.exception
    assert {"ReLU, h₃ at z = −3.2": "h₃ passes back almost nothing",
            "Sigmoid, σ = 3": "h₂ passes back almost nothing",
            "tanh, η = 10": "too large"}[name] in said


@pytest.mark.parametrize("arch", list(exp.ARCHITECTURES))
def test_graph_labels_only_the_numbers_a_step_uses_and_the_update_in_columns(arch):
    """Issue 14: labels never overlap. A step labels its own edges only (none at the first
    step), in the small label font also on a projector; at the update (every edge) the labels
    that share a column of a gap stand at least 0.4 rows apart."""
    walk = exp.walk(arch=arch)
    weights = sum(W.size for W in walk["weights"])
    for k, stage in enumerate(walk["stages"]):
        fig = theme.apply(draw.graph(walk, k), big=True)
        edge_labels = fig.layout.annotations[:weights]
        lit = [e for e in stage["edges"] if e[0] != exp.LOSS]
        assert sum(bool(a.visible) for a in edge_labels) == len(lit), k
        assert all(a.font.size == theme.SMALL[True] for a in edge_labels)
    assert not any(a.visible for a in draw.graph(walk, 0).layout.annotations[:weights])
    last = draw.graph(walk, len(walk["stages"]) - 1).layout.annotations[:weights]
    columns = {}
    for a in last:
        columns.setdefault(round(a.x, 6), []).append(a.y)
    for ys in columns.values():
        ys = sorted(ys)
        assert all(b - a >= 0.4 - 1e-9 for a, b in zip(ys, ys[1:])), ys


@pytest.mark.parametrize("arch", list(exp.ARCHITECTURES))
def test_in_presentation_mode_every_step_in_words_takes_one_line_in_the_label_font(arch):
    """Issue 14: on a 1280×720 projector the graph needs the height of the step in words' second
    line; the top margin (TOP) holds one line, so no step may take two."""
    walk = exp.walk(arch=arch)
    fig = theme.apply(draw.stepper(walk, big=True), big=True)
    words = [a for a in fig.layout.annotations if (a.text or "").startswith("<b>This step:")]
    assert len(words) == 1 and words[0].font.size == theme.SMALL[True]
    for frame in fig.frames:
        text = next(a.text for a in frame.layout.annotations if (a.text or "").startswith("<b>This step:"))
        assert "<br>" not in text, text
    assert fig.layout.margin.t == draw.TOP[True]
