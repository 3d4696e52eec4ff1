"""The one work budget (experiments.budget): its formula, its calibration, its one sentence."""
import pytest

from experiments import batches, budget, initialization, landscape, playground, regularization, schedules
from experiments.budget import Run, seconds


def test_the_estimate_is_the_formula_worked_out_by_hand():
    # 2-3-2: L = 2 layers, M = 2·3 + 3·2 = 12 multiply-adds, W = 3·3 + 4·2 = 17 parameters;
    # 10 rows in batches of 4: 3 updates per epoch (the last with 2 rows counts as 4), 2 epochs
    update = 12 + 2 * 6 + 3 * 4 * 12 * 1e-4 + 17 * 1e-3
    evaluate = 2 * 6 + 10 * 12 * 1e-4
    assert seconds([Run((2, 3, 2), 10, 4, 2)]) == pytest.approx((6 * update + 2 * evaluate) * 1e-6)
    twice = seconds([Run((2, 3, 2), 10, 4, 2, count=2)])
    assert twice == pytest.approx(2 * seconds([Run((2, 3, 2), 10, 4, 2)]))
    assert Run((2, 3, 2), 10, None, 5).updates == 5          # full batch: one update per epoch


def test_the_calibration_stated_in_the_docstring():
    assert round(budget.update_us((2, 16, 16, 2), 1)) == 30
    assert round(budget.update_us((2, 16, 16, 2), 32)) == 33
    assert seconds([Run((2, 16, 16, 2), 1000, 32, 200)]) == pytest.approx(0.22, abs=0.005)
    assert seconds([Run((2, 64, 64, 64, 3), 1000, 32, 200)]) == pytest.approx(0.98, abs=0.005)


def test_each_limit_is_the_largest_view_allowed_before():
    """The views named in the docstring sit just under their lesson's limit."""
    assert seconds(batches.check_work(batches.SIZES, 60, 1000, 2, band=True).runs) <= batches.LIMIT_S
    assert seconds([Run((2, 16, 16, 2), 200, 1, 300)]) <= landscape.LIMIT_S
    assert seconds([Run((2, *[16] * 10, 2), 300, 32, 50, count=9)]) <= initialization.LIMIT_S
    assert seconds([Run((2, 128, 128, 2), 160, 16, 370, evaluated=360, count=4)]) \
        <= regularization.LIMIT_S
    assert seconds([Run((2, 16, 16, 2), 750, 1, 133, evaluated=1000)]) <= playground.LIMIT_S


def test_check_returns_the_estimate_or_refuses_in_one_sentence():
    small = [Run((2, 16, 16, 2), 200, 20, 10)]
    assert budget.check(small, 1.0, "a run", "use fewer epochs") == seconds(small)
    big = [Run((2, 16, 16, 2), 1000, 1, 60, count=2)]
    with pytest.raises(ValueError) as refused:
        budget.check(big, 1.0, "2 runs for 60 epochs", "use fewer epochs")
    text = str(refused.value)
    assert text.startswith("this view trains 2 runs for 60 epochs: 120,000 updates, about 3.7 s")
    assert text.endswith("the limit is 1 s so that the page stays quick for everyone: use fewer epochs")


def test_every_lesson_refuses_its_largest_views_with_the_one_sentence():
    for refuse in (lambda: batches.check_work(batches.SIZES, 60, 1100, 2, band=True),
                   lambda: landscape.train(hidden="16-16-16", batch_size=1, epochs=300),
                   lambda: playground.run(n=1000, batch_size=1, epochs=200),
                   lambda: initialization.check_work(5, depth=10, epochs=60, width=64),
                   lambda: regularization.check_work(4, n_train=400, epochs=400)):
        with pytest.raises(ValueError, match=r"^this view trains .*: [\d,]+ updates, about "
                                             r"[\d.]+ s of computing, and the limit is"):
            refuse()


BOUND_S = 10   # issue 13: the largest allowed view of every lesson finishes in under 10 s


def test_every_lessons_largest_allowed_view_is_estimated_under_the_bound():
    """The budget refuses more than its limit, so a page's estimate is at most the sum of the
    limits of the trainings it runs (those it runs twice, twice)."""
    largest = {
        "batches": batches.LIMIT_S + seconds(batches.check_work(("1",), 60, 1000).runs),  # + slice
        "schedules": (seconds(schedules.check_work(100, 1).runs) + schedules.LIMIT_S      # + spread
                      + seconds([Run((2, *schedules.HIDDEN, 2), schedules.N, 1, 100)])),  # plateau
        "landscape": 2 * landscape.LIMIT_S,                     # your run and the one compared
        "initialization": initialization.LIMIT_S,
        "regularization": regularization.LIMIT_S,
        "playground": playground.LIMIT_S,
    }
    assert max(largest.values()) < BOUND_S, largest
    assert seconds(batches.check_work(batches.SIZES, 60, 1000, 2, band=True).runs) <= batches.LIMIT_S
    with pytest.raises(ValueError, match="use a larger batch size or fewer epochs"):
        schedules.check_work(100, 1, schedules.SPREAD_SEEDS)    # the spread at batch 1 is capped
    assert schedules.check_work(100, 2, schedules.SPREAD_SEEDS).total <= schedules.LIMIT_S


def test_views_trained_at_once_are_estimated_as_calibrated():
    # the docstring's measurements of 2-16-16-2, one optimizer per run: 46.8, 58.9, 89.7, 154.6 µs
    assert [round(budget.batched_update_us((2, 16, 16, 2), b, r)) for b, r in
            ((1, 4), (1, 8), (32, 4), (32, 8))] == [42, 54, 94, 159]
    one = Run((2, 16, 16, 2), 200, 8, 5, count=4, batched=True)
    assert one.updates == 4 * 5 * 25
    assert seconds([one]) == pytest.approx(
        (5 * 25 * budget.batched_update_us((2, 16, 16, 2), 8, 4) + 4 * 5 * budget.evaluate_us((2, 16, 16, 2), 200)) * 1e-6)
