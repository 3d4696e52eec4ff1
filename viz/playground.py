"""Figures for the Playground: the network diagram next to the decision regions (regression:
the predicted value over the plane, or the fitted curve of one input) while the network
trains, and the training and validation loss curves. Input: the dict of
experiments.playground.run.

The main figure is one Plotly figure with two subplots, so that one slider and one Play button
move both: the diagram (viz.diagram) on the left (x2/y2), the big map on the right (x/y). The
moving regions are a Heatmap (never a contour, plotly.js #4491), redrawn at every frame; the
data points are static traces drawn on top of it.
"""
import numpy as np
import plotly.graph_objects as go

from experiments.labels import FEATURES
from viz import diagram, theme
from viz.animation import SPEEDS, animate, rounded

LIGHT, STRONG = 0.08, 0.6   # how much of a class colour tints the map: unsure .. sure
SYMBOLS = {"training": "circle", "validation": "diamond"}
FEW_EPOCHS = 30             # loss curves this short get a marker per epoch
DIAGRAM, MAP = [0.0, 0.46], [0.6, 1.0]   # the two subplots' shares of the figure's width
HEIGHT = 580
# On a phone (lab/fit.py) the diagram stands above the map, each the full width, in a taller figure.
PHONE = {"height": 780, "layout": {"xaxis.domain": [0, 1], "yaxis.domain": [0, 0.47],
                                   "xaxis2.domain": [0, 1], "yaxis2.domain": [0.55, 1]},
         "wide": {"xaxis.domain": MAP, "yaxis.domain": [0, 1], "xaxis2.domain": DIAGRAM,
                  "yaxis2.domain": [0, 1]}}
COLOUR_BAR = 150   # px: the value map's colour bar, beside the map's lower end (on a phone too)


def tint(colour, amount):
    """`colour` (#RRGGBB) mixed with white: amount 0 is white, 1 the colour itself."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "rgb({}, {}, {})".format(*(round(255 - amount * (255 - c)) for c in rgb))


def class_colorscale(k):
    """A colorscale for z in [0, k]: band j (z in [j, j + 1)) goes from a pale to a strong tint
    of class j's colour, so the hue is the predicted class and the depth its confidence."""
    scale = []
    for j, colour in enumerate(theme.PALETTE[:k]):
        scale += [[j / k, tint(colour, LIGHT)], [(j + 1) / k, tint(colour, STRONG)]]
    return scale


def training(result, validation=True, discretize=False):
    """The network diagram and the decision regions (classification), the predicted value over
    the plane (regression, two inputs) or the fitted curve (regression, one input) over
    training; `validation`: draw the validation points too; `discretize` (classification): the
    predicted class alone, without its confidence."""
    points = result["points"]
    if not validation:
        points = points[points["set"] == "training"]
    if result["task"] == "classification":
        return regions(result, points, discretize)
    return curve(result, points) if len(result["grid"]) == 1 else value_map(result, points)


def regions(result, points, discretize=False):
    """Heat map of the predicted class and its confidence (`discretize`: the class alone, at
    the middle of its band) at each frame epoch, `points` on top (circles: training, diamonds:
    validation)."""
    (gx, gy), k = result["grid"], len(result["classes"])
    z = np.floor(result["z"]) + 0.5 if discretize else result["z"]
    heat = go.Heatmap(x=rounded(gx), y=rounded(gy), z=rounded(z[-1], 2), zmin=0, zmax=k,
                      colorscale=class_colorscale(k), showscale=False, hoverinfo="skip",
                      zsmooth="fast")
    fig = go.Figure(heat)
    name_x, name_y, name_label = result["columns"]
    for j, label in enumerate(result["classes"]):
        rows = points[points["target"] == j]
        fig.add_scatter(x=rows["x1"], y=rows["x2"], mode="markers", name=f"{name_label} {label}",
                        marker=dict(color=theme.PALETTE[j], size=8,
                                    symbol=rows["set"].map(SYMBOLS).tolist(),
                                    line=dict(color="white", width=1.2)),
                        customdata=rows["set"],
                        hovertemplate=f"{name_label} {label} (%{{customdata}})<br>"
                                      "(%{x:.3g}, %{y:.3g})<extra></extra>")
    fig.update_layout(**_plane_axes(gx, gy, name_x, name_y),
                      title=_title(result, "the network and its predicted class"
                                           + ("" if discretize else " (deeper: surer)")))
    outputs = [f"{name_label} {label}" for label in result["classes"]]
    fig = _with_diagram(fig, result, outputs, [go.Heatmap(z=rounded(frame, 2)) for frame in z],
                        colours=theme.PALETTE[:k])
    gx, gy = result["diagram"]["grid"]
    return _enlarged(fig, dict(x=rounded(gx), y=rounded(gy)))


