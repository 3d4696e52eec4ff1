r"""R networks of one shape trained at once: the same arithmetic as R separate `fit` runs.

Run r's parameters are row r of one (R, P) array, laid out like `models[r].theta`; layer l of
every run is one (R, n_in + 1, n_out) view [W; b] of it. Each step multiplies the R batches by
the R weight blocks in one batched product (np.matmul over (R, B, n)):

    z_r = [a_r, 1] @ [W_r; b_r]          d[W_r; b_r] = [a_r, 1]ᵀ dz_r          da_r = dz_r W_rᵀ

exactly the single-run MLP's formulas (nnlib/model.py, the readable reference), so a step of R
runs costs little more than a step of one: small networks are dominated by NumPy's per-call
cost, which is now paid once for R runs. The optimizers of nnlib.optim are elementwise, so one
optimizer steps the whole (R, P) stack (every run gets its own moments), or one optimizer per
run steps its row (runs may then differ in learning rate, schedule or rule).

    models = [MLP([2, 16, 16, 2], seed=s) for s in range(8)]
    histories = fit_runs(models, X, y, optim.Adam(lr=0.01), batch_size=32, epochs=200,
                         seed=list(range(8)))
    # == [fit(m, X, y, optim.Adam(lr=0.01), batch_size=32, epochs=200, seed=s) for ...]

Each run shuffles with its own np.random.default_rng(seed_r) and draws its own dropout masks
from it, in fit's order, so run r sees exactly the batches and masks fit would give it.
"""

import numpy as np

from nnlib import _check, losses, train
from nnlib.activations import ACTIVATIONS
from nnlib.model import MLP
from nnlib.optim import Optimizer
from nnlib.schedules import ReduceLROnPlateau

MAX_WORKSPACES = 8   # batch sizes remembered (training, last partial batch, evaluation sets)


class _Workspace:
    """Arrays for R runs on batches of B rows; the first layer's input has `rows` = R stacked
    batches, or 1 batch shared by every run (evaluation, unshuffled data)."""

    def __init__(self, sizes, runs, rows, batch, dtype):
        self.inputs = ([np.ones((rows, batch, sizes[0] + 1), dtype)]
                       + [np.ones((runs, batch, n + 1), dtype) for n in sizes[1:-1]])
        self.outputs = [a[..., :-1] for a in self.inputs[1:]]
        self.z = [np.empty((runs, batch, n), dtype) for n in sizes[1:]]
        self.dz = [np.empty_like(z) for z in self.z]
        self.da = [np.empty_like(z) for z in self.z[:-1]]
        self.h = [np.empty_like(z) for z in self.z[:-1]]
        self.masks = [np.empty_like(z) for z in self.z[:-1]]
        self.label_base = np.arange(runs * batch).reshape(runs, batch) * sizes[-1]   # row starts
        self.true_class = np.empty_like(self.label_base)   # label_base + y: the true logits


