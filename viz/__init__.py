"""Plotly figure builders: pure functions data -> go.Figure (no streamlit).

Layers (enforced by .importlinter): pages -> lab -> viz -> experiments -> nnlib. A builder
draws what an experiment returned; from experiments it reads only names and small shared facts
(labels, a lesson's node names or batch sizes, experiments.frames for the animated steps),
never recomputes a result. lab shows the figures; viz never talks to Streamlit.
"""
