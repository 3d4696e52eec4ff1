"""Keyboard only (issue 20): from the top of the page, Tab, Enter, Space and the arrow keys alone
choose a preset (and reveal its run), change a setting in the sidebar, step the figure's
animation slider, press ▶ Play and download a CSV, on three lessons. Plotly's Play button and
frame slider are reachable through lab/keyboard.py. And with reduced motion asked for, nothing
moves until ▶ Play.
"""
import time

import pytest

from tests.helpers import open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LESSONS = [("descent", "Saddle point: plain GD stalls"), ("traps", "Batch size 1"),
           ("regularization", "Dropout 0.5")]
FOCUSED = """() => { const e = document.activeElement;
    return {tag: e.tagName, role: e.getAttribute('role'), type: e.getAttribute('type'),
            text: e.tagName === 'MAIN' ? '' : (e.textContent || '').trim(),
            label: e.getAttribute('aria-label') || '',
            value: e.getAttribute('aria-valuenow') || e.value || null,
            max: e.getAttribute('aria-valuemax') || e.getAttribute('max'),
            figure: !!e.closest('.js-plotly-plot'), sidebar: !!e.closest('[data-testid=stSidebar]')}; }"""
FRAME = "() => document.activeElement.closest('.js-plotly-plot')._fullLayout.sliders[0].active || 0"


def tab_to(page, wanted, limit=300):
    """Press Tab until the focused element satisfies `wanted(focused)`; return it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the control ({limit} presses)")


@pytest.mark.parametrize("slug, preset", LESSONS, ids=[slug for slug, _ in LESSONS])
def test_keyboard_alone_chooses_a_preset_moves_a_slider_plays_and_downloads(page, app_url,
                                                                          wait_settled, slug, preset):
    open_page(page, f"{app_url}/{slug}", wait_settled)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")

    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"].endswith(preset))   # icon, name
    page.keyboard.press("Enter")
    wait_settled(page)
    if page.get_by_role("button", name="Reveal the run").count():
        tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Reveal the run")
        page.keyboard.press("Space")
        wait_settled(page)
    assert page.locator(".js-plotly-plot .slider-container").count(), "no animated figure after the preset"

    link = page.url
    setting = tab_to(page, lambda f: f["sidebar"] and (f["role"] == "slider" or f["type"] == "number")
                     and float(f["value"]) < float(f["max"]))   # a setting that can go up
    page.keyboard.press("ArrowUp" if setting["type"] == "number" else "ArrowRight")
    page.keyboard.press("Enter")                       # a number field takes its value on Enter
    wait_settled(page)
    assert page.evaluate(FOCUSED)["value"] != setting["value"], f"{setting['label']} did not change"
    assert page.url != link, f"{setting['label']}: the page did not redraw with the new value"

    frames = tab_to(page, lambda f: f["figure"] and f["role"] == "slider")
    back = frames["value"] == frames["max"]            # a figure that opens on its last frame
    page.keyboard.press("ArrowLeft" if back else "ArrowRight")
    time.sleep(0.5)
    assert page.evaluate(FRAME) == int(frames["value"]) + (-1 if back else 1), "the arrow key did not step"

    tab_to(page, lambda f: f["role"] == "button" and "Play" in f["label"])
    before = page.evaluate(FRAME)
    page.keyboard.press("Enter")
    time.sleep(1.5)
    assert page.evaluate(FRAME) != before, "Enter on ▶ Play did not run the animation"

    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"].endswith("CSV"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = open(download.value.path(), encoding="utf-8").read()
    assert download.value.suggested_filename.endswith(".csv") and text.count("\n") > 2
    assert page.locator('[data-testid="stException"]').count() == 0


def test_with_reduced_motion_nothing_moves_until_play(browser, app_url, wait_settled):
    """prefers-reduced-motion: reduce — the figure stays on its first frame by itself; ▶ Play
    (a learner's own choice) still runs it."""
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        open_page(page, f"{app_url}/traps", wait_settled)
        frame = "() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active || 0"
        first = page.evaluate(frame)
        time.sleep(2)
        assert page.evaluate(frame) == first, "the animation moved by itself"
        page.locator(".updatemenu-button", has_text="Play").first.click()
        time.sleep(1.5)
        assert page.evaluate(frame) != first, "Play did not run the animation"
    finally:
        context.close()
