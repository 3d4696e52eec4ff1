"""The digits lesson: its default training run on the real 8×8 digits, against the plain loop.

Ours is experiments.digits.run() as the page calls it (64-32-10, 1,348 training digits, batch
32, 20 epochs, Adam η = 0.01, with the per-epoch test evaluation, weight frames and metrics);
the reference is bench/reference_train.py's textbook loop on the same digits and network.
"""
from bench import reference_train
from bench.harness import Result, best_time
from experiments import digits

BUDGET_S = 3.0     # issue 16: the default run trains in under 3 s


def bench_digits_default():
    Xt, _, yt, _ = digits.split()
    seconds = best_time(digits.run, repeat=3)
    plain = best_time(lambda: reference_train.train([64, 32, 10], Xt, yt, batch_size=32,
                                                    epochs=20, lr=0.01), repeat=3)
    full = best_time(digits.full_batch, repeat=3)
    return [Result("digits default training, 64-32-10, batch 32, 20 epochs, Adam", seconds, "s",
                   f"< {BUDGET_S:g} s", reference=plain, ok=seconds < BUDGET_S),
            Result("digits full-batch comparison, 100 epochs", full, "s", f"< {BUDGET_S:g} s",
                   ok=full < BUDGET_S)]


BENCHES = [bench_digits_default]
