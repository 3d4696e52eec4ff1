"""The page convention holds: page modules import without a Streamlit runtime, drawing and changing
nothing; no project file uses exec, ast parsing, stack frames or Streamlit's private runtime
package. The one shim around a Streamlit behaviour (lab/first_request.py) uses public API only,
names the upstream code and is proved in a browser by tests/test_e2e_first_request.py."""
import importlib
import re
import subprocess
import sys

import pytest

from lab import catalog
from lab.settings import Setting, validate

ROOT = catalog.ROOT
SHIM = "lab/first_request.py"
FORBIDDEN = {
    "exec(": re.compile(r"\bexec\("),
    "ast.parse": re.compile(r"\bast\.parse\b"),
    "stack frames": re.compile(r"inspect\.(currentframe|stack)|\bf_back\b|sys\._getframe"),
    "streamlit.runtime": re.compile(r"streamlit\.runtime\b|from\s+streamlit\s+import\s+runtime"),
}
# The one allowed use: a test runs a generated notebook's own cells in its namespace.
ALLOWED = {"exec(": {"tests/test_notebooks.py", "tests/test_package.py"}}


def project_files():
    """Every tracked .py file of the project."""
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    return [ROOT / name for name in listed]


def test_every_page_module_imports_without_a_streamlit_runtime_drawing_and_changing_nothing():
    """In a fresh interpreter: import every page module, read TABLE and PRESETS, no runtime."""
    script = ("from threadpoolctl import threadpool_info; import numpy; "
              "before = [i['num_threads'] for i in threadpool_info()]; "
              "from lab import catalog; modules = [catalog.module(e) for e in catalog.menu()]; "
              "print(sum(len(getattr(m, 'PRESETS', {})) for m in modules)); "
              "assert [i['num_threads'] for i in threadpool_info()] == before, 'BLAS threads changed'")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert not done.stderr, done.stderr   # not even a "No runtime found" warning
    assert int(done.stdout) == sum(len(catalog.module(e).PRESETS) for e in catalog.LESSONS)


@pytest.mark.parametrize("entry", catalog.menu(), ids=lambda entry: entry.slug)
def test_every_page_module_has_a_page_function_and_lessons_a_valid_table_and_presets(entry):
    module = catalog.module(entry)
    assert callable(module.page)
    if entry in catalog.LESSONS:
        assert module.TABLE and all(isinstance(s, Setting) for s in module.TABLE)
        names = {s.name for s in module.TABLE}
        for name, preset in module.PRESETS.items():
            assert set(preset["values"]) <= names, name
            for s in module.TABLE:   # every preset value is one its widget can hold
                validate(s, preset["values"].get(s.name, s.default))


@pytest.mark.parametrize("what", FORBIDDEN)
def test_no_project_file_uses_exec_ast_stack_frames_or_private_streamlit(what):
    found = [str(path.relative_to(ROOT)) for path in project_files()
             if path.relative_to(ROOT).as_posix() != "tests/test_structure.py"   # the patterns
             and path.relative_to(ROOT).as_posix() not in ALLOWED.get(what, ())
             and FORBIDDEN[what].search(path.read_text(encoding="utf-8"))]
    assert not found, f"{what} in {found}"


def test_the_one_shim_names_the_upstream_behaviour_and_its_test():
    text = (ROOT / SHIM).read_text(encoding="utf-8")
    assert "PagesManager.uses_pages_directory" in text and "_mpa_v1" in text and "#10276" in text
    assert "tests/test_e2e_first_request.py" in text
    assert importlib.import_module("lab.first_request").hand_over


@pytest.mark.parametrize("entry", catalog.menu(), ids=lambda entry: entry.slug)
def test_every_page_module_ends_with_the_first_request_bridge(entry):
    text = (ROOT / "pages" / f"{entry.slug}.py").read_text(encoding="utf-8")
    assert text.rstrip().endswith('if __name__ == "__main__":   # run as a file: a shared link as '
                                  'the server\'s first request\n    first_request.hand_over()')


def test_the_settings_schema_works_without_streamlit():
    script = ("import sys; from lab import settings; "
              "s = settings.Setting('lr', 'η', 'log', 0.1, low=1e-3, high=1.0); "
              "assert settings.parse(s, settings.serialize(s, 0.3)) == 0.3; "
              "assert not [m for m in sys.modules if m.split('.')[0] == 'streamlit'], 'streamlit imported'")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


def test_pages_cache_through_lab_cache_only():
    raw = [entry.slug for entry in catalog.menu()
           if "cache_data" in (ROOT / "pages" / f"{entry.slug}.py").read_text(encoding="utf-8")]
    assert not raw, f"st.cache_data called directly in {raw}: use lab.cache.cached"


def test_app_py_sets_one_blas_thread_at_start():
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "threads.one_blas_thread()" in text.split("st.set_page_config")[0]
