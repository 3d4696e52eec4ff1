"""Figures for the learning rate & schedules lesson (frames from experiments.schedules)."""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from experiments.schedules import MULTIPLES, range_top
from viz import theme

RUN_COLOURS = dict(zip(MULTIPLES, (theme.GREEN, theme.BLUE, theme.ORANGE, theme.VERMILLION),
                       strict=True))
TOP = 10.0   # top of the loss curves' log axis; larger losses leave the chart


def schedule_curves(frame, chosen, labels):
    """η_t against the step, one small panel per schedule, two side by side (a phone has room for
    no more); the chosen one thick and coloured."""
    names = list(dict.fromkeys(frame["schedule"]))
    cols = 2
    rows = -(-len(names) // cols)
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes=True, shared_yaxes=True,
                        horizontal_spacing=0.06, vertical_spacing=0.12,
                        subplot_titles=[f"<b>{theme.panel_title(labels[n])}</b>" if n == chosen
                                        else theme.panel_title(labels[n]) for n in names])
    for i, name in enumerate(names):
        part, mine = frame[frame["schedule"] == name], name == chosen
        fig.add_scatter(x=part["step"], y=part["lr"], mode="lines", name=labels[name],
                        line=dict(color=theme.VERMILLION if mine else theme.BLUE,
                                  width=5 if mine else 2.5),
                        row=i // cols + 1, col=i % cols + 1,
                        hovertemplate=f"{labels[name]}, step %{{x}}: η = %{{y:.4g}}<extra></extra>")
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(title_text="η<sub>t</sub>", col=1)
    fig.update_xaxes(title_text="update step t", row=rows)
    fig.update_layout(height=680, showlegend=False, margin=dict(t=50))
    return theme.apply(fig)


def loss_curves(steps, epochs, summary):
    """Per run: the mini-batch loss at every update (thin) and the full loss after every epoch
    (thick, markers); a diverged run ends in an ✕ at the top saying at which step; the legend names yours."""
    fig = go.Figure()
    bottom = max(min(1e-3, steps["loss"].min() if len(steps) else 1), 1e-8)
    marks = 0   # diverged runs marked so far: each ✕ goes lower than the last (its two lines clear)
    for run, m, k in summary[["run", "multiple", "diverged_at"]].values:
        colour, mine = RUN_COLOURS[m], m == 1
        s, e = steps[steps["run"] == run], epochs[epochs["run"] == run]
        fig.add_scatter(x=s["step"], y=s["loss"], mode="lines", legendgroup=run, showlegend=False,
                        line=dict(color=colour, width=1), opacity=0.35, hoverinfo="skip")
        fig.add_scatter(x=e["step"], y=e["loss"], mode="lines+markers", legendgroup=run,
                        name=f"{run}, yours" if mine else run,
                        line=dict(color=colour, width=5 if mine else 3), marker_size=5,
                        customdata=e["epoch"],
                        hovertemplate=f"{run}, epoch %{{customdata}}: L = %{{y:.4f}}<extra></extra>")
        if not np.isnan(k):
            fig.add_scatter(x=[k], y=[0.7 * TOP * 0.2 ** marks], mode="markers+text",
                            legendgroup=run, showlegend=False,
                            marker=dict(symbol="x", size=18, color=colour),
                            text=[f"{run}:<br>diverged at step {int(k)}"], textposition="bottom right")
            marks += 1
    fig.update_layout(height=480, xaxis_title="update step", margin=dict(t=10),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),   # wraps on a phone
                      yaxis=dict(title="loss (log scale)", type="log", minorloglabels="none",
                                 range=[np.log10(bottom), np.log10(TOP)]))
    return theme.apply(fig)


def range_test(frame, suggested, current):
    """Loss against a growing η (log x): raw and smoothed, the suggested η and yours marked; the
    loss axis stops at range_top (the blow-up at the end leaves the plot)."""
    fig = go.Figure()
    fig.add_scatter(x=frame["lr"], y=frame["loss"], mode="lines", name="batch loss",
                    line=dict(color=theme.GREY, width=1.5))
    fig.add_scatter(x=frame["lr"], y=frame["smoothed"], mode="lines", name="smoothed",
                    line=dict(color=theme.BLUE, width=4))
    span = np.log10([frame["lr"].min(), frame["lr"].max()])
    if suggested is not None:
        _mark(fig, suggested, f"suggested η ≈ {suggested:.2g}", theme.GREEN, "solid", "top", span)
    _mark(fig, current, f"your η = {current:g}", theme.VERMILLION, "dash", "bottom", span)
    fig.update_layout(height=430, margin=dict(t=10),
                      xaxis=dict(title="learning rate η (log scale)", type="log", minorloglabels="none",
                                 range=span),
                      yaxis=dict(title="loss", range=[0, range_top(frame)]),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))   # clear of the η labels
    return theme.apply(fig)


def _mark(fig, lr, text, colour, dash, end, span):
    """A vertical line at η = lr and its label at the top or bottom `end` of the plot, on the
    wider side of the line within the axis' log10 `span` (an annotation's x is log10 on a log
    axis): the two marks' labels, one at each end, never meet, and each has the room there is."""
    fig.add_vline(x=lr, line=dict(color=colour, width=3, dash=dash))
    left = np.log10(lr) > span.mean()
    fig.add_annotation(x=np.log10(lr), y=1 if end == "top" else 0, yref="paper", yanchor=end,
                       xanchor="right" if left else "left", text=text, showarrow=False,
                       font_color=colour, bgcolor="rgba(255,255,255,0.8)")   # readable over a line


DECAY_COLOURS = {"small": theme.GREEN, "large": theme.VERMILLION, "decaying": theme.BLUE}
DECAY_DASH = {"small": "dot", "large": "dash", "decaying": "solid"}


def decay(frame):
    """Two panels against the step (frame from experiments.decay.runs): left η_t of each run
    kind; right the share of runs in the deep minimum (thick) and past the barrier (thin)."""
    fig = make_subplots(cols=2, horizontal_spacing=0.12,   # the right panel's y axis on its right
                        subplot_titles=("rate η<sub>t</sub>",      # short: the panels share a phone
                                        "deep minimum (thick)<br>past barrier (thin)"))
    for name, part in frame.groupby("run", sort=False):
        label, style = part["label"].iloc[0], dict(color=DECAY_COLOURS[name], dash=DECAY_DASH[name])
        fig.add_scatter(x=part["step"], y=part["lr"], mode="lines", name=label, legendgroup=name,
                        line=style | dict(width=3), col=1, row=1,
                        hovertemplate=f"{label}, step %{{x}}: η = %{{y:.3g}}<extra></extra>")
        for column, width, what in (("settled", 4, "in the deep minimum"),
                                    ("escaped", 1.5, "past the barrier")):
            fig.add_scatter(x=part["step"], y=100 * part[column], mode="lines", name=label,
                            legendgroup=name, showlegend=False, line=style | dict(width=width),
                            col=2, row=1,
                            hovertemplate=f"{label}, step %{{x}}: %{{y:.0f}}% {what}<extra></extra>")
    fig.update_xaxes(title_text="step t", dtick=100)   # short, and 0, 100, 200: level on a phone's panel
    fig.update_yaxes(title_text="η", rangemode="tozero", col=1)
    fig.update_yaxes(title_text="runs (%)", range=[-3, 103], side="right", col=2)
    fig.update_layout(height=480)
    return theme.apply(theme.legend_below(fig, rows=3))
