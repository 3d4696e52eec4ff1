"""Log axes that do not say so: a check of a figure's spec (the dict Streamlit sends), used by
tests/test_app.py on every lesson's default charts (issue 14)."""
import re

AXIS = re.compile(r"^[xy]axis\d*$")
UNREADABLE = (None, "B", "SI")   # Plotly's default exponent format draws 10µ, 100k


def axes(layout):
    """(name, axis) for every 2-D and 3-D axis of a figure's layout."""
    for name, axis in layout.items():
        if AXIS.match(name):
            yield name, axis
        elif name.startswith("scene"):
            yield from ((f"{name}.{k}", v) for k, v in axis.items() if AXIS.match(k))


def title_text(axis):
    title = axis.get("title") or {}
    return title if isinstance(title, str) else title.get("text") or ""


def unlabelled_log_axes(spec):
    """Names of the log axes whose title and tick labels do not say "log", or whose ticks keep
    Plotly's SI exponents ("10µ") without a tick format of their own. An axis that shows no
    numbers (the inner one of shared axes) has nothing to say: its twin says it."""
    found = []
    for name, axis in axes(spec.get("layout", {})):
        if axis.get("type") != "log" or axis.get("showticklabels") is False:
            continue
        said = "log" in (title_text(axis) + " ".join(map(str, axis.get("ticktext") or ()))).lower()
        readable = axis.get("tickformat") or axis.get("exponentformat") not in UNREADABLE
        if not (said and readable):
            found.append(name)
    return found


MAPS = ("heatmap", "contour", "surface", "histogram2d", "histogram2dcontour")


def colour_bar_titled(spec):
    """False when the figure draws a colour map but none of its colour bars has a label: a
    shown colour bar of a map trace, or of a shared coloraxis, needs a title."""
    layout = spec.get("layout", {})
    maps = [t for t in spec.get("data", []) if t.get("type") in MAPS]
    if not maps:
        return True
    bars = [t.get("colorbar") or {} for t in maps if t.get("showscale", True) and not t.get("coloraxis")]
    bars += [(axis.get("colorbar") or {}) for name, axis in layout.items()
             if name.startswith("coloraxis") and axis.get("showscale", True)]
    return any(title_text(bar) for bar in bars)
