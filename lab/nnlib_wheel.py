"""nnlib as a wheel made in memory from the files next to the app (stdlib only, no build tools).

    name, data = wheel()      # ("gdlab_nnlib-1.0.0-py3-none-any.whl", bytes)

A wheel is a zip of the package plus a .dist-info folder (METADATA, WHEEL, RECORD with each
file's sha256). A downloaded notebook carries it, so it can `pip install` nnlib wherever it is
opened; name, version and dependencies come from pyproject.toml, as `pip install .` uses them.
"""
import base64
import hashlib
import io
import tomllib
import zipfile
from functools import lru_cache
from pathlib import Path

import nnlib

ROOT = Path(__file__).resolve().parent.parent
TAG = "py3-none-any"


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _record_line(path, payload):
    digest = base64.urlsafe_b64encode(hashlib.sha256(payload).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(payload)}"


@lru_cache(maxsize=1)
def wheel():
    """(file name, bytes) of nnlib's wheel, built once per process."""
    project = _project()
    dist = project["name"].replace("-", "_")
    info = f"{dist}-{nnlib.__version__}.dist-info"
    files = {f"nnlib/{p.name}": p.read_bytes() for p in sorted((ROOT / "nnlib").glob("*.py"))}
    files[f"{info}/METADATA"] = "\n".join(
        ["Metadata-Version: 2.1", f"Name: {project['name']}", f"Version: {nnlib.__version__}",
         f"Summary: {project['description']}", f"Requires-Python: {project['requires-python']}",
         *(f"Requires-Dist: {dep}" for dep in project["dependencies"]), ""]).encode()
    files[f"{info}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: gdlab\nRoot-Is-Purelib: true\n"
                              f"Tag: {TAG}\n").encode()
    record = [_record_line(path, payload) for path, payload in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, payload in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), payload,
                             compress_type=zipfile.ZIP_DEFLATED)
    return f"{dist}-{nnlib.__version__}-{TAG}.whl", buffer.getvalue()
