"""Home: what the lab is, the lessons (from lab/catalog.py, each with a small picture of its main
figure and one line) and how to use it in class."""
import streamlit as st

from lab import catalog, first_request, navigation, thumbnails
from lab.settings import preset_query

IN_CLASS = (
    "- **Predict, then reveal.** Presets with a question hide the result until you press "
    "*Reveal the run*: ask the room first. The *Classroom links* under each lesson open a "
    "preset directly: put them in your slides.\n"
    "- **Share a link.** Every setting lives in the address bar; *Copy link to this view* in the "
    "sidebar gives the full link for slides or chat, and everyone sees the same run. "
    "Add `&hide=lr,seed` to hide chosen controls.\n"
    "- **Project it.** *Presentation mode* in the sidebar enlarges text and figures; it stays on "
    "as you move between pages.\n"
    "- **Take the figures away.** Under each figure: interactive HTML (animations included), "
    "the numbers as CSV, the settings as JSON, and PNG/SVG images.\n"
    "- **Write it up.** *Add to report* under any figure collects it; the *Report* page adds "
    "your notes and downloads everything as one HTML file or a PDF.\n"
    "- **Same seed, same run.** Change the seed to see how much is luck.")


def classroom_links(box, lesson, root):
    """The lesson's presets as links for slides; a preset that asks shows its question first."""
    module = catalog.module(lesson)
    if module.PRESETS:
        with box.expander(f"Classroom links ({len(module.PRESETS)} presets)", icon=":material/link:"):
            st.markdown("\n".join(
                f"- [{name}]({root}/{lesson.slug}?{preset_query(module.TABLE, name, preset)})"
                + (" — asks a question first" if preset.get("question") else "")
                for name, preset in module.PRESETS.items()))


def page():
    st.title("Gradient Descent Lab")
    st.markdown(
        "Neural networks learn by gradient descent: measure how wrong the model is (the loss), "
        "find which way is downhill (the gradient), take a small step, repeat. Each lesson below "
        "lets you **change one thing and watch what happens**, with real networks trained live "
        "by a small NumPy library.")

    st.header("Lessons")
    root = (st.context.url or "").rstrip("/").removesuffix(f"/{catalog.HOME.slug}")
    lessons = catalog.available()
    for group in dict.fromkeys(lesson.group for lesson in lessons):
        st.subheader(group)
        for lesson in (item for item in lessons if item.group == group):
            picture, words = st.columns([1, 3], vertical_alignment="center")
            if thumbnails.path(lesson).exists():   # its main figure, a static file (lab/thumbnails.py)
                picture.image(str(thumbnails.path(lesson)), width=240,
                              alt=f"The main figure of the lesson {lesson.title}")
            with words:
                st.page_link(navigation.st_page(lesson), label=lesson.title, icon=lesson.icon)
            words.markdown(lesson.summary)
            classroom_links(words, lesson, root)

    st.header("Using it in class")
    st.markdown(IN_CLASS)


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
