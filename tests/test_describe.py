"""A text for every picture (issue 20): each figure's description, written by its experiment's
own summary code, states the numbers the figure draws. The tests parse the numbers back out of
the words and compare them with the data behind the figure, at the page's defaults and on
random settings.
"""
import re

import numpy as np
import pytest

from experiments import (backprop, descent, digits, initialization, landscape_papers, schedules, softmax,
                         traps, words)
from nnlib import trap
from viz import theme
from viz import backprop as draw_backprop
from viz import digits as draw_digits
from viz import traps as draw_traps

NUMBER = r"[+−-]?\d[\d,]*(?:\.\d+)?"
SAID = rf"(?:under 0\.0001|just below 0|over a million|not a number|{NUMBER})"  # experiments.words.num


def number(text):
    """'−0.77' -> -0.77, '1,348' -> 1348.0, '+0.10' -> 0.1."""
    return float(text.replace("−", "-").replace(",", ""))


def agrees(said, value, sig=3):
    """True if the words `said` (experiments.words.num's output) state `value` to `sig`
    significant figures: "under 0.0001" only for 0 < value < 0.0001, "over a million" only
    above a million."""
    value = float(value)
    bounds = {"under 0.0001": 0 < value < 1e-4, "just below 0": -1e-4 < value < 0,
              "over a million": value > 1e6, "not a number": np.isnan(value)}
    if said in bounds:
        return bounds[said]
    if value == 0:
        return number(said) == 0
    return abs(number(said) - value) <= 0.5001 * 10 ** (np.floor(np.log10(abs(value))) - sig + 1)


def at(said, value):
    """True if a coordinate written to 2 decimals (experiments.words.coordinate) is `value`."""
    return abs(number(said) - value) <= 0.005 + 1e-9


def named_numbers(text, names):
    """{name: the number written right after it} for every name in `names`."""
    return {name: number(re.search(rf"\b{re.escape(name)} ({NUMBER})", text).group(1))
            for name in names}


@pytest.mark.parametrize("seed", range(10))
def test_softmax_words_state_its_probabilities_loss_and_gradient(seed):
    rng = np.random.default_rng(seed)
    logits, label = tuple(rng.normal(0, 3, 4)) if seed else (2.0, 1.0, 0.2, -1.0), seed % 4
    frame, loss = softmax.one_example(logits, label)
    text = softmax.describe_one_example(frame, loss, label)
    probs, grads = text.split("The gradient")
    classes = list(frame["class"])
    assert named_numbers(probs, classes) == dict(zip(classes, frame["p"].round(2)))
    assert named_numbers(grads, classes) == dict(zip(classes, frame["grad"].round(2)))
    assert number(re.search(rf"loss −log p is ({NUMBER})", text).group(1)) == round(loss, 3)
    assert f"true class is {classes[label]} with p = {frame['p'][label]:.3f}" in text



@pytest.mark.parametrize("seed", range(10))
def test_softmax_batch_words_state_every_loss_the_batch_and_both_lines(seed):
    rng = np.random.default_rng(seed)
    logits = tuple(rng.normal(0, 3 + 300 * (seed == 9), 4)) if seed else (2.0, 1.0, 0.2, -1.0)
    frame, full, in_batch = softmax.batch(logits, seed % 4, 1 + seed % 8, seed)
    text = softmax.describe_batch(frame, full, in_batch)
    for row in frame.itertuples():
        said = re.search(rf"\b{row.example} \({row.true_class}(?:, yours)?\) ({SAID})", text)
        assert agrees(said[1], row.loss), row.example
    chosen = frame.loc[frame["in_batch"], "example"].tolist()
    listed = re.search(r"drawn orange \(examples? ([\d, and]+)\)", text)[1]
    assert [int(k) for k in re.findall(r"\d+", listed)] == chosen
    assert f"holds {len(chosen)} of them" in text
    said = re.search(rf"L, the black line, is ({SAID}); the batch's loss L\(B\), the orange-red dashed line, "
                     rf"is ({SAID})\.", text)
    assert agrees(said[1], full) and agrees(said[2], in_batch)


@pytest.mark.parametrize("seed", range(10))
def test_softmax_entropy_words_state_p_q_and_the_three_numbers(seed):
    rng = np.random.default_rng(seed)
    p, q = (rng.random(3), rng.random(3) + 0.01) if seed else ((0.7, 0.2, 0.1), (0.2, 0.5, 0.3))
    if seed == 9:
        p = (0.0, 1.0, 0.0)
    frame, stats = softmax.entropy_split(p, q)
    text = softmax.describe_entropy_split(frame, stats)
    said = re.search(rf"p \(blue\) is ((?:{SAID}(?:, )?)+) and q \(orange\) is ((?:{SAID}(?:, )?)+)\.", text)
    for words_, name in zip(said.groups(), ("p", "q")):
        values = words_.split(", ")
        assert len(values) == 3 and all(agrees(w, v) for w, v in zip(values, frame[name]))
    for name, key in (("H\\(p\\)", "entropy"), ("KL\\(p‖q\\)", "kl"), ("H\\(p, q\\)", "cross_entropy")):
        assert agrees(re.search(rf"{name} = ({SAID})", text)[1], stats[key]), key

# ---- descent: the race --------------------------------------------------------------------

RACES = [   # (surface, optimizers, their η, β, schedule, steps, start): the defaults first
    ("valley", ("sgd", "momentum", "adam"), (1.5, 2.0, 0.5), 0.8, "constant", 150, None),
    ("bowl", ("sgd", "momentum", "adam"), (3.0, 0.5, 0.1), 0.5, "constant", 60, None),
    ("valley", ("sgd",), (2.0,), 0.8, "constant", 100, None),
    ("valley", ("sgd", "momentum"), (1.0, 3.0), 0.7, "constant", 100, None),
    ("saddle", ("sgd", "momentum", "adam"), (0.02, 0.02, 0.05), 0.9, "constant", 150, None),
    ("rosenbrock", ("sgd", "momentum", "adam"), (0.001, 0.001, 0.1), 0.9, "cosine", 300, None),
    ("double_well", ("sgd", "momentum", "adam"), (0.05, 0.05, 0.05), 0.9, "constant", 200, None),
    ("himmelblau", ("nesterov", "rmsprop", "adagrad"), (0.01, 0.1, 1.0), 0.8, "step", 120, (1.0, -2.0)),
    ("camel", ("sgd", "adam"), (0.5, 0.05), 0.8, "warmup_cosine", 80, (0.5, 0.5)),
    ("beale", ("sgd", "momentum"), (0.001, 0.01), 0.9, "constant", 200, None),
    ("bowl", ("sgd", "nesterov"), (2.5, 0.9), 0.9, "exponential", 40, (2.0, -2.5)),
]


@pytest.mark.parametrize("case", RACES, ids=lambda c: f"{c[0]}-{'-'.join(c[1])}")
def test_descent_words_state_each_racers_fall_end_and_verdict(case):
    surface, names, lrs, beta, schedule, steps, start = case
    runs = descent.race(surface, 100.0, names, lrs, beta, schedule, steps, start)
    verdicts = descent.verdicts(runs, surface_name=surface, kappa=100.0)
    text = descent.describe_race(runs, verdicts)
    first = runs.iloc[0]
    opening = re.search(rf"from step 0 to step (\d+); every optimizer starts at \(({SAID}), ({SAID})\), "
                        rf"where f − f\* = ({SAID})\.", text)
    assert int(opening[1]) == steps and at(opening[2], first.x) and at(opening[3], first.y)
    assert agrees(opening[4], first.gap)
    for row in verdicts.itertuples():
        run = runs[runs["optimizer"] == row.optimizer].dropna(subset=["gap"])
        said = re.search(rf"{re.escape(row.label)}: f − f\* goes from ({SAID}) to ({SAID}) "
                         rf"(?:in (\d+) steps|at step (\d+)); it ([^.]*(?:\.\d[^.]*)*)\.", text)
        assert agrees(said[1], run.gap.iloc[0]) and agrees(said[2], run.gap.iloc[-1]), row.label
        tail = said[5]
        if row.verdict == "diverged":
            assert int(said[4]) == run.step.iloc[-1] and f"diverged at step {int(row.step)}:" in tail
            continue
        assert int(said[3]) == steps
        x, y = re.search(rf"at \(({SAID}), ({SAID})\)", tail).groups()
        assert at(x, run.x.iloc[-1]) and at(y, run.y.iloc[-1]), row.label
        assert {"converged": "reached the minimum", "local minimum": "stuck in a local minimum",
                "flat spot": "flat spot", "bouncing": "bounces", "still going": "still going"
                }[row.verdict] in tail
        if row.verdict in ("converged", "local minimum"):
            assert re.search(r"step (\d+)", tail)[1] == str(int(row.step))
    assert "diverged" not in text or (verdicts["verdict"] == "diverged").any()



