"""Full batch vs mini-batch: one data set, one initialization, several batch sizes.

An epoch shows the network every example once. With batch size B it is cut into ⌈N/B⌉
updates, each following the gradient of the mini-batch loss L(B), the average loss over the
batch, instead of the full loss L, the average over all N examples (as the course notes define
them):

    θ ← θ − η ∇L(B)(θ),     L(B) = (1/|B|) Σ_{a∈B} ℓᵃ,     L = (1/N) Σ_a ℓᵃ.

Small batches take many cheap, noisy steps per epoch; full batch takes one exact step.
Every run starts from the same weights on the same data; only the batches differ.
The data are two noisy moons, or the learner's classification table (experiments.sources) with
its features standardized; then N is its number of rows. With the moons, N_VAL fresh moons of
the same distribution (seed + VAL_SEED) are the validation set, evaluated after every epoch.
"""
import numpy as np
import pandas as pd

from experiments import budget, sources
from experiments.frames import frame_steps
from experiments.words import num
from nnlib import _check, data, landscape, optim
from nnlib.batched import fit_runs
from nnlib.model import MLP
from nnlib.train import fit

SIZES = ("full", "256", "64", "16", "8", "1")
HIDDEN = (16, 16)
NOISE = 0.2            # two moons with this much noise: not perfectly separable
BAND_SEEDS = 5         # shuffle orders behind the spread band
LIMIT_S = 6.0          # experiments.budget: every size and its band × 60 epochs of 1000
N_VAL = 1000           # validation moons, never trained on
VAL_SEED = 1_000_000   # their seed is seed + VAL_SEED: a draw apart from every training set
SLICE_FRAMES = 11      # epochs the moving slice is drawn at, at most (each costs 9 slices)


def batch_size(size, n):
    """The number of examples per batch for a size name ("full" -> n); ValueError if > n."""
    if size == "full":
        return n
    if int(size) > n:
        raise ValueError(f"batch size {size} is larger than the {n} training examples: "
                         "choose a smaller batch or more examples")
    return int(size)


def examples(n=200, seed=0, uploaded=None):
    """(X, y): the uploaded Table (classification, features standardized) if given, else n of
    the seed's noisy moons."""
    return sources.choose(uploaded, lambda: data.make_moons(n, noise=NOISE, seed=seed),
                          standardized=True)


def validation(seed=0, uploaded=None):
    """(X_val, y_val): N_VAL fresh moons from seed + VAL_SEED, or None for an uploaded table
    (its rows are all training rows)."""
    if uploaded is not None:
        return None
    return data.make_moons(N_VAL, noise=NOISE, seed=seed + VAL_SEED)


def check_work(sizes, epochs, n, classes=2, band=False, n_val=N_VAL):
    """The experiments.budget Meter of training each batch size in `sizes` for `epochs` epochs
    on n examples (evaluating them and n_val validation rows after every epoch), with band=True
    also its BAND_SEEDS − 1 other shuffle orders at once (shuffle_runs, evaluated on the n);
    ValueError if that is estimated above LIMIT_S."""
    net = (2, *HIDDEN, classes)
    work = [run for size in sizes for run in _work(net, size, epochs, n, band, n_val)]
    runs = f" × {BAND_SEEDS} shuffle orders" if band else ""
    budget.check(work, LIMIT_S, f"{len(sizes)} batch size{'s' * (len(sizes) != 1)}{runs} for "
                 f"{epochs} epochs of {n:,} examples",
                 "use fewer epochs or batch sizes, or leave out the spread band")
    return budget.Meter(work)


def _work(net, size, epochs, n, band, n_val):
    """The budget Runs of one batch size: its run, and with band=True its other shuffle orders."""
    B = batch_size(size, n)
    run = budget.Run(net, n, B, epochs, evaluated=n + n_val)
    return [run] + band * [budget.Run(net, n, B, epochs, count=BAND_SEEDS - 1, batched=True)]


