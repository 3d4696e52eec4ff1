"""Gradient Descent Lab: `streamlit run app.py`. The menu comes from lab/catalog.py."""
import streamlit as st

from lab import catalog
from lab.page import presentation_toggle

st.set_page_config(page_title="Gradient Descent Lab", page_icon=":material/downhill_skiing:",
                   layout="wide")

sections = {}
for item in catalog.menu():
    sections.setdefault(item.group, []).append(
        st.Page(item.path, title=item.title, icon=item.icon, url_path=item.slug,
                default=item is catalog.HOME))
page = st.navigation(sections, expanded=True)   # every lesson in view, no "View more"

presentation_toggle()
st.sidebar.caption("Gradient Descent Lab: change one thing and watch what happens. "
                   "Every setting is in the address bar, so a link reproduces the run.")
page.run()
