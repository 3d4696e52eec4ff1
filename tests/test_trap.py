"""The local-minimum trap (nnlib.trap): the finite sum, its batches, and who escapes."""
import warnings
from itertools import combinations

import numpy as np
import pytest

from experiments import traps as lesson
from nnlib import schedules, trap

GRID = np.linspace(-2.5, 2.5, 41)


def example_loss(theta, c_a):
    """ℓ_a(θ) = 3θ⁴/20 − 3θ³/10 − 3θ²/4 + c_a θ, written out from the formula."""
    return 3 * theta**4 / 20 - 3 * theta**3 / 10 - 3 * theta**2 / 4 + c_a * theta


def test_tilts_sum_to_zero_with_the_stated_spread():
    c = trap.tilts()
    assert c.shape == (trap.N_EXAMPLES,)
    assert abs(c.sum()) < 1e-12
    assert c.std() == pytest.approx(trap.SPREAD, rel=1e-12)


def test_full_loss_is_the_mean_of_the_example_losses():
    c = trap.tilts()
    per_example = example_loss(GRID[None, :], c[:, None])
    np.testing.assert_allclose(trap.full_loss(GRID), per_example.mean(axis=0), atol=1e-12)


def test_batch_loss_is_the_mean_over_its_examples():
    c = trap.tilts()
    batches = np.array([[3], [0], [5]]), np.array([[1, 7, 8], [2, 60, 11]])
    for batch in batches:
        expected = example_loss(GRID[None, None, :], c[batch][:, :, None]).mean(axis=1)
        np.testing.assert_allclose(trap.batch_loss(GRID, batch), expected, atol=1e-12)


def test_gradients_match_finite_differences():
    h = 1e-6
    fd = (trap.full_loss(GRID + h) - trap.full_loss(GRID - h)) / (2 * h)
    np.testing.assert_allclose(trap.full_grad(GRID), fd, atol=1e-7)
    batch = np.array([4, 9, 33])
    fd = (trap.batch_loss(GRID + h, batch) - trap.batch_loss(GRID - h, batch)) / (2 * h)
    slope = trap.full_grad(GRID) + trap.tilts()[batch].mean()     # dL(B)/dθ = L'(θ) + c̄_B
    np.testing.assert_allclose(slope, fd, atol=1e-7)


def test_shape_of_the_full_loss():
    for point in (trap.LOCAL_MIN, trap.BARRIER, trap.GLOBAL_MIN):
        assert trap.full_grad(point) == 0
    h = 1e-3
    assert trap.full_loss(trap.LOCAL_MIN) < min(trap.full_loss(trap.LOCAL_MIN + h),
                                                trap.full_loss(trap.LOCAL_MIN - h))
    assert trap.full_loss(trap.BARRIER) > max(trap.full_loss(trap.BARRIER + h),
                                              trap.full_loss(trap.BARRIER - h))
    assert lesson.START < trap.LOCAL_MIN < trap.BARRIER < trap.GLOBAL_MIN
    # a dip you can see: 0.3 below the barrier; the global minimum 12 times deeper
    assert trap.full_loss(trap.BARRIER) - trap.full_loss(trap.LOCAL_MIN) == pytest.approx(0.3)
    # L(5/2) = 0.15·2.5⁴ − 0.3·2.5³ − 0.75·2.5²
    assert trap.full_loss(trap.GLOBAL_MIN) == pytest.approx(-3.515625)
    lo, hi = lesson.RANGE
    assert lo <= lesson.START and trap.GLOBAL_MIN < hi


def test_some_batches_have_no_local_minimum():
    """The course notes' cartoon of L(B): its local minimum moves around, and sometimes vanishes."""
    theta = np.linspace(-1.6, trap.BARRIER, 400)
    batches = trap.sample_batches(1, 64, np.random.default_rng(0))
    slopes = trap.full_grad(theta)[None, :] + trap.tilts()[batches].mean(axis=1)[:, None]  # (64, 400)
    has_minimum = ((slopes[:, :-1] < 0) & (slopes[:, 1:] > 0)).any(axis=1)
    assert 0 < has_minimum.mean() < 1


def test_sample_batches_are_distinct_and_uniform():
    rng = np.random.default_rng(0)
    picks = trap.sample_batches(5, (200, 3), rng)
    assert picks.shape == (200, 3, 5)
    assert picks.min() >= 0 and picks.max() < trap.N_EXAMPLES
    assert (np.sort(picks, axis=-1)[..., 1:] > np.sort(picks, axis=-1)[..., :-1]).all()
    pairs = np.sort(trap.sample_batches(2, 20000, rng, n=5), axis=1)
    counts = {pair: 0 for pair in combinations(range(5), 2)}
    for pair in map(tuple, pairs.tolist()):
        counts[pair] += 1
    freq = np.array(list(counts.values())) / 20000      # each of the 10 pairs: 0.1 ± 0.002
    assert np.abs(freq - 0.1).max() < 0.01


