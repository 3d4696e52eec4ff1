"""Real images: an MLP learns the 8×8 handwritten digits (nnlib.datasets.load_digits).

Each image is 64 pixels x ∈ [0, 1]⁶⁴ (ink per 4×4 block / 16); the network maps it to ten
logits and softmax turns them into probabilities p_k, k = 0..9, scored by the cross-entropy
ℓ = −log p_k of the true class (as in the course notes on softmax). A neuron j of the first
layer computes z_j = Σ_i x_i W_ij + b_j: its 64 weights W_:j are an 8×8 image of what it looks
for (red pixels raise z_j when inked, blue ones lower it).

`run` trains one network on a stratified training part and records, at up to MAX_FRAMES
epochs, the first-layer weights (for the weights-as-images animation); then it scores the test
part: accuracy, confusion matrix, per-class accuracy, the misclassified digits with their
probabilities. `full_batch` trains the same network from the same start with full batch, for
FULL_FACTOR times the epochs, so its loss can be compared with the mini-batch run's per epoch and
per second of training (the course notes: "for neural networks to work we need a lot of data",
so one exact step on all of it is slow).
"""
import math

import numpy as np
import pandas as pd

from nnlib import data, optim
from nnlib.datasets import DIGITS_SHAPE, load_digits
from nnlib.model import MLP
from nnlib.train import fit
from experiments import budget, words
from experiments.metrics import confusion_matrix
from experiments.frames import frame_steps

CLASSES = 10
MAX_FRAMES = 31           # weight images recorded at most at this many epochs (0 .. last)
MAX_SHOWN = 64            # first-layer neurons drawn as images
MAX_GALLERY = 32          # misclassified test digits returned, the surest mistakes first
MAX_UPDATES = 20_000      # epochs × batches per epoch, to keep a run within a few seconds
FULL_FACTOR = 5           # the full-batch comparison trains 5× the epochs ...
MAX_FULL_EPOCHS = 500     # ... but at most this many


def split(test_share=0.25, seed=0):
    """(X_train, X_test, y_train, y_test): the 1,797 digits split by the seed, each digit
    keeping its share of the test part (nnlib.data.train_val_split)."""
    X, y = load_digits()
    return data.train_val_split(X, y, val_fraction=test_share, seed=seed)


def network(hidden=(32,), activation="relu", init="he_normal", seed=0):
    """The seed's untrained MLP 64 → hidden → 10 (weights from `init`, zero biases)."""
    return MLP([math.prod(DIGITS_SHAPE), *hidden, CLASSES], activation=activation, init=init,
               seed=seed)


def check_work(epochs, batch_size, n_train):
    """The batch size used (capped at n_train); ValueError if the run needs > MAX_UPDATES."""
    batch = min(batch_size, n_train)
    updates = epochs * math.ceil(n_train / batch)
    if updates > MAX_UPDATES:
        raise ValueError(f"this run needs {updates:,} updates ({epochs} epochs × "
                         f"{math.ceil(n_train / batch)} batches); the limit is {MAX_UPDATES:,} "
                         "so that the page stays quick: use fewer epochs or a larger batch size")
    return batch


class FirstLayer:
    """A fit callback keeping the first-layer weights W (64, width) at the epochs in `keep`
    and the latest parameters, so a run that diverges can be shown at its last finite epoch."""

    def __init__(self, model, keep):
        self.keep, self.latest, self.last = keep, model.theta.copy(), 0
        self.weights = {0: model.layers[0][0].copy()}

    def __call__(self, epoch, logs, model):
        self.latest, self.last = model.theta.copy(), epoch
        if epoch in self.keep:
            self.weights[epoch] = model.layers[0][0].copy()
        return False

    def frames(self, model):
        """{epoch: W} for the kept epochs, the last finite epoch included."""
        if self.last not in self.weights:
            probe = model.copy()
            probe.theta = self.latest
            self.weights[self.last] = probe.layers[0][0].copy()
        return self.weights


