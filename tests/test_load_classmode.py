"""Class mode under a class's load: 30 students as websocket clients, one teacher, one real server.

Each person is tests/test_load.py's light client (Streamlit's own websocket protocol, the
messages a browser tab sends), on the class-mode page. The teacher starts a class and asks a
lesson preset with three choices; 30 students open the join link within ARRIVAL seconds, join,
answer and change their answer up to twice; then the teacher's own view must show exactly
the answers the students last gave (the count and every bar). Timings go to
tests/artifacts/load-classmode.json (measured, not asserted).
"""
import asyncio
import json
import random
import subprocess
import time

import psycopg
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

import deploy
from tests.conftest import ARTIFACTS, free_port, need_nginx
from tests.load_class import Learner, percentile, run
from tests.test_load import routes

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
STUDENTS = 30
ARRIVAL = 5.0          # seconds over which the students arrive and answer
CHOICES = ("stays in the left dip", "reaches the right dip", "flies off")
WIDGETS = ("radio", "text_input", "text_area", "button", "selectbox", "number_input", "checkbox")


class Person(Learner):
    """A browser tab on the class-mode page; widgets are found by their key (classmode.*)."""

    def __init__(self, base):
        super().__init__(base, "descent")   # reuse the client; only the page name differs
        self.page, self.table, self.texts = "classmode", {}, []

    def _see(self, type_, proto, path):
        if type_ in WIDGETS:
            self.widgets[proto.id.rsplit("-", 1)[-1]] = proto
        elif type_ in ("markdown", "alert"):
            self.texts.append(proto.body)
        super()._see(type_, proto, path)

    async def act(self, **values):
        """One rerun with these widgets set: text for inputs and choices, True to press a button."""
        presses = []
        for key, value in values.items():
            widget = self.widgets[key]
            state = WidgetState(id=widget.id)
            if value is True:
                state.trigger_value = True
                presses.append(widget.id)
            else:
                state.string_value = value
            self.states[widget.id] = state
        self.texts = []
        seconds = await self._rerun(self.query)
        for pressed in presses:   # a button press counts once, as in the browser
            self.states.pop(pressed)
        return seconds


async def teacher_asks(base):
    teacher = Person(base)
    await teacher.open("")
    await teacher.act(**{"classmode.start": True})
    await teacher.act(**{f"classmode.choice.{i}": c for i, c in enumerate(CHOICES)})
    await teacher.act(**{"classmode.add": True})
    code = next(t for t in teacher.texts if t.startswith("Join code:")).split(">")[1][:6]
    return teacher, code


async def student_session(base, code, i):
    rng = random.Random(i)
    await asyncio.sleep(rng.uniform(0, ARRIVAL - 2))
    start = time.perf_counter()
    me = Person(base)
    await me.open(f"join={code}")
    await me.act(**{"classmode.nickname": f"student {i}", "classmode.join": True})
    answers = [rng.choice(CHOICES) for _ in range(rng.randint(1, 3))]   # 1 answer, then changes
    for answer in answers:
        await me.act(**{"classmode.answer.0": answer})
    assert any(f"Your answer: **{answer}**" in t.replace("\\", "") for t in me.texts), me.texts
    seconds = time.perf_counter() - start
    await me.close()
    return answers[-1], seconds, me.exceptions


def test_thirty_students_answer_and_the_teacher_tally_is_exact(app_url):
    async def lesson():
        teacher, code = await teacher_asks(app_url)
        start = time.perf_counter()
        results = await asyncio.gather(*(student_session(app_url, code, i) for i in range(STUDENTS)))
        wall = time.perf_counter() - start
        await teacher.act()                      # the teacher's next refresh
        await teacher.close()
        return teacher, results, wall

    teacher, results, wall = run(lesson())
    assert not teacher.exceptions and not [e for *_, errors in results for e in errors]
    final = [answer for answer, *_ in results]
    assert f"**{STUDENTS} answers** so far · {STUDENTS} students joined" in "\n".join(teacher.texts)
    bars = next(v for v in teacher.view.values() if isinstance(v, list))[0]
    assert bars["x"] == [final.count(c) for c in CHOICES]
    seconds = [s for _, s, _ in results]
    figures = {"students": STUDENTS, "arrival_s": ARRIVAL, "wall_s": round(wall, 2),
               "join_and_answer_p50_s": round(percentile(seconds, 50), 2),
               "join_and_answer_p95_s": round(percentile(seconds, 95), 2),
               "join_and_answer_max_s": round(max(seconds), 2)}
    print(json.dumps(figures, indent=1))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load-classmode.json").write_text(json.dumps(figures, indent=1))


def test_students_on_two_processes_behind_nginx_appear_in_one_postgresql_tally(postgres_url, monkeypatch,
                                                                            tmp_path):
    """Two app processes share one PostgreSQL database; nginx sends each browser (cookie) to one of
    them. The teacher sits on one process, the students spread over both: one tally of them all."""
    need_nginx()
    monkeypatch.setenv("DATABASE_URL", postgres_url)      # the app processes inherit it
    students, log = 12, tmp_path / "access.log"
    with deploy.serve(2, free_port(), "127.0.0.1", access_log=log,
                      output=subprocess.DEVNULL) as (url, backends, _):
        async def lesson():
            teacher, code = await teacher_asks(url)
            results = await asyncio.gather(*(student_session(url, code, i) for i in range(students)))
            await teacher.act()
            await teacher.close()
            return teacher, code, results

        teacher, code, results = run(lesson())
    assert not teacher.exceptions and not [e for *_, errors in results for e in errors]
    assert f"**{students} answers** so far · {students} students joined" in "\n".join(teacher.texts)
    final = [answer for answer, *_ in results]
    bars = next(v for v in teacher.view.values() if isinstance(v, list))[0]
    assert bars["x"] == [final.count(c) for c in CHOICES]
    by_cookie, streams = routes(log)
    assert streams == {f"127.0.0.1:{port}" for port in backends}, "students were on both processes"
    assert all(len(upstreams) == 1 for upstreams in by_cookie.values())
    with psycopg.connect(postgres_url) as db:                # and the class is in PostgreSQL
        assert db.execute("SELECT count(*) FROM students WHERE code = %s", (code,)).fetchone()[0] == students
