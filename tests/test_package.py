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
    runtime = (ROOT / "requirements.txt").read_text().lower()
    dockerfile = (ROOT / "Dockerfile").read_text().lower()
    for name in ("torch", "jupyter", "nbclient", "ipykernel", "notebook"):
        assert name not in runtime.replace("nbformat", "") and f"install {name}" not in dockerfile


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_gives_nnlib_and_numpy_only(tmp_path):
    """A clean venv (no system site-packages: numpy must come through the declared dependency)."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "-q", "--no-cache-dir", str(ROOT)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    run = lambda *args: subprocess.run([python, *args], capture_output=True, text=True,
                                       timeout=120, cwd=tmp_path)   # not the project folder
    imported = run("-c", "import nnlib, sys; print(nnlib.__file__); "
                         "print(sorted(m for m in ('streamlit', 'plotly', 'pandas', 'experiments', "
                         "'lab', 'viz') if __import__('importlib.util').util.find_spec(m)))")
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
