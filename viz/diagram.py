"""The network diagram of the Playground, in the spirit of TensorFlow Playground's: one column
per layer, each drawn unit a small heat map of its output over the input plane, and a line per
weight between drawn units, coloured by its sign and wider for a larger |w|.

Input: experiments.playground.diagram's dict. `add` puts the diagram on the subplot x2/y2 of
a figure and returns the updates of every moving trace per frame, so that one slider and one
Play button animate it together with the big map (viz.playground).

Colours follow viz.theme.DIVERGING (RdBu_r, as the digits lesson's weights): a unit's map is
red where its output is positive, blue where negative, white at 0, each map on its own
symmetric scale ±max|a| of that frame; a weight's line is POSITIVE red or NEGATIVE blue. The
lines come in LEVELS widths, one path per sign and width (not one per weight: the default
draws 96), the width level growing with |w| / the largest drawn |w| of the whole run, so
widths compare across layers and epochs.
"""
import numpy as np
import plotly.graph_objects as go

from viz import theme

POSITIVE, NEGATIVE = "#B2182B", "#2166AC"   # RdBu's red and blue
LEVELS = 6
WIDTHS = np.linspace(0.5, 4.5, LEVELS)       # line width per level, pixels
COLUMN, ROW = 2.6, 1.25                      # pitch of columns and rows; a map is 1 × 1
SPREAD = 2                                    # a short column's rows at most this many ROWs apart
FLOOR = 1e-6                                  # colour scale of a map that is 0 everywhere
AXES = dict(xaxis="x2", yaxis="y2")
HEADER = 1.4 * theme.SMALL[True]             # px from the widths' line up to "hidden layers"
HEADROOM = 3.5   # units over the squares for the two header lines (about 55 px when the diagram is short)
PER_CHARACTER = 0.5   # units beside the squares per character of an input's or output's name


def add(fig, diagram, inputs, outputs, colours=None):
    """Draw the diagram at its last frame on fig's x2/y2 (domain set by the caller) and return
    (moving trace indices, per frame the list of their updates, per frame its layout update:
    the edges). `inputs` and `outputs` name the input features and the output units;
    `colours`, if given, mark each output's name with a dot of its colour (a class's)."""
    shown, maps, weights = diagram["shown"], diagram["maps"], diagram["weights"]
    places = node_places(shown)
    reference = max(FLOOR, max(float(np.abs(w).max()) for w in weights))
    first = len(fig.data) + shown[0]                      # the input maps do not move
    names = unit_names(shown, inputs, outputs)
    fig.add_traces([unit_map(m[-1, i], place, name) for m, layer, column in zip(maps, places, names)
                    for i, (place, name) in enumerate(zip(layer, column))])
    frames = [[{"type": "heatmap", **map_update(m[k, i])} for m in maps[1:]
               for i in range(m.shape[1])] for k in range(len(maps[0]))]
    layouts = [{"shapes": edges([w[k] for w in weights], places, reference)}
               for k in range(len(maps[0]))]
    fig.update_layout(layouts[-1])
    marks = [f"<span style='color:{c}'>●</span> " for c in colours] if colours else [""] * len(outputs)
    _label(fig, diagram, places, inputs, [m + name for m, name in zip(marks, outputs)])
    _axes(fig, places, max(map(len, inputs)), max(map(len, outputs)) + 2 * bool(colours))
    return list(range(first, len(fig.data))), frames, layouts


def describe(diagram, regression):
    """The caption under the diagram: how to read it, with the colours and what is left out.
    (Maps of data with one input, the sine's, are strips along x.)"""
    shown, sizes = diagram["shown"], diagram["sizes"]
    where = ("along x, left to right as under the curve" if len(diagram["grid"]) == 1
             else "over the same plane as the big map")
    outputs = "the predicted value" if regression else "each class's logit (before softmax)"
    marks = dict.fromkeys((k, n) for k, n in zip(shown[1:-1], sizes[1:-1]) if k < n)
    left_out = "".join(f" A column marked {k}/{n} shows the first {k} of its {n} neurons, with "
                       "the weights between drawn units." for k, n in marks)
    return ("The network: each square is one unit's output " + where + ": the input features, "
            "every hidden neuron after its activation, and " + outputs + ". Red where it is "
            "positive, blue where negative, white at 0, each square on its own scale. The lines "
            "are the weights: red positive, blue negative, thicker for a larger |w| (six widths, "
            "one scale for every layer and epoch)." + left_out + " The slider, ▶ Play, Step and "
            "Reset move the network and the big picture together; click a square to see it large "
            "in the big picture's place, and click it again to go back.")


def node_places(shown):
    """(left, bottom) of every drawn unit's 1 × 1 square: column l at x = l · COLUMN, units
    from the top down, each column centred on y = 0; a column of n units, the tallest of N,
    has rows min(SPREAD, max(1, (N − 1) / (n − 1))) · ROW apart, so that the few inputs and
    outputs, whose names stand beside them, spread over the height of the hidden layers."""
    tallest = max(shown)
    pitches = [ROW * min(SPREAD, max(1, (tallest - 1) / (n - 1))) if n > 1 else ROW for n in shown]
    return [[(l * COLUMN, ((n - 1) / 2 - i) * pitch - 0.5) for i in range(n)]
            for l, (n, pitch) in enumerate(zip(shown, pitches))]