def run(hidden=(32,), activation="relu", init="he_normal", optimizer="adam", lr=0.01,
        batch_size=32, epochs=20, test_share=0.25, seed=0):
    """Train the seed's network on the seed's training digits; return a dict:

    sizes, batch_size (used: capped at the training digits), n_train, n_test,
    curves (frame: epoch, train_loss, train_acc, test_loss, test_acc, seconds),
    epochs (the frame epochs), weights ((frames, 64, shown) float32: first-layer W per frame
    epoch, the first `shown` = min(width, MAX_SHOWN) neurons), width,
    y_test, proba ((n_test, 10): p_k per test digit), predicted, accuracy,
    confusion ((10, 10) int: [true, predicted] counts), per_class (frame: digit, test_digits,
    correct, accuracy), gallery (frame of at most MAX_GALLERY misclassified test digits,
    surest first: row (index into the test part), true, predicted, p_predicted, p_true),
    images ((n_test, 64) test pixels), diverged_at, last_epoch (the epoch the numbers show).
    """
    Xt, Xv, yt, yv = split(test_share, seed)
    model = network(hidden, activation, init, seed)
    batch = check_work(epochs, batch_size, len(Xt))
    recorder = FirstLayer(model, set(frame_steps(epochs, MAX_FRAMES).tolist()))
    work = budget.Run(tuple(model.sizes), len(Xt), batch, epochs, evaluated=len(Xt) + len(Xv))
    hist = fit(model, Xt, yt, optim.get(optimizer, lr=lr), batch_size=None if batch == len(Xt)
               else batch, epochs=epochs, val=(Xv, yv), seed=seed,
               callback=budget.Meter([work]).callback(work, "Training", recorder))
    frames = recorder.frames(model)
    if hist.diverged_at is not None:
        model.theta = recorder.latest               # the last finite epoch's network
    proba = model.predict_proba(Xv)
    predicted = proba.argmax(axis=1)
    confusion = confusion_matrix(yv, predicted, CLASSES)
    shown = min(model.sizes[1], MAX_SHOWN)
    return {"sizes": model.sizes, "batch_size": batch, "n_train": len(Xt), "n_test": len(Xv),
            "curves": curves(hist), "epochs": np.array(sorted(frames)),
            "weights": np.array([frames[e][:, :shown] for e in sorted(frames)], np.float32),
            "width": model.sizes[1], "y_test": yv, "proba": proba, "predicted": predicted,
            "accuracy": float(np.mean(predicted == yv)), "confusion": confusion,
            "per_class": per_class(confusion), "gallery": gallery(proba, yv), "images": Xv,
            "diverged_at": hist.diverged_at, "last_epoch": recorder.last}


def curves(hist):
    """History.epochs as a frame: epoch, train_loss, train_acc, test_loss, test_acc, seconds."""
    frame = pd.DataFrame(hist.epochs).drop(columns=["lr"])
    return frame.rename(columns={"val_loss": "test_loss", "val_acc": "test_acc", "time": "seconds"})


def describe_weights(result):
    """The weights-as-images animation in words (the text under it), over the whole run: which
    neurons are drawn, the range and mean size |w| of the weights at the first and the last
    recorded epoch, how far they moved on average, and the neuron that changed most."""
    W, epochs = result["weights"].astype(float), result["epochs"]
    shown, width = W.shape[2], result["width"]
    which = (f"all {width} hidden neurons" if shown == width
             else f"the first {shown} of {width} hidden neurons")
    moved = np.abs(W[-1] - W[0]).mean(axis=0)               # per neuron, the mean |Δw| per pixel
    first, last = int(epochs[0]), int(epochs[-1])
    top = words.num(max(float(np.nanmax(np.abs(W))), 0.01))
    text = (f"The first-layer weights of {which}, each as an 8×8 image of the weights the neuron "
            f"gives the 64 pixels: red positive, blue negative, white 0, on one colour scale for "
            f"every epoch, from −{top} to {top}. The animation plays {len(epochs)} recorded "
            f"epochs, from epoch {first} to epoch {last}, and opens on epoch {last}.")
    if result["diverged_at"] is not None:
        text += (f" Training diverged at step {result['diverged_at']}; epoch {last} is the last "
                 "finite one.")
    for name, w in ((f"At epoch {first}", W[0]), (f"At epoch {last}", W[-1])):
        text += (f" {name} the weights run from {words.num(w.min())} to {words.num(w.max())}, "
                 f"mean size |w| {words.num(np.abs(w).mean())}.")
    if len(epochs) > 1:
        text += (f" From epoch {first} to {last} a weight moved by {words.num(moved.mean())} on "
                 f"average; neuron {int(moved.argmax()) + 1} changed most, by "
                 f"{words.num(moved.max())} per pixel.")
    return text


