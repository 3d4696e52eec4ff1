"""In a real browser: step forward through the whole backprop graph with the figure's own
Next ▶ button, back a few steps, and from a link at step 2 back to the start, all without one
script rerun (the stages arrive as the figure's frames; lab/keyboard.py moves its slider).
And, the graph alone in a page at its sizes in the app, no label overlaps another at any step.

Screenshots land in tests/artifacts/backprop-*.png.
"""
import re
from pathlib import Path

import plotly
import pytest

from experiments import backprop as exp
from lab.page import LAYOUT_CSS
from tests.helpers import assert_accessible
from viz import backprop as draw, theme

pytestmark = pytest.mark.e2e
GRAPH = "document.querySelector('.js-plotly-plot')"
STATE = f"""() => {{
    const g = {GRAPH}, nodes = g.data.find(t => t.name === 'nodes'),
          edges = g.data.find(t => t.name === 'highlighted edges');
    return {{title: g.layout.title.text,
             lit: nodes.text.filter((_, i) => nodes.marker.color[i] === '#D55E00').join(' '),
             edges: edges.x.length / 3,
             words: g.layout.annotations.find(a => a.text.startsWith('<b>This step:')).text}};
}}"""
# Counts the script runs from now on: stApp's data-test-script-state turning to "running".
COUNT_RUNS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    window.gdlabRuns = 0;
    new MutationObserver(() => { if (app.dataset.testScriptState === 'running') window.gdlabRuns++; })
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def state_at(page, step):
    """Wait until the graph shows `step`, then read its title, highlighted nodes/edges and the step's words."""
    page.wait_for_function(f"() => {{ const g = {GRAPH}; return g && g.layout && "
                           f"g.layout.title.text.includes('step {step} of'); }}", timeout=20_000)
    return page.evaluate(STATE)


def press(page, label):
    page.locator(".js-plotly-plot").first.locator(".updatemenu-button", has_text=label).click()


def test_step_forward_to_the_end_and_back_to_the_start(page, app_url, wait_settled, shoot):
    page.goto(f"{app_url}/backprop")
    page.wait_for_selector('[data-testid="stApp"]')
    wait_settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(".js-plotly-plot").count() == 2
    assert_accessible(page, "backprop")   # axe-core (tests/test_e2e_access.py)
    first = state_at(page, 1)
    total = int(re.search(r"of (\d+)", first["title"]).group(1))
    assert total == 33 and "x₁" in first["lit"]
    shoot(page, "backprop-step-1")
    page.evaluate(COUNT_RUNS)

    seen = [first]
    for step in range(2, total + 1):
        press(page, "Next ▶")
        seen.append(state_at(page, step))
        if step == 12:
            shoot(page, "backprop-backward")
        assert seen[-1] != seen[-2], f"step {step} looks like step {step - 1}"
    assert seen[-1]["title"].startswith("Update") and seen[-1]["edges"] == 12
    assert "L after the update" in seen[-1]["words"]
    press(page, "Next ▶")                                   # at the end it stays there
    assert state_at(page, total) == seen[-1]
    shoot(page, "backprop-update")

    for step in range(total - 1, total - 4, -1):          # back a few steps ...
        press(page, "◀ Back")
        assert state_at(page, step) == seen[step - 1]     # the same picture as on the way forward
    assert page.evaluate("() => window.gdlabRuns") == 0   # every step drawn by the browser alone
    page.goto(f"{app_url}/backprop?stage=2")                # ... and from a link at step 2 to the start
    page.wait_for_selector('[data-testid="stApp"]')
    assert state_at(page, 2) == seen[1]
    wait_settled(page)
    press(page, "◀ Back")
    assert state_at(page, 1) == seen[0]
    press(page, "◀ Back")
    assert state_at(page, 1) == seen[0]
    assert page.locator('[data-testid="stException"]').count() == 0


