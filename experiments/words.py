"""Numbers and lists as the text under a figure writes them, for people (issue 20).

A figure's description is read aloud by screen readers and by students who cannot see the
chart, so its numbers are short and plain: 2–3 significant figures, thousands separated by
commas ("1,348"), a real minus sign ("−0.77"), never powers of ten ("1e-178"): tiny values
read "under 0.0001", huge ones "over a million".
"""
import math

import numpy as np

TINY = 1e-4        # smaller magnitudes read "under 0.0001"
HUGE = 1e6         # larger magnitudes read "over a million"


def num(value, sig=3):
    """`value` for people: num(0.6931) = "0.693", num(-0.0771) = "−0.0771", num(1348) =
    "1,348", num(12345.6) = "12,300", num(3e-9) = "under 0.0001" (−3e-9: "just below 0"),
    num(2e7) = "over a million", num(nan) = "not a number"."""
    value = float(value)
    if math.isnan(value):
        return "not a number"
    sign = "−" if value < 0 else ""
    size = abs(value)
    if size == 0:
        return "0"
    if size < TINY:
        return "under 0.0001" if value > 0 else "just below 0"
    if size >= HUGE:
        return "over a million" if value > 0 else "below −1,000,000"
    if size >= 10 ** sig and size == round(size):
        return sign + f"{int(size):,}"
    text = np.format_float_positional(size, precision=sig, unique=False, fractional=False, trim="-")
    whole, _, decimals = text.partition(".")
    return sign + f"{int(whole):,}" + (f".{decimals}" if decimals else "")


def digits(relative_error):
    """How many leading digits two numbers share, from their relative error r = |a − b| / (|a| + |b|):
    ⌊−log₁₀ r⌋ (1.1e-10 → 9, 0.04 → 1), 0 when r ≥ 0.1, and 16 (all of a float64's) when r = 0."""
    r = float(relative_error)
    return 16 if r <= 1e-16 else max(0, min(16, math.floor(-math.log10(r))))


def share(k, n):
    """"3 of 4", "all 4", "none of the 4"."""
    if k == n:
        return f"all {n}"
    return f"none of the {n}" if k == 0 else f"{k} of {n}"


def coordinate(value):
    """A position to 2 decimals for people: 0.000456 is "0", −0.9334 is "−0.93"."""
    return num(round(float(value), 2) + 0.0)     # + 0.0 turns −0.0 into 0.0


def point(x, y):
    """"(−1.5, 0.02)": a point of a plane, each coordinate to 2 decimals."""
    return f"({coordinate(x)}, {coordinate(y)})"
