"""Toy datasets: 2-D classification sets in the spirit of scikit-learn and TensorFlow Playground,
regression sets (a 1-D noisy sine; TensorFlow Playground's plane and multi Gaussian over the
plane), a train/validation split and Playground-style extra input features.

Every generator takes (n, noise, seed) and draws from its own np.random.default_rng(seed). The
classification sets return X of shape (n, 2) float64 and y of shape (n,) int with balanced
classes (counts differ by at most one) in shuffled order; `noise` is the standard deviation of
Gaussian noise added to X. The regression sets return float targets y (see each one's noise).
"""
import numpy as np

from nnlib._check import choice, generator, integer, number, values

MAX_SAMPLES = 1_000_000   # points per dataset: plenty for a toy problem, and bounded memory
MAX_NOISE = 1e6           # the points lie within about 1 of the origin; more noise is only noise


def _start(n, noise, seed, n_classes=2):
    """Check the shared arguments; return the generator and balanced labels in random order."""
    n = integer("number of samples", n, low=n_classes, high=MAX_SAMPLES)
    number("noise", noise, low=0, high=MAX_NOISE)
    rng = generator(seed)
    return rng, rng.permutation(np.arange(n) % n_classes)


def _unit(angle):
    """Points on the unit circle: (cos a, sin a) as rows."""
    return np.column_stack([np.cos(angle), np.sin(angle)])


def _noisy(X, noise, rng):
    return X + noise * rng.standard_normal(X.shape)


