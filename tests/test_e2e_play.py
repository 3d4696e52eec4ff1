"""In a real browser: pressing Play on every animated lesson moves its picture while the map
under it stays drawn, and moving one slider redraws the page's charts.

plotly.js blanks contour and heatmap traces on Play (plotly.js #4491); the animated maps are
background images (viz/raster.py) or heat maps redrawn in every frame, and this proves it.
"""
import time

import pytest
from tests.helpers import open_page

pytestmark = pytest.mark.e2e

ANIMATED = ["descent", "traps", "landscape", "regularization", "playground"]
STILL = ["batches", "schedules", "initialization"]   # softmax and backprop have tests of their own
# JS: for each animated chart, its index and a fingerprint of every trace's data
ANIMATED_CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map((gd, i) => [i, gd]).filter(([i, gd]) => gd._transitionData && gd._transitionData._frames.length)
    .map(([i, gd]) => i)"""
FINGERPRINT = """i => JSON.stringify(document.querySelectorAll('.js-plotly-plot')[i]._fullData
    .map(t => [t.x, t.y, t.z].map(a => a && Array.from(a).slice(0, 4000))))"""
MAP_DRAWN = """i => { const gd = document.querySelectorAll('.js-plotly-plot')[i];
    return gd.querySelectorAll('.layer-below image, .imagelayer image, .hm image').length; }"""
ALL_CHARTS = """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')].map(gd => gd._fullData
    .map(t => [t.x, t.y, t.z].map(a => a && Array.from(a).slice(0, 4000)))))"""


@pytest.mark.parametrize("slug", ANIMATED)
def test_play_moves_the_picture_and_keeps_the_map(page, app_url, wait_settled, shoot, slug):
    open_page(page, f"{app_url}/{slug}", wait_settled)
    charts = page.evaluate(ANIMATED_CHARTS)
    assert charts, f"{slug} has no animated chart"
    chart = charts[0]
    plot = page.locator(".js-plotly-plot").nth(chart)
    plot.scroll_into_view_if_needed()
    maps = page.evaluate(MAP_DRAWN, chart)
    before = page.evaluate(FINGERPRINT, chart)
    plot.locator(".updatemenu-button", has_text="Play").first.click()
    time.sleep(1.5)
    assert page.evaluate(FINGERPRINT, chart) != before, "Play did not change the picture"
    assert page.evaluate(MAP_DRAWN, chart) >= maps, "the map vanished while playing"
    shoot(page, f"{slug}-playing")
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("slug", ANIMATED + STILL)
def test_a_slider_step_redraws_the_charts(page, app_url, wait_settled, slug):
    open_page(page, f"{app_url}/{slug}", wait_settled)
    before = page.evaluate(ALL_CHARTS)
    thumb = page.get_by_role("slider").first
    thumb.focus()
    thumb.press("ArrowRight")
    wait_settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.evaluate(ALL_CHARTS) != before, "moving the first slider changed no chart"
