"""nnlib: a compact NumPy core for training small neural networks by gradient descent.

The bottom layer of the lab (pages -> lab -> viz -> experiments -> nnlib, enforced by
.importlinter): it imports numpy and the standard library only and holds no words for people;
labels, formulas and sentences live in experiments. Optimizers, schedules and the MLP save and
restore their state like torch (state_dict / load_state_dict).

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
