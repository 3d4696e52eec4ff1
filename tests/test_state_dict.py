"""State like torch: optimizers, schedules and the MLP save and restore a run exactly."""
import copy

import numpy as np
import pytest

from nnlib import data, optim, schedules
from nnlib.model import MLP

X, Y = data.make_moons(60, noise=0.2, seed=0)
OPTIMIZERS = [("sgd", {}), ("momentum", {}), ("nesterov", {}), ("adam", {}),
              ("adam", {"amsgrad": True, "weight_decay": 0.01}), ("adamw", {}),
              ("rmsprop", {"momentum": 0.5, "centered": True}), ("adagrad", {"lr_decay": 0.01})]
SCHEDULES = [("step", {"step_size": 7, "gamma": 0.5}), ("exponential", {"gamma": 0.97}),
             ("inverse_time", {"decay": 0.1}), ("cosine", {"T_max": 30}),
             ("warmup", {"warmup_steps": 5}), ("warmup_cosine", {"warmup_steps": 5, "T_max": 30}),
             ("plateau", {"patience": 1, "factor": 0.5, "threshold": 0.05})]
BATCH, LR = 8, 0.05


def make(optimizer, settings, schedule, kwargs, seed=0):
    """A fresh (model with dropout and l2, optimizer, scheduler, generator of the batches)."""
    model = MLP([2, 8, 8, 2], dropout=0.2, l2=1e-3, seed=seed)
    opt = optim.get(optimizer, lr=LR, **settings)
    return model, opt, schedules.get(schedule, opt, **kwargs), np.random.default_rng(seed)


def steps(model, opt, sched, rng, n):
    """n mini-batch updates (dropout from the model's own generator), then the schedule."""
    for _ in range(n):
        rows = rng.choice(len(X), BATCH, replace=False)
        loss, grad = model.loss_and_grad(X[rows], Y[rows])
        opt.step(model.theta, grad)
        if isinstance(sched, schedules.ReduceLROnPlateau):
            sched.step(loss)
        elif sched is not None:
            sched.step()


@pytest.mark.parametrize("schedule, kwargs", SCHEDULES, ids=[s for s, _ in SCHEDULES])
@pytest.mark.parametrize("optimizer, settings", OPTIMIZERS,
                         ids=[f"{o}{'+' if s else ''}" for o, s in OPTIMIZERS])
def test_a_run_saved_at_step_k_and_continued_in_fresh_objects_equals_the_whole_run(
        optimizer, settings, schedule, kwargs):
    whole = make(optimizer, settings, schedule, kwargs)
    steps(*whole, 30)

    first = make(optimizer, settings, schedule, kwargs)
    steps(*first, 12)
    model, opt, sched, rng = first
    saved = (model.state_dict(), opt.state_dict(), sched.state_dict(), rng.bit_generator.state)

    # fresh objects built with other seeds and settings: everything comes from the saved dicts
    model2 = MLP([2, 8, 8, 2], dropout=0.2, l2=1e-3, seed=99)
    opt2 = optim.get(optimizer, lr=0.9, **settings)
    sched2 = schedules.get(schedule, opt2, **kwargs)
    rng2 = np.random.default_rng(99)
    model2.load_state_dict(saved[0])
    opt2.load_state_dict(saved[1])
    sched2.load_state_dict(saved[2])
    rng2.bit_generator.state = saved[3]
    steps(model2, opt2, sched2, rng2, 18)

    np.testing.assert_array_equal(model2.theta, whole[0].theta)
    assert opt2.lr == whole[1].lr and opt2.t == whole[1].t or not opt2.saves_step
    assert sched2.state_dict() == whole[2].state_dict()
    for name, value in whole[1].state_dict()["state"].get(0, {}).items():
        np.testing.assert_array_equal(opt2.state_dict()["state"][0][name], value)


def test_state_dicts_are_copies_both_ways():
    model, opt, sched, rng = make("adam", {}, "step", {"step_size": 3})
    steps(model, opt, sched, rng, 4)
    saved = opt.state_dict()
    kept = copy.deepcopy(saved)
    saved["state"][0]["exp_avg"][:] = 7.0                      # changing what was returned ...
    saved["param_groups"][0]["lr"] = 3.0
    assert opt.lr != 3.0 and not np.any(opt.state["exp_avg"] == 7.0)   # ... leaves the optimizer
    twin = optim.Adam(lr=0.1)
    twin.load_state_dict(kept)
    kept["state"][0]["exp_avg"][:] = 9.0                       # and a loaded dict stays apart
    assert not np.any(twin.state["exp_avg"] == 9.0)
    weights = model.state_dict()
    weights["layers.0.weight"][:] = 0.0
    assert model.layers[0][0].any()


def test_the_layout_follows_torch_names():
    model = MLP([2, 3, 2], seed=0)
    saved = model.state_dict()
    assert list(saved) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "rng"]
    np.testing.assert_array_equal(saved["layers.0.weight"], model.layers[0][0].T)   # (n_out, n_in)
    sgd = optim.SGD(lr=0.1, momentum=0.9)
    assert sgd.state_dict() == {"state": {}, "param_groups": [{
        "lr": 0.1, "initial_lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0,
        "nesterov": False, "params": [0]}]}
    plain = optim.SGD(lr=0.1)
    plain.step(np.ones(2), np.ones(2))
    assert plain.state_dict()["state"] == {}                   # no buffer, no step: as torch


