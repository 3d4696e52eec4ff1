"""The Playground's network diagram (viz.diagram) draws nnlib's own numbers: every unit's map is
exactly MLP.trace's activation of that unit on the diagram's grid, for the parameters of that
frame; every drawn weight is a line coloured by its sign whose width grows with |w|; and the
default figure, as the browser receives it, stays under 2 MB."""
import json
import re
from functools import lru_cache

import numpy as np
import pytest

from experiments import playground as exp
from nnlib import data
from nnlib.model import MLP
from tests.helpers import values
from viz import diagram
from viz import playground as draw

SETTINGS = {"default": {}, "three hidden layers": {"hidden": (16, 16, 16)}}
SEGMENT = re.compile(r"M([-\d.e]+),([-\d.e]+)L([-\d.e]+),([-\d.e]+)")


@lru_cache(maxsize=None)
def run(name):
    """(run settings, result, the figure's JSON as st.plotly_chart sends it)."""
    result = exp.run(**SETTINGS[name])
    return SETTINGS[name], result, draw.training(result).to_json()


@pytest.fixture(scope="module", params=list(SETTINGS))
def drawn(request):
    """(run settings, result, the figure as the browser gets it: JSON decoded)."""
    changes, result, payload = run(request.param)
    return changes, result, json.loads(payload)


def network(changes, state=None):
    """The run's MLP (default settings of exp.run), loaded with `state` if given."""
    hidden = changes.get("hidden", (16, 16))
    model = MLP([2, *hidden, 2], activation="relu", init="he_normal", seed=0)
    if state is not None:
        model.load_state_dict(state)
    return model


def nnlib_maps(model, grid):
    """MLP.trace's activations of every drawn unit on the diagram's grid, layer by layer,
    each as a float32 (rows, cols) map: the numbers the diagram should show."""
    gx, gy = grid
    points = np.column_stack([g.ravel() for g in np.meshgrid(gx, gy)])
    a = model.trace(data.add_features(points, ("x", "y")), np.zeros(len(points), int))["a"]
    return [[layer[:, i].astype(np.float32).reshape(len(gy), len(gx))
             for i in range(min(layer.shape[1], exp.DIAGRAM_UNITS))] for layer in a]


def unit_maps(fig, frame=None):
    """The z of every unit map (heat maps on x2), in trace order; `frame`: as that frame has
    them (the input maps do not move: from the figure's data)."""
    on_x2 = [t for t in fig["data"] if t["type"] == "heatmap" and t.get("xaxis") == "x2"]
    maps = [values(t["z"]) for t in on_x2]
    if frame is not None:
        moving = [u for u in fig["frames"][frame]["data"][1:] if u.get("type") == "heatmap"]
        maps = maps[:len(maps) - len(moving)] + [values(u["z"]) for u in moving]
    return maps


@pytest.mark.parametrize("frame", [0, -1], ids=["first frame", "last frame"])
def test_every_unit_map_is_nnlibs_activation_of_that_unit(drawn, frame):
    changes, result, fig = drawn
    model = network(changes, None if frame == 0 else result["state"])
    assert result["epochs"][0] == 0            # frame 0: the initial weights of MLP(..., seed=0)
    expected = [m for layer in nnlib_maps(model, result["diagram"]["grid"]) for m in layer]
    shown = unit_maps(fig, frame)
    assert len(shown) == len(expected) == 2 + 8 * len(changes.get("hidden", (16, 16))) + 2
    for i, (got, want) in enumerate(zip(shown, expected)):
        assert got.dtype == np.float32 and np.array_equal(got, want), f"unit map {i}"
    if frame == -1:                                        # the figure opens on the last frame
        assert all(np.array_equal(a, b) for a, b in zip(unit_maps(fig), shown))


