"""First sight (issue 14), in a real browser: on every lesson, opened once in normal and once in
presentation mode (?present=1) and then resized in place, the main figure lies inside the
window at 1440×900 and 1280×720, and (normal mode) no figure is wider than a 390×844 phone; the figures'
titles, legends and annotations never overlap (their SVG boxes) at the three sizes; each run lists
the main figure's box, and any overlap, in tests/artifacts/sight/<lesson>-<mode>.txt. Screenshots of every state:
tests/artifacts/sight/<lesson>-<mode>-<width>.png (README shows two of them).
"""
import json
import time

import pytest

from lab import catalog
from lab.fit import MAIN_KEY
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SIZES = [(1440, 900), (1280, 720), (390, 844)]
SHOTS = ARTIFACTS / "sight"
MAIN = f".st-key-{MAIN_KEY} .js-plotly-plot"
# JS: the main figure's box [left, top, right, bottom] in the window, or null
MAIN_BOX = """sel => { const gd = document.querySelector(sel); if (!gd) return null;
    const r = gd.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"""
# JS: the main figure's laid-out width
WIDTH = "sel => { const gd = document.querySelector(sel); return gd && gd._fullLayout ? gd._fullLayout.width : null; }"
# JS: true once every chart's Plotly layout has the size of its element (relayout done)
LAID_OUT = """() => [...document.querySelectorAll('.stMain .js-plotly-plot')].every(gd => gd._fullLayout
    && Math.abs(gd._fullLayout.width - gd.clientWidth) <= 2 && Math.abs(gd._fullLayout.height - gd.clientHeight) <= 2)"""
# JS: every chart's width, and per chart the boxes of its title, legend and annotations
TEXT_BOXES = """() => [...document.querySelectorAll('.stMain .js-plotly-plot')].map((gd, i) => {
    const box = (kind, el) => { const r = el.getBoundingClientRect();
        return [kind, r.left, r.top, r.right, r.bottom, (el.textContent || '').trim().slice(0, 40)]; };
    const parts = [...gd.querySelectorAll('.infolayer .gtitle')].map(el => box('title', el))
        .concat([...gd.querySelectorAll('.infolayer .legend .bg')].map(el => box('legend', el)))
        .concat([...gd.querySelectorAll('.infolayer .annotation-text-g')].map(el => box('annotation', el)));
    return {width: gd.getBoundingClientRect().width, parts: parts.filter(p => p[3] > p[1] && p[4] > p[2])};
})"""


def settle(page, limit=40):
    """Wait until the script has run and every chart is laid out, twice in a row."""
    start, last, stable = time.time(), -1, 0
    while time.time() - start < limit and stable < 2:
        time.sleep(0.15)
        charts, done = page.evaluate(f"""() => [document.querySelectorAll('.js-plotly-plot').length,
            (document.querySelector('[data-testid=stApp]') || {{dataset: {{}}}}).dataset.testScriptState
            === 'notRunning' && ({LAID_OUT})()]""")
        stable = stable + 1 if charts == last and charts and done else 0
        last = charts


def resize(page, width, height):
    """Resize the window in place and wait until Plotly has laid every chart out again at its
    new size (the main figure's width changes with every size here)."""
    if page.viewport_size == {"width": width, "height": height}:
        return
    before = page.evaluate(WIDTH, MAIN)
    page.set_viewport_size({"width": width, "height": height})
    if before is None:   # no main figure (the test then fails on that)
        time.sleep(0.5)
    else:
        page.wait_for_function(f"() => ({WIDTH})({json.dumps(MAIN)}) !== {before} && ({LAID_OUT})()",
                               timeout=10_000)
    time.sleep(0.1)   # the fit script measures on a 60 ms timer
    page.wait_for_function(LAID_OUT, timeout=10_000)


def overlaps(a, b, slack=2):
    """True when boxes a and b (kind, left, top, right, bottom, text) share more than `slack` px."""
    return (min(a[3], b[3]) - max(a[1], b[1]) > slack) and (min(a[4], b[4]) - max(a[2], b[2]) > slack)


def collisions(charts):
    """Pairs of a chart's title, legend and annotations whose boxes overlap."""
    found = []
    for i, chart in enumerate(charts):
        parts = chart["parts"]
        for j, a in enumerate(parts):
            found += [(i, a[0], a[5], b[0], b[5]) for b in parts[j + 1:] if overlaps(a, b)]
    return found


LESSONS = catalog.available()


@pytest.mark.parametrize("mode", ["normal", "present"])
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_main_figure_on_the_first_screen(page, app_url, lesson, mode):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_url}/{lesson.slug}" + ("?present=1" if mode == "present" else ""))
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    problems, overlapping, boxes = [], [], []
    for width, height in SIZES if mode == "normal" else SIZES[:2]:   # nobody projects a phone
        resize(page, width, height)
        page.screenshot(path=SHOTS / f"{lesson.slug}-{mode}-{width}.png")
        charts = page.evaluate(TEXT_BOXES)
        overlapping += [f"{width}px: chart {c[0]}: {c[1]} '{c[2]}' overlaps {c[3]} '{c[4]}'"
                        for c in collisions(charts)]
        if width < 640:
            problems += [f"{width}px: chart {i} is {c['width']:.0f} px wide"
                         for i, c in enumerate(charts) if c["width"] > width]
            continue
        box = page.evaluate(MAIN_BOX, MAIN)
        if box is None:
            problems.append(f"{width}px: no main figure")
            continue
        left, top, right, bottom = box
        boxes.append(f"{width}x{height}: main figure at {[round(v) for v in box]}")
        if left < 0 or top < 0 or right > width or bottom > height:
            problems.append(f"{width}x{height}: main figure at {[round(v) for v in box]}")
    (SHOTS / f"{lesson.slug}-{mode}.txt").write_text("\n".join(boxes + overlapping) + "\n", encoding="utf-8")
    assert not problems, f"{lesson.slug} ({mode}): " + "; ".join(problems)
    assert not overlapping, f"{lesson.slug} ({mode}): text overlaps: " + "; ".join(overlapping)
