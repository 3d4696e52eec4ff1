"""The home page's small pictures: one PNG per lesson, its main figure at the defaults.

They are static files shipped in the repository (FOLDER/<slug>.png), so the home page only reads
12 small files; make them again after a lesson's main figure changes:

    python -m lab.thumbnails            # every lesson (about a minute: each page runs once)
    python -m lab.thumbnails descent    # just these

Each lesson runs under Streamlit's AppTest as app.py shows it (lab.page.draw_alone); its first
chart (the main figure) is drawn still (lab.export.still), without title, legend or animation
controls, at SIZE through kaleido.
"""
import json
import sys
from pathlib import Path

import plotly.graph_objects as go

from lab import catalog, export
from viz import theme

FOLDER = Path(__file__).resolve().parent / "thumbnails"
SIZE = (480, 300)   # px, drawn at 2x on the home page's 240 px wide column
SCRIPT = "from lab.page import draw_alone\ndraw_alone({slug!r})\n"


def path(lesson):
    """Where the lesson's thumbnail lives."""
    return FOLDER / f"{lesson.slug}.png"


def main_figure(lesson):
    """The lesson's first chart at its default settings, as a Plotly figure."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_string(SCRIPT.format(slug=lesson.slug), default_timeout=300).run()
    if at.exception:
        raise RuntimeError(f"{lesson.slug}: {at.exception}")
    return go.Figure(json.loads(at.get("plotly_chart")[0].proto.spec))


def thumbnail(fig):
    """PNG bytes of a small, quiet version of `fig`: no title, legend, animation controls or
    words on the picture (a key under it, the step in words, labels on the curves: the home page
    draws it 240 px wide, where they are too small to read and run over the edges), only its
    subplot titles, the top margin as small as they allow (viz.theme.headroom)."""
    small = export.still(fig)
    small.update_layout(title_text="", title_subtitle_text="", showlegend=False, font_size=11,
                        margin=dict(l=30, r=10, t=10, b=30), width=SIZE[0], height=SIZE[1])
    small.layout.annotations = [a for a in small.layout.annotations if _subplot_title(a)]
    small.update_annotations(font_size=11)
    theme.headroom(small, 11)
    small.update_xaxes(title_text="")
    small.update_yaxes(title_text="")
    return small.to_image(format="png", scale=1)


def _subplot_title(annotation):
    """True for a panel's title as make_subplots writes it: centred over its plot, in paper
    coordinates, standing on the plot's top edge."""
    a = annotation
    return a.xref == "paper" and a.yref == "paper" and a.xanchor == "center" and a.yanchor == "bottom"


def make(lessons):
    FOLDER.mkdir(exist_ok=True)
    for lesson in lessons:
        path(lesson).write_bytes(thumbnail(main_figure(lesson)))
        print(f"{path(lesson).relative_to(catalog.ROOT)}", flush=True)


if __name__ == "__main__":
    wanted = set(sys.argv[1:])
    make([lesson for lesson in catalog.available() if not wanted or lesson.slug in wanted])
