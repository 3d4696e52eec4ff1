"""In a real browser: the digits lesson draws its first-layer weights as images and a confusion
matrix, Play animates the weights without losing the heat map, and nothing raises."""
import time

import pytest

from tests.conftest import ARTIFACTS
from tests.helpers import assert_accessible, open_page

pytestmark = pytest.mark.e2e

HEATMAPS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd =>
    gd._fullData.filter(t => t.type === 'heatmap').map(t => ({
        rows: t.z.length, cols: t.z[0].length, frames: (gd._transitionData._frames || []).length,
        colorbar: t.showscale ? ((t.colorbar || {}).title || {}).text : null,
        text: t.text ? Array.from(t.text).map(r => Array.from(r)) : null})))"""
DRAWN = "i => document.querySelectorAll('.js-plotly-plot')[i].querySelectorAll('.hm image').length"
WEIGHTS_Z = """() => JSON.stringify(document.querySelectorAll('.js-plotly-plot')[0]._fullData[0].z)"""
SPAN = """i => { const r = document.querySelectorAll('.js-plotly-plot')[i].getBoundingClientRect();
    return [r.top, r.bottom]; }"""


def test_digits_weights_fit_the_first_screen_draw_as_images_and_play(page, app_url, wait_settled,
                                                                   shoot):
    """Opened once at 1440×900 (at 1280×720 lesson()'s header alone fills 480 px, not this page's)."""
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, f"{app_url}/digits", wait_settled)
    assert_accessible(page, "digits")   # axe-core (tests/test_e2e_access.py)
    top, bottom = page.evaluate(SPAN, 0)
    assert 0 <= top and bottom <= 900, f"weights drawn at y = {top:.0f}..{bottom:.0f}"

    charts = page.evaluate(HEATMAPS)
    assert len(charts) == 4
    weights, confusion = charts[0][0], charts[1][0]
    assert (weights["rows"], weights["cols"]) == (4 * 9 - 1, 8 * 9 - 1)   # 32 tiles of 8×8
    assert weights["frames"] == 21 and weights["colorbar"] == "weight w"
    assert (confusion["rows"], confusion["cols"]) == (10, 10)
    assert confusion["colorbar"] == "test digits (log scale)"
    assert sum(int(t) for row in confusion["text"] for t in row if t) == 449
    assert page.evaluate(DRAWN, 0) >= 1 and page.evaluate(DRAWN, 1) >= 1   # drawn as images
    shoot(page, "digits")

    plot = page.locator(".js-plotly-plot").first
    plot.scroll_into_view_if_needed()
    before = page.evaluate(WEIGHTS_Z)
    plot.locator(".updatemenu-button", has_text="Play").first.click()
    time.sleep(1.5)
    assert page.evaluate(WEIGHTS_Z) != before, "Play did not change the weights"
    assert page.evaluate(DRAWN, 0) >= 1, "the weight images vanished while playing"
    time.sleep(4)                                        # 21 frames at 200 ms: the end
    assert page.evaluate(DRAWN, 0) >= 1
    page.screenshot(path=ARTIFACTS / "digits-playing.png")
    assert page.locator('[data-testid="stException"]').count() == 0
