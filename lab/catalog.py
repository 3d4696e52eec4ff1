"""The lessons, in menu order: app.py builds the navigation and pages/home.py the index from it.

A new lesson is one line here (and its file in pages/). Lines whose file does not exist yet
are skipped, so the menu only ever shows pages that run.
"""
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    title: str
    path: str       # relative to the project root, e.g. "pages/softmax.py"
    group: str      # navigation section
    summary: str    # one line for the home page
    icon: str       # a Material icon, e.g. ":material/bar_chart:"

    @property
    def slug(self):
        """The page's URL path, e.g. /softmax."""
        return Path(self.path).stem


HOME = Lesson("Home", "pages/home.py", "Start", "What this lab is and how to use it in class.",
              ":material/home:")

LESSONS = [
    Lesson("Descent on a surface", "pages/descent.py", "Descent",
           "Optimizers race over a 2-D loss surface; watch step size, momentum and divergence.",
           ":material/landscape:"),
    Lesson("Full batch vs mini-batch", "pages/batches.py", "Descent",
           "The same network trained with batch sizes from 1 to all: noise, speed and cost.",
           ":material/stacks:"),
    Lesson("Local-minimum traps", "pages/traps.py", "Descent",
           "A full-batch run gets stuck; noisy mini-batch runs escape the local minimum.",
           ":material/trending_down:"),
    Lesson("Learning rate & schedules", "pages/schedules.py", "Descent",
           "Too small, just right, too big: constant, step, cosine and warm-up schedules.",
           ":material/speed:"),
    Lesson("Backpropagation, step by step", "pages/backprop.py", "Inside one step",
           "Forward and backward through a tiny network, one node and one chain rule at a time.",
           ":material/account_tree:"),
    Lesson("Softmax and cross-entropy", "pages/softmax.py", "Inside one step",
           "From logits to probabilities to the loss and its gradient p - y; L vs L(B); entropy + KL.",
           ":material/bar_chart:"),
    Lesson("Initialization", "pages/initialization.py", "Networks",
           "Zeros, Xavier, He: how the first weights decide whether signals and gradients survive.",
           ":material/casino:"),
    Lesson("Network loss landscape", "pages/landscape.py", "Networks",
           "A 2-D slice of a real network's loss, with the training path drawn on it.",
           ":material/terrain:"),
    Lesson("Early stopping & dropout", "pages/regularization.py", "Networks",
           "Train vs validation curves, the best epoch kept, dropout narrowing the gap.",
           ":material/front_hand:"),
    Lesson("Playground", "pages/playground.py", "Play",
           "Every knob in one place: watch the decision boundary while a network trains.",
           ":material/sports_esports:"),
]


CLASS_MODE = Lesson("Class mode", "pages/classmode.py", "Share",
                    "The whole class predicts, the teacher sees the answers live, then reveals.",
                    ":material/groups:")
REPORT = Lesson("Report", "pages/report.py", "Share",
                "The figures you collected, with your notes, as one HTML file or a PDF.",
                ":material/description:")


def available(root=ROOT):
    """The lessons whose page file exists."""
    return [lesson for lesson in LESSONS if (Path(root) / lesson.path).is_file()]


def menu(root=ROOT):
    """Every page of the app in menu order: home, the lessons that exist, class mode, the report."""
    return [HOME, *available(root), CLASS_MODE, REPORT]
