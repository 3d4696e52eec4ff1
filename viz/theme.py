"""One look for every figure: Okabe-Ito colours, white background, large fonts, thick lines.

Figure builders end with `return theme.apply(fig)`; the app re-applies with `big=True` in
presentation mode (projector). Colours are safe for the common colour-vision deficiencies.
"""
import textwrap
from functools import lru_cache

import plotly.graph_objects as go

from viz import animation

# Okabe & Ito (2008), reordered so the first colours are the strongest on white; yellow last.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#000000", "#F0E442")
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, BLACK, YELLOW = PALETTE
GREY = "#8C8C8C"
SEQUENTIAL = "Cividis"   # contours and heat maps: perceptually uniform, colour-blind safe
DIVERGING = "RdBu_r"     # signed quantities (gradients): blue < 0 < red; pass zmid=0

FONT = {False: 16, True: 24}
SCENE_TICKS = {False: 12, True: 16}   # 3-D tick labels: Plotly draws them larger than 2-D text
SMALL = {False: 13, True: 19}   # labels inside a diagram (weights, values, layer headers)
LABEL = "small label"           # the name that gives an annotation the SMALL font (label())
LINE = {False: 3, True: 4.5}
TITLE_STANDOFF = 6   # px from an x-axis's tick labels to its title (Plotly's own gap is 2-3 lines)
AXIS_DEPTH = 3.3   # font sizes: an x-axis's ticks, tick labels and title under the plot's edge


@lru_cache(maxsize=2)
def template(big=False):
    """The Plotly template; `big` enlarges text and lines for a projector."""
    size, axis = FONT[big], dict(showline=True, linecolor=BLACK, linewidth=1.5, ticks="outside",
                                 gridcolor="#E5E5E5", zerolinecolor="#BDBDBD", automargin=True)
    layout = go.Layout(
        font=dict(family="Arial, Helvetica, sans-serif", size=size, color=BLACK),
        title=dict(font=dict(size=round(size * 1.2)), x=0.0, xanchor="left"),
        colorway=PALETTE, paper_bgcolor="white", plot_bgcolor="white",
        xaxis=dict(axis, title_standoff=TITLE_STANDOFF), yaxis=axis, margin=dict(l=70, r=30, t=70, b=60),
        legend=dict(bgcolor="rgba(255,255,255,0.8)"), hoverlabel=dict(font_size=size),
        colorscale=dict(sequential=SEQUENTIAL, diverging=DIVERGING),
    )
    under = round(AXIS_DEPTH * size) + 8   # px from the plot to Play/Pause and the slider
    # the slider's frame numbers in the SMALL font, a notch below the text
    layout.update(updatemenudefaults=dict(pad_t=under),
                  sliderdefaults=dict(pad_t=under + animation.RAIL_GAP, font_size=SMALL[big]))
    lines = go.Scatter(line=dict(width=LINE[big]), marker=dict(size=LINE[big] * 3))
    return go.layout.Template(layout=layout, data=dict(scatter=[lines]))


def apply(fig, big=False):
    """Give `fig` the lab's look (in place) and return it: room for the subplot titles under the
    title (headroom), 3-D tick labels small and few, diagram labels (label()) in the SMALL font
    (as the template sets animation sliders' frame numbers), and every log axis says so (log_axis)."""
    fig.update_layout(template=template(big))
    fig.update_annotations(font_size=FONT[big])   # subplot titles are annotations
    headroom(fig, FONT[big])
    fig.update_scenes({f"{axis}axis": dict(tickfont_size=SCENE_TICKS[big], nticks=6) for axis in "xyz"})
    fig.update_annotations(selector=dict(name=LABEL), font_size=SMALL[big])
    fig.for_each_xaxis(log_axis)
    fig.for_each_yaxis(log_axis)
    return fig


def label(**annotation):
    """An annotation in the SMALL font, in presentation mode too (apply sizes it): the many
    labels of a diagram, a notch below the figure's text so that more of them fit."""
    return dict(annotation, name=LABEL)
TITLE_PAD = 12   # px between the top of a figure and its title


def headroom(fig, size=FONT[False]):
    """Room for the subplot titles standing on the plots' top edge (make_subplots puts them at
    paper y = 1, anchored at their bottom) and the title above them (in place), for text of
    `size` px: a one-line title pinned to the top of the figure (Plotly would put the first line
    of a pinned longer one above the figure), the top margin raised (never lowered) to hold the
    title's lines (1.2 × size; its subtitle, a line 0.7 of it) and the tallest subplot title's
    lines, each line 1.3 × its font size (a <sup> line 0.7 of it)."""
    lines = [_lines(a.text) for a in fig.layout.annotations
             if a.text and a.yref == "paper" and a.yanchor == "bottom" and (a.y or 0) >= 1]
    if not lines:
        return
    title = fig.layout.title.text or ""
    title_height = (_lines(title) + 0.7 * bool(fig.layout.title.subtitle.text)) * round(size * 1.2) * 1.3 \
        if title else 0
    need = TITLE_PAD + title_height + max(lines) * size * 1.3 + 10
    if title and "<br>" not in title and fig.layout.title.y is None:
        fig.update_layout(title=dict(y=1, yref="container", yanchor="top", pad_t=TITLE_PAD))
    fig.update_layout(margin_t=max(fig.layout.margin.t or template().layout.margin.t, round(need)))


def _lines(text):
    """How many lines of full-size text `text` takes: one per <br>-separated line, 0.7 for a
    line in <sup>."""
    return sum(0.7 if line.startswith("<sup>") else 1 for line in text.split("<br>"))


