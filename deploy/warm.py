"""Precompute every lesson's default view and its presets' views on a running app process, so
that the first learner to open a classroom link finds its runs and figures in the caches.

`start(url)` (python -m deploy calls it for each process once its health check answers) starts
one daemon thread that opens each view once as a browser tab would: Streamlit's websocket
(/_stcore/stream), one script run with the view's query string, then waits for "script finished".
st.cache_data and lab.cache's figures live in the process, so every later session hits them.
The views run one after the other, with a pause between them, so a learner who arrives meanwhile
shares the server with at most one warming run; a view that fails is skipped (the learner who
opens it sees the page's own message).
"""
import asyncio
import logging
import threading
import time
from urllib.parse import urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from lab import catalog
from lab.settings import serialize, validate

PAUSE_S = 0.2      # between two views
VIEW_TIMEOUT_S = 120
log = logging.getLogger(__name__)


def views():
    """(slug, query string) of every view to precompute: each lesson's defaults, then each
    preset's values (what a question preset shows after Reveal, what the others show at once)."""
    for lesson in catalog.available():
        module = catalog.module(lesson)
        by_name = {s.name: s for s in module.TABLE}
        yield lesson.slug, ""
        for preset in getattr(module, "PRESETS", {}).values():
            yield lesson.slug, urlencode({k: serialize(by_name[k], validate(by_name[k], v))
                                          for k, v in preset["values"].items()})


async def open_view(url, slug, query):
    """Run page `slug` at ?query in a session of its own on the server at `url`, as a browser
    tab does; True when the run finished without an exception shown."""
    async with connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                       max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = slug
        await ws.send(msg.SerializeToString())
        failed = False
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(ws.recv(), VIEW_TIMEOUT_S))
            kind = reply.WhichOneof("type")
            if kind == "delta" and reply.delta.new_element.WhichOneof("type") == "exception":
                failed = True
            elif kind == "script_finished" and reply.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return not failed and reply.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY


def warm(url, pause=PAUSE_S):
    """Open every view once on the server at `url`; returns how many ran without an error."""
    done = 0
    for slug, query in views():
        try:
            done += asyncio.run(open_view(url, slug, query))
        except Exception:   # noqa: BLE001 (a view that cannot warm is left to its learner)
            log.exception("could not precompute %s?%s", slug, query)
        time.sleep(pause)
    return done


def start(url):
    """Warm the server at `url` in a daemon thread of this process."""
    threading.Thread(target=warm, args=(url,), name=f"gdlab-warm-{url}", daemon=True).start()
