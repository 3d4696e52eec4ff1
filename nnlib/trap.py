r"""The local-minimum trap (seed note 000, Figs. 1 and 2): a finite-sum loss in one parameter θ.

θ stands in for all the parameters of a network. Example a has its own loss

    ℓ_a(θ) = L(θ) + c_a θ,   with   L(θ) = θ⁴/4 − 7θ²/8 − 3θ/4   and   Σ_a c_a = 0,

so the full loss (1/N) Σ_a ℓ_a is exactly L, with L'(θ) = (θ + 1)(θ + 1/2)(θ − 3/2): a shallow
local minimum at θ = −1, the top of the barrier at −1/2 and the deep global minimum at 3/2.
A batch B sees L(B)(θ) = L(θ) + c̄_B θ, L tilted by the mean tilt c̄_B of its examples; a tilt
below −max L' on [−1, −1/2] ≈ −0.14 wipes the local minimum out. Full-batch gradient descent
from the left settles in the local minimum; small batches tilt it away often enough to escape.
"""
import numpy as np

from nnlib import _check, optim

N_EXAMPLES = 64
SPREAD = 1.25         # standard deviation of the per-example tilts c_a
DATA_SEED = 0
LOCAL_MIN, BARRIER, GLOBAL_MIN = -1.0, -0.5, 1.5
START = -2.0
MAX_DRAWS = 10_000_000   # runs × steps (or batches × batch size) per call: about a second
FORMULA = r"\ell_a(\theta) = \tfrac14\theta^4 - \tfrac78\theta^2 - \tfrac34\theta + c_a\,\theta"


def tilts(n=N_EXAMPLES, spread=SPREAD, seed=DATA_SEED):
    """The per-example tilts c_a: n normal draws shifted and scaled to mean 0 and std `spread`."""
    z = _check.generator(seed).standard_normal(n)
    return spread * (z - z.mean()) / z.std()


def full_loss(theta):
    """L(θ) = θ⁴/4 − 7θ²/8 − 3θ/4, elementwise (e.g. on a grid of θ)."""
    t2 = np.square(theta)
    return t2 * (t2 / 4 - 7 / 8) - 0.75 * np.asarray(theta)


def full_grad(theta):
    """L'(θ) = θ³ − 7θ/4 − 3/4 = (θ + 1)(θ + 1/2)(θ − 3/2)."""
    return theta * (np.square(theta) - 1.75) - 0.75


def batch_loss(theta, batches, c=None):
    """L(B)(θ) = L(θ) + c̄_B θ for each batch: batches (..., B) of example indices and a grid
    theta (G,) give curves of shape (..., G). c defaults to tilts()."""
    slope = _mean_tilt(batches, c)
    return full_loss(theta) + slope[..., None] * np.asarray(theta)


def batch_grad(theta, batch, c=None):
    """dL(B)/dθ = L'(θ) + c̄_B; batch (..., B) of indices broadcasts against theta (...)."""
    return full_grad(theta) + _mean_tilt(batch, c)


def sample_batches(batch_size, size, rng, n=N_EXAMPLES):
    """Example indices of shape size + (batch_size,), distinct within each batch.

    Floyd's algorithm, vectorized over the batches: for j = n − B, ..., n − 1 draw t uniformly
    from 0..j and take t, or j if t is already in the batch. Every B-subset is equally likely.
    """
    batch_size = _check.integer("batch size", batch_size, low=1, high=n)
    size = tuple(_check.integer("number of batches", k, low=0) for k in np.atleast_1d(size))
    _check.integer("number of draws", np.prod(size, dtype=float) * batch_size, high=MAX_DRAWS)
    picks = np.empty(size + (batch_size,), dtype=np.intp)
    for k, j in enumerate(range(n - batch_size, n)):
        t = rng.integers(0, j + 1, size)
        taken = (picks[..., :k] == t[..., None]).any(axis=-1)
        picks[..., k] = np.where(taken, j, t)
    return picks


def trap_runs(batch_size=1, lr=0.1, momentum=0.0, steps=200, n_runs=200, start=START, seed=0):
    """Run SGD (nnlib.optim.SGD) on the trap n_runs times at once; return (ends, escaped).

    Each step every run draws its own batch of distinct examples (from default_rng(seed)).
    batch_size == N_EXAMPLES is full-batch gradient descent: every run follows the same path.
    ends: the final θ of each run (NaN if it diverged); escaped: ended right of the barrier,
    in the global minimum's basin.
    """
    batch_size = _check.integer("batch size", batch_size, low=1, high=N_EXAMPLES)
    steps = _check.integer("steps", steps, low=0)
    n_runs = _check.integer("number of runs", n_runs, low=1)
    _check.integer("runs × steps", n_runs * steps, high=MAX_DRAWS)
    rng = _check.generator(seed)
    c = tilts()
    opt = optim.SGD(lr=lr, momentum=momentum)
    theta = np.full(n_runs, _check.number("start", start), dtype=float)
    with np.errstate(all="ignore"):
        for _ in range(steps):
            grad = full_grad(theta)
            if batch_size < N_EXAMPLES:
                grad += _mean_tilt(sample_batches(batch_size, n_runs, rng), c)
            opt.step(theta, grad)
        theta[~(np.abs(theta) < 1e6)] = np.nan
    return theta, theta > BARRIER


def _mean_tilt(batches, c):
    """c̄_B: the mean tilt over the last axis of the index array."""
    return (tilts() if c is None else c)[batches].mean(axis=-1)
