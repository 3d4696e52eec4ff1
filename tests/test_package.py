"""nnlib installs alone: `pip install .` into a fresh venv gives nnlib and numpy, nothing of the app;
`python -m nnlib --version`; the API reference in docs/ is the one the docstrings make."""
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

import nnlib
from nnlib import _apidoc
from nnlib.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_a_release_number_and_the_cli_prints_it(capsys):
    parts = nnlib.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"nnlib {nnlib.__version__}"


def test_pyproject_ships_only_nnlib_with_numpy_as_its_one_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["setuptools"]["packages"] == ["nnlib"]
    assert [d.split(">")[0].split("=")[0] for d in project["project"]["dependencies"]] == ["numpy"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "nnlib.__version__"}


def test_api_reference_in_docs_matches_the_docstrings():
    assert _apidoc.TARGET.read_text(encoding="utf-8") == _apidoc.reference(), \
        "docs/nnlib.md is out of date: run `python -m nnlib._apidoc --write`"
    assert "### `class MLP(" in _apidoc.reference() and "### `def fit(" in _apidoc.reference()


def test_runtime_image_has_neither_torch_nor_jupyter():
    lines = (ROOT / "requirements.txt").read_text().lower().splitlines()
    runtime = {line.split("=")[0].strip() for line in lines if line.strip() and not line.startswith("#")}
    dockerfile = (ROOT / "Dockerfile").read_text().lower()
    assert "nbformat" in runtime          # builds notebooks; executing them needs none of these
    for name in ("torch", "jupyter", "nbclient", "ipykernel", "notebook", "jupyterlab"):
        assert name not in runtime and f"install {name}" not in dockerfile


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_gives_nnlib_and_numpy_only(tmp_path):
    """A clean venv (no system site-packages, so numpy must come through the declared
    dependency): first the wheel a downloaded notebook carries, then `pip install .`."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    run = lambda *args: subprocess.run([python, *args], capture_output=True, text=True,  # noqa: E731
                                       timeout=600, cwd=tmp_path)   # not the project folder

    def installed_alone():
        imported = run("-c", "import nnlib, importlib.util as u; print(nnlib.__file__); "
                             "print([m for m in ('streamlit', 'plotly', 'pandas', 'experiments', "
                             "'lab', 'viz') if u.find_spec(m)])")
        assert imported.returncode == 0, imported.stderr
        where, others = imported.stdout.splitlines()
        assert str(env_dir) in where and others == "[]"
        version = run("-m", "nnlib", "--version")
        assert version.returncode == 0 and version.stdout.strip() == f"nnlib {nnlib.__version__}"
        trained = run("-c", "from nnlib import MLP, data, optim; from nnlib.train import fit; "
                            "X, y = data.make_moons(100, 0.1, 0); m = MLP([2, 8, 2], seed=0); "
                            "h = fit(m, X, y, optim.Adam(lr=0.01), epochs=20); "
                            "print(h.epochs['train_loss'][-1] < h.epochs['train_loss'][0])")
        assert trained.stdout.strip() == "True", trained.stderr

    carried = notebook_wheel(tmp_path)
    install = run("-m", "pip", "install", "-q", "--no-cache-dir", str(carried))
    assert install.returncode == 0, install.stderr[-2000:]
    installed_alone()
    assert run("-m", "pip", "uninstall", "-y", "-q", "gdlab-nnlib").returncode == 0
    assert run("-c", "import nnlib").returncode != 0
    install = run("-m", "pip", "install", "-q", "--no-cache-dir", str(ROOT))
    assert install.returncode == 0, install.stderr[-2000:]
    installed_alone()


def notebook_wheel(folder):
    """The wheel a notebook carries in its hidden cell, written to `folder` as its install cell
    writes it."""
    import base64
    from lab import notebook
    nb = notebook.build("schedules-loss", {"lr": 0.3, "schedule": "constant", "optimizer": "sgd",
                                           "epochs": 40, "batch_size": 32, "seed": 0})
    hidden = next(c for c in nb.cells if c.metadata.get("jupyter", {}).get("source_hidden"))
    namespace = {}
    exec(hidden.source, namespace)
    path = folder / namespace["NNLIB_WHEEL_NAME"]
    path.write_bytes(base64.b64decode(namespace["NNLIB_WHEEL"]))
    return path
