"""Streamlit pieces of the Kleinräumig page: data of one view, map clicks, the profile box and downloads.

The decisions (options, defaults, texts) are in `sozialatlas.views.kleinraeumig_page`; this module only
fetches through the cached `sozialatlas.ui.smallarea` and draws.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sozialatlas.render import classify, compactmap, exports, geoexport, maps
from sozialatlas.ui import common, data, downloads, htmltable, mapcontrols, svgmap
from sozialatlas.ui import smallarea as sa
from sozialatlas.ui.plain import frame as plain_frame
from sozialatlas.ui.plain import md, text
from sozialatlas.ui.plain import table as md_table
from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views import kleinraeumig_page as page
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views.kreisvergleich import Indicator

LAYER = "gebiete"
GEN = "kr"  # generation counter of the map (see smallarea.bump)


def load(ebene: str, kreis: str, indikator: str, jahr: int, definition: int | None):
    """(protected values, shapes with `schluessel`, refusal) of one view."""
    if ebene == "planungsraum":
        vals, refusal = sa.planungsraum_values(definition, indikator, jahr)
        shapes = sa.planungsraum_shapes(definition).rename(columns={"planungsraum": "schluessel"})
        if vals is None:
            vals = page.not_aggregatable_values(shapes["schluessel"])
        return vals, shapes, refusal
    vals = sa.values(indikator, jahr, kr.DATA_LEVEL[ebene], kreis)
    shapes = sa.overview_shapes(ebene) if kreis == kr.THUERINGEN else sa.shapes(ebene, kreis)
    return vals, shapes, None


def on_map(key: str) -> None:
    """A click on an area selects it (again: deselects) and remounts the map."""
    picked = sa.picked(key, LAYER)
    if picked is not None:
        st.session_state["kr_gebiet"] = None if picked == st.session_state.get("kr_gebiet") else picked
    sa.bump(GEN)


def classes(rows: kr.Rows, ind: Indicator):
    """The class controls (in an expander) and the classes of the map."""
    with st.expander("Klassen und Farben"):
        # (a kreisfreie Stadt is one Gemeinde: the class control still needs room for 3 to 4 classes)
        klassen = mapcontrols.class_controls("", n_regions=max(4, len(rows.keys)))
    land_wert = rows.land_wert.dropna()
    return mapcontrols.classes(
        rows.wert,
        klassen,
        polaritaet=ind.polaritaet,
        reference=float(land_wert.iloc[0]) if len(land_wert) else None,
        dezimalen=ind.dezimalen,
        reference_comparable=not ind.is_count,
    )


def area_table(rows: kr.Rows, ind: Indicator, ebene: str, *, with_kreis: bool, titel: str, gebiet: str | None) -> None:
    """The area picker and the table beside the map (the map's twin for screen readers and keyboards)."""
    singular = kr.GEBIET[ebene][0]
    names = dict(zip(rows.keys, rows.names))
    st.selectbox(
        f"{singular} auswählen",
        rows.keys,
        format_func=lambda k: text(names[k]),
        index=None,
        key="kr_gebiet",
        placeholder=f"{singular} wählen oder auf der Karte anklicken",
        on_change=sa.bump,
        args=(GEN,),
    )
    table = kr.display_table(rows, ind, ebene, with_kreis=with_kreis)
    # One real HTML table (not a canvas grid, not 3 000 Markdown cells): every cell HTML-escaped there,
    # bidi controls removed here; screen readers and keyboard users get every value.
    htmltable.show(
        plain_frame(table),
        caption=text(titel),
        row_header=table.columns[0],
        highlight=text(names[gebiet]) if gebiet else None,
        height=560 if len(table) > 14 else None,
    )
    st.caption("Höchster Wert zuerst; gesperrte Werte und Gebiete ohne Daten am Ende.")


def area_map(rows: kr.Rows, mc, ind: Indicator, shapes, *, gebiet, whole: bool, ort: str, titel: str, ebene: str):
    """The clickable map (no basemap), its legend as a table and the class note."""
    geom_of = dict(zip(shapes["schluessel"].astype(str), shapes.geometry))
    fitted = not whole and len(shapes)
    footer = kr.tooltip_footer(rows, ind, with_kreis=whole, kreis_label=ort)
    singular, plural = kr.GEBIET[ebene]
    alt = f"Karte: {text(titel)}. Alle Werte stehen in der Tabelle daneben."
    # a static SVG by default (software WebGL costs seconds on PCs without GPU); the pydeck map on request
    interaktiv = svgmap.interactive()
    if not interaktiv:
        stand = [line for line in footer if line.startswith("Stand")]
        svgmap.show(
            rows.keys,
            [geom_of.get(k) for k in rows.keys],
            kr.fill(rows, mc),
            ["\n".join([t, *stand]) for t in kr.tooltip_texts(rows, ind)],
            label=alt,
            selected=[gebiet] if gebiet else None,
            patterns=True,
        )
    else:
        deck = compactmap.deck(
            rows.keys,
            [geom_of.get(k) for k in rows.keys],
            kr.fill(rows, mc),
            kr.tooltip_texts(rows, ind),
            tooltip_footer=footer,
            selected=[gebiet] if gebiet else None,
            view=compactmap.fit_view(shapes.total_bounds) if fitted else maps.THUERINGEN_VIEW,
            layer_id=LAYER,
        )
        map_key = f"kr_karte_{sa.gen(GEN)}"
        st.pydeck_chart(
            deck,
            height=560,
            key=map_key,
            on_select=lambda: on_map(map_key),
            selection_mode="single-object",
            alt=alt,
        )
    # one HTML table (not a styled st.table: that alone loads ≈ 1 MB of Arrow JavaScript into the page);
    # on the SVG map gesperrt / keine Daten are hatched / dotted, and so are their swatches (WCAG 1.4.1)
    svgmap.legend(
        kr.legend_rows(rows, mc),
        einheit=ind.einheit,
        gebiet_plural=plural,
        direction=mc.direction,
        patterns=not interaktiv,
    )
    for note in mc.notes:
        st.caption(note)
    warnung = lebenslagen_view.gemeinde_warning(ind.id) if ebene == "gemeinde" else None
    if warnung:  # e.g. Landtag turnout per Gemeinde without postal votes: never a map without this beside it
        st.warning(warnung, icon=":material/warning:")
    pick = f"{singular} anklicken" if interaktiv else f"{singular} in der Liste wählen"
    st.caption(
        f"Klassen: {classify.SCHEMES[mc.scheme]}. {pick}: Profil unten; "
        "„gesperrt“: Geheimhaltung (kleine Fallzahl oder zu wenige Einwohner), nie ein Wert."
    )


def notices(items: list[page.Notice]) -> None:
    for n in items:
        getattr(st, n.kind)(md(n.text) if n.from_data else n.text)


def profile_box(ebene: str, gebiet: str, name: str, rows: kr.Rows, ind: Indicator, jahr: int, definition) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(name)}** — Profil")
        if ebene == "planungsraum":
            for line in page.planungsraum_profile(rows, gebiet, sa.members(definition), ind, jahr):
                st.text(line)
        else:
            with st.spinner("Profil wird berechnet …"):
                prof = sa.profile(ebene, gebiet)
            st.table(md_table(prof.set_index("Indikator")))
            st.caption("Je Indikator das neueste Jahr mit Werten; Kreis und Thüringen im selben Jahr.")
            if ebene == "gemeinde":  # issue 11: the Gemeindeprofil as a PDF (A4, Lebenslagen, Quellen)
                from sozialatlas.ui import praesentation as praes_ui

                praes_ui.gemeinde_pdf_button(gebiet)


