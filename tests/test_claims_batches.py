"""Claims of the full batch vs mini-batch lesson, checked over 10 seeds (issue 15: true on every
seed).

Each test states a sentence the page shows (text, tip, preset question or name, the generalization
paragraph) and checks it on the page's defaults (batch sizes full, 64, 8, 1; η = 0.1; 20 epochs;
200 moons) or on the preset it belongs to, for seeds 0..9, printing what it measured.
"""
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from experiments import batches as exp
from pages import batches as page

pytestmark = pytest.mark.slow
SEEDS = range(10)


@lru_cache(maxsize=None)
def runs(seed, sizes=("full", "64", "8", "1"), **changes):
    return exp.runs(sizes, seed=seed, **changes)


def full_loss(seed, size, epoch, **changes):
    """The full training loss L of the run with this batch size after `epoch` epochs."""
    e = runs(seed, **changes)[1]
    return e[(e["batch"] == size) & (e["epoch"] == epoch)]["loss"].iloc[0]


def per_seed(label, values):
    values = np.array(values)
    print(f"\n{label}: {np.round(values, 3).tolist()}")
    return values


def test_per_example_seen_small_batches_are_far_ahead():
    # tip: "Switch the x-axis to examples: per example seen, small batches are far ahead (from
    # epoch 5 on, batch 8's loss is 1.5 to 8 times lower than full batch's)."
    for epoch in (1, 5, 10, 20):
        full = per_seed(f"full batch after {epoch} epochs", [full_loss(s, "full", epoch) for s in SEEDS])
        small = per_seed(f"batch 8 after {epoch} epochs", [full_loss(s, "8", epoch) for s in SEEDS])
        assert np.all(small < full) and (epoch < 5 or np.all((small < full / 1.5) & (small > full / 8)))


def test_per_update_full_batch_keeps_up():
    # tip: "Switch to steps: per update, full batch keeps up with batches 64 and 8 (after 20
    # updates their losses are within 0.03 of each other) ... it just takes far fewer of them."
    full = per_seed("full batch after 20 updates", [full_loss(s, "full", 20) for s in SEEDS])
    b64 = per_seed("batch 64 after 20 updates", [full_loss(s, "64", 5) for s in SEEDS])
    eight = per_seed("batch 8 after 25 updates", [full_loss(s, "8", 1) for s in SEEDS])
    assert np.all(np.abs(full - b64) < 0.03) and np.all(np.abs(full - eight) < 0.03)


def test_batch_1_pays_for_its_updates_in_time():
    # tip: "Switch to seconds: batch 1 pays for its many updates in time."
    ratio = []
    for seed in SEEDS[:3]:
        summary = runs(seed)[2].set_index("batch")
        ratio.append(summary.loc["1", "seconds"] / summary.loc["full", "seconds"])
    assert min(per_seed("training seconds, batch 1 / full batch", ratio)) > 5


def test_band_full_batch_is_one_run_batch_1_a_different_one_each_shuffle():
    # tip: "Tick the spread band: full batch gives the same run for every shuffle, batch 1 a
    # different run each time."
    for seed in SEEDS:
        e = runs(seed, ("full", "1"), epochs=3, band=True)[1]
        full, one = e[e["batch"] == "full"], e[e["batch"] == "1"]
        np.testing.assert_allclose(full["loss_min"], full["loss_max"], rtol=1e-12)   # to round-off:
        # the band's runs are trained at once (nnlib.batched), the run itself alone
        assert (one["loss_max"] - one["loss_min"]).iloc[1:].min() > 0


def test_raising_eta_to_1_batch_1_misbehaves_first():
    # tip: "Raise the learning rate to 1: which batch size misbehaves first?" -> batch 1: its
    # full loss ends highest of the four, above 0.5 (it starts near 0.69), on every seed
    highest, ends = [], []
    for seed in SEEDS:
        final = runs(seed, lr=1.0)[2].set_index("batch")["final_loss"]
        highest.append(final.idxmax())
        ends.append(final["1"])
    print(f"\nη = 1: highest final loss {highest}")
    assert highest == ["1"] * 10 and min(per_seed("batch 1's final loss at η = 1", ends)) > 0.5


def spread_of_minima(size, seed):
    """How far the lowest points of the L(B) curves of the slice scatter (std of their t), and
    how far the curves are from L (mean squared difference)."""
    cut = exp.slice_losses(size, seed=seed, points=21).pivot(index="t", columns="curve", values="loss")
    batches = cut.drop(columns="L")
    return batches.idxmin().std(), (batches.sub(cut["L"], axis=0) ** 2).mean().mean()


def test_slice_red_curves_close_in_on_the_blue_one_and_their_minima_move_less():
    # tip: "In the slice, pick batch 1, then full: the red curves close in on the blue one."
    # text: "its slope and its lowest point (diamond) move from batch to batch, and they move
    # more the smaller the batch."
    closer = 0
    for seed in SEEDS:
        (m1, d1), (m64, d64), (_, dfull) = (spread_of_minima(s, seed) for s in ("1", "64", "full"))
        print(f"\nseed {seed}: minima scatter batch 1 {m1:.3f}, batch 64 {m64:.3f}; "
              f"distance to L {d1:.4f}, {d64:.5f}, {dfull:.1e}")
        assert d1 > d64 > dfull and dfull < 1e-20
        closer += m1 > m64
    assert closer == 10


