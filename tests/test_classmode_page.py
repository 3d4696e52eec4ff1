"""Class mode's teacher and student views in Streamlit's AppTest, on a real SQLite file.

Each AppTest is one browser session; several of them share this process's Store (as the
sessions of one server do). One test runs the whole lesson on PostgreSQL too.
"""
import json
import re
import uuid

import psycopg
import pytest

from lab.classroom import questions as qs
from lab.classroom import store as repo
from lab.classroom import views
from tests.helpers import chart_spec, open_lesson
from viz import classroom as classroom_figures

NICK = "Zelda*the_great"


@pytest.fixture(autouse=True)
def fresh_store(tmp_path, monkeypatch):
    """Each test: its own SQLite file (and no DATABASE_URL), a fresh cached Store."""
    monkeypatch.setenv("GDLAB_DATA", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    views.store.clear()
    yield
    views.store.clear()


def open_page(params=None):
    at = open_lesson("classmode", timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def no_exception(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at):
    """Everything the page says in words (markdown, headings, alerts, captions)."""
    parts = [e.value for kind in ("markdown", "subheader", "caption", "info", "warning", "error",
                                  "success") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def start_class(choices=("left dip", "right dip"), preset_index=None):
    """A teacher session that started a class and added one question: (AppTest, code)."""
    teacher = no_exception(open_page())
    teacher.button(key="classmode.start").click().run()
    if preset_index is not None:
        teacher.selectbox(key="classmode.preset").set_value(preset_index)
    else:
        teacher.radio(key="classmode.source").set_value("My own").run()
        teacher.text_area(key="classmode.text").set_value("Where does the ball end up?")
    for i, choice in enumerate(choices):
        teacher.text_input(key=f"classmode.choice.{i}").set_value(choice)
    teacher.button(key="classmode.add").click().run()
    return no_exception(teacher), teacher.session_state["classmode.role"]["code"]


def join(code, nickname=""):
    student = open_page({"join": code})
    assert student.text_input(key="classmode.code").value == code   # the link fills the code
    student.text_input(key="classmode.nickname").set_value(nickname)
    student.button(key="classmode.join").click().run()
    return no_exception(student)


def test_starting_a_class_shows_code_link_qr_and_a_private_teacher_link():
    teacher, code = start_class()
    assert re.fullmatch(f"[{repo.ALPHABET}]{{6}}", code)
    said = texts(teacher)
    assert code in said and f"classmode?join={code}" in said.replace("\\", "")
    assert len(teacher.get("image")) == 1                       # the QR code
    key = teacher.session_state["classmode.role"]["key"]
    assert "key" not in teacher.query_params and key not in said   # never in view by default
    assert any(f"teach={code}&key={key}" in c.value for c in teacher.code)   # folded-away link


def test_the_private_teacher_link_works_once_opened_and_a_guess_does_not():
    teacher, code = start_class()
    key = teacher.session_state["classmode.role"]["key"]
    guess = no_exception(open_page({"teach": code, "key": "a" * 32}))
    assert "teacher link is not valid" in texts(guess)
    assert "classmode.role" not in guess.session_state
    assert guess.button(key="classmode.start")                  # still the landing page
    again = no_exception(open_page({"teach": code, "key": key}))
    assert again.session_state["classmode.role"] == {"code": code, "key": key}
    assert "key" not in again.query_params and "teach" not in again.query_params
    assert again.button(key="classmode.reveal")


def test_a_student_answers_sees_no_picture_before_the_reveal_and_the_run_after():
    teacher, code = start_class(preset_index=1, choices=("converges", "diverges", "neither"))
    ada, bob = join(code, "Ada"), join(code, NICK)
    ada.radio(key="classmode.answer.0").set_value("diverges").run()
    bob.radio(key="classmode.answer.0").set_value("converges").run()
    bob.radio(key="classmode.answer.0").set_value("diverges").run()   # changed his mind
    for student in (ada, bob):
        no_exception(student)
        assert "Your answer: **diverges**" in texts(student)
        assert not student.get("plotly_chart") and not student.get("iframe")   # picture withheld
        assert "Learning rate too big" not in texts(student)   # nor the preset's name
    teacher.run()
    assert "**2 answers** so far · 2 students joined" in texts(teacher)
    assert chart_spec(teacher)["data"][0]["x"] == [0, 2, 0]
    teacher.button(key="classmode.reveal").click().run()
    ada.run()
    no_exception(ada)
    assert "You predicted\\: diverges — 2 of 2 predicted the same" in texts(ada)
    bars = chart_spec(ada)["data"][0]
    assert bars["x"] == [0, 2, 0] and bars["marker"]["color"][1] != bars["marker"]["color"][0]
    frame = ada.get("iframe")[0].proto
    assert frame.src.startswith("/descent?") and "preset=" not in frame.src   # the run, no question
    assert NICK not in texts(ada) and "Ada" in texts(ada)   # her own nickname only
    assert not ada.radio                                      # answers are closed


def test_students_follow_the_teacher_to_the_next_question():
    teacher, code = start_class()
    teacher.radio(key="classmode.kind").set_value("A number")
    teacher.radio(key="classmode.source").set_value("My own").run()
    teacher.text_area(key="classmode.text").set_value("What fraction of runs escape?")
    teacher.button(key="classmode.add").click().run()
    student = join(code)
    assert "Question 1" in texts(student)
    teacher.button(key="classmode.next").click().run()
    student.run()
    assert "What fraction of runs escape" in texts(no_exception(student))
    student.number_input(key="classmode.answer.1").set_value(0.4).run()
    assert "Your answer: **0\\.4**" in texts(no_exception(student))


def test_bad_input_gets_a_sentence_and_changes_nothing(tmp_path):
    _, code = start_class()
    other = "Z" * 6 if code != "Z" * 6 else "Y" * 6
    wrong = open_page({"join": other})
    wrong.button(key="classmode.join").click().run()
    assert "No class has this code" in texts(no_exception(wrong))
    assert "classmode.role" not in wrong.session_state
    long = open_page({"join": code})
    long.text_input(key="classmode.nickname").set_value("A" * 10_000)
    long.button(key="classmode.join").click().run()
    assert "at most 24 characters" in texts(no_exception(long))
    assert "classmode.role" not in long.session_state
    assert views.store().students(code) == 0
    student = join(code)
    with views.store()._tx() as tx:   # 13 hours pass without activity
        tx.run("UPDATE classes SET active_at = active_at - ?", repo.IDLE_SECONDS + 3600)
    student.run()
    assert "This class has ended" in texts(no_exception(student))
    late = open_page({"join": code})
    late.button(key="classmode.join").click().run()
    assert "This class has ended" in texts(no_exception(late))


def test_an_unreachable_database_is_one_sentence_and_the_lessons_keep_working(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GDLAB_DATA", str(blocker / "data"))
    views.store.clear()
    at = no_exception(open_page())
    assert "Class mode is unavailable right now" in texts(at) and "lessons still work" in texts(at)
    lesson = open_lesson("softmax", timeout=60).run()
    assert not lesson.exception and lesson.get("plotly_chart")


def test_the_csv_has_counts_per_answer_and_nicknames_only_when_asked():
    teacher, code = start_class(choices=("left dip", "right dip", "flies off"))
    for name, choice in (("Ada", "right dip"), ("", "right dip"), ("Cy", "left dip")):
        join(code, name).radio(key="classmode.answer.0").set_value(choice).run()
    role = teacher.session_state["classmode.role"]
    plan = views.store().plan(code)
    counts = views.answers_csv(views.store(), code, role["key"], plan)
    assert counts.splitlines() == ["question,text,answer,students",
                                   "1,Where does the ball end up?,left dip,1",
                                   "1,Where does the ball end up?,right dip,2",
                                   "1,Where does the ball end up?,flies off,0"]
    assert "Ada" not in counts
    named = views.answers_csv(views.store(), code, role["key"], plan, with_names=True)
    assert "Ada,right dip" in named and "(no nickname),right dip" in named and "Cy,left dip" in named


def test_a_lesson_plan_link_starts_a_class_with_the_same_questions():
    teacher, code = start_class()
    link = next(c.value for c in teacher.code if "?plan=" in c.value)
    token = link.split("?plan=", 1)[1]
    fresh = no_exception(open_page({"plan": token}))
    assert "lesson plan of 1 questions" in texts(fresh)
    fresh.button(key="classmode.start").click().run()
    new_code = fresh.session_state["classmode.role"]["code"]
    assert new_code != code and views.store().plan(new_code) == views.store().plan(code)
    broken = no_exception(open_page({"plan": token[:-8] + "!!!!"}))
    assert "lesson-plan link is broken" in texts(broken)


def test_the_revealed_question_goes_into_the_report_with_its_histogram():
    teacher, code = start_class()
    join(code).radio(key="classmode.answer.0").set_value("left dip").run()
    teacher.button(key="classmode.reveal").click().run()
    teacher.button(key="report.add.class-teacher-q1").click().run()
    entries = no_exception(teacher).session_state["report.entries"]
    assert len(entries) == 1 and entries[0]["page"] == "Class mode"
    figure = json.loads(entries[0]["figure"])
    assert figure["data"][0]["x"] == [1, 0] and "Where does the ball end up?" in json.dumps(figure)


def test_the_whole_lesson_on_postgresql(postgres_url, monkeypatch):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    monkeypatch.setenv("DATABASE_URL", f"{postgres_url}?options=-csearch_path%3D{schema}")
    views.store.clear()
    teacher, code = start_class()
    join(code, "Ada").radio(key="classmode.answer.0").set_value("right dip").run()
    teacher.run()
    assert "**1 answer** so far" in texts(teacher)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute(f"SELECT COUNT(*) FROM {schema}.answers").fetchone()[0] == 1
    views.store().close()


def test_markdown_text_escapes_what_a_nickname_could_inject():
    shown = qs.markdown_text("[click](javascript:alert(1)) <img src=x> **bold**")
    assert "[" not in shown.replace("\\[", "") and "<" not in shown.replace("\\<", "")
    assert "*" not in shown.replace("\\*", "")


def test_the_tally_leaves_room_for_its_count_labels_beside_the_longest_bar():
    fig = classroom_figures.tally(["left dip", "right dip"], [18, 9], mine=1)
    assert fig.data[0].text == ("18 (67%)", "9 (33%)") and fig.data[0].textposition == "outside"
    assert fig.layout.xaxis.range[0] == 0 and fig.layout.xaxis.range[1] >= 1.3 * 18
