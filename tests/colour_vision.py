"""How colours look to the two common red-green colour-vision deficiencies, and how far apart.

simulate() applies the full-severity matrices of Machado, Oliveira & Fernandes (2009), "A
physiologically-based model for simulation of color vision deficiency", to linear sRGB;
delta_e() is the CIE 1976 distance in CIELAB (D65): about 2.3 is a just-noticeable difference,
and colours this app calls distinguishable are at least DISTINCT apart.
"""
import re

import numpy as np

MACHADO = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
VISIONS = {"normal vision": np.eye(3), **MACHADO}
DISTINCT = 15.0
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = np.array([0.95047, 1.0, 1.08883])
NAMED = {"black": "#000000", "white": "#ffffff", "grey": "#808080", "gray": "#808080"}


def srgb(colour):
    """'#0072B2', '#07b', 'rgb(0, 114, 178)', 'rgba(0,114,178,0.5)' or 'black' -> 3 floats in [0, 1]
    (the alpha of rgba is ignored: the series' hue is what tells it apart)."""
    colour = NAMED.get(colour.strip().lower(), colour.strip())
    if colour.startswith("#"):
        digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:4])
        return np.array([int(digits[i:i + 2], 16) for i in (0, 2, 4)]) / 255
    numbers = [float(v) for v in re.findall(r"[\d.]+", colour)[:3]]
    return np.array(numbers) / 255


def simulate(rgb, matrix):
    """The sRGB colour a viewer with the deficiency of `matrix` sees instead of `rgb`."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(matrix @ linear, 0, 1)
    return np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)


def lab(rgb):
    """sRGB in [0, 1] -> CIELAB (L*, a*, b*), D65 white."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = SRGB_TO_XYZ @ linear / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a, b, matrix=np.eye(3)):
    """CIE76 ΔE between colours a and b as seen through `matrix` (identity: normal vision)."""
    return float(np.linalg.norm(lab(simulate(srgb(a), matrix)) - lab(simulate(srgb(b), matrix))))


def closest(a, b):
    """(smallest ΔE of a and b over normal vision, deuteranopia and protanopia, that vision)."""
    return min((delta_e(a, b, matrix), vision) for vision, matrix in VISIONS.items())


def series(spec):
    """{(axes, name): (colour, mode, dash, symbol)} of a Plotly figure's named line, marker and
    bar traces; axes is the (x, y) or 3-D scene pair they are drawn in (traces of one legend
    group count once; colour arrays and maps are left out)."""
    found = {}
    for trace in spec["data"]:
        kind = trace.get("type", "scatter")
        if kind not in ("scatter", "scattergl", "scatter3d", "bar") or not trace.get("name"):
            continue
        line, marker = trace.get("line", {}), trace.get("marker", {})
        mode = "bars" if kind == "bar" else trace.get("mode", "lines")
        colour = line.get("color") if "lines" in mode else marker.get("color")
        axes = trace.get("scene") or (trace.get("xaxis", "x"), trace.get("yaxis", "y"))
        if isinstance(colour, str):
            found.setdefault((axes, trace.get("legendgroup") or trace["name"]),
                             (colour, mode, line.get("dash", "solid"), marker.get("symbol", "circle")))
    return found


def indistinct_pairs(spec):
    """[(name, name, ΔE, vision)]: pairs of series in one panel whose colours are less than
    DISTINCT apart for some viewer and that do not differ by mode, dash or marker either."""
    named = list(series(spec).items())
    pairs = []
    for i, ((axes_a, a), (colour_a, *style_a)) in enumerate(named):
        for (axes_b, b), (colour_b, *style_b) in named[i + 1:]:
            if axes_a == axes_b and style_a == style_b:
                distance, vision = closest(colour_a, colour_b)
                if distance < DISTINCT:
                    pairs.append((a, b, round(distance, 1), vision))
    return pairs
