"""Contour maps drawn as a background image, so they survive Play.

plotly.js blanks contour and heatmap traces when an animation plays, even when the frames
leave them alone (plotly.js #4491; checked in Chromium with plotly 7.1). A layout image under
the axes stays, so an animated figure draws its map with `add_map`: the image, and an invisible
heat map that carries the colour bar (an image has none; Play leaves the bar) and still reads out
the value under the mouse (one image to the browser: invisible scatter points were 1,681 SVG
nodes restyled on every redraw, most of the descent race's redraw time).
"""
import base64
import struct
import zlib

import numpy as np
from plotly.colors import sample_colorscale

from viz import theme

LEVELS = 24     # contour bands on a map
PIXELS = 241    # the image's side: coarser grids are interpolated up so bands have smooth edges
HOVER_POINTS = 41   # hover cells per side (a 161 x 161 map would weigh too much)


def add_map(fig, x, y, z, colorbar=None, lighten=0.0, hover=None):
    """Draw z (z[i, j] at x[j], y[i], Plotly's z[y][x]) as a filled contour image under `fig`.

    `colorbar` is passed to the colour bar (title, tickvals, ticktext); `lighten` in [0, 1)
    fades the colours towards white so paths drawn on top stand out; `hover` (same shape as z)
    is the text shown under the mouse, by default z itself.
    """
    x, y, z = np.asarray(x, float), np.asarray(y, float), np.asarray(z, float)
    fig.add_layout_image(source=contour_image(z, lighten), xref="x", yref="y", x=x[0], y=y[-1],
                         sizex=x[-1] - x[0], sizey=y[-1] - y[0], sizing="stretch", layer="below")
    rows, cols = (np.unique(np.linspace(0, n - 1, HOVER_POINTS).round().astype(int)) for n in z.shape)
    text = np.vectorize(lambda v: f"{v:.4g}")((z if hover is None else np.asarray(hover))[np.ix_(rows, cols)])
    fig.add_heatmap(x=x[cols].round(4), y=y[rows].round(4), z=z[np.ix_(rows, cols)].round(4), text=text,
                    zmin=float(z.min()), zmax=float(z.max()), colorscale=theme.SEQUENTIAL, opacity=0,
                    colorbar=dict(thickness=14, **(colorbar or {})), name="map",
                    hovertemplate="(%{x:.3g}, %{y:.3g}): %{text}<extra></extra>")
    fig.update_layout(xaxis=dict(range=[x[0], x[-1]]), yaxis=dict(range=[y[0], y[-1]]))
    return fig


def bands(z, levels=LEVELS):
    """Each grid point's contour band 0..levels-1 (z spaced evenly from its min to its max)."""
    lo, hi = z.min(), z.max()
    return np.minimum((levels * (z - lo) / max(hi - lo, 1e-12)).astype(int), levels - 1)


def contour_image(z, lighten=0.0, levels=LEVELS):
    """A filled contour map of z as a PNG data URL: colour bands with a darker line where the
    band changes. z[i, j] has y rising with i (flipped for the image, whose rows go down)."""
    band = bands(upsample(z), levels)
    palette = np.array([[int(v) for v in c[4:-1].split(",")]
                        for c in sample_colorscale(theme.SEQUENTIAL, np.linspace(0, 1, levels))])
    rgb = (1 - lighten) * palette[band] + lighten * 255
    edge = np.zeros(band.shape, bool)
    edge[1:] |= band[1:] != band[:-1]
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    rgb[edge] = 0.75 * palette[band[edge]] + 0.25 * 255 * lighten
    return "data:image/png;base64," + base64.b64encode(png(rgb[::-1].astype(np.uint8))).decode()


def upsample(z, size=PIXELS):
    """z bilinearly interpolated onto a size x size grid (unchanged if it is at least that fine)."""
    if min(z.shape) >= size:
        return z
    return _stretch_rows(_stretch_rows(z, size).T, size).T


def _stretch_rows(a, n):
    """Every row of a linearly interpolated onto n evenly spaced points."""
    return np.array([np.interp(np.linspace(0, len(row) - 1, n), np.arange(len(row)), row) for row in a])


def png(rgb):
    """Encode an (h, w, 3) uint8 array as PNG bytes (zlib only, no imaging library)."""
    h, w, _ = rgb.shape

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    rows = np.hstack([np.zeros((h, 1), np.uint8), rgb.reshape(h, 3 * w)]).tobytes()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))
