"""Class mode's repository: classes, their questions, students and answers in a real database.

One SQLite file in a data folder by default (WAL mode, survives restarts); PostgreSQL when
DATABASE_URL is set (psycopg 3 with a connection pool), so several app processes share one
class. The schema migrates forward: MIGRATIONS are applied in order and recorded in
`schema_version`. No Streamlit here; the page talks to a Store only.

    store = Store.from_env()                       # DATABASE_URL, else data/classes.sqlite3
    code, key = store.create_class(client="session-id")
    store.add_question(code, key, Question("Where does the ball end up?", ("left", "right")))
    me = store.join(code, "Ada", client="another-session")
    store.answer(code, me, "1")                     # may change until the reveal
    store.tally(code, 0)                            # {"1": 1}
    store.reveal(code, key)

Safety. Join codes are 6 characters from a 31-letter alphabet without look-alikes (31^6 ≈ 8.9e8
codes); joins are rate-limited per browser session (JOIN_LIMIT) and wrong codes server-wide
(WRONG_CODE_LIMIT: 100 a minute, so 12 h of guessing tries at most 72,000 codes, which finds one
of 100 live classes with probability ≤ 72,000 × 100 / 8.9e8 ≈ 0.8%, and gives a guesser only a
student's view). The teacher key is secrets.token_urlsafe(24) (192 bits), stored as its SHA-256
and compared in constant time. A student is known by an unguessable token kept in the student's
own session; answers are validated against the question, rate-limited per student
(ANSWER_LIMIT), may change until the reveal, and students read only the aggregate.
Classes idle for more than IDLE_SECONDS (12 h) are refused, then purged with everything in them.

Errors: bad input raises `Refused` (from questions.py) with the sentence to show; a database
that cannot be reached, is full or breaks raises `Unavailable`, one friendly class for all of it.
Rate limits are token buckets kept in the database (table `limits`), so they hold across
processes: capacity C, refilled at r per second, tokens = min(C, tokens + r·Δt) − 1 per action.
"""
import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from lab.classroom.questions import Question, Refused, nickname as clean_nickname

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"   # no I, L, O, 0, 1
CODE_LENGTH = 6
IDLE_SECONDS = 12 * 3600
MAX_CLASSES, MAX_STUDENTS, MAX_QUESTIONS = 1000, 500, 60
# token buckets: (capacity, refill per second)
JOIN_LIMIT = (10, 10 / 60)          # join attempts per browser session
WRONG_CODE_LIMIT = (100, 100 / 60)  # wrong codes server-wide
ANSWER_LIMIT = (10, 2.0)            # answers per student
START_LIMIT = (5, 5 / 600)          # classes started per browser session
DATA_DIR = Path(__file__).resolve().parents[2] / "data"   # $GDLAB_DATA overrides it
UNAVAILABLE = ("Class mode is unavailable right now: the class database {why}. The lessons "
               "still work; try class mode again in a minute.")


class Unavailable(Exception):
    """The database cannot be reached, is full or failed; str() is a sentence for the class."""


class NoSuchClass(Refused):
    """The join code names no class (counted against the server-wide wrong-code limit)."""


@dataclass(frozen=True)
class ClassState:
    """What everyone in a class may see: the current question and whether it is revealed."""
    code: str
    position: int               # index of the current question in the plan
    questions: int              # how many questions the plan has
    question: Question | None   # the current one (None before the first is added)
    revealed: bool


MIGRATIONS = [
    (1, [
        """CREATE TABLE classes (
            code TEXT PRIMARY KEY,
            teacher_hash TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            active_at DOUBLE PRECISION NOT NULL,
            position INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE questions (
            code TEXT NOT NULL REFERENCES classes(code) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            spec TEXT NOT NULL,
            revealed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (code, position))""",
        """CREATE TABLE students (
            id TEXT PRIMARY KEY,
            code TEXT NOT NULL REFERENCES classes(code) ON DELETE CASCADE,
            nickname TEXT NOT NULL DEFAULT '',
            joined_at DOUBLE PRECISION NOT NULL)""",
        """CREATE TABLE answers (
            code TEXT NOT NULL,
            position INTEGER NOT NULL,
            student TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
            value TEXT NOT NULL,
            answered_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (code, position, student),
            FOREIGN KEY (code, position) REFERENCES questions(code, position) ON DELETE CASCADE)""",
    ]),
    (2, [
        """CREATE TABLE limits (
            key TEXT PRIMARY KEY,
            tokens DOUBLE PRECISION NOT NULL,
            at DOUBLE PRECISION NOT NULL)""",
        "CREATE INDEX classes_by_activity ON classes (active_at)",
        "CREATE INDEX students_by_class ON students (code)",
    ]),
]
LATEST = MIGRATIONS[-1][0]


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text):
    """A typed join code in its stored form: upper case, spaces and dashes dropped."""
    return "".join(c for c in str(text or "").upper() if c not in " -")[:2 * CODE_LENGTH]


