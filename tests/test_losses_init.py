"""Losses, activations and initializers against hand-computed values and finite differences."""
import math

import numpy as np
import pytest

from experiments.backprop import F_LATEX
from nnlib import init, losses
from nnlib.activations import ACTIVATIONS


def central_differences(f, x, eps=1e-6):
    """d f / d x by central differences, one entry of x at a time (f returns a float)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f(x)
        x[i] = old - eps
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


# ---- softmax and cross-entropy --------------------------------------------------------

def test_softmax_matches_hand_values_and_sums_to_one():
    p = losses.softmax(np.array([[0.0, math.log(3.0)], [1000.0, 1000.0]]))
    np.testing.assert_allclose(p, [[0.25, 0.75], [0.5, 0.5]])


def test_cross_entropy_hand_value_and_gradient():
    logits = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])
    y = np.array([2, 0])
    loss, d = losses.softmax_cross_entropy(logits, y)
    e1 = [math.exp(v) for v in (1.0, 2.0, 3.0)]
    e2 = [math.exp(v) for v in (0.5, -0.5, 0.0)]
    expected = (-math.log(e1[2] / sum(e1)) - math.log(e2[0] / sum(e2))) / 2
    assert loss == pytest.approx(expected, rel=1e-14)
    p1 = [v / sum(e1) for v in e1]
    p2 = [v / sum(e2) for v in e2]
    np.testing.assert_allclose(d, [[p1[0] / 2, p1[1] / 2, (p1[2] - 1) / 2],
                                   [(p2[0] - 1) / 2, p2[1] / 2, p2[2] / 2]], rtol=1e-14)


@pytest.mark.parametrize("label, expected_loss, expected_grad", [
    (0, 0.0, [0.0, 0.0]),        # confident and right
    (1, 2000.0, [1.0, -1.0]),    # confident and wrong: 1000 − (−1000)
])
def test_cross_entropy_is_finite_for_huge_logits(label, expected_loss, expected_grad):
    loss, d = losses.softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([label]))
    assert math.isfinite(loss) and np.isfinite(d).all()
    assert loss == expected_loss
    np.testing.assert_array_equal(d, [expected_grad])


def test_cross_entropy_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    logits, y = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    _, d = losses.softmax_cross_entropy(logits, y)
    numeric = central_differences(lambda z: losses.softmax_cross_entropy(z, y)[0], logits.copy())
    np.testing.assert_allclose(d, numeric, rtol=1e-7, atol=1e-10)


def test_cross_entropy_writes_into_out():
    out = np.empty((2, 2))
    _, d = losses.softmax_cross_entropy(np.zeros((2, 2)), np.array([0, 1]), out=out)
    assert d is out
    np.testing.assert_allclose(out, [[-0.25, 0.25], [0.25, -0.25]])


@pytest.mark.parametrize("y", [[0, 2], [-1, 0], [0.0, 1.0], [0]])
def test_cross_entropy_rejects_bad_labels(y):
    with pytest.raises(ValueError, match="label"):
        losses.softmax_cross_entropy(np.zeros((2, 2)), np.array(y))


@pytest.mark.parametrize("n_sets", [3, 400])    # 400 × 8 × 3 entries: the max-shifted lse
def test_stacked_cross_entropy_is_one_mean_per_set_in_either_layout(n_sets):
    rng = np.random.default_rng(3)
    logits, y = rng.normal(size=(n_sets, 8, 3)) * 300, rng.integers(0, 3, 8)   # huge logits too
    expected = [losses.softmax_cross_entropy(z, y)[0] for z in logits]
    np.testing.assert_allclose(losses.cross_entropy(logits, y), expected, rtol=1e-13)
    features_first = np.ascontiguousarray(logits.transpose(0, 2, 1))
    np.testing.assert_allclose(losses.cross_entropy(features_first, y, axis=-2), expected,
                               rtol=1e-13)
    z = logits[0, :2]        # by hand: −(log p of the label) per row, averaged
    by_hand = np.mean([math.log(sum(math.exp(v - row.max()) for v in row)) + row.max() - row[k]
                       for row, k in zip(z, y[:2])])
    assert losses.cross_entropy(z, y[:2]) == pytest.approx(by_hand, rel=1e-13)


def test_stacked_mean_squared_error_is_one_mean_per_set():
    pred = np.array([[[1.0, 2.0], [3.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]]])
    y = np.array([[0.0, 2.0], [5.0, 3.0]])
    np.testing.assert_allclose(losses.mean_squared_error(pred, y),
                               [(1 + 0 + 4 + 1) / 4, (0 + 4 + 25 + 9) / 4])
    with pytest.raises(ValueError, match="targets y must be 4 numbers"):
        losses.mean_squared_error(pred, [1.0, 2.0])
    with pytest.raises(ValueError, match="unknown class axis 0"):
        losses.cross_entropy(pred, np.array([0, 1]), axis=0)


# ---- mean squared error ---------------------------------------------------------------

def test_mse_is_torch_mean_over_all_entries():
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[0.0, 2.0], [5.0, 3.0]])
    loss, d = losses.mse(pred, y)
    assert loss == pytest.approx((1 + 0 + 4 + 1) / 4)
    np.testing.assert_allclose(d, [[2 * 1 / 4, 0.0], [2 * -2 / 4, 2 * 1 / 4]])


def test_mse_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    pred, y = rng.normal(size=(6, 1)), rng.normal(size=6)    # 1-D targets for one output
    _, d = losses.mse(pred, y)
    numeric = central_differences(lambda p: losses.mse(p, y)[0], pred.copy())
    np.testing.assert_allclose(d, numeric, rtol=1e-7, atol=1e-10)


# ---- activations ----------------------------------------------------------------------

def test_activation_values_by_hand():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(ACTIVATIONS["relu"].f(z), [0, 0, 3])
    np.testing.assert_allclose(ACTIVATIONS["leaky_relu"].f(z), [-0.02, 0, 3])
    np.testing.assert_allclose(ACTIVATIONS["tanh"].f(z), [math.tanh(-2), 0, math.tanh(3)])
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].f(z), [1 / (1 + math.exp(2)), 0.5, 1 / (1 + math.exp(-3))],
                               rtol=1e-14)
    np.testing.assert_allclose(ACTIVATIONS["identity"].f(z), z)
    sig = np.array([1 / (1 + math.exp(2)), 0.5, 1 / (1 + math.exp(-3))])
    np.testing.assert_allclose(ACTIVATIONS["elu"].f(z), [math.exp(-2) - 1, 0, 3])
    np.testing.assert_allclose(ACTIVATIONS["softplus"].f(z), np.log1p(np.exp(z)))
    np.testing.assert_allclose(ACTIVATIONS["silu"].f(z), z * sig)
    u = math.sqrt(2 / math.pi) * (z + 0.044715 * z ** 3)             # GELU, torch's tanh form
    np.testing.assert_allclose(ACTIVATIONS["gelu"].f(z), 0.5 * z * (1 + np.tanh(u)))


def test_sigmoid_saturates_without_overflow():
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(ACTIVATIONS["sigmoid"].f(np.array([-1000.0, 1000.0])), [0.0, 1.0])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    act = ACTIVATIONS[name]
    z = np.array([-2.5, -0.7, -0.1, 0.2, 0.9, 3.0])     # away from the kink at 0
    numeric = (act.f(z + 1e-6) - act.f(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(act.df(z, act.f(z)), numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_out_argument_gives_the_same_numbers(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-3, 3, 12).reshape(3, 4)
    a_out, d_out = np.empty_like(z), np.empty_like(z)
    assert act.f(z, out=a_out) is a_out
    assert act.df(z, a_out, out=d_out) is d_out
    np.testing.assert_array_equal(a_out, act.f(z))
    np.testing.assert_array_equal(d_out, act.df(z, act.f(z)))
    assert F_LATEX[name]             # the formula the lessons show: one home, experiments


# ---- initializers ---------------------------------------------------------------------

N_IN, N_OUT = 400, 600     # big fans: 240,000 samples pin the std to well under 1 %


@pytest.mark.parametrize("name, params, std", [
    ("normal", {}, 0.05),
    ("normal", {"std": 0.3}, 0.3),
    ("xavier_normal", {}, math.sqrt(2 / (N_IN + N_OUT))),
    ("xavier_normal", {"gain": 2.0}, 2 * math.sqrt(2 / (N_IN + N_OUT))),
    ("he_normal", {}, math.sqrt(2 / N_IN)),
    ("lecun_normal", {}, math.sqrt(1 / N_IN)),
])
def test_normal_initializers_follow_torch_formulas(name, params, std):
    W = init.INITS[name](N_IN, N_OUT, np.random.default_rng(0), **params)
    assert W.shape == (N_IN, N_OUT)
    assert abs(W.mean()) < 0.01 * std
    assert W.std() == pytest.approx(std, rel=0.01)


@pytest.mark.parametrize("name, params, bound", [
    ("uniform", {}, 0.05),
    ("uniform", {"a": 0.5}, 0.5),
    ("xavier_uniform", {}, math.sqrt(6 / (N_IN + N_OUT))),
    ("he_uniform", {}, math.sqrt(6 / N_IN)),
])
def test_uniform_initializers_follow_torch_formulas(name, params, bound):
    W = init.INITS[name](N_IN, N_OUT, np.random.default_rng(0), **params)
    assert W.shape == (N_IN, N_OUT)
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.999 * bound                   # fills the interval
    assert W.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)


def test_constant_initializers():
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(init.zeros(3, 2, rng), np.zeros((3, 2)))
    np.testing.assert_array_equal(init.constant(3, 2, rng, value=0.7), np.full((3, 2), 0.7))


def test_initializers_are_reproducible_from_the_seed():
    a = init.he_normal(5, 4, np.random.default_rng(3))
    b = init.he_normal(5, 4, np.random.default_rng(3))
    c = init.he_normal(5, 4, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("call, message", [
    (lambda rng: init.he_normal(0, 3, rng), "n_in must be >= 1"),
    (lambda rng: init.xavier_uniform(3, -1, rng), "n_out must be >= 1"),
    (lambda rng: init.normal(3, 3, rng, std=-0.1), "std must be > 0"),
    (lambda rng: init.uniform(3, 3, rng, a=0), "must be > 0"),
    (lambda rng: init.constant(3, 3, rng, value=float("nan")), "finite"),
    (lambda rng: init.he_normal(3, 3, 42), "numpy Generator"),
])
def test_initializers_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call(np.random.default_rng(0))
