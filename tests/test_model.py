"""MLP: parameter layout, forward pass, trace, dropout, symmetry of constant inits, float32, input checks."""
from functools import partial

import numpy as np
import pytest

from nnlib import init, optim
from nnlib.model import MLP


def moons_like(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)      # XOR-like labels: needs a hidden layer


def train(model, X, y, steps=300, lr=0.1):
    opt = optim.SGD(lr=lr)
    for _ in range(steps):
        _, grad = model.loss_and_grad(X, y)
        opt.step(model.theta, grad)
    return model


# ---- parameters: one flat vector, (W, b) views ----------------------------------------

def test_theta_is_one_flat_vector_and_layers_are_views_into_it():
    model = MLP([2, 16, 16, 2])
    assert model.n_params == 3 * 16 + 17 * 16 + 17 * 2 == 354
    assert model.theta.shape == (354,)
    assert [(W.shape, b.shape) for W, b in model.layers] == [((2, 16), (16,)), ((16, 16), (16,)), ((16, 2), (2,))]
    for W, b in model.layers:
        assert np.shares_memory(W, model.theta) and np.shares_memory(b, model.theta)
        np.testing.assert_array_equal(b, 0.0)             # biases start at 0
        assert W.std() > 0
    model.theta[:] = np.arange(354)                       # layout per layer: W row by row, then b
    np.testing.assert_array_equal(model.layers[0][0], np.arange(32).reshape(2, 16))
    np.testing.assert_array_equal(model.layers[0][1], np.arange(32, 48))


def test_assigning_theta_copies_into_the_parameters():
    model = MLP([2, 3, 2])
    W = model.layers[0][0]
    model.theta = np.ones(model.n_params)
    assert model.layers[0][0] is W
    np.testing.assert_array_equal(W, 1.0)
    with pytest.raises(ValueError, match="theta must have shape"):
        model.theta = np.ones(3)


def test_gradient_is_one_preallocated_flat_vector():
    model = MLP([2, 4, 2])
    X, y = moons_like(8)
    _, g1 = model.loss_and_grad(X, y)
    _, g2 = model.loss_and_grad(X[:3], y[:3])
    assert g1 is g2 and g1.shape == model.theta.shape


def test_forward_matches_plain_numpy():
    model = MLP([2, 5, 4, 3], activation="tanh", seed=3)
    model.theta = np.random.default_rng(0).normal(size=model.n_params)
    X = np.random.default_rng(1).normal(size=(7, 2))
    (W1, b1), (W2, b2), (W3, b3) = model.layers
    expected = np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2) @ W3 + b3
    np.testing.assert_allclose(model.forward(X), expected, rtol=1e-13)


def test_results_do_not_depend_on_batch_sizes_seen_before():
    model = MLP([2, 8, 2])
    X, y = moons_like(20)
    small = model.loss(X[:5], y[:5])
    full = model.loss(X, y)
    out = model.forward(X[:5])
    model.loss(X, y)                                     # another batch size in between
    assert model.loss(X[:5], y[:5]) == small and model.loss(X, y) == full
    np.testing.assert_array_equal(model.forward(X[:5]), out)   # forward returns its own array


def test_l2_adds_half_sum_of_squared_weights_and_its_gradient():
    X, y = moons_like(10)
    plain, decayed = MLP([2, 4, 2], seed=1), MLP([2, 4, 2], seed=1, l2=0.3)
    plain.theta = decayed.theta = np.random.default_rng(2).normal(size=plain.n_params)
    loss0, g0 = plain.loss_and_grad(X, y)
    loss1, g1 = decayed.loss_and_grad(X, y)
    weights = sum((W ** 2).sum() for W, _ in plain.layers)
    assert loss1 == pytest.approx(loss0 + 0.15 * weights, rel=1e-14)
    assert decayed.loss(X, y) == pytest.approx(loss1, rel=1e-14)
    extra = (g1 - g0).copy()
    for (W, b), (dW, db) in zip(plain.layers, _split(plain, extra)):
        np.testing.assert_allclose(dW, 0.3 * W, rtol=1e-12)
        np.testing.assert_array_equal(db, 0.0)


def _split(model, flat):
    """(dW, db) per layer of a flat vector laid out like theta, using the views' offsets."""
    out, start = [], 0
    for W, b in model.layers:
        out.append((flat[start:start + W.size].reshape(W.shape), flat[start + W.size:start + W.size + b.size]))
        start += W.size + b.size
    return out


def test_predict_and_predict_proba():
    model = MLP([2, 6, 3], seed=1)
    X = np.random.default_rng(0).normal(size=(9, 2))
    p = model.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.forward(X).argmax(axis=1))
    regressor = MLP([1, 4, 1], loss="mse")
    assert regressor.predict(np.zeros((5, 1))).shape == (5,)
    with pytest.raises(ValueError, match="classifier"):
        regressor.predict_proba(np.zeros((5, 1)))