def weight_frame(result):
    """The recorded first-layer weights as a tidy frame: epoch, neuron (from 1), row, column
    (of the 8×8 image), weight."""
    W = result["weights"]                                       # (frames, 64, shown)
    frames, pixels, shown = W.shape
    epoch, neuron, pixel = np.meshgrid(result["epochs"], np.arange(1, shown + 1),
                                       np.arange(pixels), indexing="ij")
    return pd.DataFrame({"epoch": epoch.ravel(), "neuron": neuron.ravel(),
                         "row": pixel.ravel() // DIGITS_SHAPE[1],
                         "column": pixel.ravel() % DIGITS_SHAPE[1],
                         "weight": W.transpose(0, 2, 1).ravel()})


def confusion_frame(result):
    """Per true digit: digit, test_digits, correct, accuracy and its row of the confusion
    matrix (read_as_0 .. read_as_9)."""
    counts = pd.DataFrame(result["confusion"], columns=[f"read_as_{j}" for j in range(CLASSES)])
    return pd.concat([result["per_class"], counts], axis=1)


def describe_confusion(result):
    """The confusion matrix in words: how many test digits it counts and how many sit on the
    diagonal, every digit's accuracy (the row labels) and the largest off-diagonal cells."""
    C = result["confusion"]
    n, right = int(C.sum()), int(np.trace(C))
    accuracy = ", ".join(f"{row.digit}: {row.accuracy:.0%}" for row in result["per_class"].itertuples())
    off = C - np.diag(np.diag(C))
    cells = sorted(((int(off[i, j]), i, j) for i, j in zip(*np.nonzero(off))), key=lambda c: (-c[0], c[1], c[2]))
    text = (f"Confusion matrix of the {n} test digits, rows the true digit and columns the digit the "
            f"network read, each cell's count written in it: {right} on the diagonal are right "
            f"({result['accuracy']:.1%}), {n - right} off it are mistakes. Accuracy per true digit: "
            f"{accuracy}.")
    if not cells:
        return text + " No cell off the diagonal has a count."
    listed = "; ".join(f"{_a(i)} {i} read as {j}: {k} time{'s' * (k != 1)}" for k, i, j in cells[:TOLD_CELLS])
    more = f" ({len(cells)} cells in all)" if len(cells) > TOLD_CELLS else ""
    return text + f" The largest mistake cells{more}: {listed}."


def describe_gallery(result):
    """The mistakes gallery in words: how many are drawn out of all the mistakes, the surest few
    (true → read as, with the p of the answer) and the range of those p."""
    table, wrong = result["gallery"], int(result["n_test"] - np.trace(result["confusion"]))
    if table.empty:
        return "Every test digit was read right: no mistakes to show."
    shown = (f"all {wrong} misclassified test digits" if len(table) == wrong
             else f"the surest {len(table)} of the {wrong} misclassified test digits")
    surest = ", ".join(f"{t} → {p} ({pp:.0%})" for t, p, pp in
                       table[["true", "predicted", "p_predicted"]].head(TOLD_CELLS).itertuples(index=False))
    high, low = (f"{table['p_predicted'].agg(end):.0%}" for end in ("max", "min"))
    return (f"The pictures of {shown}, surest first, each captioned true digit → the network's answer "
            f"and the probability it gave that answer: the first {min(len(table), TOLD_CELLS)} are "
            f"{surest}. " + (f"Those probabilities run from {high} down to {low}." if high != low
                             else f"Those probabilities are all about {high}."))


def describe_race(mini, full, batch, diverged=(None, None)):
    """The full-vs-mini-batch curves in words: each run's training loss at its first and last
    epoch and the seconds it took, and the step a run diverged (its curve stops).
    diverged: (mini-batch run's diverged_at, full batch's)."""
    parts = []
    for frame, name, gone in ((mini, f"batch {batch} (solid blue)", diverged[0]),
                              (full, "full batch (dashed orange-red)", diverged[1])):
        seen = frame[np.isfinite(frame["train_loss"])]
        first, last = seen.iloc[0], seen.iloc[-1]
        told = (f"{name} has only epoch {int(first.epoch)}, at {words.num(first.train_loss)}" if len(seen) == 1
                else f"{name} goes from {words.num(first.train_loss)} at epoch {int(first.epoch)} to "
                     f"{words.num(last.train_loss)} at epoch {int(last.epoch)}, after {words.num(last.seconds)} s")
        parts.append(told + ("" if gone is None else f", where its curve stops: it diverged at step {gone}"))
    return ("Training loss L on a log axis against the epoch (left) and the seconds of training "
            "(right), both runs from the same start: " + "; ".join(parts) + ".")


