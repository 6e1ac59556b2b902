"""Cached wrappers for the Zeitreihen, Kreisprofil, Lebenslagen and Strategien pages."""

from __future__ import annotations

import streamlit as st

from sozialatlas.store import regions as stored_regions
from sozialatlas.ui import data
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views import profile, strategies, timeseries


def init(key: str, default) -> None:
    """Give a keyed widget its default through session state (never both a default and a state value,
    which Streamlit warns about on the page)."""
    if key not in st.session_state:
        st.session_state[key] = default


@data.cached()
def series(indikator: str, stand: str, kreise: tuple[str, ...]):
    return timeseries.series(data.connection(), indikator, stand, list(kreise))


@data.cached()
def native_staende(indikator: str):
    return timeseries.native_staende(data.connection(), indikator)


@data.cached()
def kreise(stand: str):
    return profile.kreise(data.connection(), stand)


@data.cached(show_spinner="Kreisprofil wird zusammengestellt …")
def kreis_profile(schluessel: str, stand: str):
    return profile.profile(data.connection(), schluessel, stand)


@data.cached()
def outline_svg(schluessel: str, stand: str, title: str) -> str:
    con = data.connection()
    kreis = stored_regions.kreis_geom(con, schluessel, stand)
    land = stored_regions.land_geom(con)
    if kreis is None or land is None:
        return ""
    return profile.outline_svg(kreis, land, title=title)


@data.cached()
def indicators_of(lebenslage: str):
    return lebenslagen_view.indicators_of(data.connection(), lebenslage)


@data.cached()
def cards(lebenslage: str) -> list[dict]:
    con = data.connection()
    inds = lebenslagen_view.indicators_of(con, lebenslage)
    return [lebenslagen_view.card(con, ind) for ind in inds.to_dict("records")]


@data.cached()
def gemeinde_years(indikator: str):
    return lebenslagen_view.gemeinde_years(data.connection(), indikator)


@data.cached()
def gemeinden(indikator: str, kreis: str, stand: str, jahr: int):
    return lebenslagen_view.gemeinden(data.connection(), indikator, kreis, stand, jahr)


@data.cached()
def strategy_data():
    con = data.connection()
    return {
        "status": strategies.kreis_status(con),
        "tabelle": strategies.strategy_table(con),
        "nennungen": strategies.lebenslage_mentions(con),
        "ziele": strategies.goals(con),
        "indikatoren": strategies.monitoring_indicators(con),
    }


@data.cached()
def completeness():
    """Per indicator the newest year complete for all Kreise and Thüringen (which indicator a page opens on)."""
    from sozialatlas.store import queries

    return queries.kreis_completeness(data.connection())


@data.cached()
def brueche(indikator: str):
    """Series breaks of an indicator (jahr, hinweis, quelle) from data/brueche.csv."""
    from sozialatlas.store import queries

    return queries.brueche(data.connection(), indikator)
