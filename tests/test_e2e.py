"""In a real browser against `streamlit run app.py`: the home page links every lesson, and a link's
settings survive a page switch. Every lesson itself: tests/test_e2e_play.py."""
import pytest

from lab import catalog
from tests.helpers import open_page

pytestmark = pytest.mark.e2e


def test_home_links_to_every_lesson(page, app_url, wait_settled, shoot):
    open_page(page, app_url, wait_settled)
    shoot(page, "home")
    assert page.locator('[data-testid="stException"]').count() == 0
    for lesson in catalog.available():
        assert page.locator(f'.stMain a[data-testid="stPageLink-NavLink"][href$="{lesson.slug}"]').count() == 1


def test_a_link_reproduces_settings_and_survives_a_page_switch(page, app_url, wait_settled):
    open_page(page, f"{app_url}/softmax?true=cat&z_cat=5&hide=seed", wait_settled)
    assert page.get_by_role("slider", name="logit z for cat").input_value() == "5"
    assert page.get_by_label("batch seed", exact=True).count() == 0   # hidden by the link
    page.locator('[data-testid="stSidebar"] a[data-testid="stSidebarNavLink"]').first.click()   # Home
    wait_settled(page)
    page.locator('[data-testid="stSidebar"] a[data-testid="stSidebarNavLink"][href$="softmax"]').click()
    wait_settled(page)
    assert page.get_by_role("slider", name="logit z for cat").input_value() == "5"
    assert "z_cat=5" in page.url
    assert page.get_by_label("batch seed", exact=True).count() == 1   # ?hide= was for the link only
