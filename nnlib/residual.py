r"""A residual MLP: hidden layers of equal width add their input back (skip connections).

    a₁ = f(x W₀ + b₀)                      input projection (a plain layer, any widths)
    a_l = a_{l−1} + f(a_{l−1} W_l + b_l)   residual block, for every hidden layer l ≥ 1 whose
                                           input and output widths are equal
    output = a_L W_out + b_out             output projection (linear)

(He et al. 2016, "Deep residual learning"). The parameters, their layout in the flat vector
theta, the losses, initializers, dropout and l2 are exactly MLP's (nnlib.model), so a
ResidualMLP and an MLP of the same sizes are the same function family apart from the skips:
fit, gradcheck and the loss landscape (nnlib.landscape) work on both.

Initial scale: without normalization layers, a block with He-initialized W adds about as much
variance as its input already has, so K blocks multiply it by ~2^K. The blocks' initial W are
therefore multiplied by branch_scale, by default 1/√K (the residual-branch rescaling of Fixup,
Zhang et al. 2019). ReLU outputs are positive, so branch and input add coherently and the growth
is more than the (1 + 1/K)^K of uncorrelated signals: for 12 blocks of 32 ReLU units the output
spreads ~12 times as wide as a plain MLP's, against ~1000 times with branch_scale = 1. With dropout, a block
is a_l = a_{l−1} + m ⊙ f(z_l) (m the inverted-dropout mask): the skip itself is never dropped.

Backward, with G_l = dL/da_l (the total gradient reaching a block's output):

    dz_l = G_l ⊙ m ⊙ f'(z_l)      d[W_l; b_l] = [a_{l−1}, 1]ᵀ dz_l
    G_{l−1} = dz_l W_lᵀ + G_l      (the second term only for a residual block)
"""
import copy

import numpy as np

from nnlib._check import number
from nnlib.model import MLP


class ResidualMLP(MLP):
    """MLP with skip connections around every hidden layer after the first whose width is
    unchanged, e.g. ResidualMLP([2, 16, 16, 16, 2]): a projection 2 → 16, two residual blocks
    of 16, a linear output. Same arguments and methods as MLP, plus branch_scale (None: 1/√K
    for K blocks), the factor on the blocks' initial weights.

    trace(): as MLP's, except that "da" is the total dL/da of each hidden output (direct path
    plus skip), before the dropout mask.
    """

    def __init__(self, sizes, activation="relu", init="he_normal", dropout=0.0,
                 loss="cross_entropy", l2=0.0, seed=0, dtype="float64", branch_scale=None,
                 l1=0.0):
        super().__init__(sizes, activation, init, dropout, loss, l2, seed, dtype, l1=l1)
        # skips[l]: hidden layer l adds its input back (layer 0 is the input projection)
        self.skips = tuple(0 < l and n_in == n_out
                           for l, (n_in, n_out) in enumerate(zip(self.sizes[:-2], self.sizes[1:-1])))
        blocks = sum(self.skips)
        self.branch_scale = (1 / max(blocks, 1) ** 0.5 if branch_scale is None
                             else number("branch_scale", branch_scale, low=0))
        for (W, _), skip in zip(self.layers, self.skips):
            if skip:
                W *= self.branch_scale

    def copy(self, dtype=None):
        """An independent ResidualMLP with the same settings, parameters and generator state."""
        twin = ResidualMLP(self.sizes, self.activation, self.init, self.dropout, self.loss_name,
                           self.l2, self.seed, self.dtype if dtype is None else dtype,
                           self.branch_scale, l1=self.l1)
        twin.theta = self._theta
        twin.rng = copy.deepcopy(self.rng)
        return twin

    def _forward(self, X, train, rng):
        """Run the layers; return (output, cache), cache = (workspace, [(f(z), mask) per hidden layer])."""
        ws = self._workspace(len(X))
        ws.inputs[0][:, :-1] = X
        drop = train and self.dropout > 0
        hidden = []
        for l, skip in enumerate(self.skips):
            z, h, a = ws.z[l], ws.h[l], ws.outputs[l]
            self._act.f(np.dot(ws.inputs[l], self._blocks[l], out=z), out=h)   # h = f(z)
            mask = self._dropout_mask(ws.masks[l], rng) if drop else None
            if mask is None:
                np.copyto(a, h)
            else:
                np.multiply(h, mask, out=a)
            if skip:
                a += ws.outputs[l - 1]
            hidden.append((h, mask))
        out = np.dot(ws.inputs[-1], self._blocks[-1], out=ws.z[-1])      # the output layer is linear
        return out, (ws, hidden)

    def _backward(self, dout, cache):
        """From dL/doutput, fill the gradient, last layer first (the formulas in the module docstring)."""
        ws, hidden = cache
        dz = dout
        for l in range(len(hidden), 0, -1):
            np.dot(ws.inputs[l].T, dz, out=self._grad_blocks[l])
            G = np.dot(dz, self._W_T[l], out=ws.da[l - 1])           # G_{l−1} = dz_l W_lᵀ ...
            if l < len(hidden) and self.skips[l]:
                G += ws.da[l]                                  # ... + G_l through the skip
            h, mask = hidden[l - 1]
            dz = self._act.df(ws.z[l - 1], h, out=ws.dz[l - 1])
            dz *= G
            if mask is not None:
                dz *= mask
        np.dot(ws.inputs[0].T, dz, out=self._grad_blocks[0])
