"""Accessible to every student (issue 20), checked in a real browser by axe-core, the standard
accessibility engine: no violation of impact "serious" or "critical" (contrast, names of
controls, lists, keyboard-reachable regions, ...); the minor ones left are printed (-s).

Every lesson's default view is checked where a browser test opens it anyway
(tests/test_e2e_play.py, test_e2e_digits.py, test_e2e_papers.py, test_e2e_backprop.py); this
file checks the other menu pages and every lesson at one of its question presets (the view a
class sees before the reveal; the first preset that asks one, else the first preset). At a
question preset the same visit checks that nothing of the run shows before "Reveal the run" (no
chart, no verdict: the question is the page's last element) and that after it the run's first
chart is scrolled into the upper half of the window (lab/panel.py). tests/test_questions.py checks
the same "nothing before Reveal" for every question preset without a browser.
"""
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lab import catalog
from tests.helpers import assert_accessible, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def views():
    """(name, path, asks a question): home, class mode, report, two lessons in presentation
    mode, and every lesson at a question preset."""
    for entry in catalog.menu():
        if entry not in catalog.available():
            yield entry.slug, entry.slug if entry is not catalog.HOME else "", False
    for slug in ("descent", "digits"):                 # presentation mode: larger, same colours
        yield f"{slug}, presentation mode", f"{slug}?present=1", False
    for lesson in catalog.available():
        presets = catalog.module(lesson).PRESETS
        name = next((n for n, p in presets.items() if "question" in p), next(iter(presets)))
        yield f"{lesson.slug}: {name}", f"{lesson.slug}?preset={name}", "question" in presets[name]


# What the main column shows: its charts, and whether anything follows the Reveal button.
MAIN = """() => {
  const blocks = [...document.querySelectorAll('.stMain [data-testid=stElementContainer]')]
    .filter(e => e.offsetParent !== null);
  const reveal = blocks.findIndex(e => e.querySelector('button') &&
                                       e.textContent.includes('Reveal the run'));
  return {charts: document.querySelectorAll('.stMain .js-plotly-plot').length,
          after_reveal: reveal < 0 ? null : blocks.slice(reveal + 1).map(e => e.textContent.trim())
                                                                   .filter(Boolean)};
}"""
FIRST_CHART_TOP = """() => { const gd = document.querySelector('.stMain .js-plotly-plot');
                             return gd ? gd.getBoundingClientRect().top : null; }"""
SCROLLED_TO = f"""() => {{ const top = ({FIRST_CHART_TOP})();
                          return top !== null && top >= 0 && top < window.innerHeight / 2; }}"""


def test_other_pages_and_question_presets_have_no_serious_accessibility_violation(page, app_url,
                                                                                  wait_settled):
    for name, path, asks in views():
        open_page(page, f"{app_url}/{path}", wait_settled)
        if asks:
            shown = page.evaluate(MAIN)
            assert shown == {"charts": 0, "after_reveal": []}, f"{name}: shows the run before Reveal"
        assert_accessible(page, name)
        if asks:
            page.get_by_role("button", name="Reveal the run").click()
            try:           # no need to wait for the whole page: its first chart, scrolled to
                page.wait_for_function(SCROLLED_TO, timeout=30_000)
            except PlaywrightTimeout:
                pytest.fail(f"{name}: after Reveal the first chart is not in the upper half of the "
                            f"window (its top: {page.evaluate(FIRST_CHART_TOP)} px)")
            print(f"{name}: after Reveal the first chart starts {page.evaluate(FIRST_CHART_TOP):.0f} px down")
