"""One way to cache an experiment on a page: `cached(fn)`, a st.cache_data wrapper.

    from lab.cache import cached
    race = cached(descent.race)           # module level; call race(**settings) in page()

Experiments are pure functions of hashable settings, so a result can be shared by every
learner on the server. MAX_ENTRIES bounds the memory one function's results can take (a
class dragging a slider makes many distinct runs); the oldest results are dropped first.
The st.cache_data wrapper is made on the first call, inside a running app, so importing a page
needs no Streamlit runtime (and logs nothing). Cached results are shared: never mutate one.
"""
import functools

import streamlit as st

MAX_ENTRIES = 64


@functools.cache
def _store(fn):
    """The one st.cache_data wrapper of `fn`, made on first use."""
    return st.cache_data(fn, max_entries=MAX_ENTRIES)


def cached(fn):
    """`fn` with its results kept by st.cache_data (at most MAX_ENTRIES argument sets)."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        return _store(fn)(*args, **kwargs)
    return call
