"""Small helpers shared by the page tests (AppTest) and the browser tests (Playwright)."""
import base64
import json

import numpy as np

from streamlit.testing.v1 import AppTest


def chart_spec(at, i=0):
    """The i-th plotly chart an AppTest run drew, as the figure dict sent to the browser."""
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def values(array):
    """A figure's array: a list, or Plotly's typed array {"dtype", "bdata"[, "shape"]} (base64)."""
    if isinstance(array, dict):
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = array.get("shape")
        return flat.reshape([int(n) for n in shape.split(",")]) if shape else flat
    return np.asarray(array)


def open_page(page, url, wait_settled):
    """Open `url` in the browser, wait for the script and the charts, and check no exception shows."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    wait_settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0


PAGE_SCRIPT = """
import streamlit as st
from lab.page import draw_alone
draw_alone(st.session_state.get("tests.slug", {slug!r}), sidebar={sidebar})
"""


def open_lesson(slug, timeout=60, sidebar=False):
    """An AppTest (not run yet) of one page as app.py shows it: lab.page.draw_alone(slug).

    `sidebar` adds app.py's sidebar (presentation mode). Set at.query_params, then at.run();
    `switch_lesson(at, other)` moves the same session to another page, like a menu click.
    """
    return AppTest.from_string(PAGE_SCRIPT.format(slug=slug, sidebar=sidebar), default_timeout=timeout)


def switch_lesson(at, slug):
    """Make the next at.run() draw page `slug` in the same session (a click in the menu)."""
    at.session_state["tests.slug"] = slug
    return at


AXE_SCRIPT = None   # axe-core's axe.min.js, as the axe-playwright-python package ships it
SERIOUS = ("serious", "critical")


def axe_violations(page):
    """Run axe-core (the standard accessibility engine) on the page as it is drawn now:
    [(impact, rule id, number of elements, help text, first element's selector)]."""
    global AXE_SCRIPT
    if AXE_SCRIPT is None:
        from importlib.resources import files
        AXE_SCRIPT = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SCRIPT)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [(v["impact"], v["id"], len(v["nodes"]), v["help"], v["nodes"][0]["target"]) for v in found]


CHART_NAMES = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map(gd => [gd.getAttribute('role'), gd.getAttribute('aria-label')])"""


def assert_accessible(page, name):
    """No serious or critical axe-core violation on the page as drawn now, and every chart named
    for a screen reader (lab/keyboard.py); print the minor violations."""
    for role, label in page.evaluate(CHART_NAMES):
        assert role == "figure" and label and label != "figure", f"{name}: a chart without a name"
    found = axe_violations(page)
    for violation in found:
        if violation[0] not in SERIOUS:
            print(f"accessibility, minor, {name}:", *violation)
    serious = [v for v in found if v[0] in SERIOUS]
    assert not serious, f"{name}: " + "\n".join(map(str, serious))
