"""In a real browser: step forward through the whole backprop graph with the figure's own
Next ▶ button, back a few steps, and from a link at step 2 back to the start, all without one
script rerun (the stages arrive as the figure's frames; lab/keyboard.py moves its slider).

Screenshots land in tests/artifacts/backprop-*.png.
"""
import re

import pytest

from tests.helpers import assert_accessible

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
