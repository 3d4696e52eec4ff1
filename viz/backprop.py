"""Figures for the backpropagation lesson: the network as a graph at one stage, the loss along the step.

The graph draws layer l at x = l (inputs at 0) and the loss node to the right of the outputs.
The current stage's nodes and edges are vermillion, the rest grey; labels appear as the passes
reach them: forward values in blue above the nodes, gradients in green below the nodes and under
the weights on the edges.
"""
import numpy as np
import plotly.graph_objects as go

from experiments.backprop import LOSS, step_words, unit_name
from viz import animation, theme

NOW, VALUE, GRAD = theme.VERMILLION, theme.BLUE, theme.GREEN
IDLE, DONE = "#BDBDBD", "#D6E6F2"     # grey edges/untouched nodes, light blue for computed nodes
NODE_SIZE = 58
ALONG = 0.6          # where a weight's label sits along its edge (0 = source, 1 = target)
STEPS = ("◀ Back", "Next ▶")   # the stepper's buttons; lab/keyboard.py's script moves the slider
CONTROLS_Y, MARGIN_B = -0.1, 150   # the buttons and the slider under the key
KEY = dict(xref="paper", yref="paper", x=0, y=-0.02, yanchor="top", showarrow=False,
           text=f"<span style='color:{NOW}'><b>■ this step</b></span>   "
                f"<span style='color:{VALUE}'><b>forward values</b></span> above the nodes   "
                f"<span style='color:{GRAD}'><b>gradients ∂L/∂·</b></span> below them and on the edges")


def graph(walk, index):
    """The network at stage `index` of walk["stages"] (from experiments.backprop.walk)."""
    traces, layout = _picture(walk, index)
    fig = go.Figure(traces)
    fig.update_layout(layout)
    fig.update_layout(_frame(walk["sizes"]))
    return theme.apply(fig)


def stepper(walk, index=0):
    """Every stage of the pass in one figure, stepped in the browser: the graph at stage `index`,
    one frame per stage (its highlighted nodes and edges, its labels, its title and the step in
    words) and a slider; ◀ Back and Next ▶ move the slider one stage (lab/keyboard.py's script
    turns their clicks into slider steps, as its ← → keys do)."""
    fig = graph(walk, index)
    pictures = [_picture(walk, k) for k in range(len(walk["stages"]))]
    animation.animate(fig, [traces for traces, _ in pictures], traces=[0, 1, 2],
                      labels=range(1, len(pictures) + 1), prefix="step ", redraw=True, active=index,
                      y=CONTROLS_Y, layouts=[layout for _, layout in pictures])
    fig.update_layout(margin=dict(b=MARGIN_B), updatemenus=[dict(
        type="buttons", direction="left", x=0.0, y=CONTROLS_Y, xanchor="left", yanchor="top",
        pad=dict(t=10, r=10), showactive=False,
        buttons=[dict(label=label, method="skip", args=[]) for label in STEPS])])
    fig.layout.sliders[0].update(x=0.22, len=0.78)
    return theme.apply(fig)


def step_line(line, lr, loss_before, loss_after):
    """The loss at θ − η' ∂L/∂θ against η', with the learner's η marked: a too-large η overshoots."""
    up = loss_after > loss_before
    fig = go.Figure(go.Scatter(x=line["eta"], y=line["loss"], mode="lines", line_color=theme.BLACK,
                               name="loss after a step of size η'",
                               hovertemplate="η' = %{x:.3g}: L = %{y:.4g}<extra></extra>"))
    fig.add_scatter(x=[0], y=[loss_before], mode="markers", marker=dict(color=VALUE, size=14),
                    name="before", hovertemplate="before: L = %{y:.4g}<extra></extra>")
    fig.add_scatter(x=[lr], y=[loss_after], mode="markers+text", name="after",
                    marker=dict(color=NOW if up else GRAD, size=16, symbol="diamond"),
                    text=[f"your η = {lr:g}: L = {loss_after:.3g}"], textposition="top center",
                    hovertemplate="after: L = %{y:.4g}<extra></extra>")
    fig.add_hline(y=loss_before, line=dict(color=VALUE, dash="dot", width=2))
    fig.update_layout(title="loss after one step θ − η' ∂L/∂θ", xaxis_title="step size η'",
                      yaxis_title="loss L", height=420, legend=dict(orientation="h", y=-0.3))
    return theme.apply(fig)


# ---- graph parts --------------------------------------------------------------------------

def _positions(sizes):
    """(x, y) of every node: layer l at x = l, units top to bottom around y = 0; the loss node last."""
    where = {(l, j): (l, (n - 1) / 2 - j) for l, n in enumerate(sizes) for j in range(n)}
    where[LOSS] = (len(sizes) - 1 + 0.85, 0.0)
    where.update({("output", k): where[len(sizes) - 1, k] for k in range(sizes[-1])})
    return where


def _edges(sizes):
    """Every edge id: (l, i, j) between layers, then (LOSS, k) from output k to the loss."""
    weights = [(l, i, j) for l in range(1, len(sizes)) for i in range(sizes[l - 1]) for j in range(sizes[l])]
    return weights + [(LOSS, k) for k in range(sizes[-1])]


def _ends(edge, where):
    """The (x, y) of an edge's two ends; a loss edge (LOSS, k) starts at output unit k."""
    if edge[0] == LOSS:
        return where["output", edge[1]], where[LOSS]
    l, i, j = edge
    return where[(l - 1, i)], where[(l, j)]


