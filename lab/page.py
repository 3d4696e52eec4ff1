"""Page scaffold: the lesson text, figures with export buttons, friendly errors, presentation mode.

A lesson is a module pages/<slug>.py (see pages/__init__.py): TABLE, PRESETS, cached
experiments at module level, and a `page()` function of a few dozen lines that draws it.

    def page():
        lesson("Descent on a surface", "Each optimizer is a dot rolling downhill. Watch ...",
               formula=r"\\theta \\leftarrow \\theta - \\eta \\nabla L(\\theta)",
               try_this=["Raise the learning rate until SGD diverges.", "..."])
        s = settings_panel(TABLE, PRESETS)
        with friendly():                   # nnlib's ValueError -> a red sentence, no traceback
            runs = race(**s)               # race = lab.cache.cached(descent.race)
        show_figure(draw.race(runs), "race", data=runs, settings=s)

`show_figure` draws the chart (camera button = PNG at 3x) and a row of downloads: HTML (keeps
the animation, works offline), CSV of `data` (a tidy DataFrame), the settings as JSON, and
PNG/SVG through kaleido when a Chrome/Chromium is on the server (else one sentence why), and
"Add to report", which collects the figure, its settings and link for the Report page
(lab/report.py). The files themselves are made in lab/export.py. Builders in viz/ need not
care about presentation mode: show_figure re-applies viz.theme with `big=presenting()`.
Call `lesson()` first on every lesson page and `settings_panel()` after it (a preset's
question shows there). The first `show_figure` after `lesson()` is the lesson's main figure:
put nothing between them that the learner must read first. It is sized to fit the window
(lab/fit.py), and the rest of the lesson's text follows it. The page's title and slug come from
lab.navigation, which app.py sets.
`app_sidebar()` is what app.py draws under the menu; `draw_alone(slug)` runs one page the way
app.py shows it, without the menu (tests, the bench, the spec recorder).
"""
import re
from contextlib import contextmanager, nullcontext

import streamlit as st

from experiments import budget
from lab import cache, catalog, export, fit, navigation, notebook, report
from lab.keyboard import keyboard_access, skip_link
from lab.navigation import current_page
from lab.panel import share_url
from viz import theme

