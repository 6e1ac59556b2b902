"""Kleinräumig: Gemeinden, Gemeindeverbände, Planungsräume or Jena's Bezirke of a Kreis — map, table, profile."""

import streamlit as st

from sozialatlas import paths, settings
from sozialatlas.render import classify, compactmap, exports, geoexport, maps
from sozialatlas.ui import common, data, downloads, mapcontrols, urlstate
from sozialatlas.ui import smallarea as sa
from sozialatlas.views import kleinraeumig as kr

# Session keys carry the prefix kr_ (the Kreisvergleich uses the same URL words for other options);
# the URL shows the plain words: ?kreis=16073&ebene=gemeinde&indikator=arbeitslosenanteil&jahr=2021
URL = {
    "kr_ebene": "ebene",
    "kr_kreis": "kreis",
    "kr_indikator": "indikator",
    "kr_jahr": "jahr",
    "kr_definition": "definition",
    "kr_gebiet": "gebiet",
}
DEFAULT_INDICATOR = {
    "gemeinde": "arbeitslosenanteil",
    "planungsraum": "arbeitslosenanteil",
    "gemeindeverband": "gisd_score",
    "stadtbezirk": "anteil_einpersonenhaushalte",
}
LAYER = "gebiete"


def seed(key: str, options) -> None:
    """Take the value from the URL once per session; drop a value that is not (or no longer) an option."""
    opts = {str(o): o for o in options}
    if key in st.session_state and str(st.session_state[key]) not in opts and st.session_state[key] is not None:
        del st.session_state[key]
    if key not in st.session_state and st.query_params.get(URL[key]) in opts:
        st.session_state[key] = opts[st.query_params[URL[key]]]


def _gen() -> int:
    return st.session_state.get("_kr_gen", 0)


def _bump() -> None:
    # A new key remounts the map: Streamlit greys out every unselected area while a map selection exists.
    st.session_state["_kr_gen"] = _gen() + 1


def _on_map(key: str) -> None:
    objs = ((st.session_state.get(key) or {}).get("selection") or {}).get("objects", {}).get(LAYER) or []
    picked = (objs[0].get("properties") or objs[0]).get("k") if objs else None
    if picked is not None:
        st.session_state["kr_gebiet"] = None if picked == st.session_state.get("kr_gebiet") else picked
    _bump()


st.title("Kleinräumig")
st.caption(
    "Gemeinden (Gebietsstand 31.12.2021), Gemeindeverbände, eigene Planungsräume eines Kreises und die "
    "statistischen Bezirke der Stadt Jena — jeweils im Vergleich mit dem Kreis und mit Thüringen."
)

# --- choices ------------------------------------------------------------------------------------------

kreise = sa.kreise()
seed("kr_ebene", kr.EBENEN)
ebene = st.radio("Ebene", list(kr.EBENEN), format_func=kr.EBENEN.get, key="kr_ebene", horizontal=True)
level = kr.DATA_LEVEL[ebene]
singular, plural = kr.GEBIET[ebene]

c1, c2, c3, c4 = st.columns([2, 3, 1, 2])
if ebene == "stadtbezirk":
    kreis = kr.JENA
    c1.markdown(f"**Kreis**  \n{kreise.get(kr.JENA, 'Jena')}")
else:
    options = ([] if ebene == "planungsraum" else [kr.THUERINGEN]) + list(kreise)
    seed("kr_kreis", options)
    if "kr_kreis" not in st.session_state and ebene == "planungsraum":
        with_def = sa.definitions()["kreis"].tolist()
        st.session_state["kr_kreis"] = next((k for k in options if k in with_def), options[0])
    kreis = c1.selectbox(
        "Kreis",
        options,
        key="kr_kreis",
        on_change=_bump,
        format_func=lambda k: "Thüringen (alle Kreise)" if k == kr.THUERINGEN else kreise[k],
    )
ganz_thueringen = kreis == kr.THUERINGEN

inds = sa.indicators(level)
if inds.empty:
    st.warning(f"Die Datenbank enthält keine Indikatoren für {plural}.")
    st.stop()
seed("kr_indikator", inds["id"])
if "kr_indikator" not in st.session_state and DEFAULT_INDICATOR[ebene] in set(inds["id"]):
    st.session_state["kr_indikator"] = DEFAULT_INDICATOR[ebene]
indikator = c2.selectbox(
    "Indikator", inds["id"], format_func=dict(zip(inds["id"], inds["name"])).get, key="kr_indikator"
)
row = inds[inds["id"] == indikator].iloc[0].to_dict()
ind = sa.indicator(level, indikator)
jahre = sa.years(indikator, level)
if not jahre:
    st.warning(f"Für „{ind.name}“ liegen für {plural} keine Werte vor.")
    st.stop()
seed("kr_jahr", jahre)
jahr = int(c3.selectbox("Jahr", jahre, key="kr_jahr"))

