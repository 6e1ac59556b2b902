"""Database access for pages: one read-only connection per process, cursors per run, cached queries."""

from __future__ import annotations

import streamlit as st

from sozialatlas import db, paths, queries


@st.cache_resource(show_spinner=False)
def _connection(db_path: str):
    return db.connect(db_path, read_only=True)


def connection():
    """A cursor on the shared read-only connection; builds the database on first start."""
    path = paths.default_db_path()
    if not db.is_current(path):
        with st.status("Datenbank wird aus data/ und geodata/ aufgebaut (einmalig, wenige Sekunden) …",
                       expanded=True) as status:
            db.ensure(path, progress=st.write)
            status.update(label="Datenbank aufgebaut.", state="complete", expanded=False)
        _connection.clear()
    return _connection(str(path)).cursor()


@st.cache_data(show_spinner=False)
def indicators(ebene: str | None = None):
    return queries.indicators(connection(), ebene)


@st.cache_data(show_spinner=False)
def lebenslagen():
    return queries.lebenslagen(connection())


@st.cache_data(show_spinner=False)
def periods(indikator: str, ebene: str):
    return queries.periods(connection(), indikator, ebene)


@st.cache_data(show_spinner=False)
def values(indikator: str, ebene: str, gebietsstand: str, jahr: int):
    return queries.values(connection(), indikator, ebene, gebietsstand, jahr)


@st.cache_data(show_spinner=False)
def land_value(indikator: str, jahr: int):
    return queries.land_value(connection(), indikator, jahr)


@st.cache_data(show_spinner=False)
def shapes(ebene: str, gebietsstand: str):
    return queries.shapes(connection(), ebene, gebietsstand)


@st.cache_data(show_spinner=False)
def sources(ids: tuple[str, ...]):
    return queries.sources(connection(), list(ids))


@st.cache_data(show_spinner=False)
def coverage():
    return queries.coverage(connection())