@pytest.mark.parametrize("case", RACES, ids=lambda c: f"{c[0]}-{'-'.join(c[1])}")
def test_descent_loss_words_state_each_curves_ends_lowest_and_crossing(case):
    surface, names, lrs, beta, schedule, steps, start = case
    runs = descent.race(surface, 100.0, names, lrs, beta, schedule, steps, start)
    verdicts = descent.verdicts(runs, surface_name=surface, kappa=100.0)
    text = descent.describe_loss_curves(runs, verdicts)
    assert f"from step 0 to step {steps}," in text and f"line at {words.num(descent.CLOSE)}," in text
    for row in verdicts.itertuples():
        run = runs[runs["optimizer"] == row.optimizer].dropna(subset=["gap"])
        gap, step = run["gap"].to_numpy(), run["step"].to_numpy()
        said = re.search(rf"{re.escape(row.label)}: from ({SAID})(?:, lowest ({SAID}) at step (\d+),)? to "
                         rf"({SAID}) at step (\d+); ([^.]*)\.", text)
        assert agrees(said[1], gap[0]) and agrees(said[4], gap[-1]) and int(said[5]) == step[-1]
        assert (said[2] is not None) == (gap.argmin() < len(gap) - 1), row.label
        if said[2]:
            assert agrees(said[2], gap.min()) and int(said[3]) == step[gap.argmin()]
        below = step[gap < descent.CLOSE]
        if row.verdict == "diverged":
            assert said[6] == f"it diverged at step {int(row.step)} (the ✕)"
        elif len(below):
            assert said[6] == f"first below the dotted line at step {below[0]}"
        else:
            assert said[6] == "never below the dotted line"
    assert ("diverged" in text) == (verdicts["verdict"] == "diverged").any()


RATE_MAPS = [("valley", 100.0, ((1.5, 0.0), (2.0, 0.8))), ("bowl", 1.0, ((0.1, 0.0), (0.1, 0.9))),
             *[("valley", kappa, ((lr, 0.0), (lr, beta)))
               for kappa, lr, beta in ((2.0, 0.5, 0.3), (10.0, 1.9, 0.5), (30.0, 2.5, 0.95),
                                       (300.0, 1.0, 0.99), (1000.0, 0.02, 0.0), (5.0, 3.0, 0.6),
                                       (50.0, 0.3, 0.7), (100.0, 8.0, 0.1))]]


@pytest.mark.parametrize("case", RATE_MAPS, ids=str)
def test_descent_rate_map_words_state_the_grey_share_the_best_and_your_rates(case):
    surface, kappa, settings = case
    lam_min, lam_max = descent.surface(surface, kappa).hessian_eigs
    best = descent.best_rates(lam_min, lam_max)
    alphas, betas, rates = descent.rate_map(lam_min, lam_max)
    marks = [("SGD", settings[0][0], 0.0, "colour", "circle"), ("Momentum", *settings[1], "colour", "circle")]
    text = descent.describe_rate_map(alphas, betas, rates, best, marks)
    assert agrees(re.search(rf"the grey ({SAID})% of the map", text)[1], 100 * np.mean(rates >= 1))
    assert agrees(re.search(rf"\(κ = ({SAID})\)", text)[1], lam_max / lam_min)
    said = re.search(rf"\(black diamond\): η = ({SAID}), β = 0, rate ({SAID}); best momentum \(black star\): "
                     rf"η = ({SAID}), β = ({SAID}), rate ({SAID})\.", text)
    for words_, key in zip(said.groups(), ("gd_alpha", "gd_rate", "hb_alpha", "hb_beta", "hb_rate")):
        assert agrees(words_, best[key]), key
    for label, alpha, beta, *_ in marks:
        rate = float(descent.heavy_ball_rate(alpha, beta, lam_min, lam_max))
        said = re.search(rf"{label} at η = ({SAID}), β = ({SAID}): rate ({SAID})(, in the grey)?(?=[;.])", text)
        assert agrees(said[1], alpha) and agrees(said[2], beta) and agrees(said[3], rate)
        assert bool(said[4]) == (rate >= 1)

# ---- traps: the balls ---------------------------------------------------------------------

TRAP_RUNS = [{}, {"batch_size": traps.FULL}, {"batch_size": 1}, {"lr": 0.25}, {"momentum": 0.5},
             {"lr": 0.9, "batch_size": 2}, {"start": 1.0, "batch_size": 8, "seed": 2},
             {"batch_size": 2, "seed": 5, "steps": 50}, {"lr": 0.5, "batch_size": traps.FULL},
             {"seed": 7}, {"batch_size": 16, "momentum": 0.9, "seed": 3, "steps": 120}]


@pytest.mark.parametrize("settings", TRAP_RUNS, ids=str)
def test_traps_words_say_where_every_ball_ended(settings):
    runs, batch_curves = traps.animation(**settings)
    text = traps.describe_race(runs)
    last = int(runs["step"].max())
    ends = runs[runs["step"] == last].set_index("run")["theta"]
    start = runs.iloc[0]
    assert text.startswith(f"The animation runs from step 0 to step {last}. ")
    said = re.search(rf"starts at θ = ({SAID}) \(L = ({SAID})\)", text)
    assert agrees(said[1], start.theta) and agrees(said[2], start.loss)
    for name, theta in ends.items():
        who = ("The full-batch run \\(blue ball\\)" if name == "full batch"
               else f"run #{name.rsplit('#', 1)[1]}")
        if name.startswith(f"batch {traps.FULL} "):     # drawn on the full-batch ball
            assert theta == ends["full batch"] or np.isnan(theta) and np.isnan(ends["full batch"])
            continue
        if np.isnan(theta):
            step = re.search(rf"{who} diverged at step (\d+)", text)[1]
            path = runs.loc[runs["run"] == name, "theta"].to_numpy()
            assert np.isnan(path[int(step)]) and not np.isnan(path[int(step) - 1])
            continue
        said = re.search(rf"{who} ends at θ = ({SAID}) \(L = ({SAID})\), in the (\w+) minimum's", text)
        assert agrees(said[1], theta) and agrees(said[2], trap.full_loss(theta)), name
        assert said[3] == ("global" if theta > trap.BARRIER else "local"), name
    mini = ends.drop("full batch")
    if settings.get("batch_size", 4) < traps.FULL:
        k = int((mini > trap.BARRIER).sum())
        assert f"(orange-red balls), {words.share(k, len(mini))} end right of the barrier" in text
    else:
        assert "orange-red balls use all 64 examples too, so they follow the blue ball exactly" in text
    assert "diverged" not in text or ends.isna().any()


def test_traps_words_name_the_balls_by_the_colours_drawn():
    runs, batch_curves = traps.animation()
    fig = draw_traps.race(traps.curve(), runs, batch_curves)
    balls = {trace.name: trace.marker.color for trace in fig.data}
    assert balls["full batch"] == theme.BLUE and balls["batch 4 runs"] == theme.VERMILLION
    assert "(blue ball)" in traps.describe_race(runs) and "(orange-red balls)" in traps.describe_race(runs)



TRAP_SETS = [{}, {"batch_size": traps.FULL}, {"batch_size": 1}, {"lr": 0.9, "batch_size": 2},
             {"lr": 0.25, "momentum": 0.5, "seed": 1}, {"start": 1.0, "batch_size": 8, "seed": 2},
             {"batch_size": 2, "seed": 5, "steps": 50}, {"lr": 0.5, "batch_size": 16, "seed": 3},
             {"momentum": 0.9, "seed": 7}, {"lr": 0.12, "batch_size": 32, "seed": 4},
             {"batch_size": 3, "lr": 0.3, "momentum": 0.6, "steps": 120, "seed": 6}]


def percent(said, rate):
    """True if "75.5%" states the share `rate` (a fraction)."""
    return said.endswith("%") and agrees(said[:-1], 100 * rate)


