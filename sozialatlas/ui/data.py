"""Database access for pages: one read-only connection per process, cursors per run, cached queries.

Changes (import, rollback, Planungsräume) never write into the file the app reads: they write a copy
that replaces it (db.writing). The connection notices the new file by its identity and reopens it, and
every cached query is keyed by that identity, so no page shows data from before a change.
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from sozialatlas import paths, settings
from sozialatlas.protection import showable
from sozialatlas.store import db, queries


class _Holder:
    def __init__(self):
        self.lock = threading.Lock()
        self.con = None
        self.ident = None


@st.cache_resource(show_spinner=False)
def _holder(db_path: str) -> _Holder:
    return _Holder()


_last_key: list = [None]


def ready() -> None:
    """Called by app.py before any page: build the database if needed (admin instance) or explain
    that the snapshot is missing (public instance), outside of any cached function."""
    path = paths.default_db_path()
    if settings.is_public():
        if not path.exists():
            st.error(db.missing_snapshot_message(path))
            st.stop()
    elif _needs_check(path) and not db.is_current(path):
        with st.status(
            "Datenbank wird aus data/ und geodata/ aufgebaut (einmalig, wenige Sekunden) …", expanded=True
        ) as status:
            db.ensure(path, progress=st.write)
            status.update(label="Datenbank aufgebaut.", state="complete", expanded=False)
    connection()


def _needs_check(path: Path) -> bool:
    """Compare with data/ only when the file is opened (first run, or replaced): not on every rerun."""
    h = _holder(str(path))
    return h.con is None or db.file_identity(path) != h.ident


def _open(path: Path) -> tuple:
    h = _holder(str(path))
    ident = db.file_identity(path)
    if h.con is None or ident != h.ident:
        with h.lock:
            ident = db.file_identity(path)
            if h.con is None or ident != h.ident:
                if h.con is not None:
                    # Close first: DuckDB hands out the already open instance for the same path, which
                    # still shows the replaced file. (A query running right now in another session fails
                    # once; it happens only when an admin has just changed the data.)
                    h.con.close()
                    h.con = None
                if not settings.is_public() and not db.is_current(path):
                    db.ensure(path)
                h.ident = db.file_identity(path)
                h.con = db.connect(path, read_only=True)
    key = (str(path), h.ident)
    if _last_key[0] is not None and _last_key[0] != key:
        # Another file or a new version of it: results cached elsewhere (other modules) are stale too.
        st.cache_data.clear()
    _last_key[0] = key
    return h, key


def connection():
    """A cursor on the shared read-only connection (reopened when the file was replaced)."""
    h, _key = _open(paths.default_db_path())
    return h.con.cursor()


def version_key() -> tuple:
    """Changes whenever the database file changes: put it into the arguments of cached functions."""
    return _open(paths.default_db_path())[1]


@contextmanager
def writing():
    """A read-write connection for one change in the admin app (see db.writing); after the block the
    pages read the new file."""
    settings.require_admin()
    with db.writing(paths.default_db_path()) as con:
        yield con
    st.cache_data.clear()


# --- caches: one rule for every cached query --------------------------------------------------------
#
# Every cached function of the ui layer is declared with `@data.cached(...)`:
# - the key is the function's own arguments plus the database identity (version_key), added here, so a
#   replaced file is never answered from an old entry — whether or not the function takes `version`;
# - each cache is bounded: at most `max_entries` entries, each at most `ttl` seconds old. Entry sizes
#   measured on the Thüringen database (pickled): protected values of a whole Gemeinde level 0.3 MB,
#   Gemeinde shapes 0.6 MB, the catalogue 0.16 MB, Kreis values and periods ≤ 0.01 MB. Worst case with
#   these bounds: ~8 LARGE caches × 32 × 0.6 MB ≈ 150 MB plus ~25 SMALL caches × 256 × ≤ 0.01 MB ≈ 60 MB
#   (CACHE_BUDGET_MB per replica, docs/BETRIEB.md "Größe eines Replikats"). For a Germany-size database
#   (17× the Gemeinden) lower LARGE to 4 to stay in the same budget.
SMALL, LARGE = 256, 32  # entries: small results (lists, values) / geometry and whole-level tables
TTL = 6 * 3600  # seconds: a public replica running for weeks drops views nobody asked for since morning
CACHE_BUDGET_MB = 210


def cached(*, max_entries: int = SMALL, ttl: int | None = TTL, show_spinner=False):
    """st.cache_data with the project's key rule (database identity) and bounds (see above)."""

    def deco(func):
        def inner(version, *args, **kwargs):
            return func(*args, **kwargs)

        # Streamlit names a cache by module, qualified name and source: without this every function
        # decorated here would share one cache.
        inner.__module__, inner.__qualname__ = func.__module__, func.__qualname__ + ".<cached>"
        store = st.cache_data(max_entries=max_entries, ttl=ttl, show_spinner=show_spinner)(inner)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return store(version_key(), *args, **kwargs)

        wrapper.clear = store.clear
        return wrapper

    return deco


@st.cache_data(show_spinner=False, max_entries=SMALL, ttl=TTL)
def _indicators(version, ebene):
    return queries.indicators(connection(), ebene)


def indicators(ebene: str | None = None):
    return _indicators(version_key(), ebene)


@st.cache_data(show_spinner=False, max_entries=SMALL, ttl=TTL)
def _lebenslagen(version):
    return queries.lebenslagen(connection())


def lebenslagen():
    return _lebenslagen(version_key())


@st.cache_data(show_spinner=False, max_entries=SMALL, ttl=TTL)
def _periods(version, indikator, ebene):
    return queries.periods(connection(), indikator, ebene)


def periods(indikator: str, ebene: str):
    return _periods(version_key(), indikator, ebene)


@st.cache_data(show_spinner=False, max_entries=LARGE, ttl=TTL)
def _values(version, indikator, ebene, gebietsstand, jahr):
    return showable.values(connection(), indikator, ebene, gebietsstand, jahr)


def values(indikator: str, ebene: str, gebietsstand: str, jahr: int):
    return _values(version_key(), indikator, ebene, gebietsstand, jahr)


@st.cache_data(show_spinner=False, max_entries=SMALL, ttl=TTL)
def _land_value(version, indikator, jahr):
    return showable.land_value(connection(), indikator, jahr)


def land_value(indikator: str, jahr: int):
    return _land_value(version_key(), indikator, jahr)


@st.cache_data(show_spinner=False, max_entries=LARGE, ttl=TTL)
def _shapes(version, ebene, gebietsstand):
    return queries.shapes(connection(), ebene, gebietsstand)


def shapes(ebene: str, gebietsstand: str):
    return _shapes(version_key(), ebene, gebietsstand)


@st.cache_data(show_spinner=False, max_entries=SMALL, ttl=TTL)
def _sources(version, ids):
    return queries.sources(connection(), list(ids))


def sources(ids: tuple[str, ...]):
    return _sources(version_key(), tuple(ids))


@st.cache_data(show_spinner=False, max_entries=SMALL, ttl=TTL)
def _coverage(version):
    return queries.coverage(connection())


def coverage():
    return _coverage(version_key())
