"""Shared fixtures: a real `streamlit run app.py` server and headless Chromium for e2e tests.

Browser tests are marked @pytest.mark.e2e; deselect them with `-m "not e2e"`. Chromium is
$CHROMIUM, else /usr/bin/chromium, else Playwright's own (`python -m playwright install chromium`).
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import numpy  # noqa: F401  (threadpoolctl can only limit a BLAS library that is already loaded)
import pytest
from threadpoolctl import threadpool_limits

threadpool_limits(limits=1, user_api="blas")   # as app.py does (lab/threads.py): tiny matrices
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def need_nginx():
    """Skip a test that runs real nginx where it is not installed, with a message; in CI
    (CI=true) a missing nginx is a failure: .ci/run installs it."""
    if shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but nginx is missing: .ci/run must install it")
    pytest.skip("nginx is not installed here (apt-get install nginx): the two-process test is skipped")


def healthy(url):
    """True when the streamlit server at `url` answers its health check."""
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=5).read() == b"ok"
    except OSError:
        return False


@contextmanager
def streamlit_server():
    """A real `streamlit run app.py` on a free 127.0.0.1 port: yields (base URL, process)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while not healthy(url):
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError("streamlit did not start; run `streamlit run app.py` to see why")
            time.sleep(0.25)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url():
    """Base URL of a streamlit server running app.py for the whole test session."""
    with streamlit_server() as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright: launch the system Chromium when there is one."""
    path = os.environ.get("CHROMIUM") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    return {**browser_type_launch_args, "args": CHROMIUM_ARGS,
            **({"executable_path": path} if path else {})}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 1000}}


def settle(page, limit=40):
    """Wait until the script has finished and the number of charts has stopped changing."""
    start, last, stable = time.time(), -1, 0
    while time.time() - start < limit and stable < 6:
        charts = page.locator(".js-plotly-plot").count()
        state = page.evaluate("() => (document.querySelector('[data-testid=stApp]')"
                              " || {dataset: {}}).dataset.testScriptState")
        stable = stable + 1 if charts == last and state == "notRunning" else 0
        last = charts
        time.sleep(0.25)


def screenshot(page, name, max_height=6000):
    """Settle, then save tests/artifacts/<name>.png of the whole page for a human to look at.

    Streamlit scrolls inside its own container, so full_page alone shows only the first
    screen: the viewport grows to the content's height for the shot, then goes back.
    """
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], section.main, .main')].map(e => e.scrollHeight), 0)")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), max_height)})
    try:
        settle(page)
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    finally:
        page.set_viewport_size(size)


@pytest.fixture
def shoot():
    """screenshot(page, name) as a fixture: `shoot(page, "softmax")`."""
    return screenshot


@pytest.fixture
def wait_settled():
    """settle(page) as a fixture."""
    return settle


from tests.pg import postgres_url  # noqa: E402,F401  (class mode: a real PostgreSQL server, tests/pg.py)
