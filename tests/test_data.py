"""Toy datasets: shapes, balance, reproducibility, the geometry without noise, split, features."""
import numpy as np
import pytest

from experiments import labels
from nnlib import data

CLASSIFIERS = [
    (data.make_moons, {}, 2),
    (data.make_circles, {}, 2),
    (data.make_spirals, dict(n_classes=3), 3),
    (data.make_xor, {}, 2),
    (data.make_blobs, dict(n_classes=4), 4),
]


@pytest.mark.parametrize("make, kwargs, k", CLASSIFIERS)
def test_shapes_dtypes_and_balanced_shuffled_labels(make, kwargs, k):
    X, y = make(n=201, **kwargs)
    assert X.shape == (201, 2) and X.dtype == np.float64
    assert y.shape == (201,) and np.issubdtype(y.dtype, np.integer)
    counts = np.bincount(y)
    assert len(counts) == k and counts.max() - counts.min() <= 1
    assert len(set(y[:20])) > 1          # rows are shuffled, not sorted by class


@pytest.mark.parametrize("make, kwargs, k", CLASSIFIERS)
def test_same_seed_same_data_other_seed_other_data(make, kwargs, k):
    X1, y1 = make(n=50, seed=3, **kwargs)
    X2, y2 = make(n=50, seed=3, **kwargs)
    X3, _ = make(n=50, seed=4, **kwargs)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_geometry_without_noise():
    X, y = data.make_moons(n=100, noise=0.0)
    centres = np.where(y[:, None] == 0, [-0.5, -0.25], [0.5, 0.25])   # arc centres, shifted
    np.testing.assert_allclose(np.linalg.norm(X - centres, axis=1), 1.0)
    above_centre = (X[:, 1] - centres[:, 1]) * np.where(y == 0, 1, -1)
    assert np.all(above_centre >= -1e-12)     # class 0 the upper half circle, class 1 the lower

    X, y = data.make_circles(n=100, noise=0.0, factor=0.4)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), np.where(y == 0, 1.0, 0.4))

    X, y = data.make_xor(n=100, noise=0.0)
    np.testing.assert_array_equal(X[:, 0] * X[:, 1] < 0, y == 1)

    X, y = data.make_blobs(n=90, noise=0.0, n_classes=3)
    angles = 2 * np.pi * y / 3
    np.testing.assert_allclose(X, np.column_stack([np.cos(angles), np.sin(angles)]), atol=1e-12)

    X, y = data.make_spirals(n=90, noise=0.0, n_classes=3)
    assert np.linalg.norm(X, axis=1).max() <= 1.0


def test_regression_1d():
    X, y = data.make_regression_1d(n=150, noise=0.0)
    assert X.shape == (150, 1) and y.shape == (150,) and y.dtype == np.float64
    assert X.min() >= -3 and X.max() <= 3
    np.testing.assert_allclose(y, np.sin(X[:, 0]))
    _, noisy = data.make_regression_1d(n=150, noise=0.2)
    assert 0.1 < np.std(noisy - y) < 0.3   # same x (same seed), noise of std 0.2 added


def test_registry_holds_every_generator():
    assert data.DATASETS == {"moons": data.make_moons, "circles": data.make_circles,
                             "spirals": data.make_spirals, "xor": data.make_xor,
                             "blobs": data.make_blobs,
                             "regression_1d": data.make_regression_1d}
    assert labels.DATASETS.keys() == data.DATASETS.keys()
    assert data.REGRESSION_SETS == {"sine": data.make_regression_1d, "plane": data.make_plane,
                                    "gaussians": data.make_gaussians}
    assert labels.REGRESSION_SETS.keys() == data.REGRESSION_SETS.keys()