def edges(shapes, places):
    """{(layer, i, j): (colour, width)} for every line of the shapes, matched to its units."""
    lines = {}
    for shape in shapes:
        for x0, y0, x1, y1 in SEGMENT.findall(shape["path"]):
            for l, (sources, targets) in enumerate(zip(places, places[1:])):
                for i, (left, bottom) in enumerate(sources):
                    for j, (left1, bottom1) in enumerate(targets):
                        if np.allclose([float(x0), float(y0), float(x1), float(y1)],
                                       [left + 1, bottom + 0.5, left1, bottom1 + 0.5], atol=1e-3):
                            assert (l, i, j) not in lines, "one line per weight"
                            lines[(l, i, j)] = (shape["line"]["color"], shape["line"]["width"])
    return lines


@pytest.mark.parametrize("frame", [0, -1], ids=["first frame", "last frame"])
def test_each_weight_is_one_line_coloured_by_its_sign_and_wider_for_a_larger_w(drawn, frame):
    changes, result, fig = drawn
    d = result["diagram"]
    lines = edges(fig["frames"][frame]["layout"]["shapes"], diagram.node_places(d["shown"]))
    model = network(changes, None if frame == 0 else result["state"])
    weights = {(l, i, j): W[i, j] for l, (W, _) in enumerate(model.layers)
               for i in range(d["shown"][l]) for j in range(d["shown"][l + 1])}
    assert lines.keys() == weights.keys()
    assert all(np.float32(weights[key]) == d["weights"][key[0]][frame][key[1:]] for key in weights)
    for key, (colour, _) in lines.items():
        assert colour == (diagram.POSITIVE if weights[key] >= 0 else diagram.NEGATIVE)
    widths = [lines[key][1] for key in sorted(weights, key=lambda k: abs(weights[k]))]
    assert widths == sorted(widths) and len(set(widths)) >= 3    # monotone, and not all alike


def test_width_levels_grow_with_w_from_the_thinnest_to_the_widest():
    reference = 2.0
    w = np.array([0.0, -0.1, 0.5, -0.9, 1.2, -1.99, 2.0, -5.0])
    levels = diagram.width_level(w, reference)
    assert levels.tolist() == sorted(levels.tolist()) and levels[0] == 0
    assert levels[-2:].tolist() == [diagram.LEVELS - 1] * 2              # |w| ≥ reference: widest
    assert np.all(np.diff(diagram.WIDTHS) > 0)


def test_the_default_figure_stays_under_2_mb_and_has_30_frames():
    _, _, payload = run("default")
    frames = len(json.loads(payload)["frames"])
    print(f"\ndefault playground figure: {len(payload):,} bytes, {frames} frames")
    assert len(payload) < 2_000_000 and frames == 30


def test_frames_shrink_with_the_network_as_the_docstring_says():
    assert exp.frame_count([2, 16, 16, 2], one_d=False) == 30
    assert exp.frame_count([7, *[64] * 6, 6], one_d=False) == 12
    assert exp.frame_count([2, 2], one_d=False) == exp.MAX_FRAMES


def test_the_caption_names_the_colours_and_what_is_left_out(drawn):
    changes, result, _ = drawn
    text = diagram.describe(result["diagram"], regression=False)
    assert "red positive, blue negative" in text
    assert "A column marked 8/16 shows the first 8 of its 16 neurons" in text
    narrow = exp.run(hidden=(4,), epochs=2)["diagram"]
    assert "first" not in diagram.describe(narrow, regression=False)


def test_regression_draws_each_unit_as_a_strip_along_x():
    result = exp.run(problem="regression", noise=0.1, activation="tanh", init="xavier_uniform",
                     lr=0.01, epochs=20)
    maps = result["diagram"]["maps"]
    assert [m.shape[1:] for m in maps] == [(1, 1, 16), (8, 1, 16), (8, 1, 16), (1, 1, 16)]
    fig = json.loads(draw.training(result).to_json())
    assert len(unit_maps(fig)) == 18 and fig["data"][2]["name"] == "network"
    assert "along x" in diagram.describe(result["diagram"], regression=True)


def test_regression_over_the_plane_draws_each_unit_as_a_square_map():
    result = exp.run(problem="regression", dataset="plane", hidden=(8,), epochs=5)
    maps = result["diagram"]["maps"]
    assert [m.shape[1:] for m in maps] == [(2, 16, 16), (8, 16, 16), (1, 16, 16)]
    assert "over the same plane" in diagram.describe(result["diagram"], regression=True)
