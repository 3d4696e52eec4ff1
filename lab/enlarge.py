"""Click a unit of a network diagram to see its map large (the Playground, issue 16).

A figure whose layout.meta.enlarge names a hidden heat map on its big picture (`trace`) and an
annotation (`note`), as viz.playground draws it, gets a click handler in the browser: clicking
one of the diagram's unit maps (heat maps on x2) copies that unit's values and colour scale
into the hidden heat map and shows it, with the unit's name (its trace's meta) above; clicking
the same unit again goes back to the big map. While ▶ Play or the slider moves the epochs, the
large map follows the unit (after every redraw it takes the unit's values of that frame). No
rerun of the page: everything it needs is already in the figure. (No "<" before a letter inside
the script: Streamlit's sanitizer drops a script that has one; `lt` spells it.)
"""
import streamlit as st

SCRIPT = """<div class="gdlab-enlarge"></div><script>
(() => {
  const root = window.parent && window.parent.document.body ? window.parent : window;
  if (root.gdlabEnlarge) return;
  root.gdlabEnlarge = true;
  const doc = root.document, lt = String.fromCharCode(60);   // see the docstring
  function show(gd) {
    const {trace, note} = gd.layout.meta.enlarge, unit = gd.gdlabUnit, t = gd.data[unit];
    const on = unit !== undefined && unit !== null;
    root.Plotly.update(gd, on ? {z: [t.z], zmin: [t.zmin], zmax: [t.zmax], visible: true}
                              : {visible: false}, on ? {
      [`annotations[${note}].text`]: `${t.meta}${lt}br>click it again to go back`,
      [`annotations[${note}].visible`]: true} : {[`annotations[${note}].visible`]: false}, [trace]);
  }
  function attach(gd) {
    const meta = gd.layout && gd.layout.meta;
    if (gd.gdlabEnlarge || !meta || !meta.enlarge || !gd.on) return;
    gd.gdlabEnlarge = true;                // handlers once per chart; they read its current data
    gd.gdlabUnit = null;
    gd.on('plotly_click', e => {
      const p = e.points && e.points[0];
      if (!p || p.data.xaxis !== 'x2') return;
      gd.gdlabUnit = gd.gdlabUnit === p.curveNumber ? null : p.curveNumber;
      show(gd);
    });
    gd.on('plotly_afterplot', () => {     // a new frame: follow the unit
      const meta = gd.layout.meta || {}, unit = gd.gdlabUnit;
      if (unit === null || !meta.enlarge) return;
      const big = gd.data[meta.enlarge.trace], t = gd.data[unit];
      if (!t || t.xaxis !== 'x2') gd.gdlabUnit = null;    // a rerun drew another network
      else if (big.z !== t.z) show(gd);
    });
  }
  let pending = null;
  const scan = () => doc.querySelectorAll('.js-plotly-plot').forEach(attach);
  new root.MutationObserver(() => { pending = pending || root.setTimeout(() => { pending = null; scan(); }, 250); })
    .observe(doc.body, {childList: true, subtree: true});
  scan();
})();
</script>
<style>.stElementContainer:has(.gdlab-enlarge) { position: absolute; }</style>"""


def enlarge_on_click():
    """Put the click handler into the page (once per run; it installs itself once per tab)."""
    st.html(SCRIPT, unsafe_allow_javascript=True)
