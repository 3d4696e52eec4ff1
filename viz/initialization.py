"""Figures for the initialization lesson (frames and runs from experiments.initialization)."""
import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from experiments.initialization import LABELS, SHOWN_UNITS, identical
from viz import theme
from viz.playground import log_ticks

STYLE = {"zeros": (theme.GREY, "dot"), "constant": (theme.BLACK, "solid"),
         "normal": (theme.VERMILLION, "solid"), "uniform": (theme.VERMILLION, "dash"),
         "xavier_normal": (theme.BLUE, "solid"), "xavier_uniform": (theme.BLUE, "dash"),
         "he_normal": (theme.GREEN, "solid"), "he_uniform": (theme.GREEN, "dash"),
         "lecun_normal": (theme.PURPLE, "solid")}
QUANTITIES = {"activation": ("activations<br>a<sub>l</sub>", "value of a<sub>l</sub>"),   # short lines: a phone
              "gradient": ("gradients<br>δ<sub>l</sub> = ∂ℓ/∂z<sub>l</sub>", "value of δ<sub>l</sub>")}
PER_ROW = 5        # heat maps per row
NOTE_DEPTH = 110   # px from the plots' bottom edge to a note under them: clear of the x-axis titles, big too


def symmetry(runs):
    """One heat map per scheme: layer-1 units (rows) × examples (columns) after training.

    Identical rows mean identical units. Each map has its own colour range (±max |a|), so
    small activations still show their pattern; the title says identical or not.
    """
    names = list(runs)
    cols = min(len(names), PER_ROW)
    rows = -(-len(names) // cols)
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.03, vertical_spacing=0.16,
                        subplot_titles=[_symmetry_title(k, runs[k]) for k in names])
    for i, name in enumerate(names):
        a = runs[name]["probe"][:SHOWN_UNITS]
        top = (float(np.abs(a).max()) if np.isfinite(a).all() else 0.0) or 1.0   # all 0: any range
        last = i == len(names) - 1   # one colour bar, in units of each map's own range
        fig.add_heatmap(z=a, y=np.arange(1, len(a) + 1), colorscale=theme.DIVERGING, zmid=0,
                        zmin=-top, zmax=top, showscale=last, row=i // cols + 1,
                        colorbar=dict(title=dict(text="activation a, from −(largest |a|<br>of its map) to +",
                                                 side="bottom"), orientation="h", y=-0.04, yanchor="top",
                                      len=0.6, thickness=10, tickvals=[-top, 0, top], ticktext=["−", "0", "+"]),
                        col=i % cols + 1, hovertemplate="unit %{y}, example %{x}: a = %{z:.3g}"
                                                        "<extra>" + LABELS[name] + "</extra>")
    fig.update_xaxes(showticklabels=False, showline=False, ticks="")
    fig.update_yaxes(showticklabels=False, showline=False, ticks="", autorange="reversed")
    fig.update_yaxes(title_text="unit", row=1, col=1)
    fig.update_layout(height=250 + 200 * rows, margin=dict(t=110, b=90),   # the colour bar's title under it
                      title=dict(text="Layer 1 after training",
                                 subtitle_text="one row per hidden unit, one column per example"))
    return theme.apply(fig)


def _symmetry_title(name, run):
    verdict = "identical" if identical(run) else f"differ ≤ {run['max_difference'][0]:.2g}"
    return f"{theme.panel_title(LABELS[name], 8)}<br><sup>{verdict}</sup>"


def histograms(frame, scheme):
    """Two panels, one line per hidden layer (light = first, dark = deepest, every second layer
    dashed so that neighbours differ without colour too): the distribution of activations and
    of gradients at initialization."""
    layers = sorted(frame["layer"].unique())
    colours = sample_colorscale(theme.SEQUENTIAL, np.linspace(0.9, 0.0, len(layers)))
    fig = make_subplots(cols=2, horizontal_spacing=0.1,
                        subplot_titles=[title for title, _ in QUANTITIES.values()])
    for col, quantity in enumerate(QUANTITIES, start=1):
        part = frame[frame["quantity"] == quantity]
        for i, (layer, colour) in enumerate(zip(layers, colours)):
            rows = part[part["layer"] == layer]
            fig.add_scatter(x=rows["value"], y=rows["fraction"], mode="lines", name=str(layer),
                            line=dict(color=colour, width=2.5, dash="dash" if i % 2 else "solid"),
                            legendgroup=str(layer),
                            showlegend=col == 1, row=1, col=col,
                            hovertemplate=f"layer {layer}: %{{y:.1%}} near %{{x:.3g}}<extra></extra>")
        fig.update_xaxes(title_text=QUANTITIES[quantity][1], row=1, col=col)
    fig.update_yaxes(tickformat=".0%")
    fig.update_yaxes(title_text="fraction of values", row=1, col=1)
    fig.update_layout(height=440, title=dict(text=f"{LABELS[scheme]} at initialization",
                                             subtitle_text="layer by layer"),
                      legend=dict(title="hidden layer"))
    return theme.apply(theme.legend_below(fig, rows=2))   # up to 10 layers: two rows on a phone