def train(size, lr=0.1, epochs=20, n=200, seed=0, shuffle_seed=None, uploaded=None, reshuffle=True,
          record_thetas=None, callback=None):
    """Train the seed's network on the seed's moons (or the uploaded table) with plain SGD; return
    (model, History).

    The data and the initial weights come from `seed`; the batch order from `shuffle_seed`
    (default: seed), so runs with other shuffle seeds start from the very same point.
    reshuffle=True shuffles the examples anew every epoch (nnlib.train.fit); False shuffles
    them once, with the same generator, and keeps that one order for every epoch.
    record_thetas: nnlib.train.fit's (None, "epoch" or "step": History.thetas); callback: fit's.
    """
    X, y = examples(n, seed, uploaded)
    n = len(X)
    model = MLP([2, *HIDDEN, int(y.max()) + 1], seed=seed)
    B = batch_size(size, n)
    order_seed = seed if shuffle_seed is None else shuffle_seed
    if not reshuffle:
        order = np.random.default_rng(order_seed).permutation(n)
        X, y = X[order], y[order]
    hist = fit(model, X, y, optim.SGD(lr=lr), batch_size=None if B == n else B, epochs=epochs,
               seed=order_seed, shuffle=reshuffle, val=validation(seed, uploaded),
               record_thetas=record_thetas, callback=callback)
    return model, hist


def runs(sizes=("full", "64", "8", "1"), lr=0.1, epochs=20, n=200, seed=0, band=False,
         uploaded=None, reshuffle=True):
    """One run per batch size; returns tidy frames (steps, epochs, summary).

    n is the number of moons, ignored when the learner's table `uploaded` is given.
    reshuffle: a new batch order every epoch (True) or one fixed order (train()).

    steps:  batch, step, epoch, examples, seconds, loss (the mini-batch loss L(B) before the update)
    epochs: batch, epoch, step, examples, seconds, loss (the full training loss L), val_loss
            (on the N_VAL validation moons; absent for an uploaded table), and with
            band=True loss_min, loss_max over BAND_SEEDS shuffle seeds seed, seed+1, ...
    summary: batch, n (training examples), updates_per_epoch, final_loss, diverged_at (step or
             NaN), seconds.
    `examples` counts the training examples the run has looked at; `seconds` is training time.
    """
    if not sizes:
        raise ValueError("choose at least one batch size")
    y = examples(n, seed, uploaded)[1]
    n = len(y)
    n_val = 0 if uploaded is not None else N_VAL
    meter = check_work(sizes, epochs, n, int(y.max()) + 1, band, n_val)
    net = (2, *HIDDEN, int(y.max()) + 1)
    steps, epochs_, summary = [], [], []
    for size in sizes:
        B = batch_size(size, n)
        per_epoch = -(-n // B)
        work = _work(net, size, epochs, n, band, n_val)
        _, hist = train(size, lr, epochs, n, seed, uploaded=uploaded, reshuffle=reshuffle,
                        callback=meter.callback(work[0], f"Training {size_name(size)}"))
        s, e = pd.DataFrame(hist.steps), pd.DataFrame(hist.epochs)
        within = s["step"] - (s["epoch"] - 1) * per_epoch              # 1..per_epoch
        steps.append(pd.DataFrame({
            "batch": size, "step": s["step"], "epoch": s["epoch"],
            "examples": (s["epoch"] - 1) * n + np.minimum(within * B, n),
            "seconds": s["time"], "loss": s["batch_loss"]}))
        frame = pd.DataFrame({"batch": size, "epoch": e["epoch"], "step": e["epoch"] * per_epoch,
                              "examples": e["epoch"] * n, "seconds": e["time"],
                              "loss": e["train_loss"]})
        if "val_loss" in e:
            frame["val_loss"] = e["val_loss"]
        if band:
            ticks = [meter.callback(work[1], f"Its other shuffle orders, {size_name(size)}")
                     for _ in range(BAND_SEEDS - 1)]
            frame["loss_min"], frame["loss_max"] = _spread(size, lr, epochs, n, seed, frame["loss"],
                                                           uploaded, reshuffle, ticks)
        epochs_.append(frame)
        summary.append({"batch": size, "n": n, "updates_per_epoch": per_epoch,
                        "final_loss": frame["loss"].iloc[-1],
                        "diverged_at": np.nan if hist.diverged_at is None else hist.diverged_at,
                        "seconds": frame["seconds"].iloc[-1]})
    return pd.concat(steps, ignore_index=True), pd.concat(epochs_, ignore_index=True), \
        pd.DataFrame(summary)


def _spread(size, lr, epochs, n, seed, loss, uploaded, reshuffle=True, callbacks=None):
    """Per-epoch min and max of the full loss over BAND_SEEDS shuffle orders: the run's own
    (shuffle seed `seed`, full loss `loss`) and those of seeds seed + 1, ..., cut to len(loss);
    callbacks: fit_runs' (one per other order)."""
    curves = np.full((BAND_SEEDS, epochs + 1), np.nan)
    curves[0, :len(loss)] = loss
    others = [seed + k for k in range(1, BAND_SEEDS)]
    for k, hist in enumerate(shuffle_runs(size, lr, epochs, n, seed, others, uploaded, reshuffle,
                                          callbacks), 1):
        curves[k, :len(hist.epochs["train_loss"])] = hist.epochs["train_loss"]
    return np.fmin.reduce(curves, axis=0)[:len(loss)], np.fmax.reduce(curves, axis=0)[:len(loss)]


def shuffle_runs(size, lr, epochs, n, seed, shuffle_seeds, uploaded=None, reshuffle=True,
                 callbacks=None):
    """The Histories of train(size, lr, epochs, n, seed, s, uploaded, reshuffle) for every
    shuffle seed s in shuffle_seeds; the band reads only their training loss.

    The runs share their data and start and differ only in the order of the examples, so they
    are trained at once (nnlib.batched.fit_runs, equal to the separate runs to float64
    round-off), without the validation set, which does not change training."""
    X, y = examples(n, seed, uploaded)
    B = batch_size(size, len(X))
    models = [MLP([2, *HIDDEN, int(y.max()) + 1], seed=seed) for _ in shuffle_seeds]
    orders = None if reshuffle else [np.random.default_rng(s).permutation(len(X))
                                     for s in shuffle_seeds]
    return fit_runs(models, X, y, optim.SGD(lr=lr), batch_size=None if B == len(X) else B,
                    epochs=epochs, seed=list(shuffle_seeds), shuffle=reshuffle, orders=orders,
                    callback=callbacks)


def verdict(result):
    """One sentence from runs()'s (steps, epochs, summary): the epochs and updates each batch
    size needed to bring the full loss down to the worst final loss among the runs that did
    not diverge."""
    _, epochs, summary = result
    ok = summary[summary["diverged_at"].isna()]
    broke = [f"{size_name(b)} diverged at step {int(k)}"
             for b, k in summary.dropna(subset=["diverged_at"])[["batch", "diverged_at"]].values]
    tail = "" if not broke else " " + "; ".join(broke).capitalize() + "."
    if ok.empty:
        return "Every run diverged: " + "; ".join(broke) + ". Lower the learning rate."
    start, worst = epochs["loss"].iloc[0], ok.loc[ok["final_loss"].idxmax()]
    if worst["final_loss"] >= start:
        return (f"{size_name(worst['batch']).capitalize()} ended at loss {worst['final_loss']:.2f}, "
                f"no better than at the start ({start:.2f}): the learning rate is too large "
                "for it." + tail)
    parts = []
    for size in ok["batch"]:
        first = epochs[(epochs["batch"] == size) & (epochs["loss"] <= worst["final_loss"])].iloc[0]
        verb = "" if parts else " needed"
        parts.append(f"{size_name(size)}{verb} {_count(first['epoch'], 'epoch')} "
                     f"({_count(first['step'], 'update')})")
    return (f"To bring the full training loss down to {worst['final_loss']:.2f} (the worst final "
            f"value), " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "")
            + parts[-1] + "." + tail)


