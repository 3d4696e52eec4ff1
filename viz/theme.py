"""One look for every figure: Okabe-Ito colours, white background, large fonts, thick lines.

Figure builders end with `return theme.apply(fig)`; the app re-applies with `big=True` in
presentation mode (projector). Colours are safe for the common colour-vision deficiencies.
"""
from functools import lru_cache

import plotly.graph_objects as go

# Okabe & Ito (2008), reordered so the first colours are the strongest on white; yellow last.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#000000", "#F0E442")
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE, BLACK, YELLOW = PALETTE
GREY = "#8C8C8C"
SEQUENTIAL = "Cividis"   # contours and heat maps: perceptually uniform, colour-blind safe
DIVERGING = "RdBu_r"     # signed quantities (gradients): blue < 0 < red; pass zmid=0

FONT = {False: 16, True: 24}
SMALL = {False: 13, True: 19}   # labels inside a diagram (weights, values, layer headers)
LABEL = "small label"           # the name that gives an annotation the SMALL font (label())
LINE = {False: 3, True: 4.5}


@lru_cache(maxsize=2)
def template(big=False):
    """The Plotly template; `big` enlarges text and lines for a projector."""
    size, axis = FONT[big], dict(showline=True, linecolor=BLACK, linewidth=1.5, ticks="outside",
                                 gridcolor="#E5E5E5", zerolinecolor="#BDBDBD", automargin=True)
    layout = go.Layout(
        font=dict(family="Arial, Helvetica, sans-serif", size=size, color=BLACK),
        title=dict(font=dict(size=round(size * 1.2)), x=0.0, xanchor="left"),
        colorway=PALETTE, paper_bgcolor="white", plot_bgcolor="white",
        xaxis=axis, yaxis=axis, margin=dict(l=70, r=30, t=70, b=60),
        legend=dict(bgcolor="rgba(255,255,255,0.8)"), hoverlabel=dict(font_size=size),
        colorscale=dict(sequential=SEQUENTIAL, diverging=DIVERGING),
    )
    lines = go.Scatter(line=dict(width=LINE[big]), marker=dict(size=LINE[big] * 3))
    return go.layout.Template(layout=layout, data=dict(scatter=[lines]))


def apply(fig, big=False):
    """Give `fig` the lab's look (in place) and return it; every log axis says so (log_axis)."""
    fig.update_layout(template=template(big))
    fig.update_annotations(font_size=FONT[big])   # subplot titles are annotations
    fig.update_annotations(selector=dict(name=LABEL), font_size=SMALL[big])
    fig.for_each_xaxis(log_axis)
    fig.for_each_yaxis(log_axis)
    return fig


def label(**annotation):
    """An annotation in the SMALL font, in presentation mode too (apply sizes it): the many
    labels of a diagram, a notch below the figure's text so that more of them fit."""
    return dict(annotation, name=LABEL)


LOG_NOTE = "log scale"


def log_axis(axis):
    """A log axis (in place): its title says "log scale" and its ticks read 10⁻³, 10⁻², ...
    (exponentformat "power", no "10µ") unless the figure set its own tick format."""
    if axis.type != "log":
        return
    title = axis.title.text or ""
    if "log" not in title.lower():
        axis.title.text = f"{title} ({LOG_NOTE})" if title else LOG_NOTE
    if not axis.tickformat and axis.exponentformat in (None, "B", "SI"):
        axis.exponentformat = "power"
