"""Figures for the softmax and cross-entropy lesson (frames from experiments.softmax)."""
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from experiments import words
from viz import theme

LOSS_CAP = 8.0   # the -log p curve is drawn up to here; a larger loss is marked at the top


def one_example(frame, loss, label):
    """Three panels: probabilities p (true class highlighted), the curve −log p, gradient p − y.
    The bars lie flat, one row per class (the first on top), so that names stay level on a
    phone's 70 px panels, where upright bars' names would turn sideways: the probabilities' rows
    are named on the left with their logit z, the gradient's bars at their ends (their values are
    on the axis, in the hover and in words)."""
    fig = make_subplots(cols=3, horizontal_spacing=0.07, subplot_titles=(
        "probabilities<br>p = softmax(z)", f"loss −log p<sub>k</sub><br>= {loss:.4g}",
        "gradient<br>∂loss/∂z = p − y"))
    colours = [theme.VERMILLION if i == label else theme.BLUE for i in range(len(frame))]
    names = [f"{c}<br>z = {words.num(z)}" for c, z in zip(frame["class"], frame["logit"])]
    fig.add_bar(y=names, x=frame["p"], orientation="h", marker_color=colours, text=_short(frame["p"]),
                textposition="outside", cliponaxis=False, customdata=frame["logit"], col=1, row=1,
                hovertemplate="p = %{x:.4g}, logit %{customdata:.4g}<extra></extra>")
    p = np.linspace(1e-3, 1, 400)
    fig.add_scatter(x=p, y=-np.log(p), mode="lines", line_color=theme.BLACK, col=2, row=1,
                    hovertemplate="p = %{x:.3f}: loss %{y:.3f}<extra></extra>")
    p_k = frame["p"].iloc[label]
    fig.add_scatter(x=[p_k], y=[min(loss, LOSS_CAP)], mode="markers+text", col=2, row=1, cliponaxis=False,
                    marker=dict(color=theme.VERMILLION, size=16,
                                symbol="triangle-up" if loss > LOSS_CAP else "circle"),
                    text=["p<sub>k</sub>"], textposition=_beside(p_k, min(loss, LOSS_CAP)))
    fig.add_bar(y=frame["class"], x=frame["grad"], orientation="h", marker_color=colours, col=3, row=1,
                text=frame["class"], textposition="outside", cliponaxis=False,
                hovertemplate="%{y}: %{x:.4g}<extra></extra>")
    fig.update_yaxes(autorange="reversed", col=1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, ticks="", col=3)
    fig.update_xaxes(range=[0, 1.5], tickvals=[0, 1], col=1)   # room for the values
    fig.update_yaxes(range=[0, LOSS_CAP + 0.5], col=2)
    value = "≈ 0" if p_k < 0.005 else f"= {p_k:.2f}"   # its value under the narrow panel, not beside the point
    fig.update_xaxes(range=[0, 1.02], tickvals=[0, 0.5, 1], col=2,
                     title_text=f"true class's probability p<sub>k</sub> {value}")   # one line: more room for the rows
    fig.update_xaxes(range=[-1.7, 1.7], tickvals=[-1, 0, 1], ticktext=["−1", "0", "1"], col=3)
    fig.update_layout(showlegend=False, height=440, bargap=0.3)
    return theme.apply(fig)


def _beside(p_k, loss):
    """Where the p_k label goes beside its marker on the loss curve: towards the wider side of
    the panel (right of a small p_k), above the point unless it is near the top."""
    return f"{'bottom' if loss > 0.8 * LOSS_CAP else 'top'} {'right' if p_k < 0.5 else 'left'}"


def batch(frame, full, in_batch_mean):
    """Per-example losses (the batch solid, the rest pale) with L and L(B) as horizontal lines."""
    colours = [theme.ORANGE if b else "#C9DDEB" for b in frame["in_batch"]]
    names = [f"{e}<br>{c}" for e, c in zip(frame["example"], frame["true_class"])]   # level on a phone
    fig = go.Figure(go.Bar(x=names, y=frame["loss"], marker_color=colours, text=_short(frame["loss"]),
                           textposition="outside", hovertemplate="loss %{y:.4g}<extra></extra>",
                           showlegend=False))
    for value, name, colour, dash in ((full, "L, all 8", theme.BLACK, "solid"),
                                      (in_batch_mean, "L(B), the batch", theme.VERMILLION, "dash")):
        fig.add_scatter(x=names, y=[value] * len(names), mode="lines", name=f"{name} = {value:.3g}",
                        line=dict(color=colour, dash=dash, shape="hvh"), hoverinfo="name")
    top = max(frame["loss"].max(), full, in_batch_mean)
    fig.update_layout(title="per-example loss −log p<sub>k</sub> (batch in orange)", height=480,
                      xaxis_title="example (1 is yours) and its class", showlegend=True,
                      yaxis=dict(title="loss", range=[0, min(top, 1e6) * 1.25 + 0.1]))
    return theme.apply(theme.legend_below(fig, rows=theme.phone_rows([t.name for t in fig.data[1:]])))


def entropy_split(frame, stats):
    """Left: p and q side by side. Right: H(p) + KL(p || q) stacked next to H(p, q)."""
    fig = make_subplots(cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.08,
                        subplot_titles=("two distributions", "cross-entropy<br>= entropy + KL"))
    for name, colour in (("p", theme.BLUE), ("q", theme.ORANGE)):
        fig.add_bar(x=frame["outcome"].astype(str), y=frame[name], name=name, marker_color=colour,
                    text=_short(frame[name]), textposition="outside", row=1, col=1)
    left, right = "H(p)<br>+ KL", "H(p, q)"   # short: level under a phone's 100 px panel
    h, kl, ce = stats["entropy"], stats["kl"], stats["cross_entropy"]
    for x, y, base, name, colour in ((left, h, 0, "H(p) entropy", theme.GREEN),
                                     (left, kl, h, "KL(p‖q)", theme.PURPLE),
                                     (right, ce, 0, "H(p, q) cross-entropy", theme.VERMILLION)):
        fig.add_bar(x=[x], y=[y], base=[base], name=name, marker_color=colour, offsetgroup="split",
                    text=[f"{y:.3f}"], textposition="inside", insidetextanchor="middle",
                    row=1, col=2)
    fig.update_layout(height=480, yaxis=dict(range=[0, 1.15], title="probability"),
                      yaxis2=dict(title="nats", rangemode="tozero", side="right"))   # clear of the gap
    return theme.apply(theme.legend_below(fig, rows=theme.phone_rows([t.name for t in fig.data])))


def _short(values):
    """Bar labels to 2 decimals with a real minus ("−0.77"); a value that rounds to 0 but is not
    0 reads "≈ 0" (never "1.2e-05")."""
    return [f"{v:.2f}".replace("-", "−") if abs(v) >= 0.005 or v == 0 else "≈ 0" for v in values]
