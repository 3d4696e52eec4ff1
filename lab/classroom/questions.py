"""A class question, its answers and the lesson presets a teacher can ask. Pure Python.

A question has 2-5 choices (the answer is a choice's number) or asks for a number in
[low, high]. It is stored as JSON; a lesson plan (an ordered list of questions) travels in a
link as zlib-compressed JSON in base64url, so a teacher can prepare it before class.

    q = Question("What happens if η = 3?", choices=("converges", "oscillates", "diverges"))
    q.check("2")              # -> "2"   (the stored text of a valid answer)
    q.check("7")              # Refused: "Pick one of the 3 choices."
"""
import base64
import binascii
import json
import math
import re
import unicodedata
import zlib
from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlencode

TEXT_MAX, CHOICE_MAX, NICKNAME_MAX, PLAN_MAX = 300, 80, 24, 30
CHOICES_MIN, CHOICES_MAX = 2, 5


class Refused(ValueError):
    """Bad input from a teacher or a student; the message is the sentence to show them."""


@dataclass(frozen=True)
class Question:
    """One question: `choices` (2-5 labels), or a number in [low, high] when there are none.

    `lesson` (a page slug) and `preset` name the lesson preset it comes from; the run shown
    after the reveal is looked up from them in the lesson itself, never taken from the question.
    """
    text: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    lesson: str = ""
    preset: str = ""

    def __post_init__(self):
        object.__setattr__(self, "text", _line(self.text, TEXT_MAX, "The question"))
        object.__setattr__(self, "lesson", _line(self.lesson, CHOICE_MAX, "A lesson's name"))
        object.__setattr__(self, "preset", _line(self.preset, CHOICE_MAX, "A preset's name"))
        object.__setattr__(self, "choices", tuple(_line(c, CHOICE_MAX, "A choice")
                                                  for c in self.choices))
        if not self.text:
            raise Refused("Write the question first.")
        if self.choices:
            if not CHOICES_MIN <= len(self.choices) <= CHOICES_MAX:
                raise Refused(f"A question has {CHOICES_MIN} to {CHOICES_MAX} choices, "
                              f"not {len(self.choices)}.")
            if len(set(self.choices)) < len(self.choices) or not all(self.choices):
                raise Refused("Each choice needs its own, non-empty text.")
        else:
            if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (self.low, self.high)) \
                    or self.low >= self.high:
                raise Refused("A number question needs a range: a lowest value below a highest one.")
            object.__setattr__(self, "low", float(self.low))
            object.__setattr__(self, "high", float(self.high))

    @property
    def kind(self):
        return "choice" if self.choices else "number"

    def check(self, value):
        """The stored text of a valid answer, or Refused saying why it is not one."""
        if self.choices:
            index = _number(value)
            if index is None or index != int(index) or not 0 <= index < len(self.choices):
                raise Refused(f"Pick one of the {len(self.choices)} choices.")
            return str(int(index))
        number = _number(value)
        if number is None or not self.low <= number <= self.high:
            raise Refused(f"Answer with a number from {self.low:g} to {self.high:g}.")
        return format(number, ".10g")

    def label(self, stored):
        """What a stored answer says: the choice's text, or the number."""
        return self.choices[int(stored)] if self.choices else format(float(stored), "g")

    def to_json(self):
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        data["choices"] = tuple(data.get("choices", ()))
        return cls(**data)


def _number(value):
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _line(text, limit, what):
    """One line of plain text: control characters dropped, spaces squeezed, at most `limit`."""
    if not isinstance(text, str):
        raise Refused(f"{what} must be text.")
    if len(text) > 4 * limit:   # refuse before any work on a huge string
        raise Refused(f"{what} can have at most {limit} characters.")
    clean = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c in " \t")
    clean = re.sub(r"\s+", " ", clean).strip()
    if len(clean) > limit:
        raise Refused(f"{what} can have at most {limit} characters.")
    return clean


def nickname(text):
    """A student's optional nickname, cleaned; Refused when longer than NICKNAME_MAX."""
    return _line(text or "", NICKNAME_MAX, "A nickname")


def markdown_text(text):
    """`text` safe inside st.markdown: every Markdown and HTML special character escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$&:\"'])", r"\\\1", text)


def summary(question, counts, mine=None):
    """The class result in words: "You predicted: diverges — 18 of 27." / "27 answers: ..."."""
    total = sum(counts.values()) if question.choices else len(counts)
    if not total:
        return "Nobody answered this question."
    if question.choices:
        top = max(range(len(question.choices)), key=lambda i: counts.get(str(i), 0))
        if mine is not None:
            return (f"You predicted: {question.label(mine)} — {counts.get(mine, 0)} of {total} "
                    "predicted the same.")
        return (f"{total} answer{'' if total == 1 else 's'}; most said {question.choices[top]} "
                f"({counts.get(str(top), 0)} of {total}).")
    values = sorted(counts)
    median = values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    start = f"You predicted: {question.label(mine)}. " if mine is not None else ""
    return (f"{start}The class's median is {median:g} ({total} answer{'' if total == 1 else 's'}, "
            f"from {values[0]:g} to {values[-1]:g}).")


# ---- lesson presets --------------------------------------------------------------------------

def run_query(table, name, preset):
    """The address of a preset's run without its question (the lesson shows it at once)."""
    from lab.settings import preset_query
    return urlencode([(k, v) for k, v in parse_qsl(preset_query(table, name, preset)) if k != "preset"])


def preset_questions(lessons, read_settings):
    """Every lesson preset that asks a question: a list of (lesson, preset name, question, run query).

    `read_settings(lesson)` gives the lesson's (TABLE, PRESETS); a lesson that fails to load is
    skipped. The run query is the preset's settings without its question (`run_query`).
    """
    found = []
    for lesson in lessons:
        try:
            table, presets = read_settings(lesson)
        except Exception:   # a lesson being written must not take class mode down
            continue
        for name, preset in presets.items():
            if preset.get("question"):
                found.append((lesson, name, preset["question"], run_query(table, name, preset)))
    return found


# ---- lesson plans in a link --------------------------------------------------------------------

def plan_token(questions):
    """A lesson plan (list of Question) as a short URL-safe token."""
    if len(questions) > PLAN_MAX:
        raise Refused(f"A lesson plan holds at most {PLAN_MAX} questions.")
    data = json.dumps([json.loads(q.to_json()) for q in questions], separators=(",", ":"))
    return base64.urlsafe_b64encode(zlib.compress(data.encode(), 9)).decode().rstrip("=")


def plan_from_token(token):
    """The questions of a lesson-plan token; Refused when the link is broken."""
    try:
        raw = zlib.decompressobj().decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)),
                                              200_000)
        items = json.loads(raw)
        if not isinstance(items, list) or len(items) > PLAN_MAX:
            raise ValueError
        return [Question.from_json(json.dumps(item)) for item in items]
    except Refused:
        raise
    except (ValueError, TypeError, KeyError, binascii.Error, zlib.error):
        raise Refused("This lesson-plan link is broken or incomplete; ask for the link again.") from None
