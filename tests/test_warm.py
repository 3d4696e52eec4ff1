"""deploy/warm.py: the views a deployed server precomputes, and that opening one over the
websocket, as the warming thread does, runs the page on a real server."""
import pytest

from deploy import warm
from lab import catalog
from tests.load_class import Learner, run

SOFTMAX_PRESET = "z_cat=6&z_dog=0&z_fox=0&z_owl=0&true=dog"   # the values of "Confident and wrong"


def test_every_lesson_warms_its_defaults_and_each_preset_by_its_values():
    made = list(warm.views())
    lessons = catalog.available()
    assert len(made) == sum(1 + len(catalog.module(lesson).PRESETS) for lesson in lessons)
    assert [slug for slug, query in made if not query] == [lesson.slug for lesson in lessons]
    assert ("softmax", SOFTMAX_PRESET) in made    # no preset= : a question would hide the run
    assert all("preset=" not in query for _, query in made)


@pytest.mark.e2e
def test_a_view_opened_by_the_warmer_runs_on_the_server_and_a_learner_then_sees_it(app_url):
    assert run(warm.open_view(app_url, "softmax", SOFTMAX_PRESET)) is True
    learner = Learner(app_url, "softmax")

    async def visit():
        await learner.open(SOFTMAX_PRESET)
        await learner.close()
    run(visit())
    charts = [v for v in learner.view.values() if isinstance(v, list)]
    assert charts and not learner.exceptions
