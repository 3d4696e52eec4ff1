"""Slider to chart in a real browser (issue 13): on every lesson, one step of its main control
(the first slider, keyboard → and ←) redraws the first chart, and the warm median time of that
is recorded per page in tests/artifacts/latency.json (bench.browser's measurement; the README's
figures come from `python -m bench browser`, never from a timed assertion here).
"""
import json

import pytest

from bench.browser import TARGET_MS, lesson_latency
from lab import catalog
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_every_lessons_main_slider_redraws_its_first_chart(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    measured = {}
    for lesson in catalog.available():
        found = lesson_latency(page, f"{app_url}/{lesson.slug}", steps=2)   # times out unless redrawn
        assert page.locator('[data-testid="stException"]').count() == 0, lesson.slug
        assert found is not None, f"{lesson.slug} has no slider to step"
        label, ms = found
        measured[lesson.slug] = {"control": label, "p50_ms": round(ms), "target_ms": TARGET_MS}
    ARTIFACTS.mkdir(exist_ok=True)   # written once every lesson has answered
    (ARTIFACTS / "latency.json").write_text(json.dumps(measured, indent=1, ensure_ascii=False), encoding="utf-8")
