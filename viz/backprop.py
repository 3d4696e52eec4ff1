"""Figures for the backpropagation lesson: the network as a graph at one stage, the loss along the step.

The graph draws layer l at x = l (inputs at 0) and the loss node to the right of the outputs.
The current stage's nodes and edges are vermillion, the rest grey; nodes computed so far are
light blue. The labels are the numbers the stage works with: forward values in blue above its
nodes, gradients in green below them, and on its edges the weights (∂L/∂w at the step that
computes it, the new weight at the update); every number so far is in the nodes' hover text.
"""
import numpy as np
import plotly.graph_objects as go

from experiments.backprop import LOSS, step_words, unit_name
from viz import animation, theme

NOW, VALUE, GRAD = theme.VERMILLION, theme.BLUE, theme.GREEN
IDLE, DONE = "#BDBDBD", "#D6E6F2"     # grey edges/untouched nodes, light blue for computed nodes
NODE_SIZE = 42
# Where along its edge (0 at the source) ∂L/∂w stands: clear of the target's ∂L/∂z below it,
# which a wide ∂L/∂w label halfway touches on a 1280×720 projector
GRAD_ALONG = 0.45
HEADROOM = 0.3      # rows above the top unit and below the bottom one, for their labels
STEPS = ("◀ Back", "Next ▶")   # the stepper's buttons; lab/keyboard.py's script moves the slider
KEY_ROOM, MARGIN_B = 34, 112   # px: the key's line under the graph, then the buttons and the slider
# The key and the step in words stand centred: a phone draws annotations at 70 % about their
# centre (lab/page.py), which would push a left-anchored line past the right edge.
KEY = dict(xref="paper", yref="paper", x=0.5, y=0, xanchor="center", yanchor="top", yshift=-2,
           showarrow=False,
           text=f"<span style='color:{NOW}'><b>■ this step</b></span>   "    # short: a phone's width
                f"<span style='color:{VALUE}'><b>forward values</b></span> above   "
                f"<span style='color:{GRAD}'><b>gradients ∂L/∂·</b></span> below")
# Characters per line of the step in words: two lines fit a phone; in presentation mode (never
# a phone) one line in the labels' font, which leaves the graph ~35 px more on a 1280×720 projector.
STEP_LINE = {False: 46, True: 100}
# px over the graph: the title and the step in words (two lines; presentation mode: one), projector size
TOP = {False: 125, True: 92}


def graph(walk, index, big=False):
    """The network at stage `index` of walk["stages"] (from experiments.backprop.walk), its step
    in words laid out for presentation mode if `big`."""
    traces, layout = _picture(walk, index, big)
    fig = go.Figure(traces)
    fig.update_layout(layout)
    fig.update_layout(_frame(walk["sizes"], big))
    return theme.apply(fig)


def stepper(walk, index=0, big=False):
    """Every stage of the pass in one figure, stepped in the browser: the graph at stage `index`,
    one frame per stage (its highlighted nodes and edges, its labels, its title and the step in
    words) and a slider; ◀ Back and Next ▶ move the slider one stage (lab/keyboard.py's script
    turns their clicks into slider steps, as its ← → keys do). `big`: for presentation mode."""
    fig = graph(walk, index, big)
    pictures = [_picture(walk, k, big) for k in range(len(walk["stages"]))]
    animation.animate(fig, [traces for traces, _ in pictures], traces=[0, 1, 2],
                      labels=range(1, len(pictures) + 1), prefix="step ", redraw=True, active=index,
                      layouts=[layout for _, layout in pictures])
    fig.update_layout(margin=dict(b=MARGIN_B), updatemenus=[dict(
        type="buttons", direction="left", x=0.0, y=0, xanchor="left", yanchor="top",
        pad=dict(t=KEY_ROOM, r=10), showactive=False,
        buttons=[dict(label=label, method="skip", args=[]) for label in STEPS])])
    fig.layout.sliders[0].update(x=0.22, len=0.78, pad=dict(t=KEY_ROOM),
                                 currentvalue_visible=False)   # the title says "step k of n"
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


