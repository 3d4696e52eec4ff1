"""Network loss landscapes (nnlib.landscape): directions, projections, grids, interpolation."""
import numpy as np
import pytest

from nnlib import data, landscape
from nnlib.model import MLP

X, Y = data.make_moons(120, noise=0.2, seed=0)
X_REG = np.linspace(-1, 1, 50)[:, None]
Y_REG = np.sin(3 * X_REG[:, 0])

MODELS = {
    "relu-ce": (MLP([2, 8, 6, 2], seed=1), X, Y),
    "tanh-ce-l2": (MLP([2, 5, 3], activation="tanh", l2=0.01, seed=2), X, Y),
    "tanh-ce-l1": (MLP([2, 5, 3], activation="tanh", l2=0.01, l1=0.02, seed=2), X, Y),
    "sigmoid-mse": (MLP([1, 7, 1], activation="sigmoid", loss="mse", seed=3), X_REG, Y_REG),
}


def loss_at(model, theta, X, y):
    twin = model.copy()
    twin.theta = theta
    return twin.loss(X, y)


def layers_of(model, flat):
    """The (W, b) blocks of a flat vector laid out like model.theta."""
    twin = model.copy()
    twin.theta = flat
    return twin.layers


@pytest.mark.parametrize("name", MODELS)
def test_filter_normalized_directions(name):
    model = MODELS[name][0]
    d1, d2 = landscape.random_directions(model, seed=4)
    assert d1.shape == d2.shape == model.theta.shape and not np.allclose(d1, d2)
    for d in (d1, d2):
        for (W_d, b_d), (W, _) in zip(layers_of(model, d), model.layers):
            np.testing.assert_allclose(np.linalg.norm(W_d, axis=0), np.linalg.norm(W, axis=0),
                                       rtol=1e-12)
            assert not np.allclose(W_d, W) and np.all(b_d == 0)
    again = landscape.random_directions(model, seed=4)
    np.testing.assert_array_equal(again[0], d1)


def test_plain_random_directions_are_standard_normal():
    model = MLP([2, 40, 40, 2], seed=0)
    d1, d2 = landscape.random_directions(model, filter_normalize=False, seed=0)
    assert abs(d1.std() - 1) < 0.05 and abs(d2.mean()) < 0.05
    assert np.all(layers_of(model, d1)[0][1] != 0)


def trajectory(n_params=30, steps=25, seed=0):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.standard_normal((steps, n_params)) * np.linspace(2, 0.1, n_params), 0)


def test_pca_directions_are_orthonormal_and_explain_the_projection():
    thetas = trajectory()
    d1, d2, ratio = landscape.pca_directions(thetas)
    np.testing.assert_allclose([d1 @ d1, d2 @ d2, d1 @ d2], [1, 1, 0], atol=1e-12)
    alphas, betas = landscape.project(thetas, thetas[-1], d1, d2)
    total = np.sum((thetas - thetas[-1]) ** 2)
    np.testing.assert_allclose(ratio, [np.sum(alphas**2) / total, np.sum(betas**2) / total],
                               rtol=1e-10)
    assert 1 > ratio[0] >= ratio[1] > 0
    assert alphas[0] > 0 and betas[0] > 0 and alphas[-1] == betas[-1] == 0


def test_a_planar_trajectory_is_recovered_exactly():
    rng = np.random.default_rng(1)
    u, v = np.linalg.qr(rng.standard_normal((40, 2)))[0].T
    a, b = rng.standard_normal((2, 15))
    final = rng.standard_normal(40)
    thetas = final + a[:, None] * u + b[:, None] * v
    d1, d2, ratio = landscape.pca_directions(thetas)
    assert ratio.sum() == pytest.approx(1.0, abs=1e-12)
    alphas, betas = landscape.project(thetas, final, d1, d2)
    np.testing.assert_allclose(final + alphas[:, None] * d1 + betas[:, None] * d2, thetas,
                               atol=1e-12)


def test_project_solves_least_squares_for_oblique_directions():
    rng = np.random.default_rng(2)
    d1, d2, origin = rng.standard_normal((3, 12))
    a, b = np.array([0.5, -1.0, 2.0]), np.array([3.0, 0.25, -0.5])
    alphas, betas = landscape.project(origin + a[:, None] * d1 + b[:, None] * d2, origin, d1, d2)
    np.testing.assert_allclose(alphas, a, atol=1e-12)
    np.testing.assert_allclose(betas, b, atol=1e-12)


def test_pca_needs_three_snapshots():
    with pytest.raises(ValueError, match="at least 3 parameter snapshots"):
        landscape.pca_directions(np.zeros((2, 5)))


@pytest.mark.parametrize("name", MODELS)
def test_loss_grid_matches_model_loss_everywhere(name):
    model, X_, y_ = MODELS[name]
    theta = model.theta.copy()
    d1, d2 = landscape.random_directions(model, seed=0)
    alphas, betas = np.array([-0.5, -0.25, 0.0, 0.4, 1.0]), np.array([-0.3, 0.0, 0.7])
    Z = landscape.loss_grid(model, X_, y_, d1, d2, alphas, betas)
    assert Z.shape == (3, 5)
    assert Z[1, 2] == pytest.approx(model.loss(X_, y_), rel=1e-12)
    expected = [[loss_at(model, theta + a * d1 + b * d2, X_, y_) for a in alphas] for b in betas]
    np.testing.assert_allclose(Z, expected, rtol=1e-12)
    np.testing.assert_array_equal(model.theta, theta)        # the model is left untouched


def test_chunks_do_not_change_the_grid(monkeypatch):
    model, X_, y_ = MODELS["relu-ce"]
    d1, d2 = landscape.random_directions(model)
    grid = np.linspace(-1, 1, 7)
    whole = landscape.loss_grid(model, X_, y_, d1, d2, grid, grid)
    monkeypatch.setattr(landscape, "CHUNK_BYTES", 1)             # one parameter set per chunk
    np.testing.assert_allclose(landscape.loss_grid(model, X_, y_, d1, d2, grid, grid), whole,
                               rtol=1e-13)


def test_float32_model():
    model = MLP([2, 8, 2], seed=0, dtype="float32")
    d1, d2 = landscape.random_directions(model)
    Z = landscape.loss_grid(model, X, Y, d1, d2, [0.0, 0.5], [0.0])
    assert Z[0, 0] == pytest.approx(model.loss(X, Y), rel=1e-5)
    assert Z[0, 1] == pytest.approx(loss_at(model, model.theta + 0.5 * d1, X, Y), rel=1e-5)


@pytest.mark.parametrize("name", MODELS)
def test_interpolate_between_two_networks(name):
    model, X_, y_ = MODELS[name]
    theta_a = model.theta.copy()
    theta_b = theta_a + np.random.default_rng(0).standard_normal(model.n_params)
    losses = landscape.interpolate(model, theta_a, theta_b, X_, y_, n=11)
    assert losses.shape == (11,)
    assert losses[0] == pytest.approx(loss_at(model, theta_a, X_, y_), rel=1e-12)
    assert losses[-1] == pytest.approx(loss_at(model, theta_b, X_, y_), rel=1e-12)
    assert losses[5] == pytest.approx(loss_at(model, (theta_a + theta_b) / 2, X_, y_), rel=1e-12)


def test_bad_data_is_explained():
    model = MODELS["relu-ce"][0]
    d1, d2 = landscape.random_directions(model)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        landscape.loss_grid(model, X[:, :1], Y, d1, d2, [0.0], [0.0])
    with pytest.raises(ValueError, match="n must be >= 2"):
        landscape.interpolate(model, model.theta, model.theta, X, Y, n=1)
