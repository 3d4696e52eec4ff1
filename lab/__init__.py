"""Streamlit glue between the lessons (pages/) and the pure layers below (viz, experiments, nnlib).

Layers, imports pointing down only: app.py -> pages -> lab -> viz -> experiments -> nnlib.
- settings.py: the pure schema of a page's TABLE and PRESETS (no streamlit);
  panel.py draws it as sidebar widgets kept in the URL.
- catalog.py lists the pages by module; navigation.py turns them into st.Page objects and
  records the page on show; page.py is the scaffold a lesson draws with (lesson, show_figure,
  friendly) and cache.py the one way to cache an experiment.
- export.py and report.py make the downloads and the learner's report; upload.py the
  "Bring your own data" box; threads.py the one-BLAS-thread setting app.py applies at start.
- first_request.py is the one shim around a Streamlit behaviour (see its docstring).
Importing lab, or a page module, changes nothing in the process and draws nothing.
"""
