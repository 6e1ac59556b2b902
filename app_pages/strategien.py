"""Strategien & Ziele: the 15 adopted local poverty-prevention strategies, their goals per Lebenslage and
the atlas indicators that can monitor each Lebenslage."""

import streamlit as st

from sozialatlas.render import maps
from sozialatlas.ui import a11y, common, data, downloads, urlstate, views
from sozialatlas.ui.plain import md
from sozialatlas.ui.plain import table as md_table
from sozialatlas.views import strategies

QUELLE_META = {"Quelle": strategies.QUELLE, "Lizenz": strategies.LIZENZ, "Stand": strategies.STAND_TEXT}


def quelle_caption() -> None:
    st.caption(f"Quelle: {md(strategies.QUELLE)}; Lizenz: {md(strategies.LIZENZ)}; Stand: {md(strategies.STAND_TEXT)}")


st.title("Strategien & Ziele")
st.caption(
    "Die 15 beschlossenen kommunalen Armutspräventionsstrategien der Thüringer Kreise und kreisfreien "
    "Städte (Landesprogramm Armutsprävention), ihre Ziele nach Lebenslagen und die Indikatoren des "
    "Atlas, mit denen sich diese Lebenslagen beobachten lassen."
)

d = views.strategy_data()
status = d["status"]

# --- map and table -------------------------------------------------------------------------------------------
st.header("Beschlossene Strategien")
st.caption(
    "Karte auf dem Gebietsstand bis 30.06.2021 (23 Kreise): die Strategien wurden 2018–2020 beschlossen, "
    "als Eisenach noch kreisfrei war und eine eigene Strategie hatte."
)
shapes = data.shapes("kreis", strategies.STAND).merge(
    status[["schluessel", "titel", "beschlossen_text", "gremium"]], on="schluessel", how="left"
)
fill = strategies.fill_colours(status.set_index("schluessel").loc[shapes["schluessel"]].reset_index())
deck = maps.choropleth(shapes, fill, ["{name}", "{titel}", "Beschlossen am: {beschlossen_text}"], layer_id="strategien")
left, right = st.columns([3, 2])
with left:
    with a11y.map_region("Karte der Kreise mit beschlossener Armutspräventionsstrategie; Tabelle daneben"):
        st.pydeck_chart(deck, height=560, key="strategie_karte")
    st.altair_chart(strategies.legend_chart(status), width="content")
with right:
    table = status.sort_values("name")[["name", "titel", "beschlossen_text"]].rename(
        columns={"name": "Kreis", "titel": "Strategie", "beschlossen_text": "Beschlossen am"}
    )
    st.table(md_table(table.set_index("Kreis")))

with st.expander("Alle Strategien mit Gremium und Schwerpunkten", expanded=False):
    st.table(md_table(d["tabelle"].set_index("Kreis / Stadt")))
    downloads.table_buttons(
        d["tabelle"], QUELLE_META, basename="armutspraeventionsstrategien", key="strat_tab", sheet_name="Strategien"
    )
quelle_caption()

# --- Lebenslagen in the strategies ---------------------------------------------------------------------------
st.header("Lebenslagen in den Strategien")
nen = d["nennungen"]
gesamt = int(nen["strategien_gesamt"].max()) if nen["strategien_gesamt"].notna().any() else None
nen_plot = nen.assign(lebenslage_text=nen["name"].fillna(nen["lebenslage_bezeichnung"]))
c1, c2 = st.columns([3, 2])
with c1:
    chart = strategies.bar_chart(
        nen_plot,
        label="lebenslage_text",
        count="nennungen",
        total=gesamt,
        title="Wie viele Strategien eine Lebenslage behandeln",
    )
    st.altair_chart(chart, width="stretch")
with c2:
    t = strategies.goals_table(nen_plot.rename(columns={"lebenslage_text": "ziel"}))
    t.columns = ["Lebenslage", f"Strategien (von {gesamt})" if gesamt else "Strategien"]
    st.table(md_table(t.set_index("Lebenslage")))
quelle_caption()

# --- goals per Lebenslage ------------------------------------------------------------------------------------
st.header("Ziele nach Lebenslage")
ll = data.lebenslagen()
ll_name = dict(zip(ll["id"], ll["name"]))
urlstate.seed("lebenslage", urlstate.choice(ll["id"]))
lebenslage = st.selectbox("Lebenslage", list(ll["id"]), format_func=ll_name.get, key="lebenslage")
urlstate.publish("lebenslage", lebenslage)

ziele = d["ziele"][d["ziele"]["lebenslage"] == lebenslage]
if ziele.empty:
    st.info("Für diese Lebenslage nennt der Bericht keine gruppierten Ziele (keine Daten).")
else:
    st.altair_chart(
        strategies.bar_chart(
            ziele, label="ziel", count="nennungen", total=gesamt, title=f"Ziele in der Lebenslage {ll_name[lebenslage]}"
        ),
        width="stretch",
    )
    zt = strategies.goals_table(ziele)
    st.table(md_table(zt.set_index("Ziel")))
    if ziele["nennungen"].isna().any():
        st.caption(
            "„keine Angabe“: die Zahl der Strategien ist in der Quelle nicht lesbar überliefert; sie "
            "wird nicht geschätzt."
        )
    downloads.table_buttons(zt, QUELLE_META, basename=f"ziele_{lebenslage}", key="ziele_tab", sheet_name="Ziele")
quelle_caption()

st.subheader(f"Indikatoren im Atlas für {md(ll_name[lebenslage])}")
mon = d["indikatoren"][d["indikatoren"]["lebenslage"] == lebenslage]
if mon.empty:
    from sozialatlas.views import lebenslagen as lebenslagen_view

    st.info(lebenslagen_view.needed_data(lebenslage), icon=":material/info:")
else:
    mt = mon.assign(Zeitraum=[f"{int(a)}–{int(b)}" if a != b else str(int(a)) for a, b in zip(mon["von"], mon["bis"])])
    mt = mt[["indikator", "ebenen", "Zeitraum", "quelle"]].rename(
        columns={"indikator": "Indikator", "ebenen": "Ebenen", "quelle": "Quelle"}
    )
    st.table(md_table(mt.set_index("Indikator")))
st.page_link(
    "app_pages/lebenslagen.py",
    label=f"Zur Lebenslage {md(ll_name[lebenslage])}",
    icon=":material/diversity_3:",
    query_params={"lebenslage": lebenslage},
)

common.attribution(list(mon["quelle_id"].dropna()))
