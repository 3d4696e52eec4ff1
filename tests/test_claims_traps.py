"""Claims of the local-minimum traps lesson, checked over 10 seeds (issue 15: true on every seed).

Each test states a sentence the page shows (text, verdict, tip or preset question) and checks it on
the page's defaults (start −2.2, batch 4, η = 0.17, μ = 0, 200 steps, 200 seeded runs) or on the
preset it belongs to, for seeds 0..9, printing the measured rates.
"""
from functools import lru_cache

import numpy as np
import pytest

from experiments import traps as exp

pytestmark = pytest.mark.slow
SEEDS = range(10)
DEFAULTS = dict(start=-2.2, batch_size=4, lr=0.17, momentum=0.0, steps=200, n_runs=200)


@lru_cache(maxsize=None)
def rate(seed, **changes):
    s = DEFAULTS | changes
    return exp.escape_rate(s["batch_size"], s["lr"], s["momentum"], s["start"], s["steps"],
                           s["n_runs"], seed)


def rates(**changes):
    measured = np.array([rate(seed, **changes) for seed in SEEDS])
    print(f"\n{changes or 'defaults'}: escape rate per seed {np.round(measured, 3).tolist()}")
    return measured


def test_full_batch_stays_in_the_local_minimum_from_the_default_start():
    # text: "Full-batch gradient descent (blue ball) rolls into the first dip and stays there."
    for seed in SEEDS:
        ends = exp.endings(**DEFAULTS | {"batch_size": exp.FULL, "n_runs": 1}, seed=seed)
        assert ends["basin"].tolist() == ["local"] and abs(ends["theta"].iloc[0] + 1) < 1e-3


def test_batch_4_escapes_in_about_3_of_4_runs_within_200_steps():
    # verdict on the defaults; text "about 3 in 4 runs escape within 200 steps"
    assert np.all((rates() >= 0.6) & (rates() <= 0.85))


def test_batch_4_escapes_in_at_least_9_of_10_runs_within_500_steps():
    # the "escaped within N steps" panel: 200 steps is a snapshot, the rate keeps rising with N
    for seed in SEEDS:
        within = exp.escape_within(**DEFAULTS, seed=seed).set_index("step")["escape_rate"]
        print(f"\nseed {seed}: within 100/200/300/500 steps "
              f"{[float(within[n]) for n in (100, 200, 300, 500)]}")
        assert within[500] >= 0.9 and within[100] < within[200] < within[300] <= within[500]
        assert within[200] == rate(seed)        # the same runs as the histogram's


def test_batch_1_preset_nearly_every_run_escapes():
    # preset "Batch size 1": "What fraction of the runs reaches the global minimum?" -> 97-99 %
    assert np.all(rates(batch_size=1) >= 0.95)


def test_bigger_lr_preset_more_escapes_and_the_full_batch_ball_stays():
    # preset "Learning rate 0.25": "More or fewer escapes? And the full-batch ball?"
    assert np.all(rates(lr=0.25) > rates()) and np.all(rates(lr=0.25) >= 0.95)
    assert np.all(rates(lr=0.25, batch_size=exp.FULL) == 0)


def test_momentum_preset_full_batch_rolls_over_from_the_default_start():
    # preset "Momentum 0.5": "Can even the full-batch ball roll over the barrier now?" -> yes
    assert np.all(rates(momentum=0.5, batch_size=exp.FULL) == 1)
    assert np.all(rates(momentum=0.25, batch_size=exp.FULL) == 0)
    assert np.all(rates(momentum=0.5) >= rates())


def test_momentum_costs_escapes_at_batch_1():
    # text: "momentum scales both the step and the noise by about 1/(1 − μ): at batch 1 it
    # shakes the ball so hard that μ = 0.9 lets fewer runs escape than no momentum"
    plain, heavy = rates(batch_size=1), rates(batch_size=1, momentum=0.9)
    assert np.all(heavy < plain - 0.5)
    for seed in SEEDS[:3]:
        curve = exp.escape_by_momentum(**DEFAULTS | {"batch_size": 1}, seed=seed)
        one = curve[curve["batch"] == "batch 1"]["escape_rate"].to_numpy()
        assert np.all(np.diff(one) < 0)          # every step up in μ loses escapes at batch 1


def test_escape_rate_against_batch_size_tip():
    # tip: "almost every run escapes at batch 1 or 2, about 3 in 4 at batch 4, 1 in 8 at batch 8,
    # at most 1 in 100 from 16 on"
    for b in (1, 2):
        assert np.all(rates(batch_size=b) >= 0.95)
    assert np.all((rates(batch_size=8) >= 0.1) & (rates(batch_size=8) <= 0.2))
    assert np.all(rates(batch_size=16) <= 0.01)
    for b in (32, exp.FULL):
        assert np.all(rates(batch_size=b) == 0)


def test_full_batch_learning_rate_tip():
    # tip: "Keep batch 64 and raise η: from 0.3 to 0.6 one big early step jumps the barrier;
    # at 0.25 it stays; from 0.8 on the ball flies off (diverges)."
    for lr in (0.3, 0.4, 0.5, 0.6):
        assert np.all(rates(batch_size=exp.FULL, lr=lr) == 1)
    assert np.all(rates(batch_size=exp.FULL, lr=0.25) == 0)
    for lr in (0.8, 1.0):
        ends = exp.endings(**DEFAULTS | {"batch_size": exp.FULL, "lr": lr, "n_runs": 1})
        assert ends["basin"].tolist() == ["diverged"]


def test_start_in_the_good_basin_tip():
    # tip: "Start at θ₀ = 1: at least 95 in 100 runs stay in the good basin at every batch size"
    for b in exp.BATCH_SIZES:
        assert np.all(rates(start=1.0, batch_size=b) >= 0.95)


def test_the_seed_barely_moves_the_rates():
    # tip: "Change the seed: the orange-red balls take other paths, the rates barely move (±0.1)."
    measured = rates()
    assert measured.max() - measured.min() <= 0.1