# The graph's size in the page (its box in tests/artifacts/sight/backprop-*.txt): beside the
# sidebar at 1440×900 and 1280×720, on a 1440×900 and a 1280×720 projector (presentation mode),
# fitted to the window (lab/fit.py); still open (issue 14): a phone, whose ~80 px between two
# layers are narrower than an edge's label and a node's side by side.
TOO_SMALL = pytest.mark.xfail(strict=True, reason="issue 14: labels still collide at this size")
GRAPH_SIZES = [(980, 675, False), (820, 470, False), (1280, 658, True),
               (1120, 478, True), pytest.param(358, 750, False, marks=TOO_SMALL)]
# JS: per element of the graph that must stand alone, [what, left, top, right, bottom]: every
# shown annotation (labels with their white box, the step in words, the key), the title and
# every node's circle; and the figure's own box
BOXES = """() => { const gd = document.getElementById('graph'), box = (what, el) => {
        const r = el.getBoundingClientRect(); return [what, r.left, r.top, r.right, r.bottom]; };
    const labels = [...gd.querySelectorAll('.infolayer .annotation')]
        .filter(el => el.style.display !== 'none' && el.textContent.trim())
        .map(el => box('label ' + el.textContent.trim(), el.querySelector('.annotation-text-g')));
    const title = [...gd.querySelectorAll('.infolayer .gtitle')].map(el => box('title', el));
    const nodes = [...gd.querySelectorAll('.scatterlayer .trace')].pop();
    const circles = [...nodes.querySelectorAll('.points path')].map((el, i) => box('node ' + i, el));
    return {parts: labels.concat(title, circles), figure: box('figure', gd)}; }"""
STEP = """name => Plotly.animate('graph', [name], {frame: {duration: 0, redraw: true},
    transition: {duration: 0}, mode: 'immediate'})"""


def graph_page(page, fig, width, height):
    """A page with nothing but `fig` at width × height px (plotly.js from the plotly package),
    with the app's CSS (a phone draws annotations smaller, lab/page.py)."""
    page.set_viewport_size({"width": width + 32, "height": height + 20})
    page.set_content(f"{LAYOUT_CSS}<div class='stMain'><div class='js-plotly-plot' id='graph' "
                     f"style='width:{width}px;height:{height}px'></div></div>")
    page.add_script_tag(path=str(Path(plotly.__file__).parent / "package_data" / "plotly.min.js"))
    spec = fig.to_plotly_json()
    page.evaluate("""([data, layout, frames]) => Plotly.newPlot('graph', data, layout, {})
        .then(gd => Plotly.addFrames(gd, frames))""",
                  [spec["data"], {**spec["layout"], "width": width, "height": height}, spec["frames"]])


def clashes(parts, slack=1):
    """The pairs of boxes that share more than `slack` px both ways."""
    return [(a[0], b[0]) for i, a in enumerate(parts) for b in parts[i + 1:]
            if min(a[3], b[3]) - max(a[1], b[1]) > slack and min(a[4], b[4]) - max(a[2], b[2]) > slack]


@pytest.mark.parametrize("width,height,big", GRAPH_SIZES, ids=lambda v: str(v))
def test_no_label_of_the_graph_overlaps_another_or_is_cut_at_any_step(page, width, height, big):
    """Issue 14: at every step of the default pass, in the browser, no two of the graph's labels
    (and the title, the step in words, the key) overlap, none covers a node, and every label is
    whole inside the figure."""
    walk = exp.walk()
    graph_page(page, theme.apply(draw.stepper(walk, big=big), big=big), width, height)
    problems = []
    for k in range(len(walk["stages"])):
        page.evaluate(STEP, str(k + 1))
        boxes = page.evaluate(BOXES)
        (_, left, top, right, bottom), parts = boxes["figure"], boxes["parts"]
        problems += [f"step {k + 1}: {a} overlaps {b}" for a, b in clashes(parts)
                     if not (a.startswith("node") and b.startswith("node"))]
        problems += [f"step {k + 1}: {p[0]} is cut" for p in parts
                     if p[1] < left or p[2] < top or p[3] > right or p[4] > bottom]
    assert not problems, "\n".join(problems)
