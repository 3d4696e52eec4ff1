"""Softmax and cross-entropy for one example, a small batch, and a pair of distributions.

As the course notes define them: for an example of class k, the loss is -log p_k with
p = softmax(z); the full cross-entropy loss L averages it over all N examples and the
mini-batch loss L(B) over a batch B. And, as their aside on cross-entropy says, minimizing
cross-entropy minimizes the Kullback-Leibler divergence: H(p, q) = entropy H(p) + KL(p || q).
"""
import numpy as np
import pandas as pd

from experiments.words import num
from nnlib.losses import softmax, softmax_cross_entropy

CLASSES = ("cat", "dog", "fox", "owl")

# Seven more examples the same model scored (logits per class, true class): confident and
# right, unsure, close calls, and one confident and wrong, so the per-example losses differ.
OTHERS = (((3.0, 0.5, -1.0, 0.0), 0), ((0.2, 2.5, 0.1, -0.5), 1), ((1.0, 1.2, 0.8, 1.1), 3),
          ((-0.5, 0.0, 3.5, 0.3), 2), ((4.0, -1.0, 0.0, 0.5), 1), ((0.0, 0.5, 1.5, 2.0), 3),
          ((1.5, 0.3, 0.2, 1.4), 0))


def one_example(logits, label):
    """Per class: logit z, probability p = softmax(z), one-hot y and gradient p - y; and the loss.

    Returns (frame, loss) with loss = -log p_label, from nnlib's fused, stable implementation.
    """
    z = np.asarray(logits, dtype=float)[None, :]
    loss, grad = softmax_cross_entropy(z, np.array([label]))
    frame = pd.DataFrame({"class": CLASSES[:z.shape[1]], "logit": z[0], "p": softmax(z)[0],
                          "y": np.eye(z.shape[1])[label], "grad": grad[0]})
    return frame, float(loss)


def describe_one_example(frame, loss, label):
    """The one-example figure in words, with its numbers (the text under the figure)."""
    probs = ", ".join(f"{row['class']} {row.p:.2f}" for _, row in frame.iterrows())
    grads = ", ".join(f"{row['class']} {row.grad:+.2f}".replace("-", "−") for _, row in frame.iterrows())
    true = frame.iloc[label]
    return (f"Softmax turns the logits into the probabilities {probs}. The true class is "
            f"{true['class']} with p = {true.p:.3f}, so the loss −log p is {loss:.3f}. "
            f"The gradient p − y per class is {grads}: negative only for the true class, so a "
            f"step downhill raises its logit and lowers the others.")


def batch(logits, label, batch_size=3, seed=0):
    """Eight examples (yours first, then OTHERS): per-example losses, L and L(B).

    The batch B is batch_size examples drawn without replacement with np.random.default_rng(seed).
    Returns (frame, L, L_B); the frame has one row per example and a boolean column in_batch.
    """
    Z = np.array([logits, *(z for z, _ in OTHERS)], dtype=float)
    y = np.array([label, *(k for _, k in OTHERS)])
    if not 1 <= batch_size <= len(y):
        raise ValueError(f"batch size must be between 1 and {len(y)}, got {batch_size}")
    chosen = np.random.default_rng(seed).choice(len(y), size=batch_size, replace=False)
    in_batch = np.isin(np.arange(len(y)), chosen)
    losses = [softmax_cross_entropy(Z[[a]], y[[a]])[0] for a in range(len(y))]
    frame = pd.DataFrame({"example": np.arange(1, len(y) + 1), "true_class": np.array(CLASSES)[y],
                          "p_true": softmax(Z)[np.arange(len(y)), y], "loss": losses,
                          "in_batch": in_batch})
    full = float(softmax_cross_entropy(Z, y)[0])
    return frame, full, float(softmax_cross_entropy(Z[in_batch], y[in_batch])[0])


def describe_batch(frame, full, in_batch_mean):
    """The batch figure in words: every example's loss, which ones are in the batch B (orange),
    and the two lines, L over all of them and L(B) over the batch."""
    chosen = frame.loc[frame["in_batch"], "example"].tolist()
    losses = ", ".join(f"{row.example} ({row.true_class}{', yours' if row.example == 1 else ''}) "
                       f"{num(row.loss)}" for row in frame.itertuples())
    which = (f"example {chosen[0]}" if len(chosen) == 1 else
             "examples " + ", ".join(map(str, chosen[:-1])) + f" and {chosen[-1]}")
    return (f"Bars: the loss −log p of each of the {len(frame)} examples: {losses}. The batch B "
            f"holds {len(chosen)} of them, drawn orange ({which}); the rest are pale blue. The full "
            f"loss L, the black line, is {num(full)}; the batch's loss L(B), the orange-red dashed line, "
            f"is {num(in_batch_mean)}.")


def entropy_split(p_weights, q_weights):
    """H(p), KL(p || q) and H(p, q) in nats for two distributions given as weights (normalised).

    H(p) = -sum p log p,  KL(p || q) = sum p log(p / q),  H(p, q) = -sum p log q = H(p) + KL.
    Terms with p_i = 0 count 0. Returns (frame of p and q per outcome, dict of the three numbers).
    """
    p, q = (_distribution(name, w) for name, w in (("p", p_weights), ("q", q_weights)))
    if np.any((p > 0) & (q == 0)):
        raise ValueError("q must be > 0 wherever p is > 0, or KL(p || q) is infinite")
    seen = p > 0
    stats = {"entropy": float(-np.sum(p[seen] * np.log(p[seen]))),
             "kl": float(np.sum(p[seen] * np.log(p[seen] / q[seen]))),
             "cross_entropy": float(-np.sum(p[seen] * np.log(q[seen])))}
    frame = pd.DataFrame({"outcome": np.arange(1, len(p) + 1), "p": p, "q": q})
    return frame, stats


def describe_entropy_split(frame, stats):
    """The entropy figure in words: p and q per outcome, and H(p) + KL(p || q) = H(p, q)."""
    p, q = (", ".join(num(v) for v in frame[name]) for name in ("p", "q"))
    return (f"Left: per outcome 1 to {len(frame)}, p (blue) is {p} and q (orange) is {q}. Right: the "
            f"entropy H(p) = {num(stats['entropy'])} nats (green) with KL(p‖q) = {num(stats['kl'])} "
            f"(purple) stacked on it, next to the cross-entropy H(p, q) = "
            f"{num(stats['cross_entropy'])} (orange-red), the same height.")


def _distribution(name, weights):
    w = np.asarray(weights, dtype=float)
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"the weights of {name} must be >= 0 with at least one above 0")
    return w / w.sum()