def value_map(result, points):
    """Heat map of the predicted value at each frame epoch on a diverging scale spanning the
    targets of all points (red high, blue low, white in the middle; a colour bar, its title
    along it to keep it narrow, for a phone),
    `points` on top coloured by their own target on the same scale (circles: training,
    diamonds: validation)."""
    (gx, gy), z = result["grid"], result["z"]
    name_x, name_y, name_target = result["columns"]
    target = result["points"]["target"]
    scale = dict(colorscale=theme.DIVERGING, cmin=float(target.min()), cmax=float(target.max()))
    fig = go.Figure(go.Heatmap(
        x=rounded(gx), y=rounded(gy), z=rounded(z[-1], 3), zmin=scale["cmin"],
        zmax=scale["cmax"], colorscale=scale["colorscale"], zsmooth="fast",
        colorbar=dict(title=dict(text=f"{name_target}<br>(map: predicted)", side="right"),
                      len=COLOUR_BAR, lenmode="pixels", y=0, yanchor="bottom", thickness=14),
        hovertemplate=f"({name_x}, {name_y}) = (%{{x:.3g}}, %{{y:.3g}}): predicted "
                      f"{name_target} %{{z:.3g}}<extra></extra>"))
    for name, rows in points.groupby("set", sort=False):
        fig.add_scatter(x=rows["x1"], y=rows["x2"], mode="markers", name=f"{name} points",
                        marker=dict(color=rows["target"], size=8, symbol=SYMBOLS[name],
                                    line=dict(color=theme.BLACK, width=1), **scale),
                        customdata=rows["target"],
                        hovertemplate=f"{name}: {name_target} %{{customdata:.3g}}<br>"
                                      "(%{x:.3g}, %{y:.3g})<extra></extra>")
    fig.update_layout(**_plane_axes(gx, gy, name_x, name_y),
                      title=_title(result, "the network and its predicted value"))
    fig = _with_diagram(fig, result, ["prediction"],        # short: it sits by the map's axis
                        [go.Heatmap(z=rounded(frame, 3)) for frame in z])
    gx, gy = result["diagram"]["grid"]
    return _enlarged(fig, dict(x=rounded(gx), y=rounded(gy)))


