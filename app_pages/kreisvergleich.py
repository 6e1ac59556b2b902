"""Kreisvergleich: one indicator, one year, all Kreise — map, table, ranking; every view is a URL."""

import streamlit as st

from sozialatlas import paths
from sozialatlas.render import charts, classify, exports, formatting
from sozialatlas.ui import a11y, common, data, downloads, htmltable, mapcontrols, state, svgmap, urlstate, views
from sozialatlas.ui import kreisvergleich as kvdata
from sozialatlas.ui.plain import md
from sozialatlas.views import kreisvergleich as kv

LAYER = "kreise"
KREIS = "kreis"  # session key and URL parameter of the selected Kreis (AGS)


# --- selection: map click, bar click, selectbox and reset all write st.session_state[KREIS] -------------
# After every change the map and the bar chart get new keys (a fresh mount): their own selection state
# would otherwise linger — Streamlit dims every unselected Kreis on a map with an active selection (the
# colours would no longer match the legend), and a stale selection could toggle the Kreis away later.
# The page draws the selection itself (outline, bar border, table row).


def _gen() -> int:
    return st.session_state.get("_kv_gen", 0)


def _changed() -> None:
    st.session_state["_kv_gen"] = _gen() + 1


def _set_kreis(picked: str | None) -> None:
    """A click on the selected Kreis (or next to every Kreis) clears the selection."""
    st.session_state[KREIS] = None if picked is None or picked == st.session_state.get(KREIS) else picked
    _changed()


def _on_map(key: str) -> None:
    objs = ((st.session_state.get(key) or {}).get("selection") or {}).get("objects", {}).get(LAYER) or []
    feature = objs[0] if objs else {}
    _set_kreis((feature.get("properties") or feature).get("schluessel"))


def _on_bar(key: str) -> None:
    picks = ((st.session_state.get(key) or {}).get("selection") or {}).get("pick") or []
    _set_kreis(picks[0].get("schluessel") if picks else None)


def _clear() -> None:
    st.session_state[KREIS] = None
    _changed()


# --- state from widgets (and from the URL on first load) ---------------------------------------------

st.title("Kreisvergleich")

inds, ll, lebenslage_of = common.kreis_indicators()
# What a link asked for and the atlas does not have (rolled-back indicator, jahr=1800, unknown Kreis):
# shown at the top, never silently replaced by the default view.
problems: list[str] = []
link_warning = st.container()
q = st.query_params
ll_name = dict(zip(ll["id"], ll["name"]))
ind_name = dict(zip(inds["id"], inds["name"]))
if "lebenslage" not in st.session_state and q.get("indikator") in lebenslage_of:
    # a link may name only the indicator: its Lebenslage follows from the catalogue
    st.session_state["lebenslage"] = lebenslage_of[q["indikator"]]
wish_ind = q.get("indikator")
state.choose(
    "lebenslage",
    list(ll["id"]),
    wish=q.get("lebenslage"),
    default=kv.START_LEBENSLAGE,
    what="Lebenslage",
    label=ll_name.get,
    problems=problems,
)

c1, c2, c3, c4 = st.columns([2, 3, 2, 1])
lebenslage = c1.selectbox("Lebenslage", ll["id"], format_func=ll_name.get, key="lebenslage")
auswahl = inds[inds["lebenslage"] == lebenslage]
state.choose(
    "indikator",
    list(auswahl["id"]),
    wish=wish_ind,
    default=kv.default_indicator(views.completeness(), lebenslage, auswahl["id"]),
    what="Indikator",
    label=ind_name.get,
    problems=problems,
)
indikator = c2.selectbox("Indikator", auswahl["id"], format_func=ind_name.get, key="indikator")
row = auswahl[auswahl["id"] == indikator].iloc[0]
ind = kv.Indicator.from_row(row.to_dict())

per = data.periods(indikator, "kreis")
jahre = kv.years(per)
state.choose("jahr", jahre, wish=q.get("jahr"), default=kv.default_year(per), what="Jahr", problems=problems)
jahr = int(c4.selectbox("Jahr", jahre, key="jahr"))

# The Gebietsstand follows the source (no conversion) until the user or a link chooses one.
if "gebietsstand" not in st.session_state:  # first run of the page: a link names it or not
    st.session_state["_kv_stand_gewaehlt"] = q.get("gebietsstand") in kv.STAND_BY_URL
    if q.get("gebietsstand") and q.get("gebietsstand") not in kv.STAND_BY_URL:
        problems.append(
            f"Gebietsstand „{q.get('gebietsstand')}“ aus dem Link gibt es nicht (22 oder 23); gezeigt wird der "
            "Gebietsstand der Quelle."
        )
