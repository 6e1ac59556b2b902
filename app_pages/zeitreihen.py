"""Zeitreihen: one indicator over all its years for chosen Kreise and Thüringen."""

from datetime import date

import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy
from sozialatlas.render import charts, formatting
from sozialatlas.ui import a11y, common, downloads, htmltable, state, urlstate, views
from sozialatlas.ui.plain import md
from sozialatlas.views import kreisvergleich, timeseries

DEFAULT_KREISE = ["16051", "16053", "16063", "16065"]  # Erfurt, Jena, Wartburgkreis, Kyffhäuserkreis
DEFAULT_INDIKATOR = "arbeitslosenanteil"  # a long series with a Thüringen line

st.title("Zeitreihen")
st.caption(
    "Ein Indikator über alle verfügbaren Jahre für ausgewählte Kreise, mit Thüringen als gestrichelter "
    "Linie. Werte, die nur auf dem anderen Gebietsstand vorliegen, werden umgerechnet, wo das "
    "rechnerisch zulässig ist, und sind markiert."
)

inds, ll, ind_lebenslage = common.kreis_indicators()
q = st.query_params
problems: list[str] = []  # what a link asked for and the atlas does not have (shown, never silent)
link_warning = st.container()
ind_name = dict(zip(inds["id"], inds["name"]))

# A link with ?indikator= decides the Lebenslage too.
if "indikator" not in st.session_state:
    wish = q.get("indikator")
    if wish and wish not in ind_lebenslage:
        problems.append(
            f"Indikator „{wish}“ aus dem Link gibt es (nicht mehr) auf Kreisebene; gezeigt wird "
            f"„{ind_name.get(DEFAULT_INDIKATOR, DEFAULT_INDIKATOR)}“."
        )
    chosen = wish if wish in ind_lebenslage else DEFAULT_INDIKATOR
    if chosen in ind_lebenslage:
        st.session_state["indikator"] = chosen
if "indikator" in st.session_state and "lebenslage" not in st.session_state:
    st.session_state["lebenslage"] = ind_lebenslage[st.session_state["indikator"]]

c1, c2, c3 = st.columns([2, 3, 2])
lebenslage = c1.selectbox("Lebenslage", ll["id"], format_func=dict(zip(ll["id"], ll["name"])).get, key="lebenslage")
auswahl = inds[inds["lebenslage"] == lebenslage]
if st.session_state.get("indikator") not in set(auswahl["id"]):
    # a new Lebenslage opens on its complete, current indicator, not the alphabetically first
    st.session_state["indikator"] = kreisvergleich.default_indicator(views.completeness(), lebenslage, auswahl["id"])
indikator = c2.selectbox("Indikator", auswahl["id"], format_func=ind_name.get, key="indikator")
ind = auswahl[auswahl["id"] == indikator].iloc[0]

native = views.native_staende(indikator)
if "gebietsstand" not in st.session_state and q.get("gebietsstand") not in (None, "", *gebietsstand.URL_VALUE.values()):
    problems.append(f"Gebietsstand „{q.get('gebietsstand')}“ aus dem Link gibt es nicht (22 oder 23).")
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

if "kreise" not in st.session_state and q.get("kreise"):
    raw = [k.strip() for k in q["kreise"].split(",") if k.strip()]
    if raw == ["alle"]:
        st.session_state["kreise"] = list(kreis_name)
    else:
        unknown = [k for k in raw if k not in kreis_name]
        if unknown:
            problems.append(
                f"Kreis{'e' if len(unknown) > 1 else ''} „{', '.join(unknown)}“ aus dem Link gibt es auf dem "
                f"Gebietsstand „{gebietsstand.LABEL[stand]}“ nicht; "
                + ("gezeigt werden die übrigen." if len(unknown) < len(raw) else "gezeigt wird die Standardauswahl.")
            )
        if any(k in kreis_name for k in raw):
            st.session_state["kreise"] = list(dict.fromkeys(k for k in raw if k in kreis_name))
views.init("kreise", [k for k in DEFAULT_KREISE if k in kreis_name])
# after a Gebietsstand change, Eisenach may no longer exist
st.session_state["kreise"] = [k for k in st.session_state["kreise"] if k in kreis_name]


def _alle() -> None:
    st.session_state["kreise"] = list(kreis_name)


k1, k2 = st.columns([5, 1], vertical_alignment="bottom")
kreise = k1.multiselect(
    "Kreise",
    list(kreis_name),
    format_func=kreis_name.get,
    key="kreise",
    help=f"Bis zu {timeseries.MAX_LINIEN} Kreise als Linien in einem Diagramm; mehr (bis alle "
    f"{len(kreis_name)}) als kleine Diagramme je Kreis, jeweils mit Thüringen.",
)
k2.button("Alle Kreise", on_click=_alle, key="zr_alle", disabled=len(kreise) == len(kreis_name))
state.show_problems(link_warning, problems)

urlstate.publish("indikator", indikator)
urlstate.publish("gebietsstand", gebietsstand.URL_VALUE[stand])
urlstate.publish("kreise", "alle" if kreise and len(kreise) == len(kreis_name) else ",".join(kreise))

dez = None if formatting.is_missing(ind["dezimalen"]) else int(ind["dezimalen"])
einheit = ind["einheit"] or ""
long, notes = views.series(indikator, stand, tuple(kreise))
brueche = views.brueche(indikator)

st.header(f"{md(ind['name'])} – {gebietsstand.LABEL[stand]}")
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
        brueche=list(brueche["jahr"]),
    )
    st.altair_chart(chart, width="stretch")
    a11y.chart_alt(charts.series_summary(long, einheit=einheit, dezimalen=dez))
    if len(kreise) > timeseries.MAX_LINIEN:
        st.caption(
            f"{len(kreise)} Kreise: je Kreis ein kleines Diagramm (blau) mit Thüringen (schwarz gestrichelt), "
            "alle mit derselben Achse. Bis zu "
            f"{timeseries.MAX_LINIEN} Kreise erscheinen als Linien in einem Diagramm."
        )
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
    htmltable.show(wide, caption=f"{ind['name']}: Werte je Jahr", height=560 if len(wide) > 14 else None)
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

for text in kreisvergleich.break_notes(brueche):
    # a break is drawn as a dotted rule; here is what changed
    st.caption(md(text))
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
        "Hinweise": " ".join(notes + kreisvergleich.break_notes(brueche)),
        "Erstellt": formatting.datum(date.today().isoformat()),
    }
    base = f"zeitreihe_{indikator}_{gebietsstand.URL_VALUE[stand]}_kreise"
    st.markdown("**Herunterladen**")
    downloads.table_buttons(
        timeseries.download_table(long, einheit, stand, dez), meta, basename=base, key="zr_tab", sheet_name="Zeitreihe"
    )
    if long["wert"].notna().any():
        # the figure carries Quelle, Lizenz and Stand wherever it goes
        herkunft = [f"Quelle: {meta['Quelle']}; Lizenz: {meta['Lizenz']}", f"Stand der Daten: {meta['Stand']}"]
        herkunft += kreisvergleich.break_notes(brueche)[:2]
        downloads.chart_buttons(
            charts.with_source(chart, f"{ind['name']} – {gebietsstand.LABEL[stand]}", herkunft),
            basename=base,
            key="zr_grafik",
        )

common.attribution(list(long["quelle"].dropna().unique()) + [ind["quelle"]])
