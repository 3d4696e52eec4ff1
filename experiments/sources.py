"""Where a lesson's points come from: one of nnlib's built-in data sets, or the learner's own
table (a CSV file that lab.upload has parsed and checked). Experiments take the table's
arrays, which st.cache_data hashes; they never read files.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

TASKS = ("classification", "regression")


@dataclass(frozen=True, eq=False)
class Table:
    """Checked data: X (n, 2) or (n, 1) float, y int class indices (classification) or float.

    columns: the column names (features first, then the label or target);
    classes: the class names, in the order of their indices (empty for regression).
    """
    X: np.ndarray
    y: np.ndarray
    task: str
    columns: tuple
    classes: tuple = ()


def choose(uploaded, built_in, task="classification", standardized=False):
    """The one data-source chooser: (X, y) of the learner's `uploaded` Table if there is one
    (its columns standardized if asked), else built_in(), one of nnlib's data sets.

    A table of another task is refused with a sentence: this lesson needs a `task` file.
    """
    if uploaded is None:
        return built_in()
    if uploaded.task != task:
        raise ValueError(f"this lesson needs a {task} file, not a {uploaded.task} one")
    return (standardize(uploaded.X) if standardized else uploaded.X), uploaded.y


def points(X_train, X_val, y_train, y_val):
    """The data as the one tidy points frame of the lessons: x1 (and x2, ... one column per
    feature), target (class index or value), set ("training" or "validation")."""
    X = np.vstack([X_train, X_val])
    frame = pd.DataFrame({f"x{j + 1}": X[:, j] for j in range(X.shape[1])})
    frame["target"] = np.r_[y_train, y_val]
    frame["set"] = ["training"] * len(y_train) + ["validation"] * len(y_val)
    return frame


def scale(a):
    """(mean, std) of each column of a, with std 1 where a column is constant."""
    std = np.std(a, axis=0)
    return a.mean(axis=0), np.where(std > 0, std, 1.0)


def standardize(X):
    """Each column of X to mean 0 and standard deviation 1 (a constant column to 0), so that
    data in any units trains alike: (X − mean) / std."""
    mean, std = scale(X)
    return (X - mean) / std
