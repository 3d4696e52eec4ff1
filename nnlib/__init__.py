"""nnlib: a compact NumPy core for training small neural networks by gradient descent.

    from nnlib import MLP, data, optim, schedules
    from nnlib.train import fit
    X, y = data.make_moons(200, noise=0.1, seed=0)
    model = MLP([2, 16, 16, 2], activation="relu", seed=0)
    hist = fit(model, X, y, optim.Adam(lr=0.01), batch_size=32, epochs=50)
"""
__version__ = "1.0.0"

from nnlib import activations, data, init, landscape, losses, optim, schedules
from nnlib.model import MLP

__all__ = ["__version__", "MLP", "activations", "data", "init", "landscape", "losses", "optim", "schedules"]