urlstate.seed("gebietsstand", urlstate.choice(kv.STAND_BY_URL))
if not st.session_state.get("_kv_stand_gewaehlt"):
    st.session_state["gebietsstand"] = kv.URL_BY_STAND[kv.native_stand(per, jahr)]
stand_url = c3.radio(
    "Gebietsstand",
    list(kv.STAND_BY_URL),
    format_func=kv.STAND_LABEL.get,
    key="gebietsstand",
    on_change=lambda: st.session_state.update(_kv_stand_gewaehlt=True),
    help="Am 01.07.2021 kam die Stadt Eisenach zum Wartburgkreis (seitdem 22 Kreise). Liegt ein "
    "Jahr nur auf dem anderen Gebietsstand vor, wird umgerechnet, wo das ehrlich geht.",
)
stand = kv.STAND_BY_URL[stand_url]

brueche = views.brueche(indikator)
frueher, ohne_vergleich = kv.comparison_years(indikator, jahre, jahr, brueche)
wish_vergleich = q.get("vergleich") if "vergleich" not in st.session_state else None
if wish_vergleich and wish_vergleich not in {str(j) for j in frueher}:
    # across a series break, for GISD, or a year without data: say which and why
    problems.append(
        f"Vergleichsjahr „{wish_vergleich}“ aus dem Link ist hier nicht möglich"
        + (f": {ohne_vergleich}" if ohne_vergleich else ".")
        + " Gezeigt wird die Ansicht ohne Vergleichsjahr."
    )
with st.expander("Vergleichsjahr, Kreistyp, Klassen und Farben"):
    o1, o2, o3 = st.columns(3)
    state.choose("vergleich", frueher, wish=q.get("vergleich"), nullable=True, what="Vergleichsjahr")
    vorher = o1.selectbox(
        "Veränderung gegenüber",
        frueher,
        index=None,
        key="vergleich",
        placeholder="kein Vergleichsjahr",
        disabled=not frueher,
        help="Zeigt in Tabelle und Profil die Veränderung seit diesem Jahr; Anzahlen auch in %.",
    )
    if ohne_vergleich:
        o1.caption(md(ohne_vergleich))
    messgroesse = "wert"
    if vorher:
        urlstate.seed("karte", urlstate.choice(kv.MESSGROESSEN))
        messgroesse = o2.radio(
            "Karte und Rangfolge zeigen",
            list(kv.MESSGROESSEN),
            key="karte",
            format_func=lambda m: f"Wert {jahr}" if m == "wert" else f"Veränderung seit {vorher}",
        )
    urlstate.seed("kreistyp", urlstate.choice(kv.KREISTYPEN))
    kreistyp = o3.radio("Kreistyp", list(kv.KREISTYPEN), format_func=kv.KREISTYPEN.get, key="kreistyp")
    settings = mapcontrols.class_controls("", n_regions=kvdata.n_kreise(stand, kreistyp))

# --- data -------------------------------------------------------------------------------------------

refusal = kv.no_conversion(row.get("quelle"), per, stand)
if refusal:
    vals, note = None, None
else:
    vals, note, refusal = kvdata.values_on(indikator, jahr, stand)
if vals is None:
    state.show_problems(link_warning, problems)
    st.header(md(f"{ind.name} {jahr}"))
    st.warning(md(refusal))
    st.info(f"Bitte den Gebietsstand „{kv.STAND_LABEL[kv.URL_BY_STAND[kv.native_stand(per, jahr)]]}“ wählen.")
    for key, value in (
        ("lebenslage", lebenslage),
        ("indikator", indikator),
        ("jahr", str(jahr)),
        ("gebietsstand", stand_url),
    ):
        urlstate.publish(key, value)
    st.stop()
before, land_before = None, None
if vorher:
    before, _, _ = kvdata.values_on(indikator, int(vorher), stand)
    land_before = data.land_value(indikator, int(vorher))
land = data.land_value(indikator, jahr)

kreis_names = kvdata.kreise(stand)
kreis_problems: list[str] = []
state.choose(
    KREIS,
    list(kreis_names),
    wish=q.get(KREIS),
    nullable=True,
    what="Kreis",
    label=kreis_names.get,
    problems=kreis_problems,
)
state.show_problems(link_warning, problems + kreis_problems)
selected = st.session_state.get(KREIS) if st.session_state.get(KREIS) in kreis_names else None

