r"""Optimizers with torch.optim's arguments, defaults and arithmetic, on plain NumPy arrays.

`opt.step(theta, grad)` updates theta in place. Every rule is elementwise, so theta may have
any shape: a flat parameter vector, or (R, 2) for R trajectories on a 2-D surface at once.
Notation as in the torch docs: η learning rate, λ weight decay, t the step count from 1.

`opt.state_dict()` / `opt.load_state_dict(d)` save and restore an optimizer as torch.optim does,
for the one parameter array it drives (index 0):

    {"state": {0: {"step": t, "exp_avg": ..., ...}},       # {} before the first step
     "param_groups": [{"lr": ..., "initial_lr": ..., <its settings>, "params": [0]}]}

with torch's names for the buffers and settings (SGD keeps no step count, as torch's); the
arrays are copies. Loading first checks every entry, then restores them: a run stopped at
step k and continued in a fresh optimizer takes exactly the steps the first would have taken.
"""
import numbers
from functools import partial

import numpy as np

from nnlib._check import choice, flag, number, positive, settings


FLUSH_EVERY = 64   # steps between two sweeps of the state for subnormal numbers


def _flush_subnormals(state):
    """Set state entries smaller than the smallest normal float to exactly 0.

    A unit whose gradient stays 0 (a dead ReLU) lets Adam's averages decay into subnormal
    numbers, which x86 computes up to 100x slower (a long width-128 run went from 75 to 475 µs
    per step); they would move θ by less than 1e-300. Sweeping every FLUSH_EVERY steps costs
    almost nothing per step.
    """
    for name, array in state.items():
        if name != "scratch":
            array[np.abs(array) < np.finfo(array.dtype).tiny] = 0


def _ema(avg, x, decay, scratch):
    """Exponential moving average in place: avg ← decay·avg + (1 − decay)·x (x may be scratch)."""
    avg *= decay
    np.multiply(x, 1 - decay, out=scratch)
    avg += scratch


def _unit_interval(name, value):
    """A number in [0, 1): momentum factors and moving-average decays."""
    return number(name, value, low=0, high=1, high_open=True)


class Optimizer:
    """Shared machinery: the learning rate, the step count t and the state arrays.

    A subclass names its state arrays in `state_names` (created lazily with zeros_like on the
    first step, plus a `scratch` array for temporaries), its settings in `settings` (torch's
    names, saved in param_groups) and implements `_update(theta, g, state)`.
    """

    settings = ("weight_decay",)
    saves_step = True     # torch keeps a "step" in the state of every optimizer but SGD

    def __init__(self, lr, weight_decay, state_names):
        self.lr = self.initial_lr = positive("learning rate", lr)
        self.weight_decay = number("weight decay", weight_decay, low=0)
        self.state_names = state_names
        self.reset()

    def reset(self):
        """Forget the step count and every state array: the next step starts afresh."""
        self.t = 0
        self.state = {}

    def _new_state(self, theta):
        state = {name: np.zeros_like(theta) for name in self.state_names}
        state["scratch"] = np.empty_like(theta)
        return state

    def step(self, theta, grad):
        """One update of theta in place. Overflow gives inf/nan silently: the caller checks."""
        if not self.state:
            self.state = self._new_state(theta)
        self.t += 1
        with np.errstate(all="ignore"):
            self._update(theta, self._decayed(theta, grad), self.state)
        if self.t % FLUSH_EVERY == 0:
            _flush_subnormals(self.state)

    def state_dict(self):
        """torch.optim's layout: {"state": {0: {"step", buffers}} or {}, "param_groups": [{...}]}."""
        saved = ({"step": float(self.t)} if self.saves_step else {}) | {
            name: self.state[name].copy() for name in self.state_names if name in self.state}
        state = {0: saved} if self.t and saved else {}
        group = {"lr": self.lr, "initial_lr": self.initial_lr}
        group |= {name: getattr(self, name) for name in self.settings} | {"params": [0]}
        return {"state": state, "param_groups": [group]}

    def load_state_dict(self, state_dict):
        """Restore what state_dict() saved (copies); ValueError, and nothing changed, if an entry
        is missing, unknown or of the wrong kind."""
        group, state = _checked_state(self, state_dict)
        twin = type(self)(lr=group["lr"], **{name: group[name] for name in self.settings})
        for name in (*self.settings, "state_names"):
            setattr(self, name, getattr(twin, name))
        self.lr, self.initial_lr = twin.lr, positive("initial_lr", group["initial_lr"])
        self.reset()
        if state:
            self.state = {name: np.array(state[name]) for name in self.state_names}
            self.state["scratch"] = np.empty_like(self.state[self.state_names[0]])
            self.t = int(state["step"]) if self.saves_step else 1   # SGD: its buffer exists

    def _decayed(self, theta, grad):
        """L2 weight decay folded into the gradient: g ← g + λθ (a new array, grad untouched)."""
        return grad + self.weight_decay * theta if self.weight_decay else grad

    def _update(self, theta, g, state):
        raise NotImplementedError


