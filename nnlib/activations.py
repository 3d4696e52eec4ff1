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
    return np.maximum(z, 0.0, out=out)     # 0.0, not 0: NumPy converts a float faster


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


def elu(z, out=None):
    """ELU (α = 1): z for z > 0, e^z − 1 otherwise."""
    a = np.expm1(np.minimum(z, 0), out=_like(z, out))
    return np.maximum(a, z, out=a)            # e^z − 1 ≥ z everywhere: for z < 0 it wins


def elu_df(z, a, out=None):
    """1 where z > 0, else e^z = a + 1."""
    d = np.add(a, 1, out=out)
    return np.minimum(d, 1, out=d)            # e^z < 1 below 0 and a + 1 > 1 above


SOFTPLUS_LINEAR = 20.0   # torch's threshold: above it softplus is z itself (they differ by < 3e-9)


def softplus(z, out=None):
    """log(1 + e^z), computed as logaddexp(0, z) without overflow; z above SOFTPLUS_LINEAR."""
    a = np.logaddexp(0, z, out=out)
    np.copyto(a, z, where=z > SOFTPLUS_LINEAR)
    return a


def softplus_df(z, a, out=None):
    """σ(z), the sigmoid; 1 above SOFTPLUS_LINEAR."""
    d = sigmoid(z, out=out)
    d[z > SOFTPLUS_LINEAR] = 1
    return d


def silu(z, out=None):
    """SiLU (swish): z σ(z)."""
    s = sigmoid(z, out=out)
    s *= z
    return s


def silu_df(z, a, out=None):
    """σ(z) (1 + z (1 − σ(z))) = σ(z) + a (1 − σ(z)), with a = z σ(z)."""
    s = sigmoid(z)
    d = np.subtract(1, s, out=out)
    d *= a
    d += s
    return d


GELU_C = np.sqrt(2 / np.pi)


def gelu(z, out=None):
    """GELU, tanh form (torch's approximate="tanh"): ½ z (1 + tanh u), u = √(2/π)(z + 0.044715 z³)."""
    t = np.tanh(GELU_C * (z + 0.044715 * z ** 3))
    t += 1
    return np.multiply(0.5 * z, t, out=out)


def gelu_df(z, a, out=None):
    """½ (1 + tanh u) + ½ z (1 − tanh² u) √(2/π) (1 + 3 · 0.044715 z²)."""
    t = np.tanh(GELU_C * (z + 0.044715 * z ** 3))
    d = np.multiply(0.5 * z * (1 - t * t) * GELU_C, 1 + 3 * 0.044715 * z * z, out=out)
    d += 0.5 * (1 + t)
    return d


ACTIVATIONS = {a.name: a for a in (
    Activation("relu", relu, relu_df),
    Activation("leaky_relu", leaky_relu, leaky_relu_df),
    Activation("tanh", tanh, tanh_df),
    Activation("sigmoid", sigmoid, sigmoid_df),
    Activation("identity", identity, identity_df),
    Activation("elu", elu, elu_df),
    Activation("softplus", softplus, softplus_df),
    Activation("silu", silu, silu_df),
    Activation("gelu", gelu, gelu_df),
)}