class BatchedMLP:
    """The parameters of R MLPs of one shape (sizes, activation, loss, dtype) stacked in `theta`
    (R, P); their initial weights, dropout p and l2 may differ. `models` are not changed."""

    def __init__(self, models):
        self.models = _check_models(models)
        first = self.models[0]
        self.sizes, self.loss_name, self.dtype = first.sizes, first.loss_name, first.dtype
        self.n_runs, self.n_params = len(self.models), first.n_params
        self._act = ACTIVATIONS[first.activation]
        shapes = [(n_in + 1, n_out) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.theta, self._blocks = _stacked_blocks(self.n_runs, shapes, self.dtype)
        self.grad, self._grad_blocks = _stacked_blocks(self.n_runs, shapes, self.dtype)
        self._W_T = [block[:, :-1].transpose(0, 2, 1) for block in self._blocks]
        self.theta[...] = [model.theta for model in self.models]
        l2 = np.array([model.l2 for model in self.models])
        self._l2_rates, rate_blocks = _stacked_blocks(self.n_runs, shapes, self.dtype)
        for block in rate_blocks:
            block[:, :-1] = l2[:, None, None]                  # l2 at weights, 0 at biases
        self._has_l2 = bool(l2.any())
        self._l2_grad = np.empty_like(self.theta)
        keep = np.array([1.0 - model.dropout for model in self.models])
        self._dropping = keep < 1
        self._any_dropout = bool(self._dropping.any())
        self._keep = keep.astype(self.dtype)[:, None, None]               # as MLP._dropout_mask
        self._scale = (1.0 / keep).astype(self.dtype)[:, None, None]
        self._workspaces = {}

    def forward(self, X):
        """Every run's output on the same X (n, n_inputs) in eval mode: (R, n, n_outputs)."""
        X = np.asarray(X, self.dtype)
        if X.ndim != 2 or X.shape[1] != self.sizes[0] or not len(X):
            raise ValueError(f"X must be a non-empty 2-D array with {self.sizes[0]} columns, "
                             f"got shape {X.shape}")
        return self._forward(X[None], train=False, rngs=None)[0].copy()

    def loss_and_grad(self, X, y, rngs, train=True):
        """(losses (R,), grad (R, P)) of run r on batch (X[r], y[r]), X (R or 1, B, n_inputs);
        rngs[r] draws run r's dropout masks. grad is overwritten by the next call."""
        out, cache = self._forward(X, train, rngs)
        loss, dout = self._loss(out, y, cache[0])
        self._backward(dout, cache)
        if self._has_l2:
            loss += self.penalty()
            self.grad += self._l2_grad
        return loss, self.grad

    def penalty(self):
        """Per run, l2/2 · Σ W² over the weights; leaves the gradient l2 · W in _l2_grad."""
        l2_w = np.multiply(self.theta, self._l2_rates, out=self._l2_grad)
        return 0.5 * np.vecdot(l2_w, self.theta)

    def metrics(self, X, y, prefix):
        """fit's epoch metrics for every run: {prefix_loss: (R,), [prefix_acc: (R,)]}, eval mode."""
        out = self._forward(X[None], train=False, rngs=None)[0]
        row = {}
        if self.loss_name == "cross_entropy":
            acc = np.mean(out.argmax(axis=-1) == y, axis=-1)
        loss = losses.LOSS_VALUES[self.loss_name](out, y)
        row[f"{prefix}_loss"] = loss + self.penalty() if self._has_l2 else loss
        if self.loss_name == "cross_entropy":
            row[f"{prefix}_acc"] = acc
        return row

    # ---- forward and backward, as MLP._forward / MLP._backward with a leading run axis ----

    def _forward(self, X, train, rngs):
        ws = self._workspace(*X.shape[:2])
        ws.inputs[0][..., :-1] = X
        drop = train and self._any_dropout
        hidden = []
        for Wb, a_in, z, a, h, mask in zip(self._blocks, ws.inputs, ws.z, ws.outputs, ws.h, ws.masks):
            np.matmul(a_in, Wb, out=z)
            if drop:
                self._act.f(z, out=h)
                np.multiply(h, self._dropout_mask(mask, rngs), out=a)
                hidden.append((h, mask))
            else:
                hidden.append((self._act.f(z, out=a), None))
        out = np.matmul(ws.inputs[-1], self._blocks[-1], out=ws.z[-1])
        return out, (ws, hidden)

    def _backward(self, dout, cache):
        ws, hidden = cache
        dz = dout
        for l in range(len(hidden), 0, -1):
            np.matmul(ws.inputs[l].transpose(0, 2, 1), dz, out=self._grad_blocks[l])
            da = np.matmul(dz, self._W_T[l], out=ws.da[l - 1])
            h, mask = hidden[l - 1]
            if mask is not None:
                da *= mask
            dz = self._act.df(ws.z[l - 1], h, out=ws.dz[l - 1])
            dz *= da
        np.matmul(ws.inputs[0].transpose(0, 2, 1), dz, out=self._grad_blocks[0])

    def _dropout_mask(self, mask, rngs):
        """Run r's inverted dropout mask from rngs[r], as MLP._dropout_mask; all ones (and no
        draw from rngs[r]) for a run without dropout."""
        for r, dropping in enumerate(self._dropping):
            if dropping:
                rngs[r].random(out=mask[r], dtype=self.dtype)
            else:
                mask[r] = 0
        np.less(mask, self._keep, out=mask)
        mask *= self._scale
        return mask

    def _loss(self, out, y, ws):
        """(loss per run, dL/dout) for outputs (R, B, C) and per-run targets y (R or 1, B[, K])."""
        dout = ws.dz[-1]
        runs, batch, classes = out.shape
        if self.loss_name == "cross_entropy":   # as losses.softmax_cross_entropy, per run
            true_class = np.add(ws.label_base, y, out=ws.true_class)        # (R, B)
            log_p = losses._log_softmax(out, -1, dout)
            loss = -log_p.ravel().take(true_class).sum(axis=-1) / batch
            p = np.exp(log_p, out=log_p)
            p.ravel()[true_class] -= 1
            p *= 1 / batch
            return loss, p
        diff = np.subtract(out, y, out=dout)                  # as losses.mse, per run
        flat = diff.reshape(runs, -1)
        loss = np.vecdot(flat, flat) / flat.shape[-1]
        diff *= 2 / flat.shape[-1]
        return loss, diff

    def _workspace(self, rows, batch):
        ws = self._workspaces.get((rows, batch))
        if ws is None:
            if len(self._workspaces) >= MAX_WORKSPACES:
                self._workspaces.clear()
            ws = self._workspaces[rows, batch] = _Workspace(self.sizes, self.n_runs, rows, batch,
                                                            self.dtype)
        return ws


def fit_runs(models, X, y, opt, batch_size=32, epochs=100, schedule=None, val=None,
             early_stopping=None, shuffle=True, seed=0, callback=None, record_thetas=None,
             schedule_per="step", orders=None):
    """Train R models at once on the same data; return their R Histories.

    The result equals (to float64 round-off) R separate runs
        fit(models[r], X, y, opt_r, batch_size, epochs, schedule_r, val, early_stopping[r],
            shuffle, seed[r], callback[r], record_thetas, schedule_per)
    and, like fit, leaves each model with its run's final (or restored best) parameters.

    models: R MLPs with the same sizes, activation, loss and dtype (init, seed, dropout, l2 free).
    opt: one fresh optimizer, which steps the whole (R, P) stack (each run gets its own state with
      the same settings), or a list of R optimizers, one per run (each steps its run's row).
    schedule: with one optimizer, None or one scheduler of it (ReduceLROnPlateau follows each
      run's own metric, so it needs one optimizer per run); with R optimizers, None or a list of
      R schedulers (or None entries), scheduler r driving optimizer r.
    seed: one seed for every run, or a list of R. early_stopping, callback: None or a list of R
      (None entries allowed). A callback gets models[r] holding run r's current parameters.
    orders: None, or with shuffle=False an (R, n) array whose row r is a permutation of the n
      rows: run r goes through X[orders[r]] in that one order every epoch, as
      fit(models[r], X[orders[r]], y[orders[r]], ..., shuffle=False) does; the epoch metrics
      are measured on X as given (the same rows, so the same numbers to round-off).
    Runs that diverge or stop leave the stack; the others go on. Time columns share one clock.
    """
    net = BatchedMLP(models)
    runs = net.n_runs
    X, y = train._check_data(net.models[0], X, y, "training")
    val = None if val is None else train._check_data(net.models[0], *val, "validation")
    batch_size, epochs = train._check_settings(len(X), batch_size, epochs, record_thetas, schedule_per)
    opts, shared = _optimizers(opt, runs)
    schedules, shared_schedule = _schedules(schedule, opts, shared, runs)
    seeds = _per_run("seed", seed, runs, single_ok=True)
    stoppers = _per_run("early_stopping", early_stopping, runs)
    callbacks = _per_run("callback", callback, runs)
    rngs = [_check.generator(s) for s in seeds]
    fixed = _fixed_orders(orders, shuffle, X, y, runs)

    first_rows = _rows(net, X, y, val, [o.lr for o in opts])
    for stopper, row in zip(stoppers, first_rows):
        train.check_monitor(stopper, row)
        if stopper is not None:
            stopper.on_train_begin()
    step_shared, epoch_shared = train.split_schedule(shared_schedule, schedule_per)
    step_schedules, epoch_schedules = zip(*(train.split_schedule(s, schedule_per) for s in schedules))
    steppers = _Steppers(opts, shared, step_schedules, step_shared)
    log = _Logs(net, epochs, -(-len(X) // batch_size), record_thetas, first_rows)
    with np.errstate(all="ignore"):
        for epoch in range(1, epochs + 1):
            _train_epoch(net, X, y, steppers, batch_size, shuffle, rngs, log, fixed)
            log.pause()
            rows = _rows(net, X, y, val, steppers.lrs())
            for r in np.flatnonzero(log.alive):
                model = net.models[r]
                model.theta = net.theta[r]
                log.logs[r].s = log.s
                stop = train.close_epoch(epoch, rows[r], log.logs[r], model, epoch_schedules[r],
                                         callbacks[r], stoppers[r])
                net.theta[r] = model.theta
                if stop:
                    log.finish(r)
            if epoch_shared is not None:
                epoch_shared.step()
            log.resume()
            if not log.any_alive:
                break
    return log.histories(stoppers)


def _train_epoch(net, X, y, steppers, batch_size, shuffle, rngs, log, fixed=None):
    """One pass over the data for every run still training, as train._train_epoch does for one;
    fixed: None, or every run's rows (X, y) in its own fixed order, (R, n, ...) each."""
    n = len(X)
    if fixed is not None:
        X, y = fixed
    elif shuffle and batch_size < n:
        orders = np.array([rng.permutation(n) for rng in rngs])
        X, y = X[orders], y[orders]
    else:
        X, y = X[None], np.repeat(y[None], net.n_runs, axis=0)   # labels per run, for the loss
    for i in range(0, n, batch_size):
        if not log.any_alive:
            return
        lr = steppers.lrs()
        loss, grad = net.loss_and_grad(X[:, i:i + batch_size], y[:, i:i + batch_size], rngs)
        steppers.step(net.theta, grad, log.alive)
        fine = (loss < train.MAX_LOSS) & np.isfinite(np.vecdot(net.theta, net.theta))
        if not fine.all():                    # as train._blown_up, run by run
            for r in np.flatnonzero(~fine & log.alive):
                log.logs[r].s = log.s
                log.logs[r].diverged_at = log.s + 1
                log.finish(r)
        log.add_step(loss, lr)
        steppers.schedule(log.alive)


class _Steppers:
    """The optimizers and per-step schedulers: one shared by the whole (R, P) stack, or one per run."""

    def __init__(self, opts, shared, schedules, shared_schedule):
        self.opts, self.shared = opts, shared
        self.schedules = [(r, s) for r, s in enumerate(schedules) if s is not None]
        self.shared_schedule = shared_schedule

    def lrs(self):
        """The learning rate of every run (one number when the optimizer is shared)."""
        return self.opts[0].lr if self.shared else [o.lr for o in self.opts]

    def step(self, theta, grad, alive):
        if self.shared:
            self.opts[0].step(theta, grad)
            return
        for r in np.flatnonzero(alive):
            self.opts[r].step(theta[r], grad[r])

    def schedule(self, alive):
        for r, schedule in self.schedules:
            if alive[r]:
                schedule.step()
        if self.shared_schedule is not None:
            self.shared_schedule.step()


def _rows(net, X, y, val, lrs):
    """Each run's epoch row as fit records it: its metrics (Python floats) and its lr."""
    table = net.metrics(X, y, "train") | ({} if val is None else net.metrics(*val, "val"))
    lrs = np.broadcast_to(np.asarray(lrs, float), net.n_runs)
    return [{k: float(v[r]) for k, v in table.items()} | {"lr": float(lrs[r])}
            for r in range(net.n_runs)]


class _Logs(train._Clock):
    """fit's per-run train._Log, one per run, whose step columns are rows of shared (R, S)
    arrays: a batched step writes one column for every run at once. log.s is brought up to date
    whenever a run's log is read (end of epoch, end of the run)."""

    def __init__(self, net, epochs, steps_per_epoch, record_thetas, first_rows):
        self.net, self.record_thetas = net, record_thetas
        self.columns = np.empty((3, net.n_runs, epochs * steps_per_epoch))
        self.logs = [train._Log(model, epochs, steps_per_epoch, record_thetas, row)
                     for model, row in zip(net.models, first_rows)]
        for log, (loss, lr, seconds) in zip(self.logs, self.columns.transpose(1, 0, 2)):
            log.batch_loss, log.lr, log.time = loss, lr, seconds
        self.alive = np.ones(net.n_runs, bool)
        self.any_alive = True
        self.final = [None] * net.n_runs
        self.s = 0
        self.start_clock()

    def add_step(self, loss, lr):
        self.columns[0, :, self.s] = loss
        self.columns[1, :, self.s] = lr
        self.columns[2, :, self.s] = self.clock()
        self.s += 1
        if self.record_thetas == "step":
            for r in np.flatnonzero(self.alive):
                self.logs[r].thetas.append(self.net.theta[r].copy())

    def finish(self, r):
        """Run r has diverged or stopped: keep its parameters as they are now."""
        self.alive[r] = False
        self.any_alive = bool(self.alive.any())
        self.final[r] = self.net.theta[r].copy()

    def histories(self, stoppers):
        """Write every run's parameters back into its model, then fit's end of training."""
        result = []
        for r, (log, model, stopper) in enumerate(zip(self.logs, self.net.models, stoppers)):
            if self.alive[r]:
                log.s = self.s
            model.theta = self.net.theta[r] if self.final[r] is None else self.final[r]
            if stopper is not None:
                stopper.on_train_end(model)
                log.best_epoch = stopper.best_epoch
            result.append(log.history())
        return result


# ---- checks -------------------------------------------------------------------------------

SHAPE = ("sizes", "activation", "loss_name", "dtype")


def _check_models(models):
    if not isinstance(models, (list, tuple)) or not models or \
            not all(isinstance(m, MLP) for m in models):
        raise ValueError("give the runs as a list of MLP models (at least one)")
    for name in SHAPE:
        for r, model in enumerate(models):
            if getattr(model, name) != getattr(models[0], name):
                raise ValueError(f"every run must have the same {name.removesuffix('_name')}: "
                                 f"run {r} has {getattr(model, name)}, run 0 has "
                                 f"{getattr(models[0], name)} (train other shapes separately)")
    if any(model.l1 for model in models):
        raise ValueError("the batched runs have no L1 penalty: train models with l1 > 0 one by "
                         "one (nnlib.train.fit)")
    _distinct("model", models, "model.copy()")
    return list(models)


def _distinct(what, objects, remedy):
    seen = {}
    for r, obj in enumerate(objects):
        if obj is not None and id(obj) in seen:
            raise ValueError(f"runs {seen[id(obj)]} and {r} share one {what} object: give each "
                             f"run its own ({remedy})")
        seen.setdefault(id(obj), r)


def _per_run(name, value, runs, single_ok=False):
    """value as a list of `runs` entries: a list of that length, or (single_ok / None) repeated."""
    if isinstance(value, (list, tuple)):
        if len(value) != runs:
            raise ValueError(f"{name} must have one entry per run ({runs}), got {len(value)}")
        if not single_ok:
            _distinct(name, value, f"one {name} per run")
        return list(value)
    if value is None or single_ok:
        return [value] * runs
    raise ValueError(f"{name} keeps state for one run: give a list of {runs} (or None)")


def _fixed_orders(orders, shuffle, X, y, runs):
    """(X[orders], y[orders]) for fit_runs' orders (None without); ValueError unless orders is
    one permutation of the rows per run, given with shuffle=False."""
    if orders is None:
        return None
    orders = np.asarray(orders)
    if shuffle:
        raise ValueError("orders fixes each run's row order: give it with shuffle=False")
    if orders.shape != (runs, len(X)) or orders.dtype.kind not in "iu" or \
            not (np.sort(orders, axis=1) == np.arange(len(X))).all():
        raise ValueError(f"orders must hold one permutation of the {len(X)} rows per run "
                         f"({runs}), got shape {orders.shape}")
    return X[orders], y[orders]


def _optimizers(opt, runs):
    """(list of optimizers, shared): [opt] stepping the whole stack, or one per run."""
    if isinstance(opt, Optimizer):
        if opt.t or opt.state:
            raise ValueError("the shared optimizer has already taken steps: give a fresh one")
        return [opt], True
    opts = _per_run("optimizer", opt, runs) if isinstance(opt, (list, tuple)) else None
    if opts is None or not all(isinstance(o, Optimizer) for o in opts):
        raise ValueError("opt must be an nnlib.optim optimizer, or a list of one per run")
    return opts, False


def _schedules(schedule, opts, shared, runs):
    """(per-run schedulers, shared scheduler or None), each checked to drive its optimizer."""
    if shared:
        if isinstance(schedule, (list, tuple)):
            raise ValueError("one optimizer for every run takes one scheduler (or None); give a "
                             "list of optimizers to schedule runs separately")
        if isinstance(schedule, ReduceLROnPlateau):
            raise ValueError("ReduceLROnPlateau follows each run's own metric: give one "
                             "optimizer and one scheduler per run")
        if schedule is not None and schedule.opt is not opts[0]:
            raise ValueError("the scheduler must drive the optimizer given to fit_runs")
        return [None] * runs, schedule
    schedules = _per_run("schedule", schedule, len(opts))
    for r, (s, o) in enumerate(zip(schedules, opts)):
        if s is not None and s.opt is not o:
            raise ValueError(f"scheduler {r} must drive optimizer {r}")
    return schedules, None


def _stacked_blocks(runs, shapes, dtype):
    """A zero (runs, P) array and, per shape, the (runs, *shape) view of its columns."""
    flat = np.zeros((runs, sum(r * c for r, c in shapes)), dtype)
    ends = np.cumsum([0] + [r * c for r, c in shapes])
    blocks = [flat[:, i:j].reshape(runs, *shape) for i, j, shape in zip(ends[:-1], ends[1:], shapes)]
    assert all(np.shares_memory(b, flat) for b in blocks)
    return flat, blocks
