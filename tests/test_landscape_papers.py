"""Loss landscapes in the papers: the experiment's pieces, and every claim the page makes,
counted again over 10 seeds (the rates the page quotes must be the measured ones)."""
import numpy as np
import pytest

from experiments import landscape_papers as lp
from nnlib import hessian, landscape


def test_the_compared_networks_differ_only_in_what_their_names_say():
    sizes = {net: lp.architecture(net, 10) for net in lp.NETS}
    assert sizes["shallow"] == ([2, 16, 16, 2], False)
    assert sizes["deep"] == ([2] + [16] * 10 + [2], False)
    assert sizes["deep + skips"] == ([2] + [16] * 10 + [2], True)
    assert sizes["deep wide"] == ([2] + [32] * 10 + [2], False)
    assert lp.describe("deep + skips", 8) == "8 hidden layers of 16, with skips"


def test_slice_minima_counts_the_dips_of_a_grid():
    x = np.linspace(-1, 1, 21)
    bowl = np.add.outer(x**2, x**2)
    egg_crate = bowl + np.add.outer(np.cos(6 * np.pi * x), np.cos(6 * np.pi * x))
    assert lp.slice_minima(bowl) == 1
    assert lp.slice_minima(egg_crate) >= 16
    assert lp.slice_minima(np.where(bowl > 1, np.nan, bowl)) == 1     # NaN counts as high


def test_panel_slices_the_trained_network_and_draws_its_path_at_its_true_loss():
    p = lp.panel("deep + skips", depth=4, epochs=5, resolution=7, span=0.5, seed=1)
    model, X, y, hist = lp.train("deep + skips", depth=4, epochs=5, seed=1)
    assert p["Z"].shape == (7, 7) and p["Z"][3, 3] == pytest.approx(model.loss(X, y), rel=1e-10)
    assert p["path"]["loss"].tolist() == pytest.approx(hist.epochs["train_loss"].tolist())
    d1, d2 = landscape.random_directions(model, seed=1)
    a, b = landscape.project(hist.thetas, model.theta, d1, d2)
    np.testing.assert_allclose(p["path"][["alpha", "beta"]].to_numpy().T, [a, b])
    assert p["path"]["alpha"].iloc[-1] == pytest.approx(0, abs=1e-12)    # it ends at θ*


def test_convexity_map_is_the_ratio_of_the_extreme_hessian_eigenvalues():
    m = lp.convexity_map("shallow", epochs=5, resolution=3, span=0.5, seed=2)
    model, X, y, _ = lp.train("shallow", epochs=5, seed=2)
    d1, d2 = landscape.random_directions(model, seed=2)
    exact = np.linalg.eigvalsh(hessian.hessian(model, X, y, model.theta + 0.5 * d1 - 0.5 * d2))
    assert m["lam_max"][0, 2] == pytest.approx(exact[-1], rel=1e-2)
    assert m["ratio"][0, 2] == pytest.approx(abs(m["lam_min"][0, 2] / m["lam_max"][0, 2]))


def test_sharp_flat_cuts_each_minimum_and_measures_it():
    r = lp.sharp_flat(small=20, large=200, epochs=5, seeds=2, seed=3)
    assert list(r["runs"]["run"]) == ["small batch", "large batch"] * 2
    assert set(r["lines"]["run"]) == {"small batch", "large batch"}
    assert (r["runs"]["lambda_max"] > 0).all() and (r["runs"]["rise"] > 0).all()
    centre = r["lines"].query("t == 0")
    first = r["runs"][r["runs"]["seed"] == 3]
    np.testing.assert_allclose(centre["loss"], first["train_loss"], rtol=1e-10)


@pytest.mark.parametrize("call, message", [
    (lambda: lp.panel("huge"), "unknown network 'huge'"),
    (lambda: lp.panel("deep", depth=40), "hidden layers of the deep networks must be <= 16"),
    (lambda: lp.panel("deep", resolution=61), "at most 41 grid points per side"),
    (lambda: lp.convexity_map("deep", resolution=15), "at most 9 points per side"),
    (lambda: lp.sharp_flat(small=0), "small batch size must be >= 1"),
])
def test_bad_settings_give_a_clear_sentence(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_sentences_quote_the_rates():
    assert lp.sentence("deep_more_dips", {"deep_more_dips": (9, 10)}).startswith("In 9 of 10 seeds, the deep")
    assert lp.how_often(10, 10) == "in all 10 seeds" and lp.how_often(0, 10) == "in none of the 10 seeds"
    assert set(lp.RATES) == set(lp.CLAIMS)


@pytest.mark.slow
def test_every_claim_of_the_page_holds_at_the_rate_it_quotes_over_10_seeds():
    measured = lp.claims(range(10))
    for claim, (k, n) in measured.items():
        print(f"{k:2d} of {n}: {lp.CLAIMS[claim]}")
    assert measured == lp.RATES


@pytest.mark.slow
def test_on_random_directions_the_path_is_a_speck_at_right_angles_to_the_plane():
    # "In words" (path_sentence): on random directions the projected path "is hardly more than
    # the orange-red dot at the black star ... because training moved the weights almost at right
    # angles to both random directions"; default settings, seeds 0..9, every network: the
    # farthest point within 5 % of the width, every angle between θ₀ − θ* and a direction over 81°
    shares, cosines = [], []
    for seed in range(10):
        for net in lp.NETS:
            p = lp.panel(net, seed=seed, resolution=15)   # the path does not depend on the grid
            shares.append(p["reach"] / (p["alphas"][-1] - p["alphas"][0]))
            model, X, y, hist = lp.train(net, seed=seed)
            moved = hist.thetas[0] - model.theta
            cosines += [abs(d @ moved) / np.linalg.norm(d) / np.linalg.norm(moved)
                        for d in landscape.random_directions(model, seed=seed)]
    print(f"\nfarthest point / slice width: max {max(shares):.3f}; |cos(θ₀ − θ*, d)|: max {max(cosines):.3f}")
    assert max(shares) < 0.1 and max(cosines) < np.cos(np.radians(81))
