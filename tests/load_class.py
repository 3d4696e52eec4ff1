"""A class of learners for load tests: light clients speaking Streamlit's own websocket protocol.

Each learner is one browser tab: it fetches the page once (keeping any cookie the server, or a
proxy in front of it, sets, as a browser would), opens the websocket with that cookie, sends the
page's URL, then the widget values after each change, and receives the page's elements, the
new address and "script finished". `run_class` runs a whole class; `figures` sums it up.
Used by tests/test_load.py (one server, then two behind nginx).
"""
import asyncio
import json
import os
import random
import statistics
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

from lab import catalog
from lab.settings import label_of
from tests.helpers import open_lesson

CHANGE_TIMEOUT = 60           # seconds; a change that takes longer counts as a failure
STRESS, CALM = (0.5, 2.5), (1.5, 4.5)   # seconds a learner looks at a result before the next change
# a classroom link (lab.settings.preset_query) that a whole class opens at the same moment
SAME_LINK = ("batches", "sizes=full%2C8&axis=steps&epochs=40&slice_batch=full"
                        "&preset=Full+batch+is+smooth+but+slow")
# the changes a learner makes on each page: setting -> values (as they appear in the URL)
MOVES = {
    "softmax": {"z_cat": ["-3", "0", "1.5", "4"], "z_owl": ["-2", "0.5", "3"],
                "scale": ["0.1", "1", "10", "100"], "true": ["cat", "dog", "owl"],
                "batch_size": ["1", "3", "8"], "seed": ["1", "2", "3"]},
    "batches": {"lr": ["0.01", "0.1", "0.3", "1"], "epochs": ["5", "10", "20"],
                "axis": ["steps", "examples", "seconds"], "seed": ["0", "1", "2"]},
    "schedules": {"lr": ["0.03", "0.3", "3"], "schedule": ["constant", "step", "cosine"],
                  "optimizer": ["sgd", "adam"], "epochs": ["10", "20", "40"], "seed": ["0", "1"]},
}
PAGES = list(MOVES)
LAST = {"batches": {"axis": "steps"}}   # before the final check: no timings on the x-axis


class Learner:
    """One browser tab on one lesson: open(query), then change(setting, text)."""

    def __init__(self, base, page):
        self.base, self.page = base, page
        self.url = base.replace("http://", "ws://") + "/_stcore/stream"
        self.table = {s.name: s for s in catalog.module(catalog.find(page)).TABLE}
        self.widgets, self.states = {}, {}   # setting -> widget proto; widget id -> WidgetState
        self.view, self.exceptions, self.query = {}, [], ""
        self.seconds = []                    # per change: sent -> last chart received
        self.downloads = {}                  # download button label -> (its URL, or its deferred id)
        self.cookie, self.session_id = "", ""

    async def open(self, query):
        """Fetch the page (a browser's first request; a proxy may set a cookie), then open the
        websocket with that cookie and run the page at ?query. Seconds from sending the page's
        URL to its last chart."""
        self.cookie = await asyncio.to_thread(page_cookie, f"{self.base}/{self.page}?{query}")
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=None,
                                additional_headers=headers)
        return await self._rerun(query)

    async def download(self, label):
        """GET the file behind the download button `label` with this tab's cookie: bytes. A
        file made only when clicked (a deferred download) is first asked for over the
        websocket, as the browser does; the server answers with its URL."""
        url, deferred = self.downloads[label]
        if deferred:
            msg, asked = BackMsg(), f"download-{label}"
            msg.backend_operation_request.request_id = asked
            msg.backend_operation_request.session_id = self.session_id
            msg.backend_operation_request.deferred_file.file_id = deferred
            await self.ws.send(msg.SerializeToString())
            while not url:
                reply = ForwardMsg()
                reply.ParseFromString(await asyncio.wait_for(self.ws.recv(), CHANGE_TIMEOUT))
                answer = reply.backend_operation_response
                if reply.WhichOneof("type") == "backend_operation_response" and answer.request_id == asked:
                    assert not answer.error_msg, answer.error_msg
                    url = answer.deferred_file.url
        return await asyncio.to_thread(get, self.base + url, self.cookie)

    async def change(self, name, text):
        widget = self.widgets[name]
        self.states[widget.id] = widget_state(widget, label_of(self.table[name], text))
        seconds = await self._rerun(self.query)
        self.seconds.append(seconds)
        return seconds

    async def close(self):
        await self.ws.close()

    async def _rerun(self, query):
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = self.page
        msg.rerun_script.widget_states.widgets.extend(self.states.values())
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        self.view, last_chart = {}, None
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(self.ws.recv(), CHANGE_TIMEOUT))
            kind = reply.WhichOneof("type")
            if kind == "new_session":
                self.session_id = reply.new_session.initialize.session_id
            elif kind == "page_info_changed":
                self.query = reply.page_info_changed.query_string
            elif kind == "script_finished" and reply.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                return (last_chart or time.perf_counter()) - start
            elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                element = reply.delta.new_element
                type_ = element.WhichOneof("type")
                if type_ == "plotly_chart":
                    last_chart = time.perf_counter()
                self._see(type_, getattr(element, type_), tuple(reply.metadata.delta_path))

    def _see(self, type_, proto, path):
        if type_ == "exception":
            self.exceptions.append(f"{proto.type}: {proto.message}")
        elif type_ in ("slider", "number_input", "radio", "selectbox", "checkbox", "multiselect"):
            key = proto.id.rsplit("-", 1)[-1]
            if key.startswith(f"{self.page}."):
                self.widgets[key.removeprefix(f"{self.page}.")] = proto
        elif type_ == "download_button":
            self.downloads[proto.label] = (proto.url, proto.deferred_file_id)
        elif type_ == "plotly_chart":
            self.view[path] = json.loads(proto.spec)["data"]
        elif type_ == "markdown":
            self.view[path] = proto.body