def test_large_batches_are_the_complement_of_a_uniform_small_one():
    rng = np.random.default_rng(0)
    picks = trap.sample_batches(61, (300, 2), rng)      # drawn as the 3 examples left out
    assert picks.shape == (300, 2, 61) and picks.min() >= 0 and picks.max() < trap.N_EXAMPLES
    assert (np.sort(picks, axis=-1)[..., 1:] > np.sort(picks, axis=-1)[..., :-1]).all()
    left_out = [tuple(sorted(set(range(5)) - set(b))) for b in
                trap.sample_batches(3, 20000, rng, n=5).tolist()]
    counts = {pair: left_out.count(pair) for pair in combinations(range(5), 2)}
    freq = np.array(list(counts.values())) / 20000      # each of the 10 pairs: 0.1 ± 0.002
    assert np.abs(freq - 0.1).max() < 0.01


def test_full_batch_gradient_descent_by_hand():
    ends, escaped = trap.trap_runs(batch_size=trap.N_EXAMPLES, lr=0.1, steps=30, n_runs=3)
    theta = trap.OUTER_WALL                 # the runs' default start
    for _ in range(30):                     # θ ← θ − η (3θ³/5 − 9θ²/10 − 3θ/2)
        theta -= 0.1 * (0.6 * theta**3 - 0.9 * theta**2 - 1.5 * theta)
    np.testing.assert_allclose(ends, theta, rtol=1e-14)
    assert not escaped.any()


def test_a_schedule_sets_each_steps_learning_rate():
    make = lambda opt: schedules.StepLR(opt, step_size=10, gamma=0.5)      # noqa: E731
    ends, _ = trap.trap_runs(batch_size=trap.N_EXAMPLES, lr=0.3, steps=30, n_runs=2, schedule=make)
    theta = trap.OUTER_WALL
    for t in range(30):                     # η_t = 0.3 · 0.5^⌊t / 10⌋
        theta -= 0.3 * 0.5 ** (t // 10) * trap.full_grad(theta)
    np.testing.assert_allclose(ends, theta, rtol=1e-14)


def test_full_batch_is_deterministic_and_stuck():
    ends_a, escaped_a = trap.trap_runs(batch_size=trap.N_EXAMPLES, n_runs=50, seed=0)
    ends_b, _ = trap.trap_runs(batch_size=trap.N_EXAMPLES, n_runs=50, seed=1)
    np.testing.assert_array_equal(ends_a, ends_b)
    np.testing.assert_allclose(ends_a, trap.LOCAL_MIN, atol=1e-6)
    assert escaped_a.mean() == 0


def test_small_batches_escape_and_big_batches_do_not():
    rates = {b: trap.trap_runs(batch_size=b, lr=0.17, n_runs=400, seed=7)[1].mean()
             for b in (1, 4, 16)}
    assert 0.95 <= rates[1] < 1                # nearly all escape, and a few hop back
    assert 0.6 <= rates[4] <= 0.85
    assert rates[1] > rates[4] > rates[16]
    assert rates[16] < 0.05


def test_escaped_runs_end_in_the_global_basin():
    ends, escaped = trap.trap_runs(batch_size=4, lr=0.17, steps=300, n_runs=300, seed=2)
    np.testing.assert_array_equal(escaped, ends > trap.BARRIER)
    assert abs(np.median(ends[escaped]) - trap.GLOBAL_MIN) < 0.1
    assert abs(np.median(ends[~escaped]) - trap.LOCAL_MIN) < 0.1


def test_paths_record_every_step_of_trap_runs():
    thetas, batches = trap.trap_paths(batch_size=3, lr=0.17, steps=40, n_runs=5, seed=4, shown=2)
    ends, _ = trap.trap_runs(batch_size=3, lr=0.17, steps=40, n_runs=5, seed=4)
    assert thetas.shape == (41, 5) and batches.shape == (40, 2, 3)
    np.testing.assert_array_equal(thetas[0], trap.OUTER_WALL)
    np.testing.assert_array_equal(thetas[-1], ends)
    c = trap.tilts()
    for run in (0, 1):   # θ ← θ − η (3θ³/5 − 9θ²/10 − 3θ/2 + mean c over the recorded batch)
        theta = thetas[:-1, run]
        slope = 0.6 * theta**3 - 0.9 * theta**2 - 1.5 * theta + c[batches[:, run]].mean(axis=1)
        np.testing.assert_allclose(thetas[1:, run], theta - 0.17 * slope, rtol=1e-12, atol=1e-15)
    full, none = trap.trap_paths(batch_size=trap.N_EXAMPLES, steps=10, n_runs=2)
    assert none.shape == (10, 1, 0) and (full[:, 0] == full[:, 1]).all()


def test_runs_are_seeded():
    a, _ = trap.trap_runs(batch_size=2, n_runs=20, seed=5)
    b, _ = trap.trap_runs(batch_size=2, n_runs=20, seed=5)
    c, _ = trap.trap_runs(batch_size=2, n_runs=20, seed=6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert len(np.unique(a)) == 20               # every run draws its own batches


def test_divergence_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ends, escaped = trap.trap_runs(batch_size=1, lr=3.0, steps=50, n_runs=10)
    assert np.isnan(ends).all() and not escaped.any()


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "batch size must be >= 1"),
    ({"batch_size": 65}, "batch size must be <= 64"),
    ({"lr": -0.1}, "learning rate must be > 0"),
    ({"n_runs": 0}, "number of runs must be >= 1"),
])
def test_bad_settings_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        trap.trap_runs(**kwargs)
