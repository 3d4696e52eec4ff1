r"""Loss landscapes: slices through the loss of a real network (2-D test surfaces: nnlib.surfaces).

The loss is a function of every parameter at once, so we look at it along a plane through θ,

    Z(α, β) = L(θ + α d₁ + β d₂),

with d₁, d₂ either random and filter-normalized (Li et al. 2018, "Visualizing the loss landscape
of neural nets") or the top two principal directions of the training trajectory; and along the
segment from θ_a to θ_b (Goodfellow et al. 2015). Many parameter sets are evaluated together:
a chunk of them is stacked and pushed through the network at once, features-first, with
np.matmul over the leading chunk axis (no Python loop per point).
"""
import numpy as np

from nnlib import _check, losses
from nnlib.activations import ACTIVATIONS

MAX_POINTS = 10_000       # values per grid axis or interpolation: a 10,000 × 10,000 grid is
                          # already far more than any screen shows
CHUNK_BYTES = 4 * 2**20   # working memory of one chunk of stacked parameter sets: small
                          # chunks stay in the CPU cache


def random_directions(model, filter_normalize=True, seed=0):
    """Two random directions (d1, d2), flat like model.theta, from default_rng(seed).

    Filter-normalized (Li et al. 2018): each filter, i.e. each column W[:, j] of a weight matrix,
    is rescaled to the norm of the same column of the model's weights, and bias entries are 0,
    so a step of 1 along d changes every unit by about as much as its own weights are large.
    """
    rng = _check.generator(seed)
    directions = rng.standard_normal((2, model.n_params))
    if filter_normalize:
        for w_at, b_at in model.positions():
            filter_norms = np.linalg.norm(model.theta[w_at], axis=0)
            for d in directions:
                d[w_at] *= filter_norms / np.linalg.norm(d[w_at], axis=0)
                d[b_at] = 0.0
    return directions[0], directions[1]


def pca_directions(thetas):
    """The top two principal directions of a trajectory, relative to its final point.

    thetas (T, n_params), T >= 3 snapshots. With D = thetas − thetas[-1] = U S Vᵀ, returns
    (d1, d2, explained_variance_ratio): the first two rows of Vᵀ (orthonormal) and S²/Σ S² of
    the two; each direction's sign is chosen so the first snapshot has a positive coordinate.
    Computed from the smaller of the Gram matrices: D Dᵀ = U S² Uᵀ (T × T) gives Vᵀ's rows as
    Dᵀu / s, normalized by a QR step, or Dᵀ D = V S² Vᵀ gives them directly.
    """
    thetas = np.asarray(thetas, dtype=float)
    if thetas.ndim != 2 or len(thetas) < 3 or thetas.shape[1] < 2:
        raise ValueError(f"thetas must be at least 3 parameter snapshots (of at least 2 "
                         f"parameters), shape (T, n_params), got shape {thetas.shape}")
    if not np.isfinite(thetas).all():
        raise ValueError("thetas must hold finite numbers: a snapshot has a NaN or an infinity")
    offsets = thetas - thetas[-1]
    total = np.vdot(offsets, offsets)                    # Σ S²
    if total == 0:
        raise ValueError("every snapshot is the same, so the trajectory has no principal "
                         "directions; use random directions")
    wide = len(offsets) <= offsets.shape[1]
    squares, vectors = np.linalg.eigh(offsets @ offsets.T if wide else offsets.T @ offsets)
    top = vectors[:, -1:-3:-1]                           # eigh sorts ascending: the two largest
    directions = np.linalg.qr(offsets.T @ top)[0] if wide else top
    d1, d2 = (v if offsets[0] @ v >= 0 else -v for v in directions.T)
    return d1, d2, np.maximum(squares[-1:-3:-1], 0) / total


def project(thetas, origin, d1, d2):
    """Coordinates (alphas, betas) of each θ in the plane origin + α d1 + β d2 (least squares)."""
    n = np.shape(origin)[-1] if np.ndim(origin) else 0
    d1, d2 = _vectors(n, d1=d1, d2=d2)
    thetas = np.atleast_2d(thetas)
    if thetas.shape[1:] != (n,) or not np.isfinite(thetas).all():
        raise ValueError(f"thetas must be finite snapshots of shape (T, {n}) like the origin, "
                         f"got shape {thetas.shape}")
    basis = np.column_stack([d1, d2])
    coefs, *_ = np.linalg.lstsq(basis, (thetas - origin).T, rcond=None)
    return coefs[0], coefs[1]


def loss_grid(model, X, y, d1, d2, alphas, betas):
    """Z of shape (len(betas), len(alphas)): Z[i, j] = loss at θ + alphas[j] d1 + betas[i] d2.

    θ is model.theta; rows follow betas and columns alphas, as Plotly's z[y][x] expects.
    The loss is model.loss's (eval mode, l2 and l1 penalties included).
    """
    d1, d2 = _vectors(model.n_params, d1=d1, d2=d2)
    b, a = np.meshgrid(_coordinates("betas", betas), _coordinates("alphas", alphas), indexing="ij")
    coefs = np.column_stack([a.ravel(), b.ravel()])
    return _losses(model, X, y, model.theta, np.stack([d1, d2]), coefs).reshape(a.shape)


