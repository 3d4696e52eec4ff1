import math
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from nnlib import data, optim, schedules
from nnlib.model import MLP
from nnlib.train import EarlyStopping, fit


@pytest.fixture(scope="module")
def moons():
    X, y = data.make_moons(200, noise=0.2, seed=0)
    return data.train_val_split(X, y, val_fraction=0.25, seed=0)


def feed(stopper, values, monitor="val_loss"):
    """Feed a known metric curve to EarlyStopping; return the epoch it stopped at (or None).

    The fake model's theta is the epoch number, so best_theta tells which epoch was kept.
    """
    stopper.on_train_begin()
    for epoch, value in enumerate(values, start=1):
        if stopper(epoch, {monitor: value}, SimpleNamespace(theta=np.array([epoch]))):
            return epoch
    return None


# ---- EarlyStopping on known curves (Keras semantics) ----

def test_stops_after_exactly_patience_epochs_without_improvement():
    stopper = EarlyStopping(patience=3)
    assert feed(stopper, [1.0, 0.9, 0.95, 0.92, 0.91, 0.5]) == 5
    assert stopper.best_epoch == 2 and stopper.best == 0.9 and stopper.stopped_epoch == 5
    assert stopper.best_theta.tolist() == [2]


def test_patience_zero_stops_at_the_first_epoch_without_improvement():
    assert feed(EarlyStopping(), [1.0, 0.9, 0.8, 0.85, 0.1]) == 4


def test_an_improvement_must_beat_the_best_by_more_than_min_delta():
    # 0.75 is exactly min_delta below the best 1.0: not an improvement; 0.7 is.
    assert feed(EarlyStopping(min_delta=0.25, patience=1), [1.0, 0.75]) == 2
    stopper = EarlyStopping(min_delta=0.25, patience=1)
    assert feed(stopper, [1.0, 0.7, 0.5, 0.46]) == 3
    assert stopper.best_epoch == 2
    assert feed(EarlyStopping(min_delta=-0.25, patience=1), [1.0, 0.75]) == 2   # |min_delta|


def test_mode_auto_maximizes_accuracy():
    stopper = EarlyStopping(monitor="val_acc", patience=2)
    assert stopper.mode == "max"
    assert feed(stopper, [0.5, 0.6, 0.6, 0.55, 0.9], monitor="val_acc") == 4
    assert stopper.best_epoch == 2 and stopper.best == 0.6
    # the same curve read as a loss: every epoch after the first is worse than 0.5
    assert feed(EarlyStopping(monitor="val_acc", mode="min", patience=2),
                [0.5, 0.6, 0.6], monitor="val_acc") == 3


def test_baseline_not_reached_keeps_the_wait_counter_running():
    # improving from 0.9 to 0.8 does not reset `wait` while the loss is above the baseline 0.5
    assert feed(EarlyStopping(patience=2, baseline=0.5), [0.9, 0.8, 0.85]) == 3
    assert feed(EarlyStopping(patience=2), [0.9, 0.8, 0.85]) is None
    # beating the baseline resets it
    assert feed(EarlyStopping(patience=2, baseline=0.5), [0.9, 0.4, 0.45]) is None


def test_start_from_epoch_ignores_the_first_epochs():
    stopper = EarlyStopping(patience=1, start_from_epoch=2)
    assert feed(stopper, [0.1, 0.2, 0.9, 1.0, 1.1]) == 4
    assert stopper.best_epoch == 3
    assert feed(EarlyStopping(patience=1), [0.1, 0.2, 0.9]) == 2


def test_early_stopping_can_be_reused_and_restores_the_best_theta():
    stopper = EarlyStopping(patience=1, restore_best_weights=True)
    feed(stopper, [0.5, 0.1, 0.2, 0.3])
    model = SimpleNamespace(theta=np.array([7.0]))
    stopper.on_train_end(model)
    assert model.theta.tolist() == [2.0]
    assert feed(stopper, [3.0, 2.0, 1.0]) is None and stopper.best_epoch == 3


