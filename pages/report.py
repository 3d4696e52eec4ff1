"""Report: the figures collected with "Add to report", with notes, exported as HTML or PDF."""
import streamlit as st

from lab import first_request, report
from lab.page import lesson


def page():
    lesson("Your report",
           "Every figure you added with **Add to report** is here, with the settings that made it "
           "and a link back to that exact view. Write a note under each one, put them in order, "
           "then download one HTML file (figures stay interactive, animations included) or a PDF.",
           figure_first=False)
    if report.editor():
        st.header("Download")
        report.exports()


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