def test_plane_and_gaussians_follow_their_formulas_and_noise_moves_the_reading():
    X, plane = data.make_plane(n=200, noise=0.0, seed=3)
    assert X.shape == (200, 2) and np.abs(X).max() <= 1
    np.testing.assert_allclose(plane, (X[:, 0] + X[:, 1]) / 2)
    same, bumps = data.make_gaussians(n=200, noise=0.0, seed=3)
    by_hand = sum(s * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / (2 * 0.2 ** 2))
                  for cx, cy, s in data.GAUSSIANS)
    assert np.array_equal(same, X) and np.allclose(bumps, by_hand) and np.abs(bumps).max() <= 1
    assert data.GAUSSIANS[0] == (-4 / 6, 2.5 / 6, 1)       # TensorFlow Playground's (-4, 2.5) / 6
    noisy_X, noisy = data.make_plane(n=200, noise=0.3, seed=3)
    assert np.array_equal(noisy_X, X) and 0 < np.abs(noisy - plane).max() <= 0.3


@pytest.mark.parametrize("call, words", [
    (lambda: data.make_moons(n=1), "number of samples must be >= 2, got 1"),
    (lambda: data.make_blobs(n=2, n_classes=3), "number of samples must be >= 3"),
    (lambda: data.make_spirals(n_classes=1), "number of classes must be >= 2"),
    (lambda: data.make_circles(noise=-0.1), "noise must be >= 0"),
    (lambda: data.make_circles(factor=1.0), "factor must be < 1"),
    (lambda: data.make_regression_1d(n=1.5), "number of samples must be a whole number"),
])
def test_bad_arguments_raise_a_clear_value_error(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_split_sizes_disjoint_covering_and_stratified():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.arange(100.0)[:, None]                    # row ids, to see where each row went
    X_train, X_val, y_train, y_val = data.train_val_split(X, y, val_fraction=0.25, seed=1)
    assert len(X_train) == 75 and len(X_val) == 25
    ids_train, ids_val = X_train[:, 0].astype(int), X_val[:, 0].astype(int)
    assert set(ids_train).isdisjoint(ids_val)
    assert sorted([*ids_train, *ids_val]) == list(range(100))
    np.testing.assert_array_equal(y_train, y[ids_train])   # rows and labels stay paired
    np.testing.assert_array_equal(y_val, y[ids_val])
    assert np.all(np.abs(np.bincount(y_val, minlength=3) - [15, 7.5, 2.5]) <= 1)


def test_split_is_reproducible_and_depends_on_the_seed():
    X, y = data.make_moons(n=40)
    a = data.train_val_split(X, y, seed=0)
    b = data.train_val_split(X, y, seed=0)
    c = data.train_val_split(X, y, seed=1)
    for part_a, part_b in zip(a, b):
        np.testing.assert_array_equal(part_a, part_b)
    assert not np.array_equal(a[1], c[1])


@pytest.mark.parametrize("n, fraction, words", [
    (10, 0.0, "validation fraction must be > 0"),
    (10, 1.0, "validation fraction must be < 1"),
    (3, 0.1, "leaves no validation sample"),
    (3, 0.9, "leaves no training sample"),
])
def test_split_needs_a_sample_on_each_side(n, fraction, words):
    with pytest.raises(ValueError, match=words):
        data.train_val_split(np.zeros((n, 2)), np.zeros(n, dtype=int), val_fraction=fraction)


def test_split_rejects_mismatched_rows():
    with pytest.raises(ValueError, match="same number of rows"):
        data.train_val_split(np.zeros((5, 2)), np.zeros(4, dtype=int))


def test_add_features_stacks_the_named_columns():
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    got = data.add_features(X, ["x", "y", "x2", "y2", "xy", "sinx", "siny"])
    np.testing.assert_allclose(got, [[1, 2, 1, 4, 2, np.sin(1), np.sin(2)],
                                     [0, -1, 0, 1, 0, 0, np.sin(-1)]])
    np.testing.assert_array_equal(data.add_features(X, ["xy"]), [[2.0], [0.0]])
    with pytest.raises(ValueError, match="unknown feature 'cosx'"):
        data.add_features(X, ["x", "cosx"])
    with pytest.raises(ValueError, match="at least one"):
        data.add_features(X, [])