def widget_state(widget, text):
    """The WidgetState a browser sends when `widget` shows `text` (a number, or a choice's label)."""
    state = WidgetState(id=widget.id)
    if isinstance(widget, Slider):
        if widget.type == Slider.SELECT_SLIDER:
            state.string_array_value.data.append(text)
        else:
            state.double_array_value.data.append(float(text))
    elif widget.DESCRIPTOR.name == "NumberInput":
        if widget.data_type == widget.INT:
            state.int_value = int(text)
        else:
            state.double_value = float(text)
    elif widget.DESCRIPTOR.name == "Checkbox":
        state.bool_value = text == "1"
    else:
        state.string_value = text
    return state


def script(rng, page):
    """A learner's endless sequence of changes: (setting, URL text)."""
    moves = MOVES[page]
    while True:
        name = rng.choice(list(moves))
        yield name, rng.choice(moves[name])


def page_cookie(url):
    """The cookie a browser keeps from GET url ("" when none is set)."""
    with urllib.request.urlopen(url, timeout=CHANGE_TIMEOUT) as reply:
        return "; ".join(c.split(";")[0] for c in reply.headers.get_all("Set-Cookie") or ()
                         if c.startswith("gdlab="))


def get(url, cookie=""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=CHANGE_TIMEOUT) as reply:
        return reply.read()


async def learner_session(base, i, until, pause, download=None):
    """Learner i: open its own link, change settings until `until` (looking `pause` seconds
    between changes), end on its own seed; then fetch the file behind the download button
    labelled `download`, if given (learner.downloaded)."""
    page, rng = PAGES[i % len(PAGES)], random.Random(i)
    learner = Learner(base, page)
    first = {name: rng.choice(values) for name, values in MOVES[page].items() if name != "seed"}
    opened = await learner.open("&".join(f"{k}={v}" for k, v in first.items()))
    changes = script(rng, page)
    while time.perf_counter() < until:
        await asyncio.sleep(rng.uniform(*pause))
        await learner.change(*next(changes))
    for name, text in LAST.get(page, {}).items():
        await learner.change(name, text)
    await learner.change("seed", str(100 + i))   # this learner's own seed, no one else's
    if download:
        learner.downloaded = await learner.download(download)
    await learner.close()
    return learner, opened


async def visit(base, page):
    learner = Learner(base, page)
    await learner.open("")
    await learner.close()


