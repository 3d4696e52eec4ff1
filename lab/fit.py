"""The main figure fits the first screen (issue 14): its height follows the window.

A lesson's main figure (the first `show_figure` after `lesson()`) sits in a container keyed
MAIN_KEY. Its chart's height is

    min(the figure's own height, max(MIN_HEIGHT, window height − the chart's top − a margin))

on screens at least 640 px wide (a phone scrolls and keeps the figure's own height). Streamlit
sizes a Plotly chart to its element's height, so Plotly re-lays the figure out to fit. The
chart's top on the page (everything above it: title, caption, expander) is measured by the
script below, which keeps the CSS variable --gdlab-main-top up to date on every redraw and
resize; the figure's own height comes from its layout (`style(fig)`).

A figure with a phone layout, layout.meta.phone = {"height": px, "layout": {relayout},
"wide": {the same keys, as the figure has them}} (the Playground stacks its two panels), gets
that height below 640 px (`style(fig)`) and that layout update from the script
(Plotly.relayout, again for every new figure a rerun draws; meta.phone.on records it); at
640 px and more the script relayouts it with "wide" again (its own values: Plotly writes the
domains it shrinks to keep equal units into the layout, so they cannot be read back from it).
"""
import streamlit as st

MAIN_KEY = "main-figure"
MIN_HEIGHT = 330   # px: below this a two-panel figure stops being readable
MARGIN = 12        # px left under the figure

SCRIPT = """<div class="gdlab-fit"></div><script>
(() => {
  const root = window.parent && window.parent.document.body ? window.parent : window;
  if (root.gdlabFit) return;
  root.gdlabFit = true;
  const doc = root.document;
  function measure() {
    const box = doc.querySelector('.st-key-%(key)s .stPlotlyChart');
    if (!box) return;
    const scroller = box.closest('[data-testid=stMain]') || doc.scrollingElement;
    const top = box.getBoundingClientRect().top + (scroller ? scroller.scrollTop : 0);
    const now = doc.documentElement.style.getPropertyValue('--gdlab-main-top');
    if (now !== top + 'px') doc.documentElement.style.setProperty('--gdlab-main-top', top + 'px');
    const gd = box.querySelector('.js-plotly-plot');
    if (gd) phone(gd);
  }
  function phone(gd) {   // the figure's phone layout below 640 px, its own above
    const want = gd.layout && gd.layout.meta && gd.layout.meta.phone;
    if (!want || !root.Plotly) return;
    const narrow = !(root.innerWidth >= 640);
    if (narrow !== Boolean(want.on))      // meta.phone.on: drawn in the phone layout
      root.Plotly.relayout(gd, {...(narrow ? want.layout : want.wide), 'meta.phone.on': narrow});
  }
  let pending = null;
  const later = () => { pending = pending || root.setTimeout(() => { pending = null; measure(); }, 60); };
  new root.MutationObserver(later).observe(doc.body, {childList: true, subtree: true});
  root.addEventListener('resize', later);
  measure();
})();
</script>
<style>
.stElementContainer:has(.gdlab-fit) { position: absolute; }
@media (min-width: 640px) {
  .st-key-%(key)s .stPlotlyChart {
    height: min(var(--gdlab-own-height, 600px),
                max(%(min)spx, calc(100vh - var(--gdlab-main-top, 300px) - %(margin)spx))) !important;
  }
}
</style>""" % {"key": MAIN_KEY, "min": MIN_HEIGHT, "margin": MARGIN}


def fit_script():
    """Put the measuring script and the main figure's CSS into the page (app.py's sidebar)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)


def style(fig):
    """The CSS that gives the main figure its own height as the upper limit, and on a phone its
    phone layout's height (layout.meta.phone), if it has one."""
    height = fig.layout.height or 450
    phone = (fig.layout.meta or {}).get("phone")
    boxes = ", ".join(f".st-key-{MAIN_KEY} {inner}" for inner in (   # the chart and the two boxes around it
        ".stPlotlyChart", "div:has(> .stPlotlyChart)", ".stElementContainer:has(.stPlotlyChart)"))
    narrow = f"@media (max-width: 639px) {{ {boxes} {{ height: {phone['height']}px !important; flex-basis: {phone['height']}px !important; }} }}" if phone else ""
    return f"<style>.st-key-{MAIN_KEY} {{ --gdlab-own-height: {height}px; }}{narrow}</style>"
