"""Cached wrappers for the Zeitreihen, Kreisprofil, Lebenslagen and Strategien pages."""

from __future__ import annotations

import re

import streamlit as st

from sozialatlas.ui import data
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views import profile, strategies, timeseries


def md(text) -> str:
    """Text from data, safe inside st.markdown/st.caption: every Markdown (and LaTeX '$') character escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))


def init(key: str, default) -> None:
    """Give a keyed widget its default through session state (never both a default and a state value,
    which Streamlit warns about on the page)."""
    if key not in st.session_state:
        st.session_state[key] = default


@st.cache_data(show_spinner=False)
def series(indikator: str, stand: str, kreise: tuple[str, ...]):
    return timeseries.series(data.connection(), indikator, stand, list(kreise))


@st.cache_data(show_spinner=False)
def native_staende(indikator: str):
    return timeseries.native_staende(data.connection(), indikator)


@st.cache_data(show_spinner=False)
def kreise(stand: str):
    return profile.kreise(data.connection(), stand)


@st.cache_data(show_spinner="Kreisprofil wird zusammengestellt …")
def kreis_profile(schluessel: str, stand: str):
    return profile.profile(data.connection(), schluessel, stand)


@st.cache_data(show_spinner=False)
def outline_svg(schluessel: str, stand: str, title: str) -> str:
    con = data.connection()
    kreis = con.execute(
        "SELECT geom FROM region WHERE ebene = 'kreis' AND schluessel = ? AND gebietsstand = ?", [schluessel, stand]
    ).fetchone()
    land = con.execute("SELECT geom FROM region WHERE ebene = 'land'").fetchone()
    if not kreis or not land:
        return ""
    return profile.outline_svg(kreis[0], land[0], title=title)


@st.cache_data(show_spinner=False)
def indicators_of(lebenslage: str):
    return lebenslagen_view.indicators_of(data.connection(), lebenslage)


@st.cache_data(show_spinner=False)
def cards(lebenslage: str) -> list[dict]:
    con = data.connection()
    inds = lebenslagen_view.indicators_of(con, lebenslage)
    return [lebenslagen_view.card(con, ind) for ind in inds.to_dict("records")]


@st.cache_data(show_spinner=False)
def gemeinde_years(indikator: str):
    return lebenslagen_view.gemeinde_years(data.connection(), indikator)


@st.cache_data(show_spinner=False)
def gemeinden(indikator: str, kreis: str, stand: str, jahr: int):
    return lebenslagen_view.gemeinden(data.connection(), indikator, kreis, stand, jahr)


@st.cache_data(show_spinner=False)
def strategy_data():
    con = data.connection()
    return {
        "status": strategies.kreis_status(con),
        "tabelle": strategies.strategy_table(con),
        "nennungen": strategies.lebenslage_mentions(con),
        "ziele": strategies.goals(con),
        "indikatoren": strategies.monitoring_indicators(con),
    }
