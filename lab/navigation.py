"""The app's menu and the page on show.

app.py turns every catalog entry (lab/catalog.py) into `st_page(entry)`, an st.Page whose
body is the module's `page()` function, hands them to st.navigation, then `record`s the
entry it got back before running it. The scaffold (lab/page.py) and the settings panel
(lab/panel.py) read `current_page()` for the page's title and slug: widget keys, share links
and report entries name the page by it, so nothing reads the caller's file or stack frame.
"""
import streamlit as st

from lab import catalog

PAGE_KEY = "lab.page"
NOWHERE = {"title": "Gradient Descent Lab", "slug": ""}


def st_page(entry):
    """The st.Page of a catalog entry: its module's page() at /<slug> (home is the default)."""
    return st.Page(catalog.module(entry).page, title=entry.title, icon=entry.icon,
                   url_path=entry.slug, default=entry is catalog.HOME)


def record(entry):
    """Remember which catalog page this run shows (app.py calls it before the page runs)."""
    st.session_state[PAGE_KEY] = {"title": entry.title, "slug": entry.slug}


def current_page():
    """{"title", "slug"} of the page being drawn (recorded by `record`)."""
    return st.session_state.get(PAGE_KEY, NOWHERE)