def downloads_section(
    rows: kr.Rows, vals: pd.DataFrame, ind: Indicator, row: dict, *, ebene: str, kreis: str, jahr: int, definition
) -> list[str]:
    """The download expander (CSV, XLSX with a sources sheet, GeoPackage); returns the source ids shown."""
    export = kr.export_table(rows, ind, ebene, jahr=jahr)
    quelle_ids = page.quelle_ids(vals, row.get("quelle"))
    quellen = data.sources(tuple(quelle_ids))
    meta = page.sources_meta(quellen, common.GEO_ATTRIBUTION)
    ort = "thueringen" if kreis == kr.THUERINGEN else kreis
    basis = exports.filename("kleinraeumig", ind.id, jahr, ebene, ort, definition, ext="x")[:-2]
    with st.expander("Herunterladen: Tabelle (CSV, Excel) und Karte für QGIS (GeoPackage)"):
        downloads.table_buttons(export, meta, basename=basis, key="kr_tabelle", sheet_name=f"{ind.name} {jahr}")
        detail = (
            sa.planungsraum_shapes(definition).rename(columns={"planungsraum": "schluessel"})
            if ebene == "planungsraum"
            else sa.shapes(ebene, kreis)
        )
        lizenz = page.licences(quellen)

        def _gpkg():
            keys = detail["schluessel"].astype(str).tolist()
            gdf = geoexport.frame(export, keys, list(detail.geometry), lizenz=lizenz)
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
    return quelle_ids