view_args = dict(
    jahr=jahr,
    land=land,
    before=before,
    vorher=vorher,
    land_before=land_before,
    kreistyp=kreistyp,
    messgroesse=messgroesse,
    selected=selected,
)
shapes = data.shapes("kreis", stand)
try:
    view = kv.build_view(vals, shapes, ind, settings, **view_args)
except classify.ClassificationError as err:
    st.error(f"{err} Die Karte zeigt stattdessen Quantile.")
    view = kv.build_view(vals, shapes, ind, mapcontrols.fallback(settings), **view_args)

# --- draw -------------------------------------------------------------------------------------------

titel = f"{ind.name} {jahr}" + (f", Veränderung seit {vorher}" if messgroesse == "veraenderung" else "")
# Name, definition and formula come from the catalogue, which imports extend: shown as typed, never as
# Markdown (sozialatlas.ui.plain.md).
st.header(md(titel))
definition = row.get("definition") if isinstance(row.get("definition"), str) else ""
formel = row.get("formel") if isinstance(row.get("formel"), str) and row.get("formel") else None
st.caption(md(definition + (f" Formel: {formel}." if formel else "")))
if note:
    st.info(note)  # our own sentence (sozialatlas.areas.gebietsstand), no data text
for text in kv.refusals(vals):
    st.caption(md(text))

left, right = st.columns([3, 2])
with right:
    ref_label = f"Thüringen {jahr}" + (" (Summe)" if ind.is_count else "")
    if land and land.get("status") == formatting.GESPERRT:
        st.metric(ref_label, formatting.GESPERRT, help=md(f"{land['hinweis']}; Quelle: {land['quelle_titel']}"))
    elif land:
        st.metric(
            ref_label,
            formatting.wert_mit_einheit(land["wert"], ind.einheit, ind.dezimalen),
            help=md(f"Stand: {formatting.datum(land['stand'])}; Quelle: {land['quelle_titel']}"),
        )
    else:
        st.metric(
            ref_label,
            formatting.KEINE_DATEN,
            help="Für Thüringen insgesamt liegt für diesen Indikator und dieses Jahr kein Wert vor.",
        )
    s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
    s1.selectbox(
        "Kreis hervorheben",
        list(kreis_names),
        format_func=kreis_names.get,
        index=None,
        key=KREIS,
        placeholder="Kreis wählen …",
        on_change=_changed,
    )
    if selected:
        s2.button("Aufheben", on_click=_clear, help="Auswahl des Kreises aufheben", key="kreis_aufheben")
        lines = kv.profile_lines(view, ind, selected, jahr=jahr, vorher=vorher, land=land)
        with st.container(border=True):
            st.markdown(f"**{md(kreis_names[selected])}**")
            for label, text in lines or []:
                st.text(f"{label}: {text}")
            if (paths.ROOT / "pages" / "kreisprofil.py").exists():
                st.page_link(
                    "app_pages/kreisprofil.py",
                    label=f"Kreisprofil {md(kreis_names[selected])}",
                    icon=":material/description:",
                    query_params={"kreis": selected},
                )
    # A real HTML table (not a canvas grid), so screen readers and keyboard users get every value.
    # One HTML table, not st.table's Markdown cells (≈ 15× cheaper to paint; benchmarks/browser.py).
    htmltable.show(
        view.table,
        caption=f"{titel}: Kreise in Rangfolge",
        highlight=f"▶ {kreis_names[selected]}" if selected else None,
    )
    st.caption(
        " ".join(
            t
            for t in (
                kv.status_note(view.vals[view.shown]),
                "Rang 1 = höchster Wert; Kreise ohne Wert am Ende. ▶ = ausgewählter Kreis.",
            )
            if t
        )
    )
    reasons = kv.gesperrt_reasons(view.vals[view.shown])
    if reasons:
        st.caption(md(reasons))

