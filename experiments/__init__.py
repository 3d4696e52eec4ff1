"""What each lesson computes: pure functions of hashable settings -> arrays and tidy pandas
frames, including the labels, formulas and sentences the lesson shows (no streamlit, no plotly).

Layers (enforced by .importlinter): pages -> lab -> viz -> experiments -> nnlib. experiments
build on nnlib (numpy only) and never import viz; viz draws what experiments return. Shared
here: labels (names people read), sources (built-in data or the learner's table), budget (one
work limit per view), frames (which steps become animation frames).

Verdicts: every lesson's sentence maker is `verdict(result, *, setting=...)` (descent's
per-optimizer table: `verdicts`): first exactly what the lesson's experiment returned, then,
by keyword, the settings the sentence quotes.
"""