def make_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles (scikit-learn's moons), shifted to be centred on 0."""
    rng, y = _start(n, noise, seed)
    sign = (1 - 2 * y)[:, None]                       # class 0: upper arc, class 1: lower arc
    X = sign * _unit(rng.uniform(0, np.pi, len(y))) + y[:, None] * [1.0, 0.5] - [0.5, 0.25]
    return _noisy(X, noise, rng), y


def make_circles(n=200, noise=0.05, factor=0.5, seed=0):
    """A circle of radius 1 (class 0) around a circle of radius `factor` (class 1)."""
    rng, y = _start(n, noise, seed)
    factor = number("factor", factor, low=0, high=1, low_open=True, high_open=True)
    radius = np.where(y == 0, 1.0, factor)[:, None]
    return _noisy(radius * _unit(rng.uniform(0, 2 * np.pi, len(y))), noise, rng), y


def make_spirals(n=200, noise=0.05, n_classes=2, turns=1.25, seed=0):
    """Interleaved spiral arms, one per class (CS231n's spiral): radius r ~ U(0, 1),
    angle 2π(turns·r + k/K) for class k of K."""
    n_classes = integer("number of classes", n_classes, low=2)
    turns = number("turns", turns, low=0, low_open=True)
    rng, y = _start(n, noise, seed, n_classes)
    r = rng.uniform(0, 1, len(y))
    X = r[:, None] * _unit(2 * np.pi * (turns * r + y / n_classes))
    return _noisy(X, noise, rng), y


def make_xor(n=200, noise=0.1, seed=0):
    """Points in the four quadrants of [-1, 1]², label 1 where x and y have opposite signs."""
    rng, y = _start(n, noise, seed)
    sign_x = rng.choice([-1.0, 1.0], len(y))
    signs = np.column_stack([sign_x, sign_x * (1 - 2 * y)])
    return _noisy(signs * rng.uniform(0.1, 1, (len(y), 2)), noise, rng), y


def make_blobs(n=200, noise=0.3, n_classes=3, seed=0):
    """Gaussian blobs (std `noise`) around centres spread evenly on the unit circle."""
    n_classes = integer("number of classes", n_classes, low=2)
    rng, y = _start(n, noise, seed, n_classes)
    return _noisy(_unit(2 * np.pi * y / n_classes), noise, rng), y


def make_regression_1d(n=200, noise=0.1, seed=0):
    """x ~ U(-3, 3) and y = sin(x) + noise: X of shape (n, 1), y float of shape (n,)."""
    n = integer("number of samples", n, low=2, high=MAX_SAMPLES)
    noise = number("noise", noise, low=0, high=MAX_NOISE)
    rng = generator(seed)
    x = rng.uniform(-3, 3, n)
    return x[:, None], np.sin(x) + noise * rng.standard_normal(n)


# (centre x, centre y, sign) of each bump: TensorFlow Playground's six, its radius 6 scaled to 1
GAUSSIANS = tuple((x / 6, y / 6, sign) for x, y, sign in (
    (-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)))
GAUSSIAN_WIDTH = 0.2                                              # σ of each bump


def _plane_points(n, noise, seed):
    """TensorFlow Playground's regression points: (x, y) ~ U(-1, 1)² and the point where the
    target is read, (x, y) + noise · U(-1, 1)² (the noise moves the reading, not the point)."""
    n = integer("number of samples", n, low=2, high=MAX_SAMPLES)
    noise = number("noise", noise, low=0, high=MAX_NOISE)
    rng = generator(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return X, X + noise * rng.uniform(-1, 1, (n, 2))


def make_plane(n=200, noise=0.05, seed=0):
    """TensorFlow Playground's "Plane": (x, y) ~ U(-1, 1)² and target (x' + y') / 2, a linear
    function in [-1, 1] read at (x', y') = (x, y) + noise · U(-1, 1)² (TensorFlow Playground's
    noise: it moves where the target is read, not the point). X (n, 2), y float (n,)."""
    X, read = _plane_points(n, noise, seed)
    return X, read.sum(axis=1) / 2


def make_gaussians(n=200, noise=0.05, seed=0):
    """TensorFlow Playground's "Multi Gaussian": six bumps of alternating sign in two rows,
    target Σ_k s_k · exp(−|p' − c_k|² / (2σ²)) with centres c_k, signs s_k = ±1 (GAUSSIANS) and
    σ = GAUSSIAN_WIDTH, about [-1, 1], read at the noisy point p' as in make_plane.
    X (n, 2), y float (n,)."""
    X, read = _plane_points(n, noise, seed)
    centres, signs = np.array([c[:2] for c in GAUSSIANS]), np.array([c[2] for c in GAUSSIANS])
    distance2 = ((read[:, None, :] - centres[None]) ** 2).sum(axis=2)
    return X, np.exp(-distance2 / (2 * GAUSSIAN_WIDTH ** 2)) @ signs


DATASETS = {
    "moons": make_moons,
    "circles": make_circles,
    "spirals": make_spirals,
    "xor": make_xor,
    "blobs": make_blobs,
    "regression_1d": make_regression_1d,
}
REGRESSION_SETS = {"sine": make_regression_1d, "plane": make_plane, "gaussians": make_gaussians}

def train_val_split(X, y, val_fraction=0.25, seed=0):
    """Shuffle and split into (X_train, X_val, y_train, y_val), like scikit-learn's order.

    Stratified-ish: rows are grouped by y (random order within a group) and the validation rows
    taken evenly spaced through that order, so each class gets its share of the validation set to
    within one row. The two parts are disjoint, cover every row and come in shuffled order.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y must be arrays with one row per sample, got shapes {X.shape} "
                         f"and {y.shape}")
    n = len(y)
    if len(X) != n:
        raise ValueError(f"X and y must have the same number of rows, got {len(X)} and {n}")
    fraction = number("validation fraction", val_fraction, low=0, high=1, low_open=True,
                      high_open=True)
    n_val = round(fraction * n)
    if not 1 <= n_val <= n - 1:
        side = "validation" if n_val < 1 else "training"
        raise ValueError(f"a validation fraction of {fraction:g} of {n} samples leaves no "
                         f"{side} sample")
    rng = generator(seed)
    order = rng.permutation(n)
    grouped = order[np.argsort(y[order], kind="stable")]
    is_val = np.zeros(n, dtype=bool)
    is_val[grouped[((np.arange(n_val) + 0.5) * n / n_val).astype(int)]] = True
    train, val = order[~is_val[order]], order[is_val[order]]
    return X[train], X[val], y[train], y[val]


FEATURES = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "x2": lambda x, y: x * x,
    "y2": lambda x, y: y * y,
    "xy": lambda x, y: x * y,
    "sinx": lambda x, y: np.sin(x),
    "siny": lambda x, y: np.sin(y),
}

def add_features(X, names):
    """TensorFlow Playground's inputs: the named features of the 2-D points X, as columns (n, k)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"features are computed from 2-D points, X of shape (n, 2), got {X.shape}")
    values("X", X)
    if isinstance(names, str) or not isinstance(names, (list, tuple)) or len(names) == 0:
        raise ValueError(f"choose a list of at least one input feature, got {names!r}")
    x, y = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[choice("feature", name, FEATURES)](x, y) for name in names])
