r"""Loss landscapes in the papers, at small scale: what makes a landscape smooth or chaotic, a
minimum sharp or flat.

Comparison (Li et al. 2018, "Visualizing the loss landscape of neural nets"): four networks
trained the same way on the same points, each sliced along two filter-normalized random
directions through its trained weights θ*,

    Z(α, β) = L(θ* + α d₁ + β d₂),

with the training path projected on the plane and drawn at its true loss L(θ_t).
Sharp vs flat (Keskar et al. 2017): the same network trained with small and with large batches
for the same number of epochs; each minimum is cut by a filter-normalized line L(θ* + t d), and
measured by the top Hessian eigenvalue λ_max and the validation loss, over several seeds.
Convexity map (Li et al. 2018, Fig. 7): |λ_min / λ_max| of the full Hessian at the points of a
coarse grid on the slice: near 0 the loss curves up in (almost) every direction, larger values
mean strong negative curvature, a non-convex place.

Every function is a pure function of hashable settings; the page caches them. The sentences the
page shows come from `sentence`, which quotes RATES: rates measured by `claims` over 10 seeds
at the default settings (tests/test_landscape_papers.py measures them again).
"""
import numpy as np
import pandas as pd

from experiments.landscape import DIRECTIONS, plane, points  # noqa: F401 (DIRECTIONS: the page's options)
from experiments import words
from nnlib import _check, data, hessian, landscape, optim
from nnlib.model import MLP
from nnlib.residual import ResidualMLP
from nnlib.train import fit

DATASETS = ("moons", "circles", "spirals", "xor")
NETS = ("shallow", "deep", "deep + skips", "deep wide")
SHALLOW_DEPTH = 2      # hidden layers of the shallow network
WIDTH, WIDE = 16, 32   # units per hidden layer: narrow (every net but one) and wide
LR, BATCH = 0.01, 20   # Adam's learning rate η and the batch size of the comparison
CAP = 5.0              # losses above this are drawn as CAP (the slices reach thousands)
SHARP_SIZES = [2, 32, 32, 2]
SHARP_POINTS = 200     # training points of the sharp/flat runs (as many again for validation)
MAX_GRID_POINTS = 41 * 41
MAX_MAP_POINTS = 9 * 9
MAX_SEEDS = 10


def architecture(net, depth):
    """(layer sizes, with skips?) of a compared network, e.g. ("deep + skips", 10) ->
    ([2, 16 × 10, 2], True): the skip network is a ResidualMLP with the deep network's sizes."""
    _check.choice("network", net, NETS)
    depth = _check.integer("hidden layers of the deep networks", depth, low=3, high=16)
    layers = {"shallow": [WIDTH] * SHALLOW_DEPTH, "deep": [WIDTH] * depth,
              "deep + skips": [WIDTH] * depth, "deep wide": [WIDE] * depth}[net]
    return [2, *layers, 2], net == "deep + skips"


def describe(net, depth):
    """"10 hidden layers of 16, with skips" for the page."""
    sizes, skips = architecture(net, depth)
    return f"{len(sizes) - 2} hidden layers of {sizes[1]}" + (", with skips" if skips else "")


def train(net, dataset="moons", noise=0.2, depth=10, epochs=50, seed=0):
    """Train one compared network with Adam (η = LR, batch BATCH) on N_POINTS points of `dataset`;
    return (model, X, y, history) with a parameter snapshot after every epoch. A run that blew
    up keeps its last finite weights."""
    sizes, skips = architecture(net, depth)
    epochs = _check.integer("epochs", epochs, low=5, high=200)
    X, y = points(_check.choice("dataset", dataset, DATASETS), noise, seed)
    model = (ResidualMLP if skips else MLP)(sizes, seed=seed)
    hist = fit(model, X, y, optim.Adam(lr=LR), batch_size=BATCH, epochs=epochs, seed=seed,
               record_thetas="epoch")
    if hist.diverged_at is not None:
        model.theta = hist.thetas[-1]
    return model, X, y, hist


def axis(resolution, span):
    """resolution (made odd, so θ* is the centre) evenly spaced coordinates in [−span, span]."""
    span = _check.number("range", span, low=0.05, high=3)
    return np.linspace(-span, span, _check.integer("grid points per side", resolution, low=3) | 1)


