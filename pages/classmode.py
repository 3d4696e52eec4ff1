"""Class mode: the whole class predicts on their own devices, the teacher sees the answers, then reveals."""
from lab import first_request
from lab.classroom.views import class_mode
from lab.page import lesson

TABLE = []
PRESETS = {}


def page():
    lesson("Class mode",
           "Predict first, then watch: students who commit to a prediction before a demonstration "
           "understand it better than those who only watch. The teacher starts a class and asks "
           "a question (one of the lessons' presets, or their own); everyone answers on their own "
           "device; the teacher sees the answers arrive, then reveals the run, and every screen "
           "shows it next to what the class predicted.",
           try_this=["Teacher: press **Start a class** and project the code or the QR code.",
                     "Student: type the code (or open the link), add a nickname if you like, answer.",
                     "Ask a lesson's question, wait for the answers, then press **Reveal**.",
                     "Prepare the questions before class and keep the plan as a link."],
           figure_first=False)   # no main figure: the whole text on top
    class_mode()


if __name__ == "__main__":   # run as a file: a shared link as the server's first request
    first_request.hand_over()