def unit_names(shown, inputs, outputs):
    """Per layer, the names of its drawn units: the inputs', "hidden layer l, neuron i", the
    outputs'."""
    hidden = [[f"hidden layer {l}, neuron {i + 1}" for i in range(n)]
              for l, n in enumerate(shown[1:-1], start=1)]
    return [list(inputs), *hidden, list(outputs)]


def unit_map(z, place, name):
    """One unit's map as a heat map filling its square (a 1-row map, of one input, as a strip);
    hovering names it (`name`, also its meta, which lab/enlarge.py shows when it is clicked)."""
    (left, bottom), (rows, cols) = place, z.shape
    return go.Heatmap(x0=left + 0.5 / cols, dx=1 / cols, y0=bottom + 0.5 / rows, dy=1 / rows,
                      colorscale=theme.DIVERGING, showscale=False, meta=name, name=name,
                      hovertemplate=f"{name}: click to see it large<extra></extra>",
                      zsmooth="best", **map_update(z), **AXES)


def map_update(z):
    """A unit map's frame: its values (float32, as recorded) on the symmetric scale ±max|z|."""
    limit = max(FLOOR, float(np.abs(z).max()))
    return {"z": np.asarray(z, dtype=np.float32), "zmin": -limit, "zmax": limit}


def width_level(w, reference):
    """0 .. LEVELS - 1, non-decreasing in |w|: floor(|w| / reference · LEVELS), capped."""
    return np.minimum((np.abs(w) / reference * LEVELS).astype(int), LEVELS - 1)


def edges(weights, places, reference):
    """The weights as layout shapes: one path per sign and width level that has lines, each
    line from a unit's right side to the next layer's unit's left side. Layout shapes, not
    scatter traces: plotly.js blanks every heat map while it plays frames that move a scatter
    trace with redraw (the transition path, plotly.js #4491's cousin)."""
    paths = {}
    for W, sources, targets in zip(weights, places, places[1:]):
        levels = width_level(W, reference)
        for i, (x0, y0) in enumerate(sources):
            for j, (x1, y1) in enumerate(targets):
                key = (W[i, j] >= 0, int(levels[i, j]))
                line = f"M{x0 + 1:.4g},{y0 + 0.5:.4g}L{x1:.4g},{y1 + 0.5:.4g}"
                paths[key] = paths.get(key, "") + line
    return [dict(type="path", path=path, layer="below", xref="x2", yref="y2",
                 line=dict(color=POSITIVE if positive else NEGATIVE, width=WIDTHS[level]))
            for (positive, level), path in sorted(paths.items())]


def _label(fig, diagram, places, inputs, outputs):
    """Above the columns: "inputs", the hidden layers' widths ("8/16" where the first 8 of 16
    are drawn) under one "hidden layers" title, "outputs"; the names of inputs and outputs."""
    sizes, shown = diagram["sizes"], diagram["shown"]
    top = max(bottom for layer in places for _, bottom in layer) + 1.15
    widths = [str(n) if k == n else f"{k}/{n}" for n, k in zip(sizes[1:-1], shown[1:-1])]
    notes = [dict(x=layer[0][0] + 0.5, y=top, yanchor="bottom", text=text)
             for text, layer in zip(["inputs", *widths, "outputs"], places)]
    if len(places) > 2:
        middle = (places[1][0][0] + places[-2][0][0]) / 2 + 0.5
        hidden = len(places) - 2
        notes.append(dict(x=middle, y=top, yanchor="bottom", yshift=HEADER,
                          text=f"{hidden} hidden layer{'s' if hidden > 1 else ''}"))
    for names, layer, side in ((inputs, places[0], "right"), (outputs, places[-1], "left")):
        notes += [dict(x=left - 0.12 if side == "right" else left + 1.12, y=bottom + 0.5,
                       text=name, xanchor=side) for name, (left, bottom) in zip(names, layer)]
    fig.update_layout(annotations=[*fig.layout.annotations, *(
        theme.label(**note, showarrow=False, xref="x2", yref="y2") for note in notes)])


def _axes(fig, places, before, after):
    """Hidden axes spanning the squares and their labels, filling the diagram's part of the
    figure whatever its shape (no equal units: a short window keeps the diagram's full width,
    so that its labels, whose size is in pixels, keep apart); room for names of `before` and
    `after` characters left of the inputs and right of the outputs (PER_CHARACTER each), so that
    they stay out of the map's axis beside the diagram."""
    right = max(left for layer in places for left, _ in layer) + 1
    top = max(bottom for layer in places for _, bottom in layer) + 1
    fig.update_layout(xaxis2=dict(visible=False, range=[-_side(before), right + _side(after)],
                                  fixedrange=True),
                      yaxis2=dict(visible=False, range=[-top - 0.1, top + HEADROOM], fixedrange=True))


def _side(characters):
    """Units beside a column for its names of `characters` characters: 0.4 + PER_CHARACTER each."""
    return 0.4 + PER_CHARACTER * characters
