"""Figures for the network loss landscape lesson (results of experiments.landscape.explore)."""
import numpy as np
import plotly.graph_objects as go

from viz import raster, theme
from viz.animation import animate, rounded

FLOOR = 1e-4     # losses below this are coloured as this on the log scale


def surface(result, three_d=False, title=""):
    """The loss on the plane (log-scale contour, or a 3-D surface) with the training path animated.

    Static: the contour/surface, the start and the trained point. Before Play the whole path is
    drawn; frames redraw the path so far and a ball at its head (traces 1 and 2), one frame
    per path point (≤ 200). In 3-D the path is drawn at its true loss, its shadow on the surface
    (the loss at its projection, what the colours show) as a dark line, with grey drop lines
    between the two; in 2-D the path's hover gives both losses. The 3-D view is 100 px taller
    (the page fits it to the window), so that its axes stay readable.
    """
    path = result["path"]
    fig = _ground(result, three_d)
    if three_d:
        fig.add_traces([_drop_lines(path), go.Scatter3d(
            mode="lines", name="its shadow on the surface", line=dict(color=theme.BLACK, width=3),
            x=rounded(path["alpha"]), y=rounded(path["beta"]), z=rounded(path["plane_loss"]),
            hovertemplate="shadow: loss on the plane %{z:.3f}<extra></extra>")])
    moving = [len(fig.data), len(fig.data) + 1]
    fig.add_traces([_trace(three_d, mode="lines", name="training path (its true loss)" if three_d
                           else "training path", line=dict(color=theme.VERMILLION, width=4),
                           customdata=np.c_[path["update"], path["loss"], path["plane_loss"]],
                           hovertemplate="update %{customdata[0]}: true loss %{customdata[1]:.3f},"
                                         " colour under it %{customdata[2]:.3f}<extra></extra>",
                           **_xy(path, three_d)),
                    _trace(three_d, mode="markers", name="now", showlegend=False,
                           marker=dict(color=theme.VERMILLION, size=12 if not three_d else 6,
                                       line=dict(color="white", width=2)), **_xy(path[:1], three_d))])
    for row, name, colour, symbol in ((0, "start θ₀", theme.BLUE, "circle"),
                                      (-1, "trained θ*", theme.BLACK, "star" if not three_d else "diamond")):
        fig.add_trace(_trace(three_d, mode="markers", name=name,
                             marker=dict(color=colour, size=18 if not three_d else 7, symbol=symbol,
                                         line=dict(color="white", width=2)),
                             **_xy(path.iloc[[row]], three_d)))
    frames = [[_xy(path[:k + 1], three_d), _xy(path[k:k + 1], three_d)]
              for k in range(len(path))]
    animate(fig, frames, traces=moving, labels=path["update"], prefix="update ", redraw=three_d)
    x_title, y_title = axis_titles(result)
    if three_d:
        fig.update_layout(scene=dict(xaxis_title="α along d₁", yaxis_title="β along d₂", zaxis_title="loss",
                                     camera=dict(eye=dict(x=1.6, y=-1.6, z=1.15))),
                          margin=dict(l=10, r=10), annotations=[dict(
                              text=f"d₁: {x_title}<br>d₂: {y_title}", x=0, y=1, xref="paper",
                              yref="paper", showarrow=False, align="left", xanchor="left")])
    else:
        fig.update_layout(xaxis=dict(title=x_title, range=_edges(result["alphas"])),
                          yaxis=dict(title=y_title, range=_edges(result["betas"])))
    fig.update_layout(title=title, height=660 if three_d else 560, legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0))
    return theme.apply(fig)


def axis_titles(result):
    """Axis names: the principal directions with their share of the path's variance, or random ones."""
    ratio = result["explained"]
    if ratio is None:
        return "random direction d₁ (filter-normalized)", "random direction d₂"
    return (f"PCA direction 1 ({ratio[0]:.0%} of the variance)",   # one line on a phone: Play is under it
            f"PCA direction 2 ({ratio[1]:.0%})")


