"""Figures for "Loss landscapes in the papers" (results of experiments.landscape_papers).

Every slice of one figure shares one colour axis (layout.coloraxis: one colour scale, one colour
bar), coloured by log10 of the loss, capped at `cap`, so equal colours mean equal losses in
every panel. Colours: the Cividis scale runs from dark blue (low) to yellow (high); the path is
orange-red (theme.VERMILLION), θ* a black star; small batch blue, large batch orange.
"""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz import theme
from viz.animation import rounded
from viz.playground import log_ticks

FLOOR = 1e-4                        # losses below this are coloured as this on the log scale
RUNS = {"small batch": theme.BLUE, "large batch": theme.ORANGE}
PATH, STAR = theme.VERMILLION, theme.BLACK
START_DOT = 8                       # px: the training path's start, on the slices


def shared_range(panels, cap):
    """(lowest, highest) log10 loss over every panel's slice, the highest at most log10(cap)."""
    lowest = min(np.nanmin(p["Z"]) for p in panels)
    return float(np.log10(max(lowest, FLOOR))), float(np.log10(cap))


def _colour_axis(lo, hi, title="loss"):
    """A colour axis over log10 loss whose colour bar is ticked in loss values: log_ticks (powers
    of ten alone over more than two decades, so the labels do not crowd) and the cap on top, in
    place of a tick within a sixth of the bar below it."""
    ticks = [t for t in log_ticks([10**lo, 10**hi])["tickvals"] if lo - 1e-9 <= np.log10(t) <= hi + 1e-9]
    ticks = [t for t in ticks if hi - np.log10(t) > (hi - lo) / 6 or np.isclose(np.log10(t), hi)]
    if not ticks or not np.isclose(np.log10(ticks[-1]), hi):
        ticks.append(10**hi)
    return dict(cmin=lo, cmax=hi, colorscale=theme.SEQUENTIAL, colorbar=dict(
        title=dict(text=title, side="right"), tickvals=np.log10(ticks),
        ticktext=[f"{t:g}" for t in ticks], thickness=14))


def _edges(values):
    return [float(values[0]), float(values[-1])]


def _inner_ticks(values):
    """Three ticks inside the range of `values`, none at its ends: −0.5, 0, 0.5 over [−1, 1]."""
    return np.linspace(values[0], values[-1], 5)[1:-1].round(6).tolist()


def _single(values):
    """Hover values in float32: half the payload, every significant digit shown (rounding to
    4 decimals would print a loss of 3e-5 as 0)."""
    return np.asarray(values, dtype=np.float32)


def _log_loss(Z, cap):
    """log10 of the loss clipped to [FLOOR, cap] (inf and NaN as cap)."""
    return np.log10(np.clip(np.nan_to_num(Z, nan=cap, posinf=cap), FLOOR, cap))


PHONE_PANEL = 100   # px: a slice's height on a phone, where the four stand two by two (about as wide)


def contours(panels, cap):
    """The slices side by side, one subplot per network, one shared colour scale; the training
    path projected on each plane (hover: its true loss), θ* a star. No legend (the page names
    the red path and the black star), so the picture fits the first screen. Panels titled by the
    network's short name (the sizes are in the caption); on a phone two by two
    (theme.phone_grid), one row of four would leave each 40 px wide; when
    every β range is the same only the first panel numbers it, so no tick label reaches into
    the panel on its left, and α is ticked inside its range only (`_inner_ticks`), so that one
    panel's last α label never meets the next one's first."""
    lo, hi = shared_range(panels, cap)
    same = all(_edges(p["betas"]) == _edges(panels[0]["betas"]) for p in panels)
    fig = make_subplots(1, len(panels), subplot_titles=[theme.panel_title(p["net"], 7) for p in panels],
                        horizontal_spacing=0.03 if same else 0.07)
    for col, p in enumerate(panels, start=1):
        fig.add_trace(go.Contour(x=rounded(p["alphas"]), y=rounded(p["betas"]),
                                 z=rounded(_log_loss(p["Z"], cap)), coloraxis="coloraxis",
                                 ncontours=24, line=dict(width=0.5), name=p["net"],
                                 customdata=_single(p["Z"]),
                                 hovertemplate="α %{x:.2f}, β %{y:.2f}: loss %{customdata:.4g}<extra></extra>"),
                      1, col)
        _add_path(fig, p, col, show_legend=col == 1)
        fig.update_xaxes(title_text="α", range=_edges(p["alphas"]), tickvals=_inner_ticks(p["alphas"]),
                         row=1, col=col)
        fig.update_yaxes(range=_edges(p["betas"]), showticklabels=col == 1 or not same, row=1, col=col)
    fig.update_yaxes(title_text="β", row=1, col=1)
    fig.update_layout(coloraxis=_colour_axis(lo, hi, "loss (log scale)"), height=400,
                      showlegend=False, title=f"loss at θ* + α d₁ + β d₂ ({_method(panels)})",
                      margin=dict(t=80, b=50))
    fig = theme.apply(fig)
    phone = theme.phone_grid(fig, 2, PHONE_PANEL)
    for col, p in enumerate(panels, start=1):      # a phone's panel has room for two α ticks
        ticks = _inner_ticks(p["alphas"])
        phone["layout"][f"xaxis{col if col > 1 else ''}.tickvals"] = ticks[::2]
        phone["wide"][f"xaxis{col if col > 1 else ''}.tickvals"] = ticks
    return fig.update_layout(meta={"phone": phone})


