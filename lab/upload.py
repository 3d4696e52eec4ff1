"""Bring your own data: a CSV uploader with downloadable templates, and the file's parsing and
checks, each problem said in one plain sentence naming the row and column.

The file stays in the learner's browser session (Streamlit keeps uploads per session, in
memory); nothing is written to disk. Draw the uploader before anything that may stop the page
(a preset's question), so the file survives that rerun, then check it for the page's task:

    box, file = uploader(key="playground.csv")
    s = settings_panel(TABLE, PRESETS)
    uploaded = checked(file, s["problem"], box)   # a Table, or None (message shown)

The table's arrays are hashable by st.cache_data, so it goes straight into a cached
experiment. A lesson that takes one kind of file only passes tasks=("classification",) to
both functions.

Two layouts are accepted, with a header row of column names:

    classification   x1,x2,label     two numeric features and a class label; the label is the
                                     column named label, class or y (in that order), else the
                                     last one; labels are whole numbers or names (cat, dog)
    regression       x,y             one numeric input and a numeric target, or
                     x1,x2,y         two numeric inputs and a numeric target (the last column)

Rows are numbered as in a spreadsheet: the header is row 1, the first data row is row 2.
A byte-order mark (Excel's "CSV UTF-8") and Windows line endings are accepted.
`parse` returns a Table or raises ValueError with one sentence naming the row and column.
"""
import csv
import math

import numpy as np
import streamlit as st

from experiments.sources import TASKS, Table
from nnlib import data

LAYOUTS = {"classification": ("x1,x2,label",), "regression": ("x,y", "x1,x2,y")}
MB = 2 ** 20
MAX_BYTES = 5 * MB
MAX_ROWS = 5000
MIN_ROWS = 10            # regression: enough for a training and a validation part
MIN_PER_CLASS = 5
MAX_CLASSES = 10
LABEL_NAMES = ("label", "class", "y")
SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
TEMPLATE_ROWS = 40


LAYOUT_HELP = {"classification": "Classification: x1,x2,label (label = a whole number or a name).",
               "regression": "Regression: x,y or x1,x2,y (the target last)."}


def help_text(tasks):
    """The uploader's tooltip: the layout of each task the lesson takes."""
    return " ".join(["A header row, then one row per point.", *(LAYOUT_HELP[t] for t in tasks),
                     "Rows are counted as in a spreadsheet (header = row 1)."])


def uploader(key, tasks=TASKS):
    """A "Bring your own data" expander with template downloads (one per task) and the file
    uploader; returns (the expander, the uploaded file or None)."""
    box = st.expander("Bring your own data (CSV)", icon=":material/upload_file:")
    box.markdown(f"At most {MAX_ROWS:,} rows, {MAX_BYTES // MB} MB, "
                 f"{MAX_CLASSES} classes with at least {MIN_PER_CLASS} rows each. "
                 "Start from a template:")
    for col, task in zip(box.columns(2), tasks):
        col.download_button(f"{task} template", template(task), file_name=f"{task}.csv",
                            mime="text/csv", key=f"{key}.template.{task}", on_click="ignore",
                            icon=":material/download:", width="stretch")
    return box, box.file_uploader("Your CSV file", type=["csv", "txt"], key=key, help=help_text(tasks),
                                  max_upload_size=MAX_BYTES // MB)


def checked(file, task, box, tasks=TASKS):
    """The file's Table if it holds valid `task` data, else None; says which in `box`."""
    if file is None:
        return None
    try:
        table = parse(file.getvalue(), task, tasks)
    except ValueError as exc:
        box.error(f"**{file.name}** cannot be used: {exc}. Training on the built-in data "
                  "instead.", icon=":material/error:")
        return None
    classes = f", classes {', '.join(table.classes)}" if table.classes else ""
    box.success(f"Training on **{file.name}**: {len(table.y)} rows, columns "
                f"{', '.join(table.columns)}{classes}. Remove the file to go back to the "
                "built-in data.", icon=":material/check_circle:")
    return table


def template(task):
    """A small CSV in the expected layout for `task`, ready to edit: two noisy moons (x1, x2,
    label) for classification, a noisy sine (x, y) for regression."""
    if task == "regression":
        X, y = data.make_regression_1d(TEMPLATE_ROWS, noise=0.1, seed=0)
        return LAYOUTS[task][0] + "\n" + "".join(f"{a:.3f},{b:.3f}\n" for a, b in zip(X[:, 0], y))
    X, y = data.make_moons(TEMPLATE_ROWS, noise=0.1, seed=0)
    return LAYOUTS[task][0] + "\n" + "".join(f"{a:.3f},{b:.3f},{k}\n" for (a, b), k in zip(X, y))


def parse(raw, task, tasks=TASKS):
    """The Table (experiments.sources) in the CSV bytes `raw` for `task` ("classification" or
    "regression").

    tasks: the tasks the lesson offers; a file laid out for another one is refused with a
    hint to switch the problem type if the lesson has it, else with "this lesson needs ...".
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    rows = _rows(_text(raw))
    header = _header(rows[0], task, tasks)
    body = rows[1:]
    if not body:
        raise ValueError("the file has a header but no data rows")
    if len(body) > MAX_ROWS:
        raise ValueError(f"the file has {len(body):,} data rows; the limit is {MAX_ROWS:,}")
    target = _target_index(header, task)
    features = [j for j in range(len(header)) if j != target]
    for i, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(f"row {i} has {len(row)} values but the header has {len(header)} "
                             f"columns ({', '.join(header)})")
    X = np.column_stack([_numbers(body, j, header[j]) for j in features])
    columns = tuple(header[j] for j in features) + (header[target],)
    if task == "regression":
        y = _numbers(body, target, header[target])
        if len(y) < MIN_ROWS:
            raise ValueError(f"the file has {len(y)} data rows; regression needs at least "
                             f"{MIN_ROWS}")
        return Table(X, y, task, columns)
    y, classes = _labels([row[target].strip() for row in body], header[target])
    return Table(X, y, task, columns, classes)


def _text(raw):
    """The file's text without a byte-order mark; ValueError if too big, empty or not text."""
    if len(raw) > MAX_BYTES:
        raise ValueError(f"the file is {len(raw) / MB:.1f} MB; the limit is {MAX_BYTES // MB} MB")
    try:
        text = bytes(raw).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text: save it as CSV (UTF-8), not as a "
                         "spreadsheet") from None
    if "\x00" in text:
        raise ValueError("the file is not text (a spreadsheet or binary file?): save it as CSV")
    if not text.strip():
        raise ValueError("the file is empty")
    return text