PANEL_LINE = 18   # characters per line of a panel title: two panels side by side fit a 390 px phone


def panel_title(text, width=PANEL_LINE):
    """A subplot title broken with <br> at spaces into lines of at most `width` characters:
    Plotly never wraps a title, and two panels side by side on a phone get about 150 px each
    (lab/page.py draws every annotation at 70 % there); narrower panels pass a smaller `width`."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False))


LEGEND_ROW = 30   # px: one row of legend entries (normal fonts)
TITLE_ROOM = 30   # px: one line of a (sub)plot title over the plot
X_AXIS_ROOM = 75  # px: an x-axis's tick labels and title under the plot


def legend_above(fig, rows):
    """Put the legend (in place) in a strip of its own at the top of the figure, over the
    (sub)plot titles, with room for `rows` rows: the count a phone wraps it into."""
    return _legend_strip(fig, rows, "top", TITLE_ROOM)


def legend_below(fig, rows):
    """Put the legend (in place) in a strip of its own at the bottom of the figure, under the
    x-axis title, with room for `rows` rows: the count a phone wraps it into."""
    return _legend_strip(fig, rows, "bottom", X_AXIS_ROOM)


PHONE_PLOT = 250   # px: the plot's width in a 390 px phone's page (its padding and the side margins off)
ENTRY, CHARACTER = 40, 8.5   # px: a legend entry's symbol and gaps, a character of its name


def phone_rows(names, titled=False):
    """The rows a horizontal legend of entries `names` wraps into on a phone: Plotly starts a
    row when the next entry would pass the plot's width (PHONE_PLOT); one more for a title on
    top (`titled`). For legend_above and legend_below."""
    rows, used = 1, 0
    for name in names:
        width = ENTRY + CHARACTER * len(name)
        rows, used = (rows + 1, width) if used and used + width > PHONE_PLOT else (rows, used + width)
    return rows + titled


def phone_grid(fig, columns, panel):
    """layout.meta.phone (lab/fit.py) for a figure of subplots side by side in one row: on a
    phone they stand in rows of `columns`, each `panel` px tall, the subplot titles (the
    figure's first annotations, one per panel) over their panels, the rows apart by the upper
    panels' x ticks and title (X_AXIS_ROOM) and the lower ones' titles, the first column with
    y tick labels and the first y title; "wide" holds the figure's own values of the same keys,
    to go back to."""
    axes = sorted(fig.layout.to_plotly_json(), key=lambda k: (len(k), k))
    xs, ys = ([k for k in axes if k.startswith(name) and k[len(name):].isdigit() or k == name]
              for name in ("xaxis", "yaxis"))
    rows = -(-len(xs) // columns)
    titles = [_lines(a.text or "") for a in fig.layout.annotations[:len(xs)]]
    gap = X_AXIS_ROOM + round(max(titles, default=0) * FONT[False] * 1.3)
    margin = fig.layout.margin
    plot = rows * panel + (rows - 1) * gap
    layout = {}
    for k, (x, y) in enumerate(zip(xs, ys)):
        row, col = divmod(k, columns)
        top = 1 - row * (panel + gap) / plot
        left, right = col / columns + 0.04 * (col > 0), (col + 1) / columns - 0.04 * (col < columns - 1)
        layout |= {f"{x}.domain": [round(left, 4), round(right, 4)],
                   f"{y}.domain": [round(max(top - panel / plot, 0), 4), round(top, 4)],
                   f"{y}.showticklabels": col == 0 or fig.layout[y].showticklabels is not False,
                   f"{y}.title.text": fig.layout[ys[0]].title.text if col == 0 else fig.layout[y].title.text}
        if k < len(fig.layout.annotations):
            layout |= {f"annotations[{k}].x": round((left + right) / 2, 4), f"annotations[{k}].y": round(top, 4)}
    wide = {key: _listed(fig.layout[key]) for key in layout}    # the figure's own values of those keys
    height = plot + (margin.t or 0) + (margin.b or 0)
    return {"height": height, "layout": layout, "wide": wide}


def _listed(value):
    """A layout value as JSON gives it back (Plotly hands domains out as tuples)."""
    return list(value) if isinstance(value, tuple) else value


def _legend_strip(fig, rows, end, room):
    """The horizontal legend at the `end` ("top" or "bottom") of the whole figure (container
    coordinates), the margin there `room` px plus `rows` legend rows: the legend never reaches
    into the plot, its titles or its annotations, however many rows it wraps into (up to `rows`)."""
    fig.update_layout(legend=dict(orientation="h", xref="container", x=0, yref="container",
                                  y=1 if end == "top" else 0, yanchor=end),
                      margin={end[0]: room + rows * LEGEND_ROW})
    return fig


LOG_NOTE = "log scale"


def log_axis(axis):
    """A log axis (in place): its title says "log scale" and its ticks read 10⁻³, 10⁻², ...
    (exponentformat "power", no "10µ") unless the figure set its own tick format. An axis that
    shows no numbers (the inner one of shared axes) gets no title: its twin says it."""
    if axis.type != "log" or axis.showticklabels is False:
        return
    title = axis.title.text or ""
    if "log" not in title.lower():
        axis.title.text = f"{title} ({LOG_NOTE})" if title else LOG_NOTE
    if not axis.tickformat and axis.exponentformat in (None, "B", "SI"):
        axis.exponentformat = "power"