def interpolate(model, theta_a, theta_b, X, y, n=51):
    """Losses at θ_a + t (θ_b − θ_a) for n values of t evenly spaced in [0, 1]."""
    t = np.linspace(0.0, 1.0, _check.integer("n", n, low=2, high=MAX_POINTS))
    theta_a, theta_b = _vectors(model.n_params, theta_a=theta_a, theta_b=theta_b)
    step = theta_b - theta_a
    return _losses(model, X, y, theta_a, step[None], t[:, None])


def _vectors(n, **named):
    """The named flat vectors as float arrays; ValueError unless each is n finite numbers."""
    vectors = [np.asarray(v, dtype=float) for v in named.values()]
    for name, v in zip(named, vectors):
        if v.shape != (n,) or not np.isfinite(v).all():
            raise ValueError(f"{name} must be {n} finite numbers, one per parameter, got "
                             f"{v.size} numbers of shape {v.shape} (NaN or infinity not allowed)")
    return vectors


def _coordinates(name, values):
    """A 1-D array of at most MAX_POINTS finite grid coordinates."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) > MAX_POINTS or not np.isfinite(values).all():
        raise ValueError(f"{name} must be a list of at most {MAX_POINTS:,} finite numbers, got "
                         f"shape {values.shape}")
    return values


def _losses(model, X, y, origin, directions, coefs):
    """The loss at origin + coefs[p] @ directions for every row p of coefs, chunk by chunk."""
    Xt, targets = _inputs(model, X, y)
    positions = model.positions()
    layers = [np.column_stack([w_at.T, b_at]) for w_at, b_at in positions]   # where [Wᵀ b] sits
    weights = np.concatenate([w_at.ravel() for w_at, _ in positions])
    rows, n = _chunk_rows(model, Xt.shape[1]), Xt.shape[1]
    buffers = ([np.ones((rows, width + 1, n), model.dtype) for width in model.sizes[1:-1]]
               + [np.empty((rows, model.sizes[-1], n), model.dtype)])
    origin = np.asarray(origin, dtype=model.dtype)
    directions = np.asarray(directions, dtype=model.dtype)
    losses = np.empty(len(coefs))
    for start in range(0, len(coefs), rows):
        thetas = coefs[start:start + rows].astype(model.dtype) @ directions
        thetas += origin
        outputs = [b[:len(thetas)] for b in buffers]
        losses[start:start + rows] = _stacked_loss(model, thetas, layers, Xt, targets, outputs)
        if model.l2:
            losses[start:start + rows] += 0.5 * model.l2 * np.square(thetas[:, weights]).sum(axis=1)
        if model.l1:
            losses[start:start + rows] += model.l1 * np.abs(thetas[:, weights]).sum(axis=1)
    return losses


def _chunk_rows(model, n_examples):
    """How many parameter sets to stack so one chunk's arrays stay within CHUNK_BYTES."""
    per_row = model.dtype.itemsize * (n_examples * (sum(model.sizes[1:]) + len(model.sizes))
                                      + 3 * model.n_params)
    return max(1, CHUNK_BYTES // per_row)


def _inputs(model, X, y):
    """Features-first copies of the data: X with a row of ones appended, (n_in + 1, N), and the
    targets: the labels (N,) for cross_entropy, the values (n_out, N) for mse."""
    X, y = np.asarray(X), np.asarray(y)
    n, n_out = len(X), model.sizes[-1]
    if X.ndim != 2 or X.shape[1] != model.sizes[0] or n == 0 or len(y) != n:
        raise ValueError(f"X must have shape (N, {model.sizes[0]}) and y one entry per row of X, "
                         f"got X {X.shape} and y {y.shape}")
    Xt = np.vstack([X.T, np.ones(n)]).astype(model.dtype)
    if model.loss_name == "mse":
        return Xt, np.reshape(y, (n, n_out)).T.astype(model.dtype)
    return Xt, y


def _stacked_loss(model, thetas, layers, Xt, targets, outputs):
    """Loss of each parameter set in thetas (P, n_params) on all N examples.

    Features-first, with the bias trick: layer l maps a (P, n_in + 1, N), whose last row is
    ones, to z = [Wᵀ b] @ a of shape (P, n_out, N) with one batched np.matmul over the P sets.
    A hidden layer writes z into the first rows of its buffer and applies the activation there.
    The output z is overwritten by nnlib.losses, one mean per set.
    """
    activation = ACTIVATIONS[model.activation].f
    skips = getattr(model, "skips", ())   # nnlib.residual.ResidualMLP: hidden layers that add
    a = Xt                                # their input back, a_l = a_{l−1} + f(z_l)
    for l, (at, out) in enumerate(zip(layers[:-1], outputs[:-1])):
        z = np.matmul(thetas[:, at], a, out=out[:, :-1])
        activation(z, out=z)
        if l < len(skips) and skips[l]:
            z += a[:, :-1]
        a = out
    z = np.matmul(thetas[:, layers[-1]], a, out=outputs[-1])
    if model.loss_name == "mse":
        return losses.mean_squared_error(z, targets, out=z)
    return losses.cross_entropy(z, targets, axis=-2, out=z)
