"""lab/warm.py: the views a server precomputes, and that a precomputed view is what the next
learner's first run finds in the caches (its figures are not built again)."""
from unittest.mock import MagicMock

import pytest
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

from lab import catalog, warm
from tests.helpers import open_lesson
from viz import softmax as draw


def test_every_lesson_warms_its_defaults_and_each_preset_by_its_values():
    made = list(warm.views())
    lessons = catalog.available()
    assert len(made) == sum(1 + len(catalog.module(lesson).PRESETS) for lesson in lessons)
    assert [slug for slug, query in made if not query] == [lesson.slug for lesson in lessons]
    assert ("softmax", "z_cat=6&z_dog=0&z_fox=0&z_owl=0&true=dog") in made    # no preset= : no question
    assert all("preset=" not in query for _, query in made)


def test_nothing_warms_unless_the_deploy_asks(monkeypatch):
    monkeypatch.delenv(warm.ENV, raising=False)
    monkeypatch.setattr(warm, "warm", lambda: pytest.fail("warmed without GDLAB_PRECOMPUTE=1"))
    warm.start()


@pytest.fixture
def server(monkeypatch):
    """A stand-in for the running server's Runtime, as AppTest makes one."""
    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    runtime.cache_storage_manager = MemoryCacheStorageManager()
    runtime.uploaded_file_mgr = MemoryUploadedFileManager("/mock/upload")
    monkeypatch.setattr(Runtime, "_instance", runtime)


def test_a_warmed_view_is_drawn_from_the_caches(server, tmp_path, monkeypatch):
    query = "z_cat=6&z_dog=0&z_fox=0&z_owl=0&true=dog"   # the values of preset "Confident and wrong"
    assert warm.run_view(tmp_path, "softmax", query)
    monkeypatch.setattr(draw, "one_example", lambda *a: pytest.fail("the figure was built again"))
    at = open_lesson("softmax")
    at.query_params.update(dict(pair.split("=") for pair in query.split("&")))
    at.run()
    assert not at.exception and at.get("plotly_chart")
