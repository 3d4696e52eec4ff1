"""Shared helpers of the property-based tests (test_properties*.py): the `outcome` of a call
(its result, or REFUSED when nnlib raised a ValueError on purpose) and input strategies.

"On purpose" means the exception comes from a `raise` statement in nnlib itself: a ValueError
that NumPy or Python raises deep inside ("could not broadcast", "not enough values to unpack")
is a bug, as is any other exception type and any NumPy warning (every warning is an error here).
"""
import math
import traceback
import warnings
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

import nnlib
from nnlib import activations, init, losses
from nnlib.model import MAX_WIDTH, MLP

NNLIB = Path(nnlib.__file__).resolve().parent
REFUSED = object()   # what `outcome` returns when nnlib refused the input

property_test = settings(max_examples=60, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.too_slow],
                         phases=[Phase.explicit, Phase.generate, Phase.shrink])


def refused_on_purpose(error):
    """True if error is a plain ValueError raised by a `raise` line in nnlib, with a sentence."""
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return (type(error) is ValueError and Path(frame.filename).resolve().parent == NNLIB
            and frame.line.startswith("raise") and len(str(error).split()) >= 3)


def outcome(call, *args, **kwargs):
    """call(*args, **kwargs) with NumPy warnings as errors: its result, or REFUSED if nnlib
    raised a ValueError on purpose; anything else propagates and fails the test."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return call(*args, **kwargs)
    except ValueError as error:
        if not refused_on_purpose(error):
            raise
        return REFUSED


def finite(*arrays):
    return all(np.isfinite(np.asarray(a, dtype=float)).all() for a in arrays)


# ---- strategies ------------------------------------------------------------------------

junk = st.sampled_from([None, "abc", "0.1", "", [0.1], (1, 2), {}, True, object()])
special = st.sampled_from([0.0, -0.0, -1.0, 1.0, math.nan, math.inf, -math.inf, 1e308, 1e-308,
                           -1e-300, 5e-324, 2.0**63, 10**30])
any_number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), special,
                       st.integers(-10**20, 10**20))
anything = st.one_of(any_number, junk)
small = st.floats(1e-4, 1.0)                        # a sensible hyperparameter


def hyper(sensible=small):
    """Mostly sensible values (so valid paths get exercised), sometimes anything at all."""
    return st.one_of(sensible, sensible, anything)


widths = st.one_of(st.integers(1, 12), st.integers(-2, 0), st.sampled_from([MAX_WIDTH,
                   MAX_WIDTH + 1, 10**6, 10**12, 2.0, 2.5, math.nan, None, "8"]))
sizes = st.one_of(st.lists(widths, min_size=0, max_size=5),
                  st.sampled_from([None, 3, "abc", [[2, 3]], (2, 8, 2), np.array([2, 4, 2])]))
names = lambda registry: st.one_of(st.sampled_from(sorted(registry)),
                                   st.sampled_from(["", "ReLU", "unknown", None, 3]))
dtypes = st.sampled_from(["float64", "float32", np.float32, np.dtype("float64"), "int",
                          "int32", "float16", "garbage", None, int, 3])
model_settings = st.fixed_dictionaries({
    "sizes": sizes,
    "activation": names(activations.ACTIVATIONS),
    "init": names(init.INITS),
    "dropout": hyper(st.sampled_from([0.0, 0.2, 0.5, 0.999999])),
    "loss": names(losses.LOSSES),
    "l2": hyper(st.sampled_from([0.0, 1e-3])),
    "seed": st.one_of(st.integers(0, 2**64), st.integers(-5, -1), junk),
    "dtype": dtypes,
})


@st.composite
def small_models(draw):
    """A valid small MLP."""
    n_in = draw(st.integers(1, 3))
    loss = draw(st.sampled_from(["cross_entropy", "mse"]))
    n_out = draw(st.integers(2 if loss == "cross_entropy" else 1, 3))
    hidden = draw(st.lists(st.integers(1, 5), max_size=2))
    return MLP([n_in, *hidden, n_out], activation=draw(st.sampled_from(sorted(
        activations.ACTIVATIONS))), dropout=draw(st.sampled_from([0.0, 0.5])), loss=loss,
        l2=draw(st.sampled_from([0.0, 0.01])), seed=draw(st.integers(0, 9)),
        dtype=draw(st.sampled_from(["float64", "float32"])))


values = st.one_of(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), special)


@st.composite
def batches(draw, model):
    """X and y for model: usually right, sometimes of the wrong shape, dtype or contents."""
    n = draw(st.integers(0, 6))
    cols = draw(st.sampled_from([model.sizes[0]] * 4 + [model.sizes[0] + 1]))
    shape = draw(st.sampled_from([(n, cols)] * 6 + [(n,), (), (n, cols, 1)]))
    X = np.array(draw(st.lists(st.floats(-3, 3), min_size=math.prod(shape),
                               max_size=math.prod(shape)))).reshape(shape)
    if X.size and draw(st.booleans()):
        X.flat[0] = draw(values)
    with np.errstate(all="ignore"):
        X = X.astype(draw(st.sampled_from([float] * 4 + [np.float32, int, bool, str, object])))
    n_out = model.sizes[-1]
    if model.loss_name == "cross_entropy":
        y = np.array(draw(st.lists(st.integers(0, n_out - 1), min_size=n, max_size=n)), int)
        bad = st.sampled_from([-1, n_out, 10**9, 0.5, math.nan])
    else:
        y = np.array(draw(st.lists(st.floats(-3, 3), min_size=n * n_out, max_size=n * n_out)))
        y = y.reshape((n, n_out) if n_out > 1 else (n,))
        bad = values
    if y.size and draw(st.booleans()):
        y = y.astype(float)
        y.flat[0] = draw(bad)
    y = draw(st.sampled_from([y] * 6 + [y[:-1], y.reshape(-1, 1), np.int64(0), y.astype(str)]))
    return X, y


counts = st.one_of(st.integers(-2, 50), st.integers(10**9, 10**30), anything)
seeds = st.one_of(st.integers(0, 2**64), st.integers(-3, -1), junk)


@st.composite
def arguments(draw, **pairs):
    """Keyword arguments, each drawn from its (sensible, weird) pair of strategies: all
    sensible, or one or two weird ones (so every bad value meets otherwise good settings)."""
    spoiled = draw(st.lists(st.sampled_from(sorted(pairs)), max_size=2, unique=True))
    return {key: draw(pair[key in spoiled]) for key, pair in pairs.items()}
