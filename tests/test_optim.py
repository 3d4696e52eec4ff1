"""Optimizers against hand-worked steps of torch.optim's published update rules.

Each test feeds the same three gradients to a 2-element theta and compares the iterates with
the formula from the torch docs, written out here in plain float/array arithmetic.
"""
import warnings

import numpy as np
import pytest

from experiments import labels
from nnlib import optim

THETA0 = np.array([1.0, -2.0])
G1, G2, G3 = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([-2.0, 0.25])


def run(opt, grads=(G1, G2, G3), theta0=THETA0):
    """The iterates theta_1, theta_2, ... after each step, from a copy of theta0."""
    theta = theta0.copy()
    iterates = []
    for g in grads:
        opt.step(theta, g.copy())
        iterates.append(theta.copy())
    return iterates


def assert_iterates(got, expected):
    for t, (a, b) in enumerate(zip(got, expected, strict=True), start=1):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=f"step {t}")


def test_sgd_plain_steps_against_the_gradient():
    assert_iterates(run(optim.SGD(lr=0.1)), [
        [1 - 0.1 * 1, -2 - 0.1 * 2],
        [0.9 - 0.1 * 0.5, -2.2 + 0.1 * 1],
        [0.85 + 0.1 * 2, -2.1 - 0.1 * 0.25],
    ])


def test_sgd_momentum_buffer_starts_at_the_first_gradient():
    # b1 = g1, b_t = 0.9 b_{t-1} + g_t, theta -= 0.1 b
    b1 = [1.0, 2.0]
    b2 = [0.9 * 1 + 0.5, 0.9 * 2 - 1]            # [1.4, 0.8]
    b3 = [0.9 * 1.4 - 2, 0.9 * 0.8 + 0.25]       # [-0.74, 0.97]
    assert_iterates(run(optim.SGD(lr=0.1, momentum=0.9)), [
        [1 - 0.1 * b1[0], -2 - 0.1 * b1[1]],
        [0.9 - 0.1 * b2[0], -2.2 - 0.1 * b2[1]],
        [0.76 - 0.1 * b3[0], -2.28 - 0.1 * b3[1]],
    ])


def test_sgd_dampening_skips_the_first_step():
    # b1 = g1 (no dampening), then b_t = 0.9 b_{t-1} + (1 - 0.5) g_t
    b2 = [0.9 * 1 + 0.5 * 0.5, 0.9 * 2 + 0.5 * -1]          # [1.15, 1.3]
    b3 = [0.9 * 1.15 + 0.5 * -2, 0.9 * 1.3 + 0.5 * 0.25]    # [0.035, 1.295]
    assert_iterates(run(optim.SGD(lr=0.1, momentum=0.9, dampening=0.5)), [
        [0.9, -2.2],
        [0.9 - 0.1 * b2[0], -2.2 - 0.1 * b2[1]],
        [0.785 - 0.1 * b3[0], -2.33 - 0.1 * b3[1]],
    ])


def test_sgd_nesterov_steps_along_gradient_plus_momentum_times_buffer():
    # same buffers as heavy ball; the step direction is g_t + 0.9 b_t
    d1 = [1 + 0.9 * 1, 2 + 0.9 * 2]                # [1.9, 3.8]
    d2 = [0.5 + 0.9 * 1.4, -1 + 0.9 * 0.8]         # [1.76, -0.28]
    d3 = [-2 + 0.9 * -0.74, 0.25 + 0.9 * 0.97]     # [-2.666, 1.123]
    assert_iterates(run(optim.SGD(lr=0.1, momentum=0.9, nesterov=True)), [
        [1 - 0.1 * d1[0], -2 - 0.1 * d1[1]],
        [0.81 - 0.1 * d2[0], -2.38 - 0.1 * d2[1]],
        [0.634 - 0.1 * d3[0], -2.352 - 0.1 * d3[1]],
    ])