PRESENT_KEY = "present"
MAIN_PENDING = "lab.main_figure_pending"   # set by lesson(), taken by its first show_figure
# Every page: less empty space above the title and smaller section headings, so the picture
# starts on the first screen (Streamlit's default top padding is 6rem, under a 3.75rem toolbar);
# captions dark enough for WCAG AA (4.5:1; Streamlit fades them to 3.9:1), display formulas,
# which fit on a wide screen, without a scroll box that a keyboard cannot reach, and on a phone
# (< 640 px) every figure's annotations (subplot titles) drawn at 70 % about their centre, so
# that side-by-side panels' short titles fit over their narrow panels (the figure cannot know the
# window's width; subplot titles are written short, detail in the axis titles and the caption),
# and every figure's title at 75 % about its left end, so that a title written for a laptop fits.
LAYOUT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
.stMain h1 { font-size: 2.25rem; padding-top: 0; }
.stMain h2 { font-size: 1.6rem; padding: 0.5rem 0 0.25rem; }
[data-testid="stCaptionContainer"] { opacity: 1; color: #585a63; }
@media (min-width: 640px) { .stMain .katex-display { overflow: visible !important; } }
@media (max-width: 639px) { .stMain .js-plotly-plot .annotation-text-g {
  transform-box: fill-box; transform-origin: center; transform: scale(0.7); }
  .stMain .js-plotly-plot .infolayer .gtitle {
  transform-box: fill-box; transform-origin: left center; transform: scale(0.75); } }
</style>"""
# Presentation mode: larger text for the back row, headings kept compact for the figure's sake.
BIG_CSS = """<style>
.stMain p, .stMain li, .stMain label { font-size: 1.3rem !important; }
.stMain h1 { font-size: 2.6rem !important; } .stMain h2 { font-size: 1.9rem !important; }
.stMain h3 { font-size: 1.6rem !important; } .stMain .katex-display .katex { font-size: 1.4em; }
</style>"""


def presenting():
    """True in presentation mode (projector: larger text and figure fonts)."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def presentation_toggle():
    """The sidebar switch for presentation mode, kept in the URL as present=1 (app.py calls it);
    presenting folds the sidebar away."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY) == "1"
    st.sidebar.toggle("Presentation mode", key=PRESENT_KEY, persist_state="session",
                      help="Larger text and figures for a projector.")
    # the projector gets the whole width: the sidebar folds away (its arrow brings it back)
    st.set_page_config(initial_sidebar_state="collapsed" if presenting() else "auto")
    if presenting():
        st.query_params[PRESENT_KEY] = "1"
        st.html(BIG_CSS)
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def app_sidebar():
    """What app.py draws around every page: the compact layout (LAYOUT_CSS), keyboard access to
    the figures' animation controls (lab/keyboard.py), and in the sidebar under the menu,
    presentation mode and one line on links."""
    st.html(LAYOUT_CSS)
    keyboard_access()
    fit.fit_script()
    presentation_toggle()
    st.sidebar.caption("Gradient Descent Lab: change one thing and watch what happens. "
                       "Every setting is in the address bar, so a link reproduces the run.")


def draw_alone(slug, sidebar=False):
    """Run one catalog page as app.py shows it (recorded as the page on show), without the menu.

    `sidebar` adds app.py's own sidebar (presentation mode). For tests, the bench and the
    spec recorder: `AppTest.from_string("from lab.page import draw_alone; draw_alone('traps')")`.
    """
    entry = catalog.find(slug)
    navigation.record(entry)
    if sidebar:
        app_sidebar()
    catalog.module(entry).page()


def lesson(title, look_at, formula=None, try_this=(), figure_first=True):
    """The top of a lesson, short so that the main figure is on the first screen: the title, the
    first sentence of `look_at` (what to look at) and one expander with the formulas and things to
    try, which stays open or closed while the learner works on the page. The rest of `look_at`
    is written under the main figure (the first `show_figure` after this).

    `formula` is one LaTeX string or a list of them (one st.latex each). A page without a main
    figure (class mode, the report) passes figure_first=False: all of `look_at` is shown here.
    """
    skip_link()
    first, rest = first_sentence(look_at) if figure_first else (look_at, "")
    st.session_state[MAIN_PENDING] = (rest or True) if figure_first else False
    st.title(title)
    st.markdown(first)
    formulas = [formula] if isinstance(formula, str) else list(formula or ())
    if not (formulas or try_this):
        return
    label = " and ".join(part for part, shown in (("The formulas", formulas), ("things to try", try_this))
                         if shown).capitalize()
    with st.expander(label, icon=":material/science:", key=f"lesson.more.{title}"):
        maths, ideas = st.columns([1, 1], gap="large") if formulas and try_this else (st, st)
        for f in formulas:
            maths.latex(f)
        if try_this:
            ideas.markdown("\n".join(f"- {t}" for t in try_this))


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*\"(])")


def first_sentence(text):
    """(the first sentence of `text`, the rest or "")."""
    first, *rest = SENTENCE_END.split(text, maxsplit=1)
    return first, "".join(rest)


PROGRESS_STEPS = 50   # a bar moves at most this many times (every 2 %)


@contextmanager
def progress():
    """A progress bar, where the block starts, for the training inside it: a view estimated
    above budget.PROGRESS_S seconds moves it after its epochs (experiments.budget.Meter, "epoch
    k of E"); it is gone when the block ends, and a quick view never shows it. Draw nothing
    inside the block: the slot is emptied.

    A cached experiment draws the bar while it runs, so st.cache_data keeps those few calls with
    its result and replays them on a hit, here inside the same slot, which is emptied at once."""
    slot = st.empty()
    bar, drawn = None, -1

    def report(share, text, total):
        nonlocal bar, drawn
        step = int(share * PROGRESS_STEPS)
        if total > budget.PROGRESS_S and step > drawn:
            drawn = step
            bar = st.progress(share, text=text) if bar is None else bar.progress(share, text=text)
    try:
        with slot.container(), budget.reporting(report):
            yield
    finally:
        slot.empty()


@contextmanager
def friendly():
    """Show a ValueError from nnlib/experiments as a plain sentence and stop the page."""
    try:
        yield
    except ValueError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()


def show_figure(fig, key, data=None, settings=None, describe=None):
    """Draw `fig`, its export buttons and "Add to report"; `key` names the files ("softmax-bars").

    `fig` is a Figure, or a function making it (`lambda: draw.race(runs)`): then it is built once
    per (key, settings, presentation mode) and shared by every learner (lab.cache.figure).

    `describe` is the figure in words with its numbers (an experiment's `describe(result)`), the
    text a screen reader reads instead of the picture; with it, the numbers behind the figure
    (`data`) are one click away as a table.
    """
    fig = cache.figure(fig, key, settings, presenting()) if callable(fig) else theme.apply(fig, big=presenting())
    main = st.session_state.pop(MAIN_PENDING, False)   # True, or the lesson's text for under it
    with st.container(key=fit.MAIN_KEY) if main else nullcontext():
        if main:
            st.html(fit.style(fig))
        st.plotly_chart(fig, width="stretch", theme=None, key=f"chart.{key}", config=chart_config(fig, key))
        if describe:   # right after the chart: lab/keyboard.py reads it into the chart's name
            words(describe, data, key)
    problem = export_problem()
    row = st.container(horizontal=True, gap="small")
    for file in export.downloads(fig, data, settings, images=problem is None):
        row.download_button(file.label, file.data, file_name=f"{key}.{file.ext}", mime=file.mime,
                            help=file.help, key=f"download.{key}.{file.ext}", on_click="ignore",
                            icon=":material/download:", type="tertiary")
    notebook.offer(row, key, settings)   # "Open as notebook" under a lesson's main figure (issue 18)
    if row.button("Add to report", key=f"report.add.{key}", icon=":material/note_add:",
                  type="tertiary", help="Collect this figure, its settings and link for the Report page."):
        st.toast(report.add(fig, key, _figure_title(fig, key), current_page()["title"],
                            share_url(current_page()["slug"]), settings, _setting_labels()),
                 icon=":material/note_add:")
    if problem:
        st.caption(problem)
    if isinstance(main, str):
        st.markdown(main)


def chart_config(fig, key):
    """Plotly's toolbar: no logo; the camera saves a 3x PNG named after the figure, except on an
    animated figure, whose camera would also photograph Play/Pause and the slider (the PNG
    button under it saves the still, export.still)."""
    config = {"displaylogo": False,
              "toImageButtonOptions": {"format": "png", "filename": key, "scale": export.PNG_SCALE}}
    if fig.layout.updatemenus or fig.layout.sliders:
        config["modeBarButtonsToRemove"] = ["toImage"]
    return config


TABLE_ROWS = 200   # the table under a figure; the CSV download has every row


def words(describe, data, key):
    """The figure in words under it, and a switch that shows its numbers as a table (an HTML
    table, which screen readers walk cell by cell; at most TABLE_ROWS rows)."""
    st.caption(f"**In words:** {describe}")
    if data is None or not st.toggle("Show the numbers as a table", key=f"table.{key}"):
        return
    table = data.head(TABLE_ROWS)
    if len(data) > TABLE_ROWS:
        st.caption(f"The first {TABLE_ROWS} of {len(data):,} rows; the CSV has them all.")
    st.table(table)


def _figure_title(fig, key):
    """The figure's title as a sentence: its own title (or its legend's, which heads a legend
    that may wrap), else its panels' titles, else what its axes show ("loss against epoch"),
    else the page's title; never the internal `key`."""
    plain = lambda text: re.sub(r"<[^>]+>", " ", text or "").split("  ")[0].strip()   # noqa: E731
    panels = [plain(a.text) for a in fig.layout.annotations if a.yref == "paper" and plain(a.text)]
    axes = " against ".join(t for t in (plain(fig.layout.yaxis.title.text), plain(fig.layout.xaxis.title.text)) if t)
    title = (plain(fig.layout.title.text) or plain(fig.layout.legend.title.text) or ", ".join(panels[:3])
             or axes or current_page()["title"])
    return title[:1].upper() + title[1:]


def _setting_labels():
    """The current page's settings, name -> plain label (its TABLE)."""
    module = catalog.module(catalog.find(current_page()["slug"]))
    return {setting.name: setting.label for setting in getattr(module, "TABLE", ())}


@st.cache_resource
def export_problem():
    """None if PNG/SVG export can work here, else one sentence saying why not."""
    return export.problem()
