"""Home: what the lab is, the lessons (from lab/catalog.py) and how to use it in class."""
import streamlit as st

from lab import catalog

st.title("Gradient Descent Lab")
st.markdown(
    "Neural networks learn by gradient descent: measure how wrong the model is (the loss), "
    "find which way is downhill (the gradient), take a small step, repeat. Each lesson below "
    "lets you **change one thing and watch what happens**, with real networks trained live "
    "by a small NumPy library.")

st.header("Lessons")
lessons = catalog.available()
for group in dict.fromkeys(lesson.group for lesson in lessons):
    st.subheader(group)
    for lesson in (item for item in lessons if item.group == group):
        link, summary = st.columns([2, 5], vertical_alignment="center")
        with link:
            st.page_link(lesson.path, label=lesson.title, icon=lesson.icon)
        summary.markdown(lesson.summary)

st.header("Using it in class")
st.markdown(
    "- **Predict, then reveal.** Presets with a question hide the result until you press "
    "*Reveal the run*: ask the room first.\n"
    "- **Share a link.** Every setting lives in the address bar; copy it into your slides or "
    "chat and everyone sees the same run. Add `&hide=lr,seed` to hide chosen controls.\n"
    "- **Project it.** *Presentation mode* in the sidebar enlarges text and figures.\n"
    "- **Take the figures away.** Under each figure: interactive HTML (animations included), "
    "the numbers as CSV, the settings as JSON, and PNG/SVG images.\n"
    "- **Same seed, same run.** Change the seed to see how much is luck.")
