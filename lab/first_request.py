"""The one shim around Streamlit: a shared lesson link as a fresh server's first request.

Upstream behaviour (Streamlit 1.67): the first session of a server process sets the class
flag `PagesManager.uses_pages_directory` from "is there a folder named pages/ next to the main
script" (streamlit/runtime/pages_manager.py). While it is True, every script run goes through
the old folder-based multipage mode (`_mpa_v1` in streamlit/runtime/scriptrunner/
script_runner.py), which runs the requested pages/<slug>.py *file by itself* instead of
app.py; only a call of st.navigation sets the flag to False, for the rest of the process
(streamlit/commands/navigation.py). The maintainers saw it when MPA v2 became the default
(streamlit/streamlit#10276: "a `pages` folder + MPAv2 ... directly access an URL path ...
sometimes it completely switch back to MPAv1"). No configuration option turns the old mode
off, and st.navigation cannot run before the first request's script.

So when a link such as /traps is the server's first request, Streamlit runs pages/traps.py as
`__main__`; its last two lines call `hand_over()`, which clears the flag and reruns: the rerun
executes app.py (page config, menu, presentation mode), whose st.navigation opens the same
page (both modes name a page by the hash of its URL path). Proved by
tests/test_e2e_first_request.py against a fresh `streamlit run app.py`.
Delete this module, and the pages' `if __name__ == "__main__":` lines, when Streamlit stops
inferring the old mode from the folder's name.
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def hand_over():
    """A page file run by itself in the old mode: switch to st.navigation and rerun app.py."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
