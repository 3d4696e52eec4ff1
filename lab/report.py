"""The learner's report: figures collected with "Add to report", kept for the browser session.

`show_figure` calls `add` when its "Add to report" button is pressed; pages/report.py calls
`editor()` (title, author, one card per figure with its note, reorder, remove) and
`exports()` (one HTML file, one PDF). Entries live in st.session_state, so they survive page
switches; at most LIMIT of them, each a dict:

    {"id": 3, "title": ..., "key": "softmax-batch", "page": "Softmax and cross-entropy",
     "url": "http://.../softmax?z_cat=2&...", "settings": {...}, "figure": "<Plotly JSON>",
     "note": ""}
"""
import datetime

import plotly.io as pio
import streamlit as st

from lab import export

LIMIT = 20
ENTRIES, META, COUNTER = "report.entries", "report.meta", "report.counter"
EMPTY_HINT = ("Your report is empty. Under any figure in a lesson, press **Add to report**: "
              "the figure comes here with its settings and a link back to it. Add a note to each, "
              "put them in order, then download the report as one HTML file or a PDF.")


def entries():
    """The collected figures, in report order (the list lives in the session)."""
    return st.session_state.setdefault(ENTRIES, [])


def add(fig, key, title, page, url, settings, labels=None):
    """Append a figure; returns the sentence to show the learner (added, duplicate or full).
    `labels` (setting name -> its plain label) name the settings in the report's tables."""
    items = entries()
    if any(e["key"] == key and e["url"] == url for e in items):
        return f"“{title}” is already in your report."
    if len(items) >= LIMIT:
        return f"The report holds at most {LIMIT} figures: remove one on the Report page first."
    st.session_state[COUNTER] = st.session_state.get(COUNTER, 0) + 1
    items.append({"id": st.session_state[COUNTER], "title": title, "key": key, "page": page,
                  "url": url, "settings": dict(settings or {}), "labels": dict(labels or {}),
                  "figure": fig.to_json(), "note": ""})
    return f"Added “{title}” to your report ({len(items)} of at most {LIMIT})."


def move(index, by):
    """Swap entry `index` with its neighbour `by` places away (-1 up, +1 down)."""
    items = entries()
    items[index], items[index + by] = items[index + by], items[index]


def remove(index):
    entries().pop(index)


def _keep_note(entry):
    entry["note"] = st.session_state[f"report.note.{entry['id']}"]


def _keep_meta(name):
    st.session_state[META][name] = st.session_state[f"report.{name}"]


def meta():
    """The report's title and author (kept in the session like the entries)."""
    return st.session_state.setdefault(META, {"title": "My gradient descent report", "author": ""})


def editor():
    """Title and author fields, then one card per figure; False (and a hint) when empty."""
    items = entries()
    if not items:
        st.info(EMPTY_HINT, icon=":material/lightbulb:")
        return False
    info = meta()
    left, right = st.columns(2)
    for box, name, label in ((left, "title", "Report title"), (right, "author", "Your name")):
        st.session_state[f"report.{name}"] = info[name]
        box.text_input(label, key=f"report.{name}", on_change=_keep_meta, args=(name,))
    for index, entry in enumerate(items):
        _card(index, entry, len(items))
    return True


def _card(index, entry, count):
    with st.container(border=True):
        head, buttons = st.columns([5, 2], vertical_alignment="center")
        head.subheader(f"{index + 1}. {entry['title']}", anchor=False)
        head.markdown(f"From [{entry['page']}]({entry['url']})")
        row = buttons.container(horizontal=True, gap="small")
        for icon, label, by, disabled in ((":material/arrow_upward:", "Up", -1, index == 0),
                                          (":material/arrow_downward:", "Down", 1, index == count - 1)):
            row.button(label, key=f"report.move.{entry['id']}.{by}", icon=icon, disabled=disabled,
                       on_click=move, args=(index, by), type="tertiary")
        row.button("Remove", key=f"report.remove.{entry['id']}", icon=":material/delete:",
                   on_click=remove, args=(index,), type="tertiary")
        note_key = f"report.note.{entry['id']}"
        st.session_state[note_key] = entry["note"]
        st.text_area("Your note", key=note_key, on_change=_keep_note, args=(entry,),
                     placeholder="What does this figure show? What did you change, and what happened?")
        with st.expander("Figure and settings"):
            st.plotly_chart(pio.from_json(entry["figure"]), width="stretch", theme=None,
                            key=f"report.chart.{entry['id']}")
            labels = entry.get("labels") or {}
            st.dataframe([{"setting": labels.get(k, k), "value": export.value_text(v)}
                          for k, v in entry["settings"].items()], hide_index=True)


def exports():
    """Download the report as one HTML file and as a PDF (files made when clicked)."""
    info, items = meta(), [dict(e) for e in entries()]
    args = (info["title"], info["author"], datetime.date.today().strftime("%d %B %Y"), items)
    name = "".join(c if c.isalnum() else "-" for c in info["title"].lower()).strip("-") or "report"
    problem = export.problem()
    row = st.container(horizontal=True, gap="small")
    row.download_button("Download HTML", lambda: export.report_html(*args), file_name=f"{name}.html",
                        mime="text/html", key="report.download.html", on_click="ignore",
                        icon=":material/download:", type="primary",
                        help="One file, figures interactive (animations kept), opens offline.")
    row.download_button("Download PDF", lambda: export.report_pdf(*args), file_name=f"{name}.pdf",
                        mime="application/pdf", key="report.download.pdf", on_click="ignore",
                        icon=":material/picture_as_pdf:", disabled=problem is not None,
                        help="For printing or handing in; figures as images.")
    if problem:
        st.caption(problem.replace("PNG/SVG", "PDF"))
