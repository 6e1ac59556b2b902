"""Kleinräumig as data: compact map specs, the overview geometry, and 'gesperrt' everywhere it shows."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from benchmarks.bench import decoded_geometries
from sozialatlas import paths
from sozialatlas.protection import smallarea
from sozialatlas.render import compactmap, mapclasses
from sozialatlas.store import queries
from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views.kreisvergleich import Indicator

AREA_CRS = "EPSG:25832"


@pytest.fixture(scope="module")
def detailed(db_path):
    from sozialatlas.store import db

    with db.connect(db_path) as con:
        return queries.shapes(con, "gemeinde", "2021-12-31")


def _page_rows(con, indikator="arbeitslosenanteil", jahr=2021, kreis=None):
    vals = smallarea.values(con, indikator, jahr, ebene="gemeinde", kreis=kreis)
    ind = Indicator.from_row(queries.indicator(con, indikator))
    rows = kr.rows_from_values(vals, "gemeinde")
    mc = mapclasses.build(rows.wert, mapclasses.ClassSettings(), polaritaet=ind.polaritaet, dezimalen=ind.dezimalen)
    return rows, ind, mc


# --- integer coordinates ------------------------------------------------------------------------------


def test_integer_coordinates_draw_exactly_the_committed_vertices(detailed):
    sample = detailed[detailed["schluessel"].str.startswith("16073")]
    for g in sample.geometry:
        enc = compactmap.encode(g)
        polys = [enc["coordinates"]] if enc["type"] == "Polygon" else enc["coordinates"]
        drawn = {compactmap.decode_position(x, y) for p in polys for r in p for x, y in r}
        drawn = {(round(x, 6), round(y, 6)) for x, y in drawn}
        committed = {(round(x, 6), round(y, 6)) for x, y in shapely.get_coordinates(g)}
        assert drawn == committed


def _flat(x):
    return [v for item in x for v in _flat(item)] if isinstance(x, list) else [x]


def test_spec_has_only_what_the_map_needs(detailed):
    part = detailed.head(5)
    d = compactmap.deck(
        part["schluessel"],
        part.geometry,
        ["#ffffd4"] * 5,
        ["A: 1 %"] * 5,
        tooltip_footer=["Stand: 31.12.2021"],
        selected=[part["schluessel"].iloc[0]],
    )
    spec = json.loads(d.to_json())
    main, outline = spec["layers"]
    assert main["coordinateSystem"] == "lnglat-offsets" and main["modelMatrix"][0] == pytest.approx(1e-4)
    assert [set(f) for f in main["data"]["features"]] == [{"k", "f", "t", "geometry"}] * 5
    numbers = [v for f in main["data"]["features"] for v in _flat(f["geometry"]["coordinates"])]
    assert numbers and all(isinstance(v, int) for v in numbers)
    assert len(outline["data"]["features"]) == 1 and outline["pickable"] is False
    assert d._tooltip == {"text": "{t}\nStand: 31.12.2021"}  # pydeck hands it to Streamlit beside the spec


def test_fit_view_shows_the_whole_kreis(detailed):
    part = detailed[detailed["schluessel"].str.startswith("16073")]
    minx, miny, maxx, maxy = part.total_bounds
    v = compactmap.fit_view(part.total_bounds, width=700, height=560)
    scale = 512 * 2**v.zoom

    def merc(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    assert (maxx - minx) / 360 * scale <= 700
    assert (merc(maxy) - merc(miny)) / (2 * math.pi) * scale <= 560
    assert (maxx - minx) / 360 * scale > 0.6 * 700 or (merc(maxy) - merc(miny)) / (2 * math.pi) * scale > 0.6 * 560


# --- overview geometry (ETL output) -------------------------------------------------------------------


def test_overview_covers_every_gemeinde_within_one_percent(detailed):
    ov = compactmap.load_overview()
    assert ov is not None and sorted(ov["schluessel"]) == sorted(detailed["schluessel"])
    assert shapely.coverage_is_valid(ov.geometry.values) and ov.geometry.is_valid.all()
    check = pd.read_csv(paths.GEODATA_DIR / "flaechenpruefung_uebersicht.csv", dtype={"schluessel": str})
    a = dict(zip(ov["schluessel"], ov.to_crs(AREA_CRS).area / 1e6))
    dev = [abs(a[k] / float(r) - 1) * 100 for k, r in zip(check["schluessel"], check["flaeche_unvereinfacht_km2"])]
    assert max(dev) <= 1.0
    # the point of it: far fewer vertices than the detailed layer
    assert (
        shapely.get_num_coordinates(ov.geometry.values).sum()
        < 0.5 * shapely.get_num_coordinates(detailed.geometry.values).sum()
    )


def test_all_thueringen_spec_meets_the_payload_target_and_the_area_rule(con):
    """The page's spec for 631 Gemeinden: at most 250 kB, and the polygons as sent keep the 1 % rule."""
    rows, ind, mc = _page_rows(con)
    ov = compactmap.load_overview()
    geom = dict(zip(ov["schluessel"], ov.geometry))
    d = compactmap.deck(
        rows.keys,
        [geom[k] for k in rows.keys],
        kr.fill(rows, mc),
        kr.tooltip_texts(rows, ind),
        tooltip_footer=kr.tooltip_footer(rows, ind, with_kreis=True),
    )
    spec = d.to_json()
    assert len(json.loads(spec)["layers"][0]["data"]["features"]) == 631
    assert len(spec.encode()) <= 250_000
    sent = decoded_geometries(spec)
    check = pd.read_csv(paths.GEODATA_DIR / "flaechenpruefung_uebersicht.csv", dtype={"schluessel": str})
    a = gpd.GeoSeries([sent[k] for k in check["schluessel"]], crs="EPSG:4326").to_crs(AREA_CRS).area / 1e6
    assert (np.abs(a.values / check["flaeche_unvereinfacht_km2"].astype(float).values - 1) * 100).max() <= 1.0


