"""Class mode's Streamlit views: join or start a class, the teacher's desk, the student's screen.

pages/classmode.py calls `class_mode()`. Who you are lives in this browser session only
(st.session_state[ROLE]): {"code", "key"} for the teacher, {"code", "student", "nickname"} for
a student. Links: ?join=CODE fills the join form; ?teach=CODE&key=KEY is the private teacher
link (the key leaves the address bar at once, so a projected screen never shows it);
?plan=TOKEN brings a lesson plan. The teacher's tally refreshes itself every TEACHER_POLL
seconds and students follow the teacher's current question every STUDENT_POLL seconds
(st.fragment(run_every=...), no page reload). Every database call goes through `problems()`:
bad input shows its sentence, an unreachable or full database one friendly sentence, and the
rest of the app keeps working.
"""
import functools
import html
import io
import secrets
from contextlib import contextmanager

import pandas as pd
import segno
import streamlit as st

from lab import catalog
from lab.classroom import questions as qs
from lab.classroom.questions import Question, Refused
from lab.classroom.store import Store, Unavailable, normal_code
from lab.page import show_figure
from viz import classroom as draw

SLUG = "classmode"
ROLE, CLIENT = "classmode.role", "classmode.client"
TEACHER_POLL, STUDENT_POLL = 1.5, 2.0
RUN_HEIGHT = 900


@st.cache_resource(show_spinner=False)
def store():
    """This process's Store (DATABASE_URL, else the SQLite file); a failed open is retried."""
    return Store.from_env()


@contextmanager
def problems():
    """Bad input -> its sentence (warning); a database problem -> one friendly sentence."""
    try:
        yield
    except Refused as exc:
        st.warning(str(exc), icon=":material/block:")
    except Unavailable as exc:
        st.error(str(exc), icon=":material/cloud_off:")


def client():
    """This browser session's random id (the rate limits count per session)."""
    return st.session_state.setdefault(CLIENT, secrets.token_hex(8))


def root():
    """The app's address as this browser sees it, without a page ("" in tests)."""
    url = (st.context.url or "").split("?")[0].rstrip("/")
    return url.removesuffix(f"/{SLUG}")


def join_url(code):
    return f"{root()}/{SLUG}?join={code}"


@functools.cache
def lesson_presets():
    """[(lesson title, slug, preset name, question, run query)] of every lesson's question presets."""
    found = qs.preset_questions(catalog.available(), lambda lesson: (catalog.module(lesson).TABLE,
                                                                   catalog.module(lesson).PRESETS))
    return [(lesson.title, lesson.slug, name, text, query) for lesson, name, text, query in found]


def run_link(question):
    """The lesson's own run for a preset question (its settings, no question), or None."""
    for _, slug, name, _, query in lesson_presets():
        if (slug, name) == (question.lesson, question.preset):
            return f"/{slug}?{query}"
    return None


def lesson_title(question):
    return next((title for title, slug, *_ in lesson_presets() if slug == question.lesson), "")


# ---- the page ------------------------------------------------------------------------------

def class_mode():
    """Landing, teacher or student view, depending on this session's role and the link."""
    try:
        db = store()
    except Unavailable as exc:
        st.error(str(exc), icon=":material/cloud_off:")
        return
    params = st.query_params
    if "teach" in params or "key" in params:
        _take_teacher_link(db, params.get("teach", ""), params.get("key", ""))
    role = st.session_state.get(ROLE)
    if role and "key" in role:
        teacher(db, role)
    elif role:
        student(db, role)
    else:
        landing(db)


def _take_teacher_link(db, code, key):
    for name in ("teach", "key"):
        if name in st.query_params:
            del st.query_params[name]
    with problems():
        db.check_teacher(code, key)
        st.session_state[ROLE] = {"code": normal_code(code), "key": key}


def leave():
    st.session_state.pop(ROLE, None)


def landing(db):
    """Join a class (code, optional nickname) or start one (optionally from a lesson-plan link)."""
    join, teach = st.columns(2, gap="large")
    with join:
        st.subheader("Join a class")
        st.session_state.setdefault("classmode.code", st.query_params.get("join", ""))
        st.text_input("Join code", key="classmode.code", max_chars=8, placeholder="e.g. K7QH3B",
                      help="The 6 letters and digits on the teacher's screen.")
        st.text_input("Nickname (optional)", key="classmode.nickname",
                      placeholder=f"up to {qs.NICKNAME_MAX} characters",
                      help="Only the teacher sees it; other students see the class's totals only. "
                           "No account, no personal data.")
        if st.button("Join", key="classmode.join", type="primary", icon=":material/login:"):
            with problems():
                code = normal_code(st.session_state["classmode.code"])
                nickname = st.session_state["classmode.nickname"]
                me = db.join(code, nickname, client())
                st.session_state[ROLE] = {"code": code, "student": me,
                                          "nickname": qs.nickname(nickname)}
                st.query_params["join"] = code
                st.rerun()
    with teach:
        st.subheader("Teach")
        plan = _plan_from_link()
        st.markdown("Start a class: you get a join code, a link and a QR code to project. Pick "
                    "questions from the lessons' presets or write your own; the class answers "
                    "on their own devices and you see the answers arrive before you reveal.")
        if st.button("Start a class", key="classmode.start", type="primary", icon=":material/groups:"):
            with problems():
                code, key = db.create_class(client())
                for question in plan:
                    db.add_question(code, key, question)
                st.session_state[ROLE] = {"code": code, "key": key}
                st.rerun()