def _method(panels):
    """How the planes were chosen, for the title."""
    if panels[0]["explained"] is None:
        return "random directions"
    return "PCA directions"


def _add_path(fig, p, col, show_legend):
    """θ*'s black star, then the training path over it, a dot at its start: on random directions
    the path's projection is shorter than the star, which would hide it; the dot shows it
    (experiments.landscape_papers.path_sentence)."""
    path = p["path"]
    start = [START_DOT] + [0] * (len(path) - 1)
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name="trained θ*", legendgroup="star",
                             showlegend=show_legend, marker=dict(color=STAR, size=14, symbol="star",
                                                                 line=dict(color="white", width=1.5)),
                             hovertemplate=f"θ*: loss {p['final_loss']:.4g}<extra></extra>"), 1, col)
    fig.add_trace(go.Scatter(x=rounded(path["alpha"]), y=rounded(path["beta"]), mode="lines+markers",
                             line=dict(color=PATH, width=3), marker=dict(size=start, color=PATH),
                             name="training path",
                             legendgroup="path", showlegend=show_legend,
                             customdata=np.column_stack([path["epoch"], _single(path["loss"])]),
                             hovertemplate="epoch %{customdata[0]}: true loss %{customdata[1]:.4g}"
                                           "<extra></extra>"), 1, col)


def surfaces(panels, cap):
    """Large rotatable 3-D surfaces (Li et al.'s pictures), one scene per network, the loss
    clipped at cap, coloured by height on one shared linear scale 0..cap; the path drawn at its
    true loss."""
    fig = make_subplots(1, len(panels), specs=[[{"type": "scene"}] * len(panels)],
                        subplot_titles=[f"{p['net']}<br><sup>{p['label']}</sup>" for p in panels],
                        horizontal_spacing=0.02)
    for col, p in enumerate(panels, start=1):
        Z = np.minimum(np.nan_to_num(p["Z"], nan=cap, posinf=cap), cap)
        fig.add_trace(go.Surface(x=rounded(p["alphas"]), y=rounded(p["betas"]), z=rounded(Z),
                                 coloraxis="coloraxis",
                                 name=p["net"], customdata=_single(p["Z"]),
                                 hovertemplate="α %{x:.2f}, β %{y:.2f}: loss %{customdata:.4g}"
                                               "<extra></extra>"), 1, col)
        path = p["path"]
        fig.add_trace(go.Scatter3d(x=rounded(path["alpha"]), y=rounded(path["beta"]),
                                   z=rounded(np.minimum(path["loss"], cap)), mode="lines",
                                   line=dict(color=PATH, width=6), name="training path (true loss)",
                                   legendgroup="path", showlegend=col == 1,
                                   hovertemplate="true loss %{z:.4g}<extra></extra>"), 1, col)
        fig.layout[f"scene{col if col > 1 else ''}"].update(
            xaxis_title="α", yaxis_title="β", zaxis=dict(title="loss", range=[0, 1.05 * cap]),
            camera=dict(eye=dict(x=1.45, y=-1.45, z=1.1)), aspectmode="manual",
            aspectratio=dict(x=1, y=1, z=0.8))
    fig.update_layout(coloraxis=dict(cmin=0, cmax=cap, colorscale=theme.SEQUENTIAL,
                                     colorbar=dict(title=dict(text="loss", side="right"), thickness=14)),
                      height=620, title=f"the same slices in 3-D (loss above {cap:g} cut off): drag to rotate",
                      margin=dict(l=10, r=0, t=90, b=10), legend=dict(orientation="h", y=0, x=0))
    return theme.apply(fig)


def sharp_flat_lines(lines):
    """L(θ* + t d) through the small-batch and the large-batch minimum, both on one axis."""
    fig = go.Figure()
    for run, line in lines.groupby("run", sort=False):
        fig.add_scatter(x=rounded(line["t"]), y=rounded(line["loss"]), mode="lines", name=run,
                        line_color=RUNS[run], hovertemplate="t = %{x:.2f}: loss %{y:.4g}<extra></extra>")
    fig.add_vline(x=0, line=dict(color=theme.GREY, dash="dot", width=1.5))
    fig.update_layout(title="loss along one filter-normalized direction through each minimum",
                      xaxis_title="t (distance along d, in units of the weights' own size)",
                      yaxis=dict(title="training loss", type="log", **log_ticks(lines["loss"])),
                      height=440,
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0),
                      margin=dict(b=110))   # the legend under the axis title, clear of the title
    return theme.apply(fig)