MIN_OVERLAP = 3   # epochs of overlapping training loss before two runs' validation is compared


def same_training_loss(epochs):
    """At equal training loss, how far each run's validation loss is from the first run's (the
    largest batch): frame batch, compared (epochs), largest = max |L_val − L_val,ref(L)|.

    L_val,ref(L) interpolates the first run's validation loss linearly in its training loss L,
    over the range of L its epochs cover; a run's epochs outside that range are not compared
    (none of them: compared 0, largest NaN). Empty without validation data or a second run.
    """
    out = []
    if "val_loss" in epochs:
        groups = [part for _, part in epochs.groupby("batch", sort=False)]
        ref = groups[0].sort_values("loss")
        for part in groups[1:]:
            inside = part[part["loss"].between(ref["loss"].iloc[0], ref["loss"].iloc[-1])]
            gap = np.abs(inside["val_loss"] - np.interp(inside["loss"], ref["loss"], ref["val_loss"]))
            out.append({"batch": part["batch"].iloc[0], "compared": len(inside),
                        "largest": gap.max() if len(inside) else np.nan})
    return pd.DataFrame(out, columns=["batch", "compared", "largest"])


def generalization(result):
    """One sentence from runs()'s result: each run's last validation loss and, for the runs
    whose training loss overlaps the largest batch's for at least MIN_OVERLAP epochs, how far
    their validation loss is from its at equal training loss (same_training_loss); None without
    validation data."""
    _, epochs, summary = result
    if "val_loss" not in epochs:
        return None
    last = epochs.groupby("batch", sort=False).tail(1)
    ends = ", ".join(f"{size_name(b)} {v:.3f}" for b, v in zip(last["batch"], last["val_loss"]))
    text = f"Validation loss after the last epoch: {ends}."
    near = same_training_loss(epochs).query(f"compared >= {MIN_OVERLAP}")
    if len(near):
        ref = size_name(epochs["batch"].iloc[0])
        text += (f" At the same training loss, the validation loss differs from {ref}'s by at most "
                 + ", ".join(f"{v:.3f} ({size_name(b)})" for b, v in zip(near["batch"], near["largest"]))
                 + ".")
    return text


