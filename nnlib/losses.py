r"""Loss functions, each returning the loss and its gradient with respect to the network output.

Both average over the B rows of the batch, as torch's default reduction="mean" does.
`out` (optional, shaped like the network output) receives the gradient, so the model can
reuse one preallocated array; without it a new array is returned.
"""
import numpy as np

from nnlib._check import values


def softmax(z):
    r"""Row-wise p_k = e^{z_k} / Σ_j e^{z_j}, with the row maximum subtracted first so e^z stays finite."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(logits, y, out=None):
    r"""Mean cross-entropy of softmax(logits) against integer labels y, and dL/dlogits.

        log p_i = z_i − lse(z_i),  lse(z_i) = log Σ_k e^{z_ik}       (log-softmax)
        L = −1/B Σ_i log p_{i,y_i}          dL/dz_i = (p_i − onehot(y_i)) / B

    Fused and stable: np.logaddexp.reduce computes lse without ever exponentiating a large
    positive number (the log-sum-exp trick) and every log p is ≤ 0, so logits of ±1000 give a
    finite loss and gradient. `out` must be C-contiguous when given.
    """
    batch, classes = _batch_shape(logits)
    true_class = _flat_label_index(y, batch, classes)
    log_p = np.subtract(logits, np.logaddexp.reduce(logits, axis=1, keepdims=True), out=out)
    loss = -log_p.take(true_class).sum() / batch
    d = np.exp(log_p, out=log_p)                        # p = softmax(z)
    d.ravel()[true_class] -= 1                          # p − onehot(y)
    d *= 1 / batch
    return float(loss), d


def _flat_label_index(y, batch, classes):
    """Check the labels; return i·C + y_i, where (i, y_i) sits in a flattened (B, C) array."""
    y = np.asarray(y)
    if y.shape != (batch,) or y.dtype.kind not in "iu":
        raise ValueError(f"labels y must be {batch} integers (one class per row), "
                         f"got {y.dtype} values of shape {y.shape}")
    if y.view(f"u{y.itemsize}").max() >= classes:       # as unsigned, a negative label is huge
        raise ValueError(f"class labels must be in 0..{classes - 1} (one per output), "
                         f"got labels from {y.min()} to {y.max()}")
    return np.arange(0, batch * classes, classes) + y


def _batch_shape(output):
    """(B, C) of a network output; ValueError unless it is a non-empty 2-D array."""
    if output.ndim != 2 or output.size == 0:
        raise ValueError(f"the network output must be a (batch, outputs) array with at least one "
                         f"entry, got shape {output.shape}")
    return output.shape


def mse(pred, y, out=None):
    r"""Mean squared error over every entry, as torch.nn.MSELoss: L = mean((pred − y)²), dL/dpred = 2 (pred − y) / N."""
    _batch_shape(pred)
    y = np.asarray(y)
    if y.size != pred.size or y.dtype.kind not in "fiu":
        raise ValueError(f"targets y must be {pred.size} numbers (one per output), "
                         f"got {y.dtype} values of shape {y.shape}")
    values("targets y", y)
    y = y.reshape(pred.shape)
    diff = np.subtract(pred, y, out=out)
    loss = np.vdot(diff, diff) / diff.size
    diff *= 2 / diff.size
    return float(loss), diff


LOSSES = {"cross_entropy": softmax_cross_entropy, "mse": mse}
