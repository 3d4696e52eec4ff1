r"""The local-minimum trap: a finite-sum loss in one parameter θ, made from the course notes'
cartoons of a loss with a local minimum on the left, where gradient descent started further
left gets stuck, and of the mini-batch losses L(B) around it, whose local minimum "isn't always
a minimum and moves around a lot".

θ stands in for all the parameters of a network. Example a has its own loss

    ℓ_a(θ) = L(θ) + c_a θ,   with   L(θ) = 3θ⁴/20 − 3θ³/10 − 3θ²/4   and   Σ_a c_a = 0,

so the full loss (1/N) Σ_a ℓ_a is exactly L, with L'(θ) = (3/5)(θ + 1) θ (θ − 5/2): a local
minimum at θ = −1 (L = −0.3, a dip of 0.3 below the barrier), the top of the barrier at 0
(L = 0) and the global minimum at 5/2 (L ≈ −3.52), twelve times deeper. A batch B sees
L(B)(θ) = L(θ) + c̄_B θ, L tilted by the mean tilt c̄_B of its examples; a tilt below
−max L' on [−1, 0] ≈ −0.45 wipes the local minimum out, while wiping the global one takes a
tilt above 2.25. Full-batch gradient descent from the left settles in the local minimum; small
batches tilt it away often enough to escape, and rarely come back.
"""
import numpy as np

from nnlib import _check, optim

N_EXAMPLES = 64
SPREAD = 2.8          # standard deviation of the per-example tilts c_a
DATA_SEED = 0
LOCAL_MIN, BARRIER, GLOBAL_MIN = -1.0, 0.0, 2.5
OUTER_WALL = -2.2     # the default start: left of the local minimum, in its basin
MAX_DRAWS = 10_000_000   # runs × steps (or batches × batch size) per call: about a second


def tilts(n=N_EXAMPLES, spread=SPREAD, seed=DATA_SEED):
    """The per-example tilts c_a: n normal draws shifted and scaled to mean 0 and std `spread`."""
    z = _check.generator(seed).standard_normal(n)
    return spread * (z - z.mean()) / z.std()


def full_loss(theta):
    """L(θ) = 3θ⁴/20 − 3θ³/10 − 3θ²/4, elementwise (e.g. on a grid of θ)."""
    theta = np.asarray(theta)
    return np.square(theta) * (theta * (0.15 * theta - 0.3) - 0.75)


def full_grad(theta):
    """L'(θ) = 3θ³/5 − 9θ²/10 − 3θ/2 = (3/5)(θ + 1) θ (θ − 5/2)."""
    return theta * (theta * (0.6 * theta - 0.9) - 1.5)


def batch_loss(theta, batches, c=None):
    """L(B)(θ) = L(θ) + c̄_B θ for each batch: batches (..., B) of example indices and a grid
    theta (G,) give curves of shape (..., G). c defaults to tilts()."""
    slope = _mean_tilt(batches, c)
    return full_loss(theta) + slope[..., None] * np.asarray(theta)


def sample_batches(batch_size, size, rng, n=N_EXAMPLES):
    """Example indices of shape size + (batch_size,), distinct within each batch.

    Floyd's algorithm, vectorized over the batches: for j = n − B, ..., n − 1 draw t uniformly
    from 0..j and take t, or j if t is already in the batch. Every B-subset is equally likely.
    A batch of more than n/2 examples is drawn as the n − B examples it leaves out (then in
    increasing order), so no batch takes more than n/2 rounds.
    """
    batch_size = _check.integer("batch size", batch_size, low=1, high=n)
    size = tuple(_check.integer("number of batches", k, low=0) for k in np.atleast_1d(size))
    _check.integer("number of draws", np.prod(size, dtype=float) * batch_size, high=MAX_DRAWS)
    if batch_size <= n // 2:
        return _floyd(batch_size, size, rng, n)[0]
    _, left_out = _floyd(n - batch_size, size, rng, n)
    return (np.flatnonzero(~left_out) % n).reshape(size + (batch_size,))


