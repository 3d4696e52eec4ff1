"""A class of thirty on the server: `python -m bench load`.

Thirty light clients speaking Streamlit's websocket protocol as browser tabs do (the load
test's class, tests/load_class.py: softmax, batches and schedules, each learner its own
random changes) against what `python -m deploy` runs, nginx in front, with every default and
preset view precomputed first (deploy/warm.py, as the deploy does at start):

1. one process, stress pace (a change every 0.5–2.5 s after the last result);
2. two processes (one per core), the same class at the same pace, then at the calm pace
   (1.5–4.5 s), then thirty tabs opening the same classroom link at the same moment.

Changes per second count every change answered in the class's wall time; latencies run from
sending a change to its last chart. Issue 13 measured one process before the figure cache at
3.2–3.7 changes/s at the stress pace: "≥ 3×" is against BEFORE, and the speed-up of two
processes over one is printed from the same run.
"""
import subprocess
import threading
from contextlib import contextmanager
from statistics import median

from bench.harness import Result
from deploy import free_port, serve, warm
from tests.load_class import CALM, SAME_LINK, STRESS, figures, open_together, percentile, run_class

LEARNERS, ACTIVE_S = 30, 20
BEFORE = 3.5          # changes/s of one process at the stress pace, issue 13 (3.2–3.7)


@contextmanager
def warmed(processes):
    """deploy.serve(processes) on loopback with every view precomputed on each process (in
    parallel, one thread per process); yields nginx's URL."""
    with serve(processes, free_port(), "127.0.0.1", output=subprocess.DEVNULL) as (url, backends, _):
        threads = [threading.Thread(target=warm.warm, args=(f"http://127.0.0.1:{b}", 0)) for b in backends]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        yield url


def a_class(url, pace):
    learners, opened, wall = run_class(url, LEARNERS, ACTIVE_S, pace)
    return figures(learners, opened, wall, ACTIVE_S)


def bench_class():
    """Changes/s and latencies of the class on one process and on two behind nginx."""
    with warmed(1) as url:
        one = a_class(url, STRESS)
    with warmed(2) as url:
        two, calm = a_class(url, STRESS), a_class(url, CALM)
        opened = open_together(url, LEARNERS, *SAME_LINK)
    speed_up = two["changes_per_second"] / one["changes_per_second"]
    print(f"  (two processes / one, same run: {speed_up:.2f}x; one process p95 {one['change_p95_s']} s)")
    return [
        Result("30 learners, stress pace, two processes: changes/s", two["changes_per_second"], "/s",
               f">= {3 * BEFORE:g}/s (3x {BEFORE} before)", None, two["changes_per_second"] >= 3 * BEFORE),
        Result("30 learners, stress pace, one process: changes/s", one["changes_per_second"], "/s"),
        Result("the same, two processes: p95 change -> last chart", two["change_p95_s"], "s",
               "< 2 s", None, two["change_p95_s"] < 2),
        Result("30 learners, calm pace, two processes: p95", calm["change_p95_s"], "s",
               "< 1 s", None, calm["change_p95_s"] < 1),
        Result("30 tabs open one classroom link at once: median", median(opened), "s",
               "< 1 s", None, median(opened) < 1),
        Result("the same: p95", percentile(opened, 95), "s", "< 2 s", None, percentile(opened, 95) < 2),
    ]


BENCHES = [bench_class]
