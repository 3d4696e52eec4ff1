"""In a real browser against `streamlit run app.py`: every catalog page draws, nothing crashes.

Screenshots land in tests/artifacts/<page>.png for a human to look at.
"""
import pytest

from lab import catalog
from tests.helpers import open_page

pytestmark = pytest.mark.e2e
CHART_DATA = "() => [...document.querySelectorAll('.js-plotly-plot')].map(d => d.data || [])"


def test_home_links_to_every_lesson(page, app_url, wait_settled, shoot):
    open_page(page, app_url, wait_settled)
    shoot(page, "home")
    assert page.locator('[data-testid="stException"]').count() == 0
    for lesson in catalog.available():
        assert page.locator(f'a[data-testid="stPageLink-NavLink"][href$="{lesson.slug}"]').count() == 1


@pytest.mark.parametrize("lesson", catalog.available(), ids=lambda lesson: lesson.slug)
def test_lesson_draws_charts_without_errors(page, app_url, wait_settled, shoot, lesson):
    open_page(page, f"{app_url}/{lesson.slug}", wait_settled)
    shoot(page, lesson.slug)
    assert page.locator('[data-testid="stException"]').count() == 0
    charts = page.evaluate(CHART_DATA)
    assert charts and all(len(traces) > 0 for traces in charts)


def test_softmax_slider_redraws_the_chart_and_updates_the_link(page, app_url, wait_settled):
    open_page(page, f"{app_url}/softmax", wait_settled)
    probabilities = "() => document.querySelector('.js-plotly-plot').data[0].text.map(Number)"
    before = page.evaluate(probabilities)
    thumb = page.get_by_role("slider", name="logit z for owl")
    thumb.focus()
    for _ in range(20):
        thumb.press("ArrowRight")   # -1.0 -> +1.0 in steps of 0.1
    page.wait_for_url("**z_owl=1&**", timeout=15_000)   # the link follows the slider
    wait_settled(page)
    assert page.evaluate(probabilities)[3] > before[3]   # owl's probability grew


def test_a_link_reproduces_settings_and_survives_a_page_switch(page, app_url, wait_settled):
    open_page(page, f"{app_url}/softmax?true=cat&z_cat=5&hide=seed", wait_settled)
    assert page.get_by_role("slider", name="logit z for cat").input_value() == "5"
    assert page.get_by_label("batch seed", exact=True).count() == 0   # hidden by the link
    page.locator('a[data-testid="stSidebarNavLink"]').first.click()   # Home
    wait_settled(page)
    page.locator('a[data-testid="stSidebarNavLink"][href$="softmax"]').click()
    wait_settled(page)
    assert page.get_by_role("slider", name="logit z for cat").input_value() == "5"
    assert "z_cat=5" in page.url
    assert page.get_by_label("batch seed", exact=True).count() == 1   # ?hide= was for the link only


@pytest.mark.parametrize("fmt, magic", [("HTML", b"<html"), ("PNG", b"\x89PNG"), ("CSV", b"class,logit")])
def test_softmax_figure_exports(page, app_url, wait_settled, fmt, magic):
    open_page(page, f"{app_url}/softmax", wait_settled)
    button = page.locator('[data-testid="stDownloadButton"]').filter(has_text=fmt).first
    with page.expect_download(timeout=30_000) as download:
        button.click()
    with open(download.value.path(), "rb") as file:
        assert magic in file.read(4096)
