"""One Streamlit process per core behind nginx, sticky per browser: `python -m deploy`.

A Streamlit server runs every learner's script in one Python process, so it uses about one
core however many the machine has (the GIL). `serve` starts `processes` copies of
`streamlit run app.py` on loopback ports and one nginx (deploy/nginx.conf.template) that
listens on `address:port` and sends each browser, by its `gdlab` cookie, always to the same
process: its websocket, its session state and its download URLs live there.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from deploy import warm

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
START_SECONDS = 90     # for every process to answer its health check


def cores():
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    return len(os.sched_getaffinity(0))


def healthy(url, timeout=5):
    """True when `url`/_stcore/health answers "ok" (a Streamlit server, or nginx in front of one)."""
    try:
        return urllib.request.urlopen(url + "/_stcore/health", timeout=timeout).read() == b"ok"
    except OSError:
        return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_conf(directory, listen, backends, access_log=None):
    """The nginx configuration for `backends` (loopback ports), every path under `directory`."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in backends)
    return (TEMPLATE.read_text().replace("@PROCESSES@", str(len(backends)))
            .replace("@DIR@", str(directory)).replace("@LISTEN@", listen)
            .replace("@SERVERS@", servers)
            .replace("@ACCESS_LOG@", f"{access_log} routed" if access_log else "off"))


def streamlit_process(port, output=None):
    """`streamlit run app.py` on 127.0.0.1:port (settings from .streamlit/config.toml)."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)


def wait_until_healthy(url, procs, what):
    deadline = time.time() + START_SECONDS
    while not healthy(url, timeout=2):
        if any(p.poll() is not None for p in procs) or time.time() > deadline:
            raise RuntimeError(f"{what} did not start; run it by hand to see why")
        time.sleep(0.25)


@contextmanager
def _running(proc):
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def serve(processes=None, port=8501, address="0.0.0.0", access_log=None, output=None, precompute=False):
    """Start `processes` (default: one per core) Streamlit servers and nginx on address:port;
    yield (nginx URL, [backend ports], [processes]); stop them all on exit. With `precompute`,
    a thread of this process opens every lesson's default and preset views on each server as
    soon as its health check answers (deploy/warm.py), in the background."""
    processes = processes or cores()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    with ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gdlab-nginx-")))
        directory.chmod(0o755)          # nginx workers (another user when started as root)
        backends = [free_port() for _ in range(processes)]
        apps = [stack.enter_context(_running(streamlit_process(p, output))) for p in backends]
        conf = directory / "nginx.conf"
        conf.write_text(nginx_conf(directory, f"{address}:{port}", backends, access_log))
        proxy = stack.enter_context(_running(subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(directory), "-e", str(directory / "error.log")],
            stdout=output, stderr=subprocess.STDOUT)))
        for backend in backends:
            wait_until_healthy(f"http://127.0.0.1:{backend}", apps, f"streamlit on port {backend}")
            if precompute:
                warm.start(f"http://127.0.0.1:{backend}")
        host = "127.0.0.1" if address in ("0.0.0.0", "") else address
        url = f"http://{host}:{port}"
        wait_until_healthy(url, [proxy], f"nginx on {address}:{port} (see {directory}/error.log)")
        yield url, backends, apps + [proxy]
