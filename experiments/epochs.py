"""Did training end before the validation minimum? A check shared by the lessons that train with
a validation set (experiments.regularization, experiments.playground).

With validation losses v₀ … v_T (epoch 0 = at initialization) and a tail of k = max(1, ⌈T/10⌉)
epochs, training ended too early ("max epochs too small") when the lowest v is in the tail and
the tail brought more than SHARE of the whole fall: v_{T−k} − v_T > SHARE · (v₀ − v_T).
A curve that has flattened out, or turned round and climbs, does not count.
"""
import math

import numpy as np

TAIL = 0.1      # the last tenth of the epochs
SHARE = 0.05    # of the fall since epoch 0 that the tail must still bring


def too_few_epochs(val_loss):
    """A warning sentence when the validation loss was still falling at the last epoch, else None."""
    v = np.asarray(val_loss, dtype=float)
    last = len(v) - 1
    if last < 2 or not np.isfinite(v).all():
        return None
    k = max(1, math.ceil(TAIL * last))
    lowest = int(np.argmin(v))
    fall, tail = v[0] - v[last], v[last - k] - v[last]
    if lowest < last - k or fall <= 0 or tail <= SHARE * fall:
        return None
    return (f"⚠ Max epochs too small: training ended before the validation minimum. The "
            f"validation loss was still falling (by {tail:.3g} over the last {k} epochs, "
            f"{tail / fall:.0%} of its whole fall; lowest at epoch {lowest} of {last}): give it "
            "more epochs to see where it turns round.")
