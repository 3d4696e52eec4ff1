"""Figure and report export, without streamlit: files a learner can take away.

    downloads(fig, data, settings)    # [Download(label, data, ext, mime, help), ...] for one figure
    report_html(title, author, day, entries)               # one self-contained interactive file
    report_pdf(title, author, day, entries)                # the same report printed by Chromium

PNG/SVG go through kaleido 1.x, which drives a Chrome/Chromium kept warm between calls;
`problem()` says in one sentence why they cannot work here (HTML, CSV and JSON always do).
A report entry is a dict with "title", "page", "url", "settings", "note" and "figure"
(the figure's Plotly JSON, as lab/report.py stores it).
"""
import base64
import html
import json
import os
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")
PNG_SCALE = 3          # 3x: sharp on a projector and in print
PDF_TIMEOUT_S = 120


@dataclass(frozen=True)
class Download:
    """One download button: `data` is str/bytes, or a function making them when clicked."""
    label: str
    data: Any
    ext: str
    mime: str
    help: str


def chromium():
    """Path of Chrome/Chromium: $CHROMIUM, else the first browser on the PATH; None if none."""
    candidates = [os.environ.get("CHROMIUM")] + [shutil.which(name) for name in BROWSERS]
    return next((path for path in candidates if path and os.path.exists(path)), None)