def test_dissolved_verbaende_from_the_overview_keep_their_area(con):
    ov = compactmap.load_overview()
    verband = dict(con.execute("SELECT schluessel, verband FROM region WHERE ebene = 'gemeinde'").fetchall())
    keys, geoms = compactmap.dissolve(ov["schluessel"], ov.geometry, [verband[k] for k in ov["schluessel"]])
    vb = queries.shapes(con, "gemeindeverband", "2021-12-31").set_index("schluessel").loc[keys]
    a = gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(AREA_CRS).area.values
    b = gpd.GeoSeries(list(vb.geometry), crs="EPSG:4326").to_crs(AREA_CRS).area.values
    assert len(keys) == 192 and (np.abs(a / b - 1) * 100).max() < 2.0


# --- gesperrt ---------------------------------------------------------------------------------------


def test_gesperrt_reads_gesperrt_with_its_reason_never_a_number(con):
    rows, ind, mc = _page_rows(con)
    g = rows.gesperrt.to_numpy()
    assert g.sum() > 0, "arbeitslosenanteil 2021 has gesperrt Gemeinden (fewer than 300 inhabitants)"
    assert rows.wert[g].isna().all()
    texts = kr.tooltip_texts(rows, ind)
    for i in np.flatnonzero(g):
        assert texts[i].split("\n")[0].endswith(": gesperrt") and rows.grund[i] in texts[i]
        assert not any(ch.isdigit() for ch in texts[i].split("\n")[0].split(":")[-1])
    table = kr.display_table(rows, ind, "gemeinde", with_kreis=True)
    wert_col = table.columns[1]
    gesperrt_rows = table[table[wert_col] == "gesperrt"]
    assert len(gesperrt_rows) == g.sum() and (gesperrt_rows["Hinweis"] != "").all()
    # gesperrt is its own colour and legend entry, not 'keine Daten'
    fill = kr.fill(rows, mc)
    assert {fill[i] for i in np.flatnonzero(g)} == {kr.GESPERRT_FARBE}
    legend = {e.label: e.count for e in kr.legend_rows(rows, mc)}
    assert legend["gesperrt (Geheimhaltung)"] == g.sum()
    assert legend["keine Daten"] == int(rows.wert.isna().sum() - g.sum())
    export = kr.export_table(rows, ind, "gemeinde", jahr=2021)
    assert export.loc[g, "Wert"].isna().all() and (export.loc[g, "Wert (Text)"] == "gesperrt").all()
    assert export.loc[g, ["Zähler", "Nenner"]].isna().all().all()


def test_postal_vote_note_travels_with_the_turnout(con):
    vals = smallarea.values(con, "wahlbeteiligung_ltw", 2019, ebene="gemeinde")
    rows = kr.rows_from_values(vals, "gemeinde")
    ind = Indicator.from_row(queries.indicator(con, "wahlbeteiligung_ltw"))
    noted = [i for i, g in enumerate(rows.grund) if kr.BRIEFWAHL in g]
    assert len(noted) > 100
    texts = kr.tooltip_texts(rows, ind)
    assert all("Briefwähler" in texts[i] for i in noted)


def test_profile_rows_compare_with_kreis_and_thueringen(con):
    ags = "16073077"  # Saalfeld/Saale
    entries = []
    for indikator in ("arbeitslosenanteil", "einwohner"):
        jahr = 2021
        vals = smallarea.values(con, indikator, jahr, ebene="gemeinde")
        entries.append(
            {
                "indikator": Indicator.from_row(queries.indicator(con, indikator)),
                "jahr": jahr,
                "row": vals[vals["schluessel"] == ags].iloc[0].to_dict(),
                "ebene_hinweis": None,
            }
        )
    prof = kr.profile_rows(entries)
    assert list(prof.columns) == kr.PROFILE_COLUMNS
    row = prof[prof["Indikator"].str.startswith("Arbeitslose je 100")].iloc[0]
    assert row["Wert"].endswith("%") and row["Kreis"].endswith("%") and row["Thüringen"].endswith("%")
    assert row["Quelle"] and row["Stand"]
