"""In a real browser: the "Loss landscapes in the papers" lesson opens, its four slices draw on
one shared colour scale with a single colour bar, and the 3-D view turns when dragged."""
import pytest

from experiments import landscape_papers as exp
from tests.helpers import assert_accessible, open_page

pytestmark = pytest.mark.e2e
BUILD = 240   # seconds: the first visit trains and slices every network (longer on a busy machine)
SLICES = """() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];
    return {contours: gd._fullData.filter(t => t.type === 'contour').map(t => t.coloraxis),
            colorbars: gd.querySelectorAll('.colorbar').length,
            range: [gd._fullLayout.coloraxis.cmin, gd._fullLayout.coloraxis.cmax]}; }"""
CAMERA = """() => { const gd = document.querySelectorAll('.js-plotly-plot')[1];
    const eye = gd._fullLayout.scene._scene.getCamera().eye; return [eye.x, eye.y, eye.z]; }"""
SCENES = """() => { const gd = document.querySelectorAll('.js-plotly-plot')[1];
    return gd._fullData.filter(t => t.type === 'surface').length; }"""


def test_slices_share_one_colour_scale_on_the_first_screen_and_the_3d_view_turns(page, app_url,
                                                                                wait_settled, shoot):
    lesson = page
    open_page(page, f"{app_url}/landscape_papers", wait_settled)
    assert_accessible(page, "landscape_papers")   # axe-core (tests/test_e2e_access.py)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5",
                           timeout=BUILD * 1000)
    wait_settled(page, BUILD)
    assert page.locator('[data-testid="stException"]').count() == 0
    for width, height in ((1440, 900),):   # at 1280x720 the lesson header alone fills 490 px
        lesson.set_viewport_size({"width": width, "height": height})
        lesson.wait_for_timeout(500)
        bottom = lesson.evaluate("() => document.querySelectorAll('.js-plotly-plot')[0]"
                                 ".getBoundingClientRect().bottom")
        assert bottom <= height, f"the slices end at {bottom:.0f} px on a {width}x{height} screen"
    lesson.set_viewport_size({"width": 1440, "height": 1000})
    shoot(lesson, "landscape_papers")
    slices = lesson.evaluate(SLICES)
    assert slices["contours"] == ["coloraxis"] * len(exp.NETS)
    assert slices["colorbars"] == 1
    low, high = slices["range"]
    assert low < high and high == pytest.approx(__import__("math").log10(exp.CAP))

    assert lesson.evaluate(SCENES) == 2
    plot = lesson.locator(".js-plotly-plot").nth(1)
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    before = lesson.evaluate(CAMERA)
    x, y = box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.5   # the first scene
    lesson.mouse.move(x, y)
    lesson.mouse.down()
    for step in range(1, 21):
        lesson.mouse.move(x + 10 * step, y + 3 * step)
        lesson.wait_for_timeout(50)
    lesson.mouse.up()
    lesson.wait_for_timeout(500)
    after = lesson.evaluate(CAMERA)
    assert max(abs(a - b) for a, b in zip(after, before)) > 0.05, "dragging did not turn the view"
    assert lesson.locator('[data-testid="stException"]').count() == 0
