"""Class mode in headless Chromium: a teacher and a student, each in a browser context of their own.

The teacher starts a class and picks a lesson preset; the student joins by code and answers;
the teacher's tally shows 1 answer without a reload; the teacher reveals; the student's page
follows by itself and shows the lesson's run next to the class result.
Screenshots: tests/artifacts/classmode-teacher.png (live tally), classmode-student.png (after the reveal).
"""
import re

import pytest

from tests.conftest import ARTIFACTS
from tests.helpers import open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WAIT = 30_000   # ms


@pytest.fixture
def two_people(browser, browser_context_args):
    teacher, student = browser.new_context(**browser_context_args), browser.new_context(**browser_context_args)
    yield teacher.new_page(), student.new_page()
    teacher.close(), student.close()


def test_a_teacher_asks_a_student_answers_the_teacher_reveals(two_people, app_url, wait_settled, shoot):
    teacher, student = two_people
    open_page(teacher, f"{app_url}/classmode", wait_settled)
    teacher.get_by_role("button", name="Start a class").click()
    code_text = teacher.get_by_text(re.compile(r"^Join code:")).first
    code_text.wait_for(timeout=WAIT)
    code = re.search(r"Join code:\s*([A-Z0-9]{6})", code_text.inner_text()).group(1)

    box = teacher.get_by_role("combobox", name="Lesson question")   # pick a preset of the traps lesson
    box.click()
    box.fill("Every step uses all 64")   # the list is long and drawn lazily: search it, as people do
    teacher.get_by_role("option", name=re.compile(r"^Local-minimum traps: Every step uses all 64")).click()
    teacher.get_by_label("Choice 1").fill("stays in the left dip")
    teacher.get_by_label("Choice 2").fill("reaches the right dip")
    teacher.get_by_label("Choice 2").press("Enter")
    wait_settled(teacher)
    teacher.get_by_role("button", name="Add to the plan").click()
    teacher.get_by_text(re.compile(r"^0 answers so far")).wait_for(timeout=WAIT)

    open_page(student, f"{app_url}/classmode?join={code}", wait_settled)
    student.get_by_role("textbox", name="Nickname (optional)").fill("Ada")
    student.get_by_role("textbox", name="Nickname (optional)").press("Enter")
    wait_settled(student)
    student.get_by_role("button", name="Join", exact=True).click()
    student.get_by_text("Every step uses all 64 examples").wait_for(timeout=WAIT)
    assert student.locator("iframe").count() == 0 and student.locator(".js-plotly-plot").count() == 0
    assert "Full batch (64 of 64)" not in student.inner_text("body")   # students never see preset names
    student.get_by_text("stays in the left dip").click()
    student.get_by_text("Your answer:").wait_for(timeout=WAIT)

    teacher.get_by_text(re.compile(r"^1 answer so far")).wait_for(timeout=WAIT)   # no reload
    teacher.screenshot(path=ARTIFACTS / "classmode-teacher.png", full_page=True)   # no settle: it polls
    teacher.get_by_role("button", name="Reveal", exact=True).click()

    student.get_by_text(re.compile("You predicted: stays in the left dip — 1 of 1")).wait_for(timeout=WAIT)
    run = student.frame_locator("iframe").first
    run.locator(".js-plotly-plot").first.wait_for(timeout=60_000)   # the lesson's own figure
    assert student.locator(".js-plotly-plot").count() >= 1            # the class result beside it
    assert student.locator('[data-testid="stException"]').count() == 0
    assert run.locator('[data-testid="stException"]').count() == 0
    shoot(student, "classmode-student")
