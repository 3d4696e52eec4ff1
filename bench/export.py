"""Export speed: PNG/SVG through a kaleido server kept warm, standalone HTML, the report as PDF.

Reference for the images: the same call with no server running, so kaleido starts and stops a
Chromium for it (a cold `fig.to_image`, what plain plotly does), timed in the same run.
"""
import time
import warnings

import kaleido

from bench.harness import Result, best_time
from experiments import softmax as exp
from lab import export
from viz import softmax as draw

IMAGE_TARGET_S = 1.0
HTML_TARGET_S = 0.5
PDF_TARGET_S = 10.0


def _figures():
    logits, label = (2.0, 1.0, 0.2, -1.0), 1
    frame, loss = exp.one_example(logits, label)
    examples, full, in_batch = exp.batch(logits, label, 3, 0)
    return draw.one_example(frame, loss, label), draw.batch(examples, full, in_batch)


def _cold(fig, fmt):
    kaleido.stop_sync_server(silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        fig.to_image(format=fmt, scale=export.PNG_SCALE if fmt == "png" else 1)
        return time.perf_counter() - t0


def export_times():
    if export.problem():
        print(f"export benchmarks skipped: {export.problem()}")
        return []
    fig, other = _figures()
    cold = {fmt: _cold(fig, fmt) for fmt in ("png", "svg")}
    export.image(fig, "png")   # start the server once, as the app does on the first click
    warm = {fmt: best_time(lambda fmt=fmt: export.image(fig, fmt), repeat=3) for fmt in cold}
    results = [Result(f"export {fmt.upper()} of the softmax figure, kaleido warm", warm[fmt], "s",
                      f"< {IMAGE_TARGET_S} s", cold[fmt], warm[fmt] < IMAGE_TARGET_S) for fmt in cold]
    html_s = best_time(lambda: export.figure_html(fig), repeat=3)
    entries = [{"title": f"figure {i}", "page": "Softmax", "url": "/softmax", "settings": {},
                "figure": f.to_json(), "note": ""} for i, f in enumerate((fig, other), 1)]
    report_s = best_time(lambda: export.report_html("Bench", "", "today", entries), repeat=3)
    pdf_s = best_time(lambda: export.report_pdf("Bench", "", "today", entries), repeat=2)
    return results + [
        Result("export standalone HTML (plotly.js inside)", html_s, "s", f"< {HTML_TARGET_S} s",
               ok=html_s < HTML_TARGET_S),
        Result("report HTML, 2 figures, one plotly.js", report_s, "s", f"< {HTML_TARGET_S} s",
               ok=report_s < HTML_TARGET_S),
        Result("report PDF, 2 figures (SVG via kaleido, Chromium print)", pdf_s, "s",
               f"< {PDF_TARGET_S} s", ok=pdf_s < PDF_TARGET_S),
    ]


BENCHES = [export_times]
