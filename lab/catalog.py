"""The lessons, in menu order: app.py builds the navigation and pages/home.py the index from it.

A new lesson is one line here (and its module pages/<slug>.py). Lines whose module does not
exist yet are skipped, so the menu only ever shows pages that run. No streamlit here: the
sweeps, the load test and the specs read the catalog and each page's TABLE and PRESETS by
import (`module(lesson).TABLE`), without a Streamlit runtime.
"""
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "pages"


@dataclass(frozen=True)
class Lesson:
    title: str
    slug: str       # the page's module pages/<slug>.py and its URL path /<slug>
    group: str      # navigation section
    summary: str    # one line for the home page
    icon: str       # a Material icon, e.g. ":material/bar_chart:"

    @property
    def module_name(self):
        """The page's module, e.g. "pages.softmax"."""
        return f"{PACKAGE}.{self.slug}"


HOME = Lesson("Home", "home", "Start", "What this lab is and how to use it in class.",
              ":material/home:")

LESSONS = [
    Lesson("Descent on a surface", "descent", "Descent",
           "Optimizers race over a 2-D loss surface; watch step size, momentum and divergence.",
           ":material/landscape:"),
    Lesson("Full batch vs mini-batch", "batches", "Descent",
           "The same network trained with batch sizes from 1 to all: noise, speed and cost.",
           ":material/stacks:"),
    Lesson("Local-minimum traps", "traps", "Descent",
           "A full-batch run gets stuck; noisy mini-batch runs escape the local minimum.",
           ":material/trending_down:"),
    Lesson("Learning rate & schedules", "schedules", "Descent",
           "Too small, just right, too big: constant, step, cosine and warm-up schedules.",
           ":material/speed:"),
    Lesson("Backpropagation, step by step", "backprop", "Inside one step",
           "Forward and backward through a tiny network, one node and one chain rule at a time.",
           ":material/account_tree:"),
    Lesson("Softmax and cross-entropy", "softmax", "Inside one step",
           "From logits to probabilities to the loss and its gradient p - y; L vs L(B); entropy + KL.",
           ":material/bar_chart:"),
    Lesson("Initialization", "initialization", "Networks",
           "Zeros, Xavier, He: how the first weights decide whether signals and gradients survive.",
           ":material/casino:"),
    Lesson("Network loss landscape", "landscape", "Networks",
           "A 2-D slice of a real network's loss, with the training path drawn on it.",
           ":material/terrain:"),
    Lesson("Loss landscapes in the papers", "landscape_papers", "Networks",
           "Depth, skips and width; sharp vs flat minima: Li et al. 2018 and Keskar et al. 2017 at small scale.",
           ":material/filter_hdr:"),
    Lesson("Early stopping & dropout", "regularization", "Networks",
           "Train vs validation curves, the best epoch kept, dropout narrowing the gap.",
           ":material/front_hand:"),
    Lesson("Real images: handwritten digits", "digits", "Networks",
           "A network learns 1,797 real 8×8 digits: its weights as images, its mistakes, "
           "its confusion matrix.", ":material/draw:"),
    Lesson("Playground", "playground", "Play",
           "Every knob in one place: watch the decision boundary while a network trains.",
           ":material/sports_esports:"),
]


CLASS_MODE = Lesson("Class mode", "classmode", "Share",
                    "The whole class predicts, the teacher sees the answers live, then reveals.",
                    ":material/groups:")
REPORT = Lesson("Report", "report", "Share",
                "The figures you collected, with your notes, as one HTML file or a PDF.",
                ":material/description:")


def available():
    """The lessons whose page module exists."""
    return [lesson for lesson in LESSONS if importlib.util.find_spec(lesson.module_name)]


def menu():
    """Every page of the app in menu order: home, the lessons that exist, class mode, the report."""
    return [HOME, *available(), CLASS_MODE, REPORT]


def find(slug):
    """The catalog entry of one page, by its slug."""
    return next(item for item in menu() if item.slug == slug)


def module(lesson):
    """The lesson's page module: TABLE, PRESETS and page(); importing it draws nothing."""
    return importlib.import_module(lesson.module_name)
