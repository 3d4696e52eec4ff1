"""Animation plumbing shared by every animated figure: frames, Play/Pause, a step slider.

A builder draws the full figure at frame 0, then hands `animate` the indices of the traces
that move and, per frame, their new data (which steps get a frame: experiments.frames).
Static traces (contours, surfaces, the full loss curve) stay out of the frames, which keeps the payload small and works around plotly.js
#4491 (a contour redrawn with redraw=False vanishes on Play).

    fig = go.Figure([contour, path_trace])                    # trace 1 moves
    frames = [[{"x": xs[:k + 1], "y": ys[:k + 1]}] for k in keep]   # keep = frame_steps(...)
    animate(fig, frames, traces=[1], labels=keep)
"""
import numpy as np
import plotly.graph_objects as go

SPEEDS = {"slow": 200, "normal": 80, "fast": 30}   # milliseconds per frame


def animate(fig, frames, traces, labels, duration=SPEEDS["normal"], prefix="step ", redraw=False,
            active=0, y=-0.2):
    """Add `frames` (one list of trace updates per frame, aligned with `traces`) to `fig`.

    Adds Play/Pause buttons and a slider whose ticks read `prefix + label`, at height `y`
    (paper units; -0.2 keeps them below the x-axis title). `active` is the frame index the
    slider shows at first: the caller draws the figure's traces in that frame's state.
    """
    names = [str(label) for label in labels]
    fig.frames = [go.Frame(data=data, traces=list(traces), name=name) for data, name in zip(frames, names)]
    play = dict(frame=dict(duration=duration, redraw=redraw), transition=dict(duration=0),
                fromcurrent=True, mode="immediate")
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate")
    fig.update_layout(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=y, xanchor="left",
                          yanchor="top", pad=dict(t=10, r=10), showactive=False, buttons=[
                              dict(label="▶ Play", method="animate", args=[None, play]),
                              dict(label="❚❚ Pause", method="animate", args=[[None], pause])])],
        sliders=[dict(active=active, x=0.2, len=0.8, y=y, yanchor="top", pad=dict(t=10),
                      currentvalue=dict(prefix=prefix, visible=True, xanchor="right"),
                      steps=[dict(label=name, method="animate",
                                  args=[[name], dict(frame=dict(duration=0, redraw=redraw),
                                                     mode="immediate", transition=dict(duration=0))])
                             for name in names])],
    )
    fig.update_layout(margin=dict(b=170))
    return fig


def rounded(a, digits=4):
    """A float32 copy rounded for the browser: animation payloads shrink by about half."""
    return np.round(np.asarray(a, dtype=np.float32), digits)
