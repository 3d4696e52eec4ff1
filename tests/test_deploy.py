"""Every core: the class of tests/test_load.py on one process, then on two behind real nginx.

`deploy.serve` (what `python -m deploy` and the Docker image run) starts two `streamlit run
app.py` processes and nginx on loopback. The same 30 learners (tests/load_class.py) first use
one plain process, then nginx; each learner fetches its page first and keeps the cookie nginx
sets, as a browser does, so its websocket and its download URL must reach the process that
holds its session. Checks: no exception, no cross-talk, learner 0's CSV download arrives
through nginx, both processes served sessions and each browser stayed on one process. The
runs/s and latencies of both set-ups are printed and written to tests/artifacts/deploy.json.
"""
import json
import shutil
import subprocess
from collections import defaultdict

import pytest

import deploy
from tests.conftest import ARTIFACTS, free_port, healthy, streamlit_server
from tests.load_class import PAGES, assert_no_exception_and_no_cross_talk, figures, run, run_class, visit

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
LEARNERS = 30
ACTIVE_SECONDS = 45
PAUSE = (0.5, 2.5)            # the load test's stress pace


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


def test_two_processes_behind_nginx_serve_the_class_sticky_per_browser(tmp_path):
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    with streamlit_server() as (url, _):
        warm(url)
        learners, opened, wall = run_class(url, LEARNERS, ACTIVE_SECONDS, PAUSE)
        one = figures(learners, opened, wall, ACTIVE_SECONDS)
    assert not [e for learner in learners for e in learner.exceptions]

    log = tmp_path / "access.log"
    with deploy.serve(2, free_port(), "127.0.0.1", access_log=log,
                      output=subprocess.DEVNULL) as (url, backends, _):
        for _ in range(3):          # a few browsers' first visits: both processes warm up
            warm(url)
        learners, opened, wall = run_class(url, LEARNERS, ACTIVE_SECONDS, PAUSE, download="CSV")
        two = figures(learners, opened, wall, ACTIVE_SECONDS)
        assert healthy(url), "nginx or the app stopped answering the health check"
    result = {"one process": one, "two processes behind nginx": two,
              "speed-up (changes per second)": round(two["changes_per_second"]
                                                     / one["changes_per_second"], 2)}
    print(json.dumps(result, indent=1))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "deploy.json").write_text(json.dumps(result, indent=1))

    assert_no_exception_and_no_cross_talk(learners)
    csv = learners[0].downloaded.decode()
    assert csv.count("\n") > 1 and "," in csv.splitlines()[0], csv[:200]
    by_cookie, streams = routes(log)
    assert streams == {f"127.0.0.1:{port}" for port in backends}, "both processes serve sessions"
    assert all(len(upstreams) == 1 for upstreams in by_cookie.values()), "a browser changed process"
    assert {learner.cookie.removeprefix("gdlab=") for learner in learners} <= set(by_cookie)