def test_sgd_weight_decay_adds_lambda_theta_and_leaves_grad_untouched():
    # g <- g + 0.1 theta
    t1 = [1 - 0.1 * (1 + 0.1 * 1), -2 - 0.1 * (2 + 0.1 * -2)]                 # [0.89, -2.18]
    t2 = [t1[0] - 0.1 * (0.5 + 0.1 * t1[0]), t1[1] - 0.1 * (-1 + 0.1 * t1[1])]
    t3 = [t2[0] - 0.1 * (-2 + 0.1 * t2[0]), t2[1] - 0.1 * (0.25 + 0.1 * t2[1])]
    assert_iterates(run(optim.SGD(lr=0.1, weight_decay=0.1)), [t1, t2, t3])
    grad = G1.copy()
    optim.SGD(lr=0.1, weight_decay=0.1).step(THETA0.copy(), grad)
    np.testing.assert_array_equal(grad, G1)


def adam_iterates(grads, lr, eps, amsgrad=False):
    """Adam's published rule, moment by moment (betas 0.9, 0.999), for the tests below."""
    theta, m, v, v_max, out = THETA0.copy(), 0.0, 0.0, 0.0, []
    for t, g in enumerate(grads, start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - 0.9**t)
        v_hat = (v_max if amsgrad else v) / (1 - 0.999**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(theta)
    return out


def test_adam_first_step_is_lr_times_sign_of_gradient():
    (theta1,) = run(optim.Adam(lr=0.1), grads=[np.array([3.0, -0.02])])
    np.testing.assert_allclose(theta1, [1 - 0.1, -2 + 0.1], atol=1e-6)


def test_adam_three_steps_match_the_formula_with_bias_correction():
    # step 2 written out: m2 = 0.9*0.1*g1 + 0.1*g2, v2 = 0.999*0.001*g1^2 + 0.001*g2^2
    m2 = 0.09 * G1 + 0.1 * G2
    v2 = 0.000999 * G1**2 + 0.001 * G2**2
    got = run(optim.Adam(lr=0.1, eps=1e-3))
    step2 = 0.1 * (m2 / 0.19) / (np.sqrt(v2 / (1 - 0.999**2)) + 1e-3)
    np.testing.assert_allclose(got[1], got[0] - step2, rtol=1e-12)
    assert_iterates(got, adam_iterates([G1, G2, G3], lr=0.1, eps=1e-3))


def test_adam_amsgrad_divides_by_the_largest_second_moment_so_far():
    grads = [np.array([1.0, 2.0]), np.array([0.0, 0.0]), np.array([0.1, -0.1])]
    # after the zero gradient v2 = 0.999 v1 < v1, so amsgrad keeps v1 at step 2
    got = run(optim.Adam(lr=0.1, eps=1e-8, amsgrad=True), grads)
    assert_iterates(got, adam_iterates(grads, lr=0.1, eps=1e-8, amsgrad=True))
    plain = run(optim.Adam(lr=0.1, eps=1e-8), grads)
    assert not np.allclose(got[1], plain[1])


def test_adam_weight_decay_is_added_to_the_gradient():
    # g' = g + 0.1 theta = [-0.05 + 0.1, 2 - 0.2]: coordinate 0 changes sign, so the step does
    (theta1,) = run(optim.Adam(lr=0.1, weight_decay=0.1), grads=[np.array([-0.05, 2.0])])
    np.testing.assert_allclose(theta1, [1 - 0.1 * 0.05 / (0.05 + 1e-8),
                                        -2 - 0.1 * 1.8 / (1.8 + 1e-8)], rtol=1e-12)


def test_adamw_decays_theta_before_the_adam_step():
    # theta <- theta (1 - lr*wd), then Adam with the plain gradient (its moments don't see wd)
    adam = adam_iterates([G1, G2, G3], lr=0.1, eps=1e-8)
    steps = [adam[0] - THETA0, adam[1] - adam[0], adam[2] - adam[1]]
    t1 = THETA0 * (1 - 0.1 * 0.5) + steps[0]
    t2 = t1 * 0.95 + steps[1]
    t3 = t2 * 0.95 + steps[2]
    assert_iterates(run(optim.AdamW(lr=0.1, weight_decay=0.5)), [t1, t2, t3])


def test_rmsprop_divides_by_root_mean_square():
    # v_t = 0.99 v_{t-1} + 0.01 g^2, theta -= 0.01 g / (sqrt(v) + 1e-8)
    v1 = 0.01 * G1**2
    v2 = 0.99 * v1 + 0.01 * G2**2
    v3 = 0.99 * v2 + 0.01 * G3**2
    t1 = THETA0 - 0.01 * G1 / (np.sqrt(v1) + 1e-8)
    t2 = t1 - 0.01 * G2 / (np.sqrt(v2) + 1e-8)
    t3 = t2 - 0.01 * G3 / (np.sqrt(v3) + 1e-8)
    np.testing.assert_allclose(t1, [1 - 0.1, -2 - 0.1], rtol=1e-7)  # g/sqrt(0.01 g^2) = 10 sign g
    assert_iterates(run(optim.RMSprop(lr=0.01)), [t1, t2, t3])


def test_rmsprop_centered_with_momentum():
    # alpha 0.9: v = 0.9 v + 0.1 g^2, gbar = 0.9 gbar + 0.1 g,
    # b = 0.5 b + g / (sqrt(v - gbar^2) + eps), theta -= 0.01 b
    v1, a1 = 0.1 * G1**2, 0.1 * G1
    v2, a2 = 0.9 * v1 + 0.1 * G2**2, 0.9 * a1 + 0.1 * G2
    v3, a3 = 0.9 * v2 + 0.1 * G3**2, 0.9 * a2 + 0.1 * G3
    b1 = G1 / (np.sqrt(v1 - a1**2) + 1e-8)                 # = g / (0.3 |g|)
    b2 = 0.5 * b1 + G2 / (np.sqrt(v2 - a2**2) + 1e-8)
    b3 = 0.5 * b2 + G3 / (np.sqrt(v3 - a3**2) + 1e-8)
    np.testing.assert_allclose(b1, [1 / 0.3, 1 / 0.3], rtol=1e-7)
    opt = optim.RMSprop(lr=0.01, alpha=0.9, momentum=0.5, centered=True)
    assert_iterates(run(opt), [THETA0 - 0.01 * b1, THETA0 - 0.01 * (b1 + b2),
                               THETA0 - 0.01 * (b1 + b2 + b3)])


def test_adagrad_accumulates_squares_and_decays_the_lr():
    # s starts at 0.1; clr_t = 0.1 / (1 + (t - 1) * 0.5); theta -= clr g / (sqrt(s) + 1e-10)
    s1 = 0.1 + G1**2
    s2 = s1 + G2**2
    s3 = s2 + G3**2
    t1 = THETA0 - 0.1 * G1 / (np.sqrt(s1) + 1e-10)
    t2 = t1 - 0.1 / 1.5 * G2 / (np.sqrt(s2) + 1e-10)
    t3 = t2 - 0.1 / 2.0 * G3 / (np.sqrt(s3) + 1e-10)
    opt = optim.Adagrad(lr=0.1, lr_decay=0.5, initial_accumulator_value=0.1)
    assert_iterates(run(opt), [t1, t2, t3])


CONFIGURED = [
    lambda: optim.SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    lambda: optim.SGD(lr=0.1, momentum=0.8, dampening=0.3),
    lambda: optim.Adam(lr=0.1, amsgrad=True, weight_decay=0.01),
    lambda: optim.AdamW(lr=0.1),
    lambda: optim.RMSprop(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01),
    lambda: optim.Adagrad(lr=0.1, lr_decay=0.1),
]


@pytest.mark.parametrize("make", CONFIGURED)
def test_many_rows_at_once_equal_separate_runs(make):
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=(5, 2))
    grads = rng.normal(size=(3, 5, 2))
    together = run(make(), grads, theta0)[-1]
    for r in range(5):
        alone = run(make(), grads[:, r], theta0[r])[-1]
        np.testing.assert_allclose(together[r], alone, rtol=1e-14)


