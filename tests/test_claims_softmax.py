"""Every claim the softmax lesson makes, checked over 10 seeds (random logits, batches and
distributions); all of them are certain, so each must hold 10 of 10 times.

Page text, tips and section text of pages/softmax.py:
- the loss of an example is near 0 when the model is sure and right, huge when sure and wrong;
- its gradient with respect to the logits is p − y (checked against central differences, float64);
- "Make the true class's logit the largest: watch the loss fall towards 0";
- "Add the same amount to every logit: nothing changes";
- "Pick *Extreme logits ±1000*: the loss is 2000, large but finite";
- "Change the batch seed: L(B) jumps around the full loss L" (and L is the mean of L(B) over
  every batch of that size: a mini-batch loss is an unbiased estimate);
- "Set q equal to p: KL is 0 and the cross-entropy equals the entropy";
- "A one-hot p has entropy 0, so its cross-entropy is the loss −log q_k", H(p, q) = H(p) + KL.
"""
import itertools
import math

import numpy as np
import pytest

from experiments import softmax as exp
from pages import softmax as page

SEEDS = range(10)


def loss_of(logits, label):
    return exp.one_example(tuple(logits), label)[1]


def random_logits(seed):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 2, size=len(exp.CLASSES)), int(rng.integers(len(exp.CLASSES)))


def report(claim, held):
    print(f"{claim}: {sum(held)} of {len(held)} seeds")
    assert all(held), claim


def test_sure_and_right_is_near_zero_sure_and_wrong_is_huge():
    right = [loss_of(np.eye(4)[k] * 12, k) < 1e-4 for k in range(4)]
    wrong = [loss_of(np.eye(4)[k] * 12, (k + 1) % 4) > 11 for k in range(4)]
    assert all(right) and all(wrong)


def test_the_gradient_is_p_minus_y_against_central_differences():
    held = []
    for seed in SEEDS:
        z, k = random_logits(seed)
        frame, _ = exp.one_example(tuple(z), k)
        eps, numeric = 1e-6, []
        for i in range(len(z)):
            up, down = z.copy(), z.copy()
            up[i] += eps
            down[i] -= eps
            numeric.append((loss_of(up, k) - loss_of(down, k)) / (2 * eps))
        p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        held.append(np.allclose(frame["grad"], p - np.eye(len(z))[k], atol=1e-12)
                    and np.allclose(frame["grad"], numeric, atol=1e-8))
    report("∂ℓ/∂z = p − y (and equals central differences)", held)


def test_raising_the_true_logit_to_the_largest_sends_the_loss_towards_zero():
    held = []
    for seed in SEEDS:
        z, k = random_logits(seed)
        losses = []
        for boost in np.linspace(0, 30, 31):
            shifted = z.copy()
            shifted[k] = z.max() + boost
            losses.append(loss_of(shifted, k))
        held.append(all(np.diff(losses) <= 1e-15) and losses[-1] < 1e-10   # (to float round-off)
                    and losses[0] > 100 * losses[-1])
    report("the loss falls towards 0 as the true logit becomes the largest", held)


def test_adding_the_same_amount_to_every_logit_changes_nothing():
    held = []
    for seed in SEEDS:
        z, k = random_logits(seed)
        shift = np.random.default_rng(100 + seed).uniform(-50, 50)
        a, b = exp.one_example(tuple(z), k)[0], exp.one_example(tuple(z + shift), k)[0]
        held.append(np.allclose(a["p"], b["p"], atol=1e-12)
                    and math.isclose(loss_of(z, k), loss_of(z + shift, k), abs_tol=1e-10))
    report("softmax and the loss see only differences of logits", held)


def test_the_extreme_logits_preset_gives_a_finite_loss_of_2000():
    values = {**{s.name: s.default for s in page.TABLE}, **page.PRESETS["Extreme logits ±1000"]["values"]}
    logits = tuple(values["scale"] * values[f"z_{c}"] for c in exp.CLASSES)
    loss = loss_of(logits, exp.CLASSES.index(values["true"]))
    assert math.isfinite(loss) and loss == pytest.approx(2000)


def test_the_batch_seed_moves_the_mini_batch_loss_around_the_full_loss():
    z, k = (2.0, 1.0, 0.2, -1.0), 1          # the page's default logits, true class dog
    for size in (1, 3, 5):
        below = above = 0
        for seed in SEEDS:
            _, full, in_batch = exp.batch(z, k, size, seed)
            below, above = below + (in_batch < full), above + (in_batch > full)
        print(f"batch {size}: L(B) below L in {below}, above in {above} of 10 seeds")
        assert below and above                  # it jumps around L, on both sides
        frame, full, _ = exp.batch(z, k, size, 0)
        every = [frame["loss"].iloc[list(b)].mean() for b in itertools.combinations(range(8), size)]
        assert np.mean(every) == pytest.approx(full, rel=1e-12)   # unbiased over every batch


def test_q_equal_to_p_gives_zero_kl_and_cross_entropy_equal_to_entropy():
    held = []
    for seed in SEEDS:
        p = np.random.default_rng(seed).uniform(0.01, 1, size=3)
        _, stats = exp.entropy_split(p, p * 7.0)   # the same distribution, other weights
        held.append(abs(stats["kl"]) < 1e-12
                    and math.isclose(stats["cross_entropy"], stats["entropy"], rel_tol=1e-12))
    report("q = p: KL = 0 and H(p, q) = H(p)", held)


def test_cross_entropy_is_entropy_plus_kl_and_one_hot_p_gives_minus_log_q():
    held = []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        p, q = rng.uniform(0.01, 1, size=3), rng.uniform(0.01, 1, size=3)
        _, stats = exp.entropy_split(p, q)
        k = int(rng.integers(3))
        _, hot = exp.entropy_split(np.eye(3)[k], q)
        held.append(math.isclose(stats["cross_entropy"], stats["entropy"] + stats["kl"], rel_tol=1e-12)
                    and stats["kl"] > 0 and hot["entropy"] == 0
                    and math.isclose(hot["cross_entropy"], -math.log(q[k] / q.sum()), rel_tol=1e-12))
    report("H(p, q) = H(p) + KL(p‖q); one-hot p: H(p) = 0, H(p, q) = −log q_k", held)