def _checked_state(opt, state_dict):
    """(param group, state of parameter 0 or None) of a state_dict for `opt`, or ValueError."""
    kind = type(opt).__name__
    try:
        (group,), state = state_dict["param_groups"], state_dict["state"]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"a {kind} state_dict has 'state' and one of 'param_groups', as "
                         "state_dict() returns it") from None
    expected = {"lr", "initial_lr", *opt.settings, "params"}
    if not isinstance(group, dict) or set(group) != expected:
        raise ValueError(f"a {kind} param group has the entries {', '.join(sorted(expected))}")
    if not isinstance(state, dict) or set(state) - {0}:
        raise ValueError(f"a {kind} state holds one parameter array, index 0")
    if not state:
        return group, None
    names = ({"step"} if opt.saves_step else set()) | set(opt.state_names)
    saved = state[0]
    if not isinstance(saved, dict) or set(saved) != names or not names:
        raise ValueError(f"the {kind} state of parameter 0 has the entries "
                         f"{', '.join(sorted(names)) or 'none'}")
    arrays = [np.asarray(saved[name]) for name in opt.state_names]
    if any(a.dtype.kind != "f" or a.shape != arrays[0].shape for a in arrays):
        raise ValueError(f"the {kind} buffers must be float arrays of one shape")
    if opt.saves_step and not (isinstance(saved["step"], numbers.Real)
                               and float(saved["step"]).is_integer() and saved["step"] >= 1):
        raise ValueError(f"the {kind} step count must be a whole number >= 1, got {saved['step']!r}")
    return group, saved


