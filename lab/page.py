"""Page scaffold: the lesson text, figures with export buttons, friendly errors, presentation mode.

A lesson page is a few dozen lines: text, settings, a cached experiment, a figure.

    import streamlit as st
    from experiments import descent
    from lab.page import friendly, lesson, show_figure
    from lab.settings import settings_panel
    from viz import descent as draw

    lesson("Descent on a surface", "Each optimizer is a dot rolling downhill. Watch ...",
           formula=r"\\theta \\leftarrow \\theta - \\eta \\nabla L(\\theta)",
           try_this=["Raise the learning rate until SGD diverges.", "..."])
    s = settings_panel(TABLE, PRESETS)
    with friendly():                       # nnlib's ValueError -> a red sentence, no traceback
        runs = st.cache_data(descent.run)(**s)
    show_figure(draw.race(runs), "race", data=runs, settings=s)

`show_figure` draws the chart (camera button = PNG at 3x) and a row of downloads: HTML (keeps
the animation, works offline), CSV of `data` (a tidy DataFrame), the settings as JSON, and
PNG/SVG through kaleido when a Chrome/Chromium is on the server. Builders in viz/ need not
care about presentation mode: show_figure re-applies viz.theme with `big=presenting()`.
Call `lesson()` first on every lesson page (it also makes sure app.py's menu runs around a page
opened from a shared link), and `settings_panel()` after it (a preset's question shows there).
A new page is one line in lab/catalog.py plus its file in pages/.
"""
import json
import shutil
import warnings
from contextlib import contextmanager

import streamlit as st

from viz import theme

PRESENT_KEY = "present"
BIG_CSS = """<style>
.stMain p, .stMain li, .stMain label { font-size: 1.35rem !important; }
.stMain h1 { font-size: 3.2rem !important; } .stMain h2 { font-size: 2.6rem !important; }
.stMain h3 { font-size: 2.1rem !important; } .stMain .katex-display .katex { font-size: 1.5em; }
</style>"""


def presenting():
    """True in presentation mode (projector: larger text and figure fonts)."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def presentation_toggle():
    """The sidebar switch for presentation mode, kept in the URL as present=1 (app.py calls it)."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY) == "1"
    st.sidebar.toggle("Presentation mode", key=PRESENT_KEY, persist_state="session",
                      help="Larger text and figures for a projector.")
    if presenting():
        st.query_params[PRESENT_KEY] = "1"
        st.html(BIG_CSS)
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def lesson(title, look_at, formula=None, try_this=()):
    """The top of a lesson: title, 2-3 sentences on what to look at, formulas, things to try.

    `formula` is one LaTeX string or a list of them (one st.latex each).
    """
    _hand_over_to_app()
    st.title(title)
    text, side = st.columns([3, 2], gap="large")
    text.markdown(look_at)
    for f in [formula] if isinstance(formula, str) else formula or ():
        text.latex(f)
    if try_this:
        with side.expander("Things to try", expanded=True, icon=":material/science:"):
            st.markdown("\n".join(f"- {t}" for t in try_this))


def _hand_over_to_app():
    """Make sure app.py (menu, page config, presentation mode) runs around this page.

    Streamlit takes a folder named pages/ next to app.py for an old-style multipage app until
    app.py has called st.navigation once in the server's life; a shared link to a lesson that
    is the server's first request would run the page file alone. Flip that flag and rerun.
    """
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@contextmanager
def friendly():
    """Show a ValueError from nnlib/experiments as a plain sentence and stop the page."""
    try:
        yield
    except ValueError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()


def show_figure(fig, key, data=None, settings=None):
    """Draw `fig` and its export buttons; `key` names the files (e.g. "softmax-bars")."""
    theme.apply(fig, big=presenting())
    st.plotly_chart(fig, width="stretch", theme=None, key=f"chart.{key}", config={
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": key, "scale": 3}})
    _downloads(fig, key, data, settings)


def _downloads(fig, key, data, settings):
    buttons = [("HTML", lambda: fig.to_html(include_plotlyjs=True, auto_play=False), "html",
                "text/html", "Interactive figure, animation included; opens offline.")]
    if data is not None:
        buttons.append(("CSV", data.to_csv(index=False), "csv", "text/csv", "The numbers drawn."))
    if settings is not None:
        buttons.append(("Settings", json.dumps(settings, indent=2, default=str), "json",
                        "application/json", "The settings that made this figure."))
    problem = export_problem()
    if problem is None:
        buttons += [(f.upper(), lambda f=f: _image(fig, f), f, mime, f"Static image ({f.upper()}).")
                    for f, mime in (("png", "image/png"), ("svg", "image/svg+xml"))]
    row = st.container(horizontal=True, gap="small")
    for label, payload, ext, mime, tip in buttons:
        row.download_button(label, payload, file_name=f"{key}.{ext}", mime=mime, help=tip,
                            key=f"download.{key}.{ext}", on_click="ignore",
                            icon=":material/download:", type="tertiary")
    if problem:
        st.caption(problem)


@st.cache_resource
def export_problem():
    """None if PNG/SVG export can work here, else one sentence saying why not."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return "PNG/SVG export needs the kaleido package; HTML, CSV and settings still work."
    if not any(map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "chrome"))):
        return "PNG/SVG export needs Chrome or Chromium on the server; HTML, CSV and settings still work."
    return None


def _image(fig, fmt):
    """PNG (3x) or SVG bytes through one long-lived kaleido server (~0.2 s each once warm)."""
    import kaleido
    kaleido.start_sync_server(silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # plotly warns that options go to the server instead
        return fig.to_image(format=fmt, scale=3 if fmt == "png" else 1)
