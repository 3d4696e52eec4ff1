"""One way to cache on a page: `cached(fn)` for an experiment, `figure(...)` for a figure.

    from lab.cache import cached
    race = cached(descent.race)           # module level; call race(**settings) in page()
    show_figure(lambda: draw.race(runs), "descent-race", data=runs, settings=s)

Experiments are pure functions of hashable settings, so a result can be shared by every
learner on the server. MAX_ENTRIES bounds the memory one function's results can take (a
class dragging a slider makes many distinct runs); the oldest results are dropped first.
The st.cache_data wrapper is made on the first call, inside a running app, so importing a page
needs no Streamlit runtime (and logs nothing). Cached results are shared: never mutate one.

A figure given to lab.page.show_figure as a function (`lambda: draw.race(runs)`) is built once
per (figure key, settings, presentation mode) and the same Figure object is drawn for every
learner: st.cache_resource keeps it without copying, at most MAX_FIGURES of them (oldest
dropped first). So `settings` must hold everything the figure depends on (the page's settings
do: experiments are pure functions of them), and nobody may change a figure after it is made:
st.plotly_chart and the exports only read it. A figure that also depends on something outside
the settings, such as an uploaded CSV, is passed built, uncached (pages/landscape.py):

    surface = functools.partial(draw.surface, result)
    show_figure(surface() if uploaded else surface, "landscape-surface", settings=s)
"""
import functools
import inspect

import streamlit as st

from viz import theme

MAX_ENTRIES = 64
MAX_FIGURES = 256


@functools.cache
def _store(fn):
    """The one st.cache_data wrapper of `fn`, made on first use."""
    return st.cache_data(fn, max_entries=MAX_ENTRIES)


def cached(fn):
    """`fn` with its results kept by st.cache_data (at most MAX_ENTRIES argument sets). A call is
    keyed by its arguments bound to `fn`'s signature with the defaults filled in, so f(1), f(a=1)
    and f(1, b=DEFAULT) share one entry (st.cache_data alone keys on the arguments as written)."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def call(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return _store(fn)(*bound.args, **bound.kwargs)
    return call


def themed(fig, big):
    """`fig` with the lab's look for the screen (its builder's theme.apply) or the projector."""
    return theme.apply(fig, big=True) if big else fig


@functools.cache
def _figures():
    """The one st.cache_resource of figures, made on first use (a running app)."""
    @st.cache_resource(max_entries=MAX_FIGURES, show_spinner=False)
    def build(key, settings, big, _make):
        return themed(_make(), big)
    return build


def figure(make, key, settings, big):
    """The figure `make()` builds, themed for presentation mode `big`: built on the first call
    with this (key, settings, big), then the same shared, read-only object."""
    return _figures()(key, settings, big, make)
