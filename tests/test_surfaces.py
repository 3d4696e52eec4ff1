"""2-D test surfaces: analytic gradients, known minima, and descent on them (nnlib.surfaces)."""
import warnings

import numpy as np
import pytest

from experiments.descent import surface as shown
from nnlib import optim, schedules
from nnlib import surfaces as S

# nnlib's surfaces (f, grad, minima) as the descent lesson draws them (limits, start, formula)
ALL = [shown(name, kappa=10.0) for name in S.SURFACES] + [shown("valley", kappa=50)]
IDS = [s.name + ("50" if s.label.endswith("50)") else "") for s in ALL]


def central_difference(f, x, y, h=1e-6):
    return (f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_gradient_matches_finite_differences(surface):
    rng = np.random.default_rng(0)
    x = rng.uniform(*surface.xlim, size=(4, 5))
    y = rng.uniform(*surface.ylim, size=(4, 5))
    gx, gy = surface.grad(x, y)
    fx, fy = central_difference(surface.f, x, y)
    assert gx.shape == gy.shape == surface.f(x, y).shape == (4, 5)
    scale = 1 + np.abs(fx) + np.abs(fy)
    assert np.all(np.abs(gx - fx) < 1e-6 * scale)
    assert np.all(np.abs(gy - fy) < 1e-6 * scale)


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_known_minima_are_stationary_and_minimal(surface):
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    for x, y in surface.minima:
        gx, gy = surface.grad(np.array(x), np.array(y))
        assert abs(gx) < 1e-9 and abs(gy) < 1e-9
        ring = surface.f(x + 1e-3 * np.cos(angles), y + 1e-3 * np.sin(angles))
        assert np.all(ring > surface.f(x, y))
    values = [surface.f(x, y) for x, y in surface.minima]
    assert values[0] <= min(values) + 1e-12          # the global minimum is listed first


@pytest.mark.parametrize("surface", ALL, ids=IDS)
def test_every_surface_is_described(surface):
    assert surface.name in S.SURFACES
    assert surface.xlim[0] < surface.start[0] < surface.xlim[1]
    assert surface.ylim[0] < surface.start[1] < surface.ylim[1]
    assert surface.lr > 0 and surface.formula.startswith("f(x, y) =") and surface.label


@pytest.mark.parametrize("surface", [S.SURFACES["bowl"], S.valley(10), S.valley(1000)])
def test_quadratic_hessian_eigenvalues(surface):
    h = 1e-4
    hessian = np.array([[(surface.grad(h, 0.0)[0] - surface.grad(-h, 0.0)[0]) / (2 * h),
                         (surface.grad(0.0, h)[0] - surface.grad(0.0, -h)[0]) / (2 * h)],
                        [(surface.grad(h, 0.0)[1] - surface.grad(-h, 0.0)[1]) / (2 * h),
                         (surface.grad(0.0, h)[1] - surface.grad(0.0, -h)[1]) / (2 * h)]])
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian), surface.hessian_eigs, rtol=1e-8)


def test_valley_condition_number():
    assert S.valley(kappa=25).hessian_eigs == (1 / 25, 1.0)
    with pytest.raises(ValueError, match="condition number must be >= 1"):
        S.valley(kappa=0.5)


def test_gradient_descent_steps_by_hand():
    bowl = S.SURFACES["bowl"]                      # grad = (x, y): θ ← (1 − lr) θ
    path = S.run(bowl, optim.SGD(lr=0.1), (-2.5, 2.0), steps=2)
    np.testing.assert_allclose(path, [[-2.5, 2.0], [-2.25, 1.8], [-2.025, 1.62]], rtol=1e-15)