def test_copy_is_independent_and_can_change_dtype():
    model = MLP([2, 4, 2], dropout=0.2)
    twin = model.copy()
    X, y = moons_like(6)
    assert twin.loss(X, y) == model.loss(X, y)
    twin.theta += 1.0
    assert twin.loss(X, y) != model.loss(X, y)
    assert model.copy(dtype="float32").theta.dtype == np.float32


def test_training_reduces_the_loss():
    X, y = moons_like(64)
    model = MLP([2, 16, 2], seed=0)
    before = model.loss(X, y)
    assert train(model, X, y).loss(X, y) < 0.5 * before


# ---- trace: the same forward/backward, every intermediate ----------------------------

def test_trace_values_equal_forward_and_gradient():
    model = MLP([2, 5, 4, 3], activation="tanh", l2=0.01, seed=2)
    X = np.random.default_rng(0).normal(size=(6, 2))
    y = np.array([0, 1, 2, 2, 1, 0])
    t = model.trace(X, y)
    loss, grad = model.loss_and_grad(X, y, train=False)
    assert t["loss"] == loss
    np.testing.assert_array_equal(t["output"], model.forward(X))
    np.testing.assert_array_equal(t["a"][0], X)
    np.testing.assert_array_equal(t["a"][-1], t["output"])
    for l, (W, b) in enumerate(model.layers):
        np.testing.assert_allclose(t["z"][l], t["a"][l] @ W + b, rtol=1e-13)
        if l < len(model.layers) - 1:
            np.testing.assert_allclose(t["a"][l + 1], np.tanh(t["z"][l]), rtol=1e-13)
            np.testing.assert_allclose(t["da"][l], t["dz"][l + 1] @ model.layers[l + 1][0].T, rtol=1e-13)
            np.testing.assert_allclose(t["dz"][l], t["da"][l] * (1 - np.tanh(t["z"][l]) ** 2), rtol=1e-13)
    onehot = np.eye(3)[y]
    p = np.exp(t["output"]) / np.exp(t["output"]).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(t["dz"][-1], (p - onehot) / 6, rtol=1e-12)
    flat = np.concatenate([np.concatenate([dW.ravel(), db]) for dW, db in zip(t["dW"], t["db"])])
    np.testing.assert_array_equal(flat, grad)


def test_trace_returns_copies():
    model = MLP([2, 3, 2])
    X, y = moons_like(4)
    t = model.trace(X, y)
    z0 = t["z"][0].copy()
    model.loss_and_grad(X * 2, y)
    np.testing.assert_array_equal(t["z"][0], z0)


# ---- dropout ---------------------------------------------------------------------------

def test_dropout_is_the_identity_in_eval_mode():
    X, y = moons_like(10)
    with_dropout, without = MLP([2, 8, 8, 2], dropout=0.5, seed=4), MLP([2, 8, 8, 2], seed=4)
    np.testing.assert_array_equal(with_dropout.forward(X), without.forward(X))
    assert with_dropout.loss(X, y) == without.loss(X, y)
    assert not np.array_equal(with_dropout.forward(X, train=True), without.forward(X))


def test_dropout_zeroes_about_p_of_the_units_and_keeps_the_expected_activation():
    p = 0.3
    model = MLP([2, 16, 2], activation="sigmoid", dropout=p, seed=0)   # sigmoid is never exactly 0
    X = np.tile([[0.5, -1.0]], (5000, 1))                            # one example, 5000 times
    y = np.zeros(5000, dtype=int)
    trained = model.trace(X, y, train=True, rng=np.random.default_rng(1))["a"][1]
    clean = model.trace(X[:1], y[:1])["a"][1][0]
    assert np.mean(trained == 0) == pytest.approx(p, abs=0.01)
    kept = trained[:, 0][trained[:, 0] != 0]
    np.testing.assert_allclose(kept, clean[0] / (1 - p))             # inverted scaling
    np.testing.assert_allclose(trained.mean(axis=0), clean, rtol=0.05)


def test_dropout_masks_come_from_the_given_generator():
    model = MLP([2, 8, 2], dropout=0.5)
    X, y = moons_like(16)
    l1, g1 = model.loss_and_grad(X, y, rng=np.random.default_rng(7))
    g1 = g1.copy()
    l2, g2 = model.loss_and_grad(X, y, rng=np.random.default_rng(7))
    assert l1 == l2 and np.array_equal(g1, g2)
    l3, _ = model.loss_and_grad(X, y)                                 # the model's own generator
    l4, _ = model.loss_and_grad(X, y)
    assert l3 != l4


def test_dropout_gradient_matches_finite_differences_for_a_fixed_mask():
    model = MLP([2, 6, 6, 2], activation="tanh", dropout=0.4, seed=1)
    X, y = moons_like(8)
    _, grad = model.loss_and_grad(X, y, rng=np.random.default_rng(3))
    grad, eps = grad.copy(), 1e-6
    for i in range(0, model.n_params, 7):
        old = model.theta[i]
        model.theta[i] = old + eps
        plus = model.loss_and_grad(X, y, rng=np.random.default_rng(3))[0]
        model.theta[i] = old - eps
        minus = model.loss_and_grad(X, y, rng=np.random.default_rng(3))[0]
        model.theta[i] = old
        assert grad[i] == pytest.approx((plus - minus) / (2 * eps), rel=1e-5, abs=1e-9)