@pytest.mark.parametrize("broken, words", [
    (lambda d: d.pop("param_groups"), "has 'state' and one of 'param_groups'"),
    (lambda d: d["param_groups"][0].pop("eps"), "param group has the entries"),
    (lambda d: d["state"][0].pop("exp_avg"), "state of parameter 0 has the entries"),
    (lambda d: d["state"][0].update(step=2.5), "step count must be a whole number"),
    (lambda d: d["state"][0].update(exp_avg=np.zeros(3)), "buffers must be float arrays of one shape"),
    (lambda d: d["param_groups"][0].update(betas=(0.9, 1.5)), "beta2 must be < 1"),
])
def test_a_broken_optimizer_state_is_refused_and_changes_nothing(broken, words):
    opt = optim.Adam(lr=0.01)
    opt.step(np.ones(4), np.ones(4))
    saved = opt.state_dict()
    broken(saved)
    other = optim.Adam(lr=0.2)
    other.step(np.ones(4), -np.ones(4))
    before = other.state_dict()
    with pytest.raises(ValueError, match=words):
        other.load_state_dict(saved)
    after = other.state_dict()
    assert after["param_groups"] == before["param_groups"] and after["state"][0]["step"] == 1.0
    np.testing.assert_array_equal(after["state"][0]["exp_avg"], before["state"][0]["exp_avg"])


def test_broken_schedule_and_model_states_are_refused():
    sched = schedules.StepLR(optim.SGD(lr=0.1), step_size=2)
    for change, words in (({"last_epoch": -1}, "last_epoch must be >= 0"),
                          ({"step_size": 0}, "step size must be >= 1"),
                          ({"base_lrs": [0.1, 0.2]}, "list of one learning rate")):
        with pytest.raises(ValueError, match=words):
            sched.load_state_dict(sched.state_dict() | change)
    with pytest.raises(ValueError, match="has the entries"):
        sched.load_state_dict({"last_epoch": 3})
    assert sched.last_step == 0 and sched.step_size == 2
    model = MLP([2, 3, 2], seed=0)
    saved = model.state_dict()
    with pytest.raises(ValueError, match=r"layers.1.weight must be numbers of shape \(2, 3\)"):
        MLP([2, 3, 2], seed=1).load_state_dict(saved | {"layers.1.weight": np.zeros((3, 2))})
    with pytest.raises(ValueError, match=r"layers.0.weight must be numbers of shape \(4, 2\)"):
        MLP([2, 4, 2], seed=1).load_state_dict(saved)
    with pytest.raises(ValueError, match="has the entries"):
        MLP([2, 3, 2], seed=1).load_state_dict({k: v for k, v in saved.items() if k != "rng"})


def test_penalty_is_pure():
    model = MLP([2, 5, 2], l2=0.1, seed=3)
    arrays = lambda: {k: v.copy() for k, v in vars(model).items() if isinstance(v, np.ndarray)}
    before = arrays()
    value = model.penalty()
    assert value == pytest.approx(0.05 * sum(np.sum(W ** 2) for W, _ in model.layers))
    for name, array in arrays().items():
        np.testing.assert_array_equal(array, before[name], err_msg=name)
    loss, grad = model.loss_and_grad(X, Y, train=False)     # the gradient does not need it first
    fresh = MLP([2, 5, 2], l2=0.1, seed=3)
    fresh.penalty()
    np.testing.assert_array_equal(fresh.loss_and_grad(X, Y, train=False)[1], grad)


# ---- against torch.optim (skipped where torch is not installed) ---------------------------

def _torch_pair(name):
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64))
    if name == "momentum":
        return torch, p, torch.optim.SGD([p], lr=0.1, momentum=0.9), optim.SGD(lr=0.1, momentum=0.9)
    return torch, p, torch.optim.Adam([p], lr=0.1), optim.Adam(lr=0.1)


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_state_dict_names_and_values_match_torch(name):
    torch, p, theirs, ours = _torch_pair(name)
    theta = p.detach().numpy().copy()
    A = np.array([3.0, 0.5, 1.0])
    for _ in range(5):                      # f = Σ A θ² / 2, gradient A θ, the same for both
        p.grad = torch.tensor(A, dtype=torch.float64) * p.detach()
        theirs.step()
        ours.step(theta, A * theta)
    mine, torch_state = ours.state_dict(), theirs.state_dict()
    assert set(mine["state"][0]) == set(torch_state["state"][0])
    for key, value in torch_state["state"][0].items():
        np.testing.assert_allclose(mine["state"][0][key], value.numpy(), rtol=1e-12)
    group, torch_group = mine["param_groups"][0], torch_state["param_groups"][0]
    assert set(group) - {"initial_lr"} <= set(torch_group)    # torch adds initial_lr with a scheduler
    assert {k: group[k] for k in group if k != "initial_lr"} == {k: torch_group[k] for k in group
                                                                 if k != "initial_lr"}
    np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("kind", ["step", "plateau"])
def test_schedule_state_dict_names_and_values_match_torch(kind):
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(2))
    theirs_opt, ours_opt = torch.optim.SGD([p], lr=0.1), optim.SGD(lr=0.1)
    if kind == "step":
        theirs = torch.optim.lr_scheduler.StepLR(theirs_opt, step_size=2, gamma=0.5)
        ours = schedules.StepLR(ours_opt, step_size=2, gamma=0.5)
        for _ in range(5):
            theirs_opt.step()
            theirs.step()
            ours.step()
    else:
        theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs_opt, patience=1, factor=0.5)
        ours = schedules.ReduceLROnPlateau(ours_opt, patience=1, factor=0.5)
        for metric in (1.0, 0.9, 0.95, 0.97, 0.99):
            theirs.step(metric)
            ours.step(metric)
    mine, torch_state = ours.state_dict(), theirs.state_dict()
    assert set(mine) <= set(torch_state)
    assert mine == pytest.approx({k: torch_state[k] for k in mine})
