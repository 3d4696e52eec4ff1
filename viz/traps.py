"""Figures for the local-minimum traps lesson (frames from experiments.traps)."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from experiments.frames import frame_steps
from experiments.traps import BATCH_SIZES, RANGE
from nnlib import trap
from viz import theme
from viz.animation import animate, rounded

Y_RANGE = (-4.0, 4.0)   # the global minimum (−3.5) and the start (3.1) with room; the dip of 0.3 shows
BASINS = {"local": ("stuck in the local minimum", theme.VERMILLION),
          "global": ("escaped to the global minimum", theme.GREEN)}


def race(curve, runs, batch_curves, minima=(trap.LOCAL_MIN, trap.GLOBAL_MIN)):
    """L(θ) thick and static; the current batch's L(B) and the balls move, one frame per step.

    curve: theta, loss of the full loss; runs: run, step, theta, loss (experiments.traps.animation);
    batch_curves: (steps, grid) L(B) of the first mini-batch run's batch at each step.
    """
    names = list(dict.fromkeys(runs["run"]))
    theta, loss = (runs[c].to_numpy().reshape(-1, len(names)) for c in ("theta", "loss"))
    lo, hi = curve["theta"].iloc[0], curve["theta"].iloc[-1]
    grid = curve["theta"].to_numpy()
    fig = go.Figure()
    fig.add_scatter(x=grid, y=curve["loss"], mode="lines", name="full loss L(θ)",
                    line=dict(color=theme.BLACK, width=6), hoverinfo="skip")
    fig.add_scatter(x=grid, y=rounded(batch_curves[0]), mode="lines", name="this step's batch L(B)",
                    line=dict(color=theme.ORANGE, width=3, dash="dash"), hoverinfo="skip")
    fig.add_scatter(mode="markers", name="full batch", marker=dict(color=theme.BLUE, size=26,
                    line=dict(color="white", width=2)), **_balls(theta[0, :1], loss[0, :1], lo, hi))
    fig.add_scatter(mode="markers", name=names[1].rsplit(" #", 1)[0] + " runs",
                    marker=dict(color=theme.VERMILLION, size=16, symbol="circle",
                                line=dict(color="white", width=1.5)), **_balls(theta[0, 1:], loss[0, 1:], lo, hi))
    fig.add_scatter(mode="markers", name="where they end", hoverinfo="skip", x=[], y=[],
                    marker=dict(color=[theme.BLUE] + [theme.VERMILLION] * (len(names) - 1), size=22,
                                symbol="circle-open", line=dict(width=3)))
    # the local minimum's name at the bottom, right of its line; the global one's at the top, clear
    # of the curves, left of its line: inside the plot on a phone too
    for x, label, (y, side) in zip(minima, ("local minimum", "global minimum"),
                                   (("bottom", "left"), ("top", "right"))):
        fig.add_vline(x=x, line=dict(color=theme.GREY, dash="dot", width=1.5),
                      annotation=dict(text=label, yanchor=y, y=float(y == "top"), yref="paper",
                                      xanchor=side, font_color=theme.GREY))
    fig.add_scatter(mode="text", x=[], y=[], text=[], showlegend=False, hoverinfo="skip",
                    textfont=dict(color=theme.VERMILLION, size=15))
    blown = _divergences(theta, names)
    steps = frame_steps(len(theta) - 1)
    frames = [[dict(y=rounded(batch_curves[min(k, len(batch_curves) - 1)])),
               _balls(theta[k, :1], loss[k, :1], lo, hi), _balls(theta[k, 1:], loss[k, 1:], lo, hi),
               _ends(theta, loss, lo, hi, shown=k == steps[-1]), _diverged_by(blown, k, lo, hi)]
              for k in steps]
    animate(fig, frames, traces=[1, 2, 3, 4, 5], labels=steps)
    fig.update_layout(height=520, xaxis=dict(title="θ (stands in for all the parameters)", range=[lo, hi]),
                      yaxis=dict(title="loss", range=list(Y_RANGE)),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))
    return theme.apply(fig)


def _balls(theta, loss, lo, hi):
    """Marker positions on L, clipped to the plot (a run off the chart sits at its edge)."""
    return dict(x=rounded(np.clip(theta, lo, hi)), y=rounded(np.clip(loss, *Y_RANGE)))


def _ends(theta, loss, lo, hi, shown):
    """The end rings: only in the last frame, so the race does not tell its end before Play."""
    return _balls(theta[-1], loss[-1], lo, hi) if shown else dict(x=[], y=[])


def _divergences(theta, names):
    """[(name, step it blew up)] for each drawn run whose θ became NaN."""
    return [(name, int(np.argmax(np.isnan(theta[:, i])))) for i, name in enumerate(names)
            if np.isnan(theta[-1, i])]


def _diverged_by(blown, k, lo, hi):
    """The line naming the runs that have blown up by step k, at the top of the chart: it appears
    with the divergence, not before Play."""
    text = "; ".join(f"{name} diverged at step {at}" for name, at in blown if at <= k)
    return dict(x=[(lo + hi) / 2], y=[Y_RANGE[1] - 0.4], text=[text]) if text else dict(x=[], y=[], text=[])


def endings(ends, minima=(trap.LOCAL_MIN, trap.GLOBAL_MIN), barrier=trap.BARRIER):
    """Histogram of where the seeded runs ended, stuck (local basin) and escaped coloured apart."""
    fig = go.Figure()
    for basin, (label, colour) in BASINS.items():
        theta = ends.loc[ends["basin"] == basin, "theta"]
        fig.add_histogram(x=theta, name=f"{label}: {len(theta)}", marker_color=colour,
                          xbins=dict(start=RANGE[0], end=RANGE[1], size=0.05),
                          hovertemplate="θ ≈ %{x}: %{y} runs<extra></extra>")
    fig.add_vline(x=barrier, line=dict(color=theme.GREY, dash="dash", width=2),
                  annotation=dict(text="barrier", font_color=theme.GREY))
    diverged = int((ends["basin"] == "diverged").sum())
    title = f"where {len(ends)} runs ended" + (f" ({diverged} diverged, not shown)" if diverged else "")
    fig.update_layout(title=title, barmode="overlay", height=420, bargap=0,
                      xaxis=dict(title="final θ", range=list(RANGE),
                                 tickvals=sorted({-2, *minima, barrier, 3})),
                      yaxis_title="runs")
    return theme.apply(theme.legend_below(fig, rows=2))


def escape_rates(rates):
    """Escape rate against batch size (log axis) and against learning rate, current choice starred."""
    fig = make_subplots(cols=2, horizontal_spacing=0.12, shared_yaxes=True,
                        subplot_titles=[theme.panel_title(t) for t in ("escape rate vs batch size",
                                                                        "escape rate vs learning rate")])
    for col, (vary, x) in enumerate((("batch size", "batch_size"), ("learning rate", "lr")), 1):
        part = rates[rates["vary"] == vary]
        fig.add_scatter(x=part[x], y=100 * part["escape_rate"], mode="lines+markers", col=col, row=1,
                        line_color=theme.BLUE, name=vary, showlegend=False,
                        hovertemplate=f"{vary} %{{x}}: %{{y:.0f}}% escape<extra></extra>")
        now = part[part["current"]]
        fig.add_scatter(x=now[x], y=100 * now["escape_rate"], mode="markers", col=col, row=1,
                        marker=dict(color=theme.VERMILLION, size=20, symbol="star"),
                        name="your choice", showlegend=col == 1,
                        hovertemplate="your choice: %{y:.0f}%<extra></extra>")
    fig.update_xaxes(type="log", title_text="batch size<br>(log scale)", row=1, col=1,   # 64 = full batch
                     tickvals=list(BATCH_SIZES[::2]))   # every other size: level on a phone's panel
    fig.update_xaxes(title_text="η", row=1, col=2)   # the panel's title says "learning rate"
    fig.update_yaxes(range=[-5, 105], title_text="runs escaping (%)", row=1, col=1)
    fig.update_layout(height=420)
    return theme.apply(theme.legend_below(fig, rows=2))


def escape_more(by_momentum, within):
    """Two panels: escape rate against momentum μ (the chosen batch size and full batch, the
    chosen μ starred), and the share escaped within N steps against N (the chosen N starred).
    by_momentum: experiments.traps.escape_by_momentum; within: experiments.traps.escape_within."""
    fig = make_subplots(cols=2, horizontal_spacing=0.12, shared_yaxes=True,
                        subplot_titles=[theme.panel_title(t) for t in ("escape rate vs momentum μ",
                                                                        "escaped within N steps")])
    for (name, part), colour in zip(by_momentum.groupby("batch", sort=False), (theme.VERMILLION, theme.BLUE)):
        fig.add_scatter(x=part["momentum"], y=100 * part["escape_rate"], mode="lines+markers",
                        row=1, col=1, name=name, line_color=colour,
                        hovertemplate=f"{name}, μ = %{{x}}: %{{y:.0f}}% escape<extra></extra>")
    fig.add_scatter(x=within["step"], y=100 * within["escape_rate"], mode="lines", row=1, col=2,
                    name=f"{by_momentum['batch'].iloc[0]}, your μ", line_color=theme.VERMILLION,
                    showlegend=False, hovertemplate="within %{x} steps: %{y:.1f}%<extra></extra>")
    now = pd.concat([by_momentum[by_momentum["current"]].assign(x=lambda f: f["momentum"], col=1),
                     within[within["current"]].assign(x=lambda f: f["step"], col=2)])
    for col, part in now.groupby("col"):
        fig.add_scatter(x=part["x"], y=100 * part["escape_rate"], mode="markers", row=1, col=int(col),
                        marker=dict(color=theme.BLACK, size=16, symbol="star"), name="your choice",
                        showlegend=col == 1, hovertemplate="your choice: %{y:.1f}%<extra></extra>")
    fig.update_xaxes(title_text="momentum μ", row=1, col=1)
    fig.update_xaxes(title_text="steps N", row=1, col=2)
    fig.update_yaxes(range=[-5, 105], title_text="runs escaping (%)", row=1, col=1)
    fig.update_layout(height=420)
    return theme.apply(theme.legend_below(fig, rows=2))
