"""Plain reference for the training benchmarks: bench/reference.py's MLP, a textbook Adam
and the obvious training loop (fancy-indexed batches, a full-data loss after every epoch).
"""
import numpy as np

from bench.reference import ReferenceMLP


def train(sizes, X, y, batch_size=32, epochs=200, lr=1e-3, seed=0):
    """Mini-batch Adam (Kingma & Ba) on a ReferenceMLP; returns the loss after each epoch."""
    model, rng = ReferenceMLP(sizes, seed), np.random.default_rng(seed)
    params = [p for layer in model.params for p in layer]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps, t = 0.9, 0.999, 1e-8, 0
    history = [model.loss(X, y)]
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for i in range(0, len(X), batch_size):
            batch = order[i:i + batch_size]
            _, grads = model.loss_and_grads(X[batch], y[batch])
            t += 1
            for k, g in enumerate(g for layer in grads for g in layer):
                m[k] = beta1 * m[k] + (1 - beta1) * g
                v[k] = beta2 * v[k] + (1 - beta2) * g * g
                m_hat, v_hat = m[k] / (1 - beta1 ** t), v[k] / (1 - beta2 ** t)
                params[k] -= lr * m_hat / (np.sqrt(v_hat) + eps)
        history.append(model.loss(X, y))
    return history
