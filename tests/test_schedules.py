"""Schedules: the lr sequence from repeated step() against the closed forms written out here,
and ReduceLROnPlateau against torch's rules (patience, cooldown, min_lr, threshold, mode)."""
import math

import numpy as np
import pytest

from experiments import schedules as lesson_schedules
from nnlib import schedules
from nnlib.optim import SGD


def lrs(sched, opt, steps):
    """opt.lr after construction, then after each of `steps` calls of step()."""
    out = [opt.lr]
    for _ in range(steps):
        sched.step()
        out.append(opt.lr)
    return out


CASES = [
    ("step", dict(step_size=3, gamma=0.5), [0.1 * 0.5 ** (t // 3) for t in range(10)]),
    ("exponential", dict(gamma=0.9), [0.1 * 0.9**t for t in range(10)]),
    ("inverse_time", dict(decay=0.5), [0.1 / (1 + 0.5 * t) for t in range(10)]),
    # past T_max the cosine comes back up, as in torch
    ("cosine", dict(T_max=4, eta_min=0.01),
     [0.01 + 0.09 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(10)]),
    ("warmup", dict(warmup_steps=4, start_factor=0.25),
     [0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
    # warm-up over 4 steps, then the cosine from 0.1 down to 0.01 over steps 4..8, then back up
    ("warmup_cosine", dict(warmup_steps=4, T_max=8, start_factor=0.25, eta_min=0.01),
     [0.025, 0.04375, 0.0625, 0.08125]
     + [0.01 + 0.09 * (1 + math.cos(math.pi * (t - 4) / 4)) / 2 for t in range(4, 10)]),
]


@pytest.mark.parametrize("name, kwargs, expected", CASES)
def test_stepping_follows_the_closed_form(name, kwargs, expected):
    opt = SGD(lr=0.1)
    sched = schedules.get(name, opt, **kwargs)
    np.testing.assert_allclose(lrs(sched, opt, 9), expected, rtol=1e-12)
    assert opt.initial_lr == 0.1


@pytest.mark.parametrize("name, kwargs, expected", CASES)
def test_lr_at_and_lr_curve_are_vectorized(name, kwargs, expected):
    sched = schedules.get(name, SGD(lr=0.1), **kwargs)
    np.testing.assert_allclose(sched.lr_at(np.arange(10)), expected, rtol=1e-12)
    curve = schedules.lr_curve(name, 0.1, 10, **kwargs)
    assert curve.shape == (10,)
    np.testing.assert_allclose(curve, expected, rtol=1e-12)


def test_warmup_then_cosine_with_the_default_settings_by_hand():
    opt = SGD(lr=1.0)
    sched = schedules.WarmupCosine(opt, warmup_steps=4, T_max=12)
    assert opt.lr == pytest.approx(1 / 3)                       # f0 = 1/3 at t = 0
    expected = [1 / 3, 1 / 3 + 2 / 3 * 1 / 4, 1 / 3 + 2 / 3 * 2 / 4, 1 / 3 + 2 / 3 * 3 / 4,
                1.0, 0.5 * (1 + math.cos(math.pi / 8)), 0.5 * (1 + math.cos(math.pi * 2 / 8)),
                0.5 * (1 + math.cos(math.pi * 3 / 8)), 0.5, 0.5 * (1 + math.cos(math.pi * 5 / 8)),
                0.5 * (1 + math.cos(math.pi * 6 / 8)), 0.5 * (1 + math.cos(math.pi * 7 / 8)), 0.0]
    np.testing.assert_allclose(sched.lr_at(np.arange(13)), expected, atol=1e-15)
    np.testing.assert_allclose(lrs(sched, opt, 12), expected, atol=1e-15)


def test_construction_sets_the_lr_of_step_zero():
    opt = SGD(lr=0.3)
    schedules.LinearWarmup(opt, warmup_steps=10, start_factor=0.1)
    assert opt.lr == pytest.approx(0.03) and opt.initial_lr == 0.3
    schedules.StepLR(opt, step_size=1)   # a second scheduler starts again from initial_lr
    assert opt.lr == pytest.approx(0.3)


def test_constant_means_no_scheduler():
    opt = SGD(lr=0.2)
    assert schedules.get("constant", opt) is None and opt.lr == 0.2
    np.testing.assert_array_equal(schedules.lr_curve("constant", 0.2, 4), [0.2] * 4)
    with pytest.raises(ValueError, match="takes no settings"):
        schedules.get("constant", opt, gamma=0.5)


def plateau_lrs(metrics, **kwargs):
    opt = SGD(lr=1.0)
    sched = schedules.ReduceLROnPlateau(opt, **kwargs)
    out = []
    for metric in metrics:
        sched.step(metric)
        out.append(opt.lr)
    return out


def test_plateau_reduces_after_patience_plus_one_bad_epochs():
    # epoch 1 sets best; epochs 2, 3, 4 are bad; the third bad one (> patience 2) reduces
    got = plateau_lrs([1.0] * 7, factor=0.5, patience=2)
    assert got == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


def test_plateau_leaves_the_lr_alone_at_construction_and_while_improving():
    opt = SGD(lr=0.7)
    schedules.ReduceLROnPlateau(opt)
    assert opt.lr == 0.7
    assert plateau_lrs([5.0, 4.0, 3.0, 2.0], patience=0) == [1.0] * 4


def test_plateau_cooldown_ignores_bad_epochs_after_a_reduction():
    # patience 0: epoch 2 reduces; epochs 3 and 4 are cooldown; epoch 5 reduces again
    got = plateau_lrs([1.0] * 6, factor=0.5, patience=0, cooldown=2)
    assert got == [1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_plateau_never_goes_below_min_lr():
    assert plateau_lrs([1.0] * 5, patience=0, min_lr=0.05) == [1.0, 0.1, 0.05, 0.05, 0.05]


def test_plateau_threshold_rel_and_abs():
    # rel: improvement means m < best * (1 - 0.1) = 0.9; abs: m < best - 0.1 = 0.9 as well
    for mode in ("rel", "abs"):
        assert plateau_lrs([1.0, 0.95], patience=0, threshold=0.1,
                           threshold_mode=mode) == [1.0, 0.1]
        assert plateau_lrs([1.0, 0.85], patience=0, threshold=0.1,
                           threshold_mode=mode) == [1.0, 1.0]
    # they differ away from 1: best 10, rel needs m < 9, abs needs m < 9.9
    assert plateau_lrs([10.0, 9.5], patience=0, threshold=0.1, threshold_mode="rel")[-1] == 0.1
    assert plateau_lrs([10.0, 9.5], patience=0, threshold=0.1, threshold_mode="abs")[-1] == 1.0


def test_plateau_mode_max_wants_the_metric_to_grow():
    assert plateau_lrs([0.5, 0.6, 0.7], mode="max", patience=0) == [1.0] * 3
    assert plateau_lrs([0.7, 0.6], mode="max", patience=0) == [1.0, 0.1]
    # max rel: improvement means m > best * (1 + 0.1)
    assert plateau_lrs([1.0, 1.05], mode="max", patience=0, threshold=0.1) == [1.0, 0.1]


def test_registry_labels_and_formulas():
    names = {"constant", "step", "exponential", "inverse_time", "cosine", "warmup",
             "warmup_cosine", "plateau"}
    assert set(schedules.SCHEDULES) == names
    assert lesson_schedules.LABELS.keys() == names and lesson_schedules.LATEX.keys() == names
    assert all(lesson_schedules.LATEX[name].startswith(r"\eta") for name in names)
    assert isinstance(schedules.get("plateau", SGD(lr=0.1), patience=3),
                      schedules.ReduceLROnPlateau)
    with pytest.raises(ValueError, match="unknown schedule 'linear'"):
        schedules.get("linear", SGD(lr=0.1))
    with pytest.raises(ValueError, match="no curve without training"):
        schedules.lr_curve("plateau", 0.1, 10)


@pytest.mark.parametrize("name, kwargs, words", [
    ("step", dict(step_size=0), "step size must be >= 1"),
    ("step", dict(step_size=2, gamma=-0.5), "gamma must be > 0"),
    ("cosine", dict(T_max=2.5), "T_max must be a whole number"),
    ("cosine", dict(T_max=10, eta_min=-1), "eta_min must be >= 0"),
    ("warmup", dict(warmup_steps=5, start_factor=0), "start factor must be > 0"),
    ("inverse_time", dict(decay=-0.1), "decay must be >= 0"),
    ("warmup_cosine", dict(warmup_steps=5, T_max=5), r"T_max \(the step the cosine ends, after "
                                                     r"the warm-up\) must be >= 6, got 5"),
    ("warmup_cosine", dict(T_max=10), "needs the setting warmup_steps"),
    ("plateau", dict(factor=1.0), "factor must be < 1"),
    ("plateau", dict(mode="lowest"), "unknown mode 'lowest'"),
    ("plateau", dict(threshold_mode="relative"), "unknown threshold mode"),
    ("plateau", dict(patience=-1), "patience must be >= 0"),
])
def test_bad_arguments_raise_a_clear_value_error(name, kwargs, words):
    with pytest.raises(ValueError, match=words):
        schedules.get(name, SGD(lr=0.1), **kwargs)