def _picture(walk, index, big=False):
    """The graph at one stage as plain dicts: its three traces (grey edges, highlighted edges,
    nodes) and its layout update (title and every label; `big`: the step in words on one line
    in the labels' font, STEP_LINE)."""
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
    words = dict(xref="paper", yref="paper", x=0.5, y=1.0, yanchor="bottom", xanchor="center",
                 showarrow=False, align="center",
                 text=f"<b>This step:</b> {theme.panel_title(step_words(stage, sizes), STEP_LINE[big])}")
    words = theme.label(**words) if big else words
    annotations = (_edge_labels(walk, stage, labels, where) + _node_labels(sizes, stage, labels, where)
                   + [words, KEY])
    return traces, dict(title=dict(text=f"{heading} · step {index + 1} of {len(stages)}: {stage['title']}"),
                        annotations=annotations)


def _frame(sizes, big=False):
    """The layout every stage shares: the height for the widest layer, hidden axes (0.65 of a
    gap left of the inputs for their values: a projector's labels in the update's columns need
    the rest of the width), room at the top for the longest step in words (TOP: a frame's words
    may take a line more than the first stage's, which theme.headroom measures)."""
    return dict(height=240 + 170 * max(sizes), showlegend=False, margin=dict(l=20, r=20, t=TOP[big], b=50),
                xaxis=dict(visible=False, range=[-0.65, len(sizes) + 0.45]),
                yaxis=dict(visible=False, range=[-max(sizes) / 2 - HEADROOM, max(sizes) / 2 + HEADROOM]))


def _edge_labels(walk, stage, labels, where):
    """One label per weight, shown on this step's edges only (the others are hidden, so the
    labels that a step needs never meet the rest): w = value, ∂L/∂w at the step that computes
    it, → the new value at the update; on white, halfway along the edge (a step's edges leave
    one unit or meet at one, so their middles are apart), ∂L/∂w a little nearer the source
    (GRAD_ALONG), at the update (every edge) in columns (`_along`)."""
    out = []
    for l, W in enumerate(walk["weights"], 1):
        for i, j in np.ndindex(W.shape):
            edge = (l, i, j)
            (x0, y0), (x1, y1) = _ends(edge, where)
            t = (_along(edge, walk["sizes"]) if stage["phase"] == "update"
                 else GRAD_ALONG if stage["quantity"][0] == "dW" else 0.5)
            out.append(theme.label(
                x=x0 + t * (x1 - x0), y=y0 + t * (y1 - y0), showarrow=False,
                text=_edge_text(W[i, j], edge, stage, labels), visible=edge in stage["edges"],
                font=dict(color=NOW),
                bgcolor="rgba(255,255,255,0.9)", borderpad=1,
                hovertext=_edge_hover(W[i, j], edge, labels)))
    return out


def _edge_text(w, edge, stage, labels):
    """The number a step uses on one of its edges, in bold: the new weight at the update,
    ∂L/∂w at its own step, else the weight; "" on an edge it does not use."""
    if edge not in stage["edges"]:
        return ""
    if stage["phase"] == "update":
        return f"<b>→ {labels['new', edge]}</b>"
    return f"<b>{labels['grad', edge] if stage['quantity'][0] == 'dW' else f'w = {w:.3g}'}</b>"


def _along(edge, sizes):
    """Where the label of edge (l, i, j) sits along it (0 at the source, 1 at the target).

    With every edge labelled, the labels of a gap between two layers stand in columns, one per
    unit of its smaller side: per source unit from 0.4 to 0.72 of the way (the edges leaving a
    unit spread apart as they go), or per target unit from 0.3 to 0.6 (the edges into a unit
    meet at it), so that the labels of one column are at least 0.4 rows apart, two columns 0.3
    apart or more and none at a unit.
    """
    l, i, j = edge
    sources, targets = sizes[l - 1], sizes[l]
    if sources <= targets:
        return 0.4 + 0.32 * i / max(sources - 1, 1)
    return 0.3 + 0.3 * j / max(targets - 1, 1)


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
        textfont=dict(color=["white" if f == NOW else theme.BLACK for f in fills], size=16),
        marker=dict(size=NODE_SIZE, color=fills, line=dict(color=theme.BLACK, width=2)),
        hovertext=[_hover(n, labels) for n in nodes], hoverinfo="text", name="nodes")