def test_batch_1_preset_is_noisier_and_lower_after_20_epochs():
    # preset question: "Which curve will be smoother, and which will be lower after 20 epochs?"
    for seed in SEEDS:
        steps = runs(seed, ("full", "1"))[0]
        late = {b: steps.loc[steps["batch"] == b, "loss"].to_numpy() for b in ("full", "1")}
        jumps = {b: np.std(np.diff(loss[len(loss) // 2:])) for b, loss in late.items()}
        assert jumps["1"] > 100 * jumps["full"]          # over the second half of the run
    lower = per_seed("batch 1 − full batch after 20 epochs",
                     [full_loss(s, "1", 20) - full_loss(s, "full", 20) for s in SEEDS])
    assert np.all(lower < 0)


def test_same_examples_seen_a_small_batch_is_ahead():
    # preset question: "After every run has seen the same 1000 examples, which batch size is ahead?"
    ahead = []
    for seed in SEEDS:
        at = {size: full_loss(seed, size, 5) for size in ("full", "64", "8", "1")}
        ahead.append(min(at, key=at.get))
    print(f"\nahead after 1000 examples: {ahead}")
    assert set(ahead) <= {"8", "1"}


def test_full_batch_is_smooth_but_slow_preset():
    # preset name "Full batch is smooth but slow" (full and 8, 40 epochs): full batch's loss
    # falls at every epoch, and is above batch 8's at every epoch after the start
    for seed in SEEDS:
        e = runs(seed, ("full", "8"), epochs=40)[1]
        full, eight = (e[e["batch"] == b]["loss"].to_numpy() for b in ("full", "8"))
        assert np.all(np.diff(full) < 0) and np.all(full[1:] > eight[1:])


@lru_cache(maxsize=None)
def trained_alike(seed):
    """same_training_loss with full batch trained 30 times as long (600 epochs), batch 64 150."""
    parts = [exp.runs((size,), epochs=epochs, seed=seed)[1]
             for size, epochs in (("full", 600), ("64", 150), ("8", 20), ("1", 20))]
    return exp.same_training_loss(pd.concat(parts, ignore_index=True)).set_index("batch")


def test_generalization_paragraph():
    # "On the defaults (20 epochs) the small batches end lower there too, but because they have
    # trained further ...: trained down to the same training loss (full batch for 30 times as
    # many epochs), batches 64 and 8 reach a validation loss within 0.05 of full batch's in 10
    # of 10 seeds; batch 1 lands further off (up to 0.16)."
    assert "within 0.05 of full batch's in 10 of 10" in page.HONEST_GENERALIZATION
    for seed in SEEDS:
        e = runs(seed)[1].groupby("batch").tail(1).set_index("batch")["val_loss"]
        assert e["8"] < e["64"] < e["full"] and e["1"] < e["full"]
    off = {size: per_seed(f"batch {size}: largest |Δ validation loss| at equal training loss",
                          [trained_alike(s).loc[size, "largest"] for s in SEEDS])
           for size in ("64", "8", "1")}
    assert np.all(off["64"] < 0.05) and np.all(off["8"] < 0.05)
    assert off["1"].max() <= 0.17 and off["1"].max() > max(off["64"].max(), off["8"].max())
    assert all(trained_alike(s).loc["8", "compared"] == 21 for s in SEEDS)   # every epoch compared


def test_one_fixed_order_changes_nothing_systematic():
    # setting "reshuffle every epoch" (pages/batches.py FIXED_ORDER): with one fixed order (the
    # first epoch's, kept) batches 64 and 8 end within 0.025 of the reshuffled run's training
    # and validation loss in 10 of 10 seeds, above in some seeds and below in others; batch 1
    # lands up to 0.14 away, either way.
    gaps = {}
    for size in ("64", "8", "1"):
        for column in ("loss", "val_loss"):
            mine = [runs(s)[1].query(f"batch == '{size}'")[column].iloc[-1] for s in SEEDS]
            fixed = [runs(s, sizes=("64", "8", "1"), reshuffle=False)[1]
                     .query(f"batch == '{size}'")[column].iloc[-1] for s in SEEDS]
            gaps[size, column] = per_seed(f"batch {size}, {column}: fixed order − reshuffled",
                                          np.subtract(fixed, mine))
    for size in ("64", "8"):
        for column in ("loss", "val_loss"):
            g = gaps[size, column]
            assert np.all(np.abs(g) < 0.025) and (g > 0).any() and (g < 0).any(), (size, column)
    one = np.r_[gaps["1", "loss"], gaps["1", "val_loss"]]
    assert np.abs(one).max() < 0.14 and (one > 0).any() and (one < 0).any()
    first = [runs(s, sizes=("8",), reshuffle=False)[1].query("epoch == 1")["loss"].item() for s in SEEDS[:2]]
    np.testing.assert_allclose(   # the same first epoch; its loss summed in another row order
        first, [runs(s)[1].query("batch == '8' and epoch == 1")["loss"].item() for s in SEEDS[:2]],
        rtol=1e-12)
