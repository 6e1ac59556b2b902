"""Kreisvergleich: one indicator, one year, all Kreise — map, table and ranking."""

from sozialatlas.ui.bootstrap import ensure_navigation

ensure_navigation()

import streamlit as st

from sozialatlas import charts, classify, formatting, maps, palettes, tables
from sozialatlas.ui import common, data

GEBIETSSTAND_LABEL = {
    "ab-2021-07-01": "22 Kreise (ab 01.07.2021)",
    "bis-2021-06-30": "23 Kreise (bis 30.06.2021)",
}

st.title("Kreisvergleich")

inds = data.indicators("kreis")
if inds.empty:
    st.warning("Die Datenbank enthält keine Indikatoren auf Kreisebene.")
    st.stop()

ll = data.lebenslagen()
ll = ll[ll["id"].isin(inds["lebenslage"])]
c1, c2, c3, c4 = st.columns([2, 3, 2, 1])
lebenslage = c1.selectbox("Lebenslage", ll["id"], format_func=dict(zip(ll["id"], ll["name"])).get,
                          key="lebenslage")
auswahl = inds[inds["lebenslage"] == lebenslage]
indikator = c2.selectbox("Indikator", auswahl["id"], format_func=dict(zip(auswahl["id"], auswahl["name"])).get,
                         key="indikator")
ind = auswahl[auswahl["id"] == indikator].iloc[0]

per = data.periods(indikator, "kreis")
staende = [g for g in GEBIETSSTAND_LABEL if g in set(per["gebietsstand"])]
if len(staende) > 1:
    gebietsstand = c3.radio("Gebietsstand", staende, format_func=GEBIETSSTAND_LABEL.get, key="gebietsstand")
else:
    gebietsstand = staende[0]
    c3.markdown(f"**Gebietsstand**  \n{GEBIETSSTAND_LABEL[gebietsstand]}")
jahre = per.loc[per["gebietsstand"] == gebietsstand, "jahr"].tolist()
jahr = c4.selectbox("Jahr", jahre, key="jahr")

vals = data.values(indikator, "kreis", gebietsstand, int(jahr))
land = data.land_value(indikator, int(jahr))
dez = None if ind["dezimalen"] is None or str(ind["dezimalen"]) == "<NA>" else int(ind["dezimalen"])
einheit = ind["einheit"] or ""
polaritaet = ind["polaritaet"] or "neutral"

cls = classify.classify(vals["wert"], "quantile", 5)
colours = palettes.for_classes(polaritaet, cls.k)
fill = [colours[c] if c >= 0 else palettes.KEINE_DATEN_FARBE for c in cls.classes]
labels = cls.labels(dez)

shapes = data.shapes("kreis", gebietsstand).merge(
    vals[["schluessel", "wert", "stand", "status", "quelle_titel"]], on="schluessel", how="left")
shapes["wert_text"] = [formatting.wert_mit_einheit(v, einheit, dez) for v in shapes["wert"]]
shapes["stand_text"] = [formatting.datum(s) if isinstance(s, str) else "–" for s in shapes["stand"]]
shapes["quelle_text"] = [q if isinstance(q, str) else "–" for q in shapes["quelle_titel"]]
fill_by_key = dict(zip(vals["schluessel"], fill))
deck = maps.choropleth(
    shapes, [fill_by_key[k] for k in shapes["schluessel"]],
    ["{name}", "{wert_text}", "Stand: {stand_text}", "Quelle: {quelle_text}"], layer_id="kreise")

st.subheader(f"{ind['name']} {jahr}")
st.caption(f"{ind['definition'] or ''}" + (f" Formel: {ind['formel']}." if ind.get("formel") else ""))

left, right = st.columns([3, 2])
with left:
    st.pydeck_chart(deck, height=560, key="karte")
    st.altair_chart(charts.legend(labels, colours, cls.counts, cls.missing, einheit=einheit,
                                  gebiet_plural="Kreise", richtung=palettes.legend_direction(polaritaet)),
                    width="content")
    st.caption(f"Klassen: {classify.SCHEMES['quantile']}. {palettes.POLARITAET_TEXT.get(polaritaet, '')}")
with right:
    if land:
        st.metric(f"Thüringen {jahr}", formatting.wert_mit_einheit(land["wert"], einheit, dez),
                  help=f"Stand: {formatting.datum(land['stand'])}; Quelle: {land['quelle_titel']}")
    else:
        st.metric(f"Thüringen {jahr}", formatting.KEINE_DATEN,
                  help="Für Thüringen insgesamt liegt für diesen Indikator kein Wert vor.")
    table = tables.sort_for_display(tables.region_table(
        vals, einheit=einheit, dezimalen=dez, ebene_label="Kreis"))
    # A real HTML table (not a canvas grid), so screen readers and keyboard users get every value.
    st.table(table.set_index(table.columns[0]))

st.altair_chart(charts.ranking(vals, einheit=einheit, dezimalen=dez,
                               land_wert=land["wert"] if land else None,
                               colour_of=fill_by_key, title=f"Rangfolge: {ind['name']} {jahr}"),
                width="stretch")
fehlend = vals.loc[vals["wert"].isna(), "name"].tolist()
if fehlend:
    st.caption(f"Keine Daten für: {', '.join(fehlend)}.")
common.attribution(list(vals["quelle"].dropna().unique()) + ([land["quelle"]] if land else []) + [ind["quelle"]])
