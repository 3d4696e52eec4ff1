"""Imports point down only: the import-linter contracts in .importlinter hold, and break when broken."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
PACKAGES = ("pages", "lab", "viz", "experiments", "nnlib")


def lint_imports(cwd):
    """Run lint-imports on the config in `cwd` with only `cwd` on the path; (exit code, output)."""
    env = os.environ | {"PYTHONPATH": str(cwd)}
    done = subprocess.run([shutil.which("lint-imports") or "lint-imports", "--no-cache",
                           "--config", str(Path(cwd) / ".importlinter")],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def test_the_project_keeps_every_contract():
    code, out = lint_imports(ROOT)
    assert code == 0, out
    assert "Contracts: 4 kept, 0 broken." in out


def test_a_broken_contract_fails(tmp_path):
    """A miniature project with the same contracts, where nnlib imports upwards and viz imports
    Streamlit: lint-imports must say BROKEN and exit non-zero."""
    for name in PACKAGES:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "nnlib" / "core.py").write_text("import experiments\n")
    (tmp_path / "viz" / "figure.py").write_text("import streamlit\n")
    shutil.copy(CONFIG, tmp_path / ".importlinter")
    code, out = lint_imports(tmp_path)
    assert code != 0
    assert "Layers: pages -> lab -> viz -> experiments -> nnlib BROKEN" in out
    assert "nnlib imports numpy only (no UI, no other layer) BROKEN" in out
    assert "viz builds figures, it never talks to Streamlit BROKEN" in out


def test_nnlib_imports_numpy_and_the_standard_library_only():
    graph = grimp.build_graph("nnlib", include_external_packages=True)
    imported = {target.split(".")[0] for module in graph.modules if module.startswith("nnlib")
                for target in graph.find_modules_directly_imported_by(module)}
    outside = imported - {"nnlib"} - set(sys.stdlib_module_names)
    assert outside == {"numpy"}


def test_app_imports_only_streamlit_lab_and_pages():
    """app.py is a single module, which import-linter cannot take as a root package."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    imported = set(re.findall(r"^(?:from|import)\s+(\w+)", text, flags=re.MULTILINE))
    assert imported and imported <= {"streamlit", "lab", "pages"}, imported