class _Tx:
    """One open transaction: run / one / all take SQL with ? placeholders."""

    def __init__(self, cursor, mark):
        self.cursor, self.mark = cursor, mark

    def run(self, sql, *args):
        self.cursor.execute(sql if self.mark == "?" else sql.replace("?", self.mark), args)
        return self.cursor.rowcount

    def one(self, sql, *args):
        self.run(sql, *args)
        return self.cursor.fetchone()

    def all(self, sql, *args):
        self.run(sql, *args)
        return self.cursor.fetchall()


class _SQLite:
    """A SQLite file; one connection per thread, kept open (a fresh connection's first write costs
    ~40 ms here, a kept one's 0.2 ms); writers take the lock up front (BEGIN IMMEDIATE)."""
    share_lock = ""
    errors = (sqlite3.Error,)

    def __init__(self, path, max_page_count=None):
        self.path, self.max_page_count = Path(path), max_page_count
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.local = threading.local()
        self._connection().execute("PRAGMA journal_mode=WAL")   # kept in the file

    def _connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")   # with WAL: no corruption, fsync at checkpoints
            if self.max_page_count:
                conn.execute(f"PRAGMA max_page_count={int(self.max_page_count)}")
            self.local.conn = conn
        return conn

    @contextmanager
    def transaction(self, write=True):
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield _Tx(conn.cursor(), "?")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def lock_migrations(self, tx):
        pass   # BEGIN IMMEDIATE already serializes writers

    def close(self):
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
            self.local.conn = None


class _Postgres:
    """A PostgreSQL server through a psycopg connection pool."""
    share_lock = " FOR SHARE"

    def __init__(self, url):
        import psycopg
        from psycopg_pool import ConnectionPool
        self.errors = (psycopg.Error,)
        self.pool = ConnectionPool(url, min_size=1, max_size=8, timeout=5, open=True,
                                   kwargs={"connect_timeout": 5}, check=ConnectionPool.check_connection)

    @contextmanager
    def transaction(self, write=True):
        with self.pool.connection() as conn, conn.cursor() as cursor:
            yield _Tx(cursor, "%s")

    def lock_migrations(self, tx):
        tx.run("SELECT pg_advisory_xact_lock(190019)")   # two processes starting at once

    def close(self):
        self.pool.close()