@pytest.mark.parametrize("settings", TRAP_SETS, ids=str)
def test_traps_endings_words_count_each_basin_and_its_range(settings):
    ends = traps.endings(**settings, n_runs=40)
    text = traps.describe_endings(ends)
    for basin, told in (("local", "stuck in the local minimum \\(orange-red\\)"),
                        ("global", "escaped to the global minimum \\(green\\)")):
        theta = ends.loc[ends["basin"] == basin, "theta"]
        said = re.search(rf"(?:: |; )(\w+(?: of)?(?: the)? \d+) {told}(?:, final θ (?:from ({SAID}) to "
                         rf"({SAID})|= ({SAID})))?(?=[;.] )", text)
        assert said[1] == words.share(len(theta), len(ends)), basin
        if len(theta) > 1:
            assert agrees(said[2], theta.min()) and agrees(said[3], theta.max())
        elif len(theta):
            assert agrees(said[4], theta.iloc[0])
    diverged = int((ends["basin"] == "diverged").sum())
    assert ("diverged" in text) == (diverged > 0)
    assert not diverged or f"{words.share(diverged, len(ends))} diverged (not drawn)" in text


@pytest.mark.parametrize("settings", TRAP_SETS, ids=str)
def test_traps_escape_rate_words_state_every_point_and_the_star(settings):
    rates = traps.escape_rates(**settings, n_runs=20)
    text = traps.describe_escape_rates(rates)
    for row in rates.itertuples():
        key = f"batch {row.batch_size}" if row.vary == "batch size" else f"η = {words.num(row.lr)}"
        assert percent(re.search(rf"{re.escape(key)}: ({SAID}%)", text)[1], row.escape_rate), key
    mine = rates[rates["current"]]
    assert len(mine) == 2 and mine["escape_rate"].nunique() == 1
    assert percent(re.search(rf"escapes in ({SAID}%) of the runs", text)[1], mine["escape_rate"].iloc[0])
    assert f"at η = {words.num(mine['lr'].iloc[0])}:" in text


@pytest.mark.parametrize("settings", TRAP_SETS, ids=str)
def test_traps_momentum_words_state_every_rate_and_the_waiting_curve(settings):
    by_momentum = traps.escape_by_momentum(**settings, n_runs=20)
    within = traps.escape_within(**settings, n_runs=20)
    text = traps.describe_escape_more(by_momentum, within)
    fig = draw_traps.escape_more(by_momentum, within)
    colours = {trace.name: trace.line.color for trace in fig.data if trace.mode == "lines+markers"}
    for name, part in by_momentum.groupby("batch", sort=False):
        colour = {theme.VERMILLION: "orange-red", theme.BLUE: "blue"}[colours[name]]
        said = re.search(rf"{name} \({colour}\): ([^;.]*(?:\.\d[^;.]*)*)", text)[1]
        for m, rate in zip(part["momentum"], part["escape_rate"]):
            assert percent(re.search(rf"μ = {re.escape(words.num(m))}: ({SAID}%)", said)[1], rate)
    mine = within[within["current"]].iloc[0]
    said = re.search(rf"({SAID}%) at step 0, ({SAID}%) at your N = (\d+) \(black star\), ({SAID}%) at step "
                     rf"(\d+); highest ({SAID}%), first at step (\d+)\.", text)
    assert percent(said[1], within["escape_rate"].iloc[0]) and percent(said[2], mine.escape_rate)
    assert int(said[3]) == settings.get("steps", 200) and percent(said[4], within["escape_rate"].iloc[-1])
    assert int(said[5]) == within["step"].iloc[-1] and percent(said[6], within["escape_rate"].max())
    assert int(said[7]) == within["escape_rate"].idxmax()

# ---- schedules: four learning rates -------------------------------------------------------

LR_RUNS = [{}, {"lr": 0.003}, {"lr": 3.0}, {"lr": 30.0}, {"lr": 3.0, "schedule": "warmup_cosine"},
           {"lr": 1.0, "schedule": "step"}, {"optimizer": "adam", "lr": 0.03, "epochs": 8, "seed": 3},
           {"optimizer": "momentum", "lr": 0.1, "epochs": 6, "seed": 4},
           {"schedule": "cosine", "epochs": 6, "seed": 5}, {"batch_size": 200, "epochs": 10, "seed": 6},
           {"lr": 0.5, "schedule": "plateau", "epochs": 5, "batch_size": 8, "seed": 7}]


@pytest.mark.parametrize("settings", LR_RUNS, ids=str)
def test_schedules_words_state_each_learning_rates_start_end_and_divergence(settings):
    result = schedules.lr_runs(**settings)
    steps, epochs, summary = result
    text = schedules.describe_loss_curves(result)
    assert f"over {epochs['epoch'].max()} epochs ({steps['step'].max():,} updates)" in text
    improved = summary[summary["diverged_at"].isna() & (summary["final_loss"] < summary["start_loss"])]
    for row in summary.itertuples():
        name = re.escape(row.run + (" (yours)" if row.multiple == 1 else ""))
        if not np.isnan(row.diverged_at):
            said = re.search(rf"{name} diverged at step (\d+) \(the ✕\): its mini-batch loss rose "
                             rf"to ({SAID})", text)
            losses = steps.loc[steps["run"] == row.run, "loss"]
            assert int(said[1]) == row.diverged_at and agrees(said[2], losses[np.isfinite(losses)].max())
            continue
        said = re.search(rf"{name}: the full loss goes from ({SAID}) to ({SAID})([,;][^.]*(?:\.\d[^.]*)*)\.",
                         text)
        assert agrees(said[1], row.start_loss) and agrees(said[2], row.final_loss), row.run
        curve = epochs[epochs["run"] == row.run]
        half = curve.loc[curve["loss"] < row.start_loss / 2, "epoch"]
        if row.final_loss > row.start_loss:
            assert said[3] == ", above where it started"
        elif len(half):
            assert re.search(r"below half its start after (\d+) epoch", said[3])[1] == str(half.iloc[0])
        else:
            assert "never falls below half its start" in said[3]
        best = not improved.empty and improved["final_loss"].idxmin() == row.Index
        assert ("the lowest of the four" in said[3]) == best, row.run



CURVE_RUNS = [({}, "constant"), ({"epochs": 4}, "warmup_cosine"), ({"lr": 30.0, "epochs": 4}, "plateau"),
              ({"lr": 3.0, "epochs": 3, "seed": 2}, "step"), ({"lr": 0.01, "epochs": 2}, "cosine"),
              ({"optimizer": "adam", "lr": 0.1, "epochs": 3, "seed": 3}, "warmup"),
              ({"lr": 100.0, "epochs": 2, "seed": 4}, "exponential"),
              ({"batch_size": 200, "epochs": 10, "seed": 5}, "inverse_time"),
              ({"optimizer": "momentum", "lr": 1.0, "epochs": 3, "seed": 6}, "plateau"),
              ({"lr": 5.0, "epochs": 3, "batch_size": 8, "seed": 7}, "constant"),
              ({"lr": 0.003, "epochs": 2, "seed": 8}, "warmup_cosine")]


