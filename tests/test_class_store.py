"""Class mode's repository against a real SQLite file and a real PostgreSQL server.

Every test runs twice (`store` is parametrized): on a fresh SQLite file in tmp_path and on a
fresh database of the session's PostgreSQL server (tests/pg.py). A test clock makes expiry and
rate limits exact.
"""
import random
import secrets
import sqlite3
import threading
import uuid

import psycopg
import pytest

from lab.classroom import store as repo
from lab.classroom.questions import NICKNAME_MAX, Question, Refused
from lab.classroom.store import LATEST, Store, Unavailable

CHOICES = Question("Where does the ball end up?", ("left dip", "right dip", "flies off"))
NUMBER = Question("What fraction of runs escape?", low=0, high=1)


class Clock:
    """A settable clock: store.clock() returns .now."""

    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The URL of a fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'classes.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_url")
    name = f"t_{uuid.uuid4().hex[:12]}"   # a schema of its own (much faster than a database)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    yield f"{server}?options=-csearch_path%3D{name}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(database, clock):
    s = Store(database, clock=clock)
    yield s
    s.close()


@pytest.fixture
def lesson(store):
    """A class with one choice question: (code, teacher key)."""
    code, key = store.create_class(client="teacher")
    store.add_question(code, key, CHOICES)
    return code, key


def rows(store, sql, *args):
    with store._tx(write=False) as tx:
        return tx.all(sql, *args)


# ---- schema ----

def test_a_fresh_database_gets_every_migration_once(database, clock):
    first = Store(database, clock=clock)
    assert first.version() == LATEST
    again = Store(database, clock=clock)   # a second process, or a restart: nothing to do
    assert again.migrate() == LATEST
    assert [v for (v,) in rows(again, "SELECT version FROM schema_version ORDER BY version")] == \
        list(range(1, LATEST + 1))
    first.close(), again.close()


def test_an_old_schema_migrates_forward_and_keeps_its_classes(database, clock):
    old = Store(database, clock=clock, migrate=False)
    assert old.migrate(upto=1) == 1
    with old._tx() as tx:   # a class written by the version-1 app
        tx.run("INSERT INTO classes (code, teacher_hash, created_at, active_at) VALUES (?, ?, ?, ?)",
               "ABCDEF", repo._hash("k"), clock(), clock())
    old.close()
    new = Store(database, clock=clock)
    assert new.version() == LATEST
    assert new.state("abc-def").code == "ABCDEF"      # kept, and typed codes are normalized
    new.add_question("ABCDEF", "k", CHOICES)
    assert new.answer("ABCDEF", new.join("ABCDEF", client="s"), "2") == "2"   # limits table works
    new.close()


def test_sqlite_is_one_file_in_wal_mode_that_survives_a_restart(tmp_path, clock):
    path = tmp_path / "data" / "classes.sqlite3"
    first = Store(f"sqlite://{path}", clock=clock)
    code, key = first.create_class()
    first.add_question(code, key, CHOICES)
    first.answer(code, first.join(code, "Ada"), "0")
    first.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    restarted = Store(f"sqlite://{path}", clock=clock)
    assert restarted.tally(code, 0) == {"0": 1}
    restarted.check_teacher(code, key)


def test_codes_are_six_unambiguous_characters_and_keys_are_long(store):
    codes = {store.create_class(client=f"t{i}")[0] for i in range(20)}
    assert len(codes) == 20
    assert all(len(c) == 6 and set(c) <= set(repo.ALPHABET) for c in codes)
    assert not set("IL O01") & set(repo.ALPHABET)
    key = store.create_class(client="other")[1]
    assert len(key) >= 32
    stored = rows(store, "SELECT teacher_hash FROM classes")
    assert all(key not in h for (h,) in stored)   # only its hash is kept


# ---- expiry ----

def test_an_idle_class_expires_after_12_hours_and_is_purged(store, clock, lesson):
    code, key = lesson
    me = store.join(code, "Ada", client="s")
    store.answer(code, me, "1")
    clock.now += repo.IDLE_SECONDS - 120
    store.answer(code, me, "2")                   # activity keeps the class alive
    clock.now += repo.IDLE_SECONDS - 120
    assert store.state(code).question == CHOICES
    clock.now += 240
    for call in (lambda: store.state(code), lambda: store.join(code, client="late"),
                 lambda: store.answer(code, me, "0"), lambda: store.reveal(code, key)):
        with pytest.raises(Refused, match="has ended"):
            call()
    assert store.purge() == 1
    for table in ("classes", "questions", "students", "answers"):
        assert rows(store, f"SELECT COUNT(*) FROM {table}")[0][0] == 0, table
    with pytest.raises(Refused, match="No class has this code"):
        store.state(code)


