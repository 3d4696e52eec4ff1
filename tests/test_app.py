"""Every page in lab/catalog.py runs under streamlit's AppTest: no exception, a chart drawn."""
import pytest
from streamlit.testing.v1 import AppTest

from lab import cache, catalog
from tests.axes import colour_bar_titled, unlabelled_log_axes
from tests.colour_vision import indistinct_pairs
from tests.helpers import chart_spec, open_lesson, switch_lesson
from viz import theme

ROOT = catalog.ROOT


def test_catalog_paths_are_unique_and_the_softmax_lesson_is_registered():
    slugs = [lesson.slug for lesson in catalog.LESSONS + [catalog.HOME]]
    assert len(set(slugs)) == len(slugs)
    assert "softmax" in [lesson.slug for lesson in catalog.available()]


def test_home_links_every_lesson_in_catalog_order():
    """Home's links; the sidebar menu (Streamlit's own, from st.navigation) is checked in a real
    browser by tests/test_e2e_first_request.py."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    home = [link.proto.page for link in at.main.get("page_link")]
    assert home == [lesson.slug for lesson in catalog.available()]


UNTITLED_MAPS = {("playground", 0)}   # its network diagram's maps: helper "play" reworks that page


@pytest.mark.parametrize("lesson", catalog.available(), ids=lambda lesson: lesson.slug)
def test_lesson_draws_charts_told_apart_without_colour_and_every_figure_in_words(lesson, monkeypatch):
    """Every chart at the lesson's defaults; in each, two series of one panel either differ by
    mode, dash or marker, or by colour for normal vision, deuteranopia and protanopia alike
    (tests/colour_vision.py: ΔE ≥ 15 after Machado et al.'s simulation); and every figure
    has its text ("In words", tests/test_describe.py checks what it says); every log axis says
    it is one and has readable ticks, and every colour map has a labelled colour bar (tests/axes.py);
    the figures cached for the next learner are exactly the figures built afresh."""
    at = open_lesson(lesson.slug, timeout=120).run()
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    assert charts, f"{lesson.module_name} drew no plotly chart"
    for i in range(len(charts)):
        assert not indistinct_pairs(chart_spec(at, i)), f"chart {i}: {indistinct_pairs(chart_spec(at, i))}"
        assert not unlabelled_log_axes(chart_spec(at, i)), f"chart {i}: {unlabelled_log_axes(chart_spec(at, i))}"
        assert colour_bar_titled(chart_spec(at, i)) or (lesson.slug, i) in UNTITLED_MAPS, f"chart {i}: no colour bar label"
    told = sum(c.value.startswith("**In words:**") for c in at.caption)
    assert told == len(charts), f"{told} texts for {len(charts)} charts: every figure has its words (issue 20)"
    assert_cached_figures_are_fresh_figures(at, monkeypatch)


def specs(at):
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def assert_cached_figures_are_fresh_figures(at, monkeypatch, rerun=False):
    """The figures `at` drew from lab.cache (built once and shared; with `rerun`, drawn once
    already and drawn again) are exactly those built afresh the old way (the builder, then
    show_figure's theme.apply), so caching changes nothing a learner receives."""
    cached = specs(at.run() if rerun else at)
    monkeypatch.setattr(cache, "figure", lambda make, key, settings, big: theme.apply(make(), big=big))
    assert specs(at.run()) == cached


def test_presentation_mode_comes_from_the_link_and_enlarges_figures(monkeypatch):
    at = open_lesson("home", sidebar=True)
    at.query_params["present"] = "1"
    at.run()
    assert at.toggle(key="present").value and at.query_params["present"] == "1"
    switch_lesson(at, "softmax").run()
    assert not at.exception and '"size":24' in at.get("plotly_chart")[0].proto.spec.replace(" ", "")
    assert_cached_figures_are_fresh_figures(at, monkeypatch, rerun=True)   # big fonts cached apart
