r"""A multilayer perceptron over one flat parameter vector, with backpropagation written out.

Layer l maps its input a (B rows) to z = a W + b, then a' = f(z) for hidden layers (plus inverted
dropout in training), and the last layer's z is the output (logits, or predictions for "mse").

Every parameter lives in `theta`, one flat vector, so optimizers, snapshots and loss landscapes
see a single array. Layer l's block is [W; b], a (n_in + 1, n_out) view of theta: W is its first
n_in rows and b its last row. Each layer input carries an extra column of ones, so
z = [a, 1] @ [W; b] needs one matrix product (the "bias trick" of CS231n), and backward the
gradient of the whole block is [a, 1]ᵀ dz. The gradient is one flat vector laid out like theta.

Speed: small networks are dominated by NumPy's per-call cost, so each batch size gets its own
preallocated arrays (a `_Workspace`), reused by every call; the loss and gradient are written
into them with `out=`. Labels and targets are checked once (check_data), not at every step.
"""
import copy

import numpy as np

from nnlib import losses
from nnlib._check import choice, integer, number, values
from nnlib.activations import ACTIVATIONS
from nnlib.init import INITS, MAX_WIDTH

DTYPES = ("float64", "float32")
MAX_PARAMS = 1_000_000   # like MAX_WIDTH (units per layer): a toy-data network needs far fewer,
                         # and memory stays bounded whatever is asked
MAX_WORKSPACES = 8   # batch sizes remembered per model (training, last partial batch, evaluation)


class _Workspace:
    """Arrays for one batch size B, reused by every forward/backward pass with B rows."""

    def __init__(self, sizes, batch, dtype):
        self.inputs = [np.ones((batch, n + 1), dtype) for n in sizes[:-1]]  # [a, 1] per layer
        self.inputs_T = [a.T for a in self.inputs]          # [a, 1]ᵀ, for the weight gradients
        self.outputs = [a[:, :-1] for a in self.inputs[1:]]  # hidden outputs a, seen by the next layer
        self.z = [np.empty((batch, n), dtype) for n in sizes[1:]]
        self.dz = [np.empty_like(z) for z in self.z]        # dz[-1] = dL/doutput, from the loss
        self.da = [np.empty_like(z) for z in self.z[:-1]]
        self.h = [np.empty_like(z) for z in self.z[:-1]]    # f(z) before dropout
        self.masks = [np.empty_like(z) for z in self.z[:-1]]
        self.hidden = [(a, None) for a in self.outputs]      # per hidden layer (f(z), dropout mask)
        self.hidden_dropped = list(zip(self.h, self.masks))  # the same in training with dropout
        self.label_base = np.arange(0, batch * sizes[-1], sizes[-1])   # row starts in the logits
        self.true_class = np.empty(batch, np.intp)           # label_base + y: the true logits