# ---- answers ----

def test_answers_may_change_until_the_reveal_then_are_closed(store, lesson):
    code, key = lesson
    ada, bob = store.join(code, "Ada", client="a"), store.join(code, "", client="b")
    store.answer(code, ada, "0")
    store.answer(code, bob, 0)
    store.answer(code, ada, "2")                  # changes her mind
    assert store.tally(code, 0) == {"0": 1, "2": 1}
    assert store.my_answer(code, ada, 0) == "2"
    store.reveal(code, key)
    assert store.state(code).revealed
    with pytest.raises(Refused, match="closed"):
        store.answer(code, ada, "1")
    assert store.tally(code, 0) == {"0": 1, "2": 1}


@pytest.mark.parametrize("bad", ["3", "-1", "1.5", "abc", "", None, True, float("nan"), "1e400"])
def test_an_answer_outside_the_choices_is_refused_and_changes_nothing(store, lesson, bad):
    code, _ = lesson
    me = store.join(code, client="s")
    store.answer(code, me, "1")
    with pytest.raises(Refused, match="Pick one of the 3 choices"):
        store.answer(code, me, bad)
    assert store.tally(code, 0) == {"1": 1}


def test_a_number_question_takes_numbers_in_its_range_only(store, lesson):
    code, key = lesson
    store.add_question(code, key, NUMBER)
    store.go_to(code, key, 1)
    me = store.join(code, client="s")
    assert store.answer(code, me, "0.25") == "0.25"
    for bad in ("1.5", "-0.1", "inf", "a quarter"):
        with pytest.raises(Refused, match="number from 0 to 1"):
            store.answer(code, me, bad)
    assert store.tally(code, 1) == {"0.25": 1}
    assert store.tally(code, 0) == {}


def test_a_student_cannot_answer_for_another_or_in_another_class(store, lesson):
    code, key = lesson
    other, other_key = store.create_class(client="teacher 2")
    store.add_question(other, other_key, CHOICES)
    me = store.join(code, client="s")
    for who, where in ((secrets.token_urlsafe(16), code), ("", code), (me, other)):
        with pytest.raises(Refused, match="not in this class"):
            store.answer(where, who, "0")
    assert store.tally(code, 0) == {} and store.tally(other, 0) == {}


# ---- joining ----

def test_a_wrong_code_is_refused_with_a_clear_message(store, lesson):
    with pytest.raises(Refused, match="No class has this code"):
        store.join("ZZZZZZ", "Ada", client="s")
    assert rows(store, "SELECT COUNT(*) FROM students")[0][0] == 0


def test_a_10_kB_nickname_is_refused_and_no_student_is_added(store, lesson):
    code, _ = lesson
    with pytest.raises(Refused, match=f"at most {NICKNAME_MAX} characters"):
        store.join(code, "A" * 10_000, client="s")
    assert rows(store, "SELECT COUNT(*) FROM students")[0][0] == 0
    store.join(code, "  <b>Ada</b>\n\x00 ", client="s")      # kept as plain text, cleaned
    assert store.nicknames(code, lesson[1]) == ["<b>Ada</b>"]


def test_joins_are_rate_limited_per_window_and_wrong_codes_server_wide(store, clock, lesson):
    code, _ = lesson
    capacity = repo.JOIN_LIMIT[0]
    for _ in range(capacity):
        store.join(code, client="one window")
    with pytest.raises(Refused, match="Too many join attempts"):
        store.join(code, client="one window")
    store.join(code, client="another window")            # others are not affected
    assert store.students(code) == capacity + 1
    wrong = 0
    with pytest.raises(Refused, match="Too many wrong codes"):
        for i in range(repo.WRONG_CODE_LIMIT[0] + 1):
            try:
                store.join("ZZZZZ" + repo.ALPHABET[i % 31], client=f"guesser {i}")
            except repo.NoSuchClass:
                wrong += 1
    assert wrong == repo.WRONG_CODE_LIMIT[0]
    clock.now += 60                                       # the buckets refill with time
    store.join(code, client="one window")