def sharp_flat_spread(runs):
    """Per seed (one dot each, the seed's two runs joined by a grey line): λ_max, the rise along
    the line at t = ±½, and the validation loss, small batch vs large batch (short panel titles,
    which fit a phone; the page's text says what λ_max and the line are)."""
    columns = (("lambda_max", "λ_max"), ("rise", "rise at t = ±½"), ("val_loss", "validation loss"))
    fig = make_subplots(1, 3, subplot_titles=[title for _, title in columns], horizontal_spacing=0.1)
    for col, (column, _) in enumerate(columns, start=1):
        for seed, pair in runs.groupby("seed"):
            fig.add_trace(go.Scatter(x=pair["run"], y=rounded(pair[column]), mode="lines",
                                     line=dict(color=theme.GREY, width=1), showlegend=False,
                                     hoverinfo="skip"), 1, col)
        for run, colour in RUNS.items():
            rows = runs[runs["run"] == run]
            fig.add_trace(go.Scatter(x=rows["run"], y=rounded(rows[column]), mode="markers",
                                     marker=dict(color=colour, size=11), name=run,
                                     showlegend=False, customdata=rows["seed"],
                                     hovertemplate="seed %{customdata}: %{y:.4g}<extra></extra>"), 1, col)
    fig.update_layout(height=400, title=f"over {runs['seed'].nunique()} seeds (one dot per run)")
    return theme.apply(fig)


def convexity(pairs, cap):
    """For each (slice panel, convexity map) pair, one row: the slice's contour beside the map of
    |λ_min/λ_max| (dark blue near 0: convex; yellow: strong negative curvature, non-convex).
    Slices share one colour scale, maps another (0 to 1, larger ratios drawn as 1), each colour
    bar lying under its own column (`_bar_under`), so that neither reaches into a panel at any
    width; α is named under the bottom row only, so a row's axis title never meets the
    subplot titles of the row below."""
    lo, hi = shared_range([p for p, _ in pairs], cap)
    titles = [t for p, _ in pairs for t in (f"{p['net']}: loss", f"{p['net']}: |λ_min/λ_max|")]
    fig = make_subplots(len(pairs), 2, subplot_titles=titles, horizontal_spacing=0.1,
                        vertical_spacing=0.12)
    for row, (p, m) in enumerate(pairs, start=1):
        fig.add_trace(go.Contour(x=rounded(p["alphas"]), y=rounded(p["betas"]),
                                 z=rounded(_log_loss(p["Z"], cap)), coloraxis="coloraxis",
                                 ncontours=24, line=dict(width=0.5), customdata=_single(p["Z"]),
                                 hovertemplate="α %{x:.2f}, β %{y:.2f}: loss %{customdata:.4g}<extra></extra>"),
                      row, 1)
        fig.add_trace(go.Heatmap(x=rounded(m["alphas"]), y=rounded(m["betas"]),
                                 z=rounded(np.minimum(m["ratio"], 1)), coloraxis="coloraxis2",
                                 customdata=np.stack([rounded(m["lam_min"]), rounded(m["lam_max"])], -1),
                                 hovertemplate="α %{x:.2f}, β %{y:.2f}: |λ_min/λ_max| %{z:.3f}"
                                               "<br>λ_min %{customdata[0]:.3g}, λ_max "
                                               "%{customdata[1]:.3g}<extra></extra>"), row, 2)
        for col in (1, 2):
            fig.update_xaxes(title=dict(text="α" if row == len(pairs) else None, standoff=5),
                             range=_edges(p["alphas"]), nticks=4, row=row, col=col)
            fig.update_yaxes(title_text="β", range=_edges(p["betas"]), row=row, col=col)
    ratio_axis = dict(cmin=0, cmax=1, colorscale=theme.SEQUENTIAL, colorbar=dict(
        title=dict(text="|λ_min/λ_max|"), thickness=14))
    fig.update_layout(coloraxis=_bar_under(_colour_axis(lo, hi, "loss (log scale)"), fig.layout.xaxis.domain),
                      coloraxis2=_bar_under(ratio_axis, fig.layout.xaxis2.domain),
                      height=360 * len(pairs) + 80 + BAR_ROOM, margin=dict(b=theme.X_AXIS_ROOM + BAR_ROOM),
                      title="where the slice is convex: the Hessian's eigenvalues at each point")
    return theme.apply(fig)


BAR_ROOM = 100   # px under the x-axis title: a horizontal colour bar, its title and tick labels
                 # (in presentation mode's larger font too)


def _bar_under(colour_axis, domain):
    """`colour_axis` (in place) with a horizontal colour bar at the bottom of the figure, as wide
    as the column `domain` (paper x) it colours, its title above it."""
    colour_axis["colorbar"].update(orientation="h", x=sum(domain) / 2, xanchor="center",
                                   len=domain[1] - domain[0], lenmode="fraction",
                                   yref="container", y=0, yanchor="bottom")
    colour_axis["colorbar"]["title"]["side"] = "top"
    return colour_axis
