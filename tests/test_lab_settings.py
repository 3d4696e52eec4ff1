"""lab.settings: URL text <-> values (pure), and the panel's URL, preset and hide behaviour."""
import pytest
from streamlit.testing.v1 import AppTest

from lab.settings import Setting, hidden_names, log_grid, parse, read_params, seed, serialize, validate

LR = Setting("lr", "Learning rate", "log", 0.1, low=1e-3, high=1.0)
STEPS = Setting("steps", "Steps", "int", 50, low=1, high=500)
MOM = Setting("momentum", "Momentum", "float", 0.9, low=0.0, high=0.99, step=0.01)
OPT = Setting("opt", "Optimizer", "choice", "adam", options=("sgd", "adam"))
OPTS = Setting("opts", "Optimizers", "multi", ("sgd",), options=("sgd", "adam", "rmsprop"))
NOISY = Setting("noisy", "Noisy", "bool", False)
TABLE = [LR, STEPS, MOM, OPT, OPTS, NOISY, seed()]


def test_log_grid_is_1_2_3_5_per_decade_within_bounds():
    assert log_grid(LR) == [0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]


@pytest.mark.parametrize("setting, text, value", [
    (LR, "0.01", 0.01), (LR, "0.011", 0.01), (STEPS, "7", 7), (MOM, "0.5", 0.5),
    (OPT, "sgd", "sgd"), (OPTS, "rmsprop,sgd", ("rmsprop", "sgd")), (OPTS, "", ()),
    (NOISY, "1", True), (NOISY, "false", False)])
def test_parse_reads_url_text(setting, text, value):
    assert parse(setting, text) == value


@pytest.mark.parametrize("setting, text, reason", [
    (LR, "abc", "number"), (LR, "-1", "> 0"), (LR, "5", "between"), (STEPS, "3.5", "whole"),
    (STEPS, "0", "between"), (MOM, "nan", "finite"), (OPT, "lbfgs", "not one of"),
    (OPTS, "sgd,lbfgs", "not one of"), (NOISY, "maybe", "1 or 0")])
def test_parse_rejects_bad_text_with_a_reason(setting, text, reason):
    with pytest.raises(ValueError, match=reason):
        parse(setting, text)


@pytest.mark.parametrize("setting", TABLE)
def test_serialize_then_parse_gives_the_value_back(setting):
    assert parse(setting, serialize(setting, setting.default)) == setting.default


def test_a_bad_default_or_kind_fails_when_the_table_is_written():
    with pytest.raises(ValueError, match="between"):
        Setting("lr", "lr", "float", 5.0, low=0, high=1)
    with pytest.raises(ValueError, match="kind"):
        Setting("lr", "lr", "slider", 0.5, low=0, high=1)
    with pytest.raises(ValueError, match="reserved"):
        Setting("hide", "hide", "bool", False)


def test_validate_snaps_log_values_and_dedupes_multi():
    assert validate(LR, 0.0029) == 0.003
    assert validate(OPTS, ["adam", "adam", "sgd"]) == ("adam", "sgd")


def test_read_params_falls_back_to_defaults_and_names_each_problem():
    values, notices = read_params(TABLE, {"lr": "oops", "steps": "20", "colour": "red", "hide": "lr"})
    assert values == {s.name: s.default for s in TABLE} | {"steps": 20}
    assert len(notices) == 2 and "lr=oops" in notices[0] and "colour" in notices[1]


def test_hidden_names():
    assert hidden_names({"hide": "lr, seed,"}) == {"lr", "seed"}
    assert hidden_names({}) == set()


# ---- the panel, run by streamlit's AppTest ----------------------------------------------------

def panel_script():
    import streamlit as st
    from lab.settings import Setting, settings_panel
    table = [Setting("lr", "Learning rate", "log", 0.1, low=1e-3, high=1.0),
             Setting("steps", "Steps", "int", 50, low=1, high=500),
             Setting("opt", "Optimizer", "choice", "adam", options=("sgd", "adam"))]
    presets = {"Tiny steps": {"values": {"lr": 0.001}},
               "Guess": {"values": {"steps": 5}, "question": "What happens in 5 steps?"}}
    values = settings_panel(table, presets, page="test")
    st.write(values)


def run_panel(**params):
    at = AppTest.from_function(panel_script, default_timeout=30)
    at.query_params.update(params)
    return at.run()


def shown(at):
    return at.json[0].value if at.json else at.markdown[-1].value


def test_panel_starts_from_the_link_and_writes_values_back():
    at = run_panel(lr="0.01", steps="20")
    assert not at.exception and not at.warning
    assert at.select_slider(key="test.lr").value == 0.01 and at.number_input(key="test.steps").value == 20
    assert at.query_params["opt"] == "adam"
    at.radio(key="test.opt").set_value("sgd").run()
    assert at.query_params["opt"] == "sgd" and at.query_params["lr"] == "0.01"


def test_panel_warns_about_a_broken_link_and_uses_the_default():
    at = run_panel(lr="fast", steps="9999", colour="red")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "lr=fast" in warnings and "steps=9999" in warnings and "colour" in warnings
    assert at.select_slider(key="test.lr").value == 0.1 and at.number_input(key="test.steps").value == 50
    assert "colour" not in at.query_params


def test_hide_keeps_the_link_value_without_a_widget():
    at = run_panel(hide="lr", lr="0.3")
    assert not at.exception
    assert [w.key for w in at.select_slider] == [] and at.query_params["lr"] == "0.3"


def test_a_preset_sets_the_widgets_and_a_question_waits_for_reveal():
    at = run_panel()
    at.button(key="test.preset.Tiny steps").click().run()
    assert at.select_slider(key="test.lr").value == 0.001
    at.button(key="test.preset.Guess").click().run()
    assert at.number_input(key="test.steps").value == 5 and at.select_slider(key="test.lr").value == 0.1
    assert "What happens in 5 steps?" in at.info[0].value and not at.json   # the page waits
    at.button(key="test.reveal").click().run()
    assert not at.info and at.json
