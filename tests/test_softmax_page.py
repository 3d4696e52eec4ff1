"""Softmax lesson: the experiment's numbers against hand-computed formulas, and the page itself."""
import json
import math

import numpy as np
import pytest

from experiments import softmax as exp
from viz import softmax as draw
from tests.helpers import open_lesson


def test_equal_logits_give_uniform_probabilities_and_loss_log4():
    frame, loss = exp.one_example((0.0, 0.0, 0.0, 0.0), 2)
    assert np.allclose(frame["p"], 0.25) and loss == pytest.approx(math.log(4))
    assert np.allclose(frame["grad"], [0.25, 0.25, -0.75, 0.25])   # p - y


def test_loss_and_gradient_match_the_formulas():
    z, k = (2.0, 1.0, 0.2, -1.0), 1
    e = [math.exp(v) for v in z]
    p = [v / sum(e) for v in e]
    frame, loss = exp.one_example(z, k)
    assert loss == pytest.approx(-math.log(p[k]))
    assert np.allclose(frame["grad"], [p[0], p[1] - 1, p[2], p[3]])
    assert np.isclose(frame["grad"].sum(), 0)


def test_logits_of_plus_minus_1000_give_a_finite_loss_of_2000():
    frame, loss = exp.one_example((1000.0, -1000.0, 0.0, 0.0), 1)
    assert loss == pytest.approx(2000.0)   # log-sum-exp = 1000, minus z_k = -1000
    assert np.all(np.isfinite(frame[["p", "grad"]].to_numpy()))
    assert np.allclose(frame["grad"], [1.0, -1.0, 0.0, 0.0])


def test_full_loss_is_the_mean_of_all_losses_and_batch_loss_the_mean_over_the_batch():
    frame, full, in_batch = exp.batch((0.0, 0.0, 0.0, 0.0), 0, batch_size=3, seed=1)
    assert frame["loss"].iloc[0] == pytest.approx(math.log(4))
    assert full == pytest.approx(frame["loss"].mean())
    assert frame["in_batch"].sum() == 3
    assert in_batch == pytest.approx(frame.loc[frame["in_batch"], "loss"].mean())
    # the confident-and-wrong example 6 (class dog, logits 4, -1, 0, 0.5) by hand:
    assert frame["loss"].iloc[5] == pytest.approx(math.log(sum(map(math.exp, (4, -1, 0, 0.5)))) + 1)


def test_batch_is_reproducible_and_the_seed_changes_it():
    picks = [tuple(exp.batch((1.0, 0, 0, 0), 0, 3, seed)[0]["in_batch"]) for seed in (0, 0, 1, 2, 3)]
    assert picks[0] == picks[1] and len(set(picks)) > 1


def test_cross_entropy_is_entropy_plus_kl_by_hand():
    _, stats = exp.entropy_split((1, 1), (1, 3))   # p = (1/2, 1/2), q = (1/4, 3/4)
    assert stats["entropy"] == pytest.approx(math.log(2))
    assert stats["kl"] == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(2 / 3))
    assert stats["cross_entropy"] == pytest.approx(0.5 * math.log(4) + 0.5 * math.log(4 / 3))
    assert stats["cross_entropy"] == pytest.approx(stats["entropy"] + stats["kl"])


def test_one_hot_p_has_zero_entropy_and_bad_weights_say_why():
    _, stats = exp.entropy_split((0, 1, 0), (0.2, 0.5, 0.3))
    assert stats["entropy"] == 0 and stats["kl"] == pytest.approx(-math.log(0.5))
    with pytest.raises(ValueError, match="weights of p"):
        exp.entropy_split((0, 0, 0), (1, 1, 1))


def test_figures_show_the_loss_and_the_identity():
    frame, loss = exp.one_example((1000.0, -1000.0, 0.0, 0.0), 1)
    fig = draw.one_example(frame, loss, 1)
    assert fig.layout.annotations[1].text.endswith("= 2000")
    assert fig.data[2].y[0] == draw.LOSS_CAP   # off the chart: marked at the top
    dists, stats = exp.entropy_split((0.7, 0.2, 0.1), (0.2, 0.5, 0.3))
    bars = {t.name: t for t in draw.entropy_split(dists, stats).data}
    assert bars["KL(p‖q)"].base[0] == pytest.approx(stats["entropy"])


def loss_title(at):
    """The title of the loss panel in the first chart, e.g. "loss −log p<sub>k</sub><br>= 1.46"."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return next(a["text"] for a in spec["layout"]["annotations"] if a["text"].startswith("loss"))


@pytest.fixture
def app():
    return open_lesson("softmax", timeout=60).run()


def test_page_loads_with_three_charts(app):
    assert not app.exception and len(app.get("plotly_chart")) == 3


def test_changing_the_true_class_changes_the_loss(app):
    before = loss_title(app)
    app.radio(key="softmax.true").set_value("owl").run()
    assert not app.exception and loss_title(app) != before
    assert app.query_params["true"] == "owl"


def test_extreme_preset_asks_first_then_shows_2000(app):
    app.button(key="softmax.preset.Extreme logits ±1000").click().run()
    assert not app.get("plotly_chart") and "infinity" in app.info[0].value
    app.button(key="softmax.reveal").click().run()
    assert loss_title(app) == "loss −log p<sub>k</sub><br>= 2000"