def panel(net, dataset="moons", noise=0.2, depth=10, epochs=50, resolution=25, span=1.0, seed=0,
          directions="random"):
    """One network's slice: train it, cut its loss along a plane through θ* (experiments.landscape
    .plane: filter-normalized random directions from default_rng(seed), ±span; or the path's two
    principal directions, span times its extent), project the path of every epoch onto it.

    Returns a dict: net, label, alphas, betas, Z (Z[i, j] at alphas[j], betas[i]), explained
    (PCA ratios or None), path (frame: epoch, alpha, beta, loss = the true training loss L(θ_t),
    not the loss on the plane), reach (the projected path's farthest point from θ*,
    max √(α² + β²)), final_loss, minima, median, n_params.
    """
    coords = axis(resolution, span)
    if len(coords) ** 2 > MAX_GRID_POINTS:
        raise ValueError(f"at most {int(MAX_GRID_POINTS ** 0.5)} grid points per side keep the "
                         f"comparison quick, got {len(coords)}")
    model, X, y, hist = train(net, dataset, noise, depth, epochs, seed)
    thetas = hist.thetas[:len(hist.epochs["train_loss"])]
    alphas, betas, Z, explained, (a, b) = plane(model, X, y, thetas, directions, len(coords),
                                                 span, seed)
    path = pd.DataFrame({"epoch": np.arange(len(thetas)), "alpha": a, "beta": b,
                         "loss": hist.epochs["train_loss"][:len(thetas)]})
    return dict(net=net, label=describe(net, depth), alphas=alphas, betas=betas, Z=Z,
                explained=explained, path=path, reach=float(np.hypot(a, b).max()),
                final_loss=float(model.loss(X, y)),
                minima=slice_minima(Z), median=float(np.median(Z)), n_params=model.n_params)


def describe_slices(panels, cap=CAP):
    """The four slices in words (the text under the figure), from panel()'s dicts: where the
    training path is (on random directions: how short its projection is), then per network the
    loss at θ*, the lowest, median and highest loss on its slice, its dips and the training
    path's true loss from its first epoch to its last."""
    random = panels[0]["explained"] is None
    method = "two filter-normalized random directions" if random else "its training path's two PCA directions"
    parts = [f"The loss on a plane through each network's trained weights θ* (the black star at "
             f"the centre) along {method}, on one colour scale for all {len(panels)}: dark blue "
             f"is a low loss, yellow a high one, and losses above {words.num(cap)} share the top "
             f"colour. {path_sentence(panels)}"]
    for p in panels:
        Z, path = p["Z"][np.isfinite(p["Z"])], p["path"]
        parts.append(
            f"{p['net']} ({p['label']}): loss at θ* {words.num(p['final_loss'])}; on the slice "
            f"lowest {words.num(Z.min())}, median {words.num(p['median'])}, highest "
            f"{words.num(Z.max())}{' (over ' + words.num(cap) + ', drawn yellow)' if Z.max() > cap else ''}; "
            f"{p['minima']} dip{'s' * (p['minima'] != 1)}; the path's true loss goes from "
            f"{words.num(path['loss'].iloc[0])} at epoch {int(path['epoch'].iloc[0])} to "
            f"{words.num(path['loss'].iloc[-1])} at epoch {int(path['epoch'].iloc[-1])}.")
    return " ".join(parts)


def path_sentence(panels):
    """Where to look for the orange-red training path (its start a dot): on PCA directions a line
    from the dot to the star; on random directions the dot on the star, the projection's farthest
    point from θ* as a share of the slice's width (2 × span), and why (training moves the weights
    almost at right angles to both random directions: tests/test_landscape_papers.py measures it)."""
    if panels[0]["explained"] is not None:
        return ("The orange-red line is the training path projected on the plane, from its start "
                "(the dot) to the black star.")
    reach = max(p["reach"] for p in panels)
    width = max(p["alphas"][-1] - p["alphas"][0] for p in panels)
    share = f"{100 * reach / width:.0f}%" if reach >= 0.01 * width else "under 1%"
    return (f"The training path, projected on the plane, is hardly more than the orange-red dot at the "
            f"black star: from its start (the dot) it never gets further than {words.num(reach)} from θ*, "
            f"{share} of the slice's width, because training moved the weights almost at right angles "
            "to both random directions. Choose PCA directions to see it as a line.")