def rss_mib(pid):
    """Resident memory of process `pid` and all its descendants, in MiB."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
    return total / 1024


def run(coroutine):
    """asyncio.run in a thread of its own: pytest-playwright's sync API may already be running
    an event loop in this one (asyncio.run refuses to start a second)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class MemoryWatch(threading.Thread):
    """Samples the server's RSS every half second; .peak and .samples in MiB."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.done = pid, [], threading.Event()

    def run(self):
        while not self.done.wait(0.5):
            self.samples.append(rss_mib(self.pid))

    def stop(self):
        self.done.set()
        self.join()
        return max(self.samples)


def percentile(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def reference_view(page, query):
    """What AppTest draws, in this process, for the page opened at ?query: (markdown, chart data)."""
    at = open_lesson(page, timeout=120)
    for pair in query.split("&"):
        name, _, text = pair.partition("=")
        at.query_params[name] = urllib.parse.unquote_plus(text)
    at.run()
    return ([m.value for m in at.markdown if not m.value.startswith("<")],
            [json.loads(c.proto.spec)["data"] for c in at.get("plotly_chart")])




def run_class(base, learners, active_seconds, pause, download=None):
    """`learners` learners at `base` for `active_seconds`; learner 0 also downloads `download`.
    Returns (the learners, seconds each took to open its page, wall seconds); raises if any
    learner's session raised."""
    async def class_():
        until = time.perf_counter() + active_seconds
        return await asyncio.gather(*(learner_session(base, i, until, pause, download if i == 0 else None)
                                      for i in range(learners)), return_exceptions=True)

    start = time.perf_counter()
    results = run(class_())
    wall = time.perf_counter() - start
    broken = [f"learner {i}: {r!r}" for i, r in enumerate(results) if isinstance(r, BaseException)]
    assert not broken, "\n".join(broken)
    return [learner for learner, _ in results], [seconds for _, seconds in results], wall


def open_together(base, learners, page, query):
    """`learners` tabs open page?query at the same moment, as a class does when the teacher
    shows a classroom link: the seconds each took from sending the address to its last chart."""
    async def one():
        learner = Learner(base, page)
        seconds = await learner.open(query)
        await learner.close()
        assert not learner.exceptions, learner.exceptions
        return seconds

    async def class_():
        return await asyncio.gather(*(one() for _ in range(learners)))

    return run(class_())


def figures(learners, opened, wall, active_seconds):
    """The class's numbers: changes per second, change and open percentiles, per page."""
    changes = [s for learner in learners for s in learner.seconds]
    by_page = {page: [s for learner in learners if learner.page == page for s in learner.seconds]
               for page in PAGES}
    return {
        "learners": len(learners), "active_seconds": active_seconds, "wall_seconds": round(wall, 1),
        "changes": len(changes), "changes_per_second": round(len(changes) / wall, 2),
        "open_p50_s": round(percentile(opened, 50), 2), "open_p95_s": round(percentile(opened, 95), 2),
        "change_p50_s": round(percentile(changes, 50), 2),
        "change_p95_s": round(percentile(changes, 95), 2),
        "change_max_s": round(max(changes), 2),
        "by_page": {page: {"changes": len(v), "p50_s": round(percentile(v, 50), 2),
                           "p95_s": round(percentile(v, 95), 2)} for page, v in by_page.items()},
        "cores": len(os.sched_getaffinity(0)),
    }


def assert_no_exception_and_no_cross_talk(learners):
    """Nobody saw an exception, and each learner's last view is what AppTest draws, in this
    process, for the address that learner ended at (which holds the learner's own seed)."""
    seen = [f"learner {i} ({learner.page}): {e}" for i, learner in enumerate(learners)
            for e in learner.exceptions]
    assert not seen, "\n".join(seen)
    for i, learner in enumerate(learners):
        assert f"seed={100 + i}" in learner.query.split("&"), f"learner {i} lost its seed: {learner.query}"
        markdown, charts = reference_view(learner.page, learner.query)
        shown = [v for _, v in sorted(learner.view.items())]
        assert [v for v in shown if isinstance(v, list)] == charts, f"learner {i}: charts differ"
        missing = [text for text in markdown if text not in shown]
        assert not missing, f"learner {i} ({learner.query}) does not show {missing[0]!r}"
