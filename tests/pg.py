"""A real PostgreSQL server on a free loopback port for the test session (fixture `postgres_url`).

The server binaries come from $PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian's
`apt-get install postgresql`), else initdb on the PATH. Without them the tests that need the
server are skipped with a message saying so, except in CI (CI=true), where that is a failure.
PostgreSQL refuses to run as root: as root the server runs as the `postgres` user.
"""
import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

MISSING = ("PostgreSQL is not installed here (`apt-get install -y postgresql`, or set PG_BIN to "
           "its bin folder): the PostgreSQL half of the class-mode tests is skipped.")


def pg_bin():
    """The folder holding initdb and pg_ctl, or None."""
    candidates = [os.environ.get("PG_BIN", "")] + sorted(glob.glob("/usr/lib/postgresql/*/bin"))[::-1]
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@contextmanager
def postgres_server():
    """initdb + pg_ctl start on 127.0.0.1:<free port>; yields the URL, stops and removes it after."""
    from tests.conftest import free_port   # conftest imports this module
    folder = pg_bin()
    if folder is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but PostgreSQL is missing: .ci/run must install it")
        pytest.skip(MISSING)
    home = Path(tempfile.mkdtemp(prefix="gdlab-pg-"))
    as_user = []
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port, data = free_port(), home / "data"
    quiet = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    subprocess.run(as_user + [str(folder / "initdb"), "-D", str(data), "-A", "trust",
                              "-U", "postgres", "--no-sync"], **quiet)
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {home} -c fsync=off"
    subprocess.run(as_user + [str(folder / "pg_ctl"), "-D", str(data), "-o", options,
                              "-l", str(home / "log"), "-w", "start"], **quiet)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [str(folder / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                  "-w", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url():
    """URL of a real PostgreSQL server for the whole test session."""
    with postgres_server() as url:
        yield url
