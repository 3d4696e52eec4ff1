"""Bring your own data: a CSV uploader with downloadable templates and plain-worded checks.

The file stays in the learner's browser session (Streamlit keeps uploads per session, in
memory); nothing is written to disk. Draw the uploader before anything that may stop the page
(a preset's question), so the file survives that rerun, then check it for the page's task:

    box, file = uploader(key="playground.csv")
    s = settings_panel(TABLE, PRESETS)
    csv = checked(file, s["problem"], box)     # the CSV bytes, or None (message shown)

The bytes are hashable, so they can go straight into a st.cache_data experiment. A lesson
that takes one kind of file only passes tasks=("classification",) to both functions.
"""
import streamlit as st

from experiments import upload

LAYOUT_HELP = {"classification": "Classification: x1,x2,label (label = a whole number or a name).",
               "regression": "Regression: x,y."}


def help_text(tasks):
    """The uploader's tooltip: the layout of each task the lesson takes."""
    return " ".join(["A header row, then one row per point.", *(LAYOUT_HELP[t] for t in tasks),
                     "Rows are counted as in a spreadsheet (header = row 1)."])


def uploader(key, tasks=upload.TASKS):
    """A "Bring your own data" expander with template downloads (one per task) and the file
    uploader; returns (the expander, the uploaded file or None)."""
    box = st.expander("Bring your own data (CSV)", icon=":material/upload_file:")
    box.markdown(f"At most {upload.MAX_ROWS:,} rows, {upload.MAX_BYTES // upload.MB} MB, "
                 f"{upload.MAX_CLASSES} classes with at least {upload.MIN_PER_CLASS} rows each. "
                 "Start from a template:")
    for col, task in zip(box.columns(2), tasks):
        col.download_button(f"{task} template", upload.template(task), file_name=f"{task}.csv",
                            mime="text/csv", key=f"{key}.template.{task}", on_click="ignore",
                            icon=":material/download:", width="stretch")
    return box, box.file_uploader("Your CSV file", type=["csv", "txt"], key=key, help=help_text(tasks),
                                  max_upload_size=upload.MAX_BYTES // upload.MB)


def checked(file, task, box, tasks=upload.TASKS):
    """The file's bytes if they hold valid `task` data, else None; says which in `box`."""
    if file is None:
        return None
    raw = file.getvalue()
    try:
        data = upload.parse(raw, task, tasks)
    except ValueError as exc:
        box.error(f"**{file.name}** cannot be used: {exc}. Training on the built-in data "
                  "instead.", icon=":material/error:")
        return None
    classes = f", classes {', '.join(data.classes)}" if data.classes else ""
    box.success(f"Training on **{file.name}**: {len(data.y)} rows, columns "
                f"{', '.join(data.columns)}{classes}. Remove the file to go back to the "
                "built-in data.", icon=":material/check_circle:")
    return raw