def describe_curves(result):
    """The loss-curves figure in words, from runs()'s (steps, epochs, summary): per batch size its
    updates per epoch, the spread of its mini-batch losses L(B) in the last epoch, and its full
    (and validation) loss at the end, or the step it diverged."""
    steps, epochs, summary = result
    start = epochs["loss"].iloc[0]
    last_epoch = int(epochs["epoch"].max())
    validation = "val_loss" in epochs
    parts = []
    for row in summary.itertuples():
        name = size_name(row.batch)
        if not np.isnan(row.diverged_at):
            parts.append(f"{name} diverged at update {int(row.diverged_at)}")
            continue
        run = epochs[epochs["batch"] == row.batch].iloc[-1]
        noise = steps[(steps["batch"] == row.batch) & (steps["epoch"] == steps["epoch"].max())]["loss"]
        spread = ("one exact update per epoch" if row.updates_per_epoch == 1 else
                  f"{row.updates_per_epoch:,} updates per epoch, their L(B) in the last epoch "
                  f"between {num(noise.min())} and {num(noise.max())}")
        end = f"full loss {num(run['loss'])}" + (f", validation {num(run['val_loss'])}" if validation else "")
        parts.append(f"{name}: {spread}; after epoch {int(run['epoch'])} {end}")
    return (f"Top: the loss of every mini-batch, L(B), per update; bottom: the full training loss L "
            f"after each epoch" + (" (solid) and the validation loss (dashed)" if validation else "")
            + f". Every run starts at full loss {num(start)} and trains for {last_epoch} epochs unless it "
            "diverges. "
            + ". ".join(p[0].upper() + p[1:] for p in parts) + ".")


def describe_slice(frame, size):
    """The slice figure in words: the full loss L along θ + t d (at θ, its lowest point), and the
    spread of the mini-batch losses L(B) at θ and of their minima (the diamonds)."""
    full = frame[frame["curve"] == "L"].reset_index(drop=True)
    at = full["t"].abs().idxmin()
    low = full["loss"].idxmin()
    parts = frame[frame["curve"] != "L"].groupby("curve", sort=False)
    here = [part["loss"].iloc[(part["t"].abs()).argmin()] for _, part in parts]
    minima = [part.loc[part["loss"].idxmin()] for _, part in parts]
    t_min, loss_min = [m["t"] for m in minima], [m["loss"] for m in minima]
    return (f"Loss along the line θ + t d for t from {num(full['t'].iloc[0])} to {num(full['t'].iloc[-1])}. "
            f"The full loss L (thick blue) is {num(full['loss'][at])} at θ (t = {num(full['t'][at])}) and "
            f"lowest, {num(full['loss'][low])}, at t = {num(full['t'][low])}. The {len(minima)} mini-batch "
            f"losses L(B) of {size_name(size)} (thin orange-red) are {_span(here)} at θ; their lowest points "
            f"(orange-red diamonds) lie at t {_span(t_min)}, with losses {_span(loss_min)}.")


def _span(values):
    """"from 0.61 to 0.69", or "all 0.69" when both ends read the same."""
    low, high = num(min(values)), num(max(values))
    return f"all {low}" if low == high else f"from {low} to {high}"


