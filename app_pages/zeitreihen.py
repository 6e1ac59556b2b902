"""Zeitreihen: one indicator over all its years for chosen Kreise and Thüringen."""

from datetime import date

import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy
from sozialatlas.render import formatting
from sozialatlas.ui import common, downloads, urlstate, views
from sozialatlas.ui.plain import md
from sozialatlas.views import timeseries

DEFAULT_KREISE = ["16051", "16053", "16063", "16065"]  # Erfurt, Jena, Wartburgkreis, Kyffhäuserkreis
DEFAULT_INDIKATOR = "arbeitslosenanteil"  # a long series with a Thüringen line

st.title("Zeitreihen")
st.caption(
    "Ein Indikator über alle verfügbaren Jahre für ausgewählte Kreise, mit Thüringen als gestrichelter "
    "Linie. Werte, die nur auf dem anderen Gebietsstand vorliegen, werden umgerechnet, wo das "
    "rechnerisch zulässig ist, und sind markiert."
)

inds, ll, ind_lebenslage = common.kreis_indicators()

# A link with ?indikator= decides the Lebenslage too.
urlstate.seed("indikator", urlstate.choice(inds["id"]))
if "lebenslage" not in st.session_state and DEFAULT_INDIKATOR in ind_lebenslage:
    views.init("indikator", DEFAULT_INDIKATOR)
if "indikator" in st.session_state and "lebenslage" not in st.session_state:
    st.session_state["lebenslage"] = ind_lebenslage[st.session_state["indikator"]]

c1, c2, c3 = st.columns([2, 3, 2])
lebenslage = c1.selectbox("Lebenslage", ll["id"], format_func=dict(zip(ll["id"], ll["name"])).get, key="lebenslage")
auswahl = inds[inds["lebenslage"] == lebenslage]
if st.session_state.get("indikator") not in set(auswahl["id"]):
    st.session_state.pop("indikator", None)
indikator = c2.selectbox(
    "Indikator", auswahl["id"], format_func=dict(zip(auswahl["id"], auswahl["name"])).get, key="indikator"
)
ind = auswahl[auswahl["id"] == indikator].iloc[0]

native = views.native_staende(indikator)
urlstate.seed("gebietsstand", gebietsstand.from_url)
views.init("gebietsstand", native[0] if native else gebietsstand.AB)
stand = c3.radio(
    "Gebietsstand",
    list(gebietsstand.STAENDE),
    format_func=gebietsstand.LABEL.get,
    key="gebietsstand",
    help="Veröffentlicht auf: " + ", ".join(gebietsstand.LABEL[s] for s in native),
)

kreise_df = views.kreise(stand)
kreis_name = dict(zip(kreise_df["schluessel"], kreise_df["name"]))


def _parse_kreise(raw: str) -> list[str]:
    keys = [k for k in raw.split(",") if k in kreis_name]
    if not keys:
        raise ValueError(raw)
    return keys[: timeseries.MAX_KREISE]


urlstate.seed("kreise", _parse_kreise)
views.init("kreise", [k for k in DEFAULT_KREISE if k in kreis_name])
# after a Gebietsstand change, Eisenach may no longer exist
st.session_state["kreise"] = [k for k in st.session_state["kreise"] if k in kreis_name]
kreise = st.multiselect(
    f"Kreise (höchstens {timeseries.MAX_KREISE})",
    list(kreis_name),
    format_func=kreis_name.get,
    max_selections=timeseries.MAX_KREISE,
    key="kreise",
)

urlstate.publish("indikator", indikator)
urlstate.publish("gebietsstand", gebietsstand.URL_VALUE[stand])
urlstate.publish("kreise", ",".join(kreise))

dez = None if formatting.is_missing(ind["dezimalen"]) else int(ind["dezimalen"])
einheit = ind["einheit"] or ""
long, notes = views.series(indikator, stand, tuple(kreise))

st.subheader(f"{md(ind['name'])} – {gebietsstand.LABEL[stand]}")
formel = ind.get("formel")
st.caption(md((ind["definition"] or "") + (f" Formel: {formel}." if isinstance(formel, str) and formel else "")))

kreis_rows = long[long["schluessel"] != timeseries.LAND]
if long.empty or long["wert"].notna().sum() == 0:
    alle_gesperrt = not long.empty and long["status"].eq(formatting.GESPERRT).any()
    st.info(
        f"Für diese Auswahl liegen keine Daten vor ({gebietsstand.LABEL[stand]})"
        + ("; vorhandene Werte sind gesperrt (Geheimhaltung)." if alle_gesperrt else ".")
    )
else:
    names = [kreis_name[k] for k in kreise]
    chart = timeseries.chart(
        long,
        einheit=einheit,
        dezimalen=dez,
        kreis_order=names,
        title=f"{ind['name']} ({einheit})" if einheit else ind["name"],
    )
    st.altair_chart(chart, width="stretch")
    land_rows = long[long["schluessel"] == timeseries.LAND]
    if land_rows["wert"].notna().sum() == 0:
        st.caption("Für Thüringen insgesamt liegt für diesen Indikator kein Wert vor (keine Daten).")
    if kreise and kreis_rows["wert"].notna().sum() == 0:
        st.caption("Für die gewählten Kreise liegen keine Daten vor.")
    if long["jahr"].nunique() == 1:
        st.caption(f"Dieser Indikator liegt nur für ein Jahr vor ({int(long['jahr'].iloc[0])}).")

    wide = timeseries.wide_table(long, dez, names)
    st.markdown(f"**Werte in {md(einheit)}**" if einheit else "**Werte**")
    # A real HTML table so screen readers reach every value of the chart.
    st.table(wide)
    if long["umgerechnet"].any():
        st.caption(
            "\\* umgerechnet auf den gewählten Gebietsstand (Summe der Teile; Anteile aus summierten "
            "Zählern und Nennern neu berechnet); im Diagramm als offene Raute gezeichnet."
        )
    gesperrt = long[long["status"].eq(formatting.GESPERRT)]
    if not gesperrt.empty:
        # which cells and why; the chart has no point there
        gruende = sorted(set(gesperrt["hinweis"].dropna()))
        st.caption(md(f"Gesperrt: {'; '.join(gruende)}. {privacy.rules().beschreibung()}"))

for note in notes:
    st.info(md(note), icon=":material/info:")  # may quote an indicator name (a refusal's reason)

if not long.empty:
    quellen = sorted({q for q in long["quelle_titel"].dropna()})
    lizenzen = sorted({q for q in long["lizenz"].dropna()})
    meta = {
        "Indikator": ind["name"],
        "Definition": ind["definition"] or "",
        "Einheit": einheit,
        "Gebietsstand": gebietsstand.LABEL[stand],
        "Kreise": ", ".join(kreis_name[k] for k in kreise),
        "Quelle": "; ".join(quellen),
        "Lizenz": "; ".join(lizenzen),
        "Stand": common.stand_text(long["stand"].dropna().unique()),
        "Hinweise": " ".join(notes),
        "Erstellt": formatting.datum(date.today().isoformat()),
    }
    base = f"zeitreihe_{indikator}_{gebietsstand.URL_VALUE[stand]}_kreise"
    st.markdown("**Herunterladen**")
    downloads.table_buttons(
        timeseries.download_table(long, einheit, stand), meta, basename=base, key="zr_tab", sheet_name="Zeitreihe"
    )
    if long["wert"].notna().any():
        downloads.chart_buttons(chart, basename=base, key="zr_grafik")

common.attribution(list(long["quelle"].dropna().unique()) + [ind["quelle"]])
