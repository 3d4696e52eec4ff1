"""One declarative table of settings per page: the schema, pure Python (no streamlit).

A page lists its knobs once (like TensorFlow Playground's state.ts) as module-level TABLE and
PRESETS; lab/panel.py draws them as widgets kept in the URL. Everything here works without
a Streamlit runtime, so the home page, the sweeps and the tests read a page's TABLE and
PRESETS by importing its module.

    from lab.settings import Setting, seed
    from nnlib import optim

    TABLE = [
        Setting("lr", "Learning rate", "log", 0.1, low=1e-4, high=10, group="Optimizer"),
        Setting("steps", "Steps", "int", 50, low=1, high=500),
        Setting("opt", "Optimizer", "choice", "adam", options=("sgd", "adam"),
                labels=optim.LABELS),            # widgets show "SGD", the URL keeps opt=sgd
        seed(),
    ]
    PRESETS = {"Too big": {"values": {"lr": 3.0}, "question": "What happens if lr = 3?"}}

Kinds: "float" (slider low..high by step), "log" (select_slider over a 1-1.5-2-3-5-7 grid per
decade from low to high), "int" (slider; a number box when high - low > 100), "choice" (radio
for up to 4 options, else a select box), "multi" (multiselect, value is a tuple), "bool"
(checkbox). A "choice" or "multi" may give `labels` (value -> what the widget shows, e.g. a
registry such as nnlib.optim.LABELS); links keep the raw values. Values are plain hashable
Python values, ready for st.cache_data. `shown_when` and `range_when` (functions of the values
above) hide a control that does nothing now and narrow a float slider's range to what works.
A preset's "values" start from the defaults; a preset with a "question" hides the run until
the learner presses "Reveal the run".
`parse`/`serialize` turn values into URL text and back, `validate` checks one value,
`read_params` reads a whole link (with notices), `preset_query` makes a classroom link.
"""
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

KINDS = ("float", "log", "int", "choice", "multi", "bool")
MANTISSAS = (1, 1.5, 2, 3, 5, 7)  # log grid: 0.001, 0.0015, 0.002, 0.003, 0.005, 0.007, 0.01, ...
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
RESERVED = ("hide", "present", "preset")   # URL parameters of the app, not of a page


@dataclass(frozen=True)
class Setting:
    """One knob of a page: its URL name, label, kind, default and allowed values."""
    name: str
    label: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple | None = None
    help: str = ""
    group: str = ""               # sidebar sub-heading drawn when the group changes
    labels: dict | None = field(default=None, compare=False)   # option -> label shown
    # the widget is drawn only when shown_when(values of the settings above it) is true: a
    # control that does nothing now is not shown (its value is kept, in the link too)
    shown_when: Any = field(default=None, compare=False)
    # (low, high) from the values above it, inside low..high: a float slider never offers a
    # value that only gives an error (a start point off the surface)
    range_when: Any = field(default=None, compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name!r}: kind must be one of {KINDS}, got {self.kind!r}")
        if self.name in RESERVED:
            raise ValueError(f"setting name {self.name!r} is reserved for the app")
        if self.options is not None:
            object.__setattr__(self, "options", tuple(self.options))
        if self.labels is not None:
            if self.kind not in ("choice", "multi"):
                raise ValueError(f"setting {self.name!r}: only choice and multi settings take labels")
            # keep this setting's options only, so a whole registry can be passed
            object.__setattr__(self, "labels", {o: self.labels[o] for o in self.options
                                                if o in self.labels})
        # a bad default fails at import time; a "log" default snaps to its grid
        object.__setattr__(self, "default", validate(self, self.default))


def seed(default=0, name="seed", label="Seed", group=""):
    """The random seed: one number makes the whole run reproducible."""
    return Setting(name, label, "int", default, low=0, high=9999, group=group,
                   help="Same seed, same data, same initial weights, same batches: the same run.")


def label_of(setting, value):
    """What a widget shows for one option: its label, or the value itself."""
    return (setting.labels or {}).get(value, str(value))


