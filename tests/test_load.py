"""Load: 30 learners at once on one `streamlit run app.py` server, each moving its own sliders.

Each learner is a light client that speaks Streamlit's own websocket protocol, exactly the
messages a browser tab sends (the page's URL, then the widget values after each change) and
receives (the page's elements, the new address, "script finished"). Thirty Chromium tabs
drawing Plotly charts would share the test machine's cores with the server under test; these
clients leave them to the server, so the figures measure the server (browser drawing excluded).

The class: 30 learners open the softmax, batches and schedules lessons at the same moment,
each from its own link, then for ACTIVE_SECONDS change one setting after another (their own
random sequence, a short pause to look between changes). Afterwards:
- no learner saw an exception, and no change stalled for CHANGE_TIMEOUT seconds;
- no cross-talk: each learner's last view (after setting its own seed) is the view that
  streamlit's AppTest renders, in this process, for the address that learner ended at, and
  that address holds the learner's own values;
- the server still answers /_stcore/health, and its memory (RSS, children included) stayed
  under RSS_LIMIT_MIB.
The latencies (change sent -> last chart of the page received) and the memory are printed
and written to tests/artifacts/load.json.
"""
import json

import pytest

from tests.conftest import ARTIFACTS, healthy, streamlit_server
from tests.load_class import (MemoryWatch, assert_no_exception_and_no_cross_talk, figures, rss_mib,
                              run, run_class, visit)

pytestmark = pytest.mark.e2e
LEARNERS = 30
ACTIVE_SECONDS = 60
PAUSE = (0.5, 2.5)            # seconds a learner looks at the result before the next change
RSS_LIMIT_MIB = 1536


@pytest.fixture(scope="module")
def server():
    """Our own `streamlit run app.py` (so its memory is ours alone to measure): (URL, pid)."""
    with streamlit_server() as (url, proc):
        yield url, proc.pid


def test_thirty_learners_at_once(server):
    url, pid = server
    run(visit(url, "softmax"))   # the first request of the server's life
    idle = rss_mib(pid)
    watch = MemoryWatch(pid)
    watch.start()
    learners, opened, wall = run_class(url, LEARNERS, ACTIVE_SECONDS, PAUSE)
    peak = watch.stop()
    result = figures(learners, opened, wall, ACTIVE_SECONDS) | {
        "rss_idle_mib": round(idle), "rss_peak_mib": round(peak),
        "rss_after_mib": round(rss_mib(pid)), "rss_limit_mib": RSS_LIMIT_MIB}
    print(json.dumps(result, indent=1))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(result, indent=1))

    assert healthy(url), "the server stopped answering its health check"
    assert peak < RSS_LIMIT_MIB, f"server memory peaked at {peak:.0f} MiB"
    assert_no_exception_and_no_cross_talk(learners)
