r"""Learning-rate schedules giving the same lr sequence as torch.optim.lr_scheduler.

A scheduler writes `opt.lr`. Each one (except ReduceLROnPlateau, which follows a metric) is a
closed form `lr_at(t)` of the step count t, vectorized over an int array; constructing it sets
opt.lr = lr_at(0) like torch, and `step()` advances t by one and sets opt.lr = lr_at(t).
η₀ is the optimizer's initial learning rate.

`state_dict()` / `load_state_dict(d)` save and restore a scheduler as torch's do: its settings
under their own names plus "last_epoch" (the step count t), "base_lrs" ([η₀]) and "_last_lr"
(the lr it last set), e.g. {"step_size": 10, "gamma": 0.1, "base_lrs": [0.1], "last_epoch": 3,
"_last_lr": [0.1]}; ReduceLROnPlateau adds its counters (best, num_bad_epochs, ...). As in torch,
loading leaves the optimizer's lr alone: restore the optimizer from its own state_dict.
"""
import math
import numbers

import numpy as np

from nnlib._check import choice, integer, number, settings
from nnlib.optim import SGD

MAX_CURVE = 1_000_000   # points of an lr curve drawn without training


class _Saved:
    """state_dict() / load_state_dict() of a scheduler: `settings` are its constructor's
    arguments, `counters` what changes as it runs; last_step is saved as torch's last_epoch."""

    settings, counters = (), ()

    def state_dict(self):
        saved = {name: getattr(self, name) for name in (*self.settings, *self.counters)}
        return saved | self._lists() | {"last_epoch": self.last_step, "_last_lr": [self.opt.lr]}

    def load_state_dict(self, state_dict):
        """Restore what state_dict() saved; ValueError, and nothing changed, if an entry is
        missing, unknown or out of range."""
        expected = {*self.settings, *self.counters, *self._lists(), "last_epoch", "_last_lr"}
        if not isinstance(state_dict, dict) or set(state_dict) != expected:
            raise ValueError(f"a {type(self).__name__} state_dict has the entries "
                             f"{', '.join(sorted(expected))}")
        last = integer("last_epoch", state_dict["last_epoch"], low=0)
        lists = {}
        for name in self._lists():
            values = state_dict[name]
            if not isinstance(values, (list, tuple)) or len(values) != 1:
                raise ValueError(f"{name} must be a list of one learning rate, got {values!r}")
            lists[name] = number(name, values[0], low=0)
        twin = self._twin(lists, {name: state_dict[name] for name in self.settings})
        counters = {name: state_dict[name] for name in self.counters}
        for name, value in counters.items():
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(f"{name} must be a number, got {value!r}")
        for name in self.settings:
            setattr(self, name, getattr(twin, name))
        for name, value in counters.items():
            setattr(self, name, type(getattr(self, name))(value))
        self._set_lists(lists)
        self.last_step = last


class LRScheduler(_Saved):
    """Base class: a subclass sets its parameters, then calls this, and defines lr_at(t)."""

    def __init__(self, opt):
        self.opt = opt
        self.base_lr = opt.initial_lr
        self.last_step = 0
        opt.lr = float(self.lr_at(0))

    def _lists(self):
        return {"base_lrs": [self.base_lr]}

    def _set_lists(self, lists):
        self.base_lr = lists["base_lrs"]

    def _twin(self, lists, settings):
        """A scheduler built from saved settings: the constructor's checks, on a stand-in."""
        return type(self)(SGD(lr=lists["base_lrs"] or 1.0), **settings)

    def step(self):
        self.last_step += 1
        self.opt.lr = float(self.lr_at(self.last_step))

    def lr_at(self, t):
        raise NotImplementedError


def _decay_factor(gamma):
    """gamma in (0, 1]: a factor > 1 would make the lr grow without bound."""
    return number("gamma", gamma, low=0, high=1, low_open=True)


class StepLR(LRScheduler):
    """Multiply the lr by gamma every step_size steps: η_t = η₀ γ^⌊t / step_size⌋."""

    settings = ("step_size", "gamma")

    def __init__(self, opt, step_size, gamma=0.1):
        self.step_size = integer("step size", step_size, low=1)
        self.gamma = _decay_factor(gamma)
        super().__init__(opt)

    def lr_at(self, t):
        return self.base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    """Multiply the lr by gamma every step: η_t = η₀ γᵗ."""

    settings = ("gamma",)

    def __init__(self, opt, gamma):
        self.gamma = _decay_factor(gamma)
        super().__init__(opt)

    def lr_at(self, t):
        return self.base_lr * self.gamma ** t


