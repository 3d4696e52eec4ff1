"""Digits lesson under AppTest: the four figures and their sentences, presets, friendly limits."""
import numpy as np
import pytest

from experiments import digits as exp
from pages import digits as page_module
from tests.helpers import chart_spec as spec, open_lesson

@pytest.fixture
def app():
    return open_lesson("digits", timeout=120).run()


def texts(app):
    return [m.value for m in app.markdown] + [c.value for c in app.caption]


def test_page_draws_weights_confusion_mistakes_and_race(app):
    assert not app.exception and len(app.get("plotly_chart")) == 4
    weights, confusion, mistakes, race = (spec(app, i) for i in range(4))
    assert weights["data"][0]["type"] == "heatmap" and len(weights["frames"]) == 21
    assert weights["data"][0]["colorbar"]["title"]["text"] == "weight w"
    result = exp.run()
    shown = [[int(t) if t else 0 for t in row] for row in confusion["data"][0]["text"]]
    assert shown == result["confusion"].tolist()
    assert len(mistakes["data"][1]["text"]) == len(result["gallery"])
    assert {t["name"] for t in race["data"]} == {"full batch", "batch 32"}
    assert any(exp.verdict(result) == t for t in texts(app))
    assert exp.describe_weights(result) in [c.value.removeprefix("**In words:** ") for c in app.caption]
    assert any(t.startswith("In ") and "batch 32 did 20 epochs" in t for t in texts(app))
    assert any("Network 64 → 32 → 10; 1,348 training digits, 449 test digits" in t
               for t in texts(app))


def test_settings_table_and_presets_read_without_running_the_page():
    table, presets = page_module.TABLE, page_module.PRESETS
    assert [s.name for s in table][:2] == ["layers", "width"] and "seed" in [s.name for s in table]
    for name, preset in presets.items():
        question = preset.get("question", "")
        assert not any(word in (name + question).lower() for word in ("%", "worse", "better")), name


@pytest.mark.parametrize("name, key, value", [
    ("Two hidden neurons", "width", 2),
    ("One exact step per epoch", "batch_size", 1797),
    ("Which digits get mixed up?", "seed", 1),
    ("Start from small weights", "init", "normal"),
    ("Plain SGD", "optimizer", "sgd"),
])
def test_each_preset_applies_and_a_question_waits_for_reveal(app, name, key, value):
    presets = page_module.PRESETS
    app.button(key=f"digits.preset.{name}").click().run()
    if "question" in presets[name]:
        assert not app.get("plotly_chart") and presets[name]["question"] in app.info[0].value
        app.button(key="digits.reveal").click().run()
    assert not app.exception and len(app.get("plotly_chart")) == 4, name
    assert app.session_state[f"digits.{key}"] == value
    if key == "batch_size":
        assert any("both curves are full batch" in t for t in texts(app))


def test_too_many_updates_give_a_sentence_not_a_traceback(app):
    app.number_input(key="digits.batch_size").set_value(1).run()
    app.slider(key="digits.epochs").set_value(100).run()
    assert not app.exception and "use fewer epochs or a larger batch size" in app.error[0].value


def test_divergence_is_said_in_red_and_the_page_still_draws(app):
    app.selectbox(key="digits.activation").set_value("identity")
    app.selectbox(key="digits.optimizer").set_value("sgd")
    app.select_slider(key="digits.lr").set_value(10.0).run()
    assert not app.exception and "diverged at step" in app.error[0].value
    assert len(app.get("plotly_chart")) == 4
