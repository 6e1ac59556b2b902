"""Daten & Quellen: the indicator catalogue and every source with licence and Stand."""

import streamlit as st

from sozialatlas.ui import common, data, gesamtdownload, htmltable
from sozialatlas.ui.plain import md
from sozialatlas.views import katalog

st.title("Daten & Quellen")
st.markdown("Jeder Indikator mit Definition, Formel (bei abgeleiteten Werten), Wertungsrichtung und Quelle.")
inds = data.indicators()
# Definitions, formulas and licences in full: HTML tables that wrap, one per Lebenslage (no canvas grid
# that cuts text off).
for ll in data.lebenslagen().itertuples():
    grp = inds[inds["lebenslage"] == ll.id]
    st.header(md(f"{ll.name} ({len(grp)} Indikatoren)"))
    if grp.empty:
        st.info("Für diese Lebenslage enthält der Atlas noch keine Indikatoren.")
        continue
    htmltable.show(
        katalog.indicator_table(grp), caption=f"Indikatoren der Lebenslage {ll.name}", row_header="Indikator"
    )

st.header("Quellen")
src = data.sources(tuple(inds["quelle"].dropna().unique()))
htmltable.show(katalog.source_table(src), caption="Quellen mit Herausgeber, Lizenz und Stand", row_header="Quelle")
gesamtdownload.section()
common.attribution([])
