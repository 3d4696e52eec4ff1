"""A text for every picture (issue 20): each figure's description, written by its experiment's
own summary code, states the numbers the figure draws. The tests parse the numbers back out of
the words and compare them with the data behind the figure, at the page's defaults and on
random settings.
"""
import re

import numpy as np
import pytest

from experiments import softmax

NUMBER = r"[+−-]?\d[\d,]*(?:\.\d+)?"


def number(text):
    """'−0.77' -> -0.77, '1,348' -> 1348.0, '+0.10' -> 0.1."""
    return float(text.replace("−", "-").replace(",", ""))


def named_numbers(text, names):
    """{name: the number written right after it} for every name in `names`."""
    return {name: number(re.search(rf"\b{re.escape(name)} ({NUMBER})", text).group(1))
            for name in names}


@pytest.mark.parametrize("seed", range(10))
def test_softmax_words_state_its_probabilities_loss_and_gradient(seed):
    rng = np.random.default_rng(seed)
    logits, label = tuple(rng.normal(0, 3, 4)) if seed else (2.0, 1.0, 0.2, -1.0), seed % 4
    frame, loss = softmax.one_example(logits, label)
    text = softmax.describe_one_example(frame, loss, label)
    probs, grads = text.split("The gradient")
    classes = list(frame["class"])
    assert named_numbers(probs, classes) == dict(zip(classes, frame["p"].round(2)))
    assert named_numbers(grads, classes) == dict(zip(classes, frame["grad"].round(2)))
    assert number(re.search(rf"loss −log p is ({NUMBER})", text).group(1)) == round(loss, 3)
    assert f"true class is {classes[label]} with p = {frame['p'][label]:.3f}" in text