def curve(result, points):
    """The data (`points`: training and validation) and the network's curve at each frame epoch."""
    (gx,), z = result["grid"], result["z"]
    name_x, name_y = result["columns"]
    fig = go.Figure()
    for name, colour in (("training", theme.BLUE), ("validation", theme.ORANGE)):
        rows = points[points["set"] == name]
        if rows.empty:                             # validation points hidden
            continue
        fig.add_scatter(x=rows["x1"], y=rows["target"], mode="markers", name=f"{name} data",
                        marker=dict(color=colour, size=7, symbol=SYMBOLS[name]))
    fig.add_scatter(x=rounded(gx), y=rounded(z[-1]), mode="lines", name="network",
                    line=dict(color=theme.VERMILLION, width=4))
    low, high = points["target"].min(), points["target"].max()
    pad = 0.3 * (high - low or 1)
    fig.update_layout(xaxis=dict(title=name_x, range=[gx[0], gx[-1]], domain=MAP),
                      yaxis=dict(title=name_y, range=[low - pad, high + pad]),
                      title=_title(result, f"the network and its {_named('━ curve', theme.VERMILLION)}"))
    fig = _with_diagram(fig, result, [f"{name_y} predicted"],
                        [{"x": rounded(gx), "y": rounded(frame)} for frame in z],
                        trace=len(fig.data) - 1,
                        marks=(_named(MARKS[0], theme.BLUE), _named(MARKS[1], theme.ORANGE)))
    return _enlarged(fig, dict(x=rounded(result["diagram"]["grid"][0]), y0=(low + high) / 2,
                               dy=high - low + 2 * pad, opacity=0.8))


def losses(result):
    """Training and validation loss per epoch (log scale); divergence marked where it happened,
    and a dotted line where η changed (a later stage of the run)."""
    c = result["curves"]
    fig = go.Figure()
    for column, name, colour, dash in (("train_loss", "training", theme.BLUE, "solid"),
                                       ("val_loss", "validation", theme.VERMILLION, "dash")):
        fig.add_scatter(x=c["epoch"], y=c[column], name=name, line=dict(color=colour, dash=dash),
                        mode="lines+markers" if len(c) <= FEW_EPOCHS else "lines",
                        hovertemplate=f"epoch %{{x}}: {name} loss %{{y:.4g}}<extra></extra>")
    if result["diverged_at"] is not None:
        top = c[["train_loss", "val_loss"]].to_numpy().max()
        fig.add_scatter(x=[result["last_epoch"] + 1], y=[top], mode="markers+text",
                        showlegend=False, text=[f"diverged at step {result['diverged_at']}"],
                        textposition="middle left", textfont_color=theme.VERMILLION,
                        marker=dict(symbol="x", size=18, color=theme.VERMILLION))
    for epoch, lr in result["changes"]:
        fig.add_vline(x=epoch, line=dict(color=theme.GREY, dash="dot"),
                      annotation=dict(text=f"η → {lr:g}", yanchor="bottom"))
    kind = "mean squared error" if result["task"] == "regression" else "cross-entropy"
    ticks = log_ticks(c[["train_loss", "val_loss"]])
    last = c.iloc[-1]
    fig.update_layout(xaxis_title="epoch", yaxis=dict(title=f"loss ({kind})", type="log", **ticks),
                      showlegend=False, height=420, margin=dict(t=100),
                      title=f"loss per epoch<br><sup>epoch {int(last['epoch'])}: "
                            f"{_named('━ training', theme.BLUE)} {last['train_loss']:.4g}, "
                            f"{_named('╍ validation', theme.VERMILLION)} {last['val_loss']:.4g}</sup>")
    return theme.apply(fig)


