"""Figures for the full batch vs mini-batch lesson (frames from experiments.batches)."""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from experiments.batches import SIZES, size_name
from experiments.frames import frame_steps
from viz import theme
from viz.animation import SPEEDS, animate, rounded

COLOURS = dict(zip(SIZES, (theme.BLUE, theme.SKY, theme.GREEN, theme.PURPLE, theme.ORANGE,
                           theme.VERMILLION), strict=True))
AXES = {"steps": ("step", "updates (log scale)", "log"),
        "examples": ("examples", "examples seen", "linear"),
        "seconds": ("seconds", "training time in seconds (log scale)", "log")}
MAX_POINTS = 1500   # per-step traces are thinned to at most this many points
MAX_FRAMES = 60     # animation frames of the loss curves


def curves(steps, epochs, summary, axis="steps"):
    """Top: the mini-batch loss at every update. Bottom: the full loss after every epoch (solid)
    and the validation loss (dashed, when the frame has val_loss), with the min-max band over
    shuffle seeds when the frame has one. Divergence is marked.

    Animated: ▶ Play draws every curve again from the start, all runs in step by the examples
    seen (frames at ≤ MAX_FRAMES cut-offs, experiments.frames); the slider opens on the end.
    """
    column, title, kind = AXES[axis]
    fig = make_subplots(rows=2, shared_xaxes=True, vertical_spacing=0.2, subplot_titles=(
        "loss of each mini-batch, L(B)", "full loss L per epoch (dashed: validation)"))   # a phone's width
    start = epochs["loss"].iloc[0]
    movers = []                                  # (trace index, rows of the frame it draws)
    for size in summary["batch"][::-1]:          # small batches behind, full batch in front
        colour, name = COLOURS[size], size_name(size)
        s, e = steps[steps["batch"] == size], epochs[epochs["batch"] == size]
        if kind == "log":                        # epoch 0 sits at x = 0, off a log axis
            e = e[e[column] > 0]
        s = s.iloc[::-(-len(s) // MAX_POINTS)] if len(s) else s
        movers.append((len(fig.data), s, _line(column, "loss")))
        fig.add_scatter(name=name, legendgroup=size, mode="lines", showlegend=False,
                        line=dict(color=colour, width=1), opacity=0.7, row=1, col=1,
                        hovertemplate=f"{name}: %{{y:.3f}}<extra></extra>", **movers[-1][2](s))
        if "loss_min" in e:
            movers.append((len(fig.data), e, _band(column)))
            fig.add_scatter(fill="toself", fillcolor=colour, opacity=0.2, line_width=0, row=2,
                            col=1, legendgroup=size, showlegend=False, hoverinfo="skip",
                            **movers[-1][2](e))
        if "val_loss" in e:
            movers.append((len(fig.data), e, _line(column, "val_loss")))
            fig.add_scatter(mode="lines", name=f"{name}, validation", legendgroup=size,
                            showlegend=False, line=dict(color=colour, dash="dash", width=2),
                            row=2, col=1, customdata=e["epoch"], hovertemplate=
                            f"{name}, epoch %{{customdata}}: validation L = %{{y:.3f}}<extra></extra>",
                            **movers[-1][2](e))
        movers.append((len(fig.data), e, _line(column, "loss")))
        fig.add_scatter(mode="lines+markers", name=name, legendgroup=size, line_color=colour,
                        marker_size=6, row=2, col=1, customdata=e["epoch"], hovertemplate=
                        f"{name}, epoch %{{customdata}}: L = %{{y:.3f}}<extra></extra>",
                        **movers[-1][2](e))
    _mark_divergence(fig, steps, summary, column, top=1.9 * start)
    fig.add_hline(y=start, line=dict(color=theme.GREY, dash="dot"), row=2, col=1,
                  annotation=dict(text=f"every run starts at L = {start:.2f}", xanchor="right",
                                  x=1, yanchor="top"))   # under the line: clear of the title
    highest = min(epochs["loss"].max(), 3 * start)
    fig.update_yaxes(title_text="L(B)", range=[0, 2 * start], row=1, col=1)
    fig.update_yaxes(title_text="L", range=[0, 1.1 * max(start, highest)], row=2, col=1)
    fig.update_yaxes(nticks=3)   # a panel fitted to a short window keeps its numbers apart
    fig.update_xaxes(type=kind, range=_x_range(steps, epochs, column, kind))
    fig.update_xaxes(title_text=title, row=2, col=1)
    _animate(fig, movers, epochs, int(summary["n"].iloc[0]))
    fig.update_layout(height=820, legend_traceorder="reversed")
    return theme.apply(theme.legend_above(fig, rows=2))


def _line(column, y):
    """Trace data of a curve: x = `column`, y = `y` of the rows."""
    return lambda rows: dict(x=rounded(rows[column]), y=rounded(rows[y]))


def _band(column):
    """Trace data of the min-max band of the rows: a closed outline to fill."""
    return lambda rows: dict(x=rounded(np.r_[rows[column], rows[column][::-1]]),
                             y=rounded(np.r_[rows["loss_max"], rows["loss_min"][::-1]]))


def _x_range(steps, epochs, column, kind):
    """The x-axis range of the whole run, fixed so that it does not follow the frames."""
    x = np.r_[steps[column], epochs[column]]
    if kind == "log":
        x = x[x > 0]
        return [float(np.log10(x.min())), float(np.log10(x.max()))] if len(x) else None
    return [0, float(x.max())] if len(x) else None


WHOLE_EPOCHS = 10    # from this many epochs on, one frame per (whole) epoch


def _animate(fig, movers, epochs, n):
    """Frames at cut-offs in examples seen (n per epoch): each moving trace drawn through its
    rows up to the cut-off; whole epochs for a run of WHOLE_EPOCHS or more (the slider reads
    "epoch 7", not "epoch 6.78"), else evenly spread cut-offs read to one decimal."""
    last = int(epochs["epoch"].max())
    cuts = (frame_steps(last, MAX_FRAMES) * n if last >= WHOLE_EPOCHS
            else frame_steps(int(epochs["examples"].max()), MAX_FRAMES))
    frames = [[draw(rows[rows["examples"] <= cut]) for _, rows, draw in movers] for cut in cuts]
    animate(fig, frames, traces=[i for i, _, _ in movers],
            labels=[f"{cut / n:.1f}".removesuffix(".0") for cut in cuts], prefix="epoch ")
    fig.layout.sliders[0].active = len(frames) - 1


def _mark_divergence(fig, steps, summary, column, top):
    """An ✕ near the top of the L(B) panel after each diverged run's last recorded update."""
    for size, k in summary.dropna(subset=["diverged_at"])[["batch", "diverged_at"]].values:
        last = steps[steps["batch"] == size].tail(1)
        x = last[column].iloc[0] if len(last) else 0
        fig.add_scatter(x=[x], y=[top], mode="markers+text",
                        marker=dict(symbol="x", size=16, color=COLOURS[size]), showlegend=False,
                        text=[f"{size_name(size)} diverged at step {int(k)}"],
                        textposition="bottom right", row=1, col=1)


def loss_slice(frame, size, epoch=None):
    """The full loss L along θ + t d (thick blue) and the mini-batch losses L(B) (thin orange-red),
    each L(B) minimum marked: the curves scatter around L, more for small batches.

    A frame with an epoch column (experiments.batches.slice_over_training) is animated: ▶ Play
    moves θ along the training, one frame per epoch drawn; the slider opens at `epoch` (default
    the last). The y-axis stays that of the epoch it opens at, so the curves visibly move (and
    may leave the top of the chart in other epochs).
    """
    epochs = list(dict.fromkeys(frame["epoch"])) if "epoch" in frame else [None]
    shown = epochs[-1] if epoch is None else epoch
    at = {k: frame if k is None else frame[frame["epoch"] == k] for k in epochs}
    full = at[shown][at[shown]["curve"] == "L"]
    fig = go.Figure()
    for k, (curve, part) in enumerate(_batch_curves(at[shown])):
        fig.add_scatter(mode="lines", legendgroup="B", name=f"L(B), {size_name(size)}",
                        showlegend=k == 0, opacity=0.75, line=dict(color=theme.VERMILLION, width=1.5),
                        hovertemplate=f"{curve}: %{{y:.3f}}<extra></extra>", **_xy(part))
    fig.add_scatter(mode="markers", name="minimum of each L(B)", **_minima(at[shown]),
                    marker=dict(color=theme.VERMILLION, size=10, symbol="diamond"))
    fig.add_scatter(mode="lines", name="L, all examples", line=dict(color=theme.BLUE, width=5),
                    hovertemplate="L: %{y:.3f}<extra></extra>", **_xy(full))
    fig.add_vline(x=0, line=dict(color=theme.GREY, dash="dot"), annotation_text="θ")
    top = full["loss"].max()
    fig.update_layout(height=480 if len(epochs) == 1 else 580,
                      xaxis_title="t, along a random direction d",   # fits a phone
                      yaxis=dict(title="loss at θ + t d", range=[0, 1.6 * top]))
    theme.legend_above(fig, rows=3)
    if len(epochs) > 1:
        frames = [[_xy(part) for _, part in _batch_curves(at[k])] + [_minima(at[k])]
                  + [_xy(at[k][at[k]["curve"] == "L"])] for k in epochs]
        animate(fig, frames, traces=list(range(len(fig.data))), labels=epochs, prefix="epoch ",
                active=epochs.index(shown), duration=SPEEDS["slow"])   # few frames: slowly
    return theme.apply(fig)


def _batch_curves(rows):
    return list(rows[rows["curve"] != "L"].groupby("curve", sort=False))


def _xy(rows):
    return dict(x=rounded(rows["t"]), y=rounded(rows["loss"]))


def _minima(rows):
    """The lowest point of each L(B) curve."""
    lows = [part.loc[part["loss"].idxmin()] for _, part in _batch_curves(rows)]
    return dict(x=rounded([m["t"] for m in lows]), y=rounded([m["loss"] for m in lows]))