def describe_surfaces(panels, cap=CAP):
    """The 3-D surfaces in words: per network the lowest loss on its slice, the share of the
    grid cut off at cap, and the orange-red path's true loss at its first and last epoch."""
    parts = []
    for p in panels:
        Z, path = p["Z"], p["path"]
        cut = np.mean(~(Z <= cap))                        # above cap, or not a finite number
        parts.append(f"{p['net']} ({p['label']}): lowest {words.num(np.nanmin(Z))}, {words.num(100 * cut)}% of the "
                     f"grid cut off at {words.num(cap)}; the path from {words.num(path['loss'].iloc[0])} at "
                     f"epoch {int(path['epoch'].iloc[0])} to {words.num(path['loss'].iloc[-1])} at epoch "
                     f"{int(path['epoch'].iloc[-1])}")
    return (f"The same slices as rotatable 3-D surfaces, {len(panels)} side by side: height and colour "
            f"are the loss, from dark blue at 0 to yellow at {words.num(cap)}, where the surface is cut "
            "off; the orange-red line is the training path at its true loss. " + "; ".join(parts) + ".")


def describe_convexity(pairs):
    """The convexity maps in words: per network the slice's loss range and, on the coarse grid,
    the ratio |λ_min/λ_max| from lowest to highest, its mean, and at how many points λ_min < 0."""
    parts = []
    for p, m in pairs:
        Z, ratio = p["Z"][np.isfinite(p["Z"])], m["ratio"]
        negative = int((m["lam_min"] < 0).sum())
        parts.append(f"{p['net']} ({p['label']}): the slice's loss from {words.num(Z.min())} to {words.num(Z.max())}; "
                     f"the ratio from {words.num(ratio.min())} to {words.num(ratio.max())}, mean "
                     f"{words.num(m['mean_ratio'])}, with λ_min below 0 at {words.share(negative, ratio.size)} "
                     "points")
    n = pairs[0][1]["ratio"].shape
    return (f"One row per network: its slice (left, dark blue low loss, yellow high) beside the map of "
            f"|λ_min/λ_max| on a {n[1]} × {n[0]} grid (right, dark blue near 0 is convex, yellow 1 or more "
            "strongly non-convex; larger ratios are drawn as 1). " + "; ".join(parts) + ".")


def describe_sharp_flat_lines(lines):
    """The two lines through the minima in words: per run (small batch blue, large batch orange)
    the loss at θ* (t = 0), at both ends and its lowest."""
    parts = []
    for (run, line), colour in zip(lines.groupby("run", sort=False), ("blue", "orange")):
        line = line.reset_index(drop=True)
        centre, low = line["t"].abs().idxmin(), line["loss"].idxmin()
        parts.append(f"{run} ({colour}): {words.num(line['loss'][centre])} at t = 0, "
                     f"{words.num(line['loss'].iloc[0])} at t = {words.num(line['t'].iloc[0])} and "
                     f"{words.num(line['loss'].iloc[-1])} at t = {words.num(line['t'].iloc[-1])}, lowest "
                     f"{words.num(line['loss'][low])} at t = {words.num(line['t'][low])}")
    return ("Training loss on a log axis along one filter-normalized direction d through each minimum θ* "
            "(t = 0, the dotted line): " + "; ".join(parts) + ".")


def describe_sharp_flat_spread(runs):
    """The seed panels in words: per measure the median and range of each run over the seeds, and
    on how many seeds the large batch's value is the higher one."""
    n = runs["seed"].nunique()
    parts = []
    for column, told in (("lambda_max", "Top Hessian eigenvalue λ_max"), ("rise", "Rise along the line at t = ±½"),
                         ("val_loss", "Validation loss")):
        stats = spread(runs, column)
        pairs = runs.pivot(index="seed", columns="run", values=column)
        higher = int((pairs["large batch"] > pairs["small batch"]).sum())
        ranges = ", ".join(f"{run} median {words.num(m)} ({words.num(lo)} to {words.num(hi)})"
                           for run, (m, lo, hi) in stats.items())
        parts.append(f"{told}: {ranges}; the large batch's is higher on {words.share(higher, n)} "
                     f"seed{'s' * (n != 1)}")
    return (f"Three panels over {n} seed{'s' * (n != 1)}, one dot per run (small batch blue, large batch "
            "orange), each seed's two runs joined by a grey line. " + ". ".join(parts) + ".")