def _plan_from_link():
    """The questions of ?plan=..., listed; [] without one (or with a broken one, said so)."""
    token = st.query_params.get("plan")
    if not token:
        return []
    try:
        plan = qs.plan_from_token(token)
    except Refused as exc:
        st.warning(str(exc), icon=":material/link_off:")
        return []
    st.info(f"This link brings a lesson plan of {len(plan)} questions; starting a class uses it.\n\n"
            + "\n".join(f"{i + 1}. {qs.markdown_text(q.text)}" for i, q in enumerate(plan)),
            icon=":material/list_alt:")
    return plan


# ---- the teacher ---------------------------------------------------------------------------

def teacher(db, role):
    code, key = role["code"], role["key"]
    try:
        state, plan = db.state(code), db.plan(code)
    except (Refused, Unavailable) as exc:
        st.warning(str(exc), icon=":material/block:")
        st.button("Back to the start", on_click=leave, key="classmode.leave")
        return
    _join_panel(code, key)
    problem = st.session_state.pop("classmode.problem", None)
    if problem:
        st.warning(problem, icon=":material/block:")
    left, right = st.columns([3, 2], gap="large")
    with left:
        if state.question is None:
            st.info("Add a first question on the right; it goes to every student at once.",
                    icon=":material/arrow_forward:")
        else:
            _current_question(db, code, key, state)
    with right:
        _plan_panel(db, code, key, state, plan)
        _add_question(db, code, key)
    _export_panel(db, code, key, plan)


def _join_panel(code, key):
    """The join code, link and QR code to project; the private teacher link folded away."""
    url = join_url(code)
    words, qr = st.columns([4, 1], vertical_alignment="center")
    with words:
        st.markdown(f"Join code: <span style='font-size:3rem;font-weight:700;letter-spacing:0.2em;"
                    f"font-family:monospace' data-testid='class-code'>{code}</span>",
                    unsafe_allow_html=True)   # the code is 6 letters/digits from store.ALPHABET
        st.markdown(f"Or open **{qs.markdown_text(url)}** (or scan the QR code).")
        with st.expander("Your private teacher link: keep it, do not project it",
                         icon=":material/key:"):
            st.code(f"{root()}/{SLUG}?teach={code}&key={key}", language=None, wrap_lines=True)
            st.caption("It is the only way back to this class as its teacher (after a reload or "
                       "on another device). Anyone with it can reveal and export.")
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    qr.image(buffer.getvalue(), caption="Scan to join", width=180)


def _current_question(db, code, key, state):
    question, position = state.question, state.position
    source = f" · from *{lesson_title(question)}*" if question.lesson else ""
    st.subheader(f"Question {position + 1} of {state.questions}", anchor=False)
    st.markdown(qs.markdown_text(question.text) + source)
    row = st.container(horizontal=True, gap="small")
    if not state.revealed:
        row.button("Reveal", key="classmode.reveal", type="primary", icon=":material/visibility:",
                   on_click=_act, args=(db.reveal, code, key),
                   help="Answers close; every student sees the run and the class's answers.")
    row.button("Previous", key="classmode.previous", icon=":material/arrow_back:",
               disabled=position == 0, on_click=_act, args=(db.go_to, code, key, position - 1))
    row.button("Next question", key="classmode.next", icon=":material/arrow_forward:",
               disabled=position + 1 >= state.questions,
               on_click=_act, args=(db.go_to, code, key, position + 1))
    if state.revealed:
        _result(db, code, question, position, mine=None, key_prefix="teacher")
    else:
        _live_tally(code, position, question)


def _act(action, *args):
    """A button's callback: run a store action, keeping its problem to show on this run."""
    try:
        action(*args)
    except (Refused, Unavailable) as exc:
        st.session_state["classmode.problem"] = str(exc)


