"""nnlib.batched.fit_runs gives what R separate nnlib.train.fit runs give, to float64 round-off.

Every case builds R models twice from the same recipe, trains one set with fit (one run at a
time) and the other with fit_runs (all at once), and compares every column of every History
(the clock excepted), the recorded parameters and the models' final parameters.
"""
from functools import partial

import numpy as np
import pytest

from nnlib import data, init, optim, schedules
from nnlib.batched import BatchedMLP, fit_runs
from nnlib.model import MLP
from nnlib.train import EarlyStopping, fit

RTOL, ATOL = 1e-10, 1e-12


@pytest.fixture(scope="module")
def moons():
    X, y = data.make_moons(203, noise=0.25, seed=1)     # 203: the last batch is partial
    Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=0.25, seed=0)
    return Xt, yt, Xv, yv


@pytest.fixture(scope="module")
def regression():
    X, y = data.make_regression_1d(150, noise=0.1, seed=2)
    Xt, Xv, yt, yv = data.train_val_split(X, y, val_fraction=0.2, seed=0)
    return Xt, yt, Xv, yv


def assert_same(separate, batched, models_a, models_b):
    assert len(separate) == len(batched)
    for r, (a, b) in enumerate(zip(separate, batched)):
        assert (a.best_epoch, a.stopped_epoch, a.diverged_at) == \
            (b.best_epoch, b.stopped_epoch, b.diverged_at), f"run {r}"
        for table in ("steps", "epochs"):
            ta, tb = getattr(a, table), getattr(b, table)
            assert list(ta) == list(tb), f"run {r} {table} columns"
            for key in ta:
                if key != "time":
                    np.testing.assert_allclose(tb[key], ta[key], RTOL, ATOL,
                                               err_msg=f"run {r} {table}.{key}")
        assert (a.thetas is None) == (b.thetas is None)
        if a.thetas is not None:
            np.testing.assert_allclose(b.thetas, a.thetas, RTOL, ATOL, err_msg=f"run {r} thetas")
    for r, (ma, mb) in enumerate(zip(models_a, models_b)):
        np.testing.assert_allclose(mb.theta, ma.theta, RTOL, ATOL, err_msg=f"run {r} final theta")


def compare(make_models, Xy, make_opts, shared=False, make_schedules=None, make_stoppers=None,
            seeds=None, **kwargs):
    """Train make_models() run by run with fit and all at once with fit_runs; assert equal.

    make_opts(models) -> one optimizer per run; with shared=True the runs share one optimizer's
    settings (fit gets a fresh copy per run, fit_runs one optimizer for the stack).
    """
    (X, y), val = Xy[:2], Xy[2:]
    kwargs.setdefault("epochs", 6)
    kwargs.setdefault("batch_size", 16)
    if val:
        kwargs["val"] = val
    separate_models, batched_models = make_models(), make_models()
    runs = len(separate_models)
    seeds = list(range(runs)) if seeds is None else seeds
    opts = make_opts(separate_models)
    scheds = make_schedules(opts) if make_schedules else [None] * runs
    stoppers = make_stoppers() if make_stoppers else [None] * runs
    callbacks = kwargs.pop("callbacks", lambda: [None] * runs)
    separate_calls = callbacks()
    separate = [fit(m, X, y, o, schedule=s, early_stopping=e, seed=seed, callback=c, **kwargs)
                for m, o, s, e, seed, c in zip(separate_models, opts, scheds, stoppers, seeds,
                                               separate_calls)]
    opts = make_opts(batched_models)
    if shared:
        opts = opts[0]
        scheds = make_schedules([opts])[0] if make_schedules else None
    else:
        scheds = make_schedules(opts) if make_schedules else None
    batched_calls = callbacks()
    batched = fit_runs(batched_models, X, y, opts, schedule=scheds,
                       early_stopping=make_stoppers() if make_stoppers else None,
                       seed=seeds, callback=None if batched_calls == [None] * runs else batched_calls,
                       **kwargs)
    assert_same(separate, batched, separate_models, batched_models)
    return separate, batched, separate_calls, batched_calls