def slice_minima(Z):
    """How many interior grid points lie lower than all 8 neighbours: the dips of the slice
    (a smooth bowl has 1, a chaotic slice many)."""
    Z = np.where(np.isfinite(Z), Z, np.inf)
    centre, rows, cols = Z[1:-1, 1:-1], *Z.shape
    lowest = np.ones(centre.shape, bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                lowest &= centre < Z[1 + di:rows - 1 + di, 1 + dj:cols - 1 + dj]
    return int(lowest.sum())


def convexity_map(net, dataset="moons", noise=0.2, depth=10, epochs=50, resolution=5, span=1.0,
                  seed=0, max_iter=20):
    """|λ_min / λ_max| of the Hessian at each point of a coarse grid on the same slice as `panel`.

    Each point costs at most max_iter Hessian-vector products (Lanczos, nnlib.hessian, stopped
    at a relative tolerance of 1e-2). Returns a dict: net, alphas, betas, ratio, lam_min, lam_max
    (arrays [i, j] at alphas[j], betas[i]), mean_ratio.
    """
    coords = axis(resolution, span)
    if len(coords) ** 2 > MAX_MAP_POINTS:
        raise ValueError(f"the convexity map takes at most {int(MAX_MAP_POINTS ** 0.5)} points "
                         f"per side (each needs its own Hessian eigenvalues), got {len(coords)}")
    model, X, y, _ = train(net, dataset, noise, depth, epochs, seed)
    d1, d2 = landscape.random_directions(model, seed=seed)
    lam = np.array([[hessian.extreme_eigenvalues(model, X, y, model.theta + a * d1 + b * d2,
                                                 max_iter=max_iter, tol=1e-2, seed=seed)
                     for a in coords] for b in coords])
    ratio = np.abs(lam[..., 0]) / np.maximum(np.abs(lam[..., 1]), 1e-12)
    return dict(net=net, alphas=coords, betas=coords, ratio=ratio, lam_min=lam[..., 0],
                lam_max=lam[..., 1], mean_ratio=float(ratio.mean()))


def sharp_flat(dataset="moons", noise=0.3, small=10, large=200, epochs=60, seeds=5, seed=0,
               span=1.0, n_line=41):
    """Small-batch vs large-batch minima of SHARP_SIZES (Adam, η = LR, the same epochs), over
    `seeds` seeds from `seed` on: SHARP_POINTS training and as many validation points each.

    Returns a dict: lines (frame t, loss, run: L(θ* + t d) along one filter-normalized random
    direction d through each minimum, for the first seed), runs (one row per seed and run:
    seed, run, batch_size, lambda_max, train_loss, val_loss, rise = the mean loss at t = ±span/2
    minus the loss at θ*).
    """
    small = _check.integer("small batch size", small, low=1, high=SHARP_POINTS)
    large = _check.integer("large batch size", large, low=1, high=SHARP_POINTS)
    seeds = _check.integer("seeds", seeds, low=1, high=MAX_SEEDS)
    t = axis(n_line, span)
    rows, lines = [], []
    for s in range(seed, seed + seeds):
        X, y = data.DATASETS[_check.choice("dataset", dataset, DATASETS)](
            n=2 * SHARP_POINTS, noise=noise, seed=s)
        (Xt, Xv), (yt, yv) = np.split(X, 2), np.split(y, 2)
        for run, batch in (("small batch", small), ("large batch", large)):
            model = MLP(SHARP_SIZES, seed=s)
            fit(model, Xt, yt, optim.Adam(lr=LR), batch_size=batch, epochs=epochs, seed=s)
            lam_max = hessian.extreme_eigenvalues(model, Xt, yt, max_iter=40, tol=1e-3, seed=s)[1]
            d = landscape.random_directions(model, seed=s)[0]
            line = landscape.interpolate(model, model.theta + t[0] * d, model.theta + t[-1] * d,
                                         Xt, yt, len(t))
            centre, half = len(t) // 2, len(t) // 4
            rows.append(dict(seed=s, run=run, batch_size=batch, lambda_max=lam_max,
                             train_loss=float(model.loss(Xt, yt)), val_loss=float(model.loss(Xv, yv)),
                             rise=float((line[centre - half] + line[centre + half]) / 2 - line[centre])))
            if s == seed:
                lines.append(pd.DataFrame({"t": t, "loss": line, "run": run}))
    return dict(lines=pd.concat(lines, ignore_index=True), runs=pd.DataFrame(rows))


def spread(runs, column):
    """{run: (median, min, max)} of one column of sharp_flat's runs, for the page's sentences."""
    return {run: (float(g.median()), float(g.min()), float(g.max()))
            for run, g in runs.groupby("run", sort=False)[column]}


# ---- claims: what the page says, counted over seeds ------------------------------------

CLAIMS = {
    "deep_more_dips": "the deep network's slice has more dips (local minima of the grid) than "
                      "the shallow network's",
    "skips_fewer_dips": "the deep network with skips has fewer dips than the one without",
    "skips_lower_walls": "the slice of the deep network with skips stays lower (median loss) "
                         "than the one without",
    "wide_fewer_dips": "the wide deep network has fewer dips than the narrow deep one",
    "deep_less_convex": "the deep network's convexity map has a higher mean |λ_min/λ_max| "
                        "(less convex) than the shallow network's",
    "skips_more_convex": "the deep network with skips has a lower mean |λ_min/λ_max| (more "
                         "convex) than the one without",
    "large_batch_higher_curvature": "the large-batch minimum has the larger top Hessian "
                                    "eigenvalue λ_max",
    "large_batch_steeper_line": "the large-batch minimum rises more along the filter-normalized "
                                "line",
    "large_batch_worse_validation": "the large-batch minimum has the higher validation loss",
}
RATES = {   # (k, n): measured by claims(range(10)) at the default settings
    "deep_more_dips": (9, 10),
    "skips_fewer_dips": (8, 10),
    "skips_lower_walls": (10, 10),
    "wide_fewer_dips": (6, 10),
    "deep_less_convex": (10, 10),
    "skips_more_convex": (9, 10),
    "large_batch_higher_curvature": (10, 10),
    "large_batch_steeper_line": (1, 10),
    "large_batch_worse_validation": (2, 10),
}


def seed_outcomes(seed):
    """{claim: True/False} for one seed at the default settings."""
    p = {net: panel(net, seed=seed) for net in NETS}
    c = {net: convexity_map(net, seed=seed) for net in ("shallow", "deep", "deep + skips")}
    runs = sharp_flat(seeds=1, seed=seed)["runs"].set_index("run")
    big, small = runs.loc["large batch"], runs.loc["small batch"]
    return {
        "deep_more_dips": p["deep"]["minima"] > p["shallow"]["minima"],
        "skips_fewer_dips": p["deep + skips"]["minima"] < p["deep"]["minima"],
        "skips_lower_walls": p["deep + skips"]["median"] < p["deep"]["median"],
        "wide_fewer_dips": p["deep wide"]["minima"] < p["deep"]["minima"],
        "deep_less_convex": c["deep"]["mean_ratio"] > c["shallow"]["mean_ratio"],
        "skips_more_convex": c["deep + skips"]["mean_ratio"] < c["deep"]["mean_ratio"],
        "large_batch_higher_curvature": big.lambda_max > small.lambda_max,
        "large_batch_steeper_line": big.rise > small.rise,
        "large_batch_worse_validation": big.val_loss > small.val_loss,
    }


def claims(seeds=range(10)):
    """{claim: (k, n)}: in how many of the n seeds each claim holds at the default settings."""
    outcomes = [seed_outcomes(s) for s in seeds]
    return {claim: (sum(bool(o[claim]) for o in outcomes), len(outcomes)) for claim in CLAIMS}


def how_often(k, n):
    """"in all 10 seeds", "in 8 of 10 seeds", "in none of the 10 seeds"."""
    if k == n:
        return f"in all {n} seeds"
    return f"in none of the {n} seeds" if k == 0 else f"in {k} of {n} seeds"


def sentence(claim, rates=None):
    """The page's sentence for a claim, with its measured rate: "In 9 of 10 seeds, ..."."""
    k, n = (rates or RATES)[claim]
    text = how_often(k, n)
    return f"{text[0].upper()}{text[1:]}, {CLAIMS[claim]}."


def frequency(k, n):
    """A word for k of n: "always", "usually" (≥ 70 %), "about half the time", "rarely"
    (≤ 30 %), "never"."""
    if k == n:
        return "always"
    if k == 0:
        return "never"
    return "usually" if k >= 0.7 * n else "rarely" if k <= 0.3 * n else "about half the time"


def sharp_flat_verdict(rates=None):
    """What the three sharp/flat rates say together, in plain words (from the rates themselves)."""
    rates = rates or RATES
    curvature = frequency(*rates["large_batch_higher_curvature"])
    line = frequency(*rates["large_batch_steeper_line"])
    worse = frequency(*rates["large_batch_worse_validation"])
    agree = (curvature in ("always", "usually")) == (line in ("always", "usually"))
    text = (f"By λ_max the large-batch minimum is {curvature} the sharper one; along the "
            f"filter-normalized line it is {line} the steeper one"
            + ("" if agree else ": the two measures of sharpness disagree") + ". ")
    if worse in ("always", "usually"):
        return text + f"Its validation loss is {worse} higher, as Keskar et al. found."
    return text + (f"Its validation loss is {worse} the higher one, so at this small scale large "
                   "batches did not generalize worse, unlike Keskar et al.'s large networks.")
