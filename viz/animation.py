"""Animation plumbing shared by every animated figure: frames, Play/Pause, a step slider.

A builder draws the full figure at frame 0, then hands `animate` the indices of the traces
that move and, per frame, their new data (which steps get a frame: experiments.frames).
Static traces (contours, surfaces, the full loss curve) stay out of the frames, which keeps the payload small and works around plotly.js
#4491 (a contour redrawn with redraw=False vanishes on Play).

    fig = go.Figure([contour, path_trace])                    # trace 1 moves
    frames = [[{"x": xs[:k + 1], "y": ys[:k + 1]}] for k in keep]   # keep = frame_steps(...)
    animate(fig, frames, traces=[1], labels=keep)
"""
import base64

import numpy as np
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec
from plotly.basedatatypes import BaseTraceType

SPEEDS = {"slow": 200, "normal": 80, "fast": 30}   # milliseconds per frame
FLOATS = {"float32": "f4", "float64": "f8"}   # numpy dtype -> plotly.js typed array
RAIL_GAP = 8   # px: the slider a little lower than the buttons, its rail clear under them


def animate(fig, frames, traces, labels, duration=SPEEDS["normal"], prefix="step ", redraw=False,
            active=0, layouts=None, step=False, room=None):
    """Add `frames` (one list of trace updates per frame, aligned with `traces`) to `fig`.

    Adds Play/Pause buttons and a slider whose ticks read `prefix + label`, hung from the
    plot's bottom edge (paper y = 0, anchored at their top) a fixed number of pixels down: the
    template's pad.t (viz.theme.template: the room of the x-axis tick labels and title at its
    font size), so they never meet the x-axis title, however short the window makes the figure
    (lab/fit.py); `room`: the pixels to leave instead, under a plot without an x-axis. The
    slider spans the whole width, its rail under the buttons (RAIL_GAP) and its value right of
    them, so that on a phone the buttons never cover its start. Plotly's
    automatic margin then grows the bottom margin to hold them. `active` is the frame index the
    slider shows at first: the caller draws the figure's traces in that frame's state.
    `layouts`: per frame, a layout update (such as its shapes) that the frame also applies.
    `step`: also a "Step" button, one frame on (a "skip" button that lab/keyboard.py moves as
    → does), and "↺ Reset", back to the first frame.
    """
    names = [str(label) for label in labels]
    frames = frame_dicts(frames, traces, names)
    for frame, layout in zip(frames, layouts or ()):
        frame["layout"] = layout
    fig.frames = frames
    play = dict(frame=dict(duration=duration, redraw=redraw), transition=dict(duration=0),
                fromcurrent=True, mode="immediate")
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate")
    jump = dict(frame=dict(duration=0, redraw=redraw), mode="immediate", transition=dict(duration=0))
    buttons = [dict(label="▶ Play", method="animate", args=[None, play]),
               dict(label="❚❚ Pause", method="animate", args=[[None], pause])]
    if step:
        buttons += [dict(label="Step ▸|", method="skip", args=[None]),
                    dict(label="↺ Reset", method="animate", args=[[names[0]], jump])]
    pad, slider_pad = ({}, {}) if room is None else (dict(t=room), dict(t=room + RAIL_GAP))
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=0, xanchor="left",
                          yanchor="top", pad=dict(pad, r=10), showactive=False, buttons=buttons)],
        sliders=[dict(active=active, x=0, len=1, y=0, yanchor="top", pad=slider_pad,
                      currentvalue=dict(prefix=prefix, visible=True, xanchor="right"),
                      steps=[dict(label=name, method="animate",
                                  args=[[name], jump])
                             for name in names])],
    )
    return fig


def frame_dicts(frames, traces, names):
    """The frames as plain dicts whose arrays are already plotly.js typed arrays
    ({"dtype": "f4", "bdata": base64}), the form the figure's JSON gives them anyway.

    Plotly then validates each frame once, when they are set on the figure, and passes the
    typed arrays through (go.Frame objects would be validated twice, each numpy array copied
    and inspected each time). A trace object among a frame's updates becomes its dict."""
    traces = list(traces)
    return [dict(data=[_typed(_plain(update)) for update in _updates(data)], traces=traces,
                 name=name) for data, name in zip(frames, names)]


def _updates(data):
    """A frame's trace updates as a list (one update alone counts as a list of one, as in Plotly)."""
    return data if isinstance(data, (list, tuple)) else [data]


def _plain(update):
    return update.to_plotly_json() if isinstance(update, BaseTraceType) else update


def _typed(update):
    """A copy of the update dict with every array encoded as Figure.to_dict would encode it
    (plotly's convert_to_base64: arrays in dicts, recursing into dicts and lists)."""
    if isinstance(update, dict):
        return {key: (_typed_array(value) if is_homogeneous_array(value) and not is_skipped_key(key)
                      else _typed(value)) for key, value in update.items()}
    if isinstance(update, (list, tuple)):
        return type(update)(_typed(value) for value in update)
    return update


def _typed_array(a):
    """plotly's to_typed_array_spec, without its generic copy for the common case of a
    non-empty float array in native byte order."""
    if not isinstance(a, np.ndarray) or a.dtype.name not in FLOATS or not a.size:
        return to_typed_array_spec(a)
    spec = {"dtype": FLOATS[a.dtype.name], "bdata": base64.b64encode(np.ascontiguousarray(a)).decode("ascii")}
    if a.ndim > 1:
        spec["shape"] = str(a.shape)[1:-1]
    return spec


def rounded(a, digits=4):
    """A float32 copy rounded for the browser: animation payloads shrink by about half."""
    return np.round(np.asarray(a, dtype=np.float32), digits)
