"""Keyboard access to what Streamlit and Plotly leave to the mouse (issue 20).

Plotly draws an animation's ▶ Play / ❚❚ Pause buttons and its frame slider as SVG shapes that
Tab never reaches, and its charts have no name for a screen reader. The script below, put once
into the page (`keyboard_access()`, called by app.py's sidebar), makes every Play/Pause button
a focusable button (Enter or Space presses it) and every animation slider a focusable slider
(← → step one frame, Home/End jump to the ends), each with a visible focus ring; a figure's
own stepping buttons (method "skip": viz.animation's "Step ▸|" with step=True, viz.backprop's
"◀ Back" and "Next ▶") step its slider as ← and → do; it names
every chart (role "figure", aria-label: its title and the "In words" text under it); it turns
Streamlit's sidebar menu, whose section headers sit straight inside a list (a broken list for a
screen reader: axe-core's "list" rule, impact serious), into one named group of links per
section; and `skip_link()` at the top of a lesson jumps to its figure.
"""
import streamlit as st

SCRIPT = """<div class="gdlab-keyboard"></div><script>
(() => {
  const root = window.parent && window.parent.document.body ? window.parent : window;
  if (root.gdlabKeyboard) return;
  root.gdlabKeyboard = true;
  const doc = root.document;
  const click = el => el.dispatchEvent(new root.MouseEvent('click', {bubbles: true, view: root}));
  function label() {
    const menu = doc.querySelector('[data-testid=stSidebarNavItems]');   // the menu: named groups of links
    if (menu) {
      menu.setAttribute('role', 'none');
      menu.querySelectorAll(':scope > div').forEach(section => {
        const name = section.querySelector('[data-testid=stNavSectionHeader] p');
        section.setAttribute('role', 'group');
        if (name) section.setAttribute('aria-label', name.textContent.trim());
        section.querySelectorAll(':scope > li').forEach(item => item.setAttribute('role', 'none'));
      });
    }
    doc.querySelectorAll('.js-plotly-plot').forEach(gd => {   // every chart named, kept up to date
      const L = gd.layout || {}, text = t => ((t && (t.text || t)) || '').toString();
      const title = [text(L.title), ...(L.annotations || []).slice(0, 4).map(a => text(a.text)),
                     [text((L.yaxis || {}).title), text((L.xaxis || {}).title)].filter(Boolean)
                       .join(' against ')].find(Boolean) || '';
      const box = gd.closest('[data-testid=stElementContainer], .element-container');
      const words = box && box.nextElementSibling && box.nextElementSibling.textContent || '';
      gd.setAttribute('role', 'figure');
      const said = words.startsWith('In words:') ? words.slice(9).trim() : '';
      gd.setAttribute('aria-label', [title.replace(/<[^>]+>/g, ' ').trim(), said]
                      .filter(Boolean).join('. ') || 'figure');
    });
    doc.querySelectorAll('.js-plotly-plot .updatemenu-button:not([tabindex])').forEach(b => {
      b.setAttribute('tabindex', '0'); b.setAttribute('role', 'button');
      b.setAttribute('aria-label', (b.textContent || '').trim() || 'animation control');
    });
    doc.querySelectorAll('.js-plotly-plot .slider-container:not([tabindex])').forEach(s => {
      const opts = s.closest('.js-plotly-plot')._fullLayout.sliders[0];
      s.setAttribute('tabindex', '0'); s.setAttribute('role', 'slider');
      s.setAttribute('aria-label', 'animation frame (arrow keys)');
      s.setAttribute('aria-valuemin', '0'); s.setAttribute('aria-valuemax', String(opts.steps.length - 1));
      s.setAttribute('aria-valuenow', String(opts.active || 0));
    });
  }
  function step(slider, key) {   // animate to the neighbouring frame, as a slider step does
    const gd = slider.closest('.js-plotly-plot'), opts = gd._fullLayout.sliders[0];
    const now = opts.active || 0, last = opts.steps.length - 1;
    const at = Math.max(0, Math.min(last, {ArrowRight: now + 1, ArrowUp: now + 1, ArrowLeft: now - 1,
                                           ArrowDown: now - 1, Home: 0, End: last}[key]));
    const target = opts.steps[at];
    if (target.method === 'animate') root.Plotly.animate(gd, ...target.args);
    slider.setAttribute('aria-valuenow', String(at));
    slider.setAttribute('aria-valuetext', target.label || String(at));
  }
  // a figure's stepping buttons (method skip): one frame back or on, as the arrow keys
  const STEPS = {'Step \u25b8|': 'ArrowRight', '\u25c0 Back': 'ArrowLeft', 'Next \u25b6': 'ArrowRight'};
  doc.addEventListener('click', e => {
    const button = e.target.closest && e.target.closest('.updatemenu-button');
    const key = button && STEPS[(button.textContent || '').trim()];
    const slider = key && button.closest('.js-plotly-plot').querySelector('.slider-container');
    if (slider) step(slider, key);
  }, true);
  doc.addEventListener('keydown', e => {
    const button = e.target.closest && e.target.closest('.updatemenu-button');
    if (button && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault(); click(button);
    }
    const slider = e.target.closest && e.target.closest('.slider-container');
    if (slider && ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) {
      e.preventDefault(); step(slider, e.key);
    }
  }, true);
  let pending = null;
  new root.MutationObserver(() => { pending = pending || root.setTimeout(() => { pending = null; label(); }, 250); })
    .observe(doc.body, {childList: true, subtree: true});
  label();
  doc.addEventListener('click', e => {
    const skip = e.target.closest && e.target.closest('a.gdlab-skip');
    if (!skip) return;
    e.preventDefault();
    const figure = doc.querySelector('.stMain .js-plotly-plot');
    if (!figure) return;
    figure.scrollIntoView({block: 'start'});
    if (!figure.hasAttribute('tabindex')) figure.setAttribute('tabindex', '-1');
    (figure.querySelector('.updatemenu-button[tabindex]') || figure).focus();
  }, true);
})();
</script>
<style>
.js-plotly-plot .updatemenu-button:focus, .js-plotly-plot .slider-container:focus,
a.gdlab-skip:focus { outline: 3px solid #0072B2; outline-offset: 2px; }
a.gdlab-skip { position: absolute; left: -10000px; }
a.gdlab-skip:focus { position: static; }
.stElementContainer:has(.gdlab-keyboard), .stElementContainer:has(.gdlab-skip) { position: absolute; }
</style>"""


def keyboard_access():
    """Put the keyboard script into the page (once per run; it installs itself once per tab)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)


def skip_link():
    """A "Skip to the figure" link, shown when it has keyboard focus: Enter moves the focus to
    the page's first figure (its Play button when it has one)."""
    st.html('<a class="gdlab-skip" href="#figure">Skip to the figure</a>')
