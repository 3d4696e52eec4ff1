"""In headless Chromium against `streamlit run app.py`: every export downloads through the real
buttons, a copied link reproduces the chart in a fresh browser, and a two-figure report downloads
as HTML and PDF. The softmax lesson is the test bed."""
import io
import json
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from tests.helpers import open_page

pytestmark = pytest.mark.e2e
CHARTS = "() => [...document.querySelectorAll('.js-plotly-plot')].map(d => d.data.map(t => [t.x, t.y]))"


def download(page, button, timeout=90_000):
    with page.expect_download(timeout=timeout) as info:
        button.click()
    with open(info.value.path(), "rb") as file:
        return info.value.suggested_filename, file.read()


def test_each_export_of_a_figure_downloads_as_a_valid_file(page, app_url, wait_settled):
    open_page(page, f"{app_url}/softmax", wait_settled)
    row = lambda label: page.locator('[data-testid="stDownloadButton"]').filter(has_text=label).first  # noqa: E731
    files = {label: download(page, row(label)) for label in ("HTML", "CSV", "Settings", "PNG", "SVG")}
    assert [name for name, _ in files.values()] == [f"softmax-one-example.{ext}"
                                                    for ext in ("html", "csv", "json", "png", "svg")]
    html = files["HTML"][1].decode()
    assert "Plotly.newPlot" in html and len(html) > 3_000_000 and 'src="http' not in html
    table = pd.read_csv(io.BytesIO(files["CSV"][1]))
    assert list(table.columns[:3]) == ["class", "logit", "p"] and len(table) == 4
    assert json.loads(files["Settings"][1])["true"] == "dog"
    png = files["PNG"][1]
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 2100
    svg = ET.fromstring(files["SVG"][1])
    assert sum(g.get("class", "").startswith("trace ") for g in svg.iter("{http://www.w3.org/2000/svg}g")) == 4


def test_a_copied_link_shows_the_same_chart_in_a_fresh_browser(page, browser, app_url, wait_settled):
    open_page(page, f"{app_url}/softmax", wait_settled)
    probabilities = "() => document.querySelector('.js-plotly-plot').data[0].text.map(Number)"
    before = page.evaluate(probabilities)
    thumb = page.get_by_role("slider", name="logit z for owl")
    thumb.focus()
    for _ in range(25):
        thumb.press("ArrowRight")   # -1.0 -> +1.5
    page.wait_for_url("**z_owl=1.5&**", timeout=15_000)   # the link follows the slider
    wait_settled(page)
    assert page.evaluate(probabilities)[3] > before[3]   # owl's probability grew
    page.locator('[data-testid="stSidebar"] summary').filter(has_text="Copy link").click()
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"] code').inner_text().strip()
    assert link.startswith(f"{app_url}/softmax?") and "z_owl=1.5" in link
    fresh = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        other = fresh.new_page()
        open_page(other, link, wait_settled)
        assert other.evaluate(CHARTS) == page.evaluate(CHARTS)
    finally:
        fresh.close()


def test_a_two_figure_report_downloads_as_html_and_pdf(page, app_url, wait_settled):
    open_page(page, f"{app_url}/softmax?present=1", wait_settled)
    adds = page.locator('[data-testid="stButton"] button:visible').filter(has_text="Add to report")
    for index in (0, 1):
        adds.nth(index).click()
        page.get_by_text(re.compile(r"\(%d of at most 20\)" % (index + 1))).wait_for(timeout=15_000)
        wait_settled(page)
    page.locator('[data-testid="stExpandSidebarButton"]').click()   # presentation mode folds it
    page.locator('[data-testid="stSidebar"] a[data-testid="stSidebarNavLink"][href$="report"]').click()
    page.get_by_role("heading", name="Your report").wait_for(timeout=15_000)
    wait_settled(page)
    assert "present=1" in page.url   # presentation mode follows the page switch
    note = page.get_by_label("Your note").first
    note.fill("The true class gets the only negative gradient.")
    note.press("Control+Enter")
    wait_settled(page)
    name, html = download(page, page.locator('[data-testid="stDownloadButton"]').filter(has_text="HTML"))
    html = html.decode()
    assert name.endswith(".html") and len(re.findall(r"\* plotly\.js v\d", html)) == 1
    assert re.findall(r'<div id="(figure-\d)"', html) == ["figure-1", "figure-2"]
    assert "The true class gets the only negative gradient." in html and "z_cat" in html
    name, pdf = download(page, page.locator('[data-testid="stDownloadButton"]').filter(has_text="PDF"))
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 2
