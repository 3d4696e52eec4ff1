"""In a real browser: step forward through the whole backprop graph, back a few steps, and from
a link at step 2 back to the start.

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
             latex: document.querySelector('.st-key-backprop-stage .katex-html').textContent}};
}}"""


def state_at(page, step):
    """Wait until the graph shows `step`, then read its title, highlighted nodes/edges and the LaTeX."""
    page.wait_for_function(f"() => {{ const g = {GRAPH}; return g && g.layout && "
                           f"g.layout.title.text.includes('step {step} of'); }}", timeout=20_000)
    return page.evaluate(STATE)


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

    seen = [first]
    for step in range(2, total + 1):
        page.get_by_role("button", name="Next ▶").click()
        seen.append(state_at(page, step))
        if step == 12:
            shoot(page, "backprop-backward")
        assert seen[-1] != seen[-2], f"step {step} looks like step {step - 1}"
    assert seen[-1]["title"].startswith("Update") and seen[-1]["edges"] == 12
    assert "\u2192" in seen[-1]["latex"]     # L: before → after
    assert page.get_by_role("button", name="Next ▶").is_disabled()
    assert f"stage={total}" in page.url
    shoot(page, "backprop-update")

    for step in range(total - 1, total - 4, -1):          # back a few steps ...
        page.get_by_role("button", name="◀ Back").click()
        assert state_at(page, step) == seen[step - 1]     # the same picture as on the way forward
    page.goto(f"{app_url}/backprop?stage=2")                # ... and from a link at step 2 to the start
    page.wait_for_selector('[data-testid="stApp"]')
    assert state_at(page, 2) == seen[1]
    page.get_by_role("button", name="◀ Back").click()
    assert state_at(page, 1) == seen[0]
    wait_settled(page)
    assert page.get_by_role("button", name="◀ Back").is_disabled()
    assert page.locator('[data-testid="stException"]').count() == 0
