"""Full training runs: nnlib.train.fit against the plain loop of bench/reference_train.py."""
from bench import reference_train
from bench.harness import Result, best_time
from nnlib import data, optim
from nnlib.model import MLP
from nnlib.train import fit

RUNS = [   # (sizes, dataset, budget in seconds)
    ([2, 16, 16, 2], data.make_moons, 0.3),
    ([2, 64, 64, 64, 3], data.make_blobs, 1.0),
]


def bench_full_runs():
    results = []
    for sizes, make, budget in RUNS:
        X, y = make(1000, seed=0)

        def ours():
            fit(MLP(sizes, seed=0), X, y, optim.Adam(lr=1e-3), batch_size=32, epochs=200)

        def plain():
            reference_train.train(sizes, X, y, batch_size=32, epochs=200, lr=1e-3)

        seconds = best_time(ours, repeat=3)
        name = f"full run {'-'.join(map(str, sizes))}, 1000 pts, batch 32, 200 epochs, Adam"
        results.append(Result(name, seconds, "s", f"< {budget:g} s",
                              reference=best_time(plain, repeat=3), ok=seconds < budget))
    return results


BENCHES = [bench_full_runs]
