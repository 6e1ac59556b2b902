"""Keep Streamlit's post-run garbage collection cheap: freeze the long-lived heap once.

Streamlit calls `gc.collect(2)` after every script run (`runner.postScriptGC`). A full collection walks
every tracked object, and after the first page run a replica holds ≈ 260,000 of them that live as long as
the process (modules, Altair's Vega-Lite schema classes, pandas/pyarrow, the page modules): measured on
a warm Kreisvergleich year change 0.14 s CPU of collection after 0.17 s of script (issue 13). With
those objects moved to the permanent generation (`gc.freeze()`), the same collection takes ≈ 0.002 s and
still frees the garbage of each run.

Freezing happens once per page and process, after that page's first run and after a full collection
(so no garbage is frozen): later pages import further modules (pydeck, libpysal …) that would otherwise
be walked again on every run. The cost is bounded: at most one freeze per registered page; what was
alive at that moment and later becomes cyclic garbage is not reclaimed (a session's state from that
first run — a few MB per page at most, measured RSS in docs/BETRIEB.md).
"""

from __future__ import annotations

import gc
import os
import threading

# Measurement only (benchmarks/loadgen.py before/after in the same run): "1" keeps the unfrozen heap.
BASELINE_ENV = "SOZIALATLAS_BENCH_OHNE_GCFREEZE"

_done: set[str] = set()
_lock = threading.Lock()


def freeze_after_first_run(page: str) -> bool:
    """Freeze the heap after the first run of `page` in this process; True if it froze now."""
    if page in _done:
        return False
    with _lock:
        if page in _done:
            return False
        _done.add(page)
        gc.collect()
        gc.freeze()
    return True


def after_run(page: str) -> None:
    """Called by app.py after every run. Only in a real server: AppTest runs the app inside the test
    process, whose heap (and its garbage) is the tests' business."""
    from streamlit import runtime

    if runtime.exists() and os.environ.get(BASELINE_ENV) != "1":
        freeze_after_first_run(page)
