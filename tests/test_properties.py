"""Property-based tests: any input to nnlib's public functions gives a correct result or a
ValueError that nnlib raised on purpose, with a sentence for the student (see
property_helpers.py for what counts as "on purpose"). Results must be finite where the
contract says so. Every test is derandomized, so CI sees the same examples on every run.
"""
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nnlib import data, init, losses, optim, schedules, surfaces, trap
from nnlib.gradcheck import gradcheck
from nnlib.model import MAX_PARAMS, MAX_WIDTH, MLP
from property_helpers import (REFUSED, anything, arguments, batches, counts, finite, hyper,
                              model_settings, names, outcome, property_test, seeds, small,
                              small_models)

# ---- model -----------------------------------------------------------------------------

@property_test
@given(model_settings)
def test_mlp_builds_a_finite_network_or_refuses(kwargs):
    model = outcome(MLP, **kwargs)
    if model is REFUSED:
        return
    assert model.n_params == sum((a + 1) * b for a, b in zip(model.sizes[:-1], model.sizes[1:]))
    assert model.n_params <= MAX_PARAMS and max(model.sizes) <= MAX_WIDTH
    assert finite(model.theta) and model.theta.dtype in (np.float32, np.float64)
    X = np.random.default_rng(0).normal(size=(3, model.sizes[0]))
    assert finite(outcome(model.forward, X, train=True))


@property_test
@given(st.data())
def test_model_methods_give_finite_results_or_refuse(data_):
    model = data_.draw(small_models())
    X, y = data_.draw(batches(model))
    for method in (model.forward, model.predict):
        result = outcome(method, X)
        assert result is REFUSED or finite(result)
    if model.loss_name == "cross_entropy":
        p = outcome(model.predict_proba, X)
        assert p is REFUSED or (finite(p) and np.allclose(p.sum(axis=1), 1, atol=1e-5))
    loss = outcome(model.loss, X, y)
    assert loss is REFUSED or (math.isfinite(loss) and loss >= 0)
    result = outcome(model.loss_and_grad, X, y)
    assert result is REFUSED or (math.isfinite(result[0]) and finite(result[1]))
    traced = outcome(model.trace, X, y)
    assert traced is REFUSED or all(finite(*traced[k]) for k in ("a", "z", "dz", "dW"))


@property_test
@given(st.data())
def test_gradcheck_returns_a_small_error_or_refuses(data_):
    model = data_.draw(small_models())
    X, y = data_.draw(batches(model))
    error = outcome(gradcheck, model, X, y, eps=data_.draw(hyper(st.just(1e-5))))
    assert error is REFUSED or math.isfinite(error)


@property_test
@given(st.sampled_from(sorted(init.INITS)), st.one_of(st.integers(-2, 6), anything),
       st.one_of(st.integers(-2, 6), anything), hyper(st.floats(0.01, 2)))
def test_initializers_give_finite_weights_or_refuse(name, n_in, n_out, param):
    extra = {"constant": {"value": param}, "normal": {"std": param}, "uniform": {"a": param},
             "xavier_uniform": {"gain": param}, "xavier_normal": {"gain": param}}.get(name, {})
    W = outcome(init.INITS[name], n_in, n_out, np.random.default_rng(0), **extra)
    assert W is REFUSED or (W.shape == (n_in, n_out) and finite(W))


@property_test
@given(st.integers(0, 4), st.integers(1, 4),
       st.lists(st.one_of(st.floats(-1e3, 1e3), st.floats(-1e100, 1e100)), min_size=1, max_size=16),
       st.one_of(st.integers(-2, 5), st.floats(0, 3), st.just(math.nan)))
def test_losses_give_finite_results_or_refuse(batch, classes, entries, label):
    """Finite network outputs (fit turns non-finite ones into diverged_at) and any labels."""
    logits = np.resize(np.array(entries, dtype=float), (batch, classes))
    y = np.resize(np.array([label]), batch)
    for loss_fn in losses.LOSSES.values():
        result = outcome(loss_fn, logits, y if loss_fn is losses.softmax_cross_entropy else
                         np.resize(y, (batch, classes)))
        assert result is REFUSED or (math.isfinite(result[0]) and finite(result[1]))