def _rows(text):
    """The non-blank rows as lists of strings (any line ending)."""
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        return list(csv.reader(lines))
    except csv.Error as exc:
        raise ValueError(f"the file is not valid CSV ({exc})") from None


def _header(row, task, tasks):
    """The column names; ValueError for another separator, missing or repeated names."""
    names = [name.strip() for name in row]
    if len(names) == 1:
        for sep, word in SEPARATORS.items():
            if sep in names[0]:
                raise ValueError(f"the columns are separated by {word}; use commas "
                                 f"(save as CSV with comma separators)")
    if all(_is_number(name) for name in names):
        raise ValueError(f"the first row holds numbers ({','.join(row)}); it must be a header "
                         f"with column names, e.g. {LAYOUTS[task][0]}")
    counts = {t: [len(layout.split(",")) for layout in LAYOUTS[t]] for t in TASKS}
    if len(names) not in counts[task]:
        other = [t for t in TASKS if len(names) in counts[t]]
        columns = (f"the header has {len(names)} column{'s' * (len(names) != 1)} "
                   f"({', '.join(names)})")
        expected = " or ".join(map(str, counts[task]))
        layouts = " or ".join(LAYOUTS[task])
        if other and other[0] not in tasks:
            raise ValueError(f"{columns}, a {other[0]} file: this lesson needs a {task} file "
                             f"with {expected} columns: {layouts}")
        hint = f" (or switch the problem type to {other[0]})" if other else ""
        raise ValueError(f"{columns}; {task} needs {expected}: {layouts}{hint}")
    for j, name in enumerate(names, start=1):
        if not name:
            raise ValueError(f"column {j} has no name in the header")
    if len(set(names)) < len(names):
        raise ValueError(f"the header repeats a column name ({', '.join(names)})")
    return names


def _target_index(header, task):
    """Regression: the last column. Classification: label, class or y by name, else the last."""
    lower = [name.lower() for name in header]
    if task == "classification":
        for name in LABEL_NAMES:
            if name in lower:
                return lower.index(name)
    return len(header) - 1


def _numbers(body, j, name):
    """Column j as finite floats; ValueError naming the first bad row and the column."""
    values = np.empty(len(body))
    for i, row in enumerate(body):
        cell = row[j].strip()
        where = f"row {i + 2}, column '{name}'"
        if not cell:
            raise ValueError(f"{where} is empty")
        try:
            values[i] = float(cell)
        except ValueError:
            decimal_comma = _is_number(cell.replace(",", "."))
            hint = " (use a point as the decimal mark)" if decimal_comma else ""
            raise ValueError(f"{where}: '{cell}' is not a number{hint}") from None
        if not math.isfinite(values[i]):
            raise ValueError(f"{where} is {cell}: every value must be a finite number")
    return values


def _labels(cells, name):
    """Class indices 0..K-1 and the class names (numbers sorted numerically, words by name)."""
    for i, cell in enumerate(cells, start=2):
        if not cell:
            raise ValueError(f"row {i}, column '{name}' is empty: every row needs a class label")
    numeric = all(_is_number(cell) for cell in cells)
    if numeric:
        for i, cell in enumerate(cells, start=2):
            if not float(cell).is_integer():
                raise ValueError(f"row {i}, column '{name}': '{cell}' is not a class label; "
                                 "labels are whole numbers (0, 1, 2) or names (cat, dog)")
        cells = [str(int(float(cell))) for cell in cells]
    classes, y, counts = np.unique(cells, return_inverse=True, return_counts=True)
    if numeric:
        order = np.argsort(classes.astype(int))
        classes, counts, y = classes[order], counts[order], np.argsort(order)[y]
    if len(classes) < 2:
        raise ValueError(f"column '{name}' has only one class ({classes[0]}); a classifier "
                         "needs at least 2")
    if len(classes) > MAX_CLASSES:
        raise ValueError(f"column '{name}' has {len(classes)} classes; the limit is {MAX_CLASSES}")
    for label, count in zip(classes, counts.tolist()):
        if count < MIN_PER_CLASS:
            raise ValueError(f"class {label} has only {count} row{'s' * (count != 1)}; each class "
                             f"needs at least {MIN_PER_CLASS}")
    return y, tuple(str(c) for c in classes)


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True