# ---- initialization: symmetry --------------------------------------------------------

@pytest.mark.parametrize("scheme", ["zeros", partial(init.constant, value=0.3)])
def test_constant_init_keeps_every_hidden_unit_identical(scheme):
    X, y = moons_like(64)
    model = train(MLP([2, 8, 8, 2], activation="tanh", init=scheme), X, y, steps=200)
    for W, _ in model.layers[:-1]:
        np.testing.assert_allclose(W, W[:, :1].repeat(W.shape[1], axis=1), atol=1e-12)   # equal columns
    hidden = model.trace(X, y)["a"][1]
    np.testing.assert_allclose(hidden, hidden[:, :1].repeat(8, axis=1), atol=1e-12)


@pytest.mark.parametrize("scheme", ["xavier_uniform", "xavier_normal", "he_normal", "he_uniform", "lecun_normal"])
def test_random_init_breaks_the_symmetry(scheme):
    X, y = moons_like(64)
    model = train(MLP([2, 8, 8, 2], activation="tanh", init=scheme), X, y, steps=50)
    for W, _ in model.layers[:-1]:
        assert np.abs(W - W[:, :1]).max() > 1e-2


def test_constant_init_moves_but_stays_symmetric():
    X, y = moons_like(64)
    model = MLP([2, 8, 2], activation="tanh", init=partial(init.constant, value=0.3))
    start = model.theta.copy()
    train(model, X, y, steps=50)
    assert np.abs(model.theta - start).max() > 1e-3     # it learns something, as one unit


# ---- float32 ---------------------------------------------------------------------------

def test_float32_model_matches_float64():
    X, y = moons_like(32)
    m64, m32 = MLP([2, 16, 16, 2], seed=5), MLP([2, 16, 16, 2], seed=5, dtype="float32")
    l64, g64 = m64.loss_and_grad(X, y)
    l32, g32 = m32.loss_and_grad(X, y)
    assert m32.theta.dtype == g32.dtype == m32.forward(X).dtype == np.float32
    assert l32 == pytest.approx(l64, rel=1e-5)
    np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-5)
    assert train(m32, X, y).loss(X, y) < 0.5 * l64


# ---- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, message", [
    ({"sizes": [2]}, "at least an input and an output"),
    ({"sizes": [2, 0, 2]}, "must be >= 1"),
    ({"sizes": "abc"}, "whole number"),
    ({"sizes": 3}, "list of layer widths"),
    ({"sizes": [2, 4, 1]}, "at least 2"),
    ({"activation": "swish"}, "unknown activation"),
    ({"init": "ones"}, "unknown init"),
    ({"loss": "hinge"}, "unknown loss"),
    ({"dtype": "float16"}, "unknown dtype"),
    ({"dropout": 1.0}, "dropout probability must be < 1"),
    ({"dropout": -0.1}, "dropout probability must be >= 0"),
    ({"l2": -1}, "l2 must be >= 0"),
    ({"seed": 1.5}, "seed must be a whole number"),
])
def test_bad_settings_raise_value_error(kwargs, message):
    settings = {"sizes": [2, 4, 2], **kwargs}
    with pytest.raises(ValueError, match=message):
        MLP(**settings)


@pytest.mark.parametrize("X, y, message", [
    (np.zeros((4, 3)), np.zeros(4, int), "2 columns"),
    (np.zeros(4), np.zeros(4, int), "2-D array"),
    (np.zeros((0, 2)), np.zeros(0, int), "empty"),
    (np.array([["a", "b"]]), np.zeros(1, int), "numbers"),
    (np.zeros((4, 2)), np.zeros(3, int), "one entry per row"),
    (np.zeros((4, 2)), np.array([0, 1, 2, 0]), "labels must be in 0..1"),
    (np.zeros((4, 2)), np.array([0, -1, 1, 0]), "labels must be in 0..1"),
    (np.zeros((4, 2)), np.array([0.0, 1.0, 1.0, 0.0]), "integers"),
])
def test_bad_batches_raise_value_error(X, y, message):
    model = MLP([2, 4, 2])
    with pytest.raises(ValueError, match=message):
        model.loss_and_grad(X, y)
    with pytest.raises(ValueError, match=message):
        model.loss(X, y)


def test_bad_regression_targets_raise_value_error():
    model = MLP([2, 4, 2], loss="mse")
    with pytest.raises(ValueError, match="one target per output"):
        model.loss(np.zeros((3, 2)), np.zeros(3))
    assert model.loss(np.zeros((3, 2)), np.zeros((3, 2))) >= 0
