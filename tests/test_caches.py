"""The cache rule of the ui layer: keyed by the database identity, bounded, one cache per function."""

from __future__ import annotations

import streamlit as st

from sozialatlas.ui import data, smallarea, views


def test_every_ui_cache_is_bounded_and_keyed_by_the_database(monkeypatch):
    version = ["datei-1"]
    monkeypatch.setattr(data, "version_key", lambda: version[0])
    calls = []

    @data.cached(max_entries=2, ttl=60)
    def square(x):
        calls.append(x)
        return x * x

    @data.cached(max_entries=2, ttl=60)
    def cube(x):
        return x**3

    square.clear()
    cube.clear()
    assert square(3) == 9 and square(3) == 9 and calls == [3]  # cached
    assert cube(3) == 27  # same source shape, own cache: not square's entry
    version[0] = "datei-2"  # the file was replaced: never answered from the old entry
    assert square(3) == 9 and calls == [3, 3]
    square(4), square(5)  # bound of 2 entries: the oldest (3 on datei-2) is dropped
    square(3)
    assert calls == [3, 3, 4, 5, 3]


def test_no_unbounded_cache_left_in_the_ui_layer():
    import inspect

    for module in (data, smallarea, views):
        src = inspect.getsource(module)
        assert "@st.cache_data(show_spinner=False)\n" not in src, module.__name__
    assert st.cache_data  # the rule is a wrapper of st.cache_data, not a cache of its own