def log_grid(setting):
    """The values a "log" slider offers: 1, 1.5, 2, 3, 5, 7 times powers of ten in [low, high]."""
    lo, hi = setting.low, setting.high
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    grid = {float(f"{m}e{d}") for d in decades for m in MANTISSAS} | {float(lo), float(hi)}
    return sorted(v for v in grid if lo <= v <= hi)


def validate(setting, value):
    """Return `value` converted to the setting's Python type, or raise ValueError saying why."""
    s, kind = setting, setting.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{s.name} must be true or false, got {value!r}")
        return value
    if kind in ("choice", "multi"):
        values = (value,) if kind == "choice" else tuple(value)
        unknown = [v for v in values if v not in s.options]
        if unknown:
            raise ValueError(f"{s.name}: {unknown[0]!r} is not one of {', '.join(map(str, s.options))}")
        return value if kind == "choice" else tuple(dict.fromkeys(values))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{s.name} must be a finite number, got {value!r}")
    if kind == "int" and value != int(value):
        raise ValueError(f"{s.name} must be a whole number, got {value!r}")
    if kind == "log" and value <= 0:
        raise ValueError(f"{s.name} must be > 0, got {value:g}")
    if (s.low is not None and value < s.low) or (s.high is not None and value > s.high):
        raise ValueError(f"{s.name} must be between {s.low:g} and {s.high:g}, got {value:g}")
    if kind == "int":
        return int(value)
    if kind == "log":   # snap to the nearest grid value (in log distance)
        return min(log_grid(s), key=lambda g: abs(math.log(g / value)))
    return float(value)


def parse(setting, text):
    """Turn the URL text of one parameter into a valid value, or raise ValueError saying why."""
    kind, text = setting.kind, str(text).strip()
    if kind == "bool":
        if text.lower() not in TRUE + FALSE:
            raise ValueError(f"{setting.name} must be 1 or 0, got {text!r}")
        return validate(setting, text.lower() in TRUE)
    if kind == "choice":
        return validate(setting, text)
    if kind == "multi":
        return validate(setting, [t.strip() for t in text.split(",") if t.strip()])
    try:
        number = int(text) if kind == "int" else float(text)
    except ValueError:
        raise ValueError(f"{setting.name} must be a {'whole ' if kind == 'int' else ''}number, "
                         f"got {text!r}") from None
    return validate(setting, number)


def serialize(setting, value):
    """The URL text for a value; parse(setting, serialize(setting, v)) == v."""
    if setting.kind == "bool":
        return "1" if value else "0"
    if setting.kind == "multi":
        return ",".join(value)
    if setting.kind in ("float", "log"):
        return format(value, ".10g")
    return str(value)


def read_params(table, params, extra=()):
    """Values for `table` from a URL mapping name -> text, and the notices about bad entries.

    A missing parameter gives the default; a broken, out-of-range or unknown one gives the
    default and a notice naming it; the names in `extra` belong to the page and are passed
    over. Never raises.
    """
    values, notices = {}, []
    for s in table:
        values[s.name] = s.default
        if s.name in params:
            try:
                values[s.name] = parse(s, params[s.name])
            except ValueError as exc:
                notices.append(f"Ignored the link's `{s.name}={params[s.name]}` ({exc}); "
                               f"using {serialize(s, s.default) or 'none'}.")
    names = {s.name for s in table} | set(RESERVED) | set(extra)
    notices += [f"Ignored the unknown link parameter `{k}`." for k in params if k not in names]
    return values, notices


def hidden_names(params):
    """The setting names listed in ?hide=a,b."""
    return {h.strip() for h in str(params.get("hide", "")).split(",") if h.strip()}


def preset_query(table, name, preset):
    """The query string of a classroom link: the preset's values, then preset=<name>.

    Following it applies the preset (and shows its question first, if it asks one).
    """
    by_name = {s.name: s for s in table}
    values = {k: serialize(by_name[k], validate(by_name[k], v)) for k, v in preset["values"].items()}
    return urlencode({**values, "preset": name})
