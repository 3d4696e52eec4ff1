"""Figures for the descent lesson: the race over the contour map, loss vs step, momentum's rate map."""

import numpy as np
import plotly.graph_objects as go

from experiments.frames import frame_steps
from nnlib import optim
from viz import raster, theme
from viz.animation import SPEEDS, animate, rounded

# one fixed colour per optimizer; Adam, in the default race, is green: amber would vanish on
# the map's pale yellow
COLOURS = dict(zip(optim.OPTIMIZERS, (theme.BLUE, theme.VERMILLION, theme.ORANGE, theme.GREEN,
                                      theme.SKY, theme.PURPLE, theme.BLACK)))
ROUTE_WIDTH = 2.5   # px: a route stays readable on the map, on a projector too
# the same colours as a colour scale over the optimizers' indices (numbers validate fast)
INDEX_SCALE = [[i / (len(COLOURS) - 1), c] for i, c in enumerate(COLOURS.values())]
TRAIL = 10            # each moving dot shows at least this many of its last steps


def colour(name):
    return COLOURS.get(name, theme.GREY)


def race(runs, grid, surf, verdicts, arrows=True, speed="normal"):
    """The contour map (a background image) with the legend above it, headed by the title (one
    block, so a legend that wraps on a phone cannot run into the title), and, animated, each
    optimizer's route so far (ROUTE_WIDTH; none of it is drawn ahead of the frame, so the end is
    not given away before Play), a dot per optimizer with its last steps as small dots;
    optionally arrows at the dots for the steepest-descent direction −∇f and the step actually
    taken (the velocity).

    The map is an image under the axes, not a contour trace: plotly.js blanks contour and
    heatmap traces on Play even when the frames leave them alone (plotly.js #4491); an image
    stays. runs: tidy frame of experiments.descent.race; grid: (xs, ys, z) of contour_grid
    over the surface's limits; surf: experiments.descent.surface (label, limits, minima);
    verdicts: experiments.descent.verdicts.
    """
    xs, ys, z = grid
    fig = raster.add_map(go.Figure(), xs, ys, z, lighten=0.65, hover=10.0 ** z,
                         colorbar=dict(title=dict(text="log₁₀(f − f*)", side="right")))
    mins = np.array(surf.minima)
    fig.add_scatter(x=mins[:, 0], y=mins[:, 1], mode="markers+text", name="minimum", showlegend=False,
                    text=["minimum"] * len(mins), textposition="bottom center",
                    marker=dict(symbol="star", size=16, color="white",
                                line=dict(width=1.5, color=theme.BLACK)),
                    hovertemplate="minimum (%{x:.3g}, %{y:.3g})<extra></extra>")
    groups = list(runs.groupby("optimizer", sort=False))
    x0, y0 = groups[0][1][["x", "y"]].iloc[0]
    fig.add_scatter(x=[x0], y=[y0], mode="markers+text", name="start", showlegend=False,
                    text=["start"], textposition="top center", cliponaxis=False, marker=dict(
                        symbol="circle-open", size=18, color=theme.BLACK, line=dict(width=3)))
    steps = frame_steps(int(runs["step"].max()))
    kept = _route_points(steps, len(groups))
    movers = []
    for name, run in groups:
        movers.append(len(fig.data))
        fig.add_scatter(mode="lines", name=run["label"].iloc[0], legendgroup=name, opacity=0.85,
                        line=dict(color=colour(name), width=ROUTE_WIDTH),
                        hovertemplate="(%{x:.3g}, %{y:.3g})<extra></extra>",
                        **_route(run, kept, steps[0]))
    marks = _divergence_marks(fig, groups, verdicts, surf)
    movers += [i for i, _ in marks]
    stride = steps[-1] / max(len(steps) - 1, 1)          # steps between two frames
    trail = max(TRAIL, 2 * int(np.ceil(stride)))
    names = [name for name, _ in groups]
    xy = [run[["x", "y"]].to_numpy() for _, run in groups]
    slope = [-run[["gx", "gy"]].to_numpy() for _, run in groups]
    fig.add_scatter(mode="markers", showlegend=False, hoverinfo="skip",
                    **_racers(names, xy, steps[0], trail))
    movers.append(len(fig.data) - 1)
    if arrows:
        for label, dash, kind in (("−∇f, steepest descent", "dot", "grad"),   # short: a phone
                                  ("step taken", "solid", "step")):  # wraps the legend
            fig.add_scatter(mode="lines+markers", name=label, hoverinfo="skip",
                            line=dict(color=theme.BLACK, dash=dash, width=2.5),
                            **_arrows(xy, slope, steps[0], kind))
        movers += [len(fig.data) - 2, len(fig.data) - 1]
    frames = [[_route(run, kept, k) for _, run in groups] + [mark(k) for _, mark in marks]
              + [_racers(names, xy, k, trail)]
              + ([_arrows(xy, slope, k, kind) for kind in ("grad", "step")] if arrows else [])
              for k in steps]
    animate(fig, frames, traces=movers, labels=steps, duration=SPEEDS[speed])
    fig.update_layout(
        height=760, legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0,
                                title=dict(text=f"{surf.label}: the race", side="top")),
        xaxis=dict(range=list(surf.xlim), title="x", showgrid=False, zeroline=False,
                   constrain="domain"),
        yaxis=dict(range=list(surf.ylim), title="y", showgrid=False, zeroline=False,
                   scaleanchor="x", constrain="domain"),
        margin=dict(t=20, l=50, r=10))   # the map as wide as a phone allows
    return theme.apply(fig)