def _ground(result, three_d):
    """A figure holding the static loss: a 3-D surface, or a map of log10 loss (colour bar ticks
    read in loss) drawn as a background image so that it stays visible on Play (viz.raster)."""
    Z = np.maximum(result["Z"], FLOOR)
    x, y = rounded(result["alphas"]), rounded(result["betas"])
    if three_d:
        cap = 2 * max(result["path"]["loss"].max(), Z.min())
        return go.Figure(go.Surface(x=x, y=y, z=rounded(np.minimum(Z, cap)), colorscale=theme.SEQUENTIAL,
                                    showscale=False, opacity=0.9, name="loss", hovertemplate=
                                    "α %{x:.2f}, β %{y:.2f}: loss %{z:.4f}<extra></extra>"))
    ticks = _log_ticks(Z)
    return raster.add_map(go.Figure(), x, y, np.log10(Z), hover=result["Z"], colorbar=dict(
        title="loss", tickvals=np.log10(ticks), ticktext=[f"{t:g}" for t in ticks]))


def _log_ticks(Z):
    """1, 2, 5 × powers of ten within the range of Z."""
    lo, hi = np.floor(np.log10(Z.min())), np.ceil(np.log10(Z.max()))
    ticks = [m * 10.0**e for e in np.arange(lo, hi + 1) for m in (1, 2, 5)]
    return [t for t in ticks if Z.min() <= t <= Z.max()] or [float(Z.min())]


def _xy(rows, three_d):
    """Path rows as trace coordinates (z = the true loss in 3-D)."""
    data = dict(x=rounded(rows["alpha"]), y=rounded(rows["beta"]))
    if three_d:
        data.update(type="scatter3d", z=rounded(rows["loss"]))
    return data


def _drop_lines(path, count=25):
    """Grey vertical segments from the path's true loss down (or up) to its shadow's, at about
    `count` snapshots: how far the path floats off the surface."""
    rows = path.iloc[np.unique(np.linspace(0, len(path) - 1, count).round().astype(int))]
    gaps = np.full(len(rows), np.nan)
    x, y = (np.c_[rows[k], rows[k], gaps].ravel() for k in ("alpha", "beta"))
    z = np.c_[rows["loss"], rows["plane_loss"], gaps].ravel()
    return go.Scatter3d(x=rounded(x), y=rounded(y), z=rounded(z), mode="lines", hoverinfo="skip",
                        name="true loss − loss on the plane", line=dict(color=theme.GREY, width=2))


def _trace(three_d, **kwargs):
    return go.Scatter3d(**kwargs) if three_d else go.Scatter(**kwargs)


def _edges(values):
    return [float(values[0]), float(values[-1])]


def interpolation(lines):
    """Loss along θ₀ + t (θ* − θ₀), one line per run: lines is {name: frame t, loss}.

    t = 0 (start) and t = 1 (trained) are marked; outside [0, 1] the band is shaded.
    """
    fig = go.Figure()
    colours = (theme.BLUE, theme.ORANGE)
    for (name, line), colour in zip(lines.items(), colours):
        fig.add_scatter(x=line["t"], y=line["loss"], mode="lines", name=name, line_color=colour,
                        hovertemplate="t = %{x:.2f}: loss %{y:.4f}<extra></extra>")
        ends = line[np.isclose(line["t"], 0) | np.isclose(line["t"], 1)]
        fig.add_scatter(x=ends["t"], y=ends["loss"], mode="markers", showlegend=False,
                        marker=dict(color=colour, size=14, symbol=["circle", "star"][:len(ends)]),
                        hovertemplate="t = %{x:g}: loss %{y:.4f}<extra></extra>")
    t = next(iter(lines.values()))["t"]
    for lo, hi in ((t.min(), 0), (1, t.max())):
        if hi > lo:
            fig.add_vrect(x0=lo, x1=hi, fillcolor=theme.GREY, opacity=0.12, line_width=0)
    ticks = np.arange(np.ceil(2 * t.min()), np.floor(2 * t.max()) + 1) / 2
    names = {0.0: "0<br>start θ₀", 1.0: "1<br>trained θ*"}
    fig.update_layout(title="loss on the straight line from θ₀ to θ*",   # short: a phone's width
                      xaxis=dict(title="t", tickvals=ticks, ticktext=[names.get(v, f"{v:g}") for v in ticks]),
                      yaxis=dict(title="loss", rangemode="tozero"), height=420,
                      legend=dict(orientation="h", y=-0.2, x=0))
    return theme.apply(fig)
