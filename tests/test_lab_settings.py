"""lab.settings: URL text <-> values (pure), and lab.panel's URL, preset and hide behaviour."""
import json

import pytest
from streamlit.testing.v1 import AppTest

from lab.settings import (Setting, hidden_names, label_of, log_grid, parse, read_params, seed,
                          serialize, validate)

LR = Setting("lr", "Learning rate", "log", 0.1, low=1e-3, high=1.0)
STEPS = Setting("steps", "Steps", "int", 50, low=1, high=500)
MOM = Setting("momentum", "Momentum", "float", 0.9, low=0.0, high=0.99, step=0.01)
OPT = Setting("opt", "Optimizer", "choice", "adam", options=("sgd", "adam"),
              labels={"sgd": "plain SGD", "adam": "Adam", "lbfgs": "L-BFGS"})
OPTS = Setting("opts", "Optimizers", "multi", ("sgd",), options=("sgd", "adam", "rmsprop"))
NOISY = Setting("noisy", "Noisy", "bool", False)
TABLE = [LR, STEPS, MOM, OPT, OPTS, NOISY, seed()]


def test_log_grid_is_1_1p5_2_3_5_7_per_decade_within_bounds():
    assert log_grid(LR) == [0.001, 0.0015, 0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02, 0.03,
                            0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0]
    odd = Setting("eta", "η", "log", 1.0, low=0.4, high=12)     # the bounds join the grid
    assert log_grid(odd) == [0.4, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0, 12.0]


@pytest.mark.parametrize("setting, text, value", [
    (LR, "0.01", 0.01), (LR, "0.011", 0.01), (LR, "0.0016", 0.0015), (STEPS, "7", 7), (MOM, "0.5", 0.5),
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


def test_labels_are_shown_for_options_and_the_rest_show_their_value():
    assert label_of(OPT, "sgd") == "plain SGD" and label_of(OPTS, "rmsprop") == "rmsprop"
    assert OPT.labels == {"sgd": "plain SGD", "adam": "Adam"}   # a registry is cut to the options
    assert serialize(OPT, "sgd") == "sgd" and parse(OPT, "sgd") == "sgd"   # links keep raw values
    with pytest.raises(ValueError, match="only choice and multi"):
        Setting("lr", "lr", "float", 0.5, low=0, high=1, labels={0.5: "half"})


def test_a_bad_default_or_kind_fails_when_the_table_is_written():
    with pytest.raises(ValueError, match="between"):
        Setting("lr", "lr", "float", 5.0, low=0, high=1)
    with pytest.raises(ValueError, match="kind"):
        Setting("lr", "lr", "slider", 0.5, low=0, high=1)
    with pytest.raises(ValueError, match="reserved"):
        Setting("hide", "hide", "bool", False)


def test_validate_snaps_log_values_and_dedupes_multi():
    assert validate(LR, 0.0029) == 0.003
    assert validate(LR, 0.0065) == 0.007
    assert validate(LR, 0.58) == 0.5 and validate(LR, 0.6) == 0.7   # √(0.5 · 0.7) ≈ 0.592 splits them
    assert validate(OPTS, ["adam", "adam", "sgd"]) == ("adam", "sgd")


def test_read_params_falls_back_to_defaults_and_names_each_problem():
    values, notices = read_params(TABLE, {"lr": "oops", "steps": "20", "colour": "red", "hide": "lr"})
    assert values == {s.name: s.default for s in TABLE} | {"steps": 20}
    assert len(notices) == 2 and "lr=oops" in notices[0] and "colour" in notices[1]


def test_read_params_passes_over_the_pages_own_parameters():
    values, notices = read_params(TABLE, {"steps": "20", "stage": "7"}, extra=("stage",))
    assert values["steps"] == 20 and "stage" not in values and notices == []
    assert "stage" in read_params(TABLE, {"stage": "7"})[1][0]


def test_hidden_names():
    assert hidden_names({"hide": "lr, seed,"}) == {"lr", "seed"}
    assert hidden_names({}) == set()


# ---- the panel, run by streamlit's AppTest ----------------------------------------------------

def panel_script():
    import streamlit as st
    from lab.panel import settings_panel
    from lab.settings import Setting
    table = [Setting("lr", "Learning rate", "log", 0.1, low=1e-3, high=1.0),
             Setting("steps", "Steps", "int", 50, low=1, high=500),
             Setting("opt", "Optimizer", "choice", "adam", options=("sgd", "adam"),
                     labels={"sgd": "plain SGD", "adam": "Adam"})]
    presets = {"Tiny steps": {"values": {"lr": 0.001}},
               "Guess": {"values": {"steps": 5}, "question": "What happens in 5 steps?"}}
    values = settings_panel(table, presets, page="test", extra=("stage",))
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


def test_choices_show_their_labels_and_the_link_keeps_the_raw_value():
    at = run_panel(opt="sgd")
    radio = at.radio(key="test.opt")
    assert radio.options == ["plain SGD", "Adam"] and radio.value == "sgd"
    radio.set_value("adam").run()
    assert at.query_params["opt"] == "adam" and json.loads(at.json[0].value)["opt"] == "adam"


def test_the_pages_own_parameter_stays_in_the_link_without_a_warning():
    at = run_panel(stage="7", colour="red")
    assert not at.exception and len(at.warning) == 1 and "colour" in at.warning[0].value
    assert at.query_params["stage"] == "7" and "colour" not in at.query_params
    assert "stage=7" in at.code[0].value          # "Copy link to this view" keeps it too


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


def cache_script():
    import streamlit as st
    from lab.cache import cached
    calls = st.session_state.setdefault("calls", [])

    def square(x, offset=0):
        calls.append(x)
        return x * x + offset

    square = cached(square)
    st.write(str([square(2), square(2), square(3), square(x=3), square(3, offset=0), square(3, 1)]))


def test_cached_runs_an_experiment_once_per_argument_set_across_reruns():
    at = AppTest.from_function(cache_script, default_timeout=30).run()
    at.run()
    assert not at.exception and at.markdown[0].value == "[4, 4, 9, 9, 9, 10]"
    # the second run and the repeated calls hit the cache, however the same arguments are written
    assert at.session_state["calls"] == [2, 3, 3]
