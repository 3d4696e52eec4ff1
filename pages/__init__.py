"""The lessons, one module per page: pages/<slug>.py, listed in lab/catalog.py.

A lesson module has, at module level, `TABLE` (a list of lab.settings.Setting), `PRESETS`
(name -> {"values": {...}, "question": "..."}) and its cached experiments
(`x = lab.cache.cached(experiments.foo.x)`), then `def page():`, the whole page body: lesson(),
settings_panel(TABLE, PRESETS), the experiment, show_figure(). Importing a page module draws
nothing and changes nothing, so the home page, the sweeps and the tests read TABLE and PRESETS
by import. app.py registers `page` as an st.Page at /<slug>; a test runs one page with
`AppTest.from_string("from lab.page import draw_alone; draw_alone('<slug>')")`
(tests/helpers.py: `open_lesson`). Every page module ends with the same two lines,
`if __name__ == "__main__": first_request.hand_over()`, for the one case in which Streamlit
runs the file by itself (lab/first_request.py).
"""
