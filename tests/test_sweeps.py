"""Reliability sweeps: every catalog page under AppTest at the edges of every setting.

Each page's settings table is read from its module (`TABLE`, by import), so the sweep follows
whatever TABLE the page declares. Every run starts a fresh session from a link (settings_panel starts its widgets from the URL),
which is exactly what a learner or a shared link can do. For every page:

- each setting alone at its lowest and highest value (every option of a choice, an empty and
  a full multi-select), the others at their defaults;
- random combinations of every setting at once (fixed seed), then every number at its low end
  at once and at its high end at once;
- broken links: garbage text, NaN, infinities, huge numbers, markup and unknown names.

A run passes when it raises nothing within RUN_TIMEOUT and the learner sees something: the
page's charts with data, or a sentence saying why a chart is missing. Each page's run count,
CPU seconds and slowest links are written to tests/artifacts/sweeps.json. The lessons are swept
in WORKERS fresh interpreters at a time (one per core), slowest first.
"""
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab import catalog
from lab.settings import log_grid, serialize
from tests.helpers import open_lesson

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
RANDOM_VALUES = 0        # random values per numeric setting, on top of its edges (the random
                         # combinations below already draw random values of every setting)
RANDOM_COMBINATIONS = 2  # random settings of the whole table per page, plus all-low and all-high
WORKERS = 2             # sweep processes at once: one per core
RUN_TIMEOUT = 60         # seconds; a learner will not wait longer for one change
BROKEN_TEXT = ["abc", "nan", "-inf", "1e999", "<b>0x1F;1,2</b>"]
NUMERIC = ("float", "log", "int")
LESSONS = catalog.available()
# The order the workers take the lessons in: the slowest sweeps first, so that the two workers
# finish together (measured: tests/artifacts/sweeps.json); a lesson not listed goes last.
SLOWEST = ["regularization", "landscape_papers", "digits", "playground", "descent", "landscape",
           "traps", "batches", "initialization", "schedules", "softmax", "backprop"]


def slowest_first(slug):
    return SLOWEST.index(slug) if slug in SLOWEST else len(SLOWEST)


class Opener:
    """Opens pages from links and keeps each run's CPU and wall seconds."""

    def __init__(self):
        self.timings = []

    def __call__(self, lesson, params=()):
        """A fresh session of `lesson` opened from a link with `params`, after its run."""
        at = open_lesson(lesson.slug, timeout=RUN_TIMEOUT)
        for name, text in dict(params).items():
            at.query_params[name] = text
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        self.timings.append((round(cpu, 2), round(wall, 2), dict(params)))
        return at

    def summary(self):
        return {"runs": len(self.timings), "cpu_seconds": round(sum(r[0] for r in self.timings), 1),
                "wall_seconds": round(sum(r[1] for r in self.timings), 1),
                "slowest (cpu s, wall s, link)": sorted(self.timings, key=lambda r: -r[0])[:3]}


def sweep_lesson(slug):
    """Everything the three tests below check on one lesson, run in a worker process:
    {test: failure lines} plus the runs' timings."""
    lesson = catalog.find(slug)
    run_page = Opener()
    at = run_page(lesson)
    if at.exception:
        return {"defaults": f"fails on its defaults: {at.exception[0].message}"}
    table = list(catalog.module(lesson).TABLE)
    default_view = (len(at.get("plotly_chart")), {c.value for c in at.caption})
    found = {"defaults": None if table else "declares no settings table",
             "alone": sweep(run_page, lesson, default_view, links_alone(lesson, table)),
             "together": sweep(run_page, lesson, default_view, links_together(lesson, table)),
             "broken": broken_links(run_page, lesson, table, default_view[0])}
    return {**found, "timings": run_page.summary()}


def start_sweep(slug, folder):
    """Sweep one lesson in a fresh interpreter of its own (`python -m tests.test_sweeps SLUG OUT`):
    (the file it writes what it found to, the process)."""
    out = folder / f"{slug}.json"
    with out.with_suffix(".log").open("w") as log:
        return out, subprocess.Popen([sys.executable, "-m", "tests.test_sweeps", slug, str(out)],
                                     cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def finished(slug, out, process):
    """What the sweep of `slug` found, or why its process failed."""
    if process.returncode == 0 and out.exists():
        return json.loads(out.read_text())
    tail = out.with_suffix(".log").read_text()[-3000:]
    return {"defaults": f"sweep process exited with {process.returncode}:\n{tail}"}


@pytest.fixture(scope="module")
def swept(request, tmp_path_factory):
    """slug -> what sweep_lesson found, for the lessons this session tests: WORKERS processes at
    a time (one per core) sweep the lessons, slowest first; timings go to tests/artifacts/sweeps.json."""
    slugs = list(dict.fromkeys(item.callspec.params["lesson"].slug for item in request.session.items
                               if item.module.__name__ == __name__))
    folder, waiting, running, found = tmp_path_factory.mktemp("sweeps"), sorted(slugs, key=slowest_first), [], {}
    try:
        while waiting or running:
            while waiting and len(running) < WORKERS:
                slug = waiting.pop(0)
                running.append((slug, *start_sweep(slug, folder)))
            time.sleep(0.5)
            for slug, out, process in [r for r in running if r[2].poll() is not None]:
                found[slug] = finished(slug, out, process)
                running.remove((slug, out, process))
    finally:
        for *_, process in running:
            process.kill()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "sweeps.json").write_text(json.dumps({k: v.get("timings") for k, v in found.items()}, indent=1))
    return found


