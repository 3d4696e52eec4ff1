"""Timing helpers shared by the benchmark modules.

Each benchmark module in bench/ defines `BENCHES`, a list of functions returning `Result`s.
A result compares our implementation with a plain reference timed in the same run.
"""
import time
from dataclasses import dataclass


@dataclass
class Result:
    name: str          # what was measured
    value: float       # our figure, in `unit`
    unit: str          # "us", "s", "MiB", "KB", ...
    target: str = ""   # the budget from design.md, e.g. "<= 25 us"
    reference: float | None = None   # the plain reference implementation, same unit
    ok: bool | None = None           # True when the target is met

    @property
    def ratio(self):
        """How many times faster (or smaller) we are than the reference."""
        return None if not self.reference else self.reference / self.value


def best_time(fn, repeat=5, number=1):
    """Best wall-clock seconds per call of fn over `repeat` rounds of `number` calls."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best