def _node_labels(sizes, stage, labels, where):
    """Forward values above the nodes, gradients below them, on white, where the step works
    (`_uses`): one label per node and kind in every stage, hidden unless shown, so that a frame
    changes each label in place (plotly.js merges a frame's annotations into the shown ones
    index by index). Every number so far is in the nodes' hover text."""
    nodes = [n for n in where if n[0] != "output"]
    uses = _uses(stage, sizes)
    return [theme.label(x=where[n][0], y=where[n][1], showarrow=False, font=dict(color=colour),
                        text=f"<b>{_needed(labels[kind, n], n, stage, kind)}</b>" if (kind, n) in labels else "",
                        visible=(kind, n) in labels and n in uses[kind], **_place(n, kind == "value"),
                        bgcolor="rgba(255,255,255,0.9)", borderpad=1)
            for kind, colour in (("value", VALUE), ("grad", GRAD)) for n in nodes]


def _needed(text, node, stage, kind):
    """The part of a node's label ("z = 0.3, a = 0.3") that the step uses: the activation a of a
    node whose weight the step multiplies (the source of one of its edges), the target's ∂L/∂z at
    ∂L/∂w = ∂L/∂z · a, else the whole label. Short labels stay clear of the weights' labels
    halfway along the edges at the node."""
    if kind == "value" and node in {(e[0] - 1, e[1]) for e in stage["edges"] if e[0] != LOSS}:
        symbol = "a = "
    elif kind == "grad" and stage["quantity"][0] == "dW":
        symbol = "∂L/∂z = "
    else:
        return text
    return ", ".join(part for part in text.split(", ") if part.startswith(symbol)) or text


def _uses(stage, sizes):
    """{"value": nodes, "grad": nodes} whose labels a step shows: the forward pass the values at
    its nodes and the ends of its edges; the backward pass the gradients there, and the values
    it multiplies by: a for ∂L/∂w = ∂L/∂z · a (the edge's source), z or p for ∂L/∂z (the unit's
    own); the update the loss."""
    if stage["phase"] == "update":
        return {"value": {LOSS}, "grad": set()}
    near = set(stage["nodes"]) | set(_edge_ends(stage["edges"], sizes))
    if stage["phase"] == "forward":
        return {"value": near, "grad": set()}
    name = stage["quantity"][0]
    values = ({(e[0] - 1, e[1]) for e in stage["edges"]} if name == "dW"
              else set(stage["nodes"]) if name == "dz" else set())
    return {"value": values, "grad": near}


def _place(node, above):
    """Where a node's label sits, in pixels from its centre: just above or below it; an input's
    value left of it (the inputs' column is left free for them: the units of a short window
    stand too close for a line between them)."""
    if node[0] == 0:
        return dict(xshift=-(NODE_SIZE / 2 + 4), xanchor="right")
    return dict(yshift=(NODE_SIZE / 2 + 2) * (1 if above else -1), yanchor="bottom" if above else "top")


def _edge_ends(edges, sizes):
    """The nodes at the ends of `edges`: (l − 1, i) and (l, j) of a weight, output k and the loss."""
    ends = []
    for e in edges:
        ends += [(len(sizes) - 1, e[1]), LOSS] if e[0] == LOSS else [(e[0] - 1, e[1]), (e[0], e[2])]
    return ends


def _name(node, sizes):
    return "L" if node == LOSS else unit_name(*node, sizes)


def _hover(node, labels):
    return "<br>".join(labels[k, node] for k in ("value", "grad") if (k, node) in labels) or "not computed yet"