class Store:
    """The class-mode repository. `clock` gives the time in seconds (tests pass their own)."""

    def __init__(self, url, clock=time.time, migrate=True):
        self.url, self.clock = url, clock
        try:
            self.db = _open(url)
        except Exception as exc:
            raise Unavailable(UNAVAILABLE.format(why="cannot be opened")) from exc
        if migrate:
            self.migrate()

    @classmethod
    def from_env(cls, **kwargs):
        """PostgreSQL at $DATABASE_URL, else the SQLite file classes.sqlite3 in $GDLAB_DATA or data/."""
        folder = Path(os.environ.get("GDLAB_DATA") or DATA_DIR)
        return cls(os.environ.get("DATABASE_URL") or f"sqlite://{folder / 'classes.sqlite3'}", **kwargs)

    def close(self):
        self.db.close()

    @contextmanager
    def _tx(self, write=True):
        """A transaction; any database failure becomes one friendly `Unavailable`."""
        try:
            with self.db.transaction(write) as tx:
                yield tx
        except Refused:
            raise
        except self.db.errors + (OSError,) as exc:
            full = "full" in str(exc).lower() or "disk" in str(exc).lower()
            raise Unavailable(UNAVAILABLE.format(why="is full" if full else "cannot be reached")) from exc

    # ---- schema ----

    def version(self):
        """The schema version of the database (0 before any migration)."""
        with self._tx() as tx:
            return _version(tx)

    def migrate(self, upto=LATEST):
        """Apply the migrations newer than the database's version, up to `upto`, in one go."""
        with self._tx() as tx:
            self.db.lock_migrations(tx)
            current = _version(tx)
            for number, statements in MIGRATIONS:
                if current < number <= upto:
                    for sql in statements:
                        tx.run(sql)
                    tx.run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                           number, self.clock())
        return self.version()

    # ---- rate limits ----

    def _spend(self, tx, key, limit, message):
        """Take one token from bucket `key` (capacity, refill/s), or raise Refused(message)."""
        capacity, rate = limit
        now = self.clock()
        tx.run("INSERT INTO limits (key, tokens, at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
               key, float(capacity), now)
        grown = "tokens + (? - at) * ?"
        taken = tx.run(f"UPDATE limits SET tokens = (CASE WHEN {grown} > ? THEN ? ELSE {grown} END) - 1, "
                       f"at = ? WHERE key = ? AND {grown} >= 1",
                       now, rate, float(capacity), float(capacity), now, rate, now, key, now, rate)
        if not taken:
            raise Refused(message)

    def spend(self, key, limit, message):
        """Rate-limit an action by key in a transaction of its own (see _spend)."""
        with self._tx() as tx:
            self._spend(tx, key, limit, message)

    # ---- classes ----

    def create_class(self, client=""):
        """A new class: (join code, teacher key). Purges expired classes first."""
        self.purge()
        key = secrets.token_urlsafe(24)
        with self._tx() as tx:
            self._spend(tx, f"start:{client}", START_LIMIT,
                        "You have started several classes in the last few minutes; use one of them.")
            if tx.one("SELECT COUNT(*) FROM classes")[0] >= MAX_CLASSES:
                raise Refused("The server has too many live classes right now; try again later.")
            for _ in range(20):
                code = new_code()
                if tx.run("INSERT INTO classes (code, teacher_hash, created_at, active_at) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                          code, _hash(key), self.clock(), self.clock()):
                    return code, key
        raise Unavailable(UNAVAILABLE.format(why="has no free join code"))

    def _class(self, tx, code, key=None, lock=""):
        """The class row (position), refusing an unknown or expired code or a wrong key."""
        row = tx.one(f"SELECT teacher_hash, active_at, position FROM classes WHERE code = ?{lock}",
                     normal_code(code))
        if row is None:
            raise NoSuchClass("No class has this code. Check the code on the teacher's screen.")
        if row[1] < self.clock() - IDLE_SECONDS:
            raise Refused("This class has ended (nothing happened in it for 12 hours). "
                          "Ask the teacher for a new code.")
        if key is not None and not hmac.compare_digest(_hash(str(key)), row[0]):
            raise Refused("This teacher link is not valid for this class. Use the private "
                          "teacher link you got when you started the class.")
        return row[2]

    def _touch(self, tx, code):
        """Mark the class active (at most once a minute, so answers do not queue on its row)."""
        tx.run("UPDATE classes SET active_at = ? WHERE code = ? AND active_at < ?",
               self.clock(), normal_code(code), self.clock() - 60)

    def check_teacher(self, code, key):
        """Refused unless `key` is this class's teacher key."""
        with self._tx(write=False) as tx:
            self._class(tx, code, key)

    def purge(self):
        """Delete classes idle for more than IDLE_SECONDS and stale rate-limit buckets."""
        cutoff = self.clock() - IDLE_SECONDS
        with self._tx() as tx:
            gone = tx.run("DELETE FROM classes WHERE active_at < ?", cutoff)
            tx.run("DELETE FROM limits WHERE at < ?", self.clock() - 3600)
        return gone

    # ---- teacher ----

    def add_question(self, code, key, question):
        """Append `question` to the class's plan; returns its position."""
        with self._tx() as tx:
            self._class(tx, code, key)
            count = tx.one("SELECT COUNT(*) FROM questions WHERE code = ?", normal_code(code))[0]
            if count >= MAX_QUESTIONS:
                raise Refused(f"A class holds at most {MAX_QUESTIONS} questions.")
            tx.run("INSERT INTO questions (code, position, spec) VALUES (?, ?, ?)",
                   normal_code(code), count, question.to_json())
            self._touch(tx, code)
            return count

    def go_to(self, code, key, position):
        """Make question `position` the current one (students follow)."""
        with self._tx() as tx:
            self._class(tx, code, key)
            count = tx.one("SELECT COUNT(*) FROM questions WHERE code = ?", normal_code(code))[0]
            if not 0 <= position < count:
                raise Refused(f"There is no question {position + 1}: the plan has {count}.")
            tx.run("UPDATE classes SET position = ?, active_at = ? WHERE code = ?",
                   position, self.clock(), normal_code(code))

    def reveal(self, code, key):
        """Reveal the current question: answers close, everyone sees the run and the result."""
        with self._tx() as tx:
            position = self._class(tx, code, key)
            if not tx.run("UPDATE questions SET revealed = 1 WHERE code = ? AND position = ?",
                          normal_code(code), position):
                raise Refused("Add a question before revealing.")
            self._touch(tx, code)

    def answers(self, code, key, nicknames=False):
        """Every answer of the class for the teacher's export: (position, nickname or '', value)."""
        with self._tx(write=False) as tx:
            self._class(tx, code, key)
            return [(p, n if nicknames else "", v) for p, n, v in tx.all(
                "SELECT a.position, s.nickname, a.value FROM answers a JOIN students s "
                "ON s.id = a.student WHERE a.code = ? ORDER BY a.position, s.joined_at",
                normal_code(code))]

    def nicknames(self, code, key):
        """The nicknames of the class's students, for the teacher only."""
        with self._tx(write=False) as tx:
            self._class(tx, code, key)
            return [n for (n,) in tx.all("SELECT nickname FROM students WHERE code = ? "
                                         "ORDER BY joined_at", normal_code(code))]

    # ---- everyone ----

    def state(self, code):
        """The class's current question and whether it is revealed (what students follow)."""
        with self._tx(write=False) as tx:
            position = self._class(tx, code)
            count = tx.one("SELECT COUNT(*) FROM questions WHERE code = ?", normal_code(code))[0]
            row = tx.one("SELECT spec, revealed FROM questions WHERE code = ? AND position = ?",
                         normal_code(code), position)
        question = Question.from_json(row[0]) if row else None
        return ClassState(normal_code(code), position, count, question, bool(row and row[1]))

    def plan(self, code):
        """The class's questions in order."""
        with self._tx(write=False) as tx:
            self._class(tx, code)
            rows = tx.all("SELECT spec FROM questions WHERE code = ? ORDER BY position", normal_code(code))
        return [Question.from_json(spec) for (spec,) in rows]

    def tally(self, code, position):
        """The aggregate of one question: {stored answer: how many students gave it}."""
        with self._tx(write=False) as tx:
            self._class(tx, code)
            rows = tx.all("SELECT value, COUNT(*) FROM answers WHERE code = ? AND position = ? "
                          "GROUP BY value", normal_code(code), position)
        return {value: int(count) for value, count in rows}

    def students(self, code):
        """How many students have joined."""
        with self._tx(write=False) as tx:
            self._class(tx, code)
            return tx.one("SELECT COUNT(*) FROM students WHERE code = ?", normal_code(code))[0]

    # ---- students ----

    def join(self, code, nickname="", client=""):
        """A new student of class `code`: returns the student's private token."""
        name = clean_nickname(nickname)
        with self._tx() as tx:
            self._spend(tx, f"join:{client}", JOIN_LIMIT,
                        "Too many join attempts from this window; wait a minute and try again.")
        try:
            with self._tx() as tx:
                self._class(tx, code)
                if tx.one("SELECT COUNT(*) FROM students WHERE code = ?", normal_code(code))[0] >= MAX_STUDENTS:
                    raise Refused(f"This class is full ({MAX_STUDENTS} students).")
                student = secrets.token_urlsafe(16)
                tx.run("INSERT INTO students (id, code, nickname, joined_at) VALUES (?, ?, ?, ?)",
                       student, normal_code(code), name, self.clock())
                self._touch(tx, code)
                return student
        except NoSuchClass:
            self.spend("wrong-code", WRONG_CODE_LIMIT,
                       "Too many wrong codes were tried on this server in the last minute; "
                       "wait a minute and try again.")
            raise

    def answer(self, code, student, value):
        """Record (or change) `student`'s answer to the current question; returns the stored text.

        The rate limit is spent first, in its own transaction, so refused answers count too.
        """
        self.spend(f"answer:{student}", ANSWER_LIMIT,
                   "You are answering very fast: wait a second, then choose again.")
        with self._tx() as tx:
            position = self._class(tx, code)
            if tx.one("SELECT 1 FROM students WHERE id = ? AND code = ?", str(student),
                      normal_code(code)) is None:
                raise Refused("You are not in this class (it may have been restarted); join again.")
            row = tx.one("SELECT spec, revealed FROM questions WHERE code = ? AND position = ?"
                         + self.db.share_lock, normal_code(code), position)
            if row is None:
                raise Refused("The teacher has not asked a question yet.")
            if row[1]:
                raise Refused("The answer has been revealed: answers to this question are closed.")
            stored = Question.from_json(row[0]).check(value)
            tx.run("INSERT INTO answers (code, position, student, value, answered_at) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code, position, student) DO UPDATE "
                   "SET value = excluded.value, answered_at = excluded.answered_at",
                   normal_code(code), position, str(student), stored, self.clock())
            self._touch(tx, code)
            return stored

    def my_answer(self, code, student, position):
        """The student's own stored answer to question `position`, or None."""
        with self._tx(write=False) as tx:
            row = tx.one("SELECT value FROM answers WHERE code = ? AND position = ? AND student = ?",
                         normal_code(code), position, str(student))
        return row[0] if row else None


def _version(tx):
    tx.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
           "applied_at DOUBLE PRECISION NOT NULL)")
    return tx.one("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0]


def _open(url):
    """The backend for a database URL: sqlite:///path/file.sqlite3[?max_page_count=N] or postgresql://."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        pages = parse_qs(parsed.query).get("max_page_count", [None])[0]
        return _SQLite(url[len("sqlite://"):].split("?", 1)[0], pages)
    if parsed.scheme in ("postgres", "postgresql"):
        return _Postgres(url)
    raise ValueError(f"unknown database URL {url!r}: use sqlite:///path or postgresql://...")
