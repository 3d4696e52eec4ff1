r"""Weight initializers with torch.nn.init's formulas: f(n_in, n_out, rng, **params) -> (n_in, n_out).

fan_in = n_in (inputs of a unit), fan_out = n_out. Biases are not initialized here: they start at 0.

    xavier_uniform   U(−a, a),  a = gain · √(6 / (fan_in + fan_out))     (Glorot & Bengio 2010)
    xavier_normal    N(0, σ²),  σ = gain · √(2 / (fan_in + fan_out))
    he_uniform       U(−a, a),  a = √(6 / fan_in)                        (He et al. 2015, ReLU gain √2)
    he_normal        N(0, σ²),  σ = √(2 / fan_in)
    lecun_normal     N(0, σ²),  σ = √(1 / fan_in)                        (LeCun et al. 1998)

zeros and constant make every hidden unit identical, which gradient descent can never undo
(the symmetry problem); normal and uniform are the "small random numbers" recipes.
"""
import math

import numpy as np

from nnlib._check import integer, number, positive

MAX_WIDTH = 1024   # units per layer: far more than a network for toy data needs


def _sizes(n_in, n_out, rng):
    """Check the layer sizes and the generator; return (n_in, n_out) as ints."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {rng!r}")
    return (integer("n_in", n_in, low=1, high=MAX_WIDTH),
            integer("n_out", n_out, low=1, high=MAX_WIDTH))


def zeros(n_in, n_out, rng):
    return np.zeros(_sizes(n_in, n_out, rng))


def constant(n_in, n_out, rng, value=0.1):
    return np.full(_sizes(n_in, n_out, rng), number("constant value", value))


def normal(n_in, n_out, rng, std=0.05):
    """N(0, std²). Default as Keras's RandomNormal (torch's normal_ defaults to std = 1)."""
    return rng.normal(0.0, positive("std", std), _sizes(n_in, n_out, rng))


def uniform(n_in, n_out, rng, a=0.05):
    """U(−a, a). Default as Keras's RandomUniform."""
    a = positive("uniform bound a", a)
    return rng.uniform(-a, a, _sizes(n_in, n_out, rng))


def xavier_uniform(n_in, n_out, rng, gain=1.0):
    n_in, n_out = _sizes(n_in, n_out, rng)
    a = positive("gain", gain) * math.sqrt(6 / (n_in + n_out))
    return rng.uniform(-a, a, (n_in, n_out))


def xavier_normal(n_in, n_out, rng, gain=1.0):
    n_in, n_out = _sizes(n_in, n_out, rng)
    return rng.normal(0.0, positive("gain", gain) * math.sqrt(2 / (n_in + n_out)), (n_in, n_out))


def he_uniform(n_in, n_out, rng):
    n_in, n_out = _sizes(n_in, n_out, rng)
    a = math.sqrt(6 / n_in)
    return rng.uniform(-a, a, (n_in, n_out))


def he_normal(n_in, n_out, rng):
    n_in, n_out = _sizes(n_in, n_out, rng)
    return rng.normal(0.0, math.sqrt(2 / n_in), (n_in, n_out))


def lecun_normal(n_in, n_out, rng):
    """torch: kaiming_normal_ with nonlinearity="linear" (Keras truncates the normal; we do not)."""
    n_in, n_out = _sizes(n_in, n_out, rng)
    return rng.normal(0.0, math.sqrt(1 / n_in), (n_in, n_out))


INITS = {f.__name__: f for f in (zeros, constant, normal, uniform, xavier_uniform, xavier_normal,
                                 he_normal, he_uniform, lecun_normal)}
