r"""Activation functions of the hidden layers: a = f(z) and the derivative f'(z).

Each entry of `ACTIVATIONS` has
    f(z, out=None)      -> a = f(z), elementwise
    df(z, a, out=None)  -> f'(z), elementwise; a = f(z) is passed so the derivative can reuse it
`out` lets the model write into its preallocated arrays; without it a new array is returned.
Where the derivative does not exist (ReLU's kink at 0) we use torch's choice: f'(0) = 0
(leaky ReLU: the slope).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable
    df: Callable


def _like(z, out):
    """The array to write the result into: `out` if given, else a new one shaped like z."""
    return np.empty_like(z) if out is None else out


def relu(z, out=None):
    return np.maximum(z, 0, out=out)


def relu_df(z, a, out=None):
    """1 where z > 0, else 0. Since a = max(z, 0) ≥ 0, that is sign(a)."""
    return np.sign(a, out=out)


def leaky_relu(z, out=None):
    """z for z > 0, 0.01 z otherwise; for a slope below 1 that is max(z, 0.01 z)."""
    return np.maximum(z, np.multiply(z, LEAKY_SLOPE, out=out), out=out)


def leaky_relu_df(z, a, out=None):
    """1 where z > 0, else the slope 0.01."""
    d = np.greater(z, 0, out=_like(z, out))
    d *= 1 - LEAKY_SLOPE
    d += LEAKY_SLOPE
    return d


def tanh(z, out=None):
    return np.tanh(z, out=out)


def tanh_df(z, a, out=None):
    """1 − tanh(z)² = 1 − a²."""
    a2 = np.multiply(a, a, out=out)
    return np.subtract(1, a2, out=a2)


def sigmoid(z, out=None):
    """1 / (1 + e^(−z)), computed as (1 + tanh(z/2)) / 2: the same number, without overflow."""
    s = np.multiply(z, 0.5, out=_like(z, out))
    np.tanh(s, out=s)
    s += 1
    s *= 0.5
    return s


def sigmoid_df(z, a, out=None):
    """σ(z)(1 − σ(z)) = a (1 − a)."""
    d = np.subtract(1, a, out=out)
    d *= a
    return d


def identity(z, out=None):
    a = _like(z, out)
    np.copyto(a, z)
    return a


def identity_df(z, a, out=None):
    d = _like(z, out)
    d.fill(1)
    return d


ACTIVATIONS = {a.name: a for a in (
    Activation("relu", relu, relu_df),
    Activation("leaky_relu", leaky_relu, leaky_relu_df),
    Activation("tanh", tanh, tanh_df),
    Activation("sigmoid", sigmoid, sigmoid_df),
    Activation("identity", identity, identity_df),
)}