class InverseTimeLR(LRScheduler):
    """The 1/t decay of stochastic approximation, η_t = η₀ / (1 + decay·t) (Keras
    InverseTimeDecay with decay_steps=1)."""

    settings = ("decay",)

    def __init__(self, opt, decay):
        self.decay = number("decay", decay, low=0)
        super().__init__(opt)

    def lr_at(self, t):
        return self.base_lr / (1 + self.decay * t)


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from η₀ down to eta_min over T_max steps (then back up, like torch):
    η_t = η_min + ½ (η₀ − η_min)(1 + cos(π t / T_max))."""

    settings = ("T_max", "eta_min")

    def __init__(self, opt, T_max, eta_min=0.0):
        self.T_max = integer("T_max", T_max, low=1)
        self.eta_min = number("eta_min", eta_min, low=0)
        super().__init__(opt)

    def lr_at(self, t):
        return _cosine(self.base_lr, self.eta_min, t / self.T_max)


class LinearWarmup(LRScheduler):
    """The lr grows linearly from start_factor·η₀ to η₀ in warmup_steps (torch LinearLR to 1):
    η_t = η₀ (f₀ + (1 − f₀) min(t, T_w) / T_w)."""

    settings = ("warmup_steps", "start_factor")

    def __init__(self, opt, warmup_steps, start_factor=1 / 3):
        self.warmup_steps = integer("warm-up steps", warmup_steps, low=1)
        self.start_factor = number("start factor", start_factor, low=0, high=1, low_open=True)
        super().__init__(opt)

    def lr_at(self, t):
        done = np.minimum(t, self.warmup_steps) / self.warmup_steps
        return _warmup(self.base_lr, self.start_factor, done)


class WarmupCosine(LRScheduler):
    """Linear warm-up from start_factor·η₀ to η₀ in warmup_steps, then half a cosine down to
    eta_min at step T_max: torch's SequentialLR([LinearLR(opt, start_factor, total_iters=T_w),
    CosineAnnealingLR(opt, T_max − T_w, eta_min)], milestones=[T_w]). Past T_max the cosine
    comes back up, as in torch."""

    settings = ("warmup_steps", "T_max", "start_factor", "eta_min")

    def __init__(self, opt, warmup_steps, T_max, start_factor=1 / 3, eta_min=0.0):
        self.warmup_steps = integer("warm-up steps", warmup_steps, low=1)
        self.T_max = integer("T_max (the step the cosine ends, after the warm-up)", T_max,
                             low=self.warmup_steps + 1)
        self.start_factor = number("start factor", start_factor, low=0, high=1, low_open=True)
        self.eta_min = number("eta_min", eta_min, low=0)
        super().__init__(opt)

    def lr_at(self, t):
        t, warm = np.asarray(t), self.warmup_steps
        return np.where(t < warm, _warmup(self.base_lr, self.start_factor, t / warm),
                        _cosine(self.base_lr, self.eta_min, (t - warm) / (self.T_max - warm)))


def _warmup(eta0, f0, done):
    """η₀ (f₀ + (1 − f₀) d): from f₀η₀ at d = 0 to η₀ at d = 1."""
    return eta0 * (f0 + (1 - f0) * done)


def _cosine(eta0, eta_min, done):
    """η_min + ½ (η₀ − η_min)(1 + cos πd): from η₀ at d = 0 to η_min at d = 1."""
    return eta_min + (eta0 - eta_min) * (1 + np.cos(math.pi * done)) / 2


class ReduceLROnPlateau(_Saved):
    """Multiply the lr by factor once the metric has not improved for more than patience epochs.

    Improvement (torch's rule) in mode "min": m < best·(1 − threshold) if threshold_mode is
    "rel", m < best − threshold if "abs"; mode "max" mirrors it. After a reduction, `cooldown`
    epochs pass before bad epochs count again. The lr never goes below min_lr, and changes
    smaller than eps are skipped. One call of step(metric) is one epoch.
    """

    settings = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "eps")
    counters = ("best", "num_bad_epochs", "cooldown_counter")

    def __init__(self, opt, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0.0, eps=1e-8):
        self.mode = choice("mode", mode, ("min", "max"))
        self.factor = number("factor", factor, low=0, high=1, low_open=True, high_open=True)
        self.patience = integer("patience", patience, low=0)
        self.threshold = number("threshold", threshold, low=0)
        self.threshold_mode = choice("threshold mode", threshold_mode, ("rel", "abs"))
        self.cooldown = integer("cooldown", cooldown, low=0)
        self.min_lr = number("min_lr", min_lr, low=0)
        self.eps = number("eps", eps, low=0)
        self.opt = opt
        self.last_step = 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def _lists(self):
        return {"min_lrs": [self.min_lr]}

    def _set_lists(self, lists):
        self.min_lr = lists["min_lrs"]

    def _twin(self, lists, settings):
        return ReduceLROnPlateau(SGD(lr=1.0), min_lr=lists["min_lrs"], **settings)

    def is_better(self, metric):
        rel = self.threshold_mode == "rel"
        if self.mode == "min":
            return metric < (self.best * (1 - self.threshold) if rel
                             else self.best - self.threshold)
        return metric > (self.best * (1 + self.threshold) if rel else self.best + self.threshold)

    def step(self, metric):
        """Record this epoch's metric (e.g. the validation loss); reduce the lr if it stalled."""
        metric = float(metric)
        self.last_step += 1
        if self.is_better(metric):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.opt.lr * self.factor, self.min_lr)
            if self.opt.lr - new_lr > self.eps:
                self.opt.lr = new_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0


SCHEDULES = {
    "constant": None,
    "step": StepLR,
    "exponential": ExponentialLR,
    "inverse_time": InverseTimeLR,
    "cosine": CosineAnnealingLR,
    "warmup": LinearWarmup,
    "warmup_cosine": WarmupCosine,
    "plateau": ReduceLROnPlateau,
}

def get(name, opt, **kwargs):
    """The schedule registered as `name` driving opt, or None for "constant" (no scheduler)."""
    cls = SCHEDULES[choice("schedule", name, SCHEDULES)]
    if cls is None:
        if kwargs:
            raise ValueError(f"the constant schedule takes no settings, got {', '.join(kwargs)}")
        return None
    settings(f"the {name} schedule", cls, kwargs, given=("opt",))
    return cls(opt, **kwargs)


def lr_curve(name, lr0, steps, **kwargs):
    """The learning rates of steps 0..steps-1 under schedule `name`, without training."""
    if name == "plateau":
        raise ValueError("reduce on plateau follows the validation loss, so it has no curve "
                         "without training")
    opt = SGD(lr=lr0)
    sched = get(name, opt, **kwargs)
    t = np.arange(integer("steps", steps, low=1, high=MAX_CURVE))
    return np.full(len(t), opt.lr) if sched is None else sched.lr_at(t)