@st.fragment(run_every=TEACHER_POLL)
def _live_tally(code, position, question):
    """The answers as they arrive: how many, and the chart (redrawn every TEACHER_POLL s)."""
    with problems():
        db = store()
        counts, joined = db.tally(code, position), db.students(code)
        answered = sum(counts.values())
        st.markdown(f"**{answered} answer{'' if answered == 1 else 's'}** so far · "
                    f"{joined} student{'' if joined == 1 else 's'} joined · updates by itself",
                    help="Students may change their answer until you reveal.")
        st.plotly_chart(_figure(question, counts), width="stretch", theme=None,
                        key=f"classmode.live.{position}", config={"displaylogo": False})


def _figure(question, counts, mine=None, title=""):
    if question.choices:
        return draw.tally(list(question.choices), [counts.get(str(i), 0) for i in range(len(question.choices))],
                          None if mine is None else int(mine), title)
    values = [float(v) for v, n in counts.items() for _ in range(n)]
    return draw.spread(values, question.low, question.high, None if mine is None else float(mine), title)


def _table(question, counts):
    """The aggregate as a tidy table: one row per choice (zeros included) or per number given."""
    if question.choices:
        return pd.DataFrame({"answer": list(question.choices),
                             "students": [counts.get(str(i), 0) for i in range(len(question.choices))]})
    return pd.DataFrame(sorted((float(v), n) for v, n in counts.items()), columns=["answer", "students"])


def _result(db, code, question, position, mine, key_prefix):
    """After the reveal: the class's answers (with the viewer's own) next to the lesson's run."""
    with problems():
        counts = db.tally(code, position)
        sentence = qs.summary(question, counts if question.choices else
                              [float(v) for v, n in counts.items() for _ in range(n)], mine)
        st.markdown(f"#### {qs.markdown_text(sentence)}")
        link = run_link(question)
        chart, run = st.columns([2, 3], gap="medium") if link else (st.container(), None)
        with chart:
            title = html.escape(question.text) if len(question.text) < 60 else f"Question {position + 1}"
            show_figure(_figure(question, counts, mine, title), f"class-{key_prefix}-q{position + 1}",
                        data=_table(question, counts), settings={"question": question.text})
            st.caption("Blue bars: how many students gave each answer"
                       + ("; the vermillion bar or line is yours." if mine is not None else "."))
        if run is not None:
            with run:
                st.markdown(f"**The run** · {lesson_title(question)}: *{qs.markdown_text(question.preset)}*")
                st.iframe(f"{link}&embed=true", height=RUN_HEIGHT)
                st.link_button("Open the run in its lesson", link, icon=":material/open_in_new:")


def _plan_panel(db, code, key, state, plan):
    st.subheader("Lesson plan", anchor=False)
    if not plan:
        st.caption("No questions yet.")
        return
    for i, question in enumerate(plan):
        line, button = st.columns([5, 1], vertical_alignment="center")
        marker = "▶ " if i == state.position else ""
        line.markdown(f"{marker}{i + 1}. {qs.markdown_text(question.text)}")
        if i != state.position:
            button.button("Ask", key=f"classmode.goto.{i}", type="tertiary",
                          on_click=_act, args=(db.go_to, code, key, i))
    with st.expander("Save this plan as a link", icon=":material/link:"):
        st.code(f"{root()}/{SLUG}?plan={qs.plan_token(plan)}", language=None, wrap_lines=True)
        st.caption("Open it before a class and press Start a class: the same questions, in this "
                   "order. The link holds only the questions, no answers and no teacher key.")


def _add_question(db, code, key):
    """A question from a lesson preset or the teacher's own, with 2-5 choices or a number range."""
    with st.expander("Add a question", expanded=True, icon=":material/add:"):
        source = st.radio("Question", ["From a lesson", "My own"], horizontal=True,
                          key="classmode.source")
        lesson = preset = ""
        presets = lesson_presets()
        if source == "From a lesson" and presets:
            index = st.selectbox("Lesson question", range(len(presets)), key="classmode.preset",
                                 format_func=lambda i: f"{presets[i][0]}: {presets[i][3][:80]}",
                                 help="The students see the question, never the preset's name; "
                                      "after the reveal they see the preset's run.")
            _, lesson, preset, text, _ = presets[index]
        else:
            text = st.text_area("Your question", key="classmode.text", max_chars=qs.TEXT_MAX,
                                placeholder="e.g. What happens if the learning rate is 10 times bigger?")
        kind = st.radio("Answers", ["Choices", "A number"], horizontal=True, key="classmode.kind")
        if kind == "Choices":
            choices = [st.text_input(f"Choice {i + 1}", key=f"classmode.choice.{i}",
                                     max_chars=qs.CHOICE_MAX,
                                     placeholder="required" if i < 2 else "optional")
                       for i in range(qs.CHOICES_MAX)]
            spec = dict(choices=tuple(c for c in choices if c.strip()))
        else:
            low, high = st.columns(2)
            spec = dict(low=low.number_input("Lowest answer", value=0.0, key="classmode.low"),
                        high=high.number_input("Highest answer", value=1.0, key="classmode.high"))
        if st.button("Add to the plan", key="classmode.add", icon=":material/playlist_add:"):
            with problems():
                position = db.add_question(code, key, Question(text, lesson=lesson, preset=preset, **spec))
                st.toast(f"Added as question {position + 1}.", icon=":material/playlist_add:")
                st.rerun()