@pytest.mark.slow
def test_1000_answers_from_one_student_in_a_second_keep_one_answer(store, clock, lesson):
    code, _ = lesson
    me, other = store.join(code, client="s"), store.join(code, client="t")
    store.answer(code, other, "0")
    accepted, refused = [], 0
    for i in range(1000):
        clock.now += 0.001
        try:
            accepted.append(store.answer(code, me, str(i % 3)))
        except Refused as exc:
            assert "answering very fast" in str(exc)
            refused += 1
    capacity, rate = repo.ANSWER_LIMIT          # the bucket is full at the first answer, then
    assert len(accepted) == capacity + int(rate * 0.999)   # refills at 2/s over the other 0.999 s
    assert refused == 1000 - len(accepted)
    assert store.my_answer(code, me, 0) == accepted[-1]
    assert sum(store.tally(code, 0).values()) == 2         # still one answer per student


# ---- teacher key ----

def test_a_guessed_teacher_key_gives_no_teacher_powers(store, lesson):
    code, key = lesson
    other, other_key = store.create_class(client="teacher 2")
    store.answer(code, store.join(code, client="s"), "1")
    before = (store.state(code), store.plan(code), store.tally(code, 0))
    for guess in (secrets.token_urlsafe(24), "", key[:-1], other_key, key.upper()):
        for act in (lambda: store.check_teacher(code, guess), lambda: store.reveal(code, guess),
                    lambda: store.add_question(code, guess, NUMBER),
                    lambda: store.go_to(code, guess, 0), lambda: store.answers(code, guess),
                    lambda: store.nicknames(code, guess)):
            with pytest.raises(Refused, match="teacher link is not valid"):
                act()
    assert (store.state(code), store.plan(code), store.tally(code, 0)) == before
    store.check_teacher(code, key)


def test_the_export_has_nicknames_only_when_asked(store, lesson):
    code, key = lesson
    store.answer(code, store.join(code, "Ada", client="a"), "2")
    assert store.answers(code, key) == [(0, "", "2")]
    assert store.answers(code, key, nicknames=True) == [(0, "Ada", "2")]


def test_students_follow_the_teacher_through_the_plan(store, lesson):
    code, key = lesson
    store.add_question(code, key, NUMBER)
    assert store.state(code).position == 0 and store.state(code).questions == 2
    store.go_to(code, key, 1)
    assert store.state(code).question == NUMBER and not store.state(code).revealed
    with pytest.raises(Refused, match="no question 3"):
        store.go_to(code, key, 2)
    assert store.plan(code) == [CHOICES, NUMBER]


# ---- concurrency ----

def test_30_students_answering_and_changing_at_once_give_an_exact_tally(database):
    shared = Store(database)
    code, key = shared.create_class()
    shared.add_question(code, key, CHOICES)
    final, errors = {}, []

    def student(i):
        try:
            own = Store(database) if i % 3 == 0 else shared   # some on their own pool/connection
            rng = random.Random(i)
            me = own.join(code, f"s{i}", client=f"window {i}")
            for _ in range(rng.randint(1, 5)):
                final[me] = own.answer(code, me, str(rng.randrange(3)))
            if own is not shared:
                own.close()
        except Exception as exc:   # noqa: BLE001 (reported below)
            errors.append(repr(exc))

    threads = [threading.Thread(target=student, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    expected = {}
    for value in final.values():
        expected[value] = expected.get(value, 0) + 1
    assert len(final) == 30
    assert shared.tally(code, 0) == expected
    shared.close()


# ---- a database that fails ----

def test_an_unreachable_sqlite_folder_is_one_friendly_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(Unavailable, match="lessons still work"):
        Store(f"sqlite://{blocker / 'classes.sqlite3'}")


def test_a_full_sqlite_database_is_one_friendly_error_and_loses_nothing(tmp_path):
    path = tmp_path / "small.sqlite3"
    empty = Store(f"sqlite://{path}")
    with empty._tx() as tx:
        pages = tx.one("PRAGMA page_count")[0]
    empty.close()
    store = Store(f"sqlite://{path}?max_page_count={pages + 3}")   # room for a few questions
    code, key = store.create_class()
    with pytest.raises(Unavailable, match="is full"):
        for i in range(1000):
            store.add_question(code, key, Question(f"Question {i}: " + "x" * 250, ("a", "b")))
    kept = len(store.plan(code))
    assert 0 < kept < 1000 and store.state(code).questions == kept


@pytest.mark.slow
def test_a_postgresql_server_that_is_gone_is_one_friendly_error(postgres_url):
    from tests.conftest import free_port
    with pytest.raises(Unavailable, match="cannot be reached"):
        Store(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres").state("ABCDEF")


def test_a_lost_postgresql_connection_is_replaced(postgres_url):
    store = Store(postgres_url)
    code, _ = store.create_class(client=uuid.uuid4().hex)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE pid <> pg_backend_pid() AND datname = 'postgres'")
    assert store.state(code).code == code      # the pool noticed and reconnected
    store.close()
