"""One declarative table of settings per page -> sidebar widgets, URL parameters and presets.

A page lists its knobs once (like TensorFlow Playground's state.ts); `settings_panel` draws
them, starts them from the URL (?lr=0.1&seed=3, a shareable link), writes every change back
to the address bar, offers classroom presets, hides controls listed in ?hide=a,b, applies
?preset=<name> once (a classroom link: `preset_query`), and shows "Copy link to this view".

    from lab.settings import Setting, seed, settings_panel
    from nnlib import optim

    TABLE = [
        Setting("lr", "Learning rate", "log", 0.1, low=1e-4, high=10, group="Optimizer"),
        Setting("steps", "Steps", "int", 50, low=1, high=500),
        Setting("opt", "Optimizer", "choice", "adam", options=("sgd", "adam"),
                labels=optim.LABELS),            # widgets show "SGD", the URL keeps opt=sgd
        seed(),
    ]
    PRESETS = {"Too big": {"values": {"lr": 3.0}, "question": "What happens if lr = 3?"}}
    s = settings_panel(TABLE, PRESETS)        # {"lr": 0.1, "steps": 50, "opt": "adam", "seed": 0}

Kinds: "float" (slider low..high by step), "log" (select_slider over a 1-1.5-2-3-5-7 grid per
decade from low to high), "int" (slider; a number box when high - low > 100), "choice" (radio
for up to 4 options, else a select box), "multi" (multiselect, value is a tuple), "bool"
(checkbox). A "choice" or "multi" may give `labels` (value -> what the widget shows, e.g. a
registry such as nnlib.optim.LABELS); links keep the raw values. A page that keeps its own URL
parameter (e.g. ?stage=7) names it in `settings_panel(..., extra=("stage",))`.
Values are plain hashable Python values, ready for st.cache_data. A preset's "values" start
from the defaults; a preset with a "question" stops the page after the question until the
learner presses "Reveal the run". `parse`, `serialize`, `validate`, `label_of`, `log_grid`,
`read_params`, `preset_query` and `page_settings` (a page's TABLE and PRESETS, read without
running it) are pure (no streamlit) and unit-tested.
"""
import ast
import inspect
import math
from dataclasses import dataclass, field
from pathlib import Path
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


def page_settings(path):
    """(TABLE, PRESETS) of a page file, without running the page.

    Runs only the file's imports and UPPER_CASE constants written before its first statement
    that does something (the `lesson(...)` call), so the home page can list every page's
    presets as links.
    """
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    header = []
    for node in tree.body[1:] if ast.get_docstring(tree) else tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            header.append(node)
        elif isinstance(node, ast.Assign):
            if all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets):
                header.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            break
    namespace = {}
    exec(compile(ast.Module(header, type_ignores=[]), str(path), "exec"), namespace)
    return namespace.get("TABLE", []), namespace.get("PRESETS", {})


# ---- streamlit glue (streamlit is imported inside, so the helpers above work without it) ----

def settings_panel(table, presets=None, container=None, page=None, extra=()):
    """Draw the widgets of `table` (default: in the sidebar) and return {name: value}.

    `page` namespaces the session_state keys (default: the calling file's name), so values
    survive reruns and page switches without clashing with another page's "lr". `extra`
    names URL parameters the page reads and writes itself: they stay in the link (and in
    "Copy link") without a warning.
    """
    import streamlit as st
    page = page or Path(inspect.currentframe().f_back.f_code.co_filename).stem
    box = container if container is not None else st.sidebar
    keys = {s.name: f"{page}.{s.name}" for s in table}
    params = st.query_params.to_dict()
    from_url, notices = read_params(table, params, extra)
    for s in table:   # first visit in this session: start from the link
        st.session_state.setdefault(keys[s.name], from_url[s.name])
    notices += _preset_from_link(params, table, presets or {}, keys, page)
    share = box.expander("Copy link to this view", icon=":material/link:")   # filled at the end
    if presets:
        _preset_buttons(box, table, presets, keys, page)
    for notice in notices:
        st.warning(notice, icon=":material/link_off:")
    for k in set(params) - {s.name for s in table} - set(RESERVED) - set(extra):
        del st.query_params[k]
    hidden, group = hidden_names(params), None
    values = {}
    for s in table:
        if s.name in hidden:
            values[s.name] = st.session_state[keys[s.name]]
            continue
        if s.group and s.group != group:
            box.subheader(s.group)
            group = s.group
        values[s.name] = _widget(box, s, keys[s.name])
    for s in table:
        st.query_params[s.name] = serialize(s, values[s.name])
    share.code(share_url(page), language=None, wrap_lines=True)
    share.caption("Every setting is in this link: paste it into slides or a chat.")
    _ask_question(page)
    return values


