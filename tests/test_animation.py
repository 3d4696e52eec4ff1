"""Fast animation frames: the figure JSON the browser receives is the one the go.Frame path gave.

viz.animation.frame_dicts builds each frame as a plain dict with its arrays already encoded as
plotly.js typed arrays, so Plotly validates it once. `go_frames` below is the path it replaced
(go.Frame objects, validated when built and again when set on the figure): every animated
figure builder, and a set of awkward frame contents, must give the same figure either way.
"""
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from experiments import descent, landscape, playground, regularization, traps
from viz import animation
from viz import descent as draw_descent
from viz import landscape as draw_landscape
from viz import playground as draw_playground
from viz import regularization as draw_regularization
from viz import traps as draw_traps


def go_frames(frames, traces, names):
    """The old path: one go.Frame per frame (validated here, and again by fig.frames = ...)."""
    return [go.Frame(data=data, traces=list(traces), name=name) for data, name in zip(frames, names)]


def assert_same_figure(build, monkeypatch):
    """build() gives the same figure JSON (what st.plotly_chart sends: to_dict, then JSON)
    through the go.Frame path and through frame_dicts."""
    with monkeypatch.context() as patch:
        patch.setattr(animation, "frame_dicts", go_frames)
        old = build()
    new = build()
    assert len(new.frames) == len(old.frames) > 1
    old, new = json.loads(old.to_json()), json.loads(new.to_json())
    assert new == old, first_difference(new, old)


def first_difference(a, b, path=""):
    """Where two JSON values first differ, for the failure message."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        keys = sorted(set(a) | set(b))
        return next((d for k in keys for d in [f"{path}.{k} missing on one side"
                     if k not in a or k not in b else first_difference(a[k], b[k], f"{path}.{k}")]
                     if d), None)
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} != {len(b)} items"
        return next((d for i, (x, y) in enumerate(zip(a, b))
                     for d in [first_difference(x, y, f"{path}[{i}]")] if d), None)
    return None if a == b else f"{path}: {str(a)[:60]!r} != {str(b)[:60]!r}"


@pytest.fixture(scope="module")
def results():
    return {
        "descent": descent.race("valley", 100.0, descent.OPTIMIZERS,
                                tuple(0.01 for _ in descent.OPTIMIZERS), 0.9, "constant", 1000),
        "traps": traps.animation(batch_size=4, lr=0.17, steps=200, seed=0),
        "regularization": regularization.run(seed=9),
        "playground": playground.run(),
        "sine": playground.run(problem="regression", noise=0.1, activation="tanh",
                               init="xavier_uniform", lr=0.01, epochs=50),
        "gaussians": playground.run(problem="regression", dataset="gaussians", hidden=(8,),
                                    epochs=20),
        "landscape": landscape.explore(),
    }


BUILDERS = {
    "descent race": lambda r: draw_descent.race(
        r["descent"], descent.contour_grid("valley", 100.0), descent.surface("valley", 100.0),
        descent.verdicts(r["descent"], surface_name="valley", kappa=100.0)),
    "descent race without arrows": lambda r: draw_descent.race(
        r["descent"], descent.contour_grid("valley", 100.0), descent.surface("valley", 100.0),
        descent.verdicts(r["descent"], surface_name="valley", kappa=100.0), arrows=False, speed="fast"),
    "traps race": lambda r: draw_traps.race(traps.curve(), *r["traps"]),
    "regularization boundaries": lambda r: draw_regularization.boundaries(r["regularization"], "kept"),
    "playground regions": lambda r: draw_playground.training(r["playground"]),
    "playground regression curve": lambda r: draw_playground.training(r["sine"]),
    "playground regression map": lambda r: draw_playground.training(r["gaussians"]),
    "landscape map": lambda r: draw_landscape.surface(r["landscape"]),
    "landscape 3-D": lambda r: draw_landscape.surface(r["landscape"], three_d=True),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", BUILDERS)
def test_every_animated_builder_sends_the_same_figure(results, name, monkeypatch):
    assert_same_figure(lambda: BUILDERS[name](results), monkeypatch)


def test_awkward_frame_contents_give_the_same_figure(monkeypatch):
    rng = np.random.default_rng(0)
    z = rng.random((7, 5))
    xs, ys, x3 = rng.random(5), rng.random(5), rng.random(5).astype(np.float32)

    def build():
        fig = go.Figure([go.Heatmap(z=z), go.Scatter(x=[0], y=[0]), go.Scatter3d(x=[0], y=[0], z=[0])])
        frames = [[go.Heatmap(z=np.round(z * k, 2).astype(np.float32)),          # a trace object
                   dict(x=xs[:k], y=pd.Series(ys[:k]),              # float64, Series
                        marker=dict(color=np.arange(k), size=np.full(k, 6.0)),    # ints, nested
                        text=[f"step {i}" for i in range(k)], customdata=np.empty(0)),
                   dict(type="scatter3d", x=x3[:k],
                        y=np.arange(k, dtype=np.int64) * 10**6, z=list(range(k)),
                        line=dict(color="#0072B2", width=3))]
                  for k in range(1, 6)]
        return animation.animate(fig, frames, traces=[0, 1, 2], labels=range(5), redraw=True)

    assert_same_figure(build, monkeypatch)


def test_arrays_in_frames_become_typed_arrays_before_validation():
    (frame,) = animation.frame_dicts([[dict(x=np.arange(3, dtype=np.float32),
                                            y=np.ones((2, 2)), name="a")]], [0], ["0"])
    x, y = frame["data"][0]["x"], frame["data"][0]["y"]
    assert x["dtype"] == "f4" and np.array_equal(
        np.frombuffer(__import__("base64").b64decode(x["bdata"]), np.float32), [0, 1, 2])
    assert y["dtype"] == "f8" and y["shape"] == "2, 2" and frame["data"][0]["name"] == "a"
