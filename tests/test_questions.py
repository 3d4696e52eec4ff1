"""Every question preset of every lesson (issue 15): before "Reveal the run" the page shows the
question and nothing of the run (no chart, no verdict), and neither its name nor its question
states the answer. One AppTest session per lesson; the page stops at the question, before any
experiment runs, so this is cheap. The browser side (scrolled into view after Reveal) is in
tests/test_e2e_access.py.
"""
import pytest

from lab import catalog
from tests.helpers import open_lesson

# Words that would state a run's outcome in a question preset's name.
OUTCOMES = ("diverge", "escape", "stuck", "noisy", "smooth", "fail", "win", "better", "worse",
            "faster", "slower", "converge", "stall", "too big", "too small", "different")


def question_presets(lesson):
    return {n: p for n, p in catalog.module(lesson).PRESETS.items() if "question" in p}


@pytest.mark.parametrize("lesson", [l for l in catalog.available() if question_presets(l)],
                         ids=lambda l: l.slug)
def test_a_question_preset_shows_only_its_question_before_reveal(lesson):
    at = open_lesson(lesson.slug)
    for name, preset in question_presets(lesson).items():
        at.query_params["preset"] = name
        at.run()
        assert not at.exception, name
        assert not at.get("plotly_chart") and not at.main.subheader and not at.main.success, name
        assert [i.value for i in at.info] == [f"**Predict first.** {preset['question']}"], name
        assert [b.label for b in at.main.button] == ["Reveal the run"], name
        assert "?" in preset["question"], name
        assert not any(word in name.lower() for word in OUTCOMES), name
