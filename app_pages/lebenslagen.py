"""Lebenslagen: enter by Lebenslage, see indicator cards, drill down to a Kreis and its Gemeinden."""

import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy
from sozialatlas.render import formatting, tables
from sozialatlas.ui import common, data, state, urlstate, views
from sozialatlas.ui.plain import md
from sozialatlas.ui.plain import table as md_table
from sozialatlas.views import kreisvergleich, profile
from sozialatlas.views import lebenslagen as lebenslagen_view

DELTA_COLOR = {"hoeher_besser": "normal", "hoeher_schlechter": "inverse", "neutral": "off"}

st.title("Lebenslagen")
st.caption(
    "Die sieben Lebenslagen der Thüringer Armutsprävention. Je Indikator: der neueste Thüringen-Wert, "
    "die Spanne zwischen den Kreisen und die Entwicklung der letzten fünf Jahre – vertiefen Sie bis "
    "zu den Gemeinden eines Kreises."
)

ll = data.lebenslagen()
ll_name = dict(zip(ll["id"], ll["name"]))
link_warning = st.container()  # what a link asked for and is not there (filled further down)
lebenslage_problem: list[str] = []
state.choose(
    "lebenslage",
    list(ll["id"]),
    wish=st.query_params.get("lebenslage"),
    what="Lebenslage",
    label=ll_name.get,
    problems=lebenslage_problem,
)
state.show_problems(link_warning, lebenslage_problem)
lebenslage = st.radio("Lebenslage", list(ll["id"]), format_func=ll_name.get, horizontal=True, key="lebenslage")
urlstate.publish("lebenslage", lebenslage)

st.header(md(ll_name[lebenslage]))
st.markdown(md(ll.loc[ll["id"] == lebenslage, "beschreibung"].iloc[0] or ""))

cards = views.cards(lebenslage)
if not cards:
    st.info(lebenslagen_view.needed_data(lebenslage), icon=":material/info:")
    urlstate.drop(["indikator", "kreis"])
    common.attribution([])
    st.stop()


def _draw_card(c: dict) -> None:
    with st.container(border=True):
        trend = c["trend"]
        if c["land_wert"] is not None:
            value = formatting.wert_mit_einheit(c["land_wert"], c["einheit"], c["dezimalen"])
            label = f"{md(c['name'])} – Thüringen {c['land_jahr']}"
        else:
            value, label = formatting.KEINE_DATEN, f"{md(c['name'])} – Thüringen"
        delta = None
        if trend:
            diff = formatting.zahl(abs(trend["differenz"]), c["dezimalen"])
            # ASCII '-': Streamlit reads the sign from the text for the arrow and the colour
            sign = "+" if trend["differenz"] > 0 else ("-" if trend["differenz"] < 0 else "±")
            delta = f"{sign}{diff} {profile.einheit_diff(c['einheit'])} seit {trend['von_jahr']}".replace("  ", " ")
        reihe = c["land_reihe"]["wert"].tolist()
        st.metric(
            label,
            value,
            delta,
            delta_color=DELTA_COLOR.get(c["polaritaet"], "off"),
            delta_arrow="auto" if trend and trend["richtung"] != "→" else "off",
            chart_data=reihe if len(reihe) >= 3 else None,
            chart_type="line",
            help=md(c["definition"]),
        )
        lines = []
        if c.get("bruch_text"):
            lines.append(f"**{md(c['bruch_text'])}**")
        if trend:
            lines.append(f"**Entwicklung:** {md(trend['text'])}")
        elif c["land_wert"] is not None:
            lines.append("**Entwicklung:** zu wenige Thüringen-Werte in den letzten fünf Jahren.")
        else:
            lines.append("**Thüringen:** keine Daten.")
        sp = c["spread"]
        if sp:
            von = formatting.wert_mit_einheit(sp["min_wert"], c["einheit"], c["dezimalen"])
            bis = formatting.wert_mit_einheit(sp["max_wert"], c["einheit"], c["dezimalen"])
            gesperrt = f"; {sp['n_gesperrt']} gesperrt (Geheimhaltung)" if sp["n_gesperrt"] else ""
            if sp["n"] > 1:
                lines.append(
                    f"**Kreise {sp['jahr']}:** {md(von)} ({md(sp['min_name'])}) bis {md(bis)} "
                    f"({md(sp['max_name'])}); {sp['n']} von {sp['n_kreise']} Kreisen mit Wert{gesperrt}"
                )
            elif sp["n"] == 1:
                lines.append(f"**Kreise {sp['jahr']}:** nur {md(sp['min_name'])} mit Wert ({md(von)}){gesperrt}")
            else:
                lines.append(f"**Kreise {sp['jahr']}:** kein Kreis mit Wert{gesperrt}")
        else:
            ebenen = formatting.ebenen_text(c["ebenen"]) or "keine"
            lines.append(f"**Kreise:** keine Daten (vorhanden auf Ebene: {md(ebenen)})")
        stand = formatting.datum(c["land_stand"]) if c["land_stand"] else (sp["stand"] if sp else "–")
        lines.append(f"Stand: {md(stand or '–')} · Quelle: {md(c['quelle_titel'] or '–')}")
        st.markdown("  \n".join(lines))


cols = st.columns(2)
for i, c in enumerate(cards):
    with cols[i % 2]:
        _draw_card(c)