def test_early_stopping_rejects_bad_settings():
    with pytest.raises(ValueError, match="unknown monitor 'loss'"):
        EarlyStopping(monitor="loss")
    with pytest.raises(ValueError, match="patience must be >= 0"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="unknown mode"):
        EarlyStopping(mode="best")


# ---- fit ----

def small_mlp(**kwargs):
    return MLP([2, 16, 16, 2], seed=0, **kwargs)


def test_training_reduces_the_loss_on_moons(moons):
    X, Xv, y, yv = moons
    hist = fit(small_mlp(), X, y, optim.Adam(lr=0.01), epochs=60, val=(Xv, yv))
    ep = hist.epochs
    assert ep["train_loss"][-1] < 0.5 * ep["train_loss"][0]
    assert ep["val_loss"][-1] < 0.6 * ep["val_loss"][0]
    assert ep["train_acc"][-1] > 0.9 and ep["val_acc"][-1] > 0.85
    assert hist.diverged_at is None and hist.stopped_epoch is None and hist.best_epoch is None


def test_history_tables(moons):
    X, Xv, y, yv = moons                           # 150 training examples
    model = small_mlp()
    hist = fit(model, X, y, optim.SGD(lr=0.1), batch_size=32, epochs=3, val=(Xv, yv))
    assert list(hist.steps) == ["epoch", "step", "batch_loss", "lr", "time"]
    assert list(hist.epochs) == ["epoch", "train_loss", "train_acc", "val_loss", "val_acc",
                                 "lr", "time"]
    per_epoch = math.ceil(150 / 32)                # the last partial batch (22 examples) is kept
    assert hist.steps["step"].tolist() == list(range(1, 3 * per_epoch + 1))
    assert hist.steps["epoch"].tolist() == [1] * per_epoch + [2] * per_epoch + [3] * per_epoch
    assert hist.epochs["epoch"].tolist() == [0, 1, 2, 3]
    assert hist.epochs["train_loss"][-1] == pytest.approx(model.loss(X, y), rel=1e-12)
    assert hist.epochs["val_loss"][-1] == pytest.approx(model.loss(Xv, yv), rel=1e-12)
    assert hist.epochs["val_acc"][-1] == np.mean(model.predict(Xv) == yv)
    assert np.all(np.diff(hist.steps["time"]) >= 0) and hist.epochs["time"][0] == 0
    assert pd.DataFrame(hist.steps).shape == (3 * per_epoch, 5)
    no_val = fit(small_mlp(), X, y, optim.SGD(lr=0.1), epochs=1)
    assert list(no_val.epochs) == ["epoch", "train_loss", "train_acc", "lr", "time"]


def test_epoch_losses_include_the_l2_penalty(moons):
    X, Xv, y, yv = moons
    model = small_mlp(l2=0.1)
    hist = fit(model, X, y, optim.SGD(lr=0.1), epochs=2, val=(Xv, yv))
    assert hist.epochs["train_loss"][-1] == pytest.approx(model.loss(X, y), rel=1e-12)
    assert hist.epochs["val_loss"][-1] == pytest.approx(model.loss(Xv, yv), rel=1e-12)


def test_regression_has_no_accuracy_columns():
    X, y = data.make_regression_1d(64, seed=0)
    hist = fit(MLP([1, 8, 1], loss="mse", activation="tanh"), X, y, optim.Adam(lr=0.01),
               epochs=5, val=(X, y))
    assert list(hist.epochs) == ["epoch", "train_loss", "val_loss", "lr", "time"]
    assert hist.epochs["train_loss"][-1] < hist.epochs["train_loss"][0]


def test_full_batch_is_one_gradient_step_per_epoch(moons):
    X, _, y, _ = moons
    model = small_mlp()
    manual = model.copy()
    hist = fit(model, X, y, optim.SGD(lr=0.5), batch_size=None, epochs=4)
    assert hist.steps["step"].tolist() == [1, 2, 3, 4]
    losses = []
    for _ in range(4):
        loss, grad = manual.loss_and_grad(X, y)
        losses.append(loss)
        manual.theta -= 0.5 * grad
    np.testing.assert_array_equal(model.theta, manual.theta)
    np.testing.assert_array_equal(hist.steps["batch_loss"], losses)