definition = None
if ebene == "planungsraum":
    defs = sa.definitions(kreis)
    if defs.empty:
        st.info(
            f"Für {kreise[kreis]} ist noch keine Planungsraum-Gliederung gespeichert. Gliederungen legen "
            "Verwaltende auf der Seite „Planungsräume verwalten“ an."
        )
        urlstate.publish("ebene", ebene)
        urlstate.publish("kreis", kreis)
        st.stop()
    labels = {int(r.id): r.name + (" (Beispiel)" if r.beispiel else "") for r in defs.itertuples()}
    seed("kr_definition", labels)
    definition = int(
        c4.selectbox("Gliederung", list(labels), format_func=labels.get, key="kr_definition", on_change=_bump)
    )


# --- data ---------------------------------------------------------------------------------------------

refusal = None
if ebene == "planungsraum":
    vals, refusal = sa.planungsraum_values(definition, indikator, jahr)
    shapes = sa.planungsraum_shapes(definition).rename(columns={"planungsraum": "schluessel"})
    if vals is None:
        import pandas as pd

        vals = pd.DataFrame(
            {
                "planungsraum": shapes["schluessel"],
                "wert": float("nan"),
                "gesperrt": False,
                "sperrgrund": "",
                "hinweis": kr.NICHT_AGGREGIERBAR,
                "kreis_wert": float("nan"),
                "land_wert": float("nan"),
            }
        )
else:
    vals = sa.values(indikator, jahr, level, kreis)
    shapes = sa.overview_shapes(ebene) if ganz_thueringen else sa.shapes(ebene, kreis)
rows = kr.rows_from_values(vals, ebene)
with st.expander("Klassen und Farben"):
    # (a kreisfreie Stadt is one Gemeinde: the class control still needs room for 3 to 4 classes)
    klassen = mapcontrols.class_controls("", n_regions=max(4, len(rows.keys)))
geom_of = dict(zip(shapes["schluessel"].astype(str), shapes.geometry))
geoms = [geom_of.get(k) for k in rows.keys]

land_wert = rows.land_wert.dropna()
mc = mapcontrols.classes(
    rows.wert,
    klassen,
    polaritaet=ind.polaritaet,
    reference=float(land_wert.iloc[0]) if len(land_wert) else None,
    dezimalen=ind.dezimalen,
    reference_comparable=not ind.is_count,
)
fill = kr.fill(rows, mc)

gebiet_namen = dict(zip(rows.keys, rows.names))
seed("kr_gebiet", rows.keys)
gebiet = st.session_state.get("kr_gebiet") if st.session_state.get("kr_gebiet") in gebiet_namen else None

# --- draw ---------------------------------------------------------------------------------------------

ort = "Thüringen" if ganz_thueringen else kreise.get(kreis, kreis)
titel = f"{ind.name} {jahr} — {plural}, {ort}"
st.subheader(titel)
st.caption(kr.text(row.get("definition")) + (f" Formel: {row['formel']}." if kr.text(row.get("formel")) else ""))
if kreis == kr.JENA and ebene == "gemeinde":
    st.info(
        "Jena ist eine Gemeinde; kleinräumiger zeigt sie die Ebene „Jena: statistische Bezirke“ "
        "(41 Bezirke, Haushalte 2006–2016)."
    )
if ebene == "planungsraum":
    st.caption(kr.AGGREGATION_TEXT)
if refusal:
    st.warning(f"{kr.NICHT_AGGREGIERBAR.capitalize()}: {refusal}")
n_briefwahl = sum(kr.BRIEFWAHL in g for g in rows.grund)
if n_briefwahl:
    st.info(
        f"Bei {n_briefwahl} {plural} fehlen (alle) Briefwähler, weil ihre Briefwahl in einem "
        "gemeindeübergreifenden Briefwahlbezirk ausgezählt wurde: dort ist die Wahlbeteiligung zu niedrig "
        "ausgewiesen (Hinweis in Tabelle und Karte); vollständig ist sie erst auf Kreisebene."
    )
n_um = sum(s == "umgerechnet" for s in rows.status)
if n_um:
    st.caption(
        f"„umgerechnet“ ({n_um} {plural}): Werte von Gemeinden, die es am Stichtag in dieser Form noch "
        "nicht gab, sind aus ihren damaligen Teilen auf den Gebietsstand 31.12.2021 summiert."
    )

left, right = st.columns([1, 1] if ganz_thueringen else [3, 2])
with right:
    st.selectbox(
        f"{singular} auswählen",
        rows.keys,
        format_func=gebiet_namen.get,
        index=None,
        key="kr_gebiet",
        placeholder=f"{singular} wählen oder auf der Karte anklicken",
        on_change=_bump,
    )
    table = kr.display_table(rows, ind, ebene, with_kreis=ganz_thueringen)
    # A real HTML table (not a canvas grid): screen readers and keyboard users get every value.
    with st.container(height=560 if len(table) > 14 else "content", border=False):
        st.table(table.set_index(table.columns[0]))
    st.caption("Höchster Wert zuerst; gesperrte Werte und Gebiete ohne Daten am Ende.")

