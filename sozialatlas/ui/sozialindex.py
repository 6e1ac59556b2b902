"""Streamlit side of the pages „Sozialindex“ and „Räumliche Statistik“: cached protected inputs, widgets
with URL state, maps with their tables, method text, downloads.

Every number comes from sozialatlas.views.analysedaten (protected values); the views compute, this module
only draws. Data text goes through sozialatlas.ui.plain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from sozialatlas import domain, settings
from sozialatlas.errors import SozialatlasError
from sozialatlas.render import bivariate, charts, compactmap, exports, geoexport, palettes
from sozialatlas.store import indexdefinitionen
from sozialatlas.ui import auth, common, data, downloads, urlstate
from sozialatlas.ui import smallarea as sa
from sozialatlas.ui.plain import frame, md, text
from sozialatlas.views import analysedaten as ad
from sozialatlas.views import sozialindex as si
from sozialatlas.views import spatial as sp

THUERINGEN = "16"
EBENE_TEXT = {"gemeinde": "Gemeinden", "kreis": "Kreise"}
EIGENE = "eigene"
STATUS_FARBEN = dict(zip(si.STATUS_KLASSEN, ["#ffffd4", "#fed98e", "#fe9929", "#cc4c02"]))

# Session keys carry a page prefix (other pages use the same words for other options); the address shows
# the plain words: /sozialindex?ebene=gemeinde&indikatoren=a,b&jahr=2021&von=2016
URL = {
    "si_ebene": "ebene",
    "si_kreis": "kreis",
    "si_vorlage": "vorlage",
    "si_indikatoren": "indikatoren",
    "si_gewichte_url": "gewichte",
    "si_jahr": "jahr",
    "si_von": "von",
    "si_referenz": "referenz",
    "rs_ebene": "ebene",
    "rs_kreis": "kreis",
    "rs_indikator": "indikator",
    "rs_jahr": "jahr",
    "rs_zweiter": "zweiter",
}


def _seed(key: str, parse) -> None:
    """Take the widget value from the URL once per session, under the plain word of the link."""
    urlstate.seed(key, parse, param=URL[key])


def _publish(key: str, value: str | None) -> None:
    urlstate.publish(URL[key], value)


# --- cached data --------------------------------------------------------------------------------------


@data.cached(max_entries=data.LARGE)
def wide(ids: tuple[str, ...], ebene: str, jahr: int) -> ad.Wide:
    return ad.wide(data.connection(), list(ids), ebene, int(jahr))


@data.cached()
def level_years(indikator: str, ebene: str) -> list[int]:
    return ad.years(data.connection(), indikator, ebene)


@data.cached()
def preset(vorlage: str, ebene: str, jahr: int | None) -> ad.Preset:
    return ad.resolve_preset(data.connection(), vorlage, ebene, jahr)


@data.cached()
def presets(ebene: str) -> dict[str, str]:
    return ad.presets(data.connection(), ebene)


@data.cached()
def breaks(ids: tuple[str, ...]) -> dict[str, list[int]]:
    return ad.breaks(data.connection(), list(ids))


@data.cached()
def definitions() -> pd.DataFrame:
    return indexdefinitionen.list_definitions(data.connection())


@data.cached(max_entries=data.LARGE)
def coverage(ebene: str):
    """Full-resolution polygons of the level (for neighbours and GeoPackage export)."""
    return data.shapes(ebene, ad.GEBIETSSTAND[ebene])


@st.cache_resource(show_spinner=False, max_entries=4)
def _weights(version, ebene: str):
    return sp.weights(coverage(ebene))


def weights(ebene: str):
    return _weights(data.version_key(), ebene)


def catalogue(ebene: str) -> pd.DataFrame:
    cat = data.indicators(ebene)
    return cat[cat["polaritaet"].isin(list(si.SIGN))]


def map_shapes(ebene: str, kreis: str | None):
    """Light shapes for the interactive map (overview geometry for all of Thüringen)."""
    if ebene == "kreis":
        return coverage("kreis")
    if kreis and kreis != THUERINGEN:
        return sa.shapes("gemeinde", kreis)
    return sa.overview_shapes("gemeinde")


def can_write() -> bool:
    if settings.is_public():
        return False
    return settings.admin_open() or bool(st.session_state.get(auth.SESSION_KEY))


# --- shared widgets ------------------------------------------------------------------------------------


def level_and_kreis(prefix: str) -> tuple[str, str | None]:
    k_ebene, k_kreis = f"{prefix}ebene", f"{prefix}kreis"
    _seed(k_ebene, urlstate.choice(ad.EBENEN))
    ebene = st.radio("Ebene", list(ad.EBENEN), format_func=EBENE_TEXT.get, horizontal=True, key=k_ebene)
    _publish(k_ebene, ebene)
    kreis = None
    if ebene == "gemeinde":
        kreise = {THUERINGEN: "ganz Thüringen", **sa.kreise()}
        _seed(k_kreis, urlstate.choice(kreise))
        kreis = st.selectbox("Gebiet", list(kreise), format_func=lambda k: text(kreise[k]), key=k_kreis)
        _publish(k_kreis, None if kreis == THUERINGEN else kreis)
    else:
        _publish(k_kreis, None)
    return ebene, kreis


def _list_parser(options):
    opts = set(options)

    def parse(raw: str):
        vals = [v for v in raw.split(",") if v]
        if not vals or any(v not in opts for v in vals):
            raise ValueError(raw)
        return vals

    return parse


def _weights_parser(raw: str) -> list[float]:
    vals = [float(v) for v in raw.split(",")]
    if any(not np.isfinite(v) or v <= 0 for v in vals):
        raise ValueError(raw)
    return vals


def _de(x, nd: int = 2) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "–"
    return f"{x:.{nd}f}".replace(".", ",").replace("-", "−")


def _source_lines(quellen, staende) -> list[str]:
    src = data.sources(tuple(sorted(q for q in quellen if q)))
    lines = [f"Quelle: {text(r.titel)} ({text(r.herausgeber)}), Lizenz: {text(r.lizenz)}" for r in src.itertuples()]
    lines.append(f"Stand: {common.stand_text(staende)}")
    lines.append(common.GEO_ATTRIBUTION)
    return lines


# --- Sozialindex page ----------------------------------------------------------------------------------


def _on_vorlage(ebene: str) -> None:
    v = st.session_state.get("si_vorlage")
    if v and v != EIGENE:
        p = preset(v, ebene, None)
        st.session_state["si_indikatoren"] = list(p.ids)
        st.session_state.pop("si_gewichte_url", None)


def sozialindex_page() -> None:
    st.title("Sozialindex")
    st.caption(
        "Mehrere Indikatoren zu einem Index: Status (ein Jahr) und Dynamik (Veränderung gegenüber einem "
        "Vergleichsjahr), eingeteilt nach Standardabweichungen wie im Berliner „Monitoring Soziale "
        "Stadtentwicklung“ und im Hamburger Sozialmonitoring. Alle Werte durchlaufen die Geheimhaltung."
    )
    ebene, kreis = level_and_kreis("si_")
    cat = catalogue(ebene)
    names = dict(zip(cat["id"], cat["name"]))
    vorlagen = {**presets(ebene), EIGENE: "eigene Auswahl"}
    _seed("si_vorlage", urlstate.choice(vorlagen))
    first_visit = "si_indikatoren" not in st.session_state
    vorlage = st.selectbox(
        "Vorlage",
        list(vorlagen),
        format_func=lambda v: text(vorlagen[v]),
        key="si_vorlage",
        on_change=_on_vorlage,
        args=(ebene,),
    )
    _publish("si_vorlage", vorlage)
    _seed("si_indikatoren", _list_parser(names))
    if first_visit and "si_indikatoren" not in st.session_state:
        st.session_state["si_indikatoren"] = list(
            preset(vorlage if vorlage != EIGENE else ad.KERNINDEX, ebene, None).ids
        )
    # a level switch can leave ids that the level does not have
    st.session_state["si_indikatoren"] = [i for i in st.session_state.get("si_indikatoren", []) if i in names]
    if vorlage != EIGENE:
        for h in preset(vorlage, ebene, None).hinweise:
            st.info(md(h))
    ids = st.multiselect(
        "Indikatoren (nur solche mit Wertungsrichtung)",
        list(names),
        format_func=lambda i: text(names[i]),
        key="si_indikatoren",
    )
    _publish("si_indikatoren", ",".join(ids))
    if not ids:
        st.warning("Bitte mindestens einen Indikator wählen.")
        return
    gewichte = _weights_ui(ids, names)
    all_years = sorted({y for i in ids for y in level_years(i, ebene)}, reverse=True)
    common_years = [y for y in all_years if all(y in level_years(i, ebene) for i in ids)]
    if not common_years:
        st.warning(
            "Für die gewählten Indikatoren gibt es kein gemeinsames Jahr auf "
            f"{domain.EBENE_LABEL[ebene]}ebene: "
            + md(
                "; ".join(
                    f"{names[i]}: {', '.join(map(str, sorted(level_years(i, ebene)))) or 'keine Daten'}" for i in ids
                )
            )
        )
        return
    c1, c2, c3 = st.columns(3)
    _seed("si_jahr", urlstate.choice(common_years))
    jahr = c1.selectbox("Jahr", common_years, key="si_jahr")
    _publish("si_jahr", str(jahr))
    von_opts = [None] + [y for y in all_years if y < jahr]
    _seed("si_von", urlstate.choice(von_opts))
    von = c2.selectbox(
        "Vergleichsjahr (Dynamik)",
        von_opts,
        format_func=lambda y: "keine Dynamik" if y is None else str(y),
        key="si_von",
    )
    _publish("si_von", None if von is None else str(von))
    _seed("si_referenz", urlstate.choice(si.REFERENZ))
    referenz = c3.radio(
        "Mittelwert und Streuung über",
        list(si.REFERENZ),
        format_func=si.REFERENZ.get,
        key="si_referenz",
        disabled=(ebene == "kreis" or not kreis or kreis == THUERINGEN),
    )
    _publish("si_referenz", referenz if referenz != "gezeigt" else None)

    inputs = [ad.to_input({**cat.set_index("id").loc[i].to_dict(), "id": i}, g) for i, g in zip(ids, gewichte)]
    w1 = wide(tuple(ids), ebene, int(jahr))
    shown = pd.Series(True, index=w1.werte.index)
    if ebene == "gemeinde" and kreis and kreis != THUERINGEN:
        shown = w1.kreis.reindex(w1.werte.index).eq(kreis)
    ref = shown if referenz == "gezeigt" else pd.Series(True, index=w1.werte.index)
    try:
        status = si.compute(w1.werte, inputs, sperre=w1.sperre, referenz=ref)
    except si.SozialindexError as exc:
        st.error(md(str(exc)))
        return
    dynamik, dyn_note = None, None
    quellen, staende = set(w1.quellen), set(w1.staende)
    if von is not None:
        dyn_inputs = [i for i in inputs if int(von) in level_years(i.id, ebene)]
        left = [i.name for i in inputs if i not in dyn_inputs]
        refusal = si.break_refusal(dyn_inputs, breaks(tuple(ids)), int(von), int(jahr))
        if refusal:
            dyn_note = refusal
        elif not dyn_inputs:
            dyn_note = f"Für {von} hat keiner der gewählten Indikatoren Werte; die Dynamik entfällt."
        else:
            w0 = wide(tuple(i.id for i in dyn_inputs), ebene, int(von))
            cols = [i.id for i in dyn_inputs]
            delta = si.change(w1.werte[cols], w0.werte[cols])
            sperre = w1.sperre[cols].where(w1.sperre[cols].ne(""), w0.sperre[cols].reindex(w1.sperre.index))
            dynamik = si.compute(delta, dyn_inputs, sperre=sperre, referenz=ref, klassen="dynamik")
            quellen |= w0.quellen
            staende |= w0.staende
            if left:
                st.info(
                    md(
                        f"Ohne Wert für {von} auf {domain.EBENE_LABEL[ebene]}ebene und daher nicht in der Dynamik: "
                        + ", ".join(left)
                        + "."
                    )
                )
    if dyn_note:
        st.warning(md(dyn_note))

    _method_expander(status, dynamik, referenz, jahr, von)
    keys = [k for k in w1.werte.index if shown[k]]
    table = si.export_table(w1.names, status, dynamik, jahr=int(jahr), von=von).set_index("Schlüssel").loc[keys]
    table = table.reset_index()
    st_cls = status.table.loc[keys, "klasse"]
    if dynamik is not None:
        dy_cls = dynamik.table.reindex(keys)["klasse"]
        ri = [si.STATUS_KLASSEN.index(c) if c in si.STATUS_KLASSEN else None for c in st_cls]
        ci = [si.DYNAMIK_KLASSEN.index(c) if c in si.DYNAMIK_KLASSEN else None for c in dy_cls]
        fill = bivariate.colours(ri, ci, 4, 3)
        counts = pd.Series(list(zip(ri, ci))).value_counts().to_dict()
        legend = bivariate.legend_chart(
            list(si.STATUS_KLASSEN), list(si.DYNAMIK_KLASSEN), row_title="Status", col_title="Dynamik", counts=counts
        )
        title = f"Gesamtindex {jahr} (Status) × {von}–{jahr} (Dynamik)"
        label = [f"{text(n)}: {g}" for n, g in zip(table["Gebiet"], table["Gesamtindex"])]
    else:
        fill = [STATUS_FARBEN.get(c, palettes.KEINE_DATEN_FARBE) for c in st_cls]
        legend = None  # the status legend is the coloured table beside the map
        title = f"Statusindex {jahr}"
        label = [f"{text(n)}: Status {c}" for n, c in zip(table["Gebiet"], st_cls)]
    shapes = map_shapes(ebene, kreis).set_index("schluessel")
    geoms = [shapes.geometry.get(k) for k in keys]
    view = compactmap.fit_view(shapes.loc[[k for k in keys if k in shapes.index]].total_bounds) if keys else None
    left_col, right_col = st.columns([3, 2])
    with left_col:
        st.subheader(title)
        st.pydeck_chart(compactmap.deck(keys, geoms, fill, label, layer_id="sozialindex", view=view), height=520)
    with right_col:
        if dynamik is not None:
            st.altair_chart(legend, width="content")
            st.caption(
                "Zeilen: Status (hoch → sehr niedrig), Spalten: Dynamik (positiv → negativ); je dunkler, desto "
                "ungünstiger. Grau: unvollständig. Zahlen: Anzahl der Gebiete."
            )
        else:
            leg = pd.DataFrame(
                {
                    "Status": list(si.STATUS_KLASSEN) + [si.UNVOLLSTAENDIG],
                    "Anzahl": [int((st_cls == c).sum()) for c in list(si.STATUS_KLASSEN) + [si.UNVOLLSTAENDIG]],
                }
            )
            st.dataframe(
                leg.style.apply(
                    lambda col: [f"background-color: {STATUS_FARBEN.get(v, palettes.KEINE_DATEN_FARBE)}" for v in col],
                    subset=["Status"],
                ),
                hide_index=True,
            )
        n_un = int((st_cls == si.UNVOLLSTAENDIG).sum())
        st.markdown(
            f"**{len(keys)} {EBENE_TEXT[ebene]}**, davon **{n_un} unvollständig** (mindestens ein Eingangswert "
            "fehlt oder ist gesperrt; sie erhalten keinen Index)."
        )
    st.subheader("Tabelle")
    st.dataframe(frame(table), hide_index=True, key="si_tabelle")
    src = _source_lines(quellen, staende)
    st.caption(md(" · ".join(src[:-1])))
    common.attribution(sorted(quellen))
    _downloads(table, status, dynamik, referenz, jahr, von, keys, geoms, fill, title, src, legend, ebene)
    _save_definition(ebene, kreis, ids, gewichte, jahr, von, referenz)


def _weights_ui(ids: list[str], names: dict) -> list[float]:
    _seed("si_gewichte_url", _weights_parser)
    from_url = st.session_state.get("si_gewichte_url") or []
    gewichte = []
    with st.expander("Gewichte (Standard: alle gleich, 1)"):
        for n, i in enumerate(ids):
            key = f"si_gewicht_{i}"
            if key not in st.session_state:
                st.session_state[key] = float(from_url[n]) if n < len(from_url) else 1.0
            gewichte.append(st.number_input(text(names[i]), min_value=0.1, max_value=10.0, step=0.5, key=key))
    _publish("si_gewichte_url", None if all(g == 1.0 for g in gewichte) else ",".join(f"{g:g}" for g in gewichte))
    return gewichte


def _method_expander(status, dynamik, referenz, jahr, von) -> None:
    with st.expander("Methode (Formeln)", expanded=False):
        st.markdown(
            "**Standardisierung** je Indikator *j* und Gebiet *i* (s = +1: höher ungünstiger, −1: höher günstiger):"
        )
        st.latex(r"z_{ij} = s_j \cdot \frac{x_{ij} - \mu_j}{\sigma_j}")
        st.markdown(
            "**Gewichtete Summe** und **Index** (erneut standardisiert über die vollständigen Referenzgebiete):"
        )
        st.latex(
            r"S_i = \frac{\sum_j g_j\, z_{ij}}{\sum_j g_j}, \qquad I_i = \frac{S_i - \bar S}{\operatorname{sd}(S)}"
        )
        st.markdown(
            "**Statusklassen:** hoch (I < −1), mittel (−1 ≤ I ≤ 1), niedrig (1 < I ≤ 1,5), sehr niedrig (I > 1,5). "
            "**Dynamik:** dasselbe Verfahren auf der Veränderung x(Jahr) − x(Vergleichsjahr); positiv (I < −1), "
            "stabil, negativ (I > 1). **Gesamtindex:** Status × Dynamik (4 × 3 Felder)."
        )
        mf = si.method_frame(status, dynamik, referenz=referenz, jahr=int(jahr), von=von)
        st.table(mf.set_index("Angabe").map(md))


def _downloads(table, status, dynamik, referenz, jahr, von, keys, geoms, fill, title, src, legend, ebene) -> None:
    meta = pd.concat(
        [
            si.method_frame(status, dynamik, referenz=referenz, jahr=int(jahr), von=von),
            pd.DataFrame({"Angabe": ["Quelle"] * len(src), "Inhalt": src}),
        ],
        ignore_index=True,
    )
    basis = f"sozialindex_{ebene}_{jahr}" + (f"_{von}" if von else "")
    st.markdown("**Herunterladen**")
    downloads.table_buttons(table, meta, basename=basis, key="si_dl", sheet_name="Sozialindex")
    gdf = _gdf(keys, geoms)
    chart = charts.map_chart(gdf, fill, title="")
    if legend is not None:
        chart = charts.map_with_legend(chart, legend)
    chart = charts.with_source(chart, title, src)
    downloads.chart_buttons(chart, basename=basis + "_karte", key="si_karte", label="Karte")
    lizenz = "; ".join(sorted({s for s in src if s.startswith("Quelle")}))
    st.download_button(
        "Karte als GeoPackage",
        lambda: geoexport.to_gpkg_bytes(geoexport.frame(table, keys, geoms, lizenz=lizenz), meta, layer=basis),
        file_name=exports.filename(basis, ext="gpkg"),
        mime=geoexport.GPKG_MIME,
        key="si_gpkg",
        on_click="ignore",
        icon=":material/map:",
    )


def _gdf(keys, geoms):
    import geopandas as gpd

    ok = [(k, g) for k, g in zip(keys, geoms) if g is not None]
    return gpd.GeoDataFrame(
        {"schluessel": [k for k, _ in ok], "name": [k for k, _ in ok]}, geometry=[g for _, g in ok], crs="EPSG:4326"
    )


def _save_definition(ebene, kreis, ids, gewichte, jahr, von, referenz) -> None:
    defs = definitions()
    if len(defs):
        with st.expander("Gespeicherte Index-Definitionen"):
            for r in defs.itertuples():
                d = r.definition
                q = {
                    "si_ebene": d.get("ebene"),
                    "si_indikatoren": ",".join(d.get("indikatoren", [])),
                    "si_jahr": d.get("jahr"),
                    "si_von": d.get("von"),
                }
                link = "?" + "&".join(f"{k}={v}" for k, v in q.items() if v not in (None, ""))
                st.markdown(f"- {md(r.name)}: `{md(link)}`")
    if not can_write():
        return
    with st.expander("Index-Definition unter einem Namen speichern (Verwaltung)"):
        name = st.text_input("Name", max_chars=indexdefinitionen.MAX_NAME, key="si_def_name")
        if st.button("Definition speichern", key="si_def_speichern"):
            definition = {
                "ebene": ebene,
                "kreis": None if kreis in (None, THUERINGEN) else kreis,
                "indikatoren": list(ids),
                "gewichte": [float(g) for g in gewichte],
                "jahr": int(jahr),
                "von": None if von is None else int(von),
                "referenz": referenz,
            }
            try:
                with data.writing() as con:
                    indexdefinitionen.save(con, name, definition, wer=st.session_state.get(auth.SESSION_KEY) or "admin")
            except (SozialatlasError, settings.ReadOnlyError) as exc:
                st.error(md(str(exc)))
            else:
                st.success(f"Index-Definition „{md(name.strip())}“ gespeichert.")


# --- Räumliche Statistik page -------------------------------------------------------------------------


def raeumliche_statistik_page() -> None:
    st.title("Räumliche Statistik")
    st.caption(
        "Liegen hohe (oder niedrige) Werte gehäuft nebeneinander? Globales und lokales Moran's I (LISA) mit "
        "Permutationstest; Nachbarn sind Gebiete mit gemeinsamer Grenze. Dazu: zwei Indikatoren vergleichen."
    )
    ebene, kreis = level_and_kreis("rs_")
    cat = data.indicators(ebene)
    names = dict(zip(cat["id"], cat["name"]))
    default = "kinderarmut_sgb2_u15" if "kinderarmut_sgb2_u15" in names else next(iter(names), None)
    if default is None:
        st.warning("Auf dieser Ebene gibt es keine Indikatoren.")
        return
    _seed("rs_indikator", urlstate.choice(names))
    if "rs_indikator" not in st.session_state:
        st.session_state["rs_indikator"] = default
    ind = st.selectbox("Indikator", list(names), format_func=lambda i: text(names[i]), key="rs_indikator")
    _publish("rs_indikator", ind)
    years = level_years(ind, ebene)
    if not years:
        st.warning(md(f"„{names[ind]}“ hat auf {domain.EBENE_LABEL[ebene]}ebene keine Werte."))
        return
    _seed("rs_jahr", urlstate.choice(years))
    jahr = st.selectbox("Jahr", years, key="rs_jahr")
    _publish("rs_jahr", str(jahr))
    tab_lisa, tab_pair = st.tabs(["Häufungen (LISA)", "Zwei Indikatoren vergleichen"])
    with tab_lisa:
        _lisa(ebene, kreis, ind, names[ind], int(jahr))
    with tab_pair:
        _pair(ebene, kreis, ind, names, int(jahr))


@data.cached(max_entries=data.LARGE)
def autocorrelation(ind: str, ebene: str, jahr: int, kreis: str | None):
    w = wide((ind,), ebene, jahr)
    y = w.werte[ind]
    wts = weights(ebene)
    if ebene == "gemeinde" and kreis and kreis != THUERINGEN:
        keys = [k for k in y.index if w.kreis.get(k) == kreis]
        wts = sp.subset(wts, keys)
        y = y.reindex(keys)
    return sp.autocorrelation(y, wts)


def _lisa(ebene, kreis, ind, name, jahr) -> None:
    w = wide((ind,), ebene, jahr)
    try:
        res = autocorrelation(ind, ebene, jahr, kreis)
    except ValueError as exc:
        st.warning(md(str(exc)))
        return
    names = w.names.to_dict()
    gebiete = EBENE_TEXT[ebene]
    keys = res.table["schluessel"].tolist()
    shapes = map_shapes(ebene, kreis).set_index("schluessel")
    geoms = [shapes.geometry.get(k) for k in keys]
    fill = [sp.CLUSTER_FARBE[c] for c in res.table["cluster"]]
    label = [f"{text(names.get(k, k))}: {c}" for k, c in zip(keys, res.table["cluster"])]
    view = compactmap.fit_view(shapes.loc[[k for k in keys if k in shapes.index]].total_bounds)
    c1, c2 = st.columns([3, 2])
    with c1:
        st.subheader(f"LISA-Cluster: {text(name)} {jahr}")
        st.pydeck_chart(compactmap.deck(keys, geoms, fill, label, layer_id="lisa", view=view), height=520)
    with c2:
        counts = res.table["cluster"].value_counts()
        leg = pd.DataFrame({"Cluster": list(sp.CLUSTER), "Anzahl": [int(counts.get(c, 0)) for c in sp.CLUSTER]})
        st.dataframe(
            leg.style.apply(lambda col: [f"background-color: {sp.CLUSTER_FARBE[v]}" for v in col], subset=["Cluster"]),
            hide_index=True,
            key="rs_legende",
        )
        st.metric(
            "Moran's I", _de(res.moran_i, 3), help="Erwartungswert ohne räumliche Häufung: " + _de(res.erwartung, 3)
        )
        st.caption(f"p-Wert (Permutationstest, {res.permutationen} Permutationen): {_de(res.p_wert, 3)}; n = {res.n}")
    st.markdown("**Lesart**")
    for s in sp.reading(res, name, gebiete, names=names):
        st.markdown("- " + md(s))
    export = sp.export_table(res, w.names, indikator=name, jahr=jahr)
    st.dataframe(frame(export), hide_index=True, key="rs_tabelle")
    src = _source_lines(w.quellen, w.staende)
    common.attribution(sorted(w.quellen))
    meta = pd.concat(
        [sp.method_frame(res, indikator=name, jahr=jahr), pd.DataFrame({"Angabe": "Quelle", "Inhalt": src})],
        ignore_index=True,
    )
    basis = f"lisa_{ind}_{jahr}"
    downloads.table_buttons(export, meta, basename=basis, key="rs_dl", sheet_name="LISA")
    chart = charts.with_source(charts.map_chart(_gdf(keys, geoms), fill), f"LISA-Cluster: {name} {jahr}", src)
    downloads.chart_buttons(chart, basename=basis + "_karte", key="rs_karte", label="Karte")
    st.download_button(
        "Karte als GeoPackage",
        lambda: geoexport.to_gpkg_bytes(geoexport.frame(export, keys, geoms), meta, layer=basis),
        file_name=exports.filename(basis, ext="gpkg"),
        mime=geoexport.GPKG_MIME,
        key="rs_gpkg",
        on_click="ignore",
        icon=":material/map:",
    )


def _pair(ebene, kreis, ind, names, jahr) -> None:
    others = [i for i in names if i != ind and jahr in level_years(i, ebene)]
    if not others:
        st.info(f"Kein zweiter Indikator hat Werte für {jahr}.")
        return
    _seed("rs_zweiter", urlstate.choice(others))
    if st.session_state.get("rs_zweiter") not in others:
        st.session_state["rs_zweiter"] = "arbeitslosenanteil" if "arbeitslosenanteil" in others else others[0]
    second = st.selectbox(f"Zweiter Indikator ({jahr})", others, format_func=lambda i: text(names[i]), key="rs_zweiter")
    _publish("rs_zweiter", second)
    w = wide((ind, second), ebene, jahr)
    df = w.werte.copy()
    if ebene == "gemeinde" and kreis and kreis != THUERINGEN:
        df = df[w.kreis.reindex(df.index).eq(kreis)]
    c = sp.correlation(df[ind], df[second])
    st.markdown(md(sp.correlation_text(c, names[ind], names[second])))
    land = {i: (data.land_value(i, jahr) or {}).get("wert") for i in (ind, second)}
    import altair as alt

    plot = df.dropna().reset_index().rename(columns={"index": "schluessel"})
    plot["Gebiet"] = plot["schluessel"].map(w.names).map(text)
    plot = plot.rename(columns={ind: "x", second: "y"})
    base = (
        alt.Chart(plot)
        .mark_circle(size=40, opacity=0.7, color="#3182bd")
        .encode(
            x=alt.X("x:Q", title=names[ind]),
            y=alt.Y("y:Q", title=names[second]),
            tooltip=["Gebiet:N", alt.Tooltip("x:Q", title=names[ind]), alt.Tooltip("y:Q", title=names[second])],
        )
    )
    layers = [base]
    if land[ind] is not None and not pd.isna(land[ind]):
        layers.append(alt.Chart(pd.DataFrame({"v": [land[ind]]})).mark_rule(color="#d95f0e").encode(x="v:Q"))
    if land[second] is not None and not pd.isna(land[second]):
        layers.append(alt.Chart(pd.DataFrame({"v": [land[second]]})).mark_rule(color="#d95f0e").encode(y="v:Q"))
    chart = alt.layer(*layers).properties(width=520, height=380)
    st.altair_chart(chart)
    st.caption(f"Orange Linien: Thüringen-Wert {jahr}. Punkte: {EBENE_TEXT[ebene]} mit beiden Werten (n = {c.n}).")
    tx, ty = sp.terciles(df[ind]), sp.terciles(df[second])
    keys = list(df.index)
    fill = bivariate.colours(
        [None if np.isnan(v) else int(v) - 1 for v in tx], [None if np.isnan(v) else int(v) - 1 for v in ty], 3, 3
    )
    shapes = map_shapes(ebene, kreis).set_index("schluessel")
    geoms = [shapes.geometry.get(k) for k in keys]
    stufe = {1: "niedrig", 2: "mittel", 3: "hoch"}
    label = [
        f"{text(w.names.get(k, k))}: {stufe.get(a, 'keine Daten')} / {stufe.get(b, 'keine Daten')}"
        for k, a, b in zip(keys, tx, ty)
    ]
    c1, c2 = st.columns([3, 2])
    with c1:
        st.pydeck_chart(
            compactmap.deck(
                keys,
                geoms,
                fill,
                label,
                layer_id="paar",
                view=compactmap.fit_view(shapes.loc[[k for k in keys if k in shapes.index]].total_bounds),
            ),
            height=480,
        )
    with c2:
        counts = (
            pd.Series([(int(a) - 1, int(b) - 1) for a, b in zip(tx, ty) if not (np.isnan(a) or np.isnan(b))])
            .value_counts()
            .to_dict()
        )
        st.altair_chart(
            bivariate.legend_chart(
                ["niedrig", "mittel", "hoch"],
                ["niedrig", "mittel", "hoch"],
                row_title=text(names[ind])[:40],
                col_title=text(names[second])[:40],
                counts=counts,
            )
        )
        st.caption("Drittel (Terzile) je Indikator; Grau: mindestens ein Wert fehlt oder ist gesperrt.")
    table = pd.DataFrame(
        {
            "Schlüssel": keys,
            "Gebiet": [w.names.get(k) for k in keys],
            names[ind]: df[ind].round(4).to_numpy(),
            names[second]: df[second].round(4).to_numpy(),
            f"Drittel {names[ind]}": [stufe.get(a, "keine Daten") for a in tx],
            f"Drittel {names[second]}": [stufe.get(b, "keine Daten") for b in ty],
        }
    )
    st.dataframe(frame(table), hide_index=True, key="rs_paar_tabelle")
