"""The one shim around Streamlit: a shared lesson link as a fresh server's first request.

Upstream behaviour (Streamlit 1.67): the first session of a server process sets the class
flag `PagesManager.uses_pages_directory` from "is there a folder named pages/ next to the main
script" (streamlit/runtime/pages_manager.py). While it is True, every script run goes through
the old folder-based multipage mode (`_mpa_v1` in streamlit/runtime/scriptrunner/
script_runner.py), which runs the requested pages/<slug>.py *file by itself* instead of
app.py; the first call of st.navigation turns the old mode off for the rest of the process
(streamlit/commands/navigation.py). The maintainers saw it when MPA v2 became the default
(streamlit/streamlit#10276: "a `pages` folder + MPAv2 ... directly access an URL path ...
sometimes it completely switch back to MPAv1"). No configuration option turns the old mode
off, and nothing of ours runs before the first request's script.

So when a link such as /traps is the server's first request, Streamlit runs pages/traps.py as
`__main__`; its last two lines call `hand_over()`, which calls st.navigation with the app's
own pages (public API: this switches the process to st.navigation and registers /traps) and
reruns; the rerun executes app.py (page config, menu, presentation mode), whose st.navigation
opens the same page (both modes name a page by the hash of its URL path). Proved by
tests/test_e2e_first_request.py against a fresh `streamlit run app.py`.
Delete this module, and the pages' `if __name__ == "__main__":` lines, when Streamlit stops
inferring the old mode from the folder's name.
"""
import streamlit as st

from lab import catalog, navigation

HANDED_OVER = "lab.handed_over"


def hand_over():
    """A page file run by itself: switch Streamlit to st.navigation and rerun app.py, once a session."""
    if st.session_state.get(HANDED_OVER):
        return   # started as `streamlit run pages/x.py`: there is no app.py run to hand over to
    st.session_state[HANDED_OVER] = True
    st.navigation([navigation.st_page(entry) for entry in catalog.menu()], position="hidden")
    st.rerun()
