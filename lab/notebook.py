"""Open as notebook: a Jupyter notebook that reproduces the run on screen with nnlib.

    nb = build("schedules-loss", settings)      # an nbformat notebook for the figure's lesson
    nbformat.writes(nb)                          # the .ipynb text the button downloads
    offer(row, "schedules-loss", settings)       # the "Open as notebook" button (lab/page.py)

A lesson that has a notebook has a recipe in lab/recipes/ (registered in RECIPES under the
key of its main figure). The notebook is, top to bottom:

1. the lesson's title, what the notebook does, the app and nnlib versions that made it;
2. the page's settings as plain Python variables (change one, run all);
3. the install cell: nnlib if it imports, else the project folder above the notebook (a
   clone: put on sys.path), else the wheel this notebook carries (`pip install`), then
   pandas and plotly from PyPI if missing;
4. the recipe: data, model, optimizer, schedule, training, the figure (plain Plotly), each
   step with a short explanation in the lesson's words;
5. the check: if the page's CSV (downloaded with the CSV button, same file name) lies next to
   the notebook, its numbers must equal the notebook's to 1e-12 (timing columns excepted);
6. for lessons that train a network, "The same in PyTorch": the same network, initial weights,
   batches in the same order, torch.optim's optimizer and scheduler; the loss curves must agree
   to 1e-9 relative (float64). A recipe whose torch section does something else (one step's
   gradients) says so in its own TORCH_TEXT.
"""
import base64
import datetime
import json

import nbformat

import nnlib
from lab.nnlib_wheel import wheel
from lab.recipes import RECIPES

APP_VERSION = "1.0.0"     # Gradient Descent Lab's version, recorded in every notebook
TIMING = ("seconds", "time")   # columns measured on the server's clock: never reproducible
RTOL = 1e-12                   # the notebook's numbers against the page's CSV
MIME = "application/x-ipynb+json"


def available(key):
    """True if the figure `key` is a lesson's main figure with a notebook recipe."""
    return key in RECIPES


def file_name(key):
    return f"{key}.ipynb"


def build(key, settings, today=None):
    """The notebook reproducing the lesson whose main figure is `key`, at `settings` (the
    page's dict of setting name -> value)."""
    recipe = RECIPES[key]
    s = {name: settings[name] for name in recipe.SETTINGS}
    today = today or datetime.date.today().isoformat()
    cells = [_md(_title(recipe, today)), _code(_settings_cell(recipe, s)),
             _md(INSTALL_TEXT), _code(_wheel_cell(), hidden=True), _code(INSTALL_CODE),
             *_cells(recipe.cells(s)), _md(CHECK_TEXT.format(files=_csv_names(recipe))),
             _code(CHECK_CODE.format(figures=list(recipe.FIGURES), rtol=RTOL,
                                     timing=list(TIMING)))]
    torch_cells = recipe.torch_cells(s) if hasattr(recipe, "torch_cells") else []
    if torch_cells:
        cells += [_md(getattr(recipe, "TORCH_TEXT", TORCH_TEXT)), *_cells(torch_cells)]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "gdlab": {"app_version": APP_VERSION, "nnlib_version": nnlib.__version__,
                  "lesson": recipe.TITLE, "figure": key, "made": today,
                  "settings": json.loads(json.dumps(s, default=str))}})
    nbformat.validate(nb)
    return nb


def notebook_bytes(key, settings):
    """The .ipynb file of build(key, settings), as the download button sends it."""
    return nbformat.writes(build(key, settings)).encode("utf-8")


def offer(row, key, settings):
    """Draw "Open as notebook" into `row` (a streamlit container) if `key` has a recipe.

    The notebook is built only when the button is clicked (a deferred download).
    """
    if not available(key) or settings is None:
        return
    row.download_button("Open as notebook", lambda: notebook_bytes(key, settings),
                        file_name=file_name(key), mime=MIME, key=f"download.{key}.ipynb",
                        on_click="ignore", icon=":material/code:", type="tertiary",
                        help="A Jupyter notebook that reproduces this run with nnlib, "
                             "step by step" + (", and the same run in PyTorch."
                                               if hasattr(RECIPES[key], "torch_cells") else "."))


# ---- cells -----------------------------------------------------------------------------------

def _md(text):
    return nbformat.v4.new_markdown_cell(text.strip())


def _code(text, hidden=False):
    metadata = {"jupyter": {"source_hidden": True}} if hidden else {}
    return nbformat.v4.new_code_cell(text.strip(), metadata=metadata)


def _cells(pairs):
    """("md" | "code", text) pairs -> notebook cells."""
    return [_md(text) if kind == "md" else _code(text) for kind, text in pairs]


