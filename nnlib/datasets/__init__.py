"""Real data shipped with nnlib: the classic 8×8 handwritten digits (see NOTICE.md here).

    from nnlib.datasets import load_digits
    X, y = load_digits()     # X (1797, 64) in [0, 1], y (1797,) digits 0..9

Each row of X is one 8×8 image read row by row (X[i].reshape(8, 8) draws it). The file stores
pixels as counts 0..16 (how many of a 4×4 block's 16 pixels the pen covered); the loader
divides by 16, so 0 is blank paper and 1 a fully inked block.
"""
import gzip
from functools import lru_cache
from importlib import resources

import numpy as np

DIGITS_FILE = "digits.csv.gz"
DIGITS_SHAPE = (8, 8)
DIGITS_MAX = 16          # the largest pixel count in the file


@lru_cache(maxsize=1)
def _digits():
    with resources.files(__name__).joinpath(DIGITS_FILE).open("rb") as raw:
        table = np.loadtxt(gzip.open(raw), delimiter=",", dtype=np.int64)
    X, y = table[:, :-1] / DIGITS_MAX, table[:, -1]
    X.flags.writeable = y.flags.writeable = False      # cached: shared by every caller
    return X, y


def load_digits():
    """(X, y): 1,797 handwritten digits, X (1797, 64) float64 = pixel count / 16 in [0, 1],
    y (1797,) int64 in 0..9. Fresh copies, so callers may change them."""
    X, y = _digits()
    return X.copy(), y.copy()
