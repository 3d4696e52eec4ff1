"""Landscape speed: network loss grids, optimizer races on a surface, seeded trap runs.

Each figure is compared with a plain loop written here: one model.loss per grid point, one
Python loop per optimizer, one Python loop per trap run. Slow references are timed on a subset
and scaled up (the name says so).
"""
import tracemalloc

import numpy as np

from bench.harness import Result, best_time
from experiments.descent import surface as shown
from nnlib import data, landscape, optim, surfaces, trap
from nnlib.model import MLP

MiB = 2**20
RACERS = [("sgd", 1e-3), ("momentum", 1e-3), ("nesterov", 1e-3), ("adam", 0.02),
          ("adamw", 0.02), ("rmsprop", 0.01), ("adagrad", 0.1), ("sgd", 5e-4),
          ("momentum", 5e-4), ("nesterov", 5e-4), ("rmsprop", 3e-3), ("adagrad", 0.3)]


def loop_of_losses(model, X, y, d1, d2, points):
    """Reference landscape: set the shifted θ and call model.loss, one grid point at a time."""
    twin, theta = model.copy(), model.theta.copy()
    losses = []
    for a, b in points:
        twin.theta = theta + a * d1 + b * d2
        losses.append(twin.loss(X, y))
    return losses


def loop_of_gd_runs(surface, lr, start, n_runs, steps):
    """Reference race: plain gradient descent, one Python loop per run."""
    paths = []
    for _ in range(n_runs):
        theta = np.array(start, dtype=float)
        path = [theta]
        for _ in range(steps):
            theta = theta - lr * np.array(surface.grad(theta[0], theta[1]))
            path.append(theta)
        paths.append(np.array(path))
    return paths


def loop_of_trap_runs(n_runs, steps, lr=0.1, seed=0):
    """Reference trap: one run at a time, one example per step, Python floats."""
    c = trap.tilts()
    ends = []
    for r in range(n_runs):
        rng = np.random.default_rng([seed, r])
        theta = trap.OUTER_WALL
        for a in rng.integers(0, trap.N_EXAMPLES, steps):
            theta -= lr * (0.6 * theta**3 - 0.9 * theta**2 - 1.5 * theta + c[a])
        ends.append(theta)
    return ends


def bench_network_landscape():
    X, y = data.make_moons(1000, noise=0.2, seed=0)
    model = MLP([2, 16, 16, 2], seed=0)
    d1, d2 = landscape.random_directions(model)
    sample = np.random.default_rng(0).uniform(-1, 1, (400, 2))
    per_point = best_time(lambda: loop_of_losses(model, X, y, d1, d2, sample), repeat=3) / 400
    results = []
    for n, target in ((101, 0.6), (51, 0.15)):
        grid = np.linspace(-1, 1, n)
        ours = best_time(lambda: landscape.loss_grid(model, X, y, d1, d2, grid, grid), repeat=3)
        results.append(Result(f"loss grid {n}x{n}, 1000 pts, 2-16-16-2 (ref scaled from 400)",
                              ours, "s", f"< {target} s", per_point * n * n, ours < target))
    grid = np.linspace(-1, 1, 101)
    tracemalloc.start()
    landscape.loss_grid(model, X, y, d1, d2, grid, grid)
    peak = tracemalloc.get_traced_memory()[1] / MiB
    tracemalloc.stop()
    results.append(Result("loss grid 101x101: peak extra memory (tracemalloc)", peak, "MiB",
                          "< 64 MiB", None, peak < 64))
    return results


def bench_race():
    rosen, start = surfaces.SURFACES["rosenbrock"], shown("rosenbrock").start
    ours = best_time(lambda: surfaces.race(
        rosen, [(f"{name} {lr:g}", optim.get(name, lr=lr)) for name, lr in RACERS], start, 1000))
    reference = best_time(lambda: loop_of_gd_runs(rosen, 1e-3, start, len(RACERS), 1000),
                          repeat=3)
    return [Result("race: 12 optimizers x 1000 steps, rosenbrock (ref: GD loops)", ours, "s",
                   "< 0.1 s", reference, ours < 0.1)]


def bench_trap():
    ours = best_time(lambda: trap.trap_runs(batch_size=1, n_runs=1000, steps=500))
    reference = best_time(lambda: loop_of_trap_runs(100, 500), repeat=3) * 10
    return [Result("trap: 1000 runs x 500 steps, batch 1 (ref scaled from 100)", ours, "s",
                   "< 0.1 s", reference, ours < 0.1)]


BENCHES = [bench_network_landscape, bench_race, bench_trap]
