"""Property-based tests of training and of the network loss landscape: any settings give a
History (diverged_at set when the loss blew up, every recorded number finite), a landscape of
finite losses, or a ValueError that nnlib raised on purpose (see property_helpers.py)."""
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nnlib import landscape, optim, schedules
from nnlib.lr_finder import lr_range_test
from nnlib.train import METRICS, EarlyStopping, fit
from property_helpers import (REFUSED, anything, arguments, batches, counts, finite, junk,
                              outcome, property_test, seeds, small_models)


@st.composite
def good_batches(draw, model, n=6):
    X = np.array(draw(st.lists(st.floats(-3, 3), min_size=n * model.sizes[0],
                               max_size=n * model.sizes[0]))).reshape(n, -1)
    if model.loss_name == "cross_entropy":
        return X, np.arange(n) % model.sizes[-1]
    return X, np.linspace(-1, 1, n * model.sizes[-1]).reshape(n, -1).squeeze()


def stopping():
    return st.builds(EarlyStopping, monitor=st.sampled_from(METRICS),
                     min_delta=st.sampled_from([0.0, 1e-3, -1e-3]),
                     patience=st.integers(0, 3), restore_best_weights=st.booleans())


@property_test
@given(st.data(), arguments(
    batch_size=(st.sampled_from([1, 4, None]), st.one_of(st.integers(-1, 10), counts)),
    epochs=(st.integers(1, 4), st.one_of(st.integers(-1, 0), counts)),
    lr=(st.sampled_from([1e-2, 1.0, 1e3, 1e6]), anything),
    shuffle=(st.booleans(), junk),
    seed=(st.integers(0, 9), seeds),
    record_thetas=(st.sampled_from([None, "epoch", "step"]), junk),
    schedule_per=(st.sampled_from(["step", "epoch"]), junk),
))
def test_fit_records_finite_rows_or_divergence_or_refuses(data_, kwargs):
    model = data_.draw(small_models())
    X, y = data_.draw(st.one_of(good_batches(model), good_batches(model), batches(model)))
    opt = outcome(optim.Adam, lr=kwargs.pop("lr"))
    if opt is REFUSED:
        return
    sched = data_.draw(st.sampled_from([None, schedules.ExponentialLR(opt, 0.9),
                                        schedules.ReduceLROnPlateau(opt, patience=0)]))
    head = lambda k: (X[:k], y[:k]) if np.ndim(X) and np.ndim(y) else (X, y)
    val = data_.draw(st.sampled_from([None, (X, y), head(2), head(0)]))
    stopper = data_.draw(st.one_of(st.none(), stopping()))
    hist = outcome(fit, model, X, y, opt, schedule=sched, val=val, early_stopping=stopper,
                   **kwargs)
    if hist is REFUSED:
        return
    assert finite(*hist.steps.values()) and finite(*hist.epochs.values())
    assert hist.diverged_at is None or hist.diverged_at == len(hist.steps["step"]) + 1
    assert hist.diverged_at is not None or len(hist.epochs["epoch"]) >= 2
    assert hist.thetas is None or finite(hist.thetas)


@property_test
@given(arguments(monitor=(st.sampled_from(METRICS), st.sampled_from(["loss", "acc", "", None])),
                 min_delta=(st.floats(-1, 1), anything), patience=(st.integers(0, 5), counts),
                 mode=(st.sampled_from(["auto", "min", "max"]), junk),
                 baseline=(st.one_of(st.none(), st.floats(0, 1)), anything),
                 start_from_epoch=(st.integers(0, 3), counts)))
def test_early_stopping_settings_are_checked(kwargs):
    stopper = outcome(EarlyStopping, **kwargs)
    assert stopper is REFUSED or (stopper.patience >= 0 and stopper.min_delta >= 0)


@property_test
@given(st.data(), arguments(
    start_lr=(st.sampled_from([1e-5, 1e-3]), anything),
    end_lr=(st.sampled_from([1.0, 10.0]), anything),
    steps=(st.integers(2, 30), st.one_of(st.integers(-1, 1), counts)),
    batch_size=(st.sampled_from([2, None]), st.one_of(st.integers(-1, 10), counts)),
    seed=(st.integers(0, 9), seeds), beta=(st.sampled_from([0.0, 0.98]), anything),
    diverge_factor=(st.sampled_from([2.0, 4.0]), anything)))
def test_lr_range_test_gives_finite_curves_or_refuses(data_, kwargs):
    model = data_.draw(small_models())
    X, y = data_.draw(st.one_of(good_batches(model), batches(model)))
    result = outcome(lr_range_test, model, X, y, optim.SGD(lr=0.1), **kwargs)
    if result is REFUSED:
        return
    assert finite(result["lrs"], result["losses"], result["smoothed"])
    assert result["suggested_lr"] is None or math.isfinite(result["suggested_lr"])


lengths = st.sampled_from(["right", "short", "long", "scalar", "nan"])


def direction(model, kind, rng):
    n = model.n_params
    return {"right": rng.normal(size=n), "short": rng.normal(size=n - 1),
            "long": rng.normal(size=n + 1), "scalar": np.float64(1.0),
            "nan": np.full(n, np.nan)}[kind]


@property_test
@given(st.data(), lengths, lengths, st.sampled_from([[0.0, 1.0], [], [math.nan], 5.0, [[1.0]]]),
       st.one_of(st.integers(-1, 5), counts))
def test_landscape_functions_give_finite_losses_or_refuse(data_, kind1, kind2, alphas, n):
    model = data_.draw(small_models())
    X, y = data_.draw(st.one_of(good_batches(model), batches(model)))
    rng = np.random.default_rng(0)
    d1, d2 = direction(model, kind1, rng), direction(model, kind2, rng)
    Z = outcome(landscape.loss_grid, model, X, y, d1, d2, alphas, [0.0, -1.0])
    assert Z is REFUSED or (Z.shape == (2, len(alphas)) and finite(Z))
    losses = outcome(landscape.interpolate, model, model.theta, d1, X, y, n=n)
    assert losses is REFUSED or (losses.shape == (n,) and finite(losses))
    ab = outcome(landscape.project, np.stack([model.theta] * 2), model.theta, d1, d2)
    assert ab is REFUSED or finite(*ab)
    directions = outcome(landscape.random_directions, model, seed=data_.draw(seeds))
    assert directions is REFUSED or finite(*directions)


@property_test
@given(st.integers(0, 5), st.integers(0, 4), st.sampled_from(["random", "same", "nan", "line"]))
def test_pca_directions_are_orthonormal_or_refuse(T, n_params, kind):
    rng = np.random.default_rng(0)
    thetas = {"random": rng.normal(size=(T, n_params)), "same": np.ones((T, n_params)),
              "nan": np.full((T, n_params), np.nan),
              "line": np.outer(np.arange(T), np.ones(n_params))}[kind]
    result = outcome(landscape.pca_directions, thetas)
    if result is REFUSED:
        return
    d1, d2, ratio = result
    assert finite(d1, d2, ratio) and np.isclose(d1 @ d1, 1) and np.isclose(d1 @ d2, 0)
