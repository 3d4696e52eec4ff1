"""What the lessons call nnlib's registered things: registry name -> the words a widget shows.

nnlib names its optimizers, data sets, input features and activations for code ("momentum",
"leaky_relu"); people read the labels here. Links and caches keep the raw names. The labels
of the learning-rate schedules sit with their formulas in experiments.schedules.
"""

OPTIMIZERS = {
    "sgd": "SGD",
    "momentum": "SGD + momentum",
    "nesterov": "SGD + Nesterov momentum",
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
}

DATASETS = {
    "moons": "two moons",
    "circles": "circles",
    "spirals": "spirals",
    "xor": "XOR",
    "blobs": "blobs",
    "regression_1d": "1-D regression (sine)",
}
REGRESSION_SETS = {"sine": "sine (one input, x)", "plane": "plane", "gaussians": "multi Gaussian"}

FEATURES = {"x": "x", "y": "y", "x2": "x²", "y2": "y²", "xy": "x·y", "sinx": "sin x",
            "siny": "sin y"}

ACTIVATIONS = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "tanh": "tanh", "sigmoid": "sigmoid",
               "identity": "identity (linear)", "elu": "ELU", "softplus": "softplus",
               "silu": "SiLU (swish)", "gelu": "GELU (tanh form)"}
