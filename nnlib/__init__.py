"""nnlib: a compact NumPy core for training small neural networks by gradient descent."""
