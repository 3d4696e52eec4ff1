"""Each lesson page's default view: server-side seconds to run it warm, and its figures' payload.

The page runs under streamlit's AppTest as app.py shows it (lab.page.draw_alone, the same
page() the server runs). The first run fills
st.cache_data; "warm" is the best of the following runs, as a learner who reopens the page sees
it; "cold" is the first run, as the first learner of the day sees it. Payload is the JSON sent
to the browser for all of the page's Plotly charts (frames included).
"""
import logging
import time

from streamlit.testing.v1 import AppTest

from bench.harness import Result
from lab import catalog

WARM_BUDGET_S = 2.0
PAYLOAD_BUDGET_MB = 1.5


def _run(slug):
    at = AppTest.from_string(f"from lab.page import draw_alone\ndraw_alone({slug!r})", default_timeout=300)
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0, at


def page_figures():
    logging.disable(logging.WARNING)   # AppTest's bare-mode warnings are noise here
    results = []
    for lesson in catalog.available():
        cold, at = _run(lesson.slug)
        warm = min(_run(lesson.slug)[0] for _ in range(2))   # AppTest shares the process cache
        sizes = [len(chart.proto.spec) / 1e6 for chart in at.get("plotly_chart")]
        results += [
            Result(f"page {lesson.slug}: default view warm (ref: cold)", warm, "s", f"< {WARM_BUDGET_S} s",
                   reference=cold, ok=warm < WARM_BUDGET_S and not at.exception),
            Result(f"page {lesson.slug}: largest figure payload ({len(sizes)} charts)",
                   max(sizes, default=0.0), "MB", f"< {PAYLOAD_BUDGET_MB} MB",
                   ok=max(sizes, default=0.0) < PAYLOAD_BUDGET_MB),
        ]
    return results


BENCHES = [page_figures]
