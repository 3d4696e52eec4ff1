"""Scores of a classifier that more than one lesson shows."""
import numpy as np


def confusion_matrix(y_true, y_pred, k):
    """C[i, j] = number of examples of class i predicted as class j (rows: truth), k classes."""
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return C
