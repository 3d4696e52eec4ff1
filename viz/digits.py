"""Figures for the handwritten-digits lesson (the dict of experiments.digits.run).

Many 8×8 images are drawn as one heat map, a mosaic of tiles with blank (NaN) gaps, so a figure
holds one trace however many images it shows. The weights mosaic is animated over epochs; its
heat map is redrawn in every frame (redraw=True), which plotly.js keeps on Play (plotly.js #4491
blanks only heat maps that the frames leave alone; viz/playground.py does the same).
"""
import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import theme
from viz.animation import SPEEDS, animate, rounded
from viz.playground import log_ticks

SIDE = 8                  # pixels per image side
COLUMNS = 8               # images per mosaic row
WEIGHT_DIGITS = 2         # weights are rounded to 0.01 for the browser (payload)
INK = [[0.0, "white"], [1.0, theme.BLACK]]          # 0 = blank paper, 1 = full ink
COUNTS = [[0.0, "white"], [1.0, theme.BLUE]]        # confusion matrix: white 0 .. blue many
COUNT_TICKS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500)
GALLERY_COLUMNS = 8
CAPTION_ROWS = 6          # mosaic rows (pixels) over each gallery row: its two-line captions


def mosaic(images, columns=COLUMNS, gap=1, label_gap=0):
    """Tile (n, 64) images into one array, row-major, `gap` NaN columns between tiles and
    gap + label_gap NaN rows above each tile row (room for a caption). Returns (array, tile):
    tile[r, c] is the image index drawn at mosaic cell (r, c), -1 in the gaps."""
    n = len(images)
    cols = min(columns, n)
    rows = math.ceil(n / cols)
    step_x, step_y = SIDE + gap, SIDE + gap + label_gap
    out = np.full((rows * step_y - gap, cols * step_x - gap), np.nan)
    tile = np.full(out.shape, -1)
    for k, image in enumerate(np.asarray(images, dtype=float).reshape(n, SIDE, SIDE)):
        r, c = divmod(k, cols)
        top, left = r * step_y + label_gap, c * step_x
        out[top:top + SIDE, left:left + SIDE] = image
        tile[top:top + SIDE, left:left + SIDE] = k
    return out, tile


def weight_limit(weights):
    """The colour scale's end, max |w| over every frame (so epochs compare), at least 0.01."""
    return max(float(np.nanmax(np.abs(weights))), 0.01)


def weights(result):
    """Every shown first-layer neuron's 64 weights as an 8×8 image (pixel i of neuron j is
    W[i, j]), red > 0 > blue on one scale for all epochs, animated over the frame epochs."""
    W = result["weights"]                                   # (frames, 64, shown)
    lim = weight_limit(W)
    first, tile = mosaic(W[-1].T)
    neuron = np.where(tile >= 0, tile + 1, 0)
    heat = go.Heatmap(z=rounded(first, WEIGHT_DIGITS), zmin=-lim, zmax=lim, zmid=0,
                      colorscale=theme.DIVERGING, customdata=neuron, xgap=0, ygap=0,
                      colorbar=dict(title=dict(text="weight w", side="right"), thickness=14),
                      hovertemplate="neuron %{customdata}, pixel (row %{y}, column %{x}):"
                                    " w = %{z:.2f}<extra></extra>")
    fig = go.Figure(heat)
    _image_axes(fig, first.shape)
    shown, width = W.shape[2], result["width"]
    which = "every neuron" if shown == width else f"the first {shown} of {width} neurons"
    fig.update_layout(title=dict(text="first-layer weights",   # short lines: a phone's width
                                 subtitle_text=f"one 8×8 image per hidden neuron ({which})"),
                      height=130 + 72 * math.ceil(shown / COLUMNS))
    frames = [[go.Heatmap(z=rounded(mosaic(w.T)[0], WEIGHT_DIGITS))] for w in W]
    labels = [int(e) for e in result["epochs"]]
    animate(fig, frames, traces=[0], labels=labels, prefix="epoch ", redraw=True,
            duration=SPEEDS["slow"], room=10)   # the images have no axes
    fig.layout.sliders[0].active = len(labels) - 1            # opens on the trained network
    fig.update_layout(margin=dict(b=95, t=65, l=10, r=10))   # t: the title and its subtitle
    return theme.apply(fig)


def _image_axes(fig, shape, row=None, col=None):
    """Square pixels, row 0 at the top, no ticks: the axes of an image."""
    fig.update_xaxes(visible=False, range=[-0.5, shape[1] - 0.5], constrain="domain",
                     row=row, col=col)
    fig.update_yaxes(visible=False, range=[shape[0] - 0.5, -0.5], scaleanchor="x", scaleratio=1,
                     constrain="domain", row=row, col=col)


