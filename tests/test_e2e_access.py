"""Accessible to every student (issue 20), checked in a real browser by axe-core, the standard
accessibility engine: no violation of impact "serious" or "critical" (contrast, names of
controls, lists, keyboard-reachable regions, ...); the minor ones left are printed (-s).

Every lesson's default view is checked where a browser test opens it anyway
(tests/test_e2e_play.py, test_e2e_digits.py, test_e2e_papers.py, test_e2e_backprop.py); this
file checks the other menu pages and every lesson at one of its question presets (the view a
class sees before the reveal; the first preset that asks one, else the first preset).
"""
import pytest

from lab import catalog
from tests.helpers import assert_accessible, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def views():
    """(name, path): home, class mode, report, two lessons in presentation mode, and every lesson
    at a question preset."""
    for entry in catalog.menu():
        if entry not in catalog.available():
            yield entry.slug, entry.slug if entry is not catalog.HOME else ""
    for slug in ("descent", "digits"):                 # presentation mode: larger, same colours
        yield f"{slug}, presentation mode", f"{slug}?present=1"
    for lesson in catalog.available():
        presets = catalog.module(lesson).PRESETS
        name = next((n for n, p in presets.items() if "question" in p), next(iter(presets)))
        yield f"{lesson.slug}: {name}", f"{lesson.slug}?preset={name}"


def test_other_pages_and_question_presets_have_no_serious_accessibility_violation(page, app_url,
                                                                                  wait_settled):
    for name, path in views():
        open_page(page, f"{app_url}/{path}", wait_settled)
        assert_accessible(page, name)
