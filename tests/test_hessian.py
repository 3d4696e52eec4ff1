"""Hessian tools: products against second differences of the loss alone (no backprop), the
eigenvalues against known spectra and numpy.linalg.eigvalsh of the full Hessian."""
import numpy as np
import pytest

from nnlib import data, hessian, optim
from nnlib.model import MLP
from nnlib.residual import ResidualMLP
from nnlib.train import fit


def second_difference_hessian(model, X, y, h=1e-4):
    """H_ij ≈ [L(θ+he_i+he_j) − L(θ+he_i−he_j) − L(θ−he_i+he_j) + L(θ−he_i−he_j)] / 4h²,
    column by column, from model.loss only (error O(h²) + round-off ~1e-16·L/h²)."""
    twin, theta = model.copy(), model.theta.copy()
    n = model.n_params
    H = np.empty((n, n))

    def loss(shift):
        twin.theta = theta + shift
        return twin.loss(X, y)
    E = h * np.eye(n)
    for i in range(n):
        for j in range(i, n):
            H[i, j] = H[j, i] = (loss(E[i] + E[j]) - loss(E[i] - E[j]) - loss(-E[i] + E[j])
                                 + loss(-E[i] - E[j])) / (4 * h * h)
    return H


@pytest.mark.parametrize("make", [MLP, ResidualMLP])
def test_hvp_equals_a_hessian_built_from_second_differences_of_the_loss(make):
    rng = np.random.default_rng(0)
    model = make([2, 3, 3, 2], activation="tanh", seed=0)
    model.theta = rng.normal(0, 0.8, model.n_params)
    X, y = rng.normal(size=(8, 2)), rng.integers(0, 2, 8)
    H = second_difference_hessian(model, X, y)
    for _ in range(3):
        v = rng.normal(size=model.n_params)
        np.testing.assert_allclose(hessian.hvp(model, X, y, v), H @ v, atol=1e-6 * np.abs(H).max() * np.linalg.norm(v))
    np.testing.assert_allclose(hessian.hessian(model, X, y), H, atol=1e-6 * np.abs(H).max())


def linear_regression():
    """MLP([3, 2], mse): L = 1/(NK) ‖A W − Y‖², A = [X, 1], a quadratic with Hessian
    2/(NK) · (AᵀA ⊗ I_K) in theta's row-major layout of [W; b]."""
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    model = MLP([3, 2], loss="mse", seed=1)
    A = np.column_stack([X, np.ones(20)])
    return model, X, Y, 2 / (20 * 2) * np.kron(A.T @ A, np.eye(2))


def test_hessian_of_linear_regression_is_exact():
    model, X, Y, H = linear_regression()
    np.testing.assert_allclose(hessian.hessian(model, X, Y), H, rtol=1e-8, atol=1e-10)


def test_extreme_eigenvalues_of_linear_regression_are_exact():
    model, X, Y, H = linear_regression()
    lo, hi = hessian.extreme_eigenvalues(model, X, Y, tol=1e-10)
    exact = np.linalg.eigvalsh(H)
    assert lo == pytest.approx(exact[0], rel=1e-7) and hi == pytest.approx(exact[-1], rel=1e-7)


@pytest.mark.parametrize("seed", range(3))
def test_lanczos_on_a_quadratic_with_known_spectrum_is_exact(seed):
    """H = Q diag(λ) Qᵀ with λ from −3 to 50 (an indefinite 'saddle'), 60 dimensions."""
    rng = np.random.default_rng(seed)
    spectrum = np.concatenate([[-3.0, 50.0], rng.uniform(-2, 40, 58)])
    Q = np.linalg.qr(rng.normal(size=(60, 60)))[0]
    H = Q @ np.diag(spectrum) @ Q.T
    ritz = hessian.lanczos(lambda v: H @ v, 60, max_iter=60, tol=1e-12, seed=seed)
    assert ritz[0] == pytest.approx(-3.0, abs=1e-9) and ritz[-1] == pytest.approx(50.0, abs=1e-9)


def test_lanczos_is_bounded_and_stops_early_on_few_distinct_eigenvalues():
    calls = []
    H = np.diag(np.repeat([1.0, 2.0, 5.0], 100))      # 300 dimensions, 3 distinct eigenvalues

    def matvec(v):
        calls.append(1)
        return H @ v
    ritz = hessian.lanczos(matvec, 300, max_iter=50, tol=1e-10)
    assert len(calls) <= 4
    np.testing.assert_allclose(ritz[[0, -1]], [1.0, 5.0], rtol=1e-10)
    calls.clear()
    hessian.lanczos(lambda v: (calls.append(1), np.arange(300.0) * v)[1], 300, max_iter=7, tol=0)
    assert len(calls) == 7


def test_top_eigenvalue_of_a_trained_network_matches_eigvalsh_of_the_full_hessian():
    X, y = data.make_moons(100, noise=0.2, seed=0)
    model = MLP([2, 8, 8, 2], activation="tanh", seed=0)
    fit(model, X, y, optim.Adam(lr=0.02), batch_size=20, epochs=60, seed=0)
    exact = np.linalg.eigvalsh(hessian.hessian(model, X, y))
    lo, hi = hessian.extreme_eigenvalues(model, X, y, max_iter=120, tol=1e-8)
    assert hi == pytest.approx(exact[-1], rel=1e-6)
    assert lo == pytest.approx(exact[0], abs=1e-6 * exact[-1])


def test_the_model_keeps_its_parameters():
    model, X, Y, _ = linear_regression()
    before = model.theta.copy()
    hessian.extreme_eigenvalues(model, X, Y)
    np.testing.assert_array_equal(model.theta, before)


def test_bad_input_gives_a_clear_message():
    model, X, Y, _ = linear_regression()
    with pytest.raises(ValueError, match="v must be 8 finite numbers"):
        hessian.hvp(model, X, Y, np.ones(3))
    with pytest.raises(ValueError, match="max_iter must be <= 300"):
        hessian.lanczos(lambda v: v, 10, max_iter=1000)
