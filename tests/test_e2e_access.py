"""Accessible to every student (issue 20), checked in a real browser by axe-core, the standard
accessibility engine: every page of the menu at its defaults, and every lesson at one of its
question presets (the view a class sees), has no violation of impact "serious" or "critical"
(contrast, names of controls, lists, keyboard-reachable regions, ...). The minor ones left are
printed (run with -s to see them).
"""
import pytest

from lab import catalog
from tests.helpers import SERIOUS, axe_violations, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def views():
    """(name, path) of every menu page at its defaults and every lesson at a question preset
    (the first preset that asks one, else the first)."""
    for entry in catalog.menu():
        yield entry.slug, entry.slug if entry is not catalog.HOME else ""
    for lesson in catalog.available():
        presets = catalog.module(lesson).PRESETS
        name = next((n for n, p in presets.items() if "question" in p), next(iter(presets)))
        yield f"{lesson.slug}: {name}", f"{lesson.slug}?preset={name}"


def test_no_page_has_a_serious_accessibility_violation(page, app_url, wait_settled):
    serious, minor = [], []
    for name, path in views():
        open_page(page, f"{app_url}/{path}", wait_settled)
        for violation in axe_violations(page):
            (serious if violation[0] in SERIOUS else minor).append((name, *violation))
    for line in minor:
        print("minor:", *line)
    assert not serious, "\n".join(map(str, serious))