TOLD_CELLS = 5    # the largest mistake cells and surest mistakes the words list


def full_batch(hidden=(32,), activation="relu", init="he_normal", optimizer="adam", lr=0.01,
               epochs=20, test_share=0.25, seed=0):
    """The same network from the same start, trained with full batch (one exact step per epoch)
    for min(FULL_FACTOR × epochs, MAX_FULL_EPOCHS) epochs: (curves, diverged_at), curves a
    frame of epoch, train_loss, train_acc, seconds (no test evaluation: only the training loss
    is compared)."""
    Xt, _, yt, _ = split(test_share, seed)
    model = network(hidden, activation, init, seed)
    work = budget.Run(tuple(model.sizes), len(Xt), None, min(FULL_FACTOR * epochs, MAX_FULL_EPOCHS))
    hist = fit(model, Xt, yt, optim.get(optimizer, lr=lr), batch_size=None, epochs=work.epochs,
               seed=seed, callback=budget.Meter([work]).callback(work, "Training with full batch"))
    return curves(hist), hist.diverged_at


def per_class(confusion):
    """Per digit k: test_digits = Σ_j C[k, j], correct = C[k, k], accuracy = correct / test_digits
    (the share of that digit's test images classified right, its recall)."""
    n, right = confusion.sum(axis=1), np.diag(confusion)
    return pd.DataFrame({"digit": np.arange(len(n)), "test_digits": n, "correct": right,
                         "accuracy": right / np.maximum(n, 1)})


def gallery(proba, y, limit=MAX_GALLERY):
    """The misclassified examples (argmax p ≠ y), the surest mistakes (largest p_predicted) first:
    row, true, predicted, p_predicted, p_true; at most `limit` of them."""
    predicted = proba.argmax(axis=1)
    rows = np.flatnonzero(predicted != y)
    rows = rows[np.argsort(-proba[rows, predicted[rows]], kind="stable")][:limit]
    return pd.DataFrame({"row": rows, "true": y[rows], "predicted": predicted[rows],
                         "p_predicted": proba[rows, predicted[rows]], "p_true": proba[rows, y[rows]]})


def verdict(result):
    """One sentence with the numbers: test accuracy, mistakes, the most confused pair."""
    n, wrong = result["n_test"], int(result["n_test"] - np.trace(result["confusion"]))
    text = ""
    if result["diverged_at"] is not None:
        text = (f"Training **diverged at step {result['diverged_at']}**: the numbers below are "
                f"from epoch {result['last_epoch']}, the last finite one. Try a smaller η. ")
    text += (f"After {result['last_epoch']} epochs the network reads **{result['accuracy']:.1%}** "
             f"of the {n} test digits right ({wrong} mistake{'s' * (wrong != 1)}); it never "
             "trained on them.")
    off = result["confusion"] - np.diag(np.diag(result["confusion"]))
    if off.max() > 1:
        i, j = np.unravel_index(off.argmax(), off.shape)
        text += (f" Its most common mistake: {_a(i)} {i} read as {_a(j)} {j} "
                 f"({off[i, j]} times).")
    return text


def _a(digit):
    """The article before a digit's name: "an 8", "a 3"."""
    return "an" if digit == 8 else "a"


def race_verdict(mini, full, batch, n_train):
    """What the full-vs-mini-batch curves show, from their numbers: the training loss each run
    reached in the seconds the mini-batch run took, and per epoch."""
    if batch >= n_train:
        return ("Your batch size is the whole training set, so both curves are full batch: "
                "choose a smaller batch size to compare.")
    if len(mini) == 1:
        return (f"Batch {batch} diverged in its first epoch, so there is no run to compare: "
                "try a smaller η.")
    budget = mini["seconds"].iloc[-1]
    upto = full[full["seconds"] <= budget]
    reached = upto["train_loss"].iloc[-1]
    epochs = int(upto["epoch"].iloc[-1])
    finished = epochs == int(full["epoch"].iloc[-1])
    tail = (f"full batch needed only {upto['seconds'].iloc[-1]:.2f} s for all its {epochs} "
            f"epochs and ended at {reached:.3f}" if finished
            else f"full batch managed {epochs} epochs and got to {reached:.3f}")
    return (f"In {budget:.2f} s of training, batch {batch} did {int(mini['epoch'].iloc[-1])} "
            f"epochs and brought the training loss down to {mini['train_loss'].iloc[-1]:.3f}; "
            f"{tail}.")
