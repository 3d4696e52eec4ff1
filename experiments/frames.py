"""Which steps of a run become animation frames: below both the experiments that record them
and the figures (viz) that play them, so both agree on the same steps."""
import numpy as np

MAX_FRAMES = 200


def frame_steps(n_steps, max_frames=MAX_FRAMES):
    """At most `max_frames` step indices from 0 to n_steps (both included), evenly spread."""
    if n_steps + 1 <= max_frames:
        return np.arange(n_steps + 1)
    return np.unique(np.linspace(0, n_steps, max_frames).round().astype(int))