with left:
    map_key = f"karte_{_gen()}"
    map_label = f"Karte der Kreise: {titel}. Dieselben Werte stehen in der Tabelle."
    # a static SVG by default (software WebGL costs seconds on PCs without GPU); the pydeck map on request
    interaktiv = svgmap.interactive()
    if not interaktiv:
        g = view.features
        svgmap.show(
            g["schluessel"],
            list(g.geometry),
            [view.fill[k] for k in g["schluessel"]],
            svgmap.titles_from(g.drop(columns="geometry"), kv.tooltip_lines(jahr, vorher)),
            label=map_label,
            selected=[selected] if selected else None,
        )
    else:
        # an accessible name instead of MapLibre's "Map"; the table beside it holds the same values
        with a11y.map_region(map_label):
            st.pydeck_chart(
                kv.deck(view, jahr=jahr, vorher=vorher, selected=selected),
                height=560,
                key=map_key,
                on_select=lambda: _on_map(map_key),
                selection_mode="single-object",
            )
    legend_chart = mapcontrols.legend(view.classes, einheit=view.mess_einheit, gebiet_plural="Kreise", title=titel)
    for text in view.notes:
        st.caption(text)
    if view.geheimhaltung:
        st.caption(md(view.geheimhaltung))
    st.caption(
        f"Klassen: {classify.SCHEMES[view.classes.scheme]}. "
        + (
            "Kreis anklicken zum Hervorheben, erneut anklicken zum Aufheben."
            if interaktiv
            else "Kreis über „Kreis hervorheben“ oder die Rangfolge wählen; Klicken auf der Karte: "
            "„Interaktive Karte“ einschalten."
        )
    )

rang_key = f"rang_{_gen()}"
ranking = kv.ranking_chart(
    view,
    ind,
    title=f"Rangfolge: {titel}",
    selected=selected,
    jahr=f"{vorher}–{jahr}" if messgroesse == "veraenderung" else jahr,
)
st.altair_chart(ranking, width="stretch", key=rang_key, on_select=lambda: _on_bar(rang_key), selection_mode="pick")
# the chart's text alternative with its key figures (WCAG 1.1.1)
a11y.chart_alt(
    charts.ranking_summary(
        view.vals[view.shown][["name", "messwert"]].rename(columns={"messwert": "wert"}),
        einheit=view.mess_einheit,
        dezimalen=view.mess_dezimalen,
        land_wert=view.reference,
    )
)
# Kreise without a bar are listed by name: gesperrt ones apart from those without data.
ohne_balken = kv.without_bar(view)
for text in ohne_balken:
    st.caption(md(text))

quelle_ids = list(vals["quelle"].dropna().unique()) + ([land["quelle"]] if land else []) + [row["quelle"]]
quellen = data.sources(tuple(sorted({q for q in quelle_ids if isinstance(q, str) and q})))
meta = exports.sources_sheet(
    quellen,
    common.GEO_ATTRIBUTION,
    *([f"Hinweis: {note}"] if note else []),
    *([view.geheimhaltung] if view.geheimhaltung else []),
)
basis = exports.filename(
    "kreisvergleich", indikator, jahr, f"{stand_url}kreise", f"seit{vorher}" if vorher else None, ext="x"
)[:-2]
quelle_text = (
    kv.source_lines(quellen, view.vals["stand"]) + ohne_balken + ([view.geheimhaltung] if view.geheimhaltung else [])
)
with st.expander("Herunterladen: Tabelle, Rangfolge, Legende, Karte"):
    downloads.table_buttons(view.export, meta, basename=basis, key="kv_tabelle", sheet_name=f"{ind.name} {jahr}")
    # Export charts are built only when a download is clicked (a function, not a chart).
    downloads.chart_buttons(
        lambda: charts.with_source(ranking, f"Rangfolge: {titel}", quelle_text),
        basename=f"{basis}_rangfolge",
        key="kv_rang",
        label="Rangfolge",
    )
    downloads.chart_buttons(
        lambda: charts.with_source(legend_chart, f"Legende: {titel}", quelle_text),  # Quelle/Lizenz/Stand too
        basename=f"{basis}_legende",
        key="kv_legende",
        label="Legende",
    )

    def map_export():
        chart = charts.map_with_legend(
            charts.map_chart(view.features, [view.fill[k] for k in view.features["schluessel"]], selected=selected),
            charts.classes_legend(view.classes, einheit=view.mess_einheit, gebiet_plural="Kreise", standalone=False),
        )
        return charts.with_source(chart, titel, quelle_text + [common.GEO_ATTRIBUTION])

    downloads.chart_buttons(
        map_export,
        basename=f"{basis}_karte",
        key="kv_karte",
        label="Karte",
    )

common.attribution(quelle_ids)

# --- the view as a link -------------------------------------------------------------------------------
for key, value in (
    ("lebenslage", lebenslage),
    ("indikator", indikator),
    ("gebietsstand", stand_url),
    ("jahr", str(jahr)),
    ("vergleich", str(vorher) if vorher else None),
    ("karte", messgroesse if vorher else None),
    ("kreistyp", kreistyp),
    (KREIS, selected),
):
    urlstate.publish(key, value)
