"""The main figure fits the first screen (issue 14): its height follows the window.

A lesson's main figure (the first `show_figure` after `lesson()`) sits in a container keyed
MAIN_KEY. Its chart's height is

    min(the figure's own height, max(MIN_HEIGHT, window height − the chart's top − a margin))

on screens at least 640 px wide (a phone scrolls and keeps the figure's own height). Streamlit
sizes a Plotly chart to its element's height, so Plotly re-lays the figure out to fit. The
chart's top on the page (everything above it: title, caption, expander) is measured by the
script below, which keeps the CSS variable --gdlab-main-top up to date on every redraw and
resize; the figure's own height comes from its layout (`style(fig)`).
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
    """The CSS that gives the main figure its own height as the upper limit."""
    height = fig.layout.height or 450
    return f"<style>.st-key-{MAIN_KEY} {{ --gdlab-own-height: {height}px; }}</style>"