class SGD(Optimizer):
    r"""Gradient descent with optional momentum (heavy ball or Nesterov), as torch.optim.SGD.

        b ← g at t = 1, then b ← μ b + (1 − τ) g       (momentum buffer, τ = dampening)
        g ← g + μ b  (Nesterov)   or   g ← b           (when μ > 0)
        θ ← θ − η g
    """

    settings = ("momentum", "dampening", "weight_decay", "nesterov")
    saves_step = False

    def __init__(self, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
        self.momentum = _unit_interval("momentum", momentum)
        self.dampening = number("dampening", dampening, low=0, high=1)
        self.nesterov = flag("nesterov", nesterov)
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0")
        super().__init__(lr, weight_decay, ("momentum_buffer",) if self.momentum else ())

    def _update(self, theta, g, state):
        mu, scratch = self.momentum, state["scratch"]
        if mu:
            b = state["momentum_buffer"]
            if self.t == 1:
                np.copyto(b, g)
            else:
                b *= mu
                np.multiply(g, 1 - self.dampening, out=scratch)
                b += scratch
            if self.nesterov:
                np.multiply(b, mu, out=scratch)
                g = np.add(g, scratch, out=scratch)
            else:
                g = b
        np.multiply(g, self.lr, out=scratch)
        theta -= scratch


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), as torch.optim.Adam; weight decay is L2 (added to g).

        m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
        amsgrad: v_max ← max(v_max, v), used in place of v below
        m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η m̂ / (√v̂ + ε)

    Computed as θ ← θ − (η √(1 − β₂ᵗ) / (1 − β₁ᵗ)) · m / (√v + ε √(1 − β₂ᵗ)), the same number.
    """

    settings = ("betas", "eps", "weight_decay", "amsgrad")

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2) such as (0.9, 0.999), "
                             f"got {betas!r}")
        beta1, beta2 = betas
        self.betas = (_unit_interval("beta1", beta1), _unit_interval("beta2", beta2))
        self.eps = positive("eps", eps)
        self.amsgrad = flag("amsgrad", amsgrad)
        names = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if self.amsgrad else ())
        super().__init__(lr, weight_decay, names)

    def _update(self, theta, g, state):
        (beta1, beta2), scratch = self.betas, state["scratch"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        _ema(m, g, beta1, scratch)
        _ema(v, np.multiply(g, g, out=scratch), beta2, scratch)
        if self.amsgrad:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        root_c2 = (1 - beta2**self.t) ** 0.5
        np.sqrt(v, out=scratch)
        scratch += self.eps * root_c2
        np.divide(m, scratch, out=scratch)
        scratch *= self.lr * root_c2 / (1 - beta1**self.t)
        theta -= scratch


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as torch.optim.AdamW.

        θ ← θ (1 − η λ), then the Adam step with the plain gradient g.
    """

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(lr, betas, eps, weight_decay, amsgrad)

    def _decayed(self, theta, grad):
        theta *= 1 - self.lr * self.weight_decay
        return grad


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), as torch.optim.RMSprop.

        v ← α v + (1 − α) g²                       ṽ = v
        centered: ḡ ← α ḡ + (1 − α) g,             ṽ = v − ḡ²
        momentum μ > 0: b ← μ b + g / (√ṽ + ε),    θ ← θ − η b
        otherwise:                                  θ ← θ − η g / (√ṽ + ε)
    """

    settings = ("alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        self.alpha = _unit_interval("alpha", alpha)
        self.eps = positive("eps", eps)
        self.momentum = _unit_interval("momentum", momentum)
        self.centered = flag("centered", centered)
        names = (("square_avg",) + (("grad_avg",) if self.centered else ())
                 + (("momentum_buffer",) if self.momentum else ()))
        super().__init__(lr, weight_decay, names)

    def _update(self, theta, g, state):
        alpha, scratch = self.alpha, state["scratch"]
        _ema(state["square_avg"], np.multiply(g, g, out=scratch), alpha, scratch)
        if self.centered:
            g_avg = state["grad_avg"]
            _ema(g_avg, g, alpha, scratch)
            np.multiply(g_avg, g_avg, out=scratch)
            np.subtract(state["square_avg"], scratch, out=scratch)
            np.sqrt(scratch, out=scratch)
        else:
            np.sqrt(state["square_avg"], out=scratch)
        scratch += self.eps
        np.divide(g, scratch, out=scratch)
        if self.momentum:
            b = state["momentum_buffer"]
            b *= self.momentum
            b += scratch
            np.multiply(b, self.lr, out=scratch)
        else:
            scratch *= self.lr
        theta -= scratch


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), as torch.optim.Adagrad.

        η_t = η / (1 + (t − 1) · lr_decay)
        s ← s + g²                  (s starts at initial_accumulator_value)
        θ ← θ − η_t g / (√s + ε)
    """

    settings = ("lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(self, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10):
        self.lr_decay = number("lr_decay", lr_decay, low=0)
        self.initial_accumulator_value = number(
            "initial_accumulator_value", initial_accumulator_value, low=0)
        self.eps = positive("eps", eps)
        super().__init__(lr, weight_decay, ("sum",))

    def _new_state(self, theta):
        state = super()._new_state(theta)
        state["sum"] += self.initial_accumulator_value
        return state

    def _update(self, theta, g, state):
        total, scratch = state["sum"], state["scratch"]
        total += np.multiply(g, g, out=scratch)
        np.sqrt(total, out=scratch)
        scratch += self.eps
        np.divide(g, scratch, out=scratch)
        scratch *= self.lr / (1 + (self.t - 1) * self.lr_decay)
        theta -= scratch


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": partial(SGD, momentum=0.9),
    "nesterov": partial(SGD, momentum=0.9, nesterov=True),
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
}

def get(name, **kwargs):
    """The optimizer registered as `name`: get("momentum", lr=0.1) is SGD(lr=0.1, momentum=0.9)."""
    factory = OPTIMIZERS[choice("optimizer", name, OPTIMIZERS)]
    settings(f"the {name} optimizer", factory, kwargs)
    return factory(**kwargs)