def problem():
    """None if PNG/SVG/PDF export can work here, else one sentence saying why not."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return "PNG/SVG export needs the kaleido package; HTML, CSV and settings still work."
    if chromium() is None:
        return ("PNG/SVG export needs Chrome or Chromium on the server; "
                "HTML, CSV and settings still work.")
    return None


def image(fig, fmt):
    """PNG (at 3x) or SVG bytes of `still(fig)` through one long-lived kaleido server (~0.3 s
    once warm)."""
    import kaleido
    kaleido.start_sync_server(silence_warnings=True)   # no-op when it is already running
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # plotly warns that options go to the server instead
        return still(fig).to_image(format=fmt, scale=PNG_SCALE if fmt == "png" else 1)


def still(fig):
    """A copy of `fig` for a static image: no ▶ Play / ❚❚ Pause buttons, no frame slider (a
    picture cannot use them), and the title given room so that it is never cut off."""
    copy = go.Figure(fig)
    copy.frames, copy.layout.updatemenus, copy.layout.sliders = (), (), ()
    copy.layout.title.automargin = bool(copy.layout.title.text)
    return copy


def figure_html(fig):
    """A standalone page with plotly.js inside: interactive, animation kept, works offline."""
    return fig.to_html(include_plotlyjs=True, auto_play=False)


def downloads(fig, data=None, settings=None, images=True):
    """The exports of one figure; HTML, PNG and SVG are made only when clicked. The CSV and the
    settings are made with the page: a file made on a click is kept only until two more script
    runs of any learner finish (Streamlit's media manager drops it as unreferenced), which a busy
    class can do before the browser fetches it; a made-ahead file belongs to the session."""
    files = [Download("HTML", lambda: figure_html(fig), "html", "text/html",
                      "Interactive figure, animation included; opens offline.")]
    if data is not None:
        files.append(Download("CSV", data.to_csv(index=False), "csv", "text/csv", "The numbers drawn."))
    if settings is not None:
        files.append(Download("Settings", json.dumps(settings, indent=2, default=str), "json",
                              "application/json", "The settings that made this figure."))
    if images:
        files += [Download(fmt.upper(), lambda fmt=fmt: image(fig, fmt), fmt, mime,
                           f"Static image ({fmt.upper()}).")
                  for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml"))]
    return files


# ---- the report ----------------------------------------------------------------------------

STYLE = """
body { font-family: Arial, Helvetica, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em;
       color: #000; }
header { border-bottom: 2px solid #0072B2; margin-bottom: 1.5em; }
section { margin-bottom: 2.5em; }
section + section { break-before: page; }
h2 { break-after: avoid; }
img { break-inside: avoid; }
@media print { img { max-height: 190mm; } }   /* page 1 holds the title and the first figure */
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; }
img { max-width: 100%; }
.note { background: #F3F7FB; border-left: 4px solid #0072B2; padding: 0.5em 1em; white-space: pre-wrap; }
.from { color: #555; }
"""


def value_text(value):
    """A setting's value as a person reads it: tuples as 'a, b', floats without noise, yes/no,
    "none" for None."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (tuple, list)):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        return format(value, ".6g")
    return str(value)


def settings_table(settings, labels=None):
    """The settings as a two-column table, each under its plain label (`labels`: name -> label,
    the page's Setting labels) rather than its URL name (`lr_sgd`)."""
    labels = labels or {}
    rows = "".join(f"<tr><th>{html.escape(str(labels.get(name, name)))}</th>"
                   f"<td>{html.escape(value_text(value))}</td></tr>" for name, value in settings.items())
    return f"<table><tr><th>Setting</th><th>Value</th></tr>{rows}</table>" if rows else ""


def _figure(entry, number, picture):
    """The figure of one entry: interactive div, or `picture` (image bytes + mime) for print."""
    if picture is not None:
        data, mime = picture
        return f'<img alt="{html.escape(entry["title"])}" src="data:{mime};base64,{base64.b64encode(data).decode()}">'
    fig = pio.from_json(entry["figure"])
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, auto_play=False,
                       div_id=f"figure-{number}")


def _section(entry, number, picture=None):
    link = html.escape(entry.get("url") or "")
    page = html.escape(entry.get("page") or "")
    note = entry.get("note", "").strip()
    return (f"<section><h2>{number}. {html.escape(entry['title'])}</h2>"
            f'<p class="from">From <a href="{link}">{page}</a></p>'
            f"{_figure(entry, number, picture)}"
            + (f'<p class="note">{html.escape(note)}</p>' if note else "")
            + f"<h3>Settings</h3>{settings_table(entry.get('settings') or {}, entry.get('labels'))}"
            "</section>")


def report_html(title, author, day, entries, pictures=None):
    """One HTML file: title, author, date, then per figure its title, link, figure, note, settings.

    Interactive by default: a single inline plotly.js, then each figure as a div (animations
    kept, works offline). With `pictures` (one (bytes, mime) per entry) the figures are static
    images and no JavaScript is included: the version Chromium prints to PDF.
    """
    pictures = pictures or [None] * len(entries)
    script = "" if any(pictures) else f'<script type="text/javascript">{get_plotlyjs()}</script>'
    by = f" · {html.escape(author)}" if author else ""
    sections = "".join(_section(e, i, p) for i, (e, p) in enumerate(zip(entries, pictures), 1))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style>{script}</head><body>"
            f"<header><h1>{html.escape(title)}</h1><p>{html.escape(day)}{by}</p></header>"
            f"{sections}</body></html>")


def print_pdf(page_html, browser=None, timeout=PDF_TIMEOUT_S):
    """PDF bytes of an HTML page printed by headless Chromium (`--print-to-pdf`)."""
    browser = browser or chromium()
    if browser is None:
        raise RuntimeError(problem() or "PDF export needs Chrome or Chromium on the server.")
    with tempfile.TemporaryDirectory(prefix="gdlab-pdf-") as tmp:
        source, target = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        source.write_text(page_html, encoding="utf-8")
        subprocess.run([browser, *CHROMIUM_ARGS, f"--user-data-dir={tmp}/profile",
                        "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
                       check=True, timeout=timeout, capture_output=True)
        return target.read_bytes()


def report_pdf(title, author, day, entries):
    """The report as PDF: each figure a vector SVG image (no JavaScript timing involved)."""
    pictures = [(image(pio.from_json(e["figure"]), "svg"), "image/svg+xml") for e in entries]
    return print_pdf(report_html(title, author, day, entries, pictures))