def gallery(result):
    """The misclassified test digits (surest mistakes first), ink black on white, each under a
    caption "true → read as" with the probability the network gave its answer."""
    table = result["gallery"]
    fig = go.Figure()
    if table.empty:
        fig.add_annotation(text="Every test digit was read right: no mistakes to show.",
                           showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_layout(xaxis_visible=False, yaxis_visible=False, height=200,
                          title="misclassified test digits")
        return theme.apply(fig)
    images = result["images"][table["row"].to_numpy()]
    picture, tile = mosaic(images, GALLERY_COLUMNS, gap=2, label_gap=CAPTION_ROWS)
    info = np.array([f"true {t}, read as {p}: p({p}) = {pp:.2f}, p({t}) = {pt:.2f}"
                     for t, p, pp, pt in table[["true", "predicted", "p_predicted",
                                                "p_true"]].itertuples(index=False)]
                    + [""])                                  # info[-1]: the gaps (tile -1)
    fig.add_heatmap(z=rounded(picture, 3), zmin=0, zmax=1, colorscale=INK, showscale=True,
                    colorbar=dict(title=dict(text="ink", side="right"), thickness=12, orientation="h",
                                  x=0, xanchor="left", len=0.4, y=-0.02, yanchor="top",   # under: a phone's
                                  tickvals=[0, 1], ticktext=["0 blank", "1 full"]),       # width for the digits
                    text=info[tile], hovertemplate="%{text}<extra></extra>")
    cols = min(GALLERY_COLUMNS, len(table))
    k = np.arange(len(table))
    fig.add_scatter(x=(k % cols) * (SIDE + 2) + (SIDE - 1) / 2,
                    y=(k // cols) * (SIDE + 2 + CAPTION_ROWS) + CAPTION_ROWS / 2 - 0.5,
                    mode="text", hoverinfo="skip", showlegend=False, textfont=dict(size=13), cliponaxis=False,
                    text=[f"{t}→{p}<br>{pp:.0%}" for t, p, pp in   # two narrow lines: a phone's 32 px tiles
                          table[["true", "predicted", "p_predicted"]].itertuples(index=False)])
    _image_axes(fig, picture.shape)
    rows = math.ceil(len(table) / cols)
    fig.update_layout(height=200 + 105 * rows, margin=dict(t=80, b=70, l=20, r=20),
                      title=dict(text="misclassified test digits",   # short lines: a phone's width
                                 subtitle_text="true → read as, and how sure it was"))
    return theme.apply(fig)


def confusion(result):
    """The confusion matrix: rows the true digit (with its accuracy), columns the digit the
    network read; the count in each cell, the colour log-scaled so single mistakes show."""
    C, acc = result["confusion"], result["per_class"]["accuracy"]
    k = len(C)
    ticks = [t for t in COUNT_TICKS if t < max(C.max(), 1) / 1.5] + [max(C.max(), 1)]
    fig = go.Figure(go.Heatmap(
        z=np.log1p(C), x=list(range(k)), y=list(range(k)), zmin=0, zmax=np.log1p(max(C.max(), 1)),
        colorscale=COUNTS, text=np.where(C > 0, C, ""), texttemplate="%{text}", xgap=1, ygap=1,
        customdata=C, hovertemplate="true %{y}, read as %{x}: %{customdata} test digits"
                                    "<extra></extra>",
        colorbar=dict(title=dict(text="test digits (log scale)", side="right"), thickness=14,
                      tickvals=np.log1p(ticks).tolist(), ticktext=[str(t) for t in ticks])))
    fig.update_xaxes(title="digit the network read", tickmode="array", tickvals=list(range(k)),
                     side="bottom", showgrid=False, constrain="domain")
    fig.update_yaxes(title="true digit (its accuracy)", tickmode="array", tickvals=list(range(k)),
                     ticktext=[f"{d}  {a:.0%}" for d, a in enumerate(acc)], autorange="reversed",
                     scaleanchor="x", showgrid=False, constrain="domain")
    fig.update_layout(height=400, margin=dict(t=45, l=10, r=10, b=50),
                      title=f"confusion matrix: {result['accuracy']:.1%} right")
    return theme.apply(fig)


def race(mini, full, batch):
    """Training loss of full batch (vermillion) and batch `batch` (blue), the same network from
    the same start: per epoch (left) and per second of training (right), log scales."""
    fig = make_subplots(cols=2, shared_yaxes=True, horizontal_spacing=0.05, subplot_titles=(
        "per epoch", "per second of training"))
    runs = ((full, "full batch", theme.VERMILLION, "dash"),
            (mini, f"batch {batch}", theme.BLUE, "solid"))
    for frame, name, colour, dash in runs:
        for col, x, unit in ((1, "epoch", "epoch %{x}"), (2, "seconds", "%{x:.2f} s")):
            rows = frame if col == 1 else frame[frame["seconds"] > 0]
            fig.add_scatter(x=rows[x], y=rows["train_loss"], mode="lines", name=name,
                            legendgroup=name, showlegend=col == 1, row=1, col=col,
                            line=dict(color=colour, dash=dash),
                            hovertemplate=f"{name}, {unit}: L = %{{y:.3f}}<extra></extra>")
    both = np.r_[mini["train_loss"], full["train_loss"]]
    seconds = np.r_[mini["seconds"], full["seconds"]]
    fig.update_yaxes(type="log", **_ticks(both))
    fig.update_yaxes(title_text="training loss L (log scale)", row=1, col=1)
    fig.update_xaxes(title_text="epoch", row=1, col=1)   # short: two side by side on a phone
    fig.update_xaxes(title_text="seconds<br>(log scale)", type="log", **_ticks(seconds), row=1, col=2)
    fig.update_layout(height=500, legend=dict(orientation="h", yref="container", y=0, yanchor="bottom",
                                              x=0),   # under the axis titles, clear of the panels' titles
                      title="full batch vs mini-batch on the real digits", margin=dict(t=100, b=120))
    return theme.apply(fig)


def _ticks(values):
    """log_ticks over the positive finite values; none (Plotly's own) if there are none."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    return log_ticks(values) if len(values) else {}
