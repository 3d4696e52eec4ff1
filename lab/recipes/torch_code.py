"""The PyTorch section's shared code, as notebook cell text: nnlib's run rebuilt with torch.

TORCH_SETUP builds the network, optimizer and scheduler in torch; TORCH_FIT trains it on the
batches nnlib's `fit` draws (one np.random.default_rng(seed) for the shuffles and the dropout
masks, used in the same order) and returns the mini-batch losses. DIFFERENCES lists where
nnlib and torch differ by design. TORCH_INTRO is the three as the cells every PyTorch section
opens with; a recipe adds the cells that run and compare its own runs.
"""

DIFFERENCES = """
**Where nnlib and PyTorch differ by design** (none of it changes the numbers beyond rounding):

- nnlib keeps every parameter in one flat vector `model.theta` and stores a layer's weights as
  `W` of shape (n_in, n_out), so `z = a W + b`; `torch.nn.Linear` stores `weight` as
  (n_out, n_in) and computes `a weightᵀ + bias`. We copy `W.T` into `weight`.
- `fit` shuffles with NumPy (`rng.permutation(n)` every epoch, one generator seeded with `seed`)
  and, with dropout, draws the masks from the same generator. `torch.nn.Dropout` would draw its
  own masks from torch's generator, so below a small `NumpyDropout` layer draws them with NumPy,
  in the same order, and the torch loop shuffles with the same generator.
- `fit` stops cleanly when the loss blows up (inf, NaN or above 1e8) and records the steps
  before it; torch would go on with NaN. We compare the steps nnlib recorded.
- nnlib's Adam computes the same formula in a different order (one division fewer), and its
  sigmoid is ½ tanh(z/2) + ½: the numbers agree to rounding (about 1e-16), not bit for bit.
- A loss is log Σ eᶻ − z_k, a difference of two numbers near 1, so nnlib and torch can differ by
  a rounding error (about 1e-16) however small the loss is: the check is
  |torch − nnlib| ≤ 1e-9 · |nnlib| + 1e-14, i.e. 1e-9 relative for every loss above 1e-5.
- Rounding can be amplified: a run with far too big a learning rate bounces chaotically (a
  difference of one rounding error doubles every few steps), and a long Adam run turns
  near-zero gradients, which are pure rounding, into full-size steps. Then no two programs
  agree for ever, not even nnlib with its first weights moved by 1e-15. Each run is compared up
  to the step where that nudge changes nnlib's own loss by more than 1e-12, and the notebook
  says which step that is.
- The 1/t schedule is Keras's InverseTimeDecay; torch has no class for it, so it is a LambdaLR.
  Warm-up then cosine is torch's SequentialLR of LinearLR and CosineAnnealingLR.
"""

TORCH_SETUP = r'''
import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)   # tiny matrices: more threads only add overhead (25x slower here)
ACTIVATION = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
              "leaky_relu": lambda: torch.nn.LeakyReLU(0.01), "identity": torch.nn.Identity,
              "elu": torch.nn.ELU, "softplus": torch.nn.Softplus, "silu": torch.nn.SiLU,
              "gelu": lambda: torch.nn.GELU(approximate="tanh")}


class NumpyDropout(torch.nn.Module):
    """Inverted dropout whose masks come from a NumPy generator, as nnlib draws them."""

    def __init__(self, p, rng):
        super().__init__()
        self.p, self.rng = p, rng

    def forward(self, a):
        if not self.training or self.p == 0:
            return a
        keep = 1.0 - self.p
        mask = torch.from_numpy((self.rng.random(tuple(a.shape)) < keep) / keep)
        return a * mask


def torch_net(model, rng=None):
    """A torch.nn.Sequential with nnlib `model`'s layers, activation, dropout and weights."""
    layers = []
    for k, (W, b) in enumerate(model.layers):
        linear = torch.nn.Linear(*W.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers.append(linear)
        if k < len(model.layers) - 1:
            layers.append(ACTIVATION[model.activation]())
            if model.dropout:
                layers.append(NumpyDropout(model.dropout, rng))
    return torch.nn.Sequential(*layers)


def torch_optimizer(name, params, lr):
    """torch.optim's optimizer for nnlib.optim.get(name, lr=lr) (torch's defaults otherwise)."""
    return {"sgd": lambda: torch.optim.SGD(params, lr=lr),
            "momentum": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9),
            "nesterov": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True),
            "adam": lambda: torch.optim.Adam(params, lr=lr),
            "adamw": lambda: torch.optim.AdamW(params, lr=lr),
            "rmsprop": lambda: torch.optim.RMSprop(params, lr=lr),
            "adagrad": lambda: torch.optim.Adagrad(params, lr=lr)}[name]()


def torch_schedule(name, opt, settings):
    """torch.optim.lr_scheduler's scheduler for nnlib.schedules.get(name, opt, **settings)."""
    S = torch.optim.lr_scheduler
    if name == "constant":
        return None
    if name == "step":
        return S.StepLR(opt, **settings)
    if name == "exponential":
        return S.ExponentialLR(opt, **settings)
    if name == "inverse_time":
        return S.LambdaLR(opt, lambda t: 1 / (1 + settings["decay"] * t))
    if name == "cosine":
        return S.CosineAnnealingLR(opt, **settings)
    if name == "warmup":
        return S.LinearLR(opt, start_factor=1 / 3, total_iters=settings["warmup_steps"])
    if name == "warmup_cosine":
        warm = settings["warmup_steps"]
        return S.SequentialLR(opt, [S.LinearLR(opt, start_factor=1 / 3, total_iters=warm),
                                    S.CosineAnnealingLR(opt, T_max=settings["T_max"] - warm)],
                              milestones=[warm])
    if name == "plateau":
        return S.ReduceLROnPlateau(opt, **settings)
    raise ValueError(f"no torch scheduler for {name!r}")
'''

