"""Monitoring: the goals of the strategies, linked to indicators, and a traffic light per Kreis."""

import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.render import formatting
from sozialatlas.ui import common, data, urlstate, views
from sozialatlas.ui import praesentation as ui
from sozialatlas.ui.plain import md
from sozialatlas.views import monitoring as mv

st.title("Monitoring")
st.caption(
    "Ziele der Armutspräventionsstrategien, verknüpft mit Indikatoren: Entwicklung seit dem Basisjahr und "
    "eine Ampel in Worten und Farbe – „auf Kurs“, „gleichbleibend“, „gegenläufig“, „keine Daten“."
)
kreise = views.kreise(gebietsstand.AB)
names = dict(zip(kreise["schluessel"], kreise["name"]))
urlstate.seed("kreis", urlstate.choice(list(names)))
kreis = st.selectbox("Kreis", list(names), format_func=names.get, key="kreis")
urlstate.publish("kreis", kreis)
st.caption(md(mv.regel_text()))

mon = ui.kreis_monitoring(kreis, gebietsstand.AB)
if mon.empty:
    st.info(
        "Noch keine Ziele mit Indikatoren verknüpft. Auf der Verwaltungsinstanz unter „Ziele verknüpfen“ "
        "ein Ziel der Strategien mit einem Indikator, Basisjahr und Zielrichtung verbinden."
    )
    st.stop()

for ll, grp in mon.groupby("lebenslage_name", sort=False):
    st.header(md(ll))
    for r in grp.itertuples():
        with st.container(border=True):
            c1, c2 = st.columns([1, 4])
            c1.html(
                f'<div style="display:flex;align-items:center;gap:10px;font-size:20px;font-weight:700">'
                f'<span aria-hidden="true" style="display:inline-block;width:26px;height:26px;border-radius:50%;'
                f'border:2px solid #222;background:{r.farbe}"></span>{r.symbol} {r.status}</div>'
            )
            ziel = f"bis {int(r.zieljahr)}" if r.zieljahr == r.zieljahr and r.zieljahr is not None else ""
            zw = (
                f"; Zielwert {formatting.wert_mit_einheit(r.zielwert, r.einheit, r.dezimalen)}"
                if r.zielwert == r.zielwert and r.zielwert is not None
                else ""
            )
            c2.markdown(f"**{md(r.ziel)}**  \nIndikator: {md(r.indikator_name)} · Ziel: {md(r.richtung)} {ziel}{zw}")
            c2.caption(md(r.regel))

inds = data.indicators("kreis")
common.attribution(list(inds.loc[inds["id"].isin(mon["indikator"]), "quelle"].dropna()))
st.page_link(
    "app_pages/kreisprofil.py",
    label="Kreisprofil mit Monitoring als PDF",
    icon=":material/picture_as_pdf:",
    query_params={"kreis": kreis},
)
