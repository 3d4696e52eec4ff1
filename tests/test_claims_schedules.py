"""Claims of the learning-rate lesson, checked over seeds (issue: true on every seed).

The LR range test's suggestion, applied as a constant η on the page's default run (40 epochs,
batch 32), must end within 2x of the best final training loss over a grid of 9 fixed η
(1e-3 .. 10, log-spaced) in at least 9 of 10 seeds, for SGD and for Adam.
"""
import math

import numpy as np
import pytest

from experiments import schedules as exp

pytestmark = pytest.mark.slow
GRID = np.geomspace(1e-3, 10, 9)
SEEDS = range(10)


def _final_loss(lr, optimizer, seed):
    hist = exp.train(float(lr), "constant", optimizer, epochs=40, batch_size=32, seed=seed)
    loss = hist.epochs["train_loss"][-1]
    return loss if hist.diverged_at is None and math.isfinite(loss) else math.inf


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_suggested_lr_ends_within_2x_of_the_best_fixed_lr_in_9_of_10_seeds(optimizer):
    good = []
    for seed in SEEDS:
        _, suggested = exp.range_test(optimizer, 32, seed)
        best = min(_final_loss(lr, optimizer, seed) for lr in GRID)
        good.append(_final_loss(suggested, optimizer, seed) <= 2 * best)
    print(f"\n{optimizer}: suggestion within 2x of the best fixed η in {sum(good)} of 10 seeds")
    assert sum(good) >= 9