def test_same_seed_same_run_other_seed_other_run(moons):
    X, Xv, y, yv = moons

    def run(seed):
        model = small_mlp(dropout=0.2)
        hist = fit(model, X, y, optim.Adam(lr=0.01), batch_size=16, epochs=3, val=(Xv, yv),
                   seed=seed)
        return model.theta, hist

    (a, ha), (b, hb), (c, hc) = run(0), run(0), run(1)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ha.steps["batch_loss"], hb.steps["batch_loss"])
    np.testing.assert_array_equal(ha.epochs["val_loss"], hb.epochs["val_loss"])
    assert not np.array_equal(a, c)
    assert not np.array_equal(ha.steps["batch_loss"], hc.steps["batch_loss"])


def test_shuffle_false_visits_the_batches_in_order(moons):
    X, _, y, _ = moons
    model = small_mlp()
    manual = model.copy()
    fit(model, X, y, optim.SGD(lr=0.1), batch_size=50, epochs=2, shuffle=False)
    for _ in range(2):
        for i in range(0, 150, 50):
            manual.theta -= 0.1 * manual.loss_and_grad(X[i:i + 50], y[i:i + 50])[1]
    np.testing.assert_array_equal(model.theta, manual.theta)


def test_step_lr_schedule_per_step_and_per_epoch(moons):
    X, _, y, _ = moons                             # 150 examples, batch 50: 3 steps per epoch
    opt = optim.SGD(lr=0.1)
    hist = fit(small_mlp(), X, y, opt, batch_size=50, epochs=4,
               schedule=schedules.StepLR(opt, step_size=5, gamma=0.5))
    steps = np.arange(12)                          # updates made before each step
    np.testing.assert_allclose(hist.steps["lr"], 0.1 * 0.5 ** (steps // 5), rtol=1e-15)
    opt = optim.SGD(lr=0.1)
    hist = fit(small_mlp(), X, y, opt, batch_size=50, epochs=4, schedule_per="epoch",
               schedule=schedules.StepLR(opt, step_size=2, gamma=0.5))
    epoch_index = np.repeat(np.arange(4), 3)       # epochs done before each step
    np.testing.assert_allclose(hist.steps["lr"], 0.1 * 0.5 ** (epoch_index // 2), rtol=1e-15)
    # the epoch row shows the lr used during that epoch (epoch 0: the initial lr)
    np.testing.assert_allclose(hist.epochs["lr"], [0.1, 0.1, 0.1, 0.05, 0.05], rtol=1e-15)


class RecordingPlateau(schedules.ReduceLROnPlateau):
    def step(self, metric):
        self.seen = getattr(self, "seen", []) + [metric]
        super().step(metric)


def test_reduce_on_plateau_is_stepped_once_per_epoch_with_the_val_loss(moons):
    X, Xv, y, yv = moons
    opt = optim.SGD(lr=0.1)
    # threshold 1 (rel): nothing counts as an improvement, so with patience 0 every epoch halves lr
    plateau = RecordingPlateau(opt, factor=0.5, patience=0, threshold=1.0)
    hist = fit(small_mlp(), X, y, opt, batch_size=50, epochs=3, val=(Xv, yv), schedule=plateau)
    assert plateau.seen == hist.epochs["val_loss"][1:].tolist()
    np.testing.assert_allclose(hist.steps["lr"], np.repeat([0.1, 0.05, 0.025], 3), rtol=1e-15)
    opt = optim.SGD(lr=0.1)
    plateau = RecordingPlateau(opt, factor=0.5, patience=0, threshold=1.0)
    hist = fit(small_mlp(), X, y, opt, batch_size=50, epochs=2, schedule=plateau)
    assert plateau.seen == hist.epochs["train_loss"][1:].tolist()


@pytest.mark.filterwarnings("error")
def test_a_too_large_learning_rate_stops_cleanly_at_divergence(moons):
    X, Xv, y, yv = moons
    hist = fit(small_mlp(), X, y, optim.SGD(lr=1e4), batch_size=16, epochs=50, val=(Xv, yv),
               record_thetas="step")
    assert hist.diverged_at is not None and hist.diverged_at > 1
    assert len(hist.steps["step"]) == hist.diverged_at - 1
    for table in (hist.steps, hist.epochs):
        for column in table.values():
            assert np.all(np.isfinite(column))
    assert np.all(np.isfinite(hist.thetas)) and len(hist.thetas) == hist.diverged_at
    assert hist.epochs["epoch"][-1] < 50


@pytest.mark.filterwarnings("error")
def test_an_update_that_blows_up_the_parameters_is_divergence(moons):
    X, _, y, _ = moons
    model = small_mlp()
    hist = fit(model, X, y, optim.SGD(lr=1e300), batch_size=16, epochs=2, record_thetas="step")
    assert hist.diverged_at == 1 and len(hist.steps["step"]) == 0
    assert hist.thetas.shape == (1, model.n_params) and hist.epochs["epoch"].tolist() == [0]


@pytest.mark.filterwarnings("error")
def test_divergence_found_at_the_end_of_an_epoch(moons):
    X, _, y, _ = moons
    hist = fit(small_mlp(), X, y, optim.SGD(lr=1e12), batch_size=None, epochs=5)
    assert hist.diverged_at == 2                   # step 1 blew the parameters up
    assert hist.epochs["epoch"].tolist() == [0] and len(hist.steps["step"]) == 1


def test_callback_sees_each_epoch_row_and_can_stop_training(moons):
    X, _, y, _ = moons
    seen = []

    def callback(epoch, logs, model):
        seen.append((epoch, logs["epoch"], logs["train_loss"]))
        return epoch == 3

    hist = fit(small_mlp(), X, y, optim.Adam(lr=0.01), epochs=10, callback=callback)
    assert [e for e, _, _ in seen] == [1, 2, 3] and all(e == f for e, f, _ in seen)
    assert [loss for _, _, loss in seen] == hist.epochs["train_loss"][1:].tolist()
    assert hist.stopped_epoch == 3 and hist.epochs["epoch"][-1] == 3


def test_early_stopping_still_sees_the_epoch_a_callback_stops_at(moons):
    X, _, y, _ = moons
    model = small_mlp()
    stopper = EarlyStopping(monitor="train_loss", patience=10, restore_best_weights=True)
    hist = fit(model, X, y, optim.Adam(lr=0.01), epochs=10, early_stopping=stopper,
               callback=lambda epoch, logs, model: epoch == 2, record_thetas="epoch")
    assert hist.stopped_epoch == 2 and hist.best_epoch == 2 and stopper.stopped_epoch is None
    np.testing.assert_array_equal(model.theta, hist.thetas[2])


def test_time_column_counts_training_only(moons):
    X, _, y, _ = moons
    hist = fit(small_mlp(), X, y, optim.SGD(lr=0.1), batch_size=None, epochs=2,
               callback=lambda epoch, logs, model: time.sleep(0.2))
    assert hist.steps["time"][-1] < 0.2                  # the sleeping callback is not counted
    np.testing.assert_array_equal(hist.epochs["time"], [0.0, *hist.steps["time"]])


def test_record_thetas(moons):
    X, _, y, _ = moons
    model = small_mlp()
    theta0 = model.theta.copy()
    hist = fit(model, X, y, optim.Adam(lr=0.01), batch_size=50, epochs=2, record_thetas="epoch")
    assert hist.thetas.shape == (3, model.n_params)
    np.testing.assert_array_equal(hist.thetas[0], theta0)
    np.testing.assert_array_equal(hist.thetas[-1], model.theta)
    model = small_mlp()
    hist = fit(model, X, y, optim.Adam(lr=0.01), batch_size=50, epochs=2, record_thetas="step")
    assert hist.thetas.shape == (7, model.n_params)
    assert fit(small_mlp(), X, y, optim.Adam(), epochs=1).thetas is None


@pytest.fixture(scope="module")
def overfit():
    """Few noisy points and a big network: the validation loss turns up after a while."""
    X, y = data.make_moons(60, noise=0.35, seed=1)
    return data.train_val_split(X, y, val_fraction=0.5, seed=1)


@pytest.mark.parametrize("min_delta", [0.0, 0.01])
def test_fit_with_early_stopping_restores_the_best_epoch(overfit, min_delta):
    X, Xv, y, yv = overfit
    model = MLP([2, 64, 64, 2], seed=0)
    stopper = EarlyStopping(patience=5, min_delta=min_delta, restore_best_weights=True)
    hist = fit(model, X, y, optim.Adam(lr=0.02), batch_size=10, epochs=300, val=(Xv, yv),
               early_stopping=stopper, record_thetas="epoch")
    best, stop, val_loss = hist.best_epoch, hist.stopped_epoch, hist.epochs["val_loss"]
    assert stop is not None and stop < 300 and stop == hist.epochs["epoch"][-1]
    assert stop == best + 5
    assert val_loss[best] == stopper.best
    assert np.all(val_loss[best + 1:] >= val_loss[best] - min_delta)
    if min_delta == 0:
        assert val_loss[best] == val_loss[1:].min()
    np.testing.assert_array_equal(model.theta, hist.thetas[best])
    assert model.loss(Xv, yv) == val_loss[best]


def test_best_weights_are_restored_when_training_runs_to_the_end(overfit):
    X, Xv, y, yv = overfit
    model = MLP([2, 64, 64, 2], seed=0)
    hist = fit(model, X, y, optim.Adam(lr=0.02), batch_size=10, epochs=40, val=(Xv, yv),
               early_stopping=EarlyStopping(patience=100, restore_best_weights=True),
               record_thetas="epoch")
    assert hist.stopped_epoch is None and hist.best_epoch < 40
    np.testing.assert_array_equal(model.theta, hist.thetas[hist.best_epoch])
    plain = MLP([2, 64, 64, 2], seed=0)
    fit(plain, X, y, optim.Adam(lr=0.02), batch_size=10, epochs=40, val=(Xv, yv),
        early_stopping=EarlyStopping(patience=100))
    np.testing.assert_array_equal(plain.theta, hist.thetas[-1])


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "number of epochs must be >= 1, got 0"),
    ({"epochs": 2.5}, "number of epochs must be a whole number"),
    ({"batch_size": 0}, "batch size must be >= 1, got 0"),
    ({"batch_size": 500}, "batch size 500 is larger than the 150 training examples"),
    ({"record_thetas": "batch"}, "unknown record_thetas 'batch'"),
    ({"schedule_per": "epochs"}, "unknown schedule_per 'epochs'"),
    ({"early_stopping": EarlyStopping()},
     "early stopping monitors 'val_loss', which this run does not record \\(it records "
     "train_loss, train_acc\\); validation metrics need val="),
])
def test_bad_arguments_raise_clear_errors(moons, kwargs, message):
    X, _, y, _ = moons
    with pytest.raises(ValueError, match=message):
        fit(small_mlp(), X, y, optim.SGD(lr=0.1), **kwargs)


def test_early_stopping_on_accuracy_needs_a_classifier():
    X, y = data.make_regression_1d(40, seed=0)
    with pytest.raises(ValueError, match="monitors 'train_acc'.*records train_loss, val_loss"):
        fit(MLP([1, 4, 1], loss="mse"), X, y, optim.SGD(), val=(X, y),
            early_stopping=EarlyStopping(monitor="train_acc"))


def test_bad_data_raise_clear_errors(moons):
    X, Xv, y, yv = moons
    with pytest.raises(ValueError, match="training inputs must have 2 features"):
        fit(small_mlp(), X[:, :1], y, optim.SGD())
    with pytest.raises(ValueError, match="150 training inputs but 149 targets"):
        fit(small_mlp(), X, y[1:], optim.SGD())
    with pytest.raises(ValueError, match="validation inputs but"):
        fit(small_mlp(), X, y, optim.SGD(), val=(Xv, yv[1:]))
