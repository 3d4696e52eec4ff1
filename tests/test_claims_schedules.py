"""Claims of the learning-rate lesson, checked over seeds (issue 15: true on every seed).

The LR range test's suggestion, applied as a constant η on the page's default run (40 epochs,
batch 32), must end within 2x of the best final training loss over a grid of 9 fixed η
(1e-3 .. 10, log-spaced) in at least 9 of 10 seeds, for SGD and for Adam.
The other tests state the page's text, tips and presets (defaults: η₀ = 0.3, constant, SGD,
40 epochs, batch 32) and check them on seeds 0..9, printing what they measured.
"""
import math
from functools import lru_cache

import numpy as np
import pytest

from experiments import schedules as exp

pytestmark = pytest.mark.slow
GRID = np.geomspace(1e-3, 10, 9)
SEEDS = range(10)


@lru_cache(maxsize=None)
def _final_loss(lr, optimizer, seed, schedule="constant"):
    hist = exp.train(float(lr), schedule, optimizer, epochs=40, batch_size=32, seed=seed)
    loss = hist.epochs["train_loss"][-1]
    return loss if hist.diverged_at is None and math.isfinite(loss) else math.inf


@lru_cache(maxsize=None)
def summary(lr, seed, schedule="constant"):
    """lr_runs' summary of the page's four runs, indexed by the multiple of η₀."""
    return exp.lr_runs(lr, schedule, "sgd", 40, 32, seed)[2].set_index("multiple")


def finals(lr, multiple, schedule="constant"):
    """Final loss of the η₀ × multiple run per seed (inf where it diverged)."""
    rows = [summary(lr, seed, schedule).loc[multiple] for seed in SEEDS]
    out = np.array([math.inf if not np.isnan(r.diverged_at) else r.final_loss for r in rows])
    print(f"\nη₀ = {lr} ({schedule}) × {multiple}: final loss per seed {np.round(out, 3).tolist()}")
    return out


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_suggested_lr_ends_within_2x_of_the_best_fixed_lr_in_9_of_10_seeds(optimizer):
    good = []
    for seed in SEEDS:
        _, suggested = exp.range_test(optimizer, 32, seed)
        best = min(_final_loss(lr, optimizer, seed) for lr in GRID)
        good.append(_final_loss(suggested, optimizer, seed) <= 2 * best)
    print(f"\n{optimizer}: suggestion within 2x of the best fixed η in {sum(good)} of 10 seeds")
    assert sum(good) >= 9


def test_default_four_runs_too_small_good_too_big_far_too_big():
    # text: "too small crawls, a good one falls fast, too big usually stalls far higher, and far
    # too big usually blows up. On the defaults η₀ × 10 ends at least twice as high as η₀ in at
    # least 9 of 10 seeds, and η₀ × 100 overflows within 5 steps in 6 of 10 seeds; in the others
    # it ends above where it started." (seed 5's η₀ × 10 run is on the edge: here it ends at 0.051,
    # η₀ at 0.044; on another machine's round-off it ended above twice that, so "at least")
    small, good, big, huge = (finals(0.3, m) for m in exp.MULTIPLES)
    print(f"\nη₀ × 10 at least twice as high as η₀ in {np.sum(big >= 2 * good)} of 10 seeds")
    assert np.all(small > good) and np.sum(big >= 2 * good) >= 9 and np.all(big > good)
    assert np.all(good == np.minimum.reduce([small, good, big, huge]))      # "(best)" in the verdict
    gone = [summary(0.3, seed).loc[100] for seed in SEEDS]
    diverged = [r for r in gone if not np.isnan(r.diverged_at)]
    print(f"\nη = 30 diverged in {len(diverged)} of 10 seeds, at steps {[int(r.diverged_at) for r in diverged]}")
    assert len(diverged) == 6 and all(r.diverged_at <= 5 for r in diverged)
    assert all(r.final_loss > r.start_loss for r in gone if np.isnan(r.diverged_at))


def test_small_lr_preset_falls_less_than_halfway():
    # preset "η = 0.003": "how far will the loss fall in 40 epochs?" -> from 0.69 to 0.3–0.5
    assert np.all(finals(0.003, 1) > 0.3)


def test_big_lr_preset_does_not_train_faster():
    # preset "η = 3": "Will it train faster?" -> no, it ends higher than η = 0.3 on every seed
    assert np.all(finals(3.0, 1) > finals(0.3, 1))


def test_lr_30_preset_usually_diverges_in_the_first_steps():
    # preset "η = 30": "what happens in the very first steps?"
    steps = [summary(30.0, seed).loc[1].diverged_at for seed in SEEDS]
    print(f"\nη = 30 diverged at {steps}")
    assert sum(not np.isnan(k) and k <= 10 for k in steps) >= 5


