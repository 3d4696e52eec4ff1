"""Exports of one figure (PNG, SVG, HTML, CSV, JSON) are valid files; links and presets reproduce a view."""
import io
import json
import struct
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from experiments import softmax as exp
from lab import catalog, export
from lab.page import chart_config
from lab.settings import preset_query
from viz import animation
from viz import softmax as draw
from tests.helpers import open_lesson, switch_lesson

ROOT = catalog.ROOT
SOFTMAX = catalog.module(catalog.find("softmax"))   # its TABLE and PRESETS, by import
needs_chromium = pytest.mark.skipif(export.problem() is not None, reason="no kaleido/Chromium here")


@pytest.fixture(scope="module")
def default_figure():
    """The softmax page's first figure at its default settings, with its data."""
    frame, loss = exp.one_example((2.0, 1.0, 0.2, -1.0), 1)
    return draw.one_example(frame, loss, 1), frame


def files(fig, data=None, settings=None, images=True):
    made = {f.ext: f.data() if callable(f.data) else f.data
            for f in export.downloads(fig, data, settings, images)}
    return {ext: payload.encode() if isinstance(payload, str) else payload for ext, payload in made.items()}


def png_size(png):
    """(width, height) from the IHDR chunk, which follows the 8-byte signature."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def svg_trace_groups(svg):
    root = ET.fromstring(svg)
    return [g for g in root.iter("{http://www.w3.org/2000/svg}g")
            if g.get("class", "").split(" ")[0] == "trace"]


@needs_chromium
def test_png_is_3x_the_figure_and_svg_draws_every_trace(default_figure):
    fig, _ = default_figure
    made = files(fig)
    assert png_size(made["png"]) == (3 * 700, 3 * fig.layout.height)   # plotly's default width 700
    groups = svg_trace_groups(made["svg"])
    assert len(groups) == len(fig.data) == 4
    assert all(list(g.iter("{http://www.w3.org/2000/svg}path")) for g in groups)


@needs_chromium
def test_a_still_image_of_an_animated_figure_has_no_play_button_or_slider_and_its_whole_title():
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    animation.animate(fig, [[dict(x=[0, k], y=[0, k])] for k in range(3)], traces=[0], labels=range(3))
    fig.update_layout(title="a long title that has to fit " * 2, margin=dict(t=10))
    assert fig.layout.updatemenus and fig.layout.sliders and fig.frames
    svg = files(fig, images=True)["svg"].decode()
    assert "updatemenu" not in svg and "slider" not in svg
    assert export.still(fig).layout.title.automargin and not export.still(fig).frames
    assert fig.layout.updatemenus and fig.frames   # the figure on the page keeps its animation


def test_the_toolbar_camera_is_offered_on_still_figures_only(default_figure):
    """The camera photographs the figure as drawn: on an animated one, Play/Pause and the slider too."""
    still, _ = default_figure
    animated = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    animation.animate(animated, [[dict(x=[0, k], y=[0, k])] for k in range(3)], traces=[0], labels=range(3))
    assert "modeBarButtonsToRemove" not in chart_config(still, "softmax-bars")
    assert chart_config(still, "softmax-bars")["toImageButtonOptions"]["filename"] == "softmax-bars"
    assert chart_config(animated, "race")["modeBarButtonsToRemove"] == ["toImage"]


def test_csv_and_settings_files_hold_the_numbers_and_settings(default_figure):
    fig, frame = default_figure
    settings = {"z_cat": 2.0, "true": "dog", "optimizers": ("sgd", "adam")}
    made = files(fig, frame, settings, images=False)
    table = pd.read_csv(io.BytesIO(made["csv"]))
    assert list(table.columns) == list(frame.columns) and len(table) == len(frame) == 4
    assert table["p"].sum() == pytest.approx(1.0)
    assert json.loads(made["json"]) == {"z_cat": 2.0, "true": "dog", "optimizers": ["sgd", "adam"]}
    assert set(made) == {"html", "csv", "json"}   # images=False: no PNG/SVG offered


def html_frames(page):
    """The frames a standalone Plotly page adds after drawing (its Plotly.addFrames argument)."""
    start = page.index("[", page.rindex("Plotly.addFrames("))
    return json.JSONDecoder().raw_decode(page[start:])[0]


def test_html_is_standalone_and_keeps_the_animation():
    fig = go.Figure(go.Scatter(x=[0], y=[0]))
    animation.animate(fig, [[{"x": [0, k], "y": [0, k * k]}] for k in range(5)], traces=[0],
                      labels=range(5))
    page = files(fig, images=False)["html"].decode()
    frames = html_frames(page)
    assert [f["name"] for f in frames] == ["0", "1", "2", "3", "4"] and frames[4]["data"][0]["y"] == [0, 16]
    assert "Play" in page and "sliders" in page
    assert len(page) > 3_000_000 and 'src="http' not in page   # plotly.js inline: works offline


def test_missing_chromium_is_one_sentence_and_other_exports_still_work(monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    sentence = export.problem()
    assert sentence.count(".") == 1 and "Chromium" in sentence and "HTML, CSV" in sentence
    with pytest.raises(RuntimeError, match="Chromium"):
        export.print_pdf("<p>hi</p>")


def test_page_without_chromium_says_why_and_keeps_html_csv_json(monkeypatch):
    from lab import page
    monkeypatch.setattr(page.export, "problem", lambda: "PNG/SVG export needs Chrome or Chromium.")
    page.export_problem.clear()
    try:
        at = open_lesson("softmax").run()
    finally:
        page.export_problem.clear()
    labels = [b.proto.label for b in at.get("download_button")]
    assert not at.exception and labels[:3] == ["HTML", "CSV", "Settings"] and "PNG" not in labels
    assert any("needs Chrome or Chromium" in c.value for c in at.caption)


# ---- sharing: a link reproduces the view, presets set what they claim --------------------------

def chart_data(at, index=0):
    return json.loads(at.get("plotly_chart")[index].proto.spec)["data"]


def test_a_link_gives_the_same_figure_as_setting_the_widgets_by_hand():
    by_link = open_lesson("softmax")
    by_link.query_params.update({"z_owl": "3.5", "true": "fox", "batch_size": "5"})
    by_link.run()
    by_hand = open_lesson("softmax").run()
    by_hand.slider(key="softmax.z_owl").set_value(3.5)
    by_hand.radio(key="softmax.true").set_value("fox")
    by_hand.slider(key="softmax.batch_size").set_value(5).run()
    default = chart_data(open_lesson("softmax").run())
    assert not by_link.exception and not by_hand.exception
    assert chart_data(by_link) == chart_data(by_hand) != default
    assert chart_data(by_link, 1) == chart_data(by_hand, 1)


def test_the_copy_link_holds_every_setting_of_the_view():
    at = open_lesson("softmax")
    at.query_params.update({"z_cat": "5", "present": "1"})
    at.run()
    link = next(c.value for c in at.code if "z_cat=" in c.value)
    params = dict(parse_qsl(link.split("?", 1)[1]))
    table = SOFTMAX.TABLE
    assert link.startswith("/softmax?") and set(params) == {s.name for s in table}
    assert params["z_cat"] == "5" and params["true"] == "dog"   # present=1 stays with the teacher


def test_broken_link_parameters_show_a_notice_and_the_page_still_draws():
    at = open_lesson("softmax")
    at.query_params.update({"z_cat": "lots", "true": "zebra", "preset": "Nope"})
    at.run()
    notices = " ".join(w.value for w in at.warning)
    assert not at.exception and at.get("plotly_chart")
    assert "z_cat=lots" in notices and "true=zebra" in notices and "preset=Nope" in notices
    assert at.slider(key="softmax.z_cat").value == 2.0


def test_the_page_module_gives_its_table_and_presets_by_import_without_running():
    table, presets = SOFTMAX.TABLE, SOFTMAX.PRESETS
    assert [s.name for s in table][:4] == ["z_cat", "z_dog", "z_fox", "z_owl"]
    assert "Confident and wrong" in presets and presets["q equals p"]["values"]["q1"] == 0.7


@pytest.mark.parametrize("name", ["Confident and wrong", "q equals p"])
def test_a_preset_link_sets_the_widgets_it_claims(name):
    table, presets = SOFTMAX.TABLE, SOFTMAX.PRESETS
    preset = presets[name]
    at = open_lesson("softmax")
    at.query_params.update(dict(parse_qsl(preset_query(table, name, preset))))
    at.run()
    assert not at.exception and "preset" not in at.query_params   # acts once, like a click
    for s in table:
        expected = preset["values"].get(s.name, s.default)
        assert at.session_state[f"softmax.{s.name}"] == expected, s.name
    asks = bool(preset.get("question"))
    assert bool(at.info) == asks and bool(at.get("plotly_chart")) != asks   # question first
    if asks:
        assert preset["question"] in at.info[0].value


def test_home_lists_each_preset_as_a_classroom_link():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    table, presets = SOFTMAX.TABLE, SOFTMAX.PRESETS
    links = " ".join(m.value for m in at.markdown)
    assert not at.exception
    for name, preset in presets.items():
        assert f"/softmax?{preset_query(table, name, preset)}" in links


def test_presentation_mode_stays_in_the_link_across_page_switches():
    at = open_lesson("home", sidebar=True)
    at.query_params["present"] = "1"
    at.run()
    at.query_params.clear()   # the browser drops the old page's parameters on a page switch
    switch_lesson(at, "softmax").run()
    assert at.query_params["present"] == "1" and at.toggle(key="present").value
    assert at.query_params["z_cat"] == "2"   # next to the page's own settings
