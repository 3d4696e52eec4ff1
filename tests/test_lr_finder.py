import numpy as np
import pytest

from nnlib import data, optim
from nnlib.lr_finder import lr_range_test
from nnlib.model import MLP
from nnlib.train import fit


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(200, noise=0.2, seed=0)


def test_lrs_grow_geometrically_from_start_to_end(moons):
    X, y = moons
    result = lr_range_test(MLP([2, 16, 2]), X, y, optim.SGD(), start_lr=1e-4, end_lr=1e-2,
                           steps=21)
    lrs = result["lrs"]
    assert not result["stopped_early"] and len(lrs) == len(result["losses"]) == 21
    assert lrs[0] == pytest.approx(1e-4, rel=1e-12) and lrs[-1] == pytest.approx(1e-2, rel=1e-12)
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], 10 ** 0.1, rtol=1e-12)   # 10x per 10 steps


def test_smoothed_loss_is_the_bias_corrected_moving_average(moons):
    X, y = moons
    result = lr_range_test(MLP([2, 16, 2]), X, y, optim.SGD(), end_lr=1e-3, steps=10, beta=0.9)
    l0, l1, l2 = result["losses"][:3]
    expected = [l0,                                                   # (0.1 l0) / (1 - 0.9)
                (0.9 * 0.1 * l0 + 0.1 * l1) / (1 - 0.9 ** 2),
                (0.81 * 0.1 * l0 + 0.9 * 0.1 * l1 + 0.1 * l2) / (1 - 0.9 ** 3)]
    np.testing.assert_allclose(result["smoothed"][:3], expected, rtol=1e-12)


def test_the_callers_model_and_optimizer_are_untouched(moons):
    X, y = moons
    model, opt = MLP([2, 16, 2], dropout=0.1), optim.Adam(lr=0.003)
    theta = model.theta.copy()
    lr_range_test(model, X, y, opt, steps=30)
    np.testing.assert_array_equal(model.theta, theta)
    assert opt.lr == 0.003 and opt.state == {} and opt.t == 0


def test_stops_once_the_smoothed_loss_blows_up_and_suggests_a_good_lr(moons):
    X, y = moons
    model = MLP([2, 16, 16, 2])
    result = lr_range_test(model, X, y, optim.SGD(), start_lr=1e-4, end_lr=1e4, steps=200)
    smoothed = result["smoothed"]
    assert result["stopped_early"] and len(smoothed) < 200
    assert smoothed[-1] > 4 * smoothed.min()                 # the stopping rule ...
    assert np.all(smoothed[:-1] <= 4 * np.minimum.accumulate(smoothed)[:-1])   # ... first met
    blow_up = result["lrs"][-1]
    assert 1e-4 <= result["suggested_lr"] < blow_up
    # training with the suggested lr works
    hist = fit(model, X, y, optim.SGD(lr=result["suggested_lr"]), epochs=20)
    assert hist.diverged_at is None
    assert hist.epochs["train_loss"][-1] < 0.6 * hist.epochs["train_loss"][0]


@pytest.mark.parametrize("kwargs, message", [
    ({"start_lr": 0}, "start_lr must be > 0"),
    ({"end_lr": 1e-6}, "end_lr must be larger than start_lr"),
    ({"steps": 1}, "number of steps must be >= 2"),
    ({"batch_size": 500}, "batch size must be <= 200"),
    ({"beta": 1.0}, "beta must be < 1"),
    ({"diverge_factor": 1}, "diverge_factor must be > 1"),
])
def test_bad_arguments_raise_clear_errors(moons, kwargs, message):
    X, y = moons
    with pytest.raises(ValueError, match=message):
        lr_range_test(MLP([2, 4, 2]), X, y, optim.SGD(), **kwargs)


def test_suggest_is_a_tenth_of_the_lowest_smoothed_loss_and_not_below_the_first_lr():
    from nnlib.lr_finder import suggest
    lrs = np.geomspace(1e-3, 10, 5)          # 0.001, 0.01, 0.1, 1, 10
    assert suggest(lrs, np.array([1.0, 0.9, 0.5, 0.2, 3.0])) == pytest.approx(0.1)
    assert suggest(lrs, np.array([0.1, 0.9, 0.5, 0.2, 3.0])) == pytest.approx(1e-3)   # floor
    assert suggest(lrs[:0], np.array([])) is None
