"""In a real browser, every lesson, opened once: it draws its charts without an error (a
screenshot of the whole page lands in tests/artifacts/<slug>.png for a human to look at) and
has no serious accessibility violation (axe-core);
pressing Play on an animated lesson moves its picture while the map under it stays drawn; and
one step of its first slider redraws the page's charts.

plotly.js blanks contour and heatmap traces on Play (plotly.js #4491); the animated maps are
background images (viz/raster.py) or heat maps redrawn in every frame, and this proves it.
"""
import time

import pytest

from lab import catalog
from tests.conftest import ARTIFACTS
from tests.helpers import assert_accessible, open_page

pytestmark = pytest.mark.e2e

ANIMATED = ["descent", "traps", "landscape", "regularization", "playground", "batches"]
STILL = ["schedules", "initialization"]   # softmax and backprop have tests of their own
CHART_DATA = "() => [...document.querySelectorAll('.js-plotly-plot')].map(d => d.data || [])"
# JS: for each animated chart, its index and a fingerprint of every trace's data
ANIMATED_CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map((gd, i) => [i, gd]).filter(([i, gd]) => gd._transitionData && gd._transitionData._frames.length)
    .map(([i, gd]) => i)"""
FINGERPRINT = """i => JSON.stringify(document.querySelectorAll('.js-plotly-plot')[i]._fullData
    .map(t => [t.x, t.y, t.z].map(a => a && Array.from(a).slice(0, 4000))))"""
MAP_DRAWN = """i => { const gd = document.querySelectorAll('.js-plotly-plot')[i];
    return [...gd.querySelectorAll('.layer-below image, .imagelayer image, .hm image')]
        .filter(im => getComputedStyle(im).opacity !== '0').length; }"""   # the maps one can see
ALL_CHARTS = """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')].map(gd => gd._fullData
    .map(t => [t.x, t.y, t.z].map(a => a && Array.from(a).slice(0, 4000)))))"""


OWN_TEST = ("digits", "landscape_papers", "backprop")   # tests/test_e2e_<these>.py open them


@pytest.mark.parametrize("lesson", [lesson for lesson in catalog.available() if lesson.slug not in OWN_TEST],
                         ids=lambda lesson: lesson.slug)
def test_lesson_draws_plays_and_redraws(page, app_url, wait_settled, shoot, lesson):
    slug = lesson.slug
    open_page(page, f"{app_url}/{slug}", wait_settled)
    shoot(page, slug)
    assert_accessible(page, slug)   # axe-core (tests/test_e2e_access.py)
    charts = page.evaluate(CHART_DATA)
    assert charts and all(len(traces) > 0 for traces in charts)
    if slug in ANIMATED + STILL:   # first the slider (a still picture), then Play
        a_slider_step_redraws_the_charts(page, wait_settled)
    if slug in ANIMATED:
        play_moves_the_picture_and_keeps_the_map(page, slug)
    if slug == "batches":          # its second animation: the L(B) slice moves along the training
        play_moves_the_picture_and_keeps_the_map(page, slug, which=-1)
    assert page.locator('[data-testid="stException"]').count() == 0


def play_moves_the_picture_and_keeps_the_map(page, slug, which=0):
    charts = page.evaluate(ANIMATED_CHARTS)
    assert charts, f"{slug} has no animated chart"
    chart = charts[which]
    plot = page.locator(".js-plotly-plot").nth(chart)
    plot.scroll_into_view_if_needed()
    maps = page.evaluate(MAP_DRAWN, chart)
    before = page.evaluate(FINGERPRINT, chart)
    plot.locator(".updatemenu-button", has_text="Play").first.click()
    time.sleep(1.5)
    assert page.evaluate(FINGERPRINT, chart) != before, "Play did not change the picture"
    assert page.evaluate(MAP_DRAWN, chart) >= maps, "the map vanished while playing"
    page.screenshot(path=ARTIFACTS / f"{slug}-playing{'' if which == 0 else which}.png")


def a_slider_step_redraws_the_charts(page, wait_settled):
    before = page.evaluate(ALL_CHARTS)
    thumb = page.get_by_role("slider").first
    thumb.focus()
    thumb.press("ArrowRight")
    wait_settled(page)
    assert page.evaluate(ALL_CHARTS) != before, "moving the first slider changed no chart"
