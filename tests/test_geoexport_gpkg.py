"""GeoPackage export: a layer QGIS opens with values, Stand, Quelle, Lizenz — gesperrt stays gesperrt."""

from __future__ import annotations

import numpy as np
import pyogrio
import pytest

from sozialatlas.protection import smallarea
from sozialatlas.render import geoexport
from sozialatlas.store import queries
from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views.kreisvergleich import Indicator


@pytest.fixture(scope="module")
def exported(db_path, tmp_path_factory):
    from sozialatlas.store import db

    with db.connect(db_path) as con:
        vals = smallarea.values(con, "arbeitslosenanteil", 2021, ebene="gemeinde", kreis="16073")
        ind = Indicator.from_row(queries.indicator(con, "arbeitslosenanteil"))
        shapes = kr.area_shapes(con, "gemeinde")
    shapes = shapes[shapes["kreis"] == "16073"]
    rows = kr.rows_from_values(vals, "gemeinde")
    table = kr.export_table(rows, ind, "gemeinde", jahr=2021)
    gdf = geoexport.frame(table, list(shapes["schluessel"]), list(shapes.geometry), lizenz="© BBSR Bonn 2024")
    meta = {"Quelle": "INKAR 2024", "Geheimhaltung": "gesperrt = nicht ausgewiesen"}
    path = tmp_path_factory.mktemp("gpkg") / "export.gpkg"
    path.write_bytes(geoexport.to_gpkg_bytes(gdf, meta, layer="Kleinräumig Arbeitslose 2021"))
    return path, rows


def test_layer_has_every_gemeinde_with_values_stand_quelle_lizenz(exported):
    path, rows = exported
    layers = dict(pyogrio.list_layers(path))
    name = geoexport.layer_name("Kleinräumig Arbeitslose 2021")
    assert name == "kleinraeumig_arbeitslose_2021" and set(layers) == {name, geoexport.LAYER_QUELLEN}
    gdf = pyogrio.read_dataframe(path, layer=name)
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == len(rows.keys) == 26
    assert {
        "schluessel",
        "name",
        "wert",
        "wert_text",
        "stand",
        "quelle",
        "lizenz",
        "hinweis",
        "kreis_wert",
        "thueringen_wert",
    } <= set(gdf.columns)
    assert gdf["stand"].ne("").all() and gdf["quelle"].str.contains("INKAR").all()
    assert (gdf["lizenz"] == "© BBSR Bonn 2024").all()
    shown = gdf[gdf["wert_text"] != "gesperrt"]
    assert np.allclose(shown["wert"].astype(float), [rows.wert[rows.keys.index(k)] for k in shown["schluessel"]])
    assert gdf.geometry.geom_type.eq("MultiPolygon").all()


def test_gesperrt_is_null_with_its_reason_never_zero(exported):
    path, rows = exported
    gdf = pyogrio.read_dataframe(path, layer=geoexport.layer_name("Kleinräumig Arbeitslose 2021"))
    gesperrt = gdf[gdf["wert_text"] == "gesperrt"]
    assert len(gesperrt) == int(rows.gesperrt.sum()) > 0
    assert gesperrt["wert"].isna().all() and gesperrt["hinweis"].str.len().gt(0).all()
    assert gesperrt["zaehler"].isna().all() and gesperrt["nenner"].isna().all()


def test_sources_table_travels_with_the_layer(exported):
    path, _ = exported
    q = pyogrio.read_dataframe(path, layer=geoexport.LAYER_QUELLEN)
    assert list(q.columns) == ["Angabe", "Inhalt"] and "INKAR 2024" in set(q["Inhalt"])
