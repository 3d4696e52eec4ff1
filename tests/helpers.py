"""Small helpers shared by the page tests (AppTest) and the browser tests (Playwright)."""
import json


def chart_spec(at, i=0):
    """The i-th plotly chart an AppTest run drew, as the figure dict sent to the browser."""
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def open_page(page, url, wait_settled):
    """Open `url` in the browser, wait for the script and the charts, and check no exception shows."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    wait_settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0