def _title(recipe, today):
    return (f"# {recipe.TITLE}\n\n{recipe.INTRO}\n\n"
            f"Made by Gradient Descent Lab {APP_VERSION} with nnlib {nnlib.__version__} on "
            f"{today}. Run every cell from the top (*Run All*): you get the numbers and the "
            "figure the page showed. Then change a setting in the next cell and run all again.")


def _settings_cell(recipe, s):
    width = max(len(f"{name} = {value!r}") for name, value in s.items())
    lines = [f"{f'{name} = {value!r}':<{width}}  # {recipe.SETTINGS[name]}"
             for name, value in s.items()]
    return "# The page's settings: change one and run all cells again.\n" + "\n".join(lines)


def _wheel_cell():
    name, data = wheel()
    return (f"# nnlib {nnlib.__version__} itself, packed as a wheel (a zip of its Python files), "
            f"for the install cell below.\nNNLIB_WHEEL_NAME = {name!r}\n"
            f"NNLIB_WHEEL = {base64.b64encode(data).decode()!r}")


def _csv_names(recipe):
    return ", ".join(f"`{key}.csv`" for key in recipe.FIGURES)


INSTALL_TEXT = """
## Install

The next cells make `nnlib`, the small NumPy library the lab trains with, importable. They try,
in this order: `nnlib` is already installed (or this notebook sits in the project folder); the
project folder is a parent of this notebook's folder (a clone: it is put on `sys.path`; to make
that permanent run `pip install -e <project folder>`); else they install the copy of `nnlib`
this notebook carries (a wheel, in the hidden cell). pandas and plotly come from PyPI if missing.
"""

INSTALL_CODE = r'''
import base64
import importlib
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path


def pip_install(*args):
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *args])


def project_folder(start):
    """The nearest folder at or above `start` holding pyproject.toml and nnlib/ (a clone)."""
    return next((folder for folder in [start, *start.parents]
                 if (folder / "pyproject.toml").is_file()
                 and (folder / "nnlib" / "__init__.py").is_file()), None)


if importlib.util.find_spec("nnlib") is None:
    clone = project_folder(Path.cwd())
    if clone is not None:
        sys.path.insert(0, str(clone))
    else:
        wheel = Path(tempfile.mkdtemp()) / NNLIB_WHEEL_NAME
        wheel.write_bytes(base64.b64decode(NNLIB_WHEEL))
        pip_install(str(wheel))
    importlib.invalidate_caches()
for package in ("pandas", "plotly"):
    if importlib.util.find_spec(package) is None:
        pip_install(package)
        importlib.invalidate_caches()

import nnlib
print(f"nnlib {nnlib.__version__} from {Path(nnlib.__file__).parent}")
'''

CHECK_TEXT = """
## Check: the same numbers as the page

Download the page's CSV ({files}) with the *CSV* button under the figure and put it next to this
notebook. This cell then compares every number with the ones computed here: they agree to
10⁻¹² (relative), because the notebook runs the very same arithmetic with the same seed. Only
columns measured on a clock (seconds) differ.
"""

CHECK_CODE = '''
import io

import numpy as np
import pandas as pd


def same_numbers(mine, page, rtol={rtol}, skip={timing}):
    """Raise if the frame `mine` differs from the page's CSV `page`; return the values compared."""
    mine = pd.read_csv(io.StringIO(mine.to_csv(index=False)))   # the page's CSV, made here
    assert list(mine.columns) == list(page.columns), (list(mine.columns), list(page.columns))
    assert len(mine) == len(page), f"{{len(mine)}} rows here, {{len(page)}} in the page's CSV"
    compared = 0
    for column in page.columns:
        if column in skip:
            continue
        if pd.api.types.is_numeric_dtype(page[column]) and not pd.api.types.is_bool_dtype(page[column]):
            np.testing.assert_allclose(mine[column], page[column], rtol=rtol, atol=rtol,
                                       err_msg=column)
        else:
            # equals: an empty cell (read as missing) in both files is the same text
            assert mine[column].astype(str).equals(page[column].astype(str)), column
        compared += len(page)
    return compared


for figure in {figures}:
    csv = Path(f"{{figure}}.csv")
    if csv.is_file():
        count = same_numbers(numbers[figure], pd.read_csv(csv))
        print(f"{{csv}}: {{count}} values agree with this notebook to {rtol:g}")
    else:
        print(f"{{csv}} is not next to this notebook: download it from the page to compare")
'''

TORCH_TEXT = """
## The same in PyTorch

The same network in `torch.nn`, loaded with the same initial weights, trained on the same
batches in the same order with `torch.optim`'s optimizer and `torch.optim.lr_scheduler`'s
schedule, in float64. Its loss curve must equal nnlib's to 10⁻⁹ (relative). This section
needs PyTorch (`pip install torch`); the rest of the notebook does not.
"""
