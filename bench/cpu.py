"""Server CPU per script run of each lesson's default view, cold and warm (issue 13's targets).

The page runs under streamlit's AppTest as app.py shows it (lab.page.draw_alone). "Cold" is the
first run after every Streamlit cache is cleared (st.cache_data and the figure cache), as the first
learner of the day sees it; "warm" is the mean of the next runs, as the next learners see it.
CPU seconds are the script thread's own (time.thread_time around the page), what the server
spends on one learner's rerun; AppTest's reading of the result and the machine's other load do
not add to them.
"""
import logging

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.harness import Result
from lab import catalog, threads

WARM_MEAN_MS, WARM_MAX_MS, COLD_MEAN_MS = 50, 120, 250
WARM_RUNS = 3


SPENT = []   # the script thread's CPU seconds of each run (the script appends to it)
SCRIPT = """import time
from bench import cpu
from lab.page import draw_alone
start = time.thread_time()
try:
    draw_alone({slug!r})
finally:
    cpu.SPENT.append(time.thread_time() - start)
"""


def _cpu_ms(slug):
    at = AppTest.from_string(SCRIPT.format(slug=slug), default_timeout=300)
    at.run()
    assert not at.exception, at.exception
    return SPENT[-1] * 1e3


def cpu_per_run(slug):
    """(cold, warm) CPU milliseconds of one script run of page `slug` at its defaults."""
    st.cache_data.clear()
    st.cache_resource.clear()
    cold = _cpu_ms(slug)
    warm = [_cpu_ms(slug) for _ in range(WARM_RUNS)]
    return cold, sum(warm) / len(warm)


def page_cpu():
    logging.disable(logging.WARNING)   # AppTest's bare-mode warnings are noise here
    threads.one_blas_thread()
    slugs = [lesson.slug for lesson in catalog.available()]
    _cpu_ms("softmax")   # imports
    cold, warm = zip(*(cpu_per_run(slug) for slug in slugs))
    results = [Result(f"page {slug}: CPU per run warm (ref: cold)", w, "ms", f"<= {WARM_MAX_MS} ms",
                      reference=c, ok=w <= WARM_MAX_MS) for slug, c, w in zip(slugs, cold, warm)]
    return results + [
        Result("pages: mean CPU per run warm", sum(warm) / len(warm), "ms", f"<= {WARM_MEAN_MS} ms",
               ok=sum(warm) / len(warm) <= WARM_MEAN_MS),
        Result("pages: mean CPU per run cold", sum(cold) / len(cold), "ms", f"<= {COLD_MEAN_MS} ms",
               ok=sum(cold) / len(cold) <= COLD_MEAN_MS)]


BENCHES = [page_cpu]