TORCH_FIT = r'''
def torch_fit(model, X, y, optimizer, lr, schedule, schedule_settings, batch_size, epochs,
              seed, steps, val=None):
    """Train the torch copy of the *initial* nnlib `model` as nnlib's fit does; return the
    first `steps` mini-batch losses (each measured before its update)."""
    rng = np.random.default_rng(seed)            # fit's generator: shuffles, then dropout masks
    net = torch_net(model, rng)
    opt = torch_optimizer(optimizer, net.parameters(), lr)
    sched = torch_schedule(schedule, opt, schedule_settings)
    plateau = isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau)
    mse = model.loss_name == "mse"
    loss_fn = F.mse_loss if mse else F.cross_entropy
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    weights = [layer.weight for layer in net if isinstance(layer, torch.nn.Linear)]
    n, losses = len(X), []

    def loss_on(inputs, targets):
        out = net(inputs)
        loss = loss_fn(out, targets.reshape(out.shape)) if mse else loss_fn(out, targets)
        if model.l2:                             # nnlib's L2: l2/2 · ΣW², biases excluded
            loss = loss + model.l2 / 2 * sum((W ** 2).sum() for W in weights)
        if model.l1:                             # nnlib's L1: l1 · Σ|W|, biases excluded
            loss = loss + model.l1 * sum(W.abs().sum() for W in weights)
        return loss

    for epoch in range(epochs):
        order = rng.permutation(n) if batch_size < n else np.arange(n)
        for start in range(0, n, batch_size):
            net.train()
            opt.zero_grad()
            rows = torch.from_numpy(order[start:start + batch_size])
            loss = loss_on(X[rows], y[rows])
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                return np.array(losses)
            if sched is not None and not plateau:
                sched.step()
        if plateau:                              # fit steps it once per epoch, in eval mode
            net.eval()
            with torch.no_grad():
                inputs, targets = (X, y) if val is None else (torch.from_numpy(a) for a in val)
                metric = loss_on(inputs, targets).item()
            sched.step(metric)
    return np.array(losses)


def agree(name, torch_losses, nnlib_losses, nudged_losses, rtol=1e-9, atol=1e-14):
    """Assert torch's loss curve equals nnlib's to rtol over every step whose loss does not
    hang on rounding; print how many that is.

    `nudged_losses` is nnlib's own run with the first weights moved by one part in 10¹⁵ (a few
    rounding errors). Where that changes nnlib's own loss by more than 1e-12, the run amplifies
    rounding a thousandfold (far too big a learning rate bounces chaotically; long Adam runs
    turn near-zero gradients, which are pure rounding, into full-size steps), and the rounding
    differences torch and nnlib make at every step can grow past rtol: torch is compared up to
    that step. A loss is log Σ eᶻ − z_k, a difference of numbers near 1, so it carries a rounding
    error of about 1e-16 however small it is: losses below 1e-5 are compared to atol = 1e-14.
    """
    own = np.ones(len(nnlib_losses), bool)          # a nudged run that stopped earlier differs
    k = min(len(nudged_losses), len(nnlib_losses))
    own[:k] = np.abs(nudged_losses[:k] - nnlib_losses[:k]) > (rtol * np.abs(nnlib_losses[:k]) + atol) / 1000
    stable = int(np.argmax(own)) if own.any() else len(nnlib_losses)
    np.testing.assert_allclose(torch_losses[:stable], nnlib_losses[:stable], rtol=rtol, atol=atol,
                               err_msg=name)
    gap = (np.abs(torch_losses[:stable] - nnlib_losses[:stable])
           / np.maximum(np.abs(nnlib_losses[:stable]), atol / rtol))
    worst = gap.max() if stable else 0.0
    tail = "" if stable == len(nnlib_losses) else (
        f"; from step {stable + 1} on, a rounding error in the first weights changes "
        "nnlib's own loss by more than 1e-12, so it is not compared")
    print(f"{name}: PyTorch and nnlib agree on {stable} of {len(nnlib_losses)} losses "
          f"(largest relative difference {worst:.1e}){tail}")
'''

TORCH_INTRO = [("md", DIFFERENCES), ("code", TORCH_SETUP), ("code", TORCH_FIT)]