def share_url(page="", drop=("present",)):
    """The full address of this view with its settings; presentation mode stays with the teacher.

    The base comes from the browser (st.context.url); without one (tests), the page's path.
    """
    import streamlit as st
    base = st.context.url or f"/{page}"
    query = urlencode({k: v for k, v in st.query_params.to_dict().items() if k not in drop})
    return f"{base}?{query}" if query else base


def _preset_from_link(params, table, presets, keys, page):
    """?preset=<name>: apply that preset, then the link's own values; returns notices.

    The parameter is removed from the address afterwards, so it acts once, like a click.
    """
    import streamlit as st
    name = params.get("preset")
    if name is None:
        return []
    del st.query_params["preset"]
    if name not in presets:
        return [f"Ignored the link's `preset={name}`: this page's presets are "
                f"{', '.join(presets) or 'none'}."]
    _apply_preset(table, presets[name], keys, page)
    for s in table:
        if s.name in params:
            try:
                st.session_state[keys[s.name]] = parse(s, params[s.name])
            except ValueError:
                pass   # read_params has already written the notice
    return []


def _widget(box, s, key):
    """Draw one setting's widget; its value lives in st.session_state[key]."""
    common = dict(label=s.label, key=key, help=s.help or None, persist_state="session")
    if s.kind == "float":
        return box.slider(min_value=float(s.low), max_value=float(s.high), step=s.step, **common)
    if s.kind == "log":
        return box.select_slider(options=log_grid(s), format_func=lambda v: f"{v:g}", **common)
    if s.kind == "int":
        draw = box.number_input if s.high - s.low > 100 else box.slider
        return draw(min_value=int(s.low), max_value=int(s.high), step=int(s.step or 1), **common)
    if s.kind in ("choice", "multi"):
        common |= dict(options=s.options, format_func=lambda v: label_of(s, v))
    if s.kind == "choice":
        if len(s.options) <= 4:
            return box.radio(horizontal=True, **common)
        return box.selectbox(**common)
    if s.kind == "multi":
        return tuple(box.multiselect(**common))
    return box.checkbox(**common)


def _preset_buttons(box, table, presets, keys, page):
    box.subheader("Presets")
    for name, preset in presets.items():
        asks = bool(preset.get("question"))
        box.button(name, key=f"{page}.preset.{name}", on_click=_apply_preset, type="tertiary",
                   icon=":material/help:" if asks else ":material/play_arrow:",
                   args=(table, preset, keys, page),
                   help="Asks a question first." if asks else None)


def _apply_preset(table, preset, keys, page):
    """Button callback (runs before the script): defaults, then the preset's values."""
    import streamlit as st
    for s in table:
        st.session_state[keys[s.name]] = validate(s, preset["values"].get(s.name, s.default))
    st.session_state[f"{page}.question"] = preset.get("question")


def _ask_question(page):
    """If a preset asked a question, show it and stop the page until the learner reveals."""
    import streamlit as st
    question = st.session_state.get(f"{page}.question")
    if question:
        st.info(f"**Predict first.** {question}", icon=":material/psychology_alt:")
        st.button("Reveal the run", type="primary", key=f"{page}.reveal",
                  on_click=st.session_state.pop, args=(f"{page}.question", None))
        st.stop()