ROUTE_BUDGET = 35_000   # route points over all frames and optimizers: the payload stays small


def _route_points(steps, n_routes):
    """The steps a route is drawn through: every frame's step, or every m-th of them when
    n_routes routes growing over len(steps) frames would pass ROUTE_BUDGET points."""
    m = max(1, int(np.ceil(n_routes * len(steps) ** 2 / 2 / ROUTE_BUDGET)))
    return steps[::m]


def _route(run, kept, k):
    """The route so far at step k: the kept steps up to k, then step k itself. Routes grow as
    the animation plays, so the figure does not show where a race ends before Play."""
    upto = np.r_[kept[kept < k], k]
    rows = run.iloc[upto]
    return dict(x=rounded(rows["x"]), y=rounded(rows["y"]))


def _racers(names, xy, k, length):
    """The one moving trace at step k: per optimizer (paths xy[i] of shape (T, 2)), its last
    `length` positions as small dots (their spacing shows the step size) and a big dot now."""
    parts = [path[max(0, k - length):k + 1] for path in xy]
    sizes = np.concatenate([np.r_[np.full(len(p) - 1, 6), 16] for p in parts])
    index = np.concatenate([np.full(len(p), list(COLOURS).index(n)) for n, p in zip(names, parts)])
    points = rounded(np.concatenate(parts))
    return dict(x=points[:, 0], y=points[:, 1], marker=dict(
        size=sizes, color=index, colorscale=INDEX_SCALE, cmin=0, cmax=len(COLOURS) - 1,
        line=dict(width=1, color="white")))