def size_name(size):
    """"full batch" or "batch 8": a batch size as the figures and sentences name it."""
    return "full batch" if size == "full" else f"batch {size}"


def _count(k, word):
    return f"{int(k)} {word}{'s' * (int(k) != 1)}"


def slice_losses(size="8", where="start", lr=0.1, epochs=20, n=200, seed=0, n_batches=8,
                 span=1.0, points=61, uploaded=None):
    """The full loss L and n_batches mini-batch losses L(B) along one line through θ.

    θ is the initial network (where="start") or the one trained with this batch size
    ("trained"); the line is θ + t d for t in [-span, span], d a filter-normalized random
    direction (nnlib.landscape). Batches are consecutive chunks of shuffled epochs, as in
    training, so the first ⌊N/B⌋ of them are disjoint. Returns a frame: curve ("L" or
    "B1", "B2", ...), t, loss. The data are n moons, or the uploaded table as in `runs`.
    """
    _check.choice("slice point", where, ("start", "trained"))
    X, y = examples(n, seed, uploaded)
    n = len(X)
    B = batch_size(size, n)
    model = MLP([2, *HIDDEN, int(y.max()) + 1], seed=seed)
    if where == "trained":
        check_work((size,), epochs, n, int(y.max()) + 1)
        model, hist = train(size, lr, epochs, n, seed, uploaded=uploaded)
        if hist.diverged_at is not None:
            raise ValueError(f"training with {size_name(size)} diverged at step {hist.diverged_at}, so "
                             "there is no trained network to slice through: lower the learning "
                             "rate or slice through the start")
    return _slice(model, X, y, B, n_batches, span, points, seed)


def slice_over_training(size="8", lr=0.1, epochs=20, n=200, seed=0, n_batches=8, span=1.0,
                        points=61, uploaded=None):
    """slice_losses through the network after every epoch k = 0, 1, ... of training with this
    batch size: the same batches, and the seed's random direction filter-normalized to θ_k, so
    the rows of epoch 0 are slice_losses(where="start") and those of the last epoch
    slice_losses(where="trained"); more than SLICE_FRAMES epochs are thinned to that many,
    evenly spread. Frame: epoch, curve, t, loss. A run that diverged stops at its last epoch with
    finite weights."""
    X, y = examples(n, seed, uploaded)
    n = len(X)
    B = batch_size(size, n)
    meter = check_work((size,), epochs, n, int(y.max()) + 1)
    model, hist = train(size, lr, epochs, n, seed, uploaded=uploaded, record_thetas="epoch",
                        callback=meter.callback(meter.runs[0],
                                                f"Training {size_name(size)} to slice"))
    finite = [theta for theta in hist.thetas if np.isfinite(theta).all()]
    parts = []
    for k in frame_steps(len(finite) - 1, SLICE_FRAMES):
        model.theta[:] = finite[k]
        parts.append(_slice(model, X, y, B, n_batches, span, points, seed).assign(epoch=k))
    return pd.concat(parts, ignore_index=True)[["epoch", "curve", "t", "loss"]]


def _slice(model, X, y, B, n_batches, span, points, seed):
    """The frame of slice_losses for the model as it is now."""
    d, _ = landscape.random_directions(model, seed=seed)
    ends = (model.theta - span * d, model.theta + span * d)
    t = np.linspace(-span, span, points)
    curves = {"L": landscape.interpolate(model, *ends, X, y, n=points)}
    for k, rows in enumerate(_batches(len(X), B, n_batches, np.random.default_rng(seed)), 1):
        curves[f"B{k}"] = (curves["L"] if B == len(X)       # a full batch's L(B) is L itself
                           else landscape.interpolate(model, *ends, X[rows], y[rows], n=points))
    return pd.DataFrame({"curve": np.repeat(list(curves), points), "t": np.tile(t, len(curves)),
                         "loss": np.concatenate(list(curves.values()))})


def _batches(n, B, count, rng):
    """`count` index arrays of B examples: full chunks of successive shuffles of range(n)."""
    per_pass = n // B
    orders = [rng.permutation(n) for _ in range(-(-count // per_pass))]
    return [orders[k // per_pass][(k % per_pass) * B:(k % per_pass + 1) * B] for k in range(count)]