# --- drill-down: indicator → Kreis → Gemeinden ---------------------------------------------------------------
st.header("Vertiefen: Kreise und Gemeinden")
mit_kreis = [c for c in cards if c["spread"]]
if not mit_kreis:
    st.info("Für keinen Indikator dieser Lebenslage liegen Kreiswerte vor.")
    common.attribution([c["quelle"] for c in cards])
    st.stop()
ind_name = {c["id"]: c["name"] for c in mit_kreis}
problems: list[str] = []
state.choose(
    "indikator",
    list(ind_name),
    wish=st.query_params.get("indikator"),
    # a complete, current indicator (all Kreise and Thüringen), not the alphabetically first
    default=kreisvergleich.default_indicator(views.completeness(), lebenslage, list(ind_name)),
    what="Indikator",
    label=ind_name.get,
    problems=problems,
)
indikator = st.selectbox("Indikator", list(ind_name), format_func=ind_name.get, key="indikator")
c = next(x for x in mit_kreis if x["id"] == indikator)
sp = c["spread"]
stand = sp["gebietsstand"]
vals = data.values(indikator, "kreis", stand, sp["jahr"])
left, right = st.columns([3, 2])
with left:
    st.subheader(f"{md(c['name'])}: Kreise {sp['jahr']}")
    stand_text = " / ".join(formatting.datum(x) for x in (sp["stand"] or "–").split(" / "))
    st.caption(f"{gebietsstand.LABEL[stand]} · Stand: {md(stand_text)} · Quelle: {md(sp['quelle_titel'])}")
    table = tables.sort_for_display(
        tables.region_table(vals, einheit=c["einheit"], dezimalen=c["dezimalen"], ebene_label="Kreis")
    )
    st.table(md_table(table.set_index(table.columns[0])))
    gesperrt = vals[vals["status"].eq(formatting.GESPERRT)]
    if not gesperrt.empty:
        st.caption(
            md(
                " ".join(
                    [f"{n}: {h}." for n, h in zip(gesperrt["name"], gesperrt["hinweis"])]
                    + [privacy.rules().beschreibung()]
                )
            )
        )

with right:
    kreis_name = dict(zip(vals["schluessel"], vals["name"]))
    state.choose(
        "kreis",
        list(kreis_name),
        wish=st.query_params.get("kreis"),
        what="Kreis",
        label=kreis_name.get,
        problems=problems,
    )
    kreis = st.selectbox("Kreis", list(kreis_name), format_func=kreis_name.get, key="kreis")
    st.page_link(
        "app_pages/kreisprofil.py",
        label=f"Kreisprofil {md(kreis_name[kreis])}",
        icon=":material/description:",
        query_params={"kreis": kreis, "gebietsstand": gebietsstand.URL_VALUE[stand]},
    )
    st.page_link(
        "app_pages/zeitreihen.py",
        label=f"Zeitreihe {md(c['name'])}",
        icon=":material/show_chart:",
        query_params={"indikator": indikator, "gebietsstand": gebietsstand.URL_VALUE[stand], "kreise": kreis},
    )
urlstate.publish("indikator", indikator)
urlstate.publish("kreis", kreis)
state.show_problems(link_warning, problems)

st.subheader(f"Gemeinden in {md(kreis_name[kreis])}")
jahre = views.gemeinde_years(indikator)
if not jahre:
    st.info(
        f"„{md(c['name'])}“ liegt nicht auf Gemeindeebene vor (vorhanden auf Ebene: "
        f"{formatting.ebenen_text(c['ebenen'])}). "
        "Für die Gemeinden gibt es daher keine Daten.",
        icon=":material/info:",
    )
    quellen = [c["quelle"]]
else:
    warnung = lebenslagen_view.gemeinde_warning(indikator)
    if warnung:
        st.warning(warnung, icon=":material/warning:")
    jahr = st.selectbox("Jahr (Gemeinden)", jahre, key="gemeinde_jahr")
    gem = views.gemeinden(indikator, kreis, stand, int(jahr))
    if gem.empty:
        st.info("Für diesen Kreis sind keine Gemeinden hinterlegt.")
    else:
        n_mit = int(gem["wert"].notna().sum())
        st.caption(
            f"{len(gem)} Gemeinden (Gebietsstand 31.12.2021), {n_mit} mit Wert für {jahr}. "
            f"Stand: {md(common.stand_text(gem['stand'].dropna().unique()))} · Quelle: "
            f"{md(', '.join(sorted(gem['quelle_titel'].dropna().unique())) or '–')}"
        )
        gt = tables.sort_for_display(
            tables.region_table(gem, einheit=c["einheit"], dezimalen=c["dezimalen"], ebene_label="Gemeinde")
        )
        st.table(md_table(gt.set_index(gt.columns[0])))
        if gem["status"].eq(formatting.GESPERRT).any():
            st.caption(md(privacy.rules().beschreibung()))
        hinweise = sorted({formatting.nutzer_hinweis(h) for h in gem["hinweis"]} - {""})
        if hinweise:
            with st.expander(f"Hinweise zu den Gemeindewerten ({len(hinweise)})"):
                for h in hinweise:
                    st.text(h)
    quellen = [c["quelle"]] + list(gem["quelle"].dropna().unique())

common.attribution([x["quelle"] for x in cards] + quellen)
