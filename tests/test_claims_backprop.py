"""The backprop lesson's tips, checked over 10 seeds (the network's initial weights) on the
page's default example, with the rate each tip quotes. Printed: the measured rates.

- "Switch to sigmoid and raise σ to 3: f'(z) of the hidden units shrinks (10 of 10 seeds) and
  with it, usually (8 of 10 seeds), the gradients of the weights into them."
- "Raise η to 100: on this example the loss after the update still falls (10 of 10 seeds)";
  the preset *tanh, η = 10* is a step that makes the loss go up (its question asks which).
- Every backprop gradient agrees with a central finite difference (the table under the graph).
"""
import re
import numpy as np

from experiments import backprop as exp
from pages import backprop as page

SEEDS = range(10)
ETAS = (1, 2, 5, 10, 20, 50, 100)      # up to the η slider's top


def first_layer_gradient(walk):
    check = walk["check"]
    return np.abs(check[check["parameter"].str.startswith("w¹")]["backprop"]).mean()


def test_sigmoid_with_sigma_3_shrinks_the_slopes_always_and_the_first_layer_gradients_usually():
    slopes = grads = 0
    for seed in SEEDS:
        small, large = (exp.walk(activation="sigmoid", sigma=sigma, seed=seed) for sigma in (1.0, 3.0))
        slopes += np.mean(np.concatenate(large["slopes"])) < np.mean(np.concatenate(small["slopes"]))
        grads += first_layer_gradient(large) < first_layer_gradient(small)
    print(f"f'(z) smaller at σ = 3: {slopes} of 10 seeds; first-layer gradients smaller: {grads} of 10")
    assert slopes == 10 and grads == 8


def test_on_the_default_example_no_eta_up_to_100_makes_the_loss_go_up():
    rises = [seed for seed in SEEDS
             if any((w := exp.walk(seed=seed, lr=eta))["loss_after"] > w["loss_before"] for eta in ETAS)]
    print(f"the loss rose for some η ≤ 100 in {len(rises)} of 10 seeds")
    assert not rises
    assert max(s.high for s in page.TABLE if s.name == "lr") == max(ETAS)


def test_the_tanh_eta_10_preset_is_a_step_that_makes_the_loss_go_up():
    defaults = {s.name: s.default for s in page.TABLE}
    v = {**defaults, **page.PRESETS["tanh, η = 10"]["values"]}
    w = exp.walk(v["arch"], v["activation"], v["x1"], v["x2"], int(v["label"]) - 1, v["sigma"],
                 v["seed"], v["lr"])
    assert w["loss_after"] > w["loss_before"]


def test_every_gradient_agrees_with_finite_differences_on_every_seed():
    worst = max(exp.walk(activation=act, seed=seed)["check"]["relative_error"].max()
                for act in ("relu", "tanh", "sigmoid") for seed in SEEDS)
    print(f"largest relative error, backprop vs central differences: {worst:.1e}")
    assert worst < exp.AGREE
    said = exp.verdict(exp.walk(activation="tanh", seed=0), lr=0.1)[0]
    assert re.fullmatch(r"Backpropagation and central finite differences agree on all \d+ parameters "
                        r"to (\d+) digits or more\.", said), said
    assert int(re.search(r"to (\d+) digits", said)[1]) >= 6   # AGREE = 1e-6
