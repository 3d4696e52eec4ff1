"""A shared lesson link as a fresh server's very first request (headless Chromium, real server).

Streamlit takes a folder named pages/ next to app.py for its old folder-based multipage mode
until app.py has called st.navigation once in the process, and in that mode it runs the linked
pages/<slug>.py by itself (lab/first_request.py names the upstream code). This test starts its
own `streamlit run app.py` so that nothing has been requested before the link, opens the link,
and checks that the lesson is drawn inside the app: its title, the link's setting, the charts,
the app's menu and presentation switch in the sidebar, no exception.
"""
import pytest

from lab import catalog
from tests.conftest import streamlit_server
from tests.helpers import open_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def fresh_url():
    """A server nobody has talked to yet (the session server may already have run app.py)."""
    with streamlit_server() as (url, _):
        yield url


def test_a_lesson_link_as_the_servers_first_request_opens_that_lesson_inside_the_app(
        page, fresh_url, wait_settled):
    open_page(page, f"{fresh_url}/softmax?z_cat=4", wait_settled)
    assert page.get_by_role("heading", name="Softmax and cross-entropy").count() == 1
    assert page.get_by_role("slider", name="logit z for cat").input_value() == "4"
    assert page.locator(".js-plotly-plot").count() == 3
    sidebar = page.locator('[data-testid="stSidebar"]')
    menu = [link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
            for link in sidebar.locator('a[data-testid="stSidebarNavLink"]').all()]
    assert menu[1:] == [entry.slug for entry in catalog.menu()[1:]]   # app.py's menu, in order
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stSidebarNavItems] > [role=group]').length > 1")
    groups = page.evaluate("() => [...document.querySelectorAll('[data-testid=stSidebarNavItems] > [role=group]')]"
                           ".map(g => g.getAttribute('aria-label'))")
    assert groups == list(dict.fromkeys(entry.group for entry in catalog.menu()))   # named sections
    assert sidebar.get_by_text("Presentation mode").count() == 1      # app.py's own sidebar
    assert "z_cat=4" in page.url and page.url.split("?")[0].endswith("/softmax")
    assert page.get_by_text("Page not found").count() == 0