def _floyd(k, size, rng, n):
    """(picks, taken): k distinct indices per batch by Floyd's algorithm, shape size + (k,),
    and the same sets as a mask of shape size + (n,) (which also answers "already in?")."""
    picks = np.empty(size + (k,), dtype=np.intp)
    taken = np.zeros(size + (n,), dtype=bool)
    flat = taken.reshape(-1)
    rows = np.arange(0, flat.size, n).reshape(size)        # where each batch's mask starts
    for i, j in enumerate(range(n - k, n)):
        t = rng.integers(0, j + 1, size)
        picks[..., i] = pick = np.where(flat[rows + t], j, t)
        flat[rows + pick] = True
    return picks, taken


def trap_runs(batch_size=1, lr=0.1, momentum=0.0, steps=200, n_runs=200, start=OUTER_WALL, seed=0,
              schedule=None):
    """Run SGD (nnlib.optim.SGD) on the trap n_runs times at once; return (ends, escaped).

    Each step every run draws its own batch of distinct examples (from default_rng(seed)).
    batch_size == N_EXAMPLES is full-batch gradient descent: every run follows the same path.
    schedule: None (η stays lr), or a function opt -> scheduler (nnlib.schedules), stepped after
    every update, e.g. `lambda opt: schedules.CosineAnnealingLR(opt, T_max=steps)`.
    ends: the final θ of each run (NaN if it diverged); escaped: ended right of the barrier,
    in the global minimum's basin.
    """
    thetas, _ = _descend(batch_size, lr, momentum, steps, n_runs, start, seed, None, schedule)
    return thetas[-1], thetas[-1] > BARRIER


def trap_paths(batch_size=1, lr=0.1, momentum=0.0, steps=200, n_runs=4, start=OUTER_WALL, seed=0,
               shown=1, schedule=None):
    """trap_runs with every step recorded: the same generator, batches and SGD, so the last row
    is trap_runs' ends. Returns (thetas, batches): thetas (steps + 1, n_runs), row k the θ after
    k steps (NaN once a run has blown up); batches (steps, shown, batch_size), the example
    indices drawn by runs 0..shown − 1 at each step (batch_size 0 for full batch).
    """
    shown = _check.integer("number of runs shown", shown, low=0, high=n_runs)
    return _descend(batch_size, lr, momentum, steps, n_runs, start, seed, shown, schedule)


def _descend(batch_size, lr, momentum, steps, n_runs, start, seed, shown, schedule=None):
    """The SGD loop of trap_runs and trap_paths. With shown=None only the final θ is kept
    (thetas of shape (1, n_runs), batches None)."""
    batch_size = _check.integer("batch size", batch_size, low=1, high=N_EXAMPLES)
    steps = _check.integer("steps", steps, low=0)
    n_runs = _check.integer("number of runs", n_runs, low=1)
    _check.integer("runs × steps", n_runs * steps, high=MAX_DRAWS)
    mini = batch_size < N_EXAMPLES
    rng = _check.generator(seed)
    c = tilts()
    opt = optim.SGD(lr=lr, momentum=momentum)
    sched = schedule(opt) if schedule else None
    theta = np.full(n_runs, _check.number("start", start), dtype=float)
    path = None if shown is None else [theta.copy()]
    batches = None if shown is None else np.empty((steps, shown, batch_size * mini), np.intp)
    with np.errstate(all="ignore"):
        for k in range(steps):
            grad = full_grad(theta)
            if mini:
                drawn = sample_batches(batch_size, n_runs, rng)
                grad += _mean_tilt(drawn, c)
                if path is not None:
                    batches[k] = drawn[:shown]
            opt.step(theta, grad)
            if sched is not None:
                sched.step()
            if path is not None:
                path.append(theta.copy())
    thetas = theta[None] if path is None else np.array(path)
    thetas[~(np.abs(thetas) < 1e6)] = np.nan
    return thetas, batches


def _mean_tilt(batches, c):
    """c̄_B: the mean tilt over the last axis of the index array."""
    return (tilts() if c is None else c)[batches].mean(axis=-1)