def spread(frame):
    """Std of activations and gradients per layer, one line per scheme, log scale.

    A scheme whose values are all exactly 0 cannot be drawn on a log axis: a note says so. An
    axis over at most two decades is ticked at 1, 2 and 5 × 10ᵏ (log_ticks), not Plotly's lone
    digits; the right panel's numbers and title stand on its right (a phone's gap between the
    panels has no room for them).
    """
    fig = make_subplots(cols=2, horizontal_spacing=0.08, subplot_titles=(
        "activations<br>std(a<sub>l</sub>)", "gradients<br>std(δ<sub>l</sub>)"))
    for col, quantity in enumerate(QUANTITIES, start=1):
        for scheme, rows in frame[frame["quantity"] == quantity].groupby("scheme", sort=False):
            colour, dash = STYLE[scheme]
            drawn = rows[rows["std"] > 0]
            fig.add_scatter(x=drawn["layer"], y=drawn["std"], mode="lines+markers", name=LABELS[scheme],
                            line=dict(color=colour, dash=dash), legendgroup=scheme,
                            showlegend=col == 1, row=1, col=col,
                            hovertemplate="layer %{x}: std %{y:.3g}<extra>" + LABELS[scheme] + "</extra>")
        fig.update_xaxes(title_text="layer l", dtick=1, row=1, col=col)   # short: two side by side on a phone
        positive = frame.loc[(frame["quantity"] == quantity) & (frame["std"] > 0), "std"]
        few = len(positive) and np.log10(positive.max() / positive.min()) <= 2
        fig.update_yaxes(type="log", exponentformat="power", row=1, col=col,
                         **(log_ticks(positive) if few else {}))
    fig.update_yaxes(title_text="std", row=1)   # log_axis adds "(log scale)"
    fig.update_yaxes(side="right", row=1, col=2)
    zero = [LABELS[k] for k, rows in frame.groupby("scheme", sort=False) if not rows["std"].any()]
    if zero:
        fig.add_annotation(text=f"{', '.join(zero)}: every value is exactly 0,<br>which a log axis "
                                "cannot show", xref="paper", yref="paper", x=0, y=0, yshift=-NOTE_DEPTH,
                           yanchor="top", xanchor="left", showarrow=False, font_color=theme.GREY)
        fig.update_layout(margin_b=NOTE_DEPTH + 45)   # the note under the axis titles
    fig.update_layout(height=540, legend_title=dict(text="scheme", side="top"))
    return theme.apply(theme.legend_above(fig, rows=_legend_rows(fig) + 1))   # + the titles' 2nd line


def _legend_rows(fig):
    """The rows the legend (its title on top) of `fig` wraps into on a phone."""
    return theme.phone_rows([t.name for t in fig.data if t.showlegend is not False], titled=True)


def training(frame, diverged):
    """Training loss per epoch for each scheme (log scale); a diverged run ends in a ✕ with
    "diverged at step k"."""
    fig = go.Figure()
    for scheme, rows in frame.groupby("scheme", sort=False):
        colour, dash = STYLE[scheme]
        fig.add_scatter(x=rows["epoch"], y=rows["loss"], mode="lines", name=LABELS[scheme],
                        line=dict(color=colour, dash=dash, width=7 if scheme == "zeros" else None),
                        legendgroup=scheme,
                        hovertemplate="epoch %{x}: loss %{y:.3g}<extra>" + LABELS[scheme] + "</extra>")
        if diverged.get(scheme) is not None:
            last = rows.iloc[-1]
            fig.add_scatter(x=[last["epoch"]], y=[last["loss"]], mode="markers+text",
                            marker=dict(symbol="x", size=16, color=colour), showlegend=False,
                            text=[f"diverged at step {diverged[scheme]}"], textposition="bottom right",
                            textfont_color=colour, legendgroup=scheme, hoverinfo="skip")
    fig.update_layout(height=490, title=dict(text="Training loss", subtitle_text="same data and optimizer for every scheme"),
                      xaxis_title="epoch", yaxis=dict(title="training loss (log scale)", type="log"),
                      legend_title=dict(text="scheme", side="top"))
    return theme.apply(theme.legend_below(fig, rows=_legend_rows(fig)))
