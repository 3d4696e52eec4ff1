"""The colour-vision simulation the palette test relies on (tests/colour_vision.py)."""
import numpy as np
import pytest

from tests.colour_vision import MACHADO, closest, delta_e, indistinct_pairs, simulate, srgb
from viz import theme


def test_grey_stays_grey_and_red_green_collapse_for_both_deficiencies():
    grey = srgb("#808080")
    for matrix in MACHADO.values():
        assert np.allclose(simulate(grey, matrix), grey, atol=2e-3)   # rows sum to 1
    red, green = "#D62728", "#2CA02C"        # matplotlib's red and green: fine for normal vision
    assert delta_e(red, green) > 60
    assert all(delta_e(red, green, m) < delta_e(red, green) / 2 for m in MACHADO.values())


def test_the_palette_stays_distinct_for_deuteranopes_and_protanopes():
    """Okabe-Ito's colours (theme.PALETTE) are at least ΔE 17 apart in all three visions."""
    palette = theme.PALETTE
    worst = min(closest(a, b)[0] for i, a in enumerate(palette) for b in palette[i + 1:])
    print(f"closest pair of the palette: ΔE {worst:.1f}")
    assert worst > 17


@pytest.mark.parametrize("colour", ["#0072B2", "#07b", "rgb(0, 114, 178)", "rgba(0,114,178,0.4)"])
def test_colours_are_read_in_every_plotly_notation(colour):
    assert delta_e(colour, "#0072B2") < 3            # #07b is #0077bb: ΔE 2.9, a shade away


def test_two_series_in_one_panel_must_differ_by_colour_or_style():
    def fig(second):
        return {"data": [{"type": "scatter", "name": "a", "mode": "lines", "line": {"color": theme.GREY}},
                         {"type": "scatter", "name": "b", "mode": "lines", "line": second}]}
    assert indistinct_pairs(fig({"color": theme.GREEN}))        # ΔE 9.6 for deuteranopes
    assert not indistinct_pairs(fig({"color": theme.GREEN, "dash": "dot"}))
    assert not indistinct_pairs(fig({"color": theme.BLUE}))