with left:
    view = (
        maps.THUERINGEN_VIEW
        if ganz_thueringen
        else compactmap.fit_view(shapes.total_bounds)
        if len(shapes)
        else maps.THUERINGEN_VIEW
    )
    deck = compactmap.deck(
        rows.keys,
        geoms,
        fill,
        kr.tooltip_texts(rows, ind),
        tooltip_footer=kr.tooltip_footer(rows, ind, with_kreis=ganz_thueringen, kreis_label=ort),
        selected=[gebiet] if gebiet else None,
        view=view,
        layer_id=LAYER,
    )
    map_key = f"kr_karte_{_gen()}"
    st.pydeck_chart(
        deck,
        height=560,
        key=map_key,
        on_select=lambda: _on_map(map_key),
        selection_mode="single-object",
        alt=f"Karte: {titel}. Alle Werte stehen in der Tabelle daneben.",
    )
    sa.legend(rows, mc, einheit=ind.einheit, gebiet_plural=plural)
    st.caption(
        f"Klassen: {classify.SCHEMES[mc.scheme]}. {singular} anklicken: Profil unten; "
        "„gesperrt“: Geheimhaltung (kleine Fallzahl oder zu wenige Einwohner), nie ein Wert."
    )

if gebiet:
    with st.container(border=True):
        st.markdown(f"**{gebiet_namen[gebiet]}** — Profil")
        if ebene == "planungsraum":
            m = sa.members(definition)
            m = m[m["planungsraum"] == gebiet]
            i = rows.keys.index(gebiet)
            st.text(
                f"{ind.name} {jahr}: {kr.value_text(rows.wert[i], bool(rows.gesperrt[i]), ind)}"
                + (f" ({rows.grund[i]})" if rows.grund[i] else "")
            )
            st.text(f"Gemeinden ({len(m)}): " + ", ".join(m["gemeinde"].fillna(m["ags"])))
        else:
            with st.spinner("Profil wird berechnet …"):
                prof = sa.profile(ebene, gebiet)
            st.table(prof.set_index("Indikator"))
            st.caption("Je Indikator das neueste Jahr mit Werten; Kreis und Thüringen im selben Jahr.")

# --- downloads ----------------------------------------------------------------------------------------

export = kr.export_table(rows, ind, ebene, jahr=jahr)
quelle_ids = sorted({q for q in vals.get("quelle", []) if isinstance(q, str) and q} | {row["quelle"]})
quellen = data.sources(tuple(quelle_ids))
meta = quellen.rename(
    columns={
        "titel": "Quelle",
        "herausgeber": "Herausgeber",
        "lizenz": "Lizenz",
        "stand": "Stand",
        "referenz": "Referenz",
    }
).drop(columns=["id"])
meta.loc[len(meta)] = {"Quelle": common.GEO_ATTRIBUTION, "Herausgeber": "", "Lizenz": "", "Stand": "", "Referenz": ""}
meta.loc[len(meta)] = {
    "Quelle": "Geheimhaltung: „gesperrt“ = kleine Fallzahl oder zu wenige Einwohner; "
    "der Wert wird nicht gezeigt und lässt sich nicht zurückrechnen.",
    "Herausgeber": "",
    "Lizenz": "",
    "Stand": "",
    "Referenz": "",
}
basis = exports.filename(
    "kleinraeumig", indikator, jahr, ebene, "thueringen" if ganz_thueringen else kreis, definition, ext="x"
)[:-2]
with st.expander("Herunterladen: Tabelle (CSV, Excel) und Karte für QGIS (GeoPackage)"):
    downloads.table_buttons(export, meta, basename=basis, key="kr_tabelle", sheet_name=f"{ind.name} {jahr}")
    detail = (
        sa.planungsraum_shapes(definition).rename(columns={"planungsraum": "schluessel"})
        if ebene == "planungsraum"
        else sa.shapes(ebene, kreis)
    )
    lizenz = "; ".join(sorted({lz for lz in quellen["lizenz"] if isinstance(lz, str)}))

    def _gpkg():
        gdf = geoexport.frame(export, detail["schluessel"].astype(str).tolist(), list(detail.geometry), lizenz=lizenz)
        return geoexport.to_gpkg_bytes(gdf, meta, layer=basis)

    st.download_button(
        "Karte als GeoPackage (QGIS)",
        _gpkg,
        file_name=exports.filename(basis, ext="gpkg"),
        mime=geoexport.GPKG_MIME,
        key="kr_gpkg",
        on_click="ignore",
        icon=":material/map:",
    )
    st.caption(
        "Das GeoPackage enthält die Werte mit Stand, Quelle und Lizenz je Gebiet (gesperrt: leer, "
        "mit Hinweis) und die Tabelle „quellen“; Geometrie in voller Auflösung (EPSG:4326)."
    )

common.attribution(quelle_ids)

# --- the view as a link -------------------------------------------------------------------------------
for key, value in (
    ("ebene", ebene),
    ("kreis", None if ebene == "stadtbezirk" else kreis),
    ("indikator", indikator),
    ("jahr", str(jahr)),
    ("definition", str(definition) if definition else None),
    ("gebiet", gebiet),
):
    urlstate.publish(key, value)
if ebene == "planungsraum" and not settings.is_public() and (paths.ROOT / "pages" / "planungsraeume.py").exists():
    st.page_link("app_pages/planungsraeume.py", label="Planungsräume verwalten", icon=":material/edit_location_alt:")