@pytest.mark.parametrize("kappa", [1, 10, 100])
def test_quadratic_gd_diverges_exactly_above_two_over_lambda_max(kappa):
    valley = S.valley(kappa)
    lr_max = 2 / valley.hessian_eigs[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stable = S.run(valley, optim.SGD(lr=0.95 * lr_max), (-9.0, 3.0), steps=3000)
        unstable = S.run(valley, optim.SGD(lr=1.05 * lr_max), (-9.0, 3.0), steps=3000)
    assert S.diverged_at(stable) is None
    assert np.abs(stable[-1]).max() < 1e-6
    # GD on f = (x²/κ + y²)/2: x_t = (1 − lr/κ)^t x_0 and y_t = (1 − lr)^t y_0, so with
    # lr = 2.1 the run leaves the box ±1e6 at the first t where |x_t| or |y_t| passes 1e6
    t = np.arange(3001)
    size = np.maximum(9 * abs(1 - 1.05 * lr_max / kappa) ** t, 3 * abs(1 - 1.05 * lr_max) ** t)
    first_out = int(np.argmax(size > 1e6))
    assert first_out > 0 and S.diverged_at(unstable) == first_out
    assert np.isfinite(unstable[:first_out]).all() and np.isnan(unstable[first_out:]).all()


def test_vectorized_runs_equal_separate_runs():
    camel = S.SURFACES["camel"]
    starts = np.array([[-1.5, 1.0], [0.5, -0.5], [1.9, 0.9], [-0.2, 0.1]])
    together = S.run(camel, optim.Adam(lr=0.05), starts, steps=300)
    assert together.shape == (301, 4, 2)
    for r, start in enumerate(starts):
        alone = S.run(camel, optim.Adam(lr=0.05), start, steps=300)
        assert alone.shape == (301, 2)
        np.testing.assert_array_equal(together[:, r], alone)


def test_a_diverging_run_is_frozen_while_the_others_go_on():
    bowl = S.SURFACES["bowl"]
    starts = np.array([[1.0, 1.0], [1e5, 0.0]])      # lr 2.5: |1 − 2.5| = 1.5 growth per step
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = S.run(bowl, optim.SGD(lr=2.5), starts, steps=100)
    # run 1: 1e5 · 1.5^t passes 1e6 at t = 6 (1.5^5 = 7.6, 1.5^6 = 11.4); run 0 at 1.5^t > 1e6: t = 35
    assert S.diverged_at(path) == [35, 6]
    assert np.isnan(path[6:, 1]).all() and np.isfinite(path[:6, 1]).all()


def test_diverged_at_on_hand_made_paths():
    path = np.zeros((6, 2))
    assert S.diverged_at(path) is None
    path[3, 1] = np.inf
    assert S.diverged_at(path) == 3
    runs = np.zeros((6, 3, 2))
    runs[4, 0, 0] = np.nan
    runs[2, 2, 1] = -2e6
    assert S.diverged_at(runs) == [4, None, 2]


def test_noise_is_seeded():
    bowl = S.SURFACES["bowl"]
    a = S.run(bowl, optim.SGD(lr=0.1), (1.0, 1.0), 50, noise_std=0.5, seed=3)
    b = S.run(bowl, optim.SGD(lr=0.1), (1.0, 1.0), 50, noise_std=0.5, seed=3)
    c = S.run(bowl, optim.SGD(lr=0.1), (1.0, 1.0), 50, noise_std=0.5, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    # one noisy step by hand: θ1 = θ0 − lr (θ0 + ε0), with ε0 the first two normals of the seed
    eps = np.random.default_rng(3).normal(0.0, 0.5, (50, 2))[0]
    np.testing.assert_allclose(a[1], 1.0 - 0.1 * (1.0 + eps), rtol=1e-15)


def test_run_follows_a_schedule():
    bowl = S.SURFACES["bowl"]
    opt = optim.SGD(lr=0.1)
    path = S.run(bowl, opt, (1.0, 0.0), steps=3, schedule=schedules.StepLR(opt, step_size=1,
                                                                             gamma=0.5))
    np.testing.assert_allclose(path[:, 0], [1.0, 0.9, 0.9 * 0.95, 0.9 * 0.95 * 0.975])


def test_plateau_schedule_gets_the_loss():
    bowl = S.SURFACES["bowl"]
    opt = optim.SGD(lr=0.1)
    sched = schedules.ReduceLROnPlateau(opt, patience=2)
    # at the minimum the loss stays 0: step 1 sets best = 0, steps 2-4 are 3 > patience bad steps
    S.run(bowl, opt, (0.0, 0.0), steps=4, schedule=sched)
    assert opt.lr == pytest.approx(0.01)


def test_race_equals_separate_runs():
    rosen, start = S.SURFACES["rosenbrock"], shown("rosenbrock").start
    makers = {"sgd": lambda: optim.SGD(lr=1e-3), "adam": lambda: optim.Adam(lr=0.02),
              "nesterov": lambda: optim.get("nesterov", lr=5e-4)}
    cosine = lambda opt: schedules.CosineAnnealingLR(opt, T_max=200)
    paths = S.race(rosen, [(name, make()) for name, make in makers.items()], start, 200,
                   schedule=cosine)
    assert list(paths) == list(makers)
    for name, make in makers.items():
        opt = make()
        alone = S.run(rosen, opt, start, 200, schedule=cosine(opt))
        np.testing.assert_array_equal(paths[name], alone)


def test_racers_share_the_noise():
    bowl = S.SURFACES["bowl"]
    paths = S.race(bowl, [("a", optim.SGD(lr=0.1)), ("b", optim.SGD(lr=0.1))], (1.0, 2.0), 20,
                   noise_std=1.0)
    np.testing.assert_array_equal(paths["a"], paths["b"])


@pytest.mark.parametrize("start, steps, noise, message", [
    ((1.0, 2.0, 3.0), 5, 0.0, "start must be a point"),
    ((1.0, np.nan), 5, 0.0, "finite"),
    ((1.0, 2.0), -1, 0.0, "steps must be >= 0"),
    ((1.0, 2.0), 5, -0.1, "noise std must be >= 0"),
])
def test_bad_input_is_explained(start, steps, noise, message):
    with pytest.raises(ValueError, match=message):
        S.run(S.SURFACES["bowl"], optim.SGD(lr=0.1), start, steps, noise_std=noise)