def log_ticks(values):
    """Ticks spanning `values`: 1, 2 and 5 times powers of ten over at most two decades, else
    the powers of ten alone (a log axis's own labels show lone digits, such as "5" for 0.05).
    Returns tickvals and ticktext for a layout axis."""
    values = np.asarray(values, dtype=float)
    lo, hi = np.log10(values[values > 0].min()), np.log10(values.max())
    mantissas = (1, 2, 5) if hi - lo <= 2 else (1,)
    ticks = [m * 10.0 ** d for d in range(int(np.floor(lo)), int(np.ceil(hi)) + 1)
             for m in mantissas if lo - 0.2 <= np.log10(m * 10.0 ** d) <= hi + 0.2]
    return {"tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks]}


def _named(text, colour):
    """`text` in `colour`: a line named in a title, in the line's colour (the legend in words)."""
    return f"<span style='color:{colour}'>{text}</span>"


def _title(result, what):
    if result["diverged_at"] is not None:
        return (f"{what}<br><sup>training diverged at step {result['diverged_at']}: showing epoch "
                f"{result['last_epoch']}, the last finite one</sup>")
    return what


def _plane_axes(gx, gy, name_x, name_y):
    """The big map's axes: the input plane on the grid's range, one unit as long on both axes,
    the map at the bottom of its part of the figure (beside its colour bar, if any)."""
    return dict(xaxis=dict(title=name_x, range=[gx[0], gx[-1]], showgrid=False, constrain="domain",
                           domain=MAP),
                yaxis=dict(title=name_y, range=[gy[0], gy[-1]], showgrid=False, scaleanchor="x",
                           scaleratio=1, constrain="domain", constraintoward="bottom"))


def _enlarged(fig, place):
    """Add a hidden heat map on the big picture's axes at `place` (x, y or y0, dy: the diagram's
    grid), for lab/enlarge.py: clicking a unit of the diagram shows its map there, large, on
    the diagram's colours; layout.meta.enlarge names the trace and the annotation that says
    whose map it is."""
    fig.add_heatmap(**place, colorscale=theme.DIVERGING, showscale=False, hoverinfo="skip",
                    zsmooth="best", visible=False, name="enlarged unit")
    fig.add_annotation(text="", visible=False, xref="x domain", yref="y domain", x=0.5, y=1.0,
                       yanchor="top", showarrow=False, bgcolor="white", font_size=theme.FONT[False])
    fig.update_layout(meta={**fig.layout.meta, "enlarge": {"trace": len(fig.data) - 1,
                                                           "note": len(fig.layout.annotations) - 1}})
    return fig


MARKS = ("●", "◆")   # the training points' circle and the validation points' diamond, in words


def live_titles(result, title, marks=MARKS):
    """Per frame epoch, `title` with that epoch's losses under it, TensorFlow Playground's
    "Training loss / Test loss" moving with the slider and ▶ Play; each loss follows the mark of
    its points (`marks`: the circle and the diamond, in the points' colour where they have one),
    so that the line is the points' legend."""
    c = result["curves"].set_index("epoch")
    return [f"{title}<br><sup>epoch {int(e)}, loss: {marks[0]} training {c.at[e, 'train_loss']:.4g}, "
            f"{marks[1]} validation {c.at[e, 'val_loss']:.4g}</sup>" for e in result["epochs"]]


def _with_diagram(fig, result, outputs, frames, trace=0, colours=None, marks=MARKS):
    """Add the network diagram left of the big picture, whose trace `trace` moves by `frames`,
    and animate both over the recorded epochs with one slider; the figure opens on the last
    epoch (the trained network). `outputs` names the output units; `colours` (classification):
    the colours of their classes' points, so that the output names are the map's legend. No
    legend box (it would stand on the title's second line): the title names the points by
    their `marks` (live_titles). On a phone the diagram stands above the big picture
    (layout.meta.phone, lab/fit.py)."""
    moving, diagram_frames, edges = diagram.add(fig, result["diagram"], outputs=outputs,
                                                inputs=[FEATURES[f] for f in result["inputs"]],
                                                colours=colours)
    fig.update_layout(xaxis2=dict(domain=DIAGRAM), height=HEIGHT, showlegend=False, meta={"phone": PHONE})
    labels = [int(e) for e in result["epochs"]]
    titles = live_titles(result, fig.layout.title.text, marks)
    fig.update_layout(title_text=titles[-1])
    animate(fig, [[main, *rest] for main, rest in zip(frames, diagram_frames)],
            traces=[trace, *moving], labels=labels, prefix="epoch ", redraw=True,
            duration=SPEEDS["normal"], active=len(labels) - 1, step=True,
            layouts=[edge | {"title": {"text": title}} for edge, title in zip(edges, titles)])
    fig.update_layout(margin=dict(t=80))
    return theme.apply(fig)