# ---- optimizers and schedules ----------------------------------------------------------

OPTIMIZER_SETTINGS = {
    "sgd": ("lr", "momentum", "dampening", "weight_decay"),
    "momentum": ("lr",), "nesterov": ("lr", "momentum"),
    "adam": ("lr", "betas", "eps", "weight_decay"), "adamw": ("lr", "betas", "eps", "weight_decay"),
    "rmsprop": ("lr", "alpha", "eps", "momentum", "weight_decay"),
    "adagrad": ("lr", "lr_decay", "eps", "initial_accumulator_value"),
}
betas = st.one_of(st.tuples(small, small), st.tuples(anything, anything), anything,
                  st.lists(small, max_size=3))


@st.composite
def optimizer_settings(draw):
    name = draw(st.one_of(st.sampled_from(sorted(OPTIMIZER_SETTINGS)), names(optim.OPTIMIZERS)))
    keys = OPTIMIZER_SETTINGS.get(name, ("lr",)) + ("bogus",)
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3))
    return name, {k: draw(betas if k == "betas" else hyper()) for k in chosen}


@property_test
@given(optimizer_settings(), st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=6))
def test_optimizers_build_and_step_or_refuse(settings_, grad):
    name, kwargs = settings_
    opt = outcome(optim.get, name, **kwargs)
    if opt is REFUSED:
        return
    assert 0 < opt.lr < math.inf
    theta = np.ones(len(grad))
    for _ in range(3):
        outcome(opt.step, theta, np.array(grad))     # overflow gives inf silently, never a warning
    assert theta.shape == (len(grad),)


SCHEDULE_SETTINGS = {
    "step": ("step_size", "gamma"), "exponential": ("gamma",), "inverse_time": ("decay",),
    "cosine": ("T_max", "eta_min"), "warmup": ("warmup_steps", "start_factor"),
    "plateau": ("factor", "patience", "threshold", "cooldown", "min_lr", "mode"),
    "constant": (),
}
@st.composite
def schedule_settings(draw):
    name = draw(st.one_of(st.sampled_from(sorted(SCHEDULE_SETTINGS)), names(schedules.SCHEDULES)))
    keys = SCHEDULE_SETTINGS.get(name, ()) + ("bogus",)
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=3))
    integral = ("step_size", "T_max", "warmup_steps", "patience", "cooldown")
    return name, {k: draw(counts if k in integral else hyper(st.floats(0.01, 1))) for k in chosen}


@property_test
@given(schedule_settings(), hyper(st.floats(1e-3, 1)), st.one_of(st.integers(-2, 200), counts))
def test_schedules_give_finite_learning_rates_or_refuse(settings_, lr0, steps):
    name, kwargs = settings_
    opt = outcome(optim.SGD, lr=lr0)
    if opt is REFUSED:
        return
    sched = outcome(schedules.get, name, opt, **kwargs)
    if sched is REFUSED or sched is None:
        return
    for metric in (1.0, 2.0, 0.5, 3.0):
        outcome(sched.step, *([metric] if name == "plateau" else []))
        assert math.isfinite(opt.lr) and opt.lr >= 0
    curve = outcome(schedules.lr_curve, name, lr0, steps, **kwargs)
    assert curve is REFUSED or (len(curve) == steps and finite(curve) and (curve >= 0).all())


# ---- data ------------------------------------------------------------------------------

@property_test
@given(st.sampled_from(sorted(data.DATASETS)), st.one_of(st.integers(-1, 30), counts),
       hyper(st.floats(0, 1)), seeds)
def test_datasets_are_finite_and_balanced_or_refuse(name, n, noise, seed):
    result = outcome(data.DATASETS[name], n=n, noise=noise, seed=seed)
    if result is REFUSED:
        return
    X, y = result
    assert len(X) == len(y) == n and finite(X, y)


@property_test
@given(st.integers(0, 8), st.sampled_from([(), (2,), (3,)]), hyper(st.floats(0.1, 0.9)),
       st.sampled_from([0, 1, -1, "a", None]), st.sampled_from([0, 1, -1, 5]))
