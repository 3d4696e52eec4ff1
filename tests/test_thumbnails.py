"""The home page's pictures: every lesson has its thumbnail, a PNG of lab.thumbnails.SIZE
(`python -m lab.thumbnails` makes them again from each lesson's main figure)."""
import struct

import pytest

from lab import catalog, thumbnails


@pytest.mark.parametrize("lesson", catalog.available(), ids=lambda lesson: lesson.slug)
def test_every_lesson_has_its_thumbnail(lesson):
    png = thumbnails.path(lesson).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == thumbnails.SIZE
    assert len(png) < 150_000   # small: the home page loads all of them
