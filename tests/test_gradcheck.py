"""Backpropagation against finite differences, in float64, for every activation, loss and depth."""
import dataclasses
import itertools

import numpy as np
import pytest

from nnlib.activations import ACTIVATIONS
from nnlib.gradcheck import gradcheck, relative_error
from nnlib.model import MLP

ACTIVATION_FORMULAS = {           # written out here, independently of nnlib.activations
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "identity": lambda z: z,
    "elu": lambda z: np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "silu": lambda z: z / (1 + np.exp(-z)),
    "gelu": lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3))),
}


def problem(activation, loss, depth, l2=0.0, seed=0):
    """A small net with random weights AND biases (so no ReLU input sits exactly on its kink)."""
    rng = np.random.default_rng(seed)
    n_out = 3 if loss == "cross_entropy" else 2
    model = MLP([3] + [5] * depth + [n_out], activation=activation, loss=loss, l2=l2, seed=seed)
    model.theta = rng.normal(0.0, 0.7, model.n_params)
    X = rng.normal(size=(6, 3))
    y = rng.integers(0, n_out, 6) if loss == "cross_entropy" else rng.normal(size=(6, n_out))
    return model, X, y


def plain_loss(model, X, y):
    """The model's loss recomputed from model.layers with textbook NumPy."""
    f = ACTIVATION_FORMULAS[model.activation]
    a = X
    for i, (W, b) in enumerate(model.layers):
        z = a @ W + b
        a = f(z) if i < len(model.layers) - 1 else z
    if model.loss_name == "cross_entropy":
        log_p = a - a.max(axis=1, keepdims=True)
        log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
        data_loss = -log_p[np.arange(len(y)), y].mean()
    else:
        data_loss = ((a - y) ** 2).mean()
    return data_loss + model.l2 / 2 * sum((W ** 2).sum() for W, _ in model.layers)


CASES = list(itertools.product(sorted(ACTIVATIONS), ["cross_entropy", "mse"], [0.0, 0.1], [1, 2, 3]))


@pytest.mark.parametrize("activation, loss, l2, depth", CASES)
def test_gradcheck_passes_for_every_activation_loss_and_depth(activation, loss, l2, depth):
    model, X, y = problem(activation, loss, depth, l2)
    assert gradcheck(model, X, y) < 1e-7


@pytest.mark.parametrize("activation, loss", itertools.product(sorted(ACTIVATIONS), ["cross_entropy", "mse"]))
def test_gradient_matches_an_independent_finite_difference(activation, loss):
    model, X, y = problem(activation, loss, depth=2, l2=0.05, seed=1)
    loss_value, grad = model.loss_and_grad(X, y, train=False)
    assert loss_value == pytest.approx(plain_loss(model, X, y), rel=1e-12)
    eps = 1e-6
    for (W, b), (dW, db) in zip(model.layers, _grad_views(model, grad)):
        for param, analytic in ((W, dW), (b, db)):
            for i in np.ndindex(param.shape):
                old = param[i]
                param[i] = old + eps
                plus = plain_loss(model, X, y)
                param[i] = old - eps
                minus = plain_loss(model, X, y)
                param[i] = old
                assert analytic[i] == pytest.approx((plus - minus) / (2 * eps), rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("activation, loss", [("tanh", "cross_entropy"), ("relu", "mse")])
def test_l1_adds_l1_times_the_sum_of_abs_w_and_its_gradient_passes_gradcheck(activation, loss):
    """l1 · Σ|W| over the weights, gradient l1 · sign(W), biases untouched (random weights from
    N(0, 0.7²): none sits on the kink at 0)."""
    model, X, y = problem(activation, loss, depth=2, l2=0.05, seed=2)
    sparse = MLP(model.sizes, activation=activation, loss=loss, l2=0.05, l1=0.1)
    sparse.theta = model.theta
    assert gradcheck(sparse, X, y) < 1e-7 and sparse.copy().l1 == 0.1
    weights = sum(np.abs(W).sum() for W, _ in model.layers)
    assert sparse.loss(X, y) == pytest.approx(model.loss(X, y) + 0.1 * weights, rel=1e-12)
    extra = sparse.loss_and_grad(X, y, train=False)[1] - model.loss_and_grad(X, y, train=False)[1]
    for (W, b), (dW, db) in zip(model.layers, _grad_views(model, extra)):
        np.testing.assert_allclose(dW, 0.1 * np.sign(W), atol=1e-12)
        assert np.all(db == 0)


def _grad_views(model, grad):
    """Split the flat gradient like theta into per-layer (dW, db), by the layout [W; b] per layer."""
    views, start = [], 0
    for W, b in model.layers:
        block = grad[start:start + W.size + b.size].reshape(W.shape[0] + 1, W.shape[1])
        views.append((block[:-1], block[-1]))
        start += W.size + b.size
    return views


def test_gradcheck_catches_a_wrong_derivative(monkeypatch):
    wrong = dataclasses.replace(ACTIVATIONS["tanh"], df=lambda z, a, out=None: np.ones_like(z))
    monkeypatch.setitem(ACTIVATIONS, "tanh", wrong)   # backprop uses f'(z) = 1, not 1 − tanh²(z)
    model, X, y = problem("tanh", "cross_entropy", depth=2)
    assert gradcheck(model, X, y) > 1e-2


def test_gradcheck_runs_float32_models_in_float64_and_ignores_dropout():
    model, X, y = problem("tanh", "cross_entropy", depth=2)
    dropped = MLP(model.sizes, activation="tanh", dropout=0.5, dtype="float32")
    dropped.theta = model.theta
    assert gradcheck(dropped, X, y) < 1e-7
    assert dropped.theta.dtype == np.float32            # the model itself is left alone


def test_relative_error_floor():
    assert relative_error(np.array([0.0]), np.array([0.0]))[0] == 0.0
    np.testing.assert_allclose(relative_error(np.array([1.0, 1e-9]), np.array([3.0, 2e-9]), floor=1e-3),
                               [2 / 4, 1e-9 / 1e-3])
