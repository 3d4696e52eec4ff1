"""The residual MLP: backpropagation against finite differences in float64, the forward pass
against a textbook NumPy loop, and the tools that take any model (fit, loss landscape)."""
import itertools

import numpy as np
import pytest

from nnlib import data, landscape, optim
from nnlib.activations import ACTIVATIONS
from nnlib.gradcheck import gradcheck, relative_error
from nnlib.model import MLP
from nnlib.residual import ResidualMLP
from nnlib.train import fit
from tests.test_gradcheck import ACTIVATION_FORMULAS


def problem(activation="tanh", loss="cross_entropy", depth=3, width=5, l2=0.0, dropout=0.0, seed=0):
    """A residual net with random weights and biases, 3 inputs, `depth` hidden layers of `width`."""
    rng = np.random.default_rng(seed)
    n_out = 3 if loss == "cross_entropy" else 2
    model = ResidualMLP([3] + [width] * depth + [n_out], activation=activation, loss=loss, l2=l2,
                        dropout=dropout, seed=seed)
    model.theta = rng.normal(0.0, 0.5, model.n_params)
    X = rng.normal(size=(7, 3))
    y = rng.integers(0, n_out, 7) if loss == "cross_entropy" else rng.normal(size=(7, n_out))
    return model, X, y


def textbook_output(model, X):
    """a = f(xW + b), then a = a + f(aW + b) for each equal-width hidden layer, then linear."""
    f = ACTIVATION_FORMULAS[model.activation]
    a = X
    for i, (W, b) in enumerate(model.layers):
        if i == len(model.layers) - 1:
            return a @ W + b
        a = a + f(a @ W + b) if 0 < i and W.shape[0] == W.shape[1] else f(a @ W + b)


CASES = list(itertools.product(sorted(ACTIVATIONS), ["cross_entropy", "mse"], [2, 4, 8]))


@pytest.mark.parametrize("activation, loss, depth", CASES)
def test_gradcheck_passes_on_residual_networks_of_several_depths(activation, loss, depth):
    """GELU's cubic inside tanh has large third derivatives: the central difference's own error
    (∝ eps², 1.7e-5 at eps 1e-4, 1.7e-7 at 1e-5, 8 layers) is what the check sees there."""
    model, X, y = problem(activation, loss, depth)
    assert gradcheck(model, X, y) < (3e-7 if activation == "gelu" else 1e-7)


def test_gradcheck_passes_with_l2_l1_and_mixed_widths():
    """Widths 3 → 5 → 5 → 4 → 4 → 2: skips only where the width stays, l2 and l1 on the
    weights (copies keep both)."""
    rng = np.random.default_rng(3)
    model = ResidualMLP([3, 5, 5, 4, 4, 2], activation="tanh", l2=0.1, l1=0.05, seed=3)
    model.theta = rng.normal(0, 0.5, model.n_params)
    assert model.skips == (False, True, False, True) and model.copy().l1 == 0.05
    assert gradcheck(model, rng.normal(size=(6, 3)), rng.integers(0, 2, 6)) < 1e-7


def test_dropout_gradient_matches_finite_differences_of_the_same_masks():
    model, X, y = problem("tanh", depth=3, dropout=0.3)

    def train_loss(theta):
        twin = model.copy()
        twin.theta = theta
        return twin.loss_and_grad(X, y, train=True, rng=np.random.default_rng(5))[0]

    _, grad = model.loss_and_grad(X, y, train=True, rng=np.random.default_rng(5))
    eps, theta = 1e-5, model.theta.copy()
    numeric = np.array([(train_loss(theta + eps * e) - train_loss(theta - eps * e)) / (2 * eps)
                        for e in np.eye(model.n_params)])
    assert relative_error(grad, numeric, 1e-3 * train_loss(theta)).max() < 1e-7


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_forward_matches_a_textbook_residual_network(activation):
    model, X, _ = problem(activation, depth=4)
    np.testing.assert_allclose(model.forward(X), textbook_output(model, X), rtol=1e-12, atol=1e-12)


def test_blocks_start_scaled_by_one_over_root_k_and_the_rest_as_mlp():
    """Same sizes and seed as MLP: the projections equal, the 3 blocks' W times 1/√3, biases 0."""
    plain, res = MLP([2, 8, 8, 8, 8, 2], seed=4), ResidualMLP([2, 8, 8, 8, 8, 2], seed=4)
    assert res.skips == (False, True, True, True)
    for l, ((W, b), (W0, b0)) in enumerate(zip(res.layers, plain.layers)):
        np.testing.assert_allclose(W, W0 / 3**0.5 if 1 <= l <= 3 else W0, rtol=1e-15)
        np.testing.assert_array_equal(b, b0)
    assert ResidualMLP([2, 8, 8, 2], branch_scale=1.0, seed=4).layers[1][0] == pytest.approx(
        MLP([2, 8, 8, 2], seed=4).layers[1][0])


def test_the_signal_grows_far_less_than_two_to_the_k():
    """12 blocks of 32 ReLU units: the output spread stays within 20 times the plain MLP's with
    the default 1/√K, and is more than 200 times it with unscaled blocks (~2^K)."""
    X = np.random.default_rng(0).normal(size=(500, 2))
    sizes = [2] + [32] * 13 + [2]                      # 12 blocks
    spread = lambda model: model.forward(X).std()
    assert spread(ResidualMLP(sizes, seed=0)) < 20 * spread(MLP(sizes, seed=0))
    assert spread(ResidualMLP(sizes, branch_scale=1.0, seed=0)) > 200 * spread(MLP(sizes, seed=0))


def test_copy_is_an_independent_residual_network():
    model, X, _ = problem(depth=3)
    twin = model.copy()
    assert isinstance(twin, ResidualMLP) and twin.skips == model.skips
    assert twin.branch_scale == model.branch_scale
    np.testing.assert_array_equal(twin.forward(X), model.forward(X))
    twin.theta = twin.theta + 1.0
    assert not np.allclose(twin.forward(X), model.forward(X))


def test_loss_grid_of_a_residual_network_equals_one_loss_per_point():
    X, y = data.make_moons(60, noise=0.2, seed=0)
    model = ResidualMLP([2, 6, 6, 6, 2], activation="relu", l2=0.01, seed=1)
    d1, d2 = landscape.random_directions(model, seed=2)
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 3)
    Z = landscape.loss_grid(model, X, y, d1, d2, alphas, betas)
    twin, theta = model.copy(), model.theta.copy()
    for (i, b), (j, a) in itertools.product(enumerate(betas), enumerate(alphas)):
        twin.theta = theta + a * d1 + b * d2
        assert Z[i, j] == pytest.approx(twin.loss(X, y), rel=1e-10)


def test_fit_trains_a_deep_residual_network():
    X, y = data.make_moons(200, noise=0.1, seed=0)
    model = ResidualMLP([2] + [16] * 8 + [2], seed=0)
    hist = fit(model, X, y, optim.Adam(lr=0.01), batch_size=32, epochs=30, seed=0)
    assert hist.diverged_at is None
    assert hist.epochs["train_loss"][-1] < 0.5 * hist.epochs["train_loss"][0]
    assert hist.epochs["train_acc"][-1] > 0.9
