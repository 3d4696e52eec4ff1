"""Claims of the playground lesson, checked over 10 seeds (issue 15: true on every seed).

Defaults: spirals (2 classes, 300 points, noise 0.05), 2 hidden ReLU layers of 16, He init, Adam
η = 0.003, batch 16, 200 epochs. Each test is a sentence of the page (tip, preset question,
verdict) and the runs that back it, on seeds 0..9; the measured accuracies are printed.
"""
from functools import lru_cache

import numpy as np
import pytest

from experiments import playground as exp

pytestmark = pytest.mark.slow
SEEDS = range(10)


@lru_cache(maxsize=None)
def run(seed, layers=2, width=16, **changes):
    return exp.run(hidden=(width,) * layers, seed=seed, **changes)


def accuracies(label, **changes):
    rows = [run(seed, **changes)["curves"].iloc[-1] for seed in SEEDS]
    train, val = (np.array([r[k] for r in rows]) for k in ("train_acc", "val_acc"))
    print(f"\n{label}: training accuracy {np.round(train, 2).tolist()}, validation {np.round(val, 2).tolist()}")
    return train, val


def verdicts(**changes):
    return [exp.verdict(run(seed, **changes)) for seed in SEEDS]


def test_default_run_learns_the_spirals():
    train, val = accuracies("defaults")
    assert np.all(train > 0.9) and np.all(val > 0.9)
    assert not any("chance" in v or "overfitting" in v or "not learned" in v for v in verdicts())


def test_sgd_with_a_huge_step_is_stuck_at_chance_and_the_verdict_says_so():
    # tip: "Set η to 1 with SGD: the steps are so big that training stalls, in 6 or 7 of 10 seeds
    # at chance (50%; which seeds depends on round-off), in the others below 80%; it does not
    # diverge here. On the sine it does." (the old tip "watch it diverge" never happened on the
    # default data). These runs are chaotic: 6 of 10 (seeds 0, 1, 2, 4, 5, 8) on the machine of
    # 2026-12-04, 7 of 10 on that of 2026-12-06, same code and numpy. The best, seed 3, ends at 76%.
    train, _ = accuracies("SGD η = 1", optimizer="sgd", lr=1.0)
    assert np.all(train < 0.8)
    assert all(run(seed, optimizer="sgd", lr=1.0)["diverged_at"] is None for seed in SEEDS)
    stuck = sum("chance level" in v for v in verdicts(optimizer="sgd", lr=1.0))
    print(f"SGD η = 1: stuck at chance in {stuck} of 10 seeds")
    assert 6 <= stuck <= 7


def test_sine_preset_sgd_eta_1_diverges_in_the_first_steps():
    # preset "Sine, SGD η = 1": "What happens in the first steps?"
    steps = [run(seed, problem="regression", optimizer="sgd", lr=1.0)["diverged_at"] for seed in SEEDS]
    print(f"\nregression, SGD η = 1: diverged at steps {steps}")
    assert all(k is not None and k <= 10 for k in steps)
    assert all("diverged at step" in v for v in verdicts(problem="regression", optimizer="sgd", lr=1.0))


def test_xor_preset_a_linear_model_cannot_and_one_hidden_layer_can():
    # preset "XOR, no hidden layer": "Can it separate XOR? (Then give it one hidden layer.)"
    linear, _ = accuracies("XOR, linear", dataset="xor", noise=0.1, layers=0)
    hidden, _ = accuracies("XOR, one hidden layer", dataset="xor", noise=0.1, layers=1)
    assert np.all(linear < 0.75) and np.all(hidden > 0.9)
    failed = ("not learned", "chance level", "overfitting")     # the verdict never calls it learned
    assert all(any(f in v for f in failed) for v in verdicts(dataset="xor", noise=0.1, layers=0))


def test_circles_preset_squared_features_make_a_linear_model_enough():
    # preset "Circles, features x² and y²" and the tip "Remove every hidden layer on the circles,
    # then add the features x² and y²"
    plain, _ = accuracies("circles, linear on x, y", dataset="circles", layers=0)
    squared, _ = accuracies("circles, linear on x², y²", dataset="circles", layers=0, features=("x2", "y2"))
    assert np.all(plain < 0.7) and np.all(squared > 0.95)


