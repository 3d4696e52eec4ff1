r"""Loss functions, each returning the loss and its gradient with respect to the network output.

Both average over the B rows of the batch, as torch's default reduction="mean" does.
`out` (optional, shaped like the network output) receives the gradient, so the model can
reuse one preallocated array; without it a new array is returned.

The loss values alone, `cross_entropy` and `mean_squared_error`, also take a stack of
outputs (..., B, C), one batch per parameter set, and return one mean per set: the loss
landscape evaluates thousands of parameter sets through the same code, and nnlib.batched
its R runs at once (LOSS_VALUES).
"""
import numpy as np

from nnlib._check import choice, values


def softmax(z):
    r"""Row-wise p_k = e^{z_k} / Σ_j e^{z_j}, with the row maximum subtracted first so e^z stays finite."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(logits, y, out=None):
    r"""Mean cross-entropy of softmax(logits) against integer labels y, and dL/dlogits.

        log p_i = z_i − lse(z_i),  lse(z_i) = log Σ_k e^{z_ik}       (log-softmax)
        L = −1/B Σ_i log p_{i,y_i}          dL/dz_i = (p_i − onehot(y_i)) / B

    Fused and stable: lse is computed without ever exponentiating a large positive number (the
    log-sum-exp trick) and every log p is ≤ 0, so logits of ±1000 give a finite loss and
    gradient. logits (B, C); `out` must be C-contiguous when given.
    """
    batch, classes = _batch_shape(logits, stacked=False)
    return softmax_cross_entropy_unchecked(logits, _flat_label_index(y, batch, classes), out)


def softmax_cross_entropy_unchecked(logits, true_class, out=None):
    """softmax_cross_entropy without its checks, for training steps whose labels were checked
    once: the labels are given as true_class, the flat positions i·C + y_i of the true classes
    in logits (B, C)."""
    log_p = _log_softmax(logits, -1, out)
    loss = -log_p.ravel().take(true_class).sum() / len(log_p)
    d = np.exp(log_p, out=log_p)                        # p = softmax(z)
    d.ravel()[true_class] -= 1                          # p − onehot(y)
    d *= 1 / len(d)
    return float(loss), d


def cross_entropy(logits, y, axis=-1, out=None):
    r"""The mean cross-entropy −1/B Σ_i log p_{i,y_i} of each batch in a stack, without the gradient.

    logits (..., B, C) with the classes on axis −1, or features-first (..., C, B) with axis=−2;
    labels y (B,), the same for every batch. Returns an array (...) of means (a 0-d array
    for one batch). The log-softmax is written into `out` (C-contiguous), which may be logits.
    """
    axis = choice("class axis", axis, (-1, -2))
    batch, classes = _batch_shape(logits, axis)
    true_class = _flat_label_index(y, batch, classes, axis)
    log_p = _log_softmax(logits, axis, out)
    per_batch = log_p.reshape(*log_p.shape[:-2], -1)
    return -per_batch.take(true_class, axis=-1).sum(axis=-1) / batch


SMALL = 1024   # entries up to which logaddexp beats the five calls of the max shift


def _log_softmax(z, axis, out):
    """z − lse(z) along axis, into out. Both ways are stable: logaddexp never exponentiates a
    positive number, and lse = m + log Σ e^{z − m} with m = max z only exponentiates numbers
    ≤ 0. The first takes few calls (a training batch), the second vectorizes e^x about five
    times faster per entry (thousands of stacked parameter sets)."""
    if z.size <= SMALL:
        return np.subtract(z, _logaddexp_over_classes(z, axis), out=out)
    s = np.subtract(z, np.maximum.reduce(z, axis=axis, keepdims=True), out=out)
    s -= np.log(np.add.reduce(np.exp(s), axis=axis, keepdims=True))
    return s


def _logaddexp_over_classes(z, axis):
    """np.logaddexp.reduce(z, axis, keepdims=True), the same numbers (a reduce also folds
    lse ← logaddexp(lse, z_k) class by class), in whichever way takes less time: one reduce
    pays per row, a fold of the class columns pays C − 1 calls over every row at once."""
    classes, rows = z.shape[axis], z.size // z.shape[axis]
    if classes == 1 or classes - 1 > max(1, rows // 16):
        return np.logaddexp.reduce(z, axis=axis, keepdims=True)
    by_row = z if axis == -1 else z.swapaxes(-1, -2)       # a view with the classes last
    lse = np.logaddexp(by_row[..., :1], by_row[..., 1:2])
    for k in range(2, classes):
        np.logaddexp(lse, by_row[..., k:k + 1], out=lse)
    return lse if axis == -1 else lse.swapaxes(-1, -2)


def check_labels(y, batch, classes):
    """y as an array, or ValueError unless it holds `batch` integer labels in 0..classes − 1."""
    y = np.asarray(y)
    if y.shape != (batch,) or y.dtype.kind not in "iu":
        raise ValueError(f"labels y must be {batch} integers (one class per row), "
                         f"got {y.dtype} values of shape {y.shape}")
    if y.view(f"u{y.itemsize}").max() >= classes:       # as unsigned, a negative label is huge
        raise ValueError(f"class labels must be in 0..{classes - 1} (one per output), "
                         f"got labels from {y.min()} to {y.max()}")
    return y


def _flat_label_index(y, batch, classes, axis=-1):
    """Check the labels; return where (i, y_i) sits in one flattened batch: i·C + y_i for a
    (B, C) batch (axis −1), y_i·B + i for a features-first (C, B) one (axis −2)."""
    y = check_labels(y, batch, classes)
    if axis == -1:
        return np.arange(0, batch * classes, classes) + y
    return y * batch + np.arange(batch)


def _batch_shape(output, axis=-1, stacked=True):
    """(B, C) of a network output (B, C), or of each batch in a stack (..., B, C) if stacked;
    features-first (..., C, B) if axis is −2. ValueError unless it has at least one entry."""
    if output.ndim < 2 or (output.ndim > 2 and not stacked) or output.size == 0:
        raise ValueError(f"the network output must be a (batch, outputs) array with at least one "
                         f"entry, got shape {output.shape}")
    return output.shape[-2:] if axis == -1 else output.shape[:-3:-1]


def mse(pred, y, out=None):
    r"""Mean squared error over every entry, as torch.nn.MSELoss: L = mean((pred − y)²), dL/dpred = 2 (pred − y) / N."""
    _batch_shape(pred, stacked=False)
    return mse_unchecked(pred, check_targets(y, *pred.shape), out)


def mse_unchecked(pred, y, out=None):
    """mse without its checks, for training steps whose targets were checked once: y shaped
    like pred (B, K), as check_targets returns it."""
    diff = np.subtract(pred, y, out=out)
    flat = diff.reshape(-1)
    loss = np.vecdot(flat, flat) / flat.size
    diff *= 2 / flat.size
    return float(loss), diff


def mean_squared_error(pred, y, out=None):
    """The mean of (pred − y)² over each batch of a stack pred (..., B, K) (either layout: every
    entry counts the same); targets y shaped like one batch. Returns an array (...) of means;
    pred − y is written into `out`, which may be pred."""
    _batch_shape(pred)
    diff = np.subtract(pred, check_targets(y, *pred.shape[-2:]), out=out)
    flat = diff.reshape(*diff.shape[:-2], -1)
    return np.vecdot(flat, flat) / flat.shape[-1]


def check_targets(y, rows, cols):
    """y reshaped to (rows, cols), or ValueError unless it holds rows × cols finite numbers."""
    y = np.asarray(y)
    if y.size != rows * cols or y.dtype.kind not in "fiu":
        raise ValueError(f"targets y must be {rows * cols} numbers (one per output), "
                         f"got {y.dtype} values of shape {y.shape}")
    values("targets y", y)
    return y.reshape(rows, cols)


LOSSES = {"cross_entropy": softmax_cross_entropy, "mse": mse}
LOSS_VALUES = {"cross_entropy": cross_entropy, "mse": mean_squared_error}   # values only, stacked
