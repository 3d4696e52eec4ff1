"""In a real browser at 1440×900: the Playground draws its network diagram with one map per
unit, next to the big map and both on the first screen, for the default network and for three
hidden layers (?layers=3); Play moves the epoch and the neuron maps change, and they stay drawn."""
import time

import pytest

from tests.conftest import ARTIFACTS
from tests.helpers import open_page

pytestmark = pytest.mark.e2e

UNIT_MAPS = """() => document.querySelector('.js-plotly-plot')._fullData
    .filter(t => t.type === 'heatmap' && t.xaxis === 'x2').length"""
NEURONS = """() => JSON.stringify(document.querySelector('.js-plotly-plot')._fullData
    .filter(t => t.type === 'heatmap' && t.xaxis === 'x2').map(t => Array.from(t.z[3])))"""
DRAWN = "() => document.querySelector('.js-plotly-plot').querySelectorAll('.hm image').length"
MAPS_BOTTOM = """() => Math.max(...[...document.querySelector('.js-plotly-plot')
    .querySelectorAll('.hm image')].map(i => i.getBoundingClientRect().bottom))"""
EPOCH = "() => document.querySelector('.js-plotly-plot .slider-label').textContent"   # "epoch 200"


def test_the_diagram_draws_one_map_per_unit_on_the_first_screen_and_plays(page, app_url,
                                                                       wait_settled):
    page.set_viewport_size({"width": 1440, "height": 900})
    for query, hidden in (("", 2), ("?layers=3", 3)):
        open_page(page, f"{app_url}/playground{query}", wait_settled)
        assert page.evaluate(UNIT_MAPS) == 2 + 8 * hidden + 2     # inputs, 8 per layer, classes
        assert page.evaluate(DRAWN) == 1 + 2 + 8 * hidden + 2     # as images, with the big map
        bottom = page.evaluate(MAPS_BOTTOM)
        assert bottom <= 900, f"a map ends at y = {bottom:.0f}, below the first screen"
    page.screenshot(path=ARTIFACTS / "playground-diagram.png")

    before, epoch = page.evaluate(NEURONS), page.evaluate(EPOCH)
    page.locator(".js-plotly-plot").first.locator(".updatemenu-button", has_text="Play").click()
    time.sleep(1.5)
    assert page.evaluate(EPOCH) != epoch, "Play did not move the epoch"
    assert page.evaluate(NEURONS) != before, "Play did not change the neuron maps"
    assert page.evaluate(DRAWN) == 1 + 2 + 8 * 3 + 2, "maps vanished while playing"
    page.screenshot(path=ARTIFACTS / "playground-diagram-playing.png")
    assert page.locator('[data-testid="stException"]').count() == 0
