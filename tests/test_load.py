"""Load: 30 learners at once, first on one `streamlit run app.py` server, then on two behind nginx.

Each learner is a light client that speaks Streamlit's own websocket protocol, exactly the
messages a browser tab sends (the page's URL, then the widget values after each change) and
receives (the page's elements, the new address, "script finished"); tests/load_class.py.
Thirty Chromium tabs drawing Plotly charts would share the test machine's cores with the server
under test; these clients leave them to the server, so the figures measure the server.

The class: 30 learners open the softmax, batches and schedules lessons at the same moment,
each from its own link, then for ACTIVE_SECONDS change one setting after another (their own
random sequence, a pause of 0.5–2.5 s to look between changes: the stress pace). It runs
twice, in one run so the two set-ups are compared on the same machine at the same time of day:

1. one plain process (our own, so its memory is ours alone to measure);
2. `deploy.serve`: two processes behind real nginx (what `python -m deploy` and the Docker
   image run), each learner keeping the cookie nginx sets, as a browser does, so its websocket
   and its download URL reach the process that holds its session; learner 0 downloads a CSV.
   Then the calm pace (1.5–4.5 s) for CALM_SECONDS, and 30 tabs opening one classroom link at
   the same moment.

Afterwards, each time: no learner saw an exception, no change stalled for CHANGE_TIMEOUT
seconds, no cross-talk (each learner's last view, after setting its own seed, is the view
streamlit's AppTest renders in this process for the address that learner ended at). Once: the
one process stayed under RSS_LIMIT_MIB (RSS, children included) and answers /_stcore/health;
through nginx the CSV arrives, both processes served sessions and each browser stayed on one
process. Latencies (change sent -> last chart received), runs/s and memory are printed and
written to tests/artifacts/load.json; `python -m bench load` measures the same class against
its targets, with every view precomputed as the deploy does.
"""
import json
import subprocess
from collections import defaultdict

import pytest

import deploy
from tests.conftest import ARTIFACTS, free_port, healthy, need_nginx, streamlit_server
from tests.load_class import (CALM, PAGES, SAME_LINK, STRESS, MemoryWatch,
                              assert_no_exception_and_no_cross_talk, figures, open_together,
                              percentile, rss_mib, run, run_class, visit)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
LEARNERS = 30
ACTIVE_SECONDS = 20
CALM_SECONDS = 10
RSS_LIMIT_MIB = 1536
WARM_VISITS = 1        # first visits of every page per process before the class starts


def routes(log):
    """From nginx's access log ("routed" format): cookie -> set of processes its requests
    reached, and the processes that served websocket sessions."""
    by_cookie, streams = defaultdict(set), set()
    for line in log.read_text().splitlines():
        _, upstream, *request, status, cookie = line.split()
        if cookie != "-":
            by_cookie[cookie].add(upstream)
        if "/_stcore/stream" in request[1]:
            streams.add(upstream)
    return by_cookie, streams


def warm(url):
    for page in PAGES:
        run(visit(url, page))


def one_process():
    """The class on one plain server: its figures, with the server's memory."""
    with streamlit_server() as (url, proc):
        run(visit(url, "softmax"))   # the first request of the server's life
        idle = rss_mib(proc.pid)
        for _ in range(WARM_VISITS):  # about as many first visits as each process gets behind nginx
            warm(url)
        watch = MemoryWatch(proc.pid)
        watch.start()
        learners, opened, wall = run_class(url, LEARNERS, ACTIVE_SECONDS, STRESS)
        peak = watch.stop()
        assert healthy(url), "the server stopped answering its health check"
        result = figures(learners, opened, wall, ACTIVE_SECONDS) | {
            "rss_idle_mib": round(idle), "rss_peak_mib": round(peak),
            "rss_after_mib": round(rss_mib(proc.pid)), "rss_limit_mib": RSS_LIMIT_MIB}
    assert peak < RSS_LIMIT_MIB, f"server memory peaked at {peak:.0f} MiB"
    assert_no_exception_and_no_cross_talk(learners)
    return result


def test_thirty_learners_on_one_process_then_on_two_behind_nginx(tmp_path):
    need_nginx()
    one = one_process()
    log = tmp_path / "access.log"
    with deploy.serve(2, free_port(), "127.0.0.1", access_log=log,
                      output=subprocess.DEVNULL) as (url, backends, _):
        for _ in range(2 * WARM_VISITS):   # a few browsers' first visits: both processes warm up
            warm(url)
        learners, opened, wall = run_class(url, LEARNERS, ACTIVE_SECONDS, STRESS, download="CSV")
        two = figures(learners, opened, wall, ACTIVE_SECONDS)
        calm_class = run_class(url, LEARNERS, CALM_SECONDS, CALM)
        calm = figures(*calm_class, CALM_SECONDS)
        together = open_together(url, LEARNERS, *SAME_LINK)
        assert healthy(url), "nginx or the app stopped answering the health check"
    result = {"one process": one, "two processes behind nginx": two, "the same, calm pace": calm,
              "30 tabs open one classroom link": {"p50_s": round(percentile(together, 50), 2),
                                                  "p95_s": round(percentile(together, 95), 2)},
              "speed-up (changes per second)": round(two["changes_per_second"]
                                                     / one["changes_per_second"], 2)}
    print(json.dumps(result, indent=1))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(result, indent=1))

    assert_no_exception_and_no_cross_talk(learners)
    assert not [e for learner in calm_class[0] for e in learner.exceptions]
    assert len(together) == LEARNERS
    csv = learners[0].downloaded.decode()
    assert csv.count("\n") > 1 and "," in csv.splitlines()[0], csv[:200]
    by_cookie, streams = routes(log)
    assert streams == {f"127.0.0.1:{port}" for port in backends}, "both processes serve sessions"
    assert all(len(upstreams) == 1 for upstreams in by_cookie.values()), "a browser changed process"
    assert {learner.cookie.removeprefix("gdlab=") for learner in learners} <= set(by_cookie)