def edges(s):
    """The values at the edges of one setting: lowest, highest, every option, none and all."""
    if s.kind == "log":
        return [log_grid(s)[0], log_grid(s)[-1]]
    if s.kind in ("float", "int"):
        return [s.low, s.high]
    if s.kind == "choice":
        return list(s.options)
    if s.kind == "multi":
        return [(), s.options]
    return [True, False]


def values_alone(s, rng):
    """The values one setting is swept through (its default is covered by the first run)."""
    randoms = [random_value(s, rng) for _ in range(RANDOM_VALUES)] if s.kind in NUMERIC else []
    return [v for v in dict.fromkeys(edges(s) + randoms) if v != s.default]


def random_value(s, rng):
    """A value the setting's widget can produce."""
    if s.kind == "log":
        return rng.choice(log_grid(s))
    if s.kind == "float":
        return round(s.low + s.step * rng.randint(0, round((s.high - s.low) / s.step)), 10)
    if s.kind == "int":
        return rng.randint(int(s.low), int(s.high))
    if s.kind == "choice":
        return rng.choice(s.options)
    if s.kind == "multi":
        return tuple(o for o in s.options if rng.random() < 0.5)
    return rng.random() < 0.5


def what_went_wrong(at, default_charts, default_captions):
    """None if the learner sees a working page, else a sentence saying what they see instead.

    A chart may go missing if the page says why: an error, warning or info box, or a caption
    that the default view does not show.
    """
    if at.exception:
        return f"exception: {at.exception[0].message}"
    charts = at.get("plotly_chart")
    empty = [c.proto.spec[:80] for c in charts if not json.loads(c.proto.spec).get("data")]
    if empty:
        return f"a chart without data: {empty[0]}"
    told = at.error or at.warning or at.info or {c.value for c in at.caption} - default_captions
    if len(charts) < default_charts and not told:
        return f"{len(charts)} of {default_charts} charts and no message saying why"
    return None


def sweep(run_page, lesson, default_view, links):
    """Run every link; return the failures as 'link: what went wrong' lines."""
    failures = []
    for params in links:
        try:
            problem = what_went_wrong(run_page(lesson, params), *default_view)
        except RuntimeError as exc:   # AppTest's "script run timed out"
            problem = str(exc)
        if problem:
            failures.append(f"?{'&'.join(f'{k}={v}' for k, v in params.items())}: {problem}")
    return failures


def links_alone(lesson, table):
    """Each setting alone at its edges (and random values), the others at their defaults."""
    rng = random.Random(f"{lesson.slug}-alone")
    return [{s.name: serialize(s, v)} for s in table for v in values_alone(s, rng)]


def links_together(lesson, table):
    """Random values of every setting at once, then every number at its low and its high end."""
    rng = random.Random(f"{lesson.slug}-together")
    links = [{s.name: serialize(s, random_value(s, rng)) for s in table}
             for _ in range(RANDOM_COMBINATIONS)]
    return links + [{s.name: serialize(s, edges(s)[end]) for s in table if s.kind in NUMERIC}
                    for end in (0, -1)]


def broken_links(run_page, lesson, table, default_charts):
    """Garbage in every setting: failure lines unless the page falls back to its defaults
    and names every ignored setting (and the unknown one) in a notice."""
    failures = []
    for text in BROKEN_TEXT:
        at = run_page(lesson, {**{s.name: text for s in table}, "no_such_knob": text})
        if at.exception:
            failures.append(f"?...={text}: {at.exception[0].message}")
            continue
        notices = " ".join(w.value for w in at.warning)
        ignored = [s.name for s in table if f"`{s.name}=" not in notices] + \
            ([] if "no_such_knob" in notices else ["no_such_knob"])
        if ignored:
            failures.append(f"no notice for {ignored} = {text!r}")
        if len(at.get("plotly_chart")) != default_charts:
            failures.append(f"defaults not drawn for {text!r}")
    return failures


def found(swept, lesson, test):
    result = swept[lesson.slug]
    assert result["defaults"] is None, f"{lesson.slug} {result['defaults']}"
    return result[test]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_setting_alone_at_its_edges_and_random_values(swept, lesson):
    failures = found(swept, lesson, "alone")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_random_combinations_and_every_number_at_once_at_its_low_and_high_end(swept, lesson):
    failures = found(swept, lesson, "together")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_broken_links_fall_back_to_defaults_with_a_notice(swept, lesson):
    failures = found(swept, lesson, "broken")
    assert not failures, "\n".join(failures)


if __name__ == "__main__":   # one lesson's sweep, in a process of its own (see start_sweep)
    from lab.threads import one_blas_thread
    one_blas_thread()        # as the app and the test session run NumPy
    Path(sys.argv[2]).write_text(json.dumps(sweep_lesson(sys.argv[1])))
