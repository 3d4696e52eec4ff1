"""Experiments that train several runs of one shape at once (nnlib.batched.fit_runs) give the
numbers the separate single runs (nnlib.train.fit, the code they replaced, written out here)
give, to float64 round-off, on several seeds."""
import numpy as np
import pytest

from experiments import batches, initialization, schedules

RTOL, ATOL = 1e-10, 1e-12


def assert_same_epochs(separate, batched, columns):
    assert len(separate) == len(batched)
    for r, (a, b) in enumerate(zip(separate, batched)):
        assert a.diverged_at == b.diverged_at, f"run {r}"
        for key in columns:
            np.testing.assert_allclose(b.epochs[key], a.epochs[key], RTOL, ATOL,
                                       err_msg=f"run {r} {key}")


@pytest.mark.parametrize("reshuffle", [True, False], ids=["reshuffled", "one fixed order"])
@pytest.mark.parametrize("seed", [0, 3, 7])
@pytest.mark.parametrize("size", ["full", "16", "1"])
def test_batches_band_runs_equal_the_separate_shuffle_orders(seed, size, reshuffle):
    lr = 10.0 if seed == 7 else 0.1          # η = 10: batch 1 diverges, each order at its own step
    shuffles = [seed + k for k in range(1, batches.BAND_SEEDS)]
    separate = [batches.train(size, lr, 3, 150, seed, s, reshuffle=reshuffle)[1] for s in shuffles]
    batched = batches.shuffle_runs(size, lr, 3, 150, seed, shuffles, reshuffle=reshuffle)
    assert_same_epochs(separate, batched, ["train_loss", "train_acc"])
    for a, b in zip(separate, batched):
        np.testing.assert_allclose(b.steps["batch_loss"], a.steps["batch_loss"], RTOL, ATOL)
    if seed == 7 and size == "1":
        assert len({h.diverged_at for h in separate}) > 2     # the divergence case is exercised


@pytest.mark.parametrize("seed", [0, 4, 9])
@pytest.mark.parametrize("schedule,optimizer", [("constant", "sgd"), ("step", "momentum"),
                                                ("plateau", "sgd"), ("warmup_cosine", "adam")])
def test_schedules_learning_rates_equal_the_separate_runs(seed, schedule, optimizer):
    lrs = [0.3 * m for m in schedules.MULTIPLES]
    separate = [schedules.train(lr, schedule, optimizer, 6, 32, seed) for lr in lrs]
    batched = schedules.train_many(lrs, schedule, optimizer, 6, 32, seed)
    assert_same_epochs(separate, batched, ["train_loss", "train_acc", "lr"])
    for a, b in zip(separate, batched):
        for key in ("batch_loss", "lr"):
            np.testing.assert_allclose(b.steps[key], a.steps[key], RTOL, ATOL)
    if optimizer == "sgd":      # η = 30 diverges with plain SGD: that case is exercised
        assert separate[-1].diverged_at is not None


def test_schedules_lr_runs_frames_are_those_of_the_separate_runs():
    frames = schedules.lr_runs(0.3, "step", "momentum", epochs=5, batch_size=50, seed=2)
    summary = frames[2]
    for row, m in zip(summary.itertuples(), schedules.MULTIPLES):
        hist = schedules.train(0.3 * m, "step", "momentum", 5, 50, 2)
        np.testing.assert_allclose(row.final_loss, hist.epochs["train_loss"][-1], RTOL, ATOL)
        assert row.diverged_at == hist.diverged_at if hist.diverged_at else np.isnan(row.diverged_at)


@pytest.mark.parametrize("seed", [0, 5, 8])
@pytest.mark.parametrize("net", [dict(), dict(depth=10, sigma=1.0, activation="relu", lr=0.3)],
                         ids=["defaults", "diverging relu"])
def test_initialization_schemes_trained_at_once_equal_the_separate_runs(seed, net):
    net = dict(sigma=0.3, epochs=8, seed=seed) | net
    separate = {scheme: initialization.train(scheme, **net) for scheme in initialization.SCHEMES}
    batched = initialization.train_schemes(initialization.SCHEMES, **net)
    assert list(batched) == list(separate)
    for scheme, a in separate.items():
        b = batched[scheme]
        assert a["diverged_at"] == b["diverged_at"], scheme
        assert initialization.identical(a) == initialization.identical(b), scheme
        for column in ("loss", "accuracy"):
            np.testing.assert_allclose(b["curve"][column], a["curve"][column], RTOL, ATOL)
        np.testing.assert_allclose(b["probe"], a["probe"], RTOL, ATOL)
        np.testing.assert_allclose(b["max_difference"], a["max_difference"], RTOL, ATOL)
    assert initialization.verdict(batched) == initialization.verdict(separate)
    if net.get("activation") == "relu":   # the case where runs leave the stack is exercised
        assert any(run["diverged_at"] for run in separate.values())
