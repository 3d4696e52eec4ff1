"""Argument checks shared by nnlib: each raises ValueError with a sentence a student understands."""
import inspect
import math
import numbers

import numpy as np


def number(name, value, low=-math.inf, high=math.inf, low_open=False, high_open=False):
    """Return float(value) if it is a finite number in the given range, else raise ValueError.

    >>> number("learning rate", -0.1, low=0, low_open=True)
    Traceback (most recent call last):
    ValueError: learning rate must be > 0, got -0.1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if value < low or (low_open and value == low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value:g}")
    if value > high or (high_open and value == high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {value:g}")
    return value


def positive(name, value):
    """A finite number > 0 (learning rates, eps, std)."""
    return number(name, value, low=0, low_open=True)


def integer(name, value, low=-math.inf, high=math.inf):
    """Return int(value) if it is a whole number in [low, high], else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return int(value)


def flag(name, value):
    """Return value as a bool if it is True/False (or 1/0), else raise ValueError: a string
    such as "no" would otherwise count as switched on."""
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, numbers.Integral) and value in (0, 1)):
        return bool(value)
    raise ValueError(f"{name} must be True or False, got {value!r}")


def choice(name, value, options):
    """Return value if it is one of options, else raise ValueError listing them."""
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"unknown {name} {value!r}; choose one of {listed}")
    return value


def generator(seed):
    """np.random.default_rng(seed) for a whole-number seed >= 0."""
    return np.random.default_rng(integer("seed", seed, low=0))


def settings(name, factory, kwargs, given=()):
    """Raise ValueError unless factory(*given, **kwargs) names every setting right: none
    unknown and none of the required ones missing (`given` names those passed by position)."""
    params = inspect.signature(factory).parameters
    unknown = set(kwargs) - set(params)
    if unknown:
        raise ValueError(f"{name} has no setting {', '.join(sorted(unknown))}")
    missing = [p for p, param in params.items() if param.default is param.empty
               and p not in kwargs and p not in given]
    if missing:
        raise ValueError(f"{name} needs the setting {', '.join(missing)}")


MAX_VALUE = 1e15   # larger data could overflow once squared and summed (float32 ends at 3e38)


def values(name, array):
    """Raise ValueError unless every entry of the numeric array is finite and within ±MAX_VALUE."""
    if not (np.abs(array) <= MAX_VALUE).all():      # False for NaN too
        raise ValueError(f"{name} must hold finite numbers within ±{MAX_VALUE:g}; it has a NaN, "
                         "an infinity or a larger value")
