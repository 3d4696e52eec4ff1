"""The report: collecting figures (bounded, no duplicates), the Report page, its HTML and PDF files."""
import io
import json
import re

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from lab import export, report
from tests.helpers import open_lesson



def entry(number, note=""):
    fig = go.Figure(go.Bar(x=["a", "b", "c"], y=[number, 2 * number, 3 * number], name=f"bars {number}"))
    return {"id": number, "title": f"Figure {number}", "key": f"fig-{number}", "page": "Softmax",
            "url": f"http://lab/softmax?z_cat={number}", "settings": {"z_cat": float(number), "opts": ("sgd", "adam")},
            "figure": fig.to_json(), "note": note}


def plotly_divs(page):
    return re.findall(r'<div id="(figure-\d+)" class="plotly-graph-div"', page)


def test_report_html_has_one_plotly_js_and_every_figure_with_its_settings_and_note():
    page = export.report_html("Week 3 <lab>", "Ada", "1 March 2026",
                              [entry(1, "Loss falls & then <rises>"), entry(2)])
    assert len(re.findall(r"\* plotly\.js v\d", page)) == 1          # one copy of plotly.js
    assert plotly_divs(page) == ["figure-1", "figure-2"]
    assert "Week 3 &lt;lab&gt;" in page and "Ada" in page and "1 March 2026" in page
    assert "Loss falls &amp; then &lt;rises&gt;" in page                # notes escaped, kept
    assert "<th>opts</th><td>sgd, adam</td>" in page and 'href="http://lab/softmax?z_cat=2"' in page
    assert page.index("Figure 1") < page.index("Figure 2")
    assert '"y":[2,4,6]' in page.replace(" ", "")                     # the second figure's data


def test_report_html_for_print_uses_images_and_no_javascript():
    page = export.report_html("R", "", "today", [entry(1)], [(b"<svg/>", "image/svg+xml")])
    assert "<script" not in page and 'src="data:image/svg+xml;base64,PHN2Zy8+"' in page


def pdf_pages(pdf):
    """Number of page objects ("/Type /Page", not "/Pages") in a PDF."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def tall_entry(number):
    """An entry whose figure is as tall as a lesson's race (760 px) and has a title of its own."""
    item = entry(number)
    fig = pio.from_json(item["figure"]).update_layout(height=760, title=f"the bars of figure {number}")
    return item | {"figure": fig.to_json(), "labels": {"z_cat": "logit z for cat"}}


@pytest.mark.skipif(export.problem() is not None, reason="no kaleido/Chromium here")
def test_report_pdf_starts_with_its_title_and_first_figure_and_gives_each_figure_a_page():
    from pypdf import PdfReader
    pdf = export.report_pdf("Two figures", "Ada", "1 March 2026", [tall_entry(1), tall_entry(2)])
    assert pdf.startswith(b"%PDF-") and pdf_pages(pdf) >= 2
    assert b"%%EOF" in pdf[-1024:]
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    first = pages[0]
    assert "Two figures" in first and "1. Figure 1" in first and "the bars of figure 1" in first   # no blank page 1
    assert "the bars of figure 2" not in first and any("the bars of figure 2" in p for p in pages[1:])
    assert "logit z for cat" in "".join(pages) and "z_cat" not in "".join(pages)   # plain labels


def test_report_settings_are_a_table_under_their_plain_labels():
    page = export.report_html("R", "", "today", [tall_entry(1)])
    assert "<tr><th>Setting</th><th>Value</th></tr><tr><th>logit z for cat</th><td>1</td></tr>" in page


# ---- collecting figures and the Report page, under AppTest ------------------------------------

def add_many(count):
    import plotly.graph_objects as go
    import streamlit as st
    from lab import report
    for i in range(count):
        st.write(report.add(go.Figure(go.Bar(y=[i])), f"fig-{i}", f"Figure {i}", "Page", f"/p?i={i}", {"i": i}))
    st.write(report.add(go.Figure(), "fig-0", "Figure 0", "Page", "/p?i=0", {}))


def test_the_report_holds_at_most_20_figures_and_no_duplicates():
    at = AppTest.from_function(add_many, args=(report.LIMIT + 2,), default_timeout=30).run()
    messages = [m.value for m in at.markdown]
    assert len(at.session_state[report.ENTRIES]) == report.LIMIT
    assert messages[report.LIMIT - 1].endswith(f"({report.LIMIT} of at most {report.LIMIT}).")
    assert "at most 20 figures" in messages[report.LIMIT] and "already" in messages[-1]


def report_page(*entries):
    at = open_lesson("report")
    at.session_state[report.ENTRIES] = list(entries)
    return at.run()


def test_an_empty_report_says_how_to_add_figures():
    at = report_page()
    assert not at.exception and "Add to report" in at.info[0].value
    assert not at.get("download_button")


def test_report_page_lists_figures_keeps_notes_reorders_and_removes():
    at = report_page(entry(1), entry(2), entry(3))
    assert not at.exception
    assert [s.value for s in at.subheader] == ["1. Figure 1", "2. Figure 2", "3. Figure 3"]
    assert [b.proto.label for b in at.get("download_button")] == ["Download HTML", "Download PDF"]
    at.text_area(key="report.note.2").input("The loss doubles.").run()
    at.text_input(key="report.author").input("Ada").run()
    at.button(key="report.move.2.-1").click().run()        # Figure 2 up
    at.button(key="report.remove.3").click().run()         # Figure 3 out
    kept = at.session_state[report.ENTRIES]
    assert [e["title"] for e in kept] == ["Figure 2", "Figure 1"] and kept[0]["note"] == "The loss doubles."
    assert [s.value for s in at.subheader][:2] == ["1. Figure 2", "2. Figure 1"]
    assert at.session_state[report.META]["author"] == "Ada"
    assert at.text_area(key="report.note.2").value == "The loss doubles."


def test_add_to_report_under_a_figure_stores_figure_settings_and_link():
    at = open_lesson("softmax")
    at.query_params["z_cat"] = "4"
    at.run()
    at.button(key="report.add.softmax-batch").click().run()
    (stored,) = at.session_state[report.ENTRIES]
    chart = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert "Added" in at.toast[0].value and stored["key"] == "softmax-batch"
    assert stored["page"] == "Softmax and cross-entropy" and stored["settings"]["z_cat"] == 4.0
    assert stored["url"].startswith("/softmax?z_cat=4&")
    assert json.loads(stored["figure"])["data"][0]["y"] == chart["data"][0]["y"]
    assert "<" not in stored["title"]   # plotly's <sub> tags stripped
