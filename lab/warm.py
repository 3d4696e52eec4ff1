"""Precompute every lesson's default view and its presets' views once a server is up, so that
the first learner to open a classroom link finds its runs and figures in the caches.

`start()` (app.py calls it on every run; it acts once per process, and only when python -m deploy
started the process with $GDLAB_PRECOMPUTE=1) starts one daemon thread
that runs each lesson page the way a learner's session runs it, once per view: the defaults,
then each preset's values (the view a question preset shows after Reveal, and what a
non-question preset shows at once). The thread drives Streamlit's own ScriptRunner with a
session of its own whose messages go nowhere; st.cache_data and lab.cache's figures are
process-wide, so every later session hits them. It lowers its own priority (os.nice on this
thread only, Linux), keeps NumPy's single BLAS thread (lab/threads.py), and sleeps between
views, so a learner who arrives meanwhile is not kept waiting behind it for long; a view
that fails is skipped (the learner who opens it sees the page's own message).
`python -m deploy` asks each process's /_stcore/script-health-check (which runs app.py once)
as soon as its health check answers, so warming starts with the server, not with the first learner.
"""
import asyncio
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from lab import catalog
from lab.settings import serialize, validate

ENV = "GDLAB_PRECOMPUTE"   # "1": start() warms (python -m deploy sets it); else start() does nothing
NICE = 10          # added to the warming thread's nice value
PAUSE_S = 0.05     # between two views: the GIL goes to the learners' threads
SCRIPT = "from lab.page import draw_alone\ndraw_alone({slug!r})\n"
_started = threading.Lock()
log = logging.getLogger(__name__)


def views():
    """(slug, query string) of every view to precompute: each lesson's defaults, then each preset."""
    for lesson in catalog.available():
        module = catalog.module(lesson)
        by_name = {s.name: s for s in module.TABLE}
        yield lesson.slug, ""
        for preset in getattr(module, "PRESETS", {}).values():
            yield lesson.slug, urlencode({k: serialize(by_name[k], validate(by_name[k], v))
                                          for k, v in preset["values"].items()})


def start():
    """Start the warming thread, once per process, when $GDLAB_PRECOMPUTE is "1" (later calls,
    tests and a plain `streamlit run app.py` do nothing)."""
    if os.environ.get(ENV) == "1" and _started.acquire(blocking=False):
        threading.Thread(target=warm, name="gdlab-warm", daemon=True).start()


def warm(pause=PAUSE_S):
    """Run every view once; returns how many ran without an exception."""
    try:
        os.nice(NICE)
    except OSError:
        pass
    done = 0
    with tempfile.TemporaryDirectory(prefix="gdlab-warm-") as folder:
        for slug, query in views():
            try:
                done += run_view(Path(folder), slug, query)
            except Exception:   # noqa: BLE001 (a view that cannot warm is left to its learner)
                log.exception("could not precompute %s?%s", slug, query)
            time.sleep(pause)
    return done


def run_view(folder, slug, query):
    """Run page `slug` with the link's `query` in a session of its own; True if no exception."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.fragment import MemoryFragmentStorage
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import RerunData, ScriptRunner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.runtime.state import SessionState

    script = folder / f"{slug}.py"
    script.write_text(SCRIPT.format(slug=slug))
    cache, loop, failed = ScriptCache(), asyncio.new_event_loop(), []
    try:
        runner = ScriptRunner(
            session_id=f"gdlab-warm-{slug}", main_script_path=str(script), session_state=SessionState(),
            uploaded_file_mgr=Runtime.instance().uploaded_file_mgr, script_cache=cache,
            initial_rerun_data=RerunData(query_string=query), user_info={}, fragment_storage=MemoryFragmentStorage(),
            pages_manager=PagesManager(str(script), cache, setup_watcher=False), event_loop=loop,
            on_script_error=lambda exc: failed.append(exc))
        runner.start()
        runner._script_thread.join()
    finally:
        loop.close()
    return not failed
