"""Daten & Quellen: the indicator catalogue and every source with licence and Stand."""

import streamlit as st

from sozialatlas.ui import common, data

st.title("Daten & Quellen")
st.markdown("Jeder Indikator mit Definition, Formel (bei abgeleiteten Werten), Wertungsrichtung und Quelle.")
inds = data.indicators()
POL = {"hoeher_besser": "höher = günstiger", "hoeher_schlechter": "höher = ungünstiger", "neutral": "ohne Wertung"}
st.dataframe(
    inds.assign(
        polaritaet=inds["polaritaet"].map(POL),
        abgeleitet=inds["abgeleitet"].map({True: "ja", False: "nein"}),
    )[
        [
            "lebenslage_name",
            "name",
            "einheit",
            "definition",
            "formel",
            "abgeleitet",
            "polaritaet",
            "ebenen",
            "quelle_titel",
            "lizenz",
        ]
    ].rename(
        columns={
            "lebenslage_name": "Lebenslage",
            "name": "Indikator",
            "einheit": "Einheit",
            "definition": "Definition",
            "formel": "Formel",
            "abgeleitet": "abgeleitet",
            "polaritaet": "Wertung",
            "ebenen": "Ebenen",
            "quelle_titel": "Quelle",
            "lizenz": "Lizenz",
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Quellen")
src = data.sources(tuple(inds["quelle"].dropna().unique()))
st.dataframe(
    src.rename(
        columns={
            "id": "Kürzel",
            "titel": "Titel",
            "herausgeber": "Herausgeber",
            "lizenz": "Lizenz",
            "stand": "Stand",
            "referenz": "Referenz",
        }
    ),
    hide_index=True,
    width="stretch",
)
common.attribution([])
