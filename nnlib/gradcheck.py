r"""Gradient check: compare backpropagation with central finite differences.

    numeric_i = (L(θ + ε e_i) − L(θ − ε e_i)) / (2ε)          (error O(ε²))
    relative error_i = |analytic_i − numeric_i| / max(|analytic_i| + |numeric_i|, floor)

In float64 a correct gradient gives a maximum relative error below 1e-7; a bug gives errors
near 1. The floor keeps round-off from passing for an error: each loss is exact only to
~1e-16·|L|, so every numeric_i carries noise of ~1e-11·|L| (ε = 1e-5) however small the entry,
which for an entry of 1e-4·|L| alone is a relative error of 1e-7. gradcheck therefore uses
floor = 1e-3·|L|: smaller entries are held to an absolute error of 1e-10·|L|. Dropout is switched
off (eval mode) so that the loss is a fixed function of θ.
"""
import numpy as np

from nnlib._check import number

FLOOR = 1e-3     # times |L|
TINY = 1e-300    # two exact zeros agree


def numeric_gradient(model, X, y, eps=1e-5):
    """Central differences of model.loss, one parameter at a time, in the model's own precision."""
    theta = model.theta
    grad = np.empty_like(theta)
    for i, old in enumerate(theta.tolist()):
        theta[i] = old + eps
        plus = model.loss(X, y)
        theta[i] = old - eps
        minus = model.loss(X, y)
        theta[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric, floor=0.0):
    """|a − n| / max(|a| + |n|, floor), elementwise."""
    size = np.abs(analytic) + np.abs(numeric)
    return np.abs(analytic - numeric) / np.maximum(size, max(floor, TINY))


def gradcheck(model, X, y, eps=1e-5):
    """Maximum relative error between model.loss_and_grad and central differences, in float64."""
    eps = number("eps", eps, low=0, high=0.1, low_open=True)
    model = model.copy(dtype="float64")
    loss, analytic = model.loss_and_grad(X, y, train=False)
    analytic = analytic.copy()
    numeric = numeric_gradient(model, X, y, eps)
    return float(relative_error(analytic, numeric, FLOOR * abs(loss)).max())
