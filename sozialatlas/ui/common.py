"""Pieces every page shows the same way: attribution, Stand/Quelle lines."""

from __future__ import annotations

import streamlit as st

from sozialatlas.render import formatting
from sozialatlas.ui import data
from sozialatlas.ui.plain import md

GEO_ATTRIBUTION = (
    "Karten: © GeoBasis-DE / BKG (2016, 2021, 2022), dl-de/by-2-0 bzw. GeoNutzV "
    "(Daten verändert: Thüringen-Ausschnitt, Gemeinden auf Gebietsstand 31.12.2021 "
    "zusammengeführt, vereinfacht)"
)


def attribution(quelle_ids: list[str]) -> None:
    """Quelle, Lizenz and Stand of the figures on the page, plus the boundary attribution."""
    src = data.sources(tuple(sorted(set(q for q in quelle_ids if q))))
    # Imported sources are user text: escaped so they show as typed, never as Markdown/HTML.
    lines = [
        f"**Quelle:** {md(formatting.quelle_text(r.titel, r.herausgeber))}; Lizenz: {md(r.lizenz)}; Stand: {md(formatting.datum(r.stand))}"
        for r in src.itertuples()
    ]
    lines.append(GEO_ATTRIBUTION)
    st.caption("  \n".join(lines))


def stand_text(staende) -> str:
    vals = sorted({formatting.datum(s) for s in staende if s and str(s) != "nan"})
    return ", ".join(vals) if vals else "–"


def kreis_indicators():
    """(indicators with Kreis data, the Lebenslagen that have any, {indicator: Lebenslage}) for the pages
    that start with a Lebenslage → Indikator choice; stops the page with a German message when empty."""
    inds = data.indicators("kreis")
    if inds.empty:
        st.warning("Die Datenbank enthält keine Indikatoren auf Kreisebene.")
        st.stop()
    ll = data.lebenslagen()
    return inds, ll[ll["id"].isin(inds["lebenslage"])], dict(zip(inds["id"], inds["lebenslage"]))
