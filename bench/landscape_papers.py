"""The "Loss landscapes in the papers" lesson, cold (nothing cached), at its default settings.

Comparison view: train the four networks, slice each on a 25 x 25 grid, build the contour and
the 3-D figures. Wall-clock seconds (the learner waits for them) and, beside them, CPU seconds
of this process (what it costs when the machine is not shared); peak extra memory by tracemalloc.
The convexity maps and the sharp/flat runs are separate sections of the page, timed alone.
There is no plain reference here: the comparison is the budget itself.
"""
import time
import tracemalloc

from bench.harness import Result
from experiments import landscape_papers as exp
from viz import landscape_papers as draw

MiB = 2**20
BUDGET_S = 3.0


def _timed(fn):
    """(wall seconds, CPU seconds, peak traced MiB, result) of one cold call."""
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / MiB
    tracemalloc.stop()
    return wall, cpu, peak, out


def comparison_view():
    panels = [exp.panel(net) for net in exp.NETS]
    draw.contours(panels, exp.CAP)
    draw.surfaces(panels[1:3], exp.CAP)
    return panels


def bench_comparison():
    wall, cpu, peak, _ = _timed(comparison_view)
    maps_wall, maps_cpu, maps_peak, _ = _timed(
        lambda: [exp.convexity_map(net) for net in ("shallow", "deep")])
    sharp_wall, sharp_cpu, sharp_peak, _ = _timed(exp.sharp_flat)
    return [
        Result("papers: comparison view, 4 nets trained + sliced + 2 figures (wall)", wall, "s",
               f"< {BUDGET_S} s", ok=wall < BUDGET_S),
        Result("papers: comparison view (CPU seconds of this process)", cpu, "s",
               f"< {BUDGET_S} s", ok=cpu < BUDGET_S),
        Result("papers: comparison view, peak extra memory (tracemalloc)", peak, "MiB", "< 64 MiB",
               ok=peak < 64),
        Result("papers: convexity maps 5x5, shallow + deep (wall)", maps_wall, "s",
               f"CPU {maps_cpu:.2f} s, {maps_peak:.1f} MiB"),
        Result("papers: sharp vs flat, 5 seeds x 2 runs (wall)", sharp_wall, "s",
               f"CPU {sharp_cpu:.2f} s, {sharp_peak:.1f} MiB"),
    ]


BENCHES = [bench_comparison]