def test_warm_up_then_cosine_usually_rescues_lr_3():
    # preset "Warm-up then cosine": "... Will it train better than η = 3 held constant?"
    # -> usually: in 9 of 10 seeds it ends below 0.2. A constant η = 3 ends above 0.2 in 9 of 10
    # (seed 5: 0.106, where warm-up does not beat it), so of the 9 failures warm-up rescues 8.
    rescued = finals(3.0, 1, "warmup_cosine") < 0.2
    failed = finals(3.0, 1) > 0.2
    print(f"\nwarm-up then cosine rescues η = 3 in {rescued.sum()} of 10 seeds, "
          f"{(rescued & failed).sum()} of the {failed.sum()} where constant η = 3 failed")
    assert rescued.sum() >= 9 and failed[0] and failed.sum() >= 9 and (rescued & failed).sum() >= 8


def test_cosine_damps_the_epoch_to_epoch_wiggles():
    # tip: "Switch the schedule to cosine: the epoch-to-epoch wiggles of the η = 0.3 run die
    # down as η shrinks to 0."
    for seed in SEEDS:
        wiggle = {}
        for schedule in ("constant", "cosine"):
            loss = exp.train(0.3, schedule, "sgd", 40, 32, seed).epochs["train_loss"]
            wiggle[schedule] = np.abs(np.diff(np.asarray(loss)[-8:])).mean()
        assert wiggle["cosine"] < wiggle["constant"] / 10, (seed, wiggle)


def test_adam_best_lr_is_usually_3_to_30_times_smaller_than_sgds():
    # tip: "Switch to Adam: the best η is smaller than for SGD, usually (9 of 10 seeds) 3 to 30
    # times smaller."
    ratios = []
    for seed in SEEDS:
        best = {o: GRID[np.argmin([_final_loss(lr, o, seed) for lr in GRID])] for o in ("sgd", "adam")}
        ratios.append(best["sgd"] / best["adam"])
    print(f"\nbest η SGD / Adam per seed: {np.round(ratios, 1).tolist()}")
    assert all(r > 1 for r in ratios) and sum(3 <= r <= 32 for r in ratios) >= 9


def test_spread_sentence_counts_what_the_runs_did():
    spread = exp.seed_spread(0.3, seeds=3)
    said = exp.spread_sentence(spread)
    assert said.startswith("Over 3 seeds: η = 0.03 (÷10) ended at loss ")
    assert "η = 0.3 ended at loss" in said and "the best of the four in 3" in said
    gone = int(spread[spread["multiple"] == 100]["diverged_at"].notna().sum())
    assert (f"η = 30 (×100) diverged in {gone}" in said) == (gone > 0)


def test_decaying_eta_gets_past_the_shallow_dip_like_a_large_eta_and_then_settles():
    # "Why decaying η helps" (pages/schedules.py DECAY_TEXT), seeds 0..9, 200 runs each:
    # η = 0.05: no run leaves the dip; η = 0.35: 89–95% past the barrier, 13.5–21% settled;
    # η = 0.35 decaying: 89–95% settled, every run past the barrier.
    from experiments import decay
    frames = [decay.runs(seed) for seed in SEEDS]
    ends = [decay.ends(f) for f in frames]
    early = np.array([f.query("run == 'large' and step == 5")["escaped"].item() for f in frames])
    print(f"\nη = 0.35: past the barrier after 5 steps {early.min():.3f}–{early.max():.3f}")
    assert np.all(early >= 0.78) and early.max() <= 0.88   # "jump most runs over it (78–88% within 5 steps"
    rates = {k: np.array([e[k] for e in ends]) for k in decay.RUNS}   # (seed, (escaped, settled))
    for k, r in rates.items():
        print(f"\n{k}: past the barrier {r[:, 0].min():.3f}–{r[:, 0].max():.3f}, "
              f"in the deep minimum {r[:, 1].min():.3f}–{r[:, 1].max():.3f}")
    assert np.all(rates["small"] == 0)
    assert np.all((0.89 <= rates["large"][:, 0]) & (rates["large"][:, 0] <= 0.95))
    assert np.all((0.135 <= rates["large"][:, 1]) & (rates["large"][:, 1] <= 0.21))
    assert np.all((0.89 <= rates["decaying"][:, 1]) & (rates["decaying"][:, 1] <= 0.95))
    assert np.all(rates["decaying"][:, 1] == rates["decaying"][:, 0])
    gap = np.abs(rates["decaying"][:, 0] - rates["large"][:, 0])
    print(f"past the barrier, decaying vs constant large: differ by at most {gap.max():.3f}")
    assert gap.max() <= 0.04                         # "about as often (within 4 points in every seed)"
    from nnlib import trap
    h = 1e-4
    curvature = {m: (trap.full_grad(m + h) - trap.full_grad(m - h)) / (2 * h)
                 for m in (trap.LOCAL_MIN, trap.GLOBAL_MIN)}
    assert round(curvature[trap.GLOBAL_MIN] / curvature[trap.LOCAL_MIN], 2) == 2.5   # "2.5 times steeper"
    assert round(2 / curvature[trap.GLOBAL_MIN], 2) == 0.38 and 0.35 < 2 / curvature[trap.GLOBAL_MIN]
