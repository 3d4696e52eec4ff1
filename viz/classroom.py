"""Figures for class mode: what the class answered, with the viewer's own answer marked."""
import numpy as np
import plotly.graph_objects as go

from viz import theme

BINS = 10


def tally(labels, counts, mine=None, title=""):
    """One horizontal bar per choice (in the question's order), its count written at its end.

    Bars are blue; the viewer's own choice (index `mine`) is vermillion.
    """
    total, most = sum(counts) or 1, max([*counts, 1])
    colours = [theme.VERMILLION if i == mine else theme.BLUE for i in range(len(labels))]
    text = [f"{c} ({100 * c / total:.0f}%)" for c in counts]
    fig = go.Figure(go.Bar(x=counts, y=labels, orientation="h", marker_color=colours, text=text,
                           textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x}<extra></extra>"))
    fig.update_layout(title=title, showlegend=False, height=120 + 60 * len(labels),
                      xaxis=dict(title="students", range=[0, 1.4 * most],   # room for "18 (67%)"
                                 dtick=max(1, round(most / 5))),
                      yaxis=dict(autorange="reversed", title=None))
    return theme.apply(fig)


def spread(values, low, high, mine=None, title=""):
    """A histogram of numeric answers over [low, high] in BINS bins; the viewer's own answer is
    a vermillion vertical line."""
    edges = np.linspace(low, high, BINS + 1)
    counts, _ = np.histogram(np.clip(values, low, high), bins=edges)
    centres, width = (edges[:-1] + edges[1:]) / 2, edges[1] - edges[0]
    fig = go.Figure(go.Bar(x=centres, y=counts, width=width * 0.95, marker_color=theme.BLUE,
                           customdata=np.stack([edges[:-1], edges[1:]], axis=1),
                           hovertemplate="%{customdata[0]:.3g} to %{customdata[1]:.3g}: "
                                         "%{y}<extra></extra>"))
    if mine is not None:
        fig.add_vline(x=mine, line_color=theme.VERMILLION, line_width=4,
                      annotation_text="you", annotation_font_color=theme.VERMILLION)
    fig.update_layout(title=title, showlegend=False, height=380, bargap=0.05,
                      xaxis=dict(title="answer", range=[low, high]),
                      yaxis=dict(title="students", rangemode="tozero"))
    return theme.apply(fig)