def nets(sizes, runs=3, **kwargs):
    return lambda: [MLP(sizes, seed=10 + r, **kwargs) for r in range(runs)]


OPTIMIZERS = {
    "sgd": lambda: optim.SGD(lr=0.1),
    "momentum": lambda: optim.SGD(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-3),
    "nesterov": lambda: optim.SGD(lr=0.05, momentum=0.9, nesterov=True),
    "adam": lambda: optim.Adam(lr=0.01, weight_decay=1e-3),
    "amsgrad": lambda: optim.Adam(lr=0.01, amsgrad=True),
    "adamw": lambda: optim.AdamW(lr=0.01),
    "rmsprop": lambda: optim.RMSprop(lr=0.005, momentum=0.5, centered=True),
    "adagrad": lambda: optim.Adagrad(lr=0.1, lr_decay=0.01),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("shared", [True, False], ids=["one optimizer", "one per run"])
def test_every_optimizer_shared_or_per_run(moons, name, shared):
    compare(nets([2, 16, 16, 2]), moons, lambda ms: [OPTIMIZERS[name]() for _ in ms], shared)


@pytest.mark.parametrize("sizes,activation", [
    ([2, 5, 2], "tanh"), ([2, 16, 16, 2], "relu"), ([2, 7, 9, 4, 3], "leaky_relu"),
    ([2, 64, 64, 64, 3], "sigmoid"), ([2, 6, 6, 2], "identity")])
def test_shapes_and_activations(moons, sizes, activation):
    compare(nets(sizes, activation=activation), moons,
            lambda ms: [optim.Adam(lr=0.01) for _ in ms], shared=True)


def test_regression_with_mse_and_several_outputs(regression):
    X, y, Xv, yv = regression
    two = (X, np.stack([y, -2 * y], axis=1), Xv, np.stack([yv, -2 * yv], axis=1))
    compare(nets([1, 12, 12, 1], loss="mse", activation="tanh"), regression,
            lambda ms: [optim.SGD(lr=0.05, momentum=0.9) for _ in ms], shared=True)
    compare(nets([1, 8, 2], loss="mse"), two, lambda ms: [optim.Adam(lr=0.02) for _ in ms])


def test_runs_may_differ_in_init_l2_dropout_and_learning_rate(moons):
    recipes = [dict(init="he_normal", l2=0.0, dropout=0.0), dict(init="xavier_uniform", l2=1e-3),
               dict(init=partial(init.normal, std=0.3), dropout=0.3),
               dict(init="lecun_normal", l2=1e-2, dropout=0.5)]
    make = lambda: [MLP([2, 16, 16, 2], seed=r, **kw) for r, kw in enumerate(recipes)]
    compare(make, moons, lambda ms: [optim.SGD(lr=lr) for lr in (0.3, 0.1, 0.03, 0.01)])
    compare(make, moons, lambda ms: [optim.Adam(lr=0.01) for _ in ms], shared=True, epochs=4)


@pytest.mark.parametrize("shared", [True, False])
def test_step_and_epoch_schedules(moons, shared):
    for per, make in (("step", lambda o: schedules.CosineAnnealingLR(o, T_max=40)),
                      ("epoch", lambda o: schedules.StepLR(o, step_size=2, gamma=0.5)),
                      ("step", lambda o: schedules.LinearWarmup(o, warmup_steps=20, start_factor=0.1))):
        compare(nets([2, 16, 16, 2]), moons, lambda ms: [optim.Adam(lr=0.02) for _ in ms], shared,
                make_schedules=lambda opts: [make(o) for o in opts], schedule_per=per)


def test_reduce_on_plateau_per_run(moons):
    compare(nets([2, 16, 16, 2]), moons, lambda ms: [optim.SGD(lr=0.5) for _ in ms],
            make_schedules=lambda opts: [schedules.ReduceLROnPlateau(o, patience=0, factor=0.5)
                                         for o in opts], epochs=8)


def test_early_stopping_restores_each_runs_best_epoch(moons):
    stoppers = lambda: [EarlyStopping(patience=p, restore_best_weights=True) for p in (0, 1, 3)]
    separate, batched, _, _ = compare(nets([2, 16, 16, 2]), moons,
                                      lambda ms: [optim.SGD(lr=0.8, momentum=0.9) for _ in ms],
                                      shared=True, make_stoppers=stoppers, epochs=30)
    assert any(h.stopped_epoch for h in separate)          # the case is really exercised


def test_callbacks_see_their_own_run_and_may_stop_it(moons):
    def callbacks():
        def make(r):
            seen = []

            def callback(epoch, logs, model):
                seen.append((epoch, logs["train_loss"], model.theta.copy()))
                return epoch == 2 + r
            callback.seen = seen
            return callback
        return [make(r) for r in range(3)]
    *_, a, b = compare(nets([2, 8, 2]), moons, lambda ms: [optim.SGD(lr=0.1) for _ in ms],
                       callbacks=callbacks, epochs=10)
    for ca, cb in zip(a, b):
        assert [e for e, *_ in ca.seen] == [e for e, *_ in cb.seen]
        for (_, la, ta), (_, lb, tb) in zip(ca.seen, cb.seen):
            np.testing.assert_allclose(lb, la, RTOL)
            np.testing.assert_allclose(tb, ta, RTOL, ATOL)


def test_one_run_diverges_while_the_others_go_on(moons):
    separate, *_ = compare(nets([2, 16, 16, 2]), moons,
                           lambda ms: [optim.SGD(lr=lr) for lr in (0.1, 1e4, 0.05)], epochs=5)
    assert separate[1].diverged_at and not separate[0].diverged_at


@pytest.mark.parametrize("options", [dict(batch_size=None), dict(shuffle=False),
                                     dict(record_thetas="epoch"), dict(record_thetas="step"),
                                     dict(batch_size=1, epochs=2), dict(seeds=[7, 7, 7])],
                         ids=str)
def test_batches_order_and_snapshots(moons, options):
    options = dict(options)
    seeds = options.pop("seeds", None)
    compare(nets([2, 8, 8, 2], dropout=0.2), moons,
            lambda ms: [optim.Adam(lr=0.01) for _ in ms], shared=True, seeds=seeds, **options)


@pytest.mark.parametrize("batch_size", [16, None])
def test_fixed_orders_equal_fit_on_each_runs_reordered_rows(moons, batch_size):
    X, y, Xv, yv = moons
    orders = [np.random.default_rng(s).permutation(len(X)) for s in (3, 4, 5)]
    a, b = nets([2, 8, 8, 2], dropout=0.2)(), nets([2, 8, 8, 2], dropout=0.2)()
    separate = [fit(m, X[o], y[o], optim.Adam(lr=0.01), batch_size=batch_size, epochs=4,
                    shuffle=False, seed=r, val=(Xv, yv)) for r, (m, o) in enumerate(zip(a, orders))]
    batched = fit_runs(b, X, y, optim.Adam(lr=0.01), batch_size=batch_size, epochs=4,
                       shuffle=False, seed=[0, 1, 2], val=(Xv, yv), orders=np.array(orders))
    assert_same(separate, batched, a, b)
    unordered = fit_runs(nets([2, 8, 8, 2], dropout=0.2)(), X, y, optim.Adam(lr=0.01),
                         batch_size=batch_size, epochs=4, shuffle=False, seed=[0, 1, 2])
    if batch_size:           # the orders are really used: other batches, other losses
        assert not np.allclose(unordered[0].steps["batch_loss"], batched[0].steps["batch_loss"])


def test_float32_runs_match_float32_fit(moons):
    X, y, Xv, yv = moons
    a, b = nets([2, 16, 16, 2], dtype="float32")(), nets([2, 16, 16, 2], dtype="float32")()
    separate = [fit(m, X, y, optim.Adam(lr=0.01), epochs=3, seed=r) for r, m in enumerate(a)]
    batched = fit_runs(b, X, y, optim.Adam(lr=0.01), epochs=3, seed=[0, 1, 2])
    for ha, hb, ma, mb in zip(separate, batched, a, b):
        np.testing.assert_allclose(hb.steps["batch_loss"], ha.steps["batch_loss"], rtol=1e-4)
        np.testing.assert_allclose(mb.theta, ma.theta, rtol=1e-3, atol=1e-5)


def test_forward_and_one_gradient_equal_the_single_run_mlp(moons):
    X, y = moons[0][:20], moons[1][:20]
    models = [MLP([2, 9, 7, 3], activation="tanh", l2=0.01 * r, seed=r) for r in range(4)]
    net = BatchedMLP(models)
    out = net.forward(X)
    batch_X = np.stack([X + r for r in range(4)])
    losses, grad = net.loss_and_grad(batch_X, np.stack([y] * 4), rngs=None)
    for r, model in enumerate(models):
        np.testing.assert_allclose(out[r], model.forward(X), RTOL, ATOL)
        loss, g = model.loss_and_grad(X + r, y)
        np.testing.assert_allclose(losses[r], loss, RTOL)
        np.testing.assert_allclose(grad[r], g, RTOL, ATOL)


@pytest.mark.parametrize("call,message", [
    (lambda m, X, y: fit_runs([], X, y, optim.SGD(lr=0.1)), "list of MLP"),
    (lambda m, X, y: fit_runs([m[0], MLP([2, 4, 2])], X, y, optim.SGD(lr=0.1)), "same sizes"),
    (lambda m, X, y: fit_runs([m[0], MLP([2, 8, 2], activation="tanh")], X, y, optim.SGD(lr=0.1)),
     "same activation"),
    (lambda m, X, y: fit_runs([m[0], m[0]], X, y, optim.SGD(lr=0.1)), "share one model"),
    (lambda m, X, y: fit_runs(m, X, y, [optim.SGD(lr=0.1)]), "one entry per run"),
    (lambda m, X, y: fit_runs(m, X, y, [optim.SGD(lr=0.1)] * 2), "share one optimizer"),
    (lambda m, X, y: fit_runs(m, X, y, "adam"), "nnlib.optim optimizer"),
    (lambda m, X, y: fit_runs(m, X, y, used(optim.Adam(lr=0.1))), "fresh"),
    (lambda m, X, y: fit_runs(m, X, y, o := optim.SGD(lr=0.1),
                              schedule=schedules.ReduceLROnPlateau(o)), "ReduceLROnPlateau"),
    (lambda m, X, y: fit_runs(m, X, y, optim.SGD(lr=0.1),
                              schedule=schedules.StepLR(optim.SGD(lr=0.1), 2)), "drive"),
    (lambda m, X, y: fit_runs(m, X, y, optim.SGD(lr=0.1), early_stopping=EarlyStopping()),
     "list of 2"),
    (lambda m, X, y: fit_runs(m, X, y, optim.SGD(lr=0.1), seed=[1, 2, 3]), "one entry per run"),
    (lambda m, X, y: fit_runs(m, X, y, optim.SGD(lr=0.1), batch_size=0), "batch size"),
    (lambda m, X, y: fit_runs(m, X, y, optim.SGD(lr=0.1), orders=[range(len(X))] * 2),
     "shuffle=False"),
    (lambda m, X, y: fit_runs(m, X, y, optim.SGD(lr=0.1), shuffle=False,
                              orders=[[0] * len(X)] * 2), "one permutation"),
    (lambda m, X, y: fit_runs(m, X[:, :1], y, optim.SGD(lr=0.1)), "2 features"),
    (lambda m, X, y: fit_runs([m[0], MLP([2, 8, 2], l1=0.01, seed=1)], X, y, optim.SGD(lr=0.1)),
     "no L1 penalty"),
])
def test_bad_arguments_say_what_is_wrong(moons, call, message):
    X, y = moons[0], moons[1]
    with pytest.raises(ValueError, match=message):
        call([MLP([2, 8, 2], seed=0), MLP([2, 8, 2], seed=1)], X, y)


def used(opt):
    opt.step(np.zeros(3), np.ones(3))
    return opt
