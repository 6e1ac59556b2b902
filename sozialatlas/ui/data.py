"""Database access for pages: one read-only connection per process, cursors per run, cached queries.

Changes (import, rollback, Planungsräume) never write into the file the app reads: they write a copy
that replaces it (db.writing). The connection notices the new file by its identity and reopens it, and
every cached query is keyed by that identity, so no page shows data from before a change.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from sozialatlas import paths, settings
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


@st.cache_data(show_spinner=False)
def _indicators(version, ebene):
    return queries.indicators(connection(), ebene)


def indicators(ebene: str | None = None):
    return _indicators(version_key(), ebene)


@st.cache_data(show_spinner=False)
def _lebenslagen(version):
    return queries.lebenslagen(connection())


def lebenslagen():
    return _lebenslagen(version_key())


@st.cache_data(show_spinner=False)
def _periods(version, indikator, ebene):
    return queries.periods(connection(), indikator, ebene)


def periods(indikator: str, ebene: str):
    return _periods(version_key(), indikator, ebene)


@st.cache_data(show_spinner=False)
def _values(version, indikator, ebene, gebietsstand, jahr):
    return queries.values(connection(), indikator, ebene, gebietsstand, jahr)


def values(indikator: str, ebene: str, gebietsstand: str, jahr: int):
    return _values(version_key(), indikator, ebene, gebietsstand, jahr)


@st.cache_data(show_spinner=False)
def _land_value(version, indikator, jahr):
    return queries.land_value(connection(), indikator, jahr)


def land_value(indikator: str, jahr: int):
    return _land_value(version_key(), indikator, jahr)


@st.cache_data(show_spinner=False)
def _shapes(version, ebene, gebietsstand):
    return queries.shapes(connection(), ebene, gebietsstand)


def shapes(ebene: str, gebietsstand: str):
    return _shapes(version_key(), ebene, gebietsstand)


@st.cache_data(show_spinner=False)
def _sources(version, ids):
    return queries.sources(connection(), list(ids))


def sources(ids: tuple[str, ...]):
    return _sources(version_key(), tuple(ids))


@st.cache_data(show_spinner=False)
def _coverage(version):
    return queries.coverage(connection())


def coverage():
    return _coverage(version_key())
