"""In headless Chromium against `streamlit run app.py`: "Open as notebook" under a lesson's main
figure downloads a valid .ipynb which, run next to the CSV downloaded from the same figure,
reproduces the page's numbers (its own check cell compares them to 1e-12)."""
import nbformat
import pytest

import nnlib
from lab import notebook
from tests.helpers import open_page
from tests.test_e2e_share import download
from tests.test_notebooks import AGREE, WORK, run_notebook

pytestmark = pytest.mark.e2e


def test_open_as_notebook_downloads_a_valid_notebook_that_reproduces_the_csv(page, app_url,
                                                                             wait_settled):
    open_page(page, f"{app_url}/schedules?epochs=5&schedule=cosine&optimizer=momentum",
              wait_settled)
    button = lambda label: page.locator('[data-testid="stDownloadButton"]').filter(  # noqa: E731
        has_text=label).first
    name, text = download(page, button("Open as notebook"))
    assert name == "schedules-loss.ipynb"
    nb = nbformat.reads(text.decode(), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["gdlab"]["settings"]["epochs"] == 5
    assert nb.metadata["gdlab"]["app_version"] == notebook.APP_VERSION
    assert nb.metadata["gdlab"]["nnlib_version"] == nnlib.__version__
    csv_name, csv = download(page, button("CSV"))
    assert csv_name == "schedules-loss.csv"
    _, printed = run_notebook(text.decode(), WORK / "e2e-schedules", {csv_name: csv.decode()})
    assert AGREE.findall(printed) == [(csv_name, AGREE.findall(printed)[0][1])]
    assert int(AGREE.findall(printed)[0][1]) >= csv.decode().count("\n") - 1
