"""Slider to chart in a real browser: for every lesson, the milliseconds from one step of the
page's main control (its first slider, keyboard → ←) until its first chart has been redrawn
and the script run is over, as one learner on a warm server feels it.

A real `streamlit run app.py` (deploy.streamlit_process) and headless Chromium (system
/usr/bin/chromium or $CHROMIUM, as the browser tests use). Each page first goes → and ← once,
so both values are in the server's caches; then STEPS alternating steps are timed and their
median reported. Pages that have no slider on their first screen are skipped.
"""
import os
import statistics
import time

from bench.harness import Result
from deploy import free_port, streamlit_process, wait_until_healthy
from lab import catalog

TARGET_MS = 300
STEPS = 6
SCRIPT_STATE = ("() => (document.querySelector('[data-testid=stApp]') || {dataset: {}})"
                ".dataset.testScriptState")
MARK = "() => { window.__charts = [...document.querySelectorAll('.js-plotly-plot')].map(gd => gd.data); }"
REDRAWN = """() => { const gd = document.querySelector('.js-plotly-plot');
    const state = document.querySelector('[data-testid=stApp]').dataset.testScriptState;
    return gd && window.__charts && gd.data !== window.__charts[0] && state === 'notRunning'; }"""


def settle(page, limit=60):
    """Wait until the script has finished and the charts have stopped changing."""
    start, last, stable = time.time(), -1, 0
    while time.time() - start < limit and stable < 4:
        charts = page.locator(".js-plotly-plot").count()
        stable = stable + 1 if charts == last and page.evaluate(SCRIPT_STATE) == "notRunning" else 0
        last = charts
        time.sleep(0.25)


def step_ms(page, thumb, key):
    """Milliseconds from pressing `key` on the slider to the first chart redrawn, run over."""
    page.evaluate(MARK)
    start = time.perf_counter()
    thumb.press(key)
    page.wait_for_function(REDRAWN, polling="raf", timeout=60_000)
    return 1000 * (time.perf_counter() - start)


def lesson_latency(page, url, steps=STEPS):
    """(the slider's label, median ms of `steps` warm steps of it) on the page at `url`, or None
    without a slider. Each step waits until the first chart is redrawn (60 s at most)."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page)
    sliders = page.locator('[data-testid="stSlider"]').get_by_role("slider")
    if not sliders.count():
        return None
    thumb = sliders.first
    label = page.locator('[data-testid="stSlider"]').first.locator('[data-testid="stWidgetLabel"]').inner_text()
    thumb.focus()
    for key in ("ArrowRight", "ArrowLeft"):     # both values computed once: the runs are warm
        step_ms(page, thumb, key)
        settle(page)
    times = []
    for i in range(steps):
        times.append(step_ms(page, thumb, ("ArrowRight", "ArrowLeft")[i % 2]))
        settle(page)
    return label.strip(), statistics.median(times)


def slider_to_chart():
    from playwright.sync_api import sync_playwright
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = streamlit_process(port, output=open(os.devnull, "w"))
    results = []
    try:
        wait_until_healthy(base, [server], "streamlit")
        chromium = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium if os.path.exists(chromium) else None,
                                        args=["--headless=new", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            for lesson in catalog.available():
                found = lesson_latency(page, f"{base}/{lesson.slug}")
                if found is not None:
                    label, ms = found
                    results.append(Result(f"browser {lesson.slug} ({label[:22]}) → chart, warm p50", ms,
                                          "ms", f"< {TARGET_MS} ms", ok=ms < TARGET_MS))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return results


BENCHES = [slider_to_chart]