def _export_panel(db, code, key, plan):
    """Who joined (nicknames, for the teacher only) and the answers as CSV."""
    with st.expander("Students and answers (CSV)", icon=":material/download:"):
        with problems():
            names = db.nicknames(code, key)
            st.dataframe(pd.DataFrame({"nickname": [n or "(no nickname)" for n in names]}),
                         hide_index=True, height=min(300, 40 + 35 * len(names)))
            with_names = st.checkbox("Include nicknames (one row per student and question)",
                                     key="classmode.with_names")
            st.download_button("Download the answers (CSV)",
                               lambda: answers_csv(db, code, key, plan, with_names),
                               file_name=f"class-{code}-answers.csv", mime="text/csv",
                               key="classmode.csv", on_click="ignore", icon=":material/download:",
                               help="Per question, how many students gave each answer.")


def answers_csv(db, code, key, plan, with_names=False):
    """The class's answers per question: counts per answer, or one row per student if asked."""
    rows = db.answers(code, key, nicknames=with_names)
    if with_names:
        table = [{"question": p + 1, "text": plan[p].text, "nickname": name or "(no nickname)",
                  "answer": plan[p].label(value)} for p, name, value in rows]
        return pd.DataFrame(table, columns=["question", "text", "nickname", "answer"]).to_csv(index=False)
    frames = []
    for p, question in enumerate(plan):
        counts = {}
        for q, _, value in rows:
            if q == p:
                counts[value] = counts.get(value, 0) + 1
        frame = _table(question, counts)
        frame.insert(0, "text", question.text)
        frame.insert(0, "question", p + 1)
        frames.append(frame)
    return pd.concat(frames).to_csv(index=False) if frames else "question,text,answer,students\n"


# ---- the student ---------------------------------------------------------------------------

def student(db, role):
    code, me = role["code"], role["student"]
    try:
        state = db.state(code)
    except (Refused, Unavailable) as exc:
        st.warning(str(exc), icon=":material/block:")
        st.button("Back to the start", on_click=leave, key="classmode.leave")
        return
    name = f" as **{qs.markdown_text(role['nickname'])}**" if role.get("nickname") else ""
    st.caption(f"You are in class {code}{name}. This page follows the teacher by itself.")
    _follow(code, (state.position, state.questions, state.revealed))
    if state.question is None:
        st.info("Waiting for the teacher's first question…", icon=":material/hourglass_top:")
        return
    question, position = state.question, state.position
    st.subheader(f"Question {position + 1}", anchor=False)
    source = f"*{lesson_title(question)}* · " if question.lesson else ""
    st.markdown(source + qs.markdown_text(question.text))
    with problems():
        mine = db.my_answer(code, me, position)
        if state.revealed:
            _result(db, code, question, position, mine, key_prefix="student")
        else:
            _answer(db, code, me, question, position, mine)


@st.fragment(run_every=STUDENT_POLL)
def _follow(code, seen):
    """Every STUDENT_POLL s: if the teacher moved on or revealed, redraw the whole page."""
    try:
        state = store().state(code)
    except (Refused, Unavailable):
        return   # the main view says so on its next run
    if (state.position, state.questions, state.revealed) != seen:
        st.rerun(scope="app")


def _answer(db, code, me, question, position, mine):
    """The answer widget; a new choice is sent at once (it may change until the reveal)."""
    widget = f"classmode.answer.{position}"
    if question.choices:
        picked = st.radio("Your prediction", question.choices, key=widget,
                          index=None if mine is None else int(mine))
        value = None if picked is None else str(question.choices.index(picked))
    else:
        picked = st.number_input(f"Your prediction ({question.low:g} to {question.high:g})",
                                 min_value=question.low, max_value=question.high, key=widget,
                                 value=None if mine is None else float(mine), format="%g")
        value = None if picked is None else question.check(picked)
    if value is not None and value != mine:
        with problems():
            mine = db.answer(code, me, value)
    if mine is None:
        st.caption("Not answered yet.")
    else:
        st.success(f"Your answer: **{qs.markdown_text(question.label(mine))}**. You can change it "
                   "until the teacher reveals.", icon=":material/how_to_vote:")
    st.caption("The lesson's picture stays hidden until the teacher reveals it.")
