r"""Curvature of a network's loss: Hessian-vector products and the extreme Hessian eigenvalues.

Hessian-vector product by central differences of the backpropagated gradient g = ∇L:

    H v ≈ ‖v‖ · (g(θ + h u) − g(θ − h u)) / (2h),      u = v / ‖v‖,  h = `step` (default 1e-5)

Error bound (Taylor expansion of g along u, in float64):

    ‖error‖ ≤ ‖v‖ · ( h²/6 · M₃ + δ_g / h ),

M₃ the largest ‖D³L[u, u, ·]‖ on the segment θ ± h u, δ_g the absolute round-off of one
gradient (about 1e-16 · ‖g‖ per layer). With h = 1e-5 the first term is ~2e-11 · M₃ and the
second ~1e-11 · ‖g‖, so H v has about 10 correct digits. On a quadratic loss M₃ = 0 and only
round-off remains. ReLU's kink: if a unit's input z crosses 0 inside θ ± h u the gradient jumps
there and that product is wrong; this needs |z| < h·|∂z/∂u|, i.e. a unit within ~1e-5 of its
kink, which random data almost never give. Dropout is off (eval mode).

Eigenvalues by the Lanczos method with full reorthogonalization: k products H q give the
tridiagonal T_k = Q_kᵀ H Q_k, whose extreme eigenvalues (Ritz values) converge first to
H's largest and smallest. A Ritz value θ_i with eigenvector s_i of T_k is within
β_k |s_i[k]| of an eigenvalue of H; we stop when that bound is ≤ tol · max|θ| for both ends,
or after max_iter products (at most n, where the Krylov space is the whole space).
"""
import numpy as np

from nnlib import _check

STEP = 1e-5        # h of the central difference, along a unit vector
MAX_ITER = 300     # Hessian-vector products per eigenvalue problem
MAX_FULL = 2000    # parameters for which `hessian` builds the whole matrix (n products)


def hessian_operator(model, X, y, theta=None, step=STEP):
    """A function v -> H v for the loss of `model` on (X, y) at theta (default model.theta).

    Works on a float64 copy of the model, so the model itself is never changed.
    """
    step = _check.number("step", step, low=0, high=1e-2, low_open=True)
    twin = model.copy(dtype="float64")
    X, y = twin.check_data(X, y)
    X = X.astype(np.float64)
    origin = _vector(twin.n_params, model.theta if theta is None else theta, "theta")

    def matvec(v):
        v = _vector(twin.n_params, v, "v")
        size = float(np.linalg.norm(v))
        if size == 0:
            return np.zeros_like(v)
        shift = (step / size) * v
        twin.theta = origin + shift
        plus = twin.batch_loss_and_grad(X, y, train=False)[1].copy()
        twin.theta = origin - shift
        minus = twin.batch_loss_and_grad(X, y, train=False)[1]
        return (plus - minus) * (size / (2 * step))
    matvec.n = twin.n_params
    return matvec


def hvp(model, X, y, v, theta=None, step=STEP):
    """H v at theta (default model.theta): see the module docstring for the formula and its error."""
    return hessian_operator(model, X, y, theta, step)(v)


def hessian(model, X, y, theta=None, step=STEP):
    """The whole Hessian (n × n, symmetrized), one product H e_i per column: small networks only."""
    matvec = hessian_operator(model, X, y, theta, step)
    n = _check.integer("number of parameters", matvec.n, high=MAX_FULL)
    H = np.column_stack([matvec(e) for e in np.eye(n)])
    return (H + H.T) / 2


def lanczos(matvec, n, max_iter=100, tol=1e-6, seed=0):
    """Ritz values of the symmetric operator matvec (ascending) from at most max_iter products.

    The start vector is random from default_rng(seed). Stops early once the extreme Ritz values
    are within tol · max|θ| of eigenvalues (the bound in the module docstring), or when the
    Krylov space stops growing (then the Ritz values are exact eigenvalues).
    """
    n = _check.integer("n", n, low=1)
    k = min(_check.integer("max_iter", max_iter, low=1, high=MAX_ITER), n)
    tol = _check.number("tol", tol, low=0, high=1)
    Q = np.zeros((k + 1, n))
    q = _check.generator(seed).standard_normal(n)
    Q[0] = q / np.linalg.norm(q)
    alpha, beta = np.zeros(k), np.zeros(k)
    for j in range(k):
        w = np.asarray(matvec(Q[j]), dtype=float)
        alpha[j] = Q[j] @ w
        for _ in range(2):                       # full reorthogonalization, twice is enough
            w -= Q[:j + 1].T @ (Q[:j + 1] @ w)
        beta[j] = np.linalg.norm(w)
        ritz, vectors = _tridiagonal_eigh(alpha[:j + 1], beta[:j])
        bounds = beta[j] * np.abs(vectors[-1, [0, -1]])
        scale = max(np.abs(ritz).max(), np.finfo(float).tiny)
        if beta[j] <= 1e-12 * scale or bounds.max() <= tol * scale:
            break
        Q[j + 1] = w / beta[j]
    return ritz


def extreme_eigenvalues(model, X, y, theta=None, max_iter=100, tol=1e-6, seed=0, step=STEP):
    """(λ_min, λ_max): the smallest and largest Hessian eigenvalue of the loss at theta."""
    matvec = hessian_operator(model, X, y, theta, step)
    ritz = lanczos(matvec, matvec.n, max_iter, tol, seed)
    return float(ritz[0]), float(ritz[-1])


def _tridiagonal_eigh(diagonal, off):
    """Eigenvalues (ascending) and eigenvectors of the symmetric tridiagonal matrix."""
    T = np.diag(diagonal) + np.diag(off, 1) + np.diag(off, -1)
    return np.linalg.eigh(T)


def _vector(n, v, name):
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (n,) or not np.isfinite(v).all():
        raise ValueError(f"{name} must be {n} finite numbers, one per parameter, got shape {v.shape}")
    return v