@pytest.mark.parametrize("case", CURVE_RUNS, ids=str)
def test_schedules_words_state_each_schedules_start_peak_and_end(case):
    settings, chosen = case
    curves = schedules.schedule_curves(**settings)
    text = schedules.describe_schedule_curves(curves, chosen)
    assert f"to step {curves['step'].max()}; yours is thick and orange-red" in text
    for name, label in schedules.LABELS.items():
        lr = curves.loc[curves["schedule"] == name, "lr"].dropna().to_numpy()
        mine = " \\(yours\\)" if name == chosen else ""
        said = re.search(rf"(?:; |\. ){re.escape(label)}{mine} from ({SAID})(?: up to ({SAID}) at step "
                         rf"(\d+), then)? to ({SAID})(, its line stopping at step (\d+)[^;]*)?(?=;|\.$)", text, re.I)
        assert agrees(said[1], lr[0]) and agrees(said[4], lr[-1]), name
        assert (said[2] is not None) == (lr.max() > max(lr[0], lr[-1])), name
        if said[2]:
            assert agrees(said[2], lr.max()) and int(said[3]) == lr.argmax()
        assert (said[5] is not None) == (len(lr) < len(curves) // len(schedules.LABELS)), name
        if said[5]:
            assert int(said[6]) == len(lr) - 1
    plateau = schedules.train(settings.get("lr", 0.3), "plateau", settings.get("optimizer", "sgd"),
                              settings.get("epochs", 40), settings.get("batch_size", 32),
                              settings.get("seed", 0))
    assert ("diverged" in text) == (plateau.diverged_at is not None)


SWEEPS = [{}, {"optimizer": "adam", "batch_size": 8, "seed": 3}, {"optimizer": "momentum", "seed": 1},
          *[{"optimizer": schedules.OPTIMIZERS[k % 3], "batch_size": (16, 64, 200)[k % 3], "seed": k,
             "steps": 60} for k in range(2, 10)]]


@pytest.mark.parametrize("settings", SWEEPS, ids=str)
def test_schedules_range_test_words_state_the_sweep_the_minimum_and_both_lines(settings):
    frame, suggested = schedules.range_test(**settings)
    current = (0.3, 0.01, 3.0)[settings.get("seed", 0) % 3]
    text = schedules.describe_range_test(frame, suggested, current)
    said = re.search(rf"over (\d+) steps with η growing from ({NUMBER}) to ({SAID})\. The smoothed loss "
                     rf"\(thick blue\) starts at ({SAID}), is lowest, ({SAID}), at η = ({SAID}), and ends at "
                     rf"({SAID}); the raw batch loss \(thin grey\) ranges from ({SAID}) to ({SAID})\.", text)
    low = frame["smoothed"].idxmin()
    assert int(said[1]) == len(frame) and agrees(said[2], frame["lr"].iloc[0], sig=2)
    for words_, value in zip(said.groups()[2:], (frame["lr"].iloc[-1], frame["smoothed"].iloc[0],
                                                  frame["smoothed"][low], frame["lr"][low],
                                                  frame["smoothed"].iloc[-1], frame["loss"].min(),
                                                  frame["loss"].max())):
        assert agrees(words_, value)
    if suggested is not None:
        assert agrees(re.search(rf"suggested η ≈ ({SAID}) is the green line", text)[1], suggested)
    assert agrees(re.search(rf"your η = ({SAID}) is the orange-red dashed line", text)[1], current)

# ---- backprop: the graph at one step ------------------------------------------------------

WALKS = [{}, {"seed": 6}, {"activation": "sigmoid", "sigma": 3.0, "seed": 5, "x1": 2.0, "x2": -1.5},
         {"activation": "tanh", "seed": 2, "x1": 2.0, "x2": 1.0, "lr": 10.0},
         {"arch": "2-2-2", "activation": "leaky_relu", "seed": 1, "label": 0},
         {"arch": "2-2-2-2", "activation": "tanh", "seed": 4}, {"arch": "2-2-2-2", "seed": 7, "label": 0},
         {"activation": "identity", "seed": 8, "x1": -3.0, "x2": 3.0}, {"sigma": 0.1, "seed": 9},
         {"arch": "2-2-2", "activation": "sigmoid", "seed": 10, "lr": 100.0},
         {"activation": "relu", "seed": 11, "x1": 0.0, "x2": 0.0}]


def labelled(segment):
    """{(where, symbol): number} from "x₁ = 1; h₁ z = 0.3, a = 0.3; w²₁₁ ∂L/∂w = 0.1"."""
    found = {}
    for item in filter(None, segment.split("; ")):
        where, rest = item.split(" ", 1)
        rest = f"{where} {rest}" if rest.startswith("= ") else rest     # "x₁ = 1", "L = 0.6"
        for pair in rest.split(", "):
            symbol, value = pair.rsplit(" = ", 1)
            found[where, symbol] = value
    return found


def sections(text):
    """The description's sentences keyed by how they start ("Forward values so far", ...)."""
    return {part.split(": ", 1)[0]: part.split(": ", 1)[1] for part in re.split(r"\.(?: |$)(?=[A-Z]|$)", text)
            if ": " in part}


@pytest.mark.parametrize("settings", WALKS, ids=str)
def test_backprop_words_state_every_number_the_graph_holds(settings):
    w = backprop.walk(**settings)
    run = {"arch": "2-3-2", "activation": "relu", "sigma": 1.0, "seed": 0} | {
        k: v for k, v in settings.items() if k in ("arch", "activation", "sigma", "seed")}
    model = backprop.network(**run)
    X, y = backprop.example(settings.get("x1", 1.0), settings.get("x2", -0.5), settings.get("label", 1))
    t = model.trace(X, y)
    sizes, n = w["sizes"], len(w["stages"])
    name = lambda l, j: backprop.unit_name(l, j, sizes)   # noqa: E731
    truth = {(name(0, i), name(0, i)): v for i, v in enumerate(X[0])} | {("L", "L"): t["loss"]}
    for l in range(1, len(sizes)):
        for j in range(sizes[l]):
            truth[name(l, j), "z"] = t["z"][l - 1][0][j]
            truth[name(l, j), "∂L/∂z"] = t["dz"][l - 1][0][j]
            if l < len(sizes) - 1:
                truth[name(l, j), "a"] = t["a"][l][0][j]
                truth[name(l, j), "∂L/∂a"] = t["da"][l - 1][0][j]
        for (i, j), g in np.ndenumerate(t["dW"][l - 1]):
            truth[f"w{'⁰¹²³'[l]}{'₀₁₂₃'[i + 1]}{'₀₁₂₃'[j + 1]}", "∂L/∂w"] = g
    p = np.exp(t["output"][0]) / np.exp(t["output"][0]).sum()
    truth |= {(name(len(sizes) - 1, k), "p"): p_k for k, p_k in enumerate(p)}
    for index in (0, n // 3, 2 * n // 3, n - 1):
        text = backprop.describe_graph(w, index)
        said = sections(text)
        assert text.startswith(f"Step {index + 1} of {n}, ")
        shown = labelled(said["Forward values so far"]) | labelled(said.get("Gradients so far", ""))
        assert shown and all(agrees(v, truth[k]) for k, v in shown.items()), index
        labels = {(kind, element) for s in w["stages"][:index + 1] for kind, element, _ in s["reveals"]}
        where = lambda e: "L" if e == backprop.LOSS else name(*e) if len(e) == 2 else (   # noqa: E731
            f"w{'⁰¹²³'[e[0]]}{'₀₁₂₃'[e[1] + 1]}{'₀₁₂₃'[e[2] + 1]}")
        for kind, part in (("value", "Forward values so far"), ("grad", "Gradients so far")):
            assert {where(e) for k, e in labels if k == kind} == {
                k[0] for k in labelled(said.get(part, ""))}, (index, kind)   # every number revealed so far
        check = w["check"].set_index("parameter")
        weights = [k for k in check.index if k.startswith("w")]
        if index < n - 1:
            given = dict(pair.split(" = ") for pair in said["The weights"].split(", "))
            assert list(given) == weights and all(agrees(given[k], check.at[k, "value"]) for k in weights)
        else:
            changes = re.findall(rf"(w\S+) ({SAID}) → ({SAID})", said["Each weight after the step"])
            assert [c[0] for c in changes] == weights
            assert all(agrees(a, check.at[k, "value"]) and agrees(b, check.at[k, "after_update"])
                       for k, a, b in changes)
            loss = re.search(rf"the loss L goes from ({SAID}) to ({SAID})", text)
            assert agrees(loss[1], w["loss_before"]) and agrees(loss[2], w["loss_after"])


# ---- initialization: start equal, stay equal ----------------------------------------------

SMALL_NET = {"depth": 2, "width": 8, "epochs": 5}
SYMMETRY = [   # (schemes, settings): the page's defaults first, then small networks
    (("zeros", "constant", "normal", "xavier_normal", "he_normal"), {"sigma": 0.3}),
    *[(("zeros", "constant", "normal", "xavier_normal", "he_normal", "lecun_normal"),
       SMALL_NET | {"seed": seed, "sigma": 0.1 * (seed + 1),
                    "activation": ("tanh", "relu", "sigmoid")[seed % 3]}) for seed in range(8)],
    (("normal", "he_normal"), SMALL_NET | {"sigma": 3.0, "activation": "relu", "lr": 1.0}),
    (("uniform", "xavier_uniform", "he_uniform"), {"depth": 2, "width": 40, "epochs": 2, "seed": 9}),
]


@pytest.mark.parametrize("case", SYMMETRY, ids=lambda c: str(c[1]))
def test_initialization_words_say_which_units_are_identical_and_their_range(case):
    schemes, settings = case
    runs = {scheme: initialization.train(scheme, **settings) for scheme in schemes}
    text = initialization.describe_symmetry(runs)
    assert ("diverged" in text) == any(run["diverged_at"] is not None for run in runs.values())
    width = settings.get("width", 16)
    assert f"after {settings.get('epochs', 60)} epochs" in text and f"{width} hidden units" in text
    for scheme, run in runs.items():
        label = re.escape(initialization.LABELS[scheme])
        a = run["probe"][:initialization.SHOWN_UNITS]
        if run["diverged_at"] is not None:
            assert f"{initialization.LABELS[scheme]}: training diverged at step {run['diverged_at']}." in text
            continue
        if initialization.identical(run):
            said = re.search(rf"{label}: all (\d+) units are identical \(largest difference ({SAID})\)", text)
            assert int(said[1]) == width and agrees(said[2], run["max_difference"][0])
            assert np.ptp(a, axis=0).max() <= 1e-12      # every row the same: one colour per column
        else:
            said = re.search(rf"{label}: the units differ by up to ({SAID})", text)
            assert agrees(said[1], run["max_difference"][0]) and run["max_difference"][0] > 1e-12
        span = re.search(rf"{label}: [^.]*(?:\.\d[^.]*)*activations? "
                         rf"(?:from ({SAID}) to ({SAID})|is ({SAID}))", text)
        if not a.any():
            assert f"{initialization.LABELS[scheme]}: all" in text and "exactly 0" in text
        elif span[3] is not None:
            assert agrees(span[3], a.min()) and agrees(span[3], a.max())
        else:
            assert agrees(span[1], a.min()) and agrees(span[2], a.max()), scheme



@pytest.mark.parametrize("case", SYMMETRY, ids=lambda c: str(c[1]))
def test_initialization_signal_and_training_words_state_their_numbers(case):
    schemes, settings = case
    net = {k: v for k, v in settings.items() if k in ("sigma", "depth", "width", "activation", "seed")}
    scheme = schemes[-1]
    hist = initialization.histograms(scheme, **net)
    text = initialization.describe_histograms(hist, scheme)
    for quantity, told in (("activation", "Activations a_l"), ("gradient", "Gradients δ_l")):
        part = text.split(f"{told}: ")[1].split(". ")[0]
        for layer, rows in hist[hist["quantity"] == quantity].groupby("layer"):
            held, top = rows[rows["fraction"] > 0], rows.loc[rows["fraction"].idxmax()]
            said = re.search(rf"layer {layer} (?:all near ({SAID})|from ({SAID}) to ({SAID}), most near "
                             rf"({SAID}) \((\d+)%\))(?=;|\.?$)", part)
            if said[1] is not None:
                assert len(held) == 1 and agrees(said[1], top.value)
            else:
                assert agrees(said[2], held["value"].min()) and agrees(said[3], held["value"].max())
                assert agrees(said[4], top.value) and said[5] == f"{top.fraction:.0%}"[:-1]
    stds = initialization.spread(schemes, **net)
    text = initialization.describe_spread(stds)
    last = settings.get("depth", 6)
    for name, rows in stds.groupby("scheme"):
        label = re.escape(initialization.LABELS[name])
        if not rows["std"].any():
            assert f"{initialization.LABELS[name]}: every value is exactly 0" in text
            continue
        said = re.search(rf"{label}: activations ({SAID}) to ({SAID}), gradients ({SAID}) to ({SAID})", text)
        ends = rows.set_index(["quantity", "layer"])["std"]
        for words_, key in zip(said.groups(), (("activation", 1), ("activation", last), ("gradient", 1),
                                                ("gradient", last))):
            assert agrees(words_, ends[key]), (name, key)
    assert ("left out of the log axis" in text) == (stds["std"] == 0).any()
    runs = {name: initialization.train(name, **settings) for name in schemes[-2:]}
    runs |= {"normal": initialization.train("normal", **settings | {"lr": 10.0, "activation": "relu", "sigma": 3.0})}
    text = initialization.describe_training(runs)
    for name, run in runs.items():
        curve, label = run["curve"], re.escape(initialization.LABELS[name])
        said = re.search(rf"{label} (?:only at epoch 0, ({SAID})|from ({SAID}) to ({SAID}) at epoch (\d+))"
                         rf"(, where it diverged at step (\d+) \(the ✕\))?(?=[;.])", text)
        if said[1] is not None:
            assert len(curve) == 1 and agrees(said[1], curve["loss"].iloc[0])
        else:
            assert agrees(said[2], curve["loss"].iloc[0]) and agrees(said[3], curve["loss"].iloc[-1])
            assert int(said[4]) == curve["epoch"].iloc[-1]
        assert (said[5] is not None) == (run["diverged_at"] is not None), name
        assert said[5] is None or int(said[6]) == run["diverged_at"]

# ---- landscape_papers: four slices on one colour scale ------------------------------------

CHEAP_SLICE = {"depth": 3, "epochs": 5, "resolution": 5}
SLICES = [{}, *[CHEAP_SLICE | {"seed": seed, "dataset": landscape_papers.DATASETS[seed % 4],
                               "directions": ("random", "PCA")[seed % 2], "span": 0.5 + 0.25 * seed}
                for seed in range(10)]]


@pytest.mark.parametrize("settings", SLICES, ids=str)
def test_landscape_papers_words_state_each_slices_losses_dips_and_path(settings):
    panels = [landscape_papers.panel(net, **settings) for net in landscape_papers.NETS]
    text = landscape_papers.describe_slices(panels, landscape_papers.CAP)
    assert ("random directions" in text) == (settings.get("directions", "random") == "random")
    for p in panels:
        Z, path = p["Z"][np.isfinite(p["Z"])], p["path"]
        said = re.search(rf"{re.escape(p['net'])} \({re.escape(p['label'])}\): loss at θ\* ({SAID}); "
                         rf"on the slice lowest ({SAID}), median ({SAID}), highest ({SAID})( \(over 5, "
                         rf"drawn yellow\))?; (\d+) dips?; the path's true loss goes from ({SAID}) at "
                         rf"epoch 0 to ({SAID}) at epoch (\d+)\.", text)
        assert agrees(said[1], p["final_loss"]) and agrees(said[2], Z.min()), p["net"]
        assert agrees(said[3], np.median(p["Z"])) and agrees(said[4], Z.max()), p["net"]
        assert bool(said[5]) == (Z.max() > landscape_papers.CAP) and int(said[6]) == p["minima"]
        assert agrees(said[7], path["loss"].iloc[0]) and agrees(said[8], path["loss"].iloc[-1])
        assert int(said[9]) == settings.get("epochs", 50)



@pytest.mark.parametrize("settings", SLICES, ids=str)
def test_landscape_papers_surface_and_convexity_words_state_their_numbers(settings):
    cheap = CHEAP_SLICE | settings | {"resolution": 5}
    nets = landscape_papers.NETS[settings.get("seed", 0) % 3:][:2]
    panels = [landscape_papers.panel(net, **cheap) for net in nets]
    text = landscape_papers.describe_surfaces(panels, landscape_papers.CAP)
    for p in panels:
        said = re.search(rf"{re.escape(p['net'])} \({re.escape(p['label'])}\): lowest ({SAID}), ({SAID})% of the "
                         rf"grid cut off at 5; the path from ({SAID}) at epoch 0 to ({SAID}) at epoch (\d+)", text)
        assert agrees(said[1], np.nanmin(p["Z"])) and agrees(said[2], 100 * np.mean(~(p["Z"] <= landscape_papers.CAP)))
        assert agrees(said[3], p["path"]["loss"].iloc[0]) and agrees(said[4], p["path"]["loss"].iloc[-1])
        assert int(said[5]) == p["path"]["epoch"].iloc[-1]
    if settings.get("seed", 0) % 3:
        return                                              # the Hessian maps: every third setting
    keys = ("dataset", "depth", "epochs", "span", "seed")
    pairs = [(p, landscape_papers.convexity_map(p["net"], **{k: cheap[k] for k in keys if k in cheap}, resolution=3))
             for p in panels]
    text = landscape_papers.describe_convexity(pairs)
    assert "on a 3 × 3 grid" in text
    for p, m in pairs:
        Z = p["Z"][np.isfinite(p["Z"])]
        said = re.search(rf"{re.escape(p['net'])} \({re.escape(p['label'])}\): the slice's loss from ({SAID}) to "
                         rf"({SAID}); the ratio from ({SAID}) to ({SAID}), mean ({SAID}), with λ_min below 0 at "
                         rf"(\w+(?: of)?(?: the)? \d+) points", text)
        for words_, value in zip(said.groups()[:5], (Z.min(), Z.max(), m["ratio"].min(), m["ratio"].max(),
                                                      m["mean_ratio"])):
            assert agrees(words_, value)
        assert said[6] == words.share(int((m["lam_min"] < 0).sum()), m["ratio"].size)


@pytest.mark.parametrize("seed", range(10))
def test_landscape_papers_sharp_flat_words_state_both_lines_and_every_seed_spread(seed):
    result = landscape_papers.sharp_flat(epochs=3 + seed % 3, seeds=1 + seed % 3, seed=seed,
                                         small=(10, 4, 25)[seed % 3], large=(200, 100, 50)[seed % 3],
                                         dataset=landscape_papers.DATASETS[seed % 4])
    text = landscape_papers.describe_sharp_flat_lines(result["lines"])
    for (run, line), colour in zip(result["lines"].groupby("run", sort=False), ("blue", "orange")):
        line = line.reset_index(drop=True)
        said = re.search(rf"{run} \({colour}\): ({SAID}) at t = 0, ({SAID}) at t = ({SAID}) and ({SAID}) at t = "
                         rf"({SAID}), lowest ({SAID}) at t = ({SAID})(?=[;.])", text)
        centre, low = line["t"].abs().idxmin(), line["loss"].idxmin()
        for words_, value in zip(said.groups(), (line["loss"][centre], line["loss"].iloc[0], line["t"].iloc[0],
                                                  line["loss"].iloc[-1], line["t"].iloc[-1], line["loss"][low],
                                                  line["t"][low])):
            assert agrees(words_, value), run
    runs = result["runs"]
    text = landscape_papers.describe_sharp_flat_spread(runs)
    n = runs["seed"].nunique()
    assert f"over {n} seed" in text
    for column, told in (("lambda_max", "Top Hessian eigenvalue λ_max"), ("rise", "Rise along the line at t = ±½"),
                         ("val_loss", "Validation loss")):
        part = text.split(f"{told}: ")[1]
        for run, values in runs.groupby("run", sort=False)[column]:
            said = re.search(rf"{run} median ({SAID}) \(({SAID}) to ({SAID})\)", part)
            assert agrees(said[1], values.median()) and agrees(said[2], values.min()) and agrees(said[3], values.max())
        pairs = runs.pivot(index="seed", columns="run", values=column)
        higher = int((pairs["large batch"] > pairs["small batch"]).sum())
        assert part.split("; ")[1].startswith(f"the large batch's is higher on {words.share(higher, n)} seed")

# ---- digits: first-layer weights over the epochs ------------------------------------------

DIGIT_RUNS = [{}, *[{"hidden": (4 + 8 * seed,) * (1 + seed % 2), "epochs": 1 + seed % 3, "batch_size": 128,
                     "seed": seed, "optimizer": ("adam", "sgd", "momentum")[seed % 3],
                     "lr": (0.01, 0.5, 0.1)[seed % 3], "activation": ("relu", "tanh")[seed % 2]}
                    for seed in range(9)],
              {"hidden": (70,), "epochs": 2, "batch_size": 1797, "init": "normal", "seed": 9}]


@pytest.mark.parametrize("settings", DIGIT_RUNS, ids=str)
def test_digits_words_state_the_weights_first_and_last_epoch_and_their_change(settings):
    result = digits.run(**settings)
    text = digits.describe_weights(result)
    W, epochs = result["weights"].astype(float), result["epochs"]
    shown, width = W.shape[2], result["width"]
    assert (f"all {width} hidden neurons" if shown == width else f"the first {shown} of {width}") in text
    scale = re.search(rf"from −({SAID}) to ({SAID})\. The animation plays (\d+) recorded epochs, "
                      rf"from epoch (\d+) to epoch (\d+), and opens on epoch (\d+)\.", text)
    fig = draw_digits.weights(result)
    assert agrees(scale[1], fig.data[0].zmax) and agrees(scale[2], -fig.data[0].zmin)
    assert fig.data[0].colorscale == draw_digits.go.Heatmap(colorscale=theme.DIVERGING).colorscale
    assert int(scale[3]) == len(epochs) == len(fig.frames)
    assert [int(scale[4]), int(scale[5]), int(scale[6])] == [epochs[0], epochs[-1], epochs[-1]]
    for epoch, w in ((epochs[0], W[0]), (epochs[-1], W[-1])):
        said = re.search(rf"At epoch {epoch} the weights run from ({SAID}) to ({SAID}), mean size "
                         rf"\|w\| ({SAID})\.", text)
        assert agrees(said[1], w.min()) and agrees(said[2], w.max()) and agrees(said[3], np.abs(w).mean())
    moved = np.abs(W[-1] - W[0]).mean(axis=0)
    said = re.search(rf"a weight moved by ({SAID}) on average; neuron (\d+) changed most, by ({SAID}) "
                     "per pixel", text)
    assert agrees(said[1], moved.mean()) and agrees(said[3], moved.max())
    assert int(said[2]) == moved.argmax() + 1
    assert ("diverged" in text) == (result["diverged_at"] is not None)


@pytest.mark.parametrize("settings", DIGIT_RUNS + [{"lr": 3000.0, "optimizer": "sgd", "epochs": 2}],
                         ids=str)
def test_digits_confusion_gallery_and_race_words_state_their_numbers(settings):
    result = digits.run(**settings)
    C, n = result["confusion"], result["n_test"]
    text = digits.describe_confusion(result)
    said = re.search(r"the (\d+) test digits.*: (\d+) on the diagonal are right \(([\d.]+)%\), (\d+) off", text)
    assert [int(said[1]), int(said[2]), int(said[4])] == [n, np.trace(C), n - np.trace(C)]
    assert abs(float(said[3]) - 100 * result["accuracy"]) <= 0.05 + 1e-9
    for row in result["per_class"].itertuples():
        assert f"{row.digit}: {row.accuracy:.0%}" in text.split("Accuracy per true digit: ")[1]
    off = C - np.diag(np.diag(C))
    cells = [(int(i), int(j), int(k)) for i, j, k in re.findall(r"an? (\d) read as (\d): (\d+) times?", text)]
    assert [k for *_, k in cells] == sorted(off[off > 0], reverse=True)[:digits.TOLD_CELLS]
    assert all(off[i, j] == k for i, j, k in cells) and (not cells) == (not off.any())
    text = digits.describe_gallery(result)
    table = result["gallery"]
    if table.empty:
        assert text.startswith("Every test digit was read right") and n == np.trace(C)
    else:
        assert f"{len(table)} of the {n - np.trace(C)}" in text or f"all {n - np.trace(C)} misclassified" in text
        said = re.findall(r"(\d) → (\d) \((\d+)%\)", text)
        assert said == [(str(t), str(p), f"{pp:.0%}"[:-1]) for t, p, pp in
                        table[["true", "predicted", "p_predicted"]].head(digits.TOLD_CELLS).itertuples(index=False)]
        ends = re.findall(r"(\d+)%(?=[ .])", text.split("Those probabilities")[1])
        assert [int(e) for e in ends] in ([round(100 * table["p_predicted"].max()), round(100 * table["p_predicted"].min())],
                                          [round(100 * table["p_predicted"].max())])
    full, full_diverged = digits.full_batch(**{k: v for k, v in settings.items() if k != "batch_size"})
    text = digits.describe_race(result["curves"], full, result["batch_size"], (result["diverged_at"], full_diverged))
    for frame, name, gone in ((result["curves"], f"batch {result['batch_size']} \\(solid blue\\)", result["diverged_at"]),
                              (full, "full batch \\(dashed orange-red\\)", full_diverged)):
        seen = frame[np.isfinite(frame["train_loss"])]
        said = re.search(rf"{name} (?:goes from ({SAID}) at epoch (\d+) to ({SAID}) at epoch (\d+), after ({SAID}) s"
                         rf"|has only epoch (\d+), at ({SAID}))(, where its curve stops: it diverged at step (\d+))?", text)
        if said[1] is not None:
            assert agrees(said[1], seen["train_loss"].iloc[0]) and agrees(said[3], seen["train_loss"].iloc[-1])
            assert [int(said[2]), int(said[4])] == [seen["epoch"].iloc[0], seen["epoch"].iloc[-1]]
            assert agrees(said[5], seen["seconds"].iloc[-1])
        else:
            assert len(seen) == 1 and agrees(said[7], seen["train_loss"].iloc[0])
        assert (said[8] is not None) == (gone is not None) and (gone is None or int(said[9]) == gone)


def test_numbers_are_written_for_people():
    said = [words.num(v) for v in (0.6931, -0.0771, 1348, 12345.6, 3e-9, -3e-9, 2e7, 0, 2.0, 999.6)]
    assert said == ["0.693", "−0.0771", "1,348", "12,300", "under 0.0001", "just below 0",
                    "over a million", "0", "2", "1,000"]
    assert words.point(-0.0001, 0.934) == "(0, 0.93)" and words.share(3, 4) == "3 of 4"
    assert not any(re.search(r"\de|\d-", words.num(v)) for v in np.geomspace(1e-12, 1e12, 200))


def test_relative_errors_are_said_as_digits_that_agree():
    assert [words.digits(r) for r in (1.1e-10, 1e-10, 0.04, 0.5, 0.0, 1e-20)] == [9, 10, 1, 0, 16, 16]
    a, b = 1.2345678, 1.2345679                # share their first 7 digits
    assert words.digits(abs(a - b) / (a + b)) == 7


# ---- batches: the loss curves ---------------------------------------------------------------

@pytest.mark.parametrize("seed", range(10))
def test_batches_words_state_each_runs_updates_noise_and_final_losses(seed):
    from experiments import batches
    lr = 10.0 if seed == 9 else 0.1                    # seed 9: full batch, 8 and 1 diverge
    sizes, epochs = (("full", "64", "8", "1"), 20) if seed in (0, 9) else (("full", "16", "1"), 4)
    steps, per_epoch, summary = result = batches.runs(sizes, lr, epochs, 200, seed)
    text = batches.describe_curves(result)
    assert f"starts at full loss {words.num(per_epoch['loss'].iloc[0])}" in text
    for row in summary.itertuples():
        name = batches.size_name(row.batch).capitalize()
        if not np.isnan(row.diverged_at):
            assert f"{name} diverged at update {int(row.diverged_at)}" in text
            continue
        part = re.search(rf"{name}: (.*?)(?:\. [A-Z]|\.$)", text).group(1)
        run = per_epoch[per_epoch["batch"] == row.batch].iloc[-1]
        said = dict(re.findall(rf"(full loss|validation) ({SAID})", part))
        assert agrees(said["full loss"], run["loss"]) and agrees(said["validation"], run["val_loss"])
        if row.updates_per_epoch > 1:
            last = steps[(steps["batch"] == row.batch) & (steps["epoch"] == epochs)]["loss"]
            low, high = re.search(rf"between ({SAID}) and ({SAID})", part).groups()
            assert agrees(low, last.min()) and agrees(high, last.max())
            assert f"{row.updates_per_epoch:,} updates per epoch" in part
    assert ("diverged at" in text) == summary["diverged_at"].notna().any()



CUTS = [{}, {"size": "full", "where": "trained", "epochs": 3}, {"size": "1", "seed": 1},
        *[{"size": ("1", "8", "64", "full")[k % 4], "where": ("start", "trained")[k % 2], "epochs": 2,
           "seed": k, "n": 100, "points": 21} for k in range(2, 10)]]


def span_agrees(said, values):
    """True if "from a to b" / "all a" states the smallest and largest of `values`."""
    if said.startswith("all "):
        return agrees(said[4:], min(values)) and agrees(said[4:], max(values))
    low, high = re.fullmatch(rf"from ({SAID}) to ({SAID})", said).groups()
    return agrees(low, min(values)) and agrees(high, max(values))


@pytest.mark.parametrize("settings", CUTS, ids=str)
def test_batches_slice_words_state_l_at_theta_its_lowest_and_the_batches_spread(settings):
    from experiments import batches
    cut = batches.slice_losses(**settings)
    text = batches.describe_slice(cut, settings.get("size", "8"))
    full = cut[cut["curve"] == "L"].reset_index(drop=True)
    at, low = full["t"].abs().idxmin(), full["loss"].idxmin()
    said = re.search(rf"L \(thick blue\) is ({SAID}) at θ \(t = ({SAID})\) and lowest, ({SAID}), at t = ({SAID})\.",
                     text)
    assert agrees(said[1], full["loss"][at]) and agrees(said[2], full["t"][at])
    assert agrees(said[3], full["loss"][low]) and agrees(said[4], full["t"][low])
    parts = [part for _, part in cut[cut["curve"] != "L"].groupby("curve", sort=False)]
    minima = [part.loc[part["loss"].idxmin()] for part in parts]
    SPAN = rf"(?:all {SAID}|from {SAID} to {SAID})"
    said = re.search(rf"The (\d+) mini-batch losses L\(B\) of [^(]*\(thin orange-red\) are ({SPAN}) at θ; their lowest "
                     rf"points \(orange-red diamonds\) lie at t ({SPAN}), with losses ({SPAN})\.", text)
    assert int(said[1]) == len(parts)
    assert span_agrees(said[2], [part["loss"].iloc[part["t"].abs().argmin()] for part in parts])
    assert span_agrees(said[3], [m["t"] for m in minima]) and span_agrees(said[4], [m["loss"] for m in minima])

# ---- landscape: the slice and the path ---------------------------------------------------------

LANDSCAPE_RUNS = [{}] + [dict(seed=seed, epochs=15, resolution=15, directions=("PCA", "random")[seed % 2],
                      batch_size=(20, 200, 5)[seed % 3], optimizer=("adam", "sgd")[seed % 2],
                      lr=(0.01, 0.5)[seed % 2]) for seed in range(1, 10)]


@pytest.mark.parametrize("settings", LANDSCAPE_RUNS, ids=[f"s{k}" for k in range(len(LANDSCAPE_RUNS))])
def test_landscape_words_state_the_plane_and_the_paths_losses(settings):
    from experiments import landscape
    result = landscape.explore(**settings)
    three_d = settings.get("seed", 1) % 3 == 0                       # seeds 3, 6, 9: the 3-D view
    text = landscape.describe_surface(result, three_d)
    assert ("black diamond" if three_d else "black star") in text          # as viz.landscape draws θ*
    Z, path = result["Z"], result["path"]
    low, high = re.search(rf"loss runs from ({SAID}) to ({SAID})", text).groups()
    assert agrees(low, Z.min()) and agrees(high, Z.max())
    assert agrees(re.search(rf"and is ({SAID}) at θ\*", text).group(1), result["final_loss"])
    assert agrees(re.search(rf"true loss ({SAID})", text).group(1), path["loss"].iloc[0])
    assert f"in {int(path['update'].iloc[-1]):,} updates ({len(path)} snapshots" in text
    assert f"{len(result['betas'])} × {len(result['alphas'])} grid" in text
    if result["explained"] is not None:
        first, second = (int(v) for v in re.search(r"hold (\d+)% and (\d+)%", text).groups())
        assert (first, second) == tuple(round(100 * v) for v in result["explained"])
    else:
        assert "random" in text
    assert f"accuracy {result['final_acc']:.0%}" in text or "diverged" in text



@pytest.mark.parametrize("settings", LANDSCAPE_RUNS, ids=[f"s{k}" for k in range(len(LANDSCAPE_RUNS))])
def test_landscape_line_words_state_both_ends_and_the_extremes_between(settings):
    from experiments import landscape
    cheap = {"epochs": 15, "resolution": 5} | settings | {"resolution": 5, "extend": settings.get("seed", 0) % 2 == 0}
    lines = {"first": landscape.explore(**cheap)["line"],
             "second": landscape.explore(**cheap | {"optimizer": "sgd", "lr": 2.0, "seed": 3})["line"]}
    text = landscape.describe_interpolation(lines)
    t = lines["first"]["t"]
    assert f"for t from {words.num(t.min())} to {words.num(t.max())}" in text
    assert ("shaded beyond" in text) == bool(cheap["extend"])
    for (name, line), colour in zip(lines.items(), ("blue", "orange")):
        inside = line[(line["t"] >= 0) & (line["t"] <= 1)].reset_index(drop=True)
        said = re.search(rf"{name} \({colour}\): ({SAID}) at t = 0 \(circle\) and ({SAID}) at t = 1 \(star\); "
                         rf"(?:(nothing between)|between them highest ({SAID}) at t = ({SAID}), lowest ({SAID}) at "
                         rf"t = ({SAID}))", text)
        assert agrees(said[1], inside["loss"].iloc[0]) and agrees(said[2], inside["loss"].iloc[-1])
        high, low = inside["loss"].idxmax(), inside["loss"].idxmin()
        if said[3]:
            assert high == 0 and low == len(inside) - 1
        else:
            assert agrees(said[4], inside["loss"][high]) and agrees(said[5], inside["t"][high])
            assert agrees(said[6], inside["loss"][low]) and agrees(said[7], inside["t"][low])

# ---- regularization: training vs validation ---------------------------------------------------

FITS = [{}] + [dict(seed=seed, epochs=40, width=32, n_train=60, early_stopping=seed % 3 != 0,
                    patience=(3, 10, 100)[seed % 3], restore_best_weights=seed % 2 == 0,
                    monitor=("val_loss", "val_acc")[seed % 4 == 1], dropout=(0.0, 0.3)[seed % 2])
               for seed in range(1, 10)]


@pytest.mark.parametrize("settings", FITS, ids=[f"s{k}" for k in range(len(FITS))])
def test_regularization_words_state_the_curves_ends_minimum_and_checkpoint(settings):
    from experiments import regularization
    result = regularization.run(**settings)
    metric = "acc" if settings.get("monitor") == "val_acc" and settings.get("early_stopping") else "loss"
    text = regularization.describe_curves(result, metric)
    c = result["curves"]
    trained = c[c["trained"]]
    said = re.search(rf"Training goes from ({SAID}%?) to ({SAID}%?) and validation from ({SAID}%?) "
                     rf"to ({SAID}%?) by epoch (\d+)", text).groups()
    ends = [trained[f"{part}_{metric}"].iloc[k] for part in ("train", "val") for k in (0, -1)]
    for words_, value in zip(said[:4], ends):
        assert (words_ == f"{value:.0%}") if metric == "acc" else agrees(words_, value)
    assert int(said[4]) == int(trained["epoch"].iloc[-1])
    lowest = re.search(rf"lowest validation loss, ({SAID}), is at epoch (\d+)", text).groups()
    assert agrees(lowest[0], c["val_loss"].min()) and int(lowest[1]) == int(c["val_loss"].idxmin())
    if result["early_stopping"]:
        assert f"checkpoint, the best epoch it saw, is epoch {result['best_epoch']}" in text
        assert f"the model it gives you is epoch {result['kept_epoch']}." in text
        assert ("patience ran out" in text) == (not c["trained"].all())
    else:
        assert "Early stopping" not in text and "(the black star)" in text



@pytest.mark.parametrize("settings", FITS, ids=[f"s{k}" for k in range(len(FITS))])
def test_regularization_maps_and_gap_words_state_their_epochs_shares_and_gaps(settings):
    from experiments import regularization
    result = regularization.run(**settings)
    g, c = result["grid"], result["curves"]
    text = regularization.describe_boundaries(result)
    left = result["kept_epoch"] if result["early_stopping"] else result["lowest_epoch"]
    assert f"with the {int((result['points']['set'] == 'training').sum())} training points" in text
    for side, epoch, p in (("Left", left, g["kept"]), ("right", int(g["epochs"][-1]), g["p"][-1])):
        said = re.search(rf"{side}, epoch (\d+)[^:]*: (\d+)% of the map is read as class 1, and it gets (\d+)% "
                         rf"of the training points and (\d+)% of the validation", text)
        assert int(said[1]) == epoch and said[2] == f"{np.mean(p > 0.5):.0%}"[:-1]
        assert [said[3], said[4]] == [f"{c.iloc[epoch][k]:.0%}"[:-1] for k in ("train_acc", "val_acc")]
    assert ("early stopping gives you" in text) == result["early_stopping"]
    mine = settings.get("dropout", 0.0)
    others = (0.0, 0.5) if mine else (0.5,)
    data = {k: settings[k] for k in ("n_train", "width", "epochs", "seed") if k in settings}
    table = regularization.with_gap(regularization.dropout_gaps(others, **data), result, mine)
    text = regularization.describe_gaps(table, mine)
    for row in table.itertuples():
        yours = " \\(yours, orange\\)" if row.dropout == mine else ""
        said = re.search(rf"p = {re.escape(words.num(row.dropout))}{yours}: gap ({SAID}) \(training ({SAID}), "
                         rf"validation ({SAID})\)", text)
        assert agrees(said[1], row.gap) and agrees(said[2], row.train_loss) and agrees(said[3], row.val_loss)
    assert text.endswith(f"The smallest gap is at p = {words.num(table.loc[table['gap'].idxmin(), 'dropout'])}.")
    assert text.count("(yours, orange)") == 1

# ---- playground: the diagram and the big map --------------------------------------------------

GAMES = [{}] + [dict(seed=seed, epochs=15, n=120, hidden=(8, 8),
                     problem="regression" if seed % 4 == 0 else "classification",
                     dataset=("plane" if seed == 4 else "gaussians" if seed == 8 else
                              ("moons", "xor", "blobs", "spirals")[seed % 4]),
                     classes=2 + seed % 3, lr=(0.003, 0.03, 3.0)[seed % 3],
                     optimizer=("adam", "sgd")[seed % 2]) for seed in range(1, 10)]


@pytest.mark.parametrize("settings", GAMES, ids=[f"s{k}" for k in range(len(GAMES))])
def test_playground_words_state_the_network_the_map_and_the_scores(settings):
    from experiments import playground
    result = playground.run(**settings)
    text = playground.describe(result)
    start, end = result["curves"].iloc[0], result["curves"].iloc[-1]
    assert f"network {' → '.join(map(str, result['sizes']))} as a diagram" in text
    assert f"epochs {result['epochs'][0]} to {result['epochs'][-1]}" in text
    if result["task"] == "regression":
        said = re.search(rf"from ({SAID}) before training to ({SAID}) on the training points and "
                         rf"({SAID}) on the validation", text).groups()
        assert all(agrees(w, v) for w, v in zip(said, (start["train_loss"], end["train_loss"],
                                                         end["val_loss"])))
        said = re.search(rf"predicted values go from ({SAID}) to ({SAID}); the points' targets "
                         rf"from ({SAID}) to ({SAID})\.", text).groups()
        target = result["points"]["target"]
        assert all(agrees(w, v) for w, v in zip(said, (result["z"][-1].min(), result["z"][-1].max(),
                                                         target.min(), target.max())))
    else:
        picked = np.floor(result["z"][-1]).astype(int).ravel()
        for k, name in enumerate(result["classes"]):
            assert f"class {name}: {np.mean(picked == k):.0%}" in text
        assert (f"{end['train_acc']:.0%} of the training points and {end['val_acc']:.0%} of the "
                f"validation points") in text
    assert ("diverged" in text) == (result["diverged_at"] is not None)



@pytest.mark.parametrize("settings", GAMES, ids=[f"s{k}" for k in range(len(GAMES))])
def test_playground_loss_words_state_both_curves_ends_and_the_lowest_validation(settings):
    from experiments import playground
    result = playground.run(**settings | {"lr": 30.0} if settings.get("seed") == 9 else settings)
    text = playground.describe_losses(result)
    c = result["curves"]
    said = re.search(rf"from epoch (\d+) to epoch (\d+): training \(solid blue\) from ({SAID}) to ({SAID}), "
                     rf"validation \(dashed vermillion\) from ({SAID}) to ({SAID}), lowest ({SAID}) at epoch (\d+)\.",
                     text)
    assert [int(said[1]), int(said[2]), int(said[8])] == [c["epoch"].iloc[0], c["epoch"].iloc[-1],
                                                          c.loc[c["val_loss"].idxmin(), "epoch"]]
    for words_, value in zip(said.groups()[2:7], (c["train_loss"].iloc[0], c["train_loss"].iloc[-1],
                                                   c["val_loss"].iloc[0], c["val_loss"].iloc[-1], c["val_loss"].min())):
        assert agrees(words_, value)
    assert ("diverged" in text) == (result["diverged_at"] is not None)
    assert ("mean squared error" in text) == (result["task"] == "regression")



@pytest.mark.parametrize("settings", WALKS, ids=str)
def test_backprop_step_words_state_before_lowest_end_and_your_step(settings):
    w, lr = backprop.walk(**settings), settings.get("lr", 0.5)
    line, before, after = w["line"], w["loss_before"], w["loss_after"]
    text = backprop.describe_step(line, lr, before, after)
    low = line.loc[line["loss"].idxmin()]
    said = re.search(rf"from 0 to ({SAID}) \(black line\)\. Before the step L = ({SAID}) \(blue dot and dotted "
                     rf"line\); the line is lowest, ({SAID}), at η' = ({SAID}) and ends at ({SAID})\. Your η = "
                     rf"({SAID}) lands at L = ({SAID}) \((orange-red|green) diamond\): the loss went (up|down)", text)
    for words_, value in zip(said.groups()[:7], (2 * lr, before, low.loss, low.eta, line["loss"].iloc[-1], lr, after)):
        assert agrees(words_, value)
    assert (said[8], said[9]) == (("orange-red", "up") if after > before else ("green", "down"))
    fig = draw_backprop.step_line(line, lr, before, after)
    assert fig.data[2].marker.color == (theme.VERMILLION if after > before else theme.GREEN)


# ---- schedules: why decaying η helps ------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 7])
def test_decay_words_state_each_runs_learning_rates_and_shares_at_the_end(seed):
    from experiments import decay
    frame = decay.runs(seed)
    text = decay.describe_runs(frame)
    last = frame[frame["step"] == frame["step"].max()].set_index("run")
    first = frame[frame["step"] == 0].set_index("run")
    for name, (label, _, _) in decay.RUNS.items():
        lr0, lr1, escaped, settled = re.search(
            rf"{re.escape(label)}: η from ({SAID}) to ({SAID}); after \d+ steps ({SAID})% of the runs "
            rf"are past the barrier and ({SAID})% within", text).groups()
        assert agrees(lr0, first.loc[name, "lr"]) and agrees(lr1, last.loc[name, "lr"]), name
        assert agrees(escaped, 100 * last.loc[name, "escaped"]), name
        assert agrees(settled, 100 * last.loc[name, "settled"]), name
