"""nnlib against PyTorch CPU in the same run: one update step, and 8 training runs batched.

PyTorch is a test/bench dependency only (`pip install torch==2.13.0`, requirements-dev.txt);
without it the torch column is skipped and our figures are still printed. Both sides compute
in float64 on one thread (BLAS limited in bench/__init__.py, torch.set_num_threads(1)), with
the same network, data and optimizer; the torch loop is the usual zero_grad/backward/step.
"""
import numpy as np

from bench.harness import Result, best_time
from nnlib import data, optim
from nnlib.batched import fit_runs
from nnlib.model import MLP
from nnlib.train import fit

try:
    import torch
except ImportError:           # the bench runs without torch: our column only
    torch = None

STEPS = [([2, 16, 16, 2], 1, 10), ([2, 16, 16, 2], 32, 10), ([2, 64, 64, 64, 3], 32, 5)]
RUNS, SIZES, EPOCHS, BATCH = 8, [2, 16, 16, 2], 200, 32
BATCHED_VS_FIT, BATCHED_VS_TORCH = 4, 30


def _skipped():
    print("torch not installed (pip install torch==2.13.0): the torch column is skipped")


def _name(sizes):
    return "-".join(map(str, sizes))


def torch_net(sizes):
    """nn.Sequential of Linear + ReLU layers in float64, like MLP(sizes)."""
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


def torch_step(net, opt, X, y):
    opt.zero_grad()
    torch.nn.functional.cross_entropy(net(X), y).backward()
    opt.step()


def bench_step():
    """One SGD update (forward, backward, step) at three sizes: ours vs torch, microseconds."""
    if torch is None:
        _skipped()
    else:
        torch.set_num_threads(1)
    results = []
    for sizes, batch, times in STEPS:
        rng = np.random.default_rng(0)
        X, y = rng.normal(size=(batch, sizes[0])), rng.integers(0, sizes[-1], batch)
        model, opt = MLP(sizes), optim.SGD(lr=0.01)

        def ours():
            _, grad = model.batch_loss_and_grad(X, y)
            opt.step(model.theta, grad)

        us = best_time(ours, repeat=30, number=200) * 1e6
        ref = None
        if torch is not None:
            net = torch_net(sizes)
            topt = torch.optim.SGD(net.parameters(), lr=0.01)
            tX, ty = torch.from_numpy(X), torch.from_numpy(y)
            ref = best_time(lambda: torch_step(net, topt, tX, ty), repeat=15, number=100) * 1e6
        results.append(Result(f"step {_name(sizes)} batch {batch} (ref: torch CPU)", us, "us",
                              f">= {times}x torch", ref, None if ref is None else ref / us >= times))
    return results


def torch_fit(sizes, X, y, seed):
    """Mini-batch Adam with per-epoch evaluation on the whole training set, as fit() does."""
    torch.manual_seed(seed)
    net = torch_net(sizes)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    tX, ty = torch.from_numpy(X), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(EPOCHS):
        order = torch.randperm(len(tX), generator=gen)
        for i in range(0, len(tX), BATCH):
            batch = order[i:i + BATCH]
            torch_step(net, opt, tX[batch], ty[batch])
        with torch.no_grad():
            losses.append(float(torch.nn.functional.cross_entropy(net(tX), ty)))
    return losses


def bench_batched():
    """8 runs of 2-16-16-2, 1000 points, batch 32, 200 epochs, Adam, per-epoch evaluation:
    fit_runs (all at once) vs 8 fit runs one after the other vs 8 torch loops (one timed, x8)."""
    X, y = data.make_moons(1000, noise=0.2, seed=0)
    seeds = list(range(RUNS))

    def batched():
        fit_runs([MLP(SIZES, seed=s) for s in seeds], X, y, optim.Adam(lr=1e-3),
                 batch_size=BATCH, epochs=EPOCHS, seed=seeds)

    def separate():
        for s in seeds:
            fit(MLP(SIZES, seed=s), X, y, optim.Adam(lr=1e-3), batch_size=BATCH, epochs=EPOCHS, seed=s)

    ours = best_time(batched, repeat=3)
    singles = best_time(separate, repeat=1)
    name = f"{RUNS} runs {_name(SIZES)}, batch {BATCH}, {EPOCHS} epochs, Adam, batched"
    results = [Result(f"{name} (ref: {RUNS} fit runs)", ours, "s", f">= {BATCHED_VS_FIT}x",
                      singles, singles / ours >= BATCHED_VS_FIT)]
    if torch is None:
        _skipped()
        return results
    torch.set_num_threads(1)
    loops = best_time(lambda: torch_fit(SIZES, X, y, 0), repeat=1) * RUNS
    return results + [Result(f"{name} (ref: {RUNS} torch loops, 1 timed x{RUNS})", ours, "s",
                             f">= {BATCHED_VS_TORCH}x", loops, loops / ours >= BATCHED_VS_TORCH)]


BENCHES = [bench_step, bench_batched]
