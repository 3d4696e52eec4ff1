"""The settings panel: a page's TABLE as sidebar widgets whose values live in the URL.

`settings_panel` draws the widgets of a TABLE (lab/settings.py), starts them from the URL
(?lr=0.1&seed=3, a shareable link), writes every change back to the address bar, offers the
page's presets, hides controls listed in ?hide=a,b, applies ?preset=<name> once (a classroom
link), and shows "Copy link to this view". A preset with a question stops the page after the
question until the learner presses "Reveal the run"; the run that follows then scrolls into view.

    s = settings_panel(TABLE, PRESETS)        # {"lr": 0.1, "steps": 50, "opt": "adam", "seed": 0}

A page that keeps its own URL parameter (e.g. ?stage=7) names it in
`settings_panel(..., extra=("stage",))`. Widget keys are "<slug>.<name>", the slug of the page
on show (lab.navigation).
"""
import copy
from urllib.parse import urlencode

import streamlit as st

from lab import navigation
from lab.settings import RESERVED, hidden_names, label_of, log_grid, parse, read_params, serialize, validate


def settings_panel(table, presets=None, container=None, page=None, extra=(), places=None):
    """Draw the widgets of `table` (default: in the sidebar) and return {name: value}.

    `places` ({group: container}) draws those groups' widgets elsewhere, e.g. the main controls
    in a column beside the figure, under a bold label instead of a subheader; every other group,
    the presets and the link stay in the sidebar (or `container`).

    `page` namespaces the session_state keys (default: the page on show, lab.navigation), so values
    survive reruns and page switches without clashing with another page's "lr". `extra`
    names URL parameters the page reads and writes itself: they stay in the link (and in
    "Copy link") without a warning.
    """
    page = page or navigation.current_page()["slug"]
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
        if s.name in hidden or (s.shown_when and not s.shown_when(values)):
            values[s.name] = st.session_state[keys[s.name]]
            continue
        placed = s.group in (places or {})
        target = places[s.group] if placed else box
        if s.group and s.group != group:      # placed groups: a compact bold label
            if placed:
                target.markdown(f"**{s.group}**")
            else:
                target.subheader(s.group)
            group = s.group
        values[s.name] = _widget(target, _narrowed(s, values, keys[s.name]), keys[s.name])
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
    base = st.context.url or f"/{page}"
    query = urlencode({k: v for k, v in st.query_params.to_dict().items() if k not in drop})
    return f"{base}?{query}" if query else base


def _preset_from_link(params, table, presets, keys, page):
    """?preset=<name>: apply that preset, then the link's own values; returns notices.

    The parameter is removed from the address afterwards, so it acts once, like a click.
    """
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


def _narrowed(s, values, key):
    """`s` with its range_when range (inside its own), its value moved into that range."""
    if not s.range_when:
        return s
    low, high = s.range_when(values)
    s = copy.copy(s)   # a frozen Setting: the copy's range is set in place
    object.__setattr__(s, "low", max(s.low, low))
    object.__setattr__(s, "high", min(s.high, high))
    st.session_state[key] = min(max(st.session_state[key], s.low), s.high)
    return s


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
    for s in table:
        st.session_state[keys[s.name]] = validate(s, preset["values"].get(s.name, s.default))
    st.session_state[f"{page}.question"] = preset.get("question")


def _ask_question(page):
    """If a preset asked a question, show it and stop the page until the learner reveals; right
    after the reveal, scroll the run (what the page draws next) to the top of the window."""
    question = st.session_state.get(f"{page}.question")
    if question:
        st.info(f"**Predict first.** {question}", icon=":material/psychology_alt:")
        st.button("Reveal the run", type="primary", key=f"{page}.reveal", on_click=_reveal, args=(page,))
        st.stop()
    if st.session_state.pop(f"{page}.revealed", False):
        st.html(SCROLL_TO_RESULT, unsafe_allow_javascript=True)


def _reveal(page):
    """Reveal button callback: forget the question, and remember to scroll to the run once."""
    st.session_state.pop(f"{page}.question", None)
    st.session_state[f"{page}.revealed"] = True


# A marker where the run starts. The script scrolls it to the top of the window (under
# Streamlit's toolbar) and repeats while the page grows, until a chart has arrived below it,
# since the page may still be too short to scroll that far when the marker arrives. A page that
# laid out its figure's column before its settings (the playground) has its first chart above
# the marker: then that chart is what goes to the top.
SCROLL_TO_RESULT = """<div class="gdlab-result"></div><script>
(() => {
  const doc = document;   // st.html draws into the page itself (also when a class embeds it)
  let tries = 0;
  const scroll = () => {
    const mark = doc.querySelector('.gdlab-result');
    if (!mark || tries++ > 80) return;
    const chart = doc.querySelector('.stMain .js-plotly-plot');
    const above = chart && chart.getBoundingClientRect().top < mark.getBoundingClientRect().top;
    const target = above ? chart : mark;
    target.style.scrollMarginTop = '4.5rem';
    target.scrollIntoView({block: 'start'});
    const top = target.getBoundingClientRect().top;
    if (!doc.querySelector('.stMain .js-plotly-plot') || top > 100) window.setTimeout(scroll, 150);
  };
  scroll();
})();
</script>
<style>.stElementContainer:has(.gdlab-result) { height: 0; margin-bottom: -1rem; }</style>"""
