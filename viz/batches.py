"""Figures for the full batch vs mini-batch lesson (frames from experiments.batches)."""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from experiments.batches import SIZES, size_name
from viz import theme

COLOURS = dict(zip(SIZES, (theme.BLUE, theme.SKY, theme.GREEN, theme.PURPLE, theme.ORANGE,
                           theme.VERMILLION), strict=True))
AXES = {"steps": ("step", "updates (log scale)", "log"),
        "examples": ("examples", "examples seen", "linear"),
        "seconds": ("seconds", "training time in seconds (log scale)", "log")}
MAX_POINTS = 1500   # per-step traces are thinned to at most this many points


def curves(steps, epochs, summary, axis="steps"):
    """Top: the mini-batch loss at every update. Bottom: the full loss after every epoch, with
    the min-max band over shuffle seeds when the frame has one. Divergence is marked."""
    column, title, kind = AXES[axis]
    fig = make_subplots(rows=2, shared_xaxes=True, vertical_spacing=0.1, subplot_titles=(
        "loss of each mini-batch L(B), at every update", "full training loss L, after every epoch"))
    start = epochs["loss"].iloc[0]
    for size in summary["batch"][::-1]:          # small batches behind, full batch in front
        colour, name = COLOURS[size], size_name(size)
        s, e = steps[steps["batch"] == size], epochs[epochs["batch"] == size]
        if kind == "log":                        # epoch 0 sits at x = 0, off a log axis
            e = e[e[column] > 0]
        s = s.iloc[::-(-len(s) // MAX_POINTS)] if len(s) else s
        fig.add_scatter(x=s[column], y=s["loss"], mode="lines", name=name, legendgroup=size,
                        showlegend=False, line=dict(color=colour, width=1), opacity=0.7,
                        row=1, col=1, hovertemplate=f"{name}: %{{y:.3f}}<extra></extra>")
        if "loss_min" in e:
            fig.add_scatter(x=np.r_[e[column], e[column][::-1]],
                            y=np.r_[e["loss_max"], e["loss_min"][::-1]], fill="toself",
                            fillcolor=colour, opacity=0.2, line_width=0, row=2, col=1,
                            legendgroup=size, showlegend=False, hoverinfo="skip")
        fig.add_scatter(x=e[column], y=e["loss"], mode="lines+markers", name=name, legendgroup=size,
                        line_color=colour, marker_size=6, row=2, col=1,
                        hovertemplate=f"{name}, epoch %{{customdata}}: L = %{{y:.3f}}<extra></extra>",
                        customdata=e["epoch"])
    _mark_divergence(fig, steps, summary, column, top=1.9 * start)
    fig.add_hline(y=start, line=dict(color=theme.GREY, dash="dot"), row=2, col=1,
                  annotation=dict(text=f"every run starts at L = {start:.2f}", xanchor="right",
                                  x=1, yanchor="bottom"))
    highest = min(epochs["loss"].max(), 3 * start)
    fig.update_yaxes(title_text="L(B)", range=[0, 2 * start], row=1, col=1)
    fig.update_yaxes(title_text="L", range=[0, 1.1 * max(start, highest)], row=2, col=1)
    fig.update_xaxes(type=kind)
    fig.update_xaxes(title_text=title, row=2, col=1)
    fig.update_layout(height=720, legend=dict(orientation="h", y=1.1, x=1, xanchor="right",
                                              traceorder="reversed"))
    return theme.apply(fig)


def _mark_divergence(fig, steps, summary, column, top):
    """An ✕ near the top of the L(B) panel after each diverged run's last recorded update."""
    for size, k in summary.dropna(subset=["diverged_at"])[["batch", "diverged_at"]].values:
        last = steps[steps["batch"] == size].tail(1)
        x = last[column].iloc[0] if len(last) else 0
        fig.add_scatter(x=[x], y=[top], mode="markers+text",
                        marker=dict(symbol="x", size=16, color=COLOURS[size]), showlegend=False,
                        text=[f"{size_name(size)} diverged at step {int(k)}"],
                        textposition="bottom right", row=1, col=1)


def loss_slice(frame, size):
    """The full loss L along θ + t d (thick blue) and the mini-batch losses L(B) (thin red),
    each L(B) minimum marked: the curves scatter around L, more for small batches."""
    full = frame[frame["curve"] == "L"]
    fig = go.Figure()
    minima = []
    for k, (curve, part) in enumerate(frame[frame["curve"] != "L"].groupby("curve", sort=False)):
        fig.add_scatter(x=part["t"], y=part["loss"], mode="lines", legendgroup="B",
                        name=f"L(B), {size_name(size)}", showlegend=k == 0, opacity=0.75,
                        line=dict(color=theme.VERMILLION, width=1.5),
                        hovertemplate=f"{curve}: %{{y:.3f}}<extra></extra>")
        minima.append(part.loc[part["loss"].idxmin()])
    fig.add_scatter(x=[m["t"] for m in minima], y=[m["loss"] for m in minima], mode="markers",
                    name="minimum of each L(B)", marker=dict(color=theme.VERMILLION, size=10,
                                                             symbol="diamond"))
    fig.add_scatter(x=full["t"], y=full["loss"], mode="lines", name="L, all examples",
                    line=dict(color=theme.BLUE, width=5), hovertemplate="L: %{y:.3f}<extra></extra>")
    fig.add_vline(x=0, line=dict(color=theme.GREY, dash="dot"), annotation_text="θ")
    fig.update_layout(height=480, xaxis_title="t, the distance along a random direction d",
                      yaxis=dict(title="loss at θ + t d", range=[0, 1.6 * full["loss"].max()]),
                      legend=dict(orientation="h", y=1.12, x=1, xanchor="right"))
    return theme.apply(fig)
