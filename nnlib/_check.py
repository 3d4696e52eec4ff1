"""Argument checks shared by nnlib: each raises ValueError with a sentence a student understands."""
import math
import numbers


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


def choice(name, value, options):
    """Return value if it is one of options, else raise ValueError listing them."""
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"unknown {name} {value!r}; choose one of {listed}")
    return value