class MLP:
    """Fully connected network, e.g. MLP([2, 16, 16, 2]) for 2 inputs, two hidden layers, 2 classes.

    activation: name in ACTIVATIONS, used by every hidden layer; the output layer is linear.
    init: name in INITS, or a function (n_in, n_out, rng) -> W (e.g. partial(init.normal, std=0.1)).
    dropout: probability p of zeroing each hidden unit in training; kept units are scaled by
        1/(1 − p) so the expected activation is unchanged ("inverted" dropout); off in eval mode.
    loss: "cross_entropy" (softmax, integer labels) or "mse" (regression targets).
    l2: adds l2/2 · Σ W² over the weights (not the biases) to the loss.
    l1: adds l1 · Σ |W| over the weights (not the biases); its gradient is l1 · sign(W).
    seed: seeds the generator used for the initial weights and, by default, the dropout masks.
    """

    def __init__(self, sizes, activation="relu", init="he_normal", dropout=0.0,
                 loss="cross_entropy", l2=0.0, seed=0, dtype="float64", l1=0.0):
        self.sizes = _check_sizes(sizes, loss)
        self.activation = choice("activation", activation, tuple(ACTIVATIONS))
        self.init = init if callable(init) else choice("init", init, tuple(INITS))
        self.dropout = number("dropout probability", dropout, low=0, high=1, high_open=True)
        self.loss_name = choice("loss", loss, tuple(losses.LOSSES))
        self.l2 = number("l2", l2, low=0)
        self.l1 = number("l1", l1, low=0)
        self.seed = integer("seed", seed, low=0)
        self.dtype = np.dtype(choice("dtype", _dtype_name(dtype), DTYPES))
        self._act = ACTIVATIONS[activation]
        self.rng = np.random.default_rng(self.seed)

        shapes = [(n_in + 1, n_out) for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.n_params = sum(r * c for r, c in shapes)
        self._theta, self._blocks = _flat_blocks(shapes, self.dtype)
        self._grad, self._grad_blocks = _flat_blocks(shapes, self.dtype)
        self.layers = [(block[:-1], block[-1]) for block in self._blocks]
        self._W_T = [W.T for W, _ in self.layers]
        self._l2_rates = np.zeros(self.n_params, self.dtype)     # l2 at weights, 0 at biases
        for block in _flat_blocks(shapes, self.dtype, self._l2_rates)[1]:
            block[:-1] = self.l2
        self._l2_grad = np.empty(self.n_params, self.dtype)
        self._l1_rates = np.zeros(self.n_params, self.dtype)     # l1 at weights, 0 at biases
        for block in _flat_blocks(shapes, self.dtype, self._l1_rates)[1]:
            block[:-1] = self.l1
        self._l1_grad = np.empty(self.n_params, self.dtype)
        self._workspaces = {}

        make_w = self.init if callable(self.init) else INITS[self.init]
        for W, _ in self.layers:
            W[...] = make_w(*W.shape, self.rng)

    @property
    def theta(self):
        """Every parameter in one flat vector (a view: writing into it changes the model)."""
        return self._theta

    @theta.setter
    def theta(self, value):
        """`model.theta = v` copies v into the parameters, so `layers` keep pointing at them."""
        value = np.asarray(value)
        if value.shape != self._theta.shape:
            raise ValueError(f"theta must have shape ({self.n_params},), got {value.shape}")
        self._theta[...] = value

    # ---- public API --------------------------------------------------------------------

    def forward(self, X, train=False, rng=None):
        """The network output for X: logits ("cross_entropy") or predictions ("mse"), a new array."""
        out, _ = self._forward(self._check_X(X), train, rng)
        return out.copy()

    def loss(self, X, y):
        """The loss on (X, y) in eval mode (no dropout), including the l2 penalty."""
        X, y = self.check_data(X, y)
        out, (ws, _) = self._forward(X, train=False, rng=None)
        return self._checked_loss(out, y, ws)[0] + self.penalty()

    def loss_and_grad(self, X, y, train=True, rng=None):
        """(loss, grad) on the batch (X, y); grad is flat like theta.

        grad is the model's own array, overwritten by the next call: copy it to keep it.
        Dropout masks come from rng, or from the model's generator when rng is None.
        """
        return self.batch_loss_and_grad(*self.check_data(X, y), train, rng)

    def batch_loss_and_grad(self, X, y, train=True, rng=None):
        """loss_and_grad on data that already passed check_data: training loops check their
        data once, not at every step (checking the labels again would take a quarter of a step)."""
        out, cache = self._forward(X, train, rng)
        loss, dout = self._checked_loss(out, y, cache[0])
        self._backward(dout, cache)
        if self.l2:                      # + l2/2 · Σ W², whose gradient is l2 · W (0 at biases)
            l2_w = np.multiply(self._theta, self._l2_rates, out=self._l2_grad)
            loss += 0.5 * float(np.dot(l2_w, self._theta))
            self._grad += l2_w
        if self.l1:                      # + l1 · Σ |W|, whose gradient is l1 · sign(W)
            l1_sign = np.sign(self._theta, out=self._l1_grad)
            l1_sign *= self._l1_rates
            loss += float(np.dot(l1_sign, self._theta))     # sign(w) · w = |w|
            self._grad += l1_sign
        return loss, self._grad

    def predict_proba(self, X):
        """Class probabilities softmax(logits), one row per example."""
        if self.loss_name != "cross_entropy":
            raise ValueError('predict_proba needs a classifier (loss="cross_entropy")')
        return losses.softmax(self.forward(X))

    def predict(self, X):
        """Predicted class (cross_entropy) or predicted value(s) (mse; 1-D when one output)."""
        out = self.forward(X)
        if self.loss_name == "cross_entropy":
            return out.argmax(axis=1)
        return out[:, 0] if out.shape[1] == 1 else out

    def positions(self):
        """Where each layer's parameters sit in theta: one (W_at, b_at) pair per layer, index
        arrays shaped like W (n_in, n_out) and b (n_out,), so theta[W_at] is W."""
        flat = np.arange(self.n_params, dtype=np.intp)
        blocks = _flat_blocks([b.shape for b in self._blocks], np.intp, flat)[1]
        return [(block[:-1], block[-1]) for block in blocks]

    def state_dict(self):
        """What a continued run needs, as copies: each layer's weight and bias under torch's
        names and layout ("layers.0.weight" of shape (n_out, n_in), i.e. Wᵀ; "layers.0.bias")
        and "rng", the state of the generator that draws dropout masks when fit passes none."""
        state = {}
        for l, (W, b) in enumerate(self.layers):
            state[f"layers.{l}.weight"], state[f"layers.{l}.bias"] = W.T.copy(), b.copy()
        return state | {"rng": copy.deepcopy(self.rng.bit_generator.state)}

    def load_state_dict(self, state_dict):
        """Restore what state_dict() saved; ValueError, and nothing changed, if an entry is
        missing, unknown or of the wrong shape (a blown-up run's parameters load as they are)."""
        expected = self.state_dict().keys()
        if not isinstance(state_dict, dict) or state_dict.keys() != expected:
            raise ValueError(f"an MLP {self.sizes} state_dict has the entries "
                             f"{', '.join(expected)}")
        arrays = []
        for l, (W, b) in enumerate(self.layers):
            for name, like in ((f"layers.{l}.weight", W.T), (f"layers.{l}.bias", b)):
                a = np.asarray(state_dict[name])
                if a.shape != like.shape or a.dtype.kind not in "fiu":
                    raise ValueError(f"{name} must be numbers of shape {like.shape}, got "
                                     f"{a.dtype} of shape {a.shape}")
                arrays.append((like, a))
        rng = np.random.default_rng()
        try:
            rng.bit_generator.state = copy.deepcopy(state_dict["rng"])
        except (TypeError, ValueError, KeyError) as error:
            raise ValueError(f"rng must be a generator state as state_dict() gives it: "
                             f"{error}") from None
        for like, a in arrays:
            like[...] = a
        self.rng = rng

    def copy(self, dtype=None):
        """An independent model with the same settings, parameters and generator state."""
        twin = MLP(self.sizes, self.activation, self.init, self.dropout, self.loss_name, self.l2,
                   self.seed, self.dtype if dtype is None else dtype, l1=self.l1)
        twin.theta = self._theta
        twin.rng = copy.deepcopy(self.rng)
        return twin

    def trace(self, X, y, train=False, rng=None):
        """Every intermediate of one forward and backward pass, from the same code as training.

        Lists with one array per layer (copies): "a" (a[0] = X, then each layer's output; a[-1]
        is the network output), "z" (pre-activations), "da" (dL/da for each layer's output;
        with dropout in training, already multiplied by the mask), "dz" (dL/dz), "dW", "db"
        (including the l2 term); plus "loss" (float) and "output" (= a[-1]).
        """
        loss, _ = self.loss_and_grad(X, y, train, rng)
        ws = self._workspace(len(X))
        copies = lambda arrays: [x.copy() for x in arrays]
        return {
            "a": self._layer_outputs(ws),
            "z": copies(ws.z),
            "da": copies(ws.da + [ws.dz[-1]]),     # the output layer is linear: da = dz
            "dz": copies(ws.dz),
            "dW": copies(dWb[:-1] for dWb in self._grad_blocks),
            "db": copies(dWb[-1] for dWb in self._grad_blocks),
            "loss": loss,
            "output": ws.z[-1].copy(),
        }

    def activations(self, X):
        """Every layer's output for X in eval mode (no dropout), as trace's "a" gives it but
        without the backward pass: [X, f(z_1), ..., f(z_{L-1}), output], copies."""
        self._forward(self._check_X(X), train=False, rng=None)
        return self._layer_outputs(self._workspace(len(X)))

    # ---- forward and backward ----------------------------------------------------------

    @staticmethod
    def _layer_outputs(ws):
        """Copies of the last pass's layer outputs in `ws`: its input, hidden outputs, output."""
        return [a.copy() for a in [ws.inputs[0][:, :-1]] + ws.outputs + [ws.z[-1]]]

    def _forward(self, X, train, rng):
        """Run the layers; return (output, cache) with cache = (workspace, [(f(z), mask) per hidden layer])."""
        ws = self._workspace(len(X))
        ws.inputs[0][:, :-1] = X
        hidden = ws.hidden_dropped if train and self.dropout > 0 else ws.hidden
        f = self._act.f
        for Wb, a_in, z, (h, mask), a in zip(self._blocks, ws.inputs, ws.z, hidden, ws.outputs):
            np.dot(a_in, Wb, out=z)                                    # z = [a_in, 1] @ [W; b]
            f(z, out=h)                                                # h = f(z), or a itself
            if mask is not None:
                np.multiply(h, self._dropout_mask(mask, rng), out=a)
        out = np.dot(ws.inputs[-1], self._blocks[-1], out=ws.z[-1])   # the output layer is linear
        return out, (ws, hidden)

    def _backward(self, dout, cache):
        """From dL/doutput, fill the gradient, last layer first (the chain rule):

            d[W; b] = [a_in, 1]ᵀ dz      da_in = dz Wᵀ      dz_prev = da_in ⊙ mask ⊙ f'(z_prev)
        """
        ws, hidden = cache
        df = self._act.df
        dz = dout
        for l in range(len(hidden), 0, -1):
            np.dot(ws.inputs_T[l], dz, out=self._grad_blocks[l])
            da = np.dot(dz, self._W_T[l], out=ws.da[l - 1])
            h, mask = hidden[l - 1]
            if mask is not None:
                da *= mask
            dz = df(ws.z[l - 1], h, out=ws.dz[l - 1])
            dz *= da
        np.dot(ws.inputs_T[0], dz, out=self._grad_blocks[0])

    def _checked_loss(self, out, y, ws):
        """(loss, dL/dout written into ws.dz[-1]) for targets y that passed check_data."""
        if self.loss_name == "cross_entropy":
            true_class = np.add(ws.label_base, y, out=ws.true_class)
            return losses.softmax_cross_entropy_unchecked(out, true_class, ws.dz[-1])
        return losses.mse_unchecked(out, y, ws.dz[-1])

    def _dropout_mask(self, mask, rng):
        """Inverted dropout mask: 1/(1 − p) with probability 1 − p, else 0 (written into `mask`)."""
        keep = 1.0 - self.dropout
        (self.rng if rng is None else rng).random(out=mask, dtype=self.dtype)
        np.less(mask, keep, out=mask)
        mask *= 1.0 / keep
        return mask

    def penalty(self):
        """The l2 and l1 terms l2/2 · Σ W² + l1 · Σ |W| over the weights (0.0 when both rates
        are 0); changes nothing."""
        l2 = 0.5 * float(np.dot(self._theta * self._l2_rates, self._theta)) if self.l2 else 0.0
        return l2 + (float(np.dot(self._l1_rates, np.abs(self._theta))) if self.l1 else 0.0)

    def _workspace(self, batch):
        ws = self._workspaces.get(batch)
        if ws is None:
            if len(self._workspaces) >= MAX_WORKSPACES:
                self._workspaces.clear()
            ws = self._workspaces[batch] = _Workspace(self.sizes, batch, self.dtype)
        return ws

    # ---- input checks ------------------------------------------------------------------

    def _check_X(self, X):
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must be a 2-D array with {self.sizes[0]} columns (one row per "
                             f"example, one column per input), got shape {X.shape}")
        if len(X) == 0:
            raise ValueError("X is empty: give at least one example")
        if X.dtype.kind not in "fiu":
            raise ValueError(f"X must hold numbers, got dtype {X.dtype}")
        values("X", X)
        return X

    def check_data(self, X, y):
        """(X, y) as every method checks them: ValueError unless X is a non-empty finite
        (n, n_inputs) array and y has one target per row: a class label in 0..C − 1
        ("cross_entropy"), or one finite number per output ("mse", returned as (n, n_outputs))."""
        X = self._check_X(X)
        y = np.asarray(y)
        if y.ndim == 0 or len(y) != len(X):
            raise ValueError(f"y must have one entry per row of X ({len(X)}), got shape {y.shape}")
        n_out = self.sizes[-1]
        if self.loss_name == "cross_entropy":
            return X, losses.check_labels(y, len(X), n_out)
        if y.size != len(X) * n_out or y.dtype.kind not in "fiu":
            raise ValueError(f"y must hold {len(X)} x {n_out} numbers (one target per output), "
                             f"got {y.dtype} values of shape {y.shape}")
        values("targets y", y)
        return X, y.reshape(len(X), n_out)


def _check_sizes(sizes, loss):
    try:
        sizes = [integer("every layer size", n, low=1, high=MAX_WIDTH) for n in sizes]
    except TypeError:
        raise ValueError(f"sizes must be a list of layer widths like [2, 16, 2], got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output size, e.g. [2, 16, 2], got {sizes}")
    if loss == "cross_entropy" and sizes[-1] < 2:
        raise ValueError(f"cross_entropy needs one output per class (at least 2), got {sizes[-1]}")
    n_params = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    if n_params > MAX_PARAMS:
        raise ValueError(f"the network {sizes} has {n_params:,} parameters; at most "
                         f"{MAX_PARAMS:,} are allowed")
    return sizes


def _dtype_name(dtype):
    """"float32" for "float32", np.float32 or np.dtype("float32"); anything else unchanged."""
    try:
        return np.dtype(dtype).name
    except TypeError:
        return dtype


def _flat_blocks(shapes, dtype, flat=None):
    """A flat vector (new zeros unless given) and its consecutive views of the given shapes."""
    flat = np.zeros(sum(r * c for r, c in shapes), dtype) if flat is None else flat
    ends = np.cumsum([0] + [r * c for r, c in shapes])
    return flat, [flat[i:j].reshape(shape) for i, j, shape in zip(ends[:-1], ends[1:], shapes)]