def _arrows(xy, slope, k, kind):
    """Arrow segments from each dot at step k: the step θ_{k+1} − θ_k ("step"), or −∇f
    scaled to that step's length ("grad"), so the two directions compare at a glance."""
    xs, ys = [], []
    for path, down in zip(xy, slope):
        here = path[k]
        step = path[min(k + 1, len(path) - 1)] - here
        length = np.hypot(*step)
        if not np.isfinite(length) or length == 0 or not np.any(down[k]):
            continue
        d = step if kind == "step" else down[k] / np.hypot(*down[k]) * length
        xs += [here[0], here[0] + d[0], np.nan]       # NaN: a gap between two arrows
        ys += [here[1], here[1] + d[1], np.nan]
    sizes = np.tile([0, 13, 0], len(xs) // 3)
    return dict(x=rounded(xs), y=rounded(ys),
                marker=dict(size=sizes, symbol="arrow", angleref="previous", color=theme.BLACK))


def _divergence_marks(fig, groups, verdicts, surf):
    """An ✕ with a sentence where each diverged run left the map, shown from the frame of its
    divergence on. Returns [(trace index, step k -> the trace's frame data)]."""
    gone = verdicts.set_index("optimizer")
    (x0, x1), (y0, y1) = surf.xlim, surf.ylim
    marks = []
    for name, run in groups:
        if gone.loc[name, "verdict"] != "diverged":
            continue
        inside = run[(run["x"].between(x0, x1)) & (run["y"].between(y0, y1))]
        last = inside.iloc[-1] if len(inside) else run.iloc[0]
        step = int(gone.loc[name, "step"])
        point = dict(x=[last["x"]], y=[last["y"]],
                     text=[f"✕ {run['label'].iloc[0]} diverged at step {step}"])
        marks.append((len(fig.data), lambda k, point=point, step=step:
                       point if k >= step else dict(x=[], y=[], text=[])))
        fig.add_scatter(mode="markers+text", showlegend=False, x=[], y=[], text=[],
                        textposition="top right", textfont=dict(color=theme.VERMILLION, size=15),
                        marker=dict(symbol="x", size=20, color=colour(name),
                                    line=dict(width=2, color="white")),
                        hovertemplate=f"{run['label'].iloc[0]} left the map here<extra></extra>")
    return marks


def loss_curves(runs, verdicts, close):
    """f − f* against the step on a log axis, one line per optimizer; a dotted line at `close`
    (below it a run counts as converged); a diverged run ends in an ✕ with its step."""
    fig = go.Figure()
    floor = 1e-16
    gone = verdicts.set_index("optimizer")
    for name, run in runs.groupby("optimizer", sort=False):
        gap = np.maximum(run["gap"].to_numpy(), floor)
        fig.add_scatter(x=run["step"], y=gap, mode="lines", name=run["label"].iloc[0],
                        line_color=colour(name),
                        hovertemplate="step %{x}: f − f* = %{y:.3g}<extra></extra>")
        if gone.loc[name, "verdict"] == "diverged":
            seen = run[np.isfinite(run["gap"])]
            last = seen.iloc[-1]
            fig.add_scatter(x=[last["step"]], y=[max(last["gap"], floor)], mode="markers+text",
                            showlegend=False, marker=dict(symbol="x", size=16, color=colour(name)),
                            text=[f"diverged at step {int(gone.loc[name, 'step'])}"],
                            textposition="middle right", textfont_color=colour(name))
    fig.add_hline(y=close, line=dict(color=theme.GREY, dash="dot", width=2),
                  annotation=dict(text=f"converged below {close:g}", xanchor="right", x=1,
                                  yanchor="top", font_color=theme.GREY))
    fig.update_layout(title="loss above the minimum, f − f* (log scale)", height=420,
                      xaxis_title="step",
                      yaxis=dict(type="log", title="f − f*", exponentformat="power"),
                      legend=dict(orientation="h", y=-0.3))
    return theme.apply(fig)


def rate_map(alphas, betas, rates, best, marks):
    """Momentum's convergence rate over the learning rate η (log) and momentum β: darker is faster;
    grey where the rate is >= 1 (above 1 the run diverges; at exactly 1 it bounces for ever).
    marks: list of (label, alpha, beta, colour, symbol) for the learner's settings; best: best_rates()."""
    safe = np.where(rates < 1, rates, np.nan)
    fig = go.Figure(go.Heatmap(
        x=rounded(alphas), y=rounded(betas), z=rounded(safe, 4), zmax=1,
        zmin=np.floor(best["hb_rate"] * 10) / 10,      # the interesting range: best rate .. 1
        colorscale=theme.SEQUENTIAL,
        colorbar=dict(title=dict(text="rate per step", side="right"), thickness=14),
        hovertemplate="α = %{x:.3g}, β = %{y:.2f}: rate %{z:.4f}<extra></extra>"))
    diverges = np.where(rates >= 1, 1.0, np.nan).astype(np.float32)
    fig.add_heatmap(x=rounded(alphas), y=rounded(betas), z=diverges,
                    colorscale=[[0, "#D0D0D0"], [1, "#D0D0D0"]], showscale=False, name="diverges",
                    hovertemplate="α = %{x:.3g}, β = %{y:.2f}: diverges<extra></extra>")
    fig.add_annotation(text="rate > 1: diverges<br>rate = 1: bounces for ever", x=np.log10(alphas[-1]),
                       y=0.5, xanchor="right",
                       showarrow=False, font=dict(color=theme.BLACK), bgcolor="rgba(255,255,255,0.7)")
    points = [("best plain GD", best["gd_alpha"], 0.0, theme.BLACK, "diamond"),
              ("best momentum", best["hb_alpha"], best["hb_beta"], theme.BLACK, "star")] + list(marks)
    for label, a, b, col, symbol in points:
        fig.add_scatter(x=[a], y=[b], mode="markers", name=label, cliponaxis=False,
                        marker=dict(symbol=symbol, size=17, color=col,
                                    line=dict(width=2, color="white")),
                        hovertemplate=f"{label}: η = %{{x:.3g}}, β = %{{y:.2f}}<extra></extra>")
    fig.update_layout(title=dict(text=f"rate per step (κ = {best['kappa']:g})",
                                 subtitle_text="heavy-ball momentum on the quadratic"), height=460,
                      xaxis=dict(type="log", title="learning rate η (log scale)",
                                 exponentformat="power", dtick=1),   # 10ᵏ only: a phone has no room for 2, 5
                      yaxis=dict(title="momentum β", range=[-0.02, 1.0]))
    return theme.apply(theme.legend_below(fig, rows=theme.phone_rows([p[0] for p in points])))
