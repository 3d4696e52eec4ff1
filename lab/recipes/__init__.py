"""Notebook recipes, one module per lesson, registered under the key of the lesson's main figure.

A recipe has TITLE, INTRO (the lesson's words), SETTINGS (the page settings it uses, name ->
comment for the settings cell), MAIN (the key of the figure the button sits under), FIGURES
(the figure keys whose CSV the notebook reproduces; it leaves them in `numbers[key]`), cells(settings) -> list of
("md" | "code", text) and, for a lesson that trains a network, torch_cells(settings) (with
TORCH_TEXT, the section's heading text, if lab.notebook's does not fit).
lab/notebook.py assembles them into a notebook.
"""
from lab.recipes import (backprop, batches, descent, digits, initialization, landscape,
                         landscape_papers, playground, regularization, schedules, softmax, traps)

RECIPES = {recipe.MAIN: recipe for recipe in (descent, batches, traps, schedules, backprop, softmax,
                                              initialization, landscape, landscape_papers,
                                              regularization, digits, playground)}