def test_dropout_preset_learns_the_spirals_only_partly():
    # preset "Dropout 0.6": "Will the network still learn the spirals?" -> not well: the
    # training accuracy stays below the default run's on every seed
    heavy, _ = accuracies("dropout 0.6", dropout=0.6)
    plain, _ = accuracies("defaults")
    assert np.all(heavy < plain) and np.all(heavy < 0.9)


def test_deep_spirals_preset_learns_three_arms():
    # preset "Spirals: go deep" (3 classes, 4 layers, 300 epochs), no question
    train, val = accuracies("3 spirals, 4 layers", classes=3, layers=4, epochs=300)
    assert np.all(train > 0.9) and np.all(val > 0.8)


def test_noise_and_width_overfit_and_dropout_or_l2_narrow_the_gap():
    # tip: "Raise the noise to 0.3 and the width to 64: the validation accuracy usually (9 of 10
    # seeds) falls more than 10 points behind (overfitting); dropout 0.3 or L2 0.005 narrow the
    # gap." The verdict names overfitting whenever the gap is over 10 points.
    over = dict(noise=0.3, width=64)
    train, val = accuracies("noise 0.3, width 64", **over)
    gap = train - val
    named = ["overfitting" in v for v in verdicts(**over)]
    assert sum(gap > 0.1) >= 9 and named == list(gap > 0.1)
    for extra in ({"dropout": 0.3}, {"l2": 0.005}):
        t, v = accuracies(f"noise 0.3, width 64, {extra}", **over, **extra)
        narrower = (t - v) < gap
        print(f"{extra}: gap narrower in {narrower.sum()} of 10 seeds")
        assert narrower.sum() >= 9


def test_verdict_recognises_chance_and_overfitting():
    result = run(0)
    curves = result["curves"].copy()
    for train_acc, val_acc, told in ((0.51, 0.49, "chance level"), (0.77, 0.52, "overfitting"),
                                     (0.7, 0.68, "not learned"), (0.97, 0.95, "")):
        curves.loc[curves.index[-1], ["train_acc", "val_acc"]] = train_acc, val_acc
        said = exp.verdict(result | {"curves": curves})
        assert told in said and ("has not learned" not in said or told == "not learned"), said


def test_max_epochs_too_small_warning_at_20_epochs_never_at_the_default_200():
    # verdict line (experiments.epochs): "⚠ Max epochs too small: training ended before the
    # validation minimum ..." after 20 epochs in 8 of 10 seeds (in seeds 1 and 4 the validation
    # loss has already flattened), never after the default 200
    short = sum("Max epochs too small" in v for v in verdicts(epochs=20))
    default = sum("Max epochs too small" in v for v in verdicts())
    print(f"warning: 20 epochs {short} of 10, 200 epochs {default} of 10")
    assert short == 8 and default == 0


def r2s(label, **changes):
    r2 = np.array([run(seed, problem="regression", **changes)["scores"]["val_r2"] for seed in SEEDS])
    print(f"\n{label}: validation R² {np.round(r2, 3).tolist()}")
    return r2


def test_a_linear_model_fits_the_plane_but_the_gaussians_need_hidden_layers():
    # tip: "Set the problem type to regression and the data set to the plane, with no hidden
    # layer: a linear model fits it (validation R² above 0.99 in 10 of 10 seeds). On the multi
    # Gaussian it cannot (R² below 0.1, 10 of 10); the default two hidden layers of 16 reach R²
    # above 0.75 (10 of 10)." Measured: plane 0.997-0.998; gaussians linear -0.04-0.06,
    # default 0.78-0.91.
    assert np.all(r2s("plane, no hidden layer", dataset="plane", layers=0) > 0.99)
    assert np.all(r2s("gaussians, no hidden layer", dataset="gaussians", layers=0) < 0.1)
    assert np.all(r2s("gaussians, 2 × 16", dataset="gaussians") > 0.75)
