"""After a page's first run the long-lived heap is frozen once, so Streamlit's gc.collect(2) after every
later run only walks what that run created (issue 13: 0.14 s → 0.002 s CPU per Kreisvergleich rerun)."""

from __future__ import annotations

import gc
import time

import pytest

from sozialatlas.ui import heap


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(heap, "_done", set())
    yield
    gc.unfreeze()


def _full_collection_seconds() -> float:
    t = time.process_time()
    gc.collect(2)
    return time.process_time() - t


def test_freezes_once_per_page_and_full_collections_get_cheap(fresh):
    ballast = [{"i": i, "l": [i]} for i in range(300_000)]  # long-lived objects like imported modules
    before = _full_collection_seconds()
    assert heap.freeze_after_first_run("kreisvergleich") is True
    assert gc.get_freeze_count() >= len(ballast)
    assert heap.freeze_after_first_run("kreisvergleich") is False  # not on every rerun
    after = _full_collection_seconds()
    assert after < before / 3, (before, after)
    assert heap.freeze_after_first_run("kleinraeumig") is True  # a page importing more freezes once more


def test_garbage_of_later_runs_is_collected_what_lived_at_the_freeze_is_not(fresh):
    import weakref

    class Node:
        pass

    def cycle():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a reference cycle, as a run's widgets and frames leave behind
        return weakref.ref(a), a

    old_ref, old = cycle()  # alive at the freeze (e.g. the first run's session state)
    heap.freeze_after_first_run("kreisvergleich")
    new_ref, new = cycle()  # created by a later run
    del old, new
    gc.collect(2)
    assert new_ref() is None  # later runs' garbage is freed as before
    assert old_ref() is not None  # the bounded price (docstring of heap): frozen cycles stay


def test_not_inside_apptest_or_tests(fresh):
    # AppTest runs the app in the test process: there is no Streamlit runtime, and the heap stays as is
    count = gc.get_freeze_count()
    heap.after_run("kreisvergleich")
    assert gc.get_freeze_count() == count
    assert heap._done == set()
