"""The shipped handwritten digits: the file is the one we attributed, the loader reads it right."""
import hashlib
from importlib import resources

import numpy as np

from nnlib import datasets
from nnlib.datasets import load_digits

SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"  # see NOTICE.md
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]   # UCI's optdigits.tes
FIRST_ROW = [0, 0, 5, 13, 9, 1, 0, 0]     # the top row of the first image, a 0, as pixel counts


def test_the_shipped_file_is_scikit_learns_copy_with_its_notice():
    folder = resources.files(datasets)
    assert hashlib.sha256(folder.joinpath("digits.csv.gz").read_bytes()).hexdigest() == SHA256
    notice = folder.joinpath("NOTICE.md").read_text()
    assert "CC BY 4.0" in notice and "BSD 3-Clause" in notice and SHA256 in notice


def test_shapes_types_and_range():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.all((X * 16) == np.round(X * 16))        # pixel counts 0..16, divided by 16


def test_class_counts_and_checksums_of_pixels_and_order():
    """Sums weighted by pixel position and by row number: a moved pixel or row changes them."""
    X, y = load_digits()
    counts = np.rint(X * 16).astype(np.int64)
    assert np.bincount(y).tolist() == CLASS_COUNTS
    assert counts.sum() == 561718
    assert (counts @ np.arange(1, 65)).sum() == 18222371
    assert (counts.sum(axis=1) @ np.arange(1797)) == 503342547
    assert y @ np.arange(1797) == 7264791


def test_known_pixels_and_labels():
    X, y = load_digits()
    assert (X[0].reshape(8, 8)[0] * 16).tolist() == FIRST_ROW
    assert y[:3].tolist() == [0, 1, 2] and y[-1] == 8
    assert X[0].reshape(8, 8)[3, 3:5].tolist() == [0.0, 0.0]   # the hole in the middle of the 0


def test_callers_get_their_own_copies():
    X, y = load_digits()
    X[:] = -1
    y[:] = -1
    X2, y2 = load_digits()
    assert X2.min() == 0.0 and y2.min() == 0