@pytest.mark.parametrize("make", CONFIGURED)
def test_reset_forgets_the_state(make):
    opt = make()
    run(opt)
    opt.reset()
    assert opt.t == 0 and opt.state == {}
    assert_iterates(run(opt), run(make()))


def test_lr_written_by_a_schedule_is_used_and_initial_lr_kept():
    opt = optim.SGD(lr=0.1)
    opt.lr = 0.5
    (theta1,) = run(opt, grads=[G1])
    np.testing.assert_allclose(theta1, [1 - 0.5, -2 - 1.0])
    assert opt.initial_lr == 0.1


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_overflow_gives_inf_without_warnings(name):
    theta = np.array([1e300, -1e300, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = optim.get(name, lr=1e300)
        for _ in range(3):
            opt.step(theta, np.array([1e308, -1e308, np.inf]))
    assert not np.isfinite(theta).all()


def test_registry_names_defaults_and_labels():
    assert set(optim.OPTIMIZERS) == {"sgd", "momentum", "nesterov", "adam", "adamw",
                                     "rmsprop", "adagrad"}
    assert labels.OPTIMIZERS.keys() == optim.OPTIMIZERS.keys()
    momentum = optim.get("momentum", lr=0.05)
    assert isinstance(momentum, optim.SGD) and momentum.momentum == 0.9 and momentum.lr == 0.05
    assert optim.get("nesterov").nesterov and optim.get("nesterov").momentum == 0.9
    assert optim.get("adamw").weight_decay == 1e-2
    assert optim.get("rmsprop").lr == 1e-2 and optim.get("adagrad").eps == 1e-10
    with pytest.raises(ValueError, match="unknown optimizer 'adamax'"):
        optim.get("adamax")


@pytest.mark.parametrize("make, words", [
    (lambda: optim.SGD(lr=-0.1), "learning rate must be > 0, got -0.1"),
    (lambda: optim.SGD(lr=0), "learning rate must be > 0"),
    (lambda: optim.SGD(momentum=1.0), "momentum must be < 1"),
    (lambda: optim.SGD(momentum=-0.1), "momentum must be >= 0"),
    (lambda: optim.SGD(weight_decay=-1e-3), "weight decay must be >= 0"),
    (lambda: optim.SGD(nesterov=True), "Nesterov momentum requires momentum > 0"),
    (lambda: optim.SGD(momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
    (lambda: optim.Adam(betas=(1.0, 0.999)), "beta1 must be < 1"),
    (lambda: optim.Adam(betas=(0.9, -0.1)), "beta2 must be >= 0"),
    (lambda: optim.AdamW(eps=0.0), "eps must be > 0"),
    (lambda: optim.RMSprop(alpha=1.0), "alpha must be < 1"),
    (lambda: optim.Adagrad(lr_decay=-1), "lr_decay must be >= 0"),
    (lambda: optim.Adagrad(initial_accumulator_value=-1), "initial_accumulator_value"),
    (lambda: optim.Adam(lr="fast"), "learning rate must be a number"),
])
def test_bad_arguments_raise_a_clear_value_error(make, words):
    with pytest.raises(ValueError, match=words):
        make()


def test_subnormal_state_is_flushed_to_zero_every_few_steps():
    """Dead units decay Adam's averages into subnormals, which are slow: they become exactly 0."""
    theta, grad = np.zeros(2), np.array([1.0, 0.0])
    opt = optim.Adam(lr=0.1)
    opt.step(theta, grad)
    opt.state["exp_avg"][1] = opt.state["exp_avg_sq"][1] = 1e-310     # subnormal
    while opt.t % optim.FLUSH_EVERY:
        opt.step(theta, grad)
    assert opt.state["exp_avg"][1] == 0 and opt.state["exp_avg_sq"][1] == 0
    assert opt.state["exp_avg"][0] > 0.1 and opt.state["exp_avg_sq"][0] > 1e-3   # normal ones kept


@pytest.mark.parametrize("make", [lambda v: optim.SGD(lr=0.1, momentum=0.9, nesterov=v),
                                  lambda v: optim.Adam(amsgrad=v),
                                  lambda v: optim.RMSprop(centered=v)])
def test_switches_take_true_or_false_not_any_truthy_string(make):
    assert make(True) is not None and make(False) is not None
    with pytest.raises(ValueError, match="must be True or False, got 'no'"):
        make("no")
