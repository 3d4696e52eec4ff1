"""Gradient Descent Lab: `streamlit run app.py`. The menu comes from lab/catalog.py.

Every page is a module pages/<slug>.py whose `page()` is registered as an st.Page; this file
is the one script Streamlit runs, on every rerun, around whichever page is open.
"""
import streamlit as st

from lab import catalog, navigation, threads
from lab.page import app_sidebar

threads.one_blas_thread()
st.set_page_config(page_title="Gradient Descent Lab", page_icon=":material/downhill_skiing:",
                   layout="wide")

menu = {entry: navigation.st_page(entry) for entry in catalog.menu()}
sections = {}
for entry, page in menu.items():
    sections.setdefault(entry.group, []).append(page)
shown = st.navigation(sections, expanded=True)   # every lesson in view (lab/keyboard.py names its sections)
navigation.record(next(entry for entry, page in menu.items() if page is shown))
app_sidebar()
shown.run()
