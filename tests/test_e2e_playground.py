"""In a real browser at 1440×900: the Playground draws its network diagram with one map per
unit, next to the big map, both on the first screen with the main controls beside them, for the
default network and for three hidden layers (?layers=3); Reset goes back to epoch 0 and Step
one frame on; clicking a neuron shows its map large in the big map's place (lab/enlarge.py);
Play moves the epoch and the neuron maps change (the large one with them), and they stay drawn."""
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
CONTROLS = ("dataset", "features", "layers", "width", "activation", "lr")
BOTTOM = "key => document.querySelector(`.st-key-playground-${key}`).getBoundingClientRect().bottom"
ENLARGED = """() => { const gd = document.querySelector('.js-plotly-plot'), m = gd.layout.meta.enlarge;
    const big = gd.data[m.trace], unit = gd.data.findIndex(t => t.meta === 'hidden layer 2, neuron 3');
    return {visible: big.visible === true, same: big.z === gd.data[unit].z,
            note: gd.layout.annotations[m.note].text}; }"""
WIDEST = """() => Math.max(...[...document.querySelector('.js-plotly-plot').querySelectorAll('.hm image')]
    .map(i => i.getBoundingClientRect().width))"""


def button(page, text):
    return page.locator(".js-plotly-plot").first.locator(".updatemenu-button", has_text=text)


def click_neuron(page, name):
    """Click the middle of the unit map whose trace is named `name` (plotly's own hit test):
    its image is the one after those of the drawn heat maps before it."""
    index = page.evaluate("""name => { const data = document.querySelector('.js-plotly-plot').data;
        return data.slice(0, data.findIndex(t => t.meta === name))
                   .filter(t => t.type === 'heatmap' && t.visible !== false).length; }""", name)
    box = page.locator(".js-plotly-plot").first.locator(".hm image").nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_the_diagram_draws_one_map_per_unit_on_the_first_screen_and_plays(page, app_url,
                                                                       wait_settled):
    page.set_viewport_size({"width": 1440, "height": 900})
    for query, hidden in (("", 2), ("?layers=3", 3)):
        open_page(page, f"{app_url}/playground{query}", wait_settled)
        assert page.evaluate(UNIT_MAPS) == 2 + 8 * hidden + 2     # inputs, 8 per layer, classes
        assert page.evaluate(DRAWN) == 1 + 2 + 8 * hidden + 2     # as images, with the big map
        bottom = page.evaluate(MAPS_BOTTOM)
        assert bottom <= 900, f"a map ends at y = {bottom:.0f}, below the first screen"
        below = {key: page.evaluate(BOTTOM, key) for key in CONTROLS}
        below["Play"] = button(page, "Play").bounding_box()["y"] + 20
        assert max(below.values()) <= 900, f"below the first screen: {below}"
    page.screenshot(path=ARTIFACTS / "playground-diagram.png")

    button(page, "Reset").click()
    page.wait_for_function(f"() => ({EPOCH})() === 'epoch 0'")
    button(page, "Step").click()
    page.wait_for_function(f"() => ({EPOCH})() !== 'epoch 0'")
    click_neuron(page, "hidden layer 2, neuron 3")
    page.wait_for_function(f"() => ({ENLARGED})().visible")
    shown = page.evaluate(ENLARGED)
    assert shown["same"] and shown["note"].startswith("hidden layer 2, neuron 3<br>click it again")
    assert page.evaluate(WIDEST) > 250, "the clicked neuron's map is not drawn large"

    before, epoch = page.evaluate(NEURONS), page.evaluate(EPOCH)
    button(page, "Play").click()
    time.sleep(1.5)
    assert page.evaluate(EPOCH) != epoch, "Play did not move the epoch"
    assert page.evaluate(NEURONS) != before, "Play did not change the neuron maps"
    assert page.evaluate(DRAWN) == 1 + 1 + 2 + 8 * 3 + 2, "maps vanished while playing"
    page.wait_for_function(f"() => ({ENLARGED})().same", timeout=5000)   # it follows its neuron
    page.screenshot(path=ARTIFACTS / "playground-diagram-playing.png")
    assert page.locator('[data-testid="stException"]').count() == 0
