"""A plain NumPy MLP, written the straightforward way, to time nnlib against.

A list of (W, b) arrays, a forward pass that allocates new arrays on every call, the textbook
backward pass, and plain SGD. ReLU hidden layers, softmax cross-entropy, He-normal weights.
"""
import numpy as np


class ReferenceMLP:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.params = [(rng.normal(0.0, np.sqrt(2 / n_in), (n_in, n_out)), np.zeros(n_out))
                       for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def forward(self, X):
        """Logits, and the list of each layer's input (needed by backward)."""
        inputs = []
        a = X
        for i, (W, b) in enumerate(self.params):
            inputs.append(a)
            z = a @ W + b
            a = np.maximum(z, 0) if i < len(self.params) - 1 else z
        return a, inputs

    def loss(self, X, y):
        logits, _ = self.forward(X)
        return cross_entropy(logits, y)[0]

    def loss_and_grads(self, X, y):
        logits, inputs = self.forward(X)
        loss, dz = cross_entropy(logits, y)
        grads = []
        for i in reversed(range(len(self.params))):
            W, _ = self.params[i]
            grads.append((inputs[i].T @ dz, dz.sum(axis=0)))
            if i > 0:
                dz = (dz @ W.T) * (inputs[i] > 0)
        return loss, grads[::-1]

    def sgd_step(self, X, y, lr=0.01):
        loss, grads = self.loss_and_grads(X, y)
        for (W, b), (dW, db) in zip(self.params, grads):
            W -= lr * dW
            b -= lr * db
        return loss


def cross_entropy(logits, y):
    """Mean softmax cross-entropy and its gradient, with the row max subtracted for stability."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    loss = -np.mean(np.log(p[rows, y]))
    dz = p.copy()
    dz[rows, y] -= 1
    return loss, dz / len(y)