def test_train_val_split_partitions_or_refuses(n, tail, fraction, seed, y_extra):
    X = np.arange(n * math.prod(tail), dtype=float).reshape((n,) + tail)
    y = np.arange(max(n + y_extra, 0)) % 2
    result = outcome(data.train_val_split, X, y, val_fraction=fraction, seed=seed)
    if result is REFUSED:
        return
    X_train, X_val, y_train, y_val = result
    assert len(X_train) + len(X_val) == n and len(X_train) == len(y_train) and len(X_val) >= 1


@property_test
@given(st.sampled_from([(5, 2), (5, 3), (0, 2), (5,), ()]),
       st.one_of(st.lists(st.sampled_from(sorted(data.FEATURES) + ["z"]), max_size=4),
                 st.sampled_from([None, 3, "xy"])), st.sampled_from([0.0, math.nan, 1e200]))
def test_add_features_or_refuse(shape, feature_names, value):
    X = np.full(shape, value)
    features = outcome(data.add_features, X, feature_names)
    assert features is REFUSED or (features.shape == (shape[0], len(feature_names))
                                   and finite(features))


# ---- surfaces and the trap -------------------------------------------------------------

starts = st.one_of(st.tuples(st.floats(-3, 3), st.floats(-3, 3)),
                   st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3)), max_size=3),
                   st.sampled_from([(math.nan, 0.0), (1e300, 1e300), (1.0,), (1, 2, 3), [[1.0]],
                                    "ab", None, [[[1.0, 2.0]]], ()]))
step_counts = st.one_of(st.integers(-1, 60), counts)


@property_test
@given(st.sampled_from(sorted(surfaces.SURFACES)), st.sampled_from(sorted(optim.OPTIMIZERS)),
       arguments(lr=(st.floats(1e-3, 3), anything), start=(st.tuples(st.floats(-3, 3),
                 st.floats(-3, 3)), starts), steps=(st.integers(0, 60), step_counts),
                 noise_std=(st.floats(0, 1), anything), seed=(st.integers(0, 9), seeds)))
def test_surface_runs_give_a_path_or_refuse(name, opt_name, kwargs):
    lr, start, steps = kwargs.pop("lr"), kwargs["start"], kwargs["steps"]
    surface = surfaces.SURFACES[name]
    opt = outcome(optim.get, opt_name, lr=lr)
    if opt is REFUSED:
        return
    path = outcome(surfaces.run, surface, opt, **kwargs)
    if path is not REFUSED:
        assert path.shape == (steps + 1,) + np.shape(start)
        stopped = surfaces.diverged_at(path)        # NaN only after the run left the box
        first = stopped if np.ndim(start) == 1 else min((k for k in stopped if k), default=None)
        assert finite(path if first is None else path[:first])
    paths = outcome(surfaces.race, surface, [("a", opt), ("b", optim.SGD(lr=0.01))], **kwargs)
    assert paths is REFUSED or all(p.shape == (steps + 1, 2) for p in paths.values())


@property_test
@given(arguments(batch_size=(st.integers(1, 64), st.one_of(st.integers(-1, 70), anything)),
                 lr=(st.floats(1e-3, 1), anything),
                 momentum=(st.sampled_from([0.0, 0.9]), anything),
                 steps=(st.integers(0, 30), counts), n_runs=(st.integers(1, 30), counts),
                 start=(st.floats(-3, 3), anything), seed=(st.integers(0, 9), seeds)))
def test_trap_runs_end_finite_or_nan_or_refuse(kwargs):
    result = outcome(trap.trap_runs, **kwargs)
    if result is REFUSED:
        return
    ends, escaped = result
    assert ends.shape == escaped.shape == (kwargs["n_runs"],)
    assert (np.isnan(ends) | (np.abs(ends) < 1e6)).all()


@property_test
@given(st.one_of(st.integers(-1, 70), anything), st.one_of(st.integers(-1, 5), counts,
       st.lists(st.integers(0, 3), max_size=3)))
def test_sample_batches_draw_distinct_examples_or_refuse(batch_size, size):
    picks = outcome(trap.sample_batches, batch_size, size, np.random.default_rng(0))
    if picks is REFUSED:
        return
    assert ((picks >= 0) & (picks < trap.N_EXAMPLES)).all()
    assert (np.sort(picks, axis=-1)[..., 1:] != np.sort(picks, axis=-1)[..., :-1]).all()