def _lines(edges, where, axis):
    """x (axis 0) or y (axis 1) of line segments, separated by None."""
    out = []
    for e in edges:
        a, b = _ends(e, where)
        out += [a[axis], b[axis], None]
    return out


def _revealed(stages):
    """{(kind, element): text} of the labels shown so far; a later stage's label replaces an earlier one."""
    return {(kind, element): text for s in stages for kind, element, text in s["reveals"]}


def _picture(walk, index):
    """The graph at one stage as plain dicts: its three traces (grey edges, highlighted edges,
    nodes) and its layout update (title and every label)."""
    stages, sizes = walk["stages"], walk["sizes"]
    stage = stages[index]
    where = _positions(sizes)
    labels = _revealed(stages[:index + 1])
    edges = _edges(sizes)
    traces = []
    for lit, colour, width in ((False, IDLE, 2), (True, NOW, 7)):
        chosen = [e for e in edges if (e in stage["edges"]) == lit]
        traces.append(dict(type="scatter", x=_lines(chosen, where, 0), y=_lines(chosen, where, 1),
                           mode="lines", line=dict(color=colour, width=width), hoverinfo="skip",
                           name="highlighted edges" if lit else "edges"))
    traces.append(_nodes(sizes, stage, labels, where))
    heading = "Update" if stage["phase"] == "update" else f"{stage['phase'].capitalize()} pass"
    words = dict(xref="paper", yref="paper", x=0, y=1.0, yanchor="bottom", xanchor="left",
                 showarrow=False, align="left",
                 text=f"<b>This step:</b> {step_words(stage, sizes)}")
    annotations = (_edge_labels(walk, stage, labels, where) + _node_labels(sizes, labels, where)
                   + [words, KEY])
    return traces, dict(title=dict(text=f"{heading} · step {index + 1} of {len(stages)}: {stage['title']}"),
                        annotations=annotations)


def _frame(sizes):
    """The layout every stage shares: the height for the widest layer, hidden axes."""
    return dict(height=240 + 170 * max(sizes), showlegend=False, margin=dict(l=20, r=20, t=100, b=50),
                xaxis=dict(visible=False, range=[-0.45, len(sizes) + 0.3]),
                yaxis=dict(visible=False, range=[-max(sizes) / 2 - 0.05, max(sizes) / 2 + 0.05]))


def _edge_labels(walk, stage, labels, where):
    """One label per weight, 60% of the way along its edge, on white so lines do not cross it.

    It reads w = value, then ∂L/∂w once the backward pass has reached the edge, then
    old → new at the update. At 60% the labels of one layer sit at distinct heights.
    """
    out = []
    for l, W in enumerate(walk["weights"], 1):
        for i, j in np.ndindex(W.shape):
            edge = (l, i, j)
            (x0, y0), (x1, y1) = _ends(edge, where)
            text = (f"w {W[i, j]:.3g} → {labels['new', edge]}" if ("new", edge) in labels
                    else labels.get(("grad", edge), f"w = {W[i, j]:.3g}"))
            lit = edge in stage["edges"]
            colour = NOW if lit else GRAD if ("grad", edge) in labels else "#555555"
            out.append(dict(x=x0 + ALONG * (x1 - x0), y=y0 + ALONG * (y1 - y0), showarrow=False,
                            text=f"<b>{text}</b>" if lit else text, font=dict(color=colour),
                            bgcolor="rgba(255,255,255,0.9)", borderpad=1,
                            hovertext=_edge_hover(W[i, j], edge, labels)))
    return out


def _edge_hover(w, edge, labels):
    return "<br>".join([f"w = {w:.4g}"] + [labels[k, edge] for k in ("grad", "new") if (k, edge) in labels])


def _nodes(sizes, stage, labels, where):
    """Circles named x₁, h₁, o₁, L, filled vermillion now, light blue once computed."""
    nodes = [n for n in where if n[0] != "output"]
    fills = [NOW if n in stage["nodes"] else DONE if ("value", n) in labels else "white" for n in nodes]
    return dict(
        type="scatter", x=[where[n][0] for n in nodes], y=[where[n][1] for n in nodes],
        mode="markers+text", text=[f"<b>{_name(n, sizes)}</b>" for n in nodes],
        textposition="middle center",
        textfont=dict(color=["white" if f == NOW else theme.BLACK for f in fills], size=18),
        marker=dict(size=NODE_SIZE, color=fills, line=dict(color=theme.BLACK, width=2)),
        hovertext=[_hover(n, labels) for n in nodes], hoverinfo="text", name="nodes")


def _node_labels(sizes, labels, where):
    """Forward values above the nodes, gradients below them, on white; one label per node and
    kind in every stage, hidden until revealed, so that a frame changes each label in place
    (plotly.js merges a frame's annotations into the shown ones index by index)."""
    nodes = [n for n in where if n[0] != "output"]
    return [dict(x=where[n][0], y=where[n][1], text=f"<b>{labels[kind, n]}</b>" if (kind, n) in labels else "",
                 visible=(kind, n) in labels, showarrow=False, font=dict(color=colour),
                 yshift=shift * (NODE_SIZE / 2 + 2), yanchor="bottom" if shift > 0 else "top",
                 bgcolor="rgba(255,255,255,0.9)", borderpad=1)
            for kind, colour, shift in (("value", VALUE, 1), ("grad", GRAD, -1)) for n in nodes]


def _name(node, sizes):
    return "L" if node == LOSS else unit_name(*node, sizes)


def _hover(node, labels):
    return "<br>".join(labels[k, node] for k in ("value", "grad") if (k, node) in labels) or "not computed yet"
