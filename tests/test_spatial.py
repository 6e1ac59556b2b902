"""Räumliche Statistik: weights from polygons, Moran's I equal to esda, LISA clusters, islands, correlation;
and the Geheimhaltung property: neither the index nor the LISA export shows anything a withheld count
could be computed back from."""

from __future__ import annotations

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libpysal import weights as lw
from shapely.geometry import box

from sozialatlas.protection import privacy
from sozialatlas.store import unprotected
from sozialatlas.views import analysedaten as ad
from sozialatlas.views import sozialindex as si
from sozialatlas.views import spatial as sp


def grid(n: int = 5, extra_island: bool = False) -> gpd.GeoDataFrame:
    cells = [(r, c) for r in range(n) for c in range(n)]
    geoms = [box(c, r, c + 1, r + 1) for r, c in cells]
    keys = [f"{r}{c}" for r, c in cells]
    if extra_island:
        geoms.append(box(n + 5, n + 5, n + 6, n + 6))
        keys.append("insel")
    return gpd.GeoDataFrame({"schluessel": keys, "name": keys}, geometry=geoms, crs="EPSG:3857")


def test_queen_weights_from_polygons_match_the_lattice():
    w = sp.weights(grid())
    lattice = lw.lat2W(5, 5, rook=False)
    assert w.n == 25 and w.islands == []
    assert sorted(len(v) for v in w.neighbors.values()) == sorted(len(v) for v in lattice.neighbors.values())
    assert sorted(w.neighbors["00"]) == ["01", "10", "11"]


def test_moran_equals_esda_on_a_known_grid():
    rng = np.random.default_rng(7)
    y = rng.normal(size=25) + np.repeat(np.arange(5), 5)  # a north-south gradient: clustered
    keys = [f"{r}{c}" for r in range(5) for c in range(5)]
    res = sp.autocorrelation(pd.Series(y, index=keys), sp.weights(grid()), permutations=99)
    ref = esda.Moran(y, lw.lat2W(5, 5, rook=False), permutations=99)
    assert res.moran_i == pytest.approx(ref.I, abs=1e-12)
    assert res.erwartung == pytest.approx(-1 / 24)
    # the formula itself (row-standardised W), computed by hand
    w = lw.lat2W(5, 5, rook=False)
    w.transform = "r"
    z = y - y.mean()
    i_hand = (len(y) / w.s0) * (z @ (w.sparse @ z)) / (z @ z)
    assert res.moran_i == pytest.approx(i_hand)
    assert res.moran_i > 0.3 and res.p_wert < 0.05


def test_checkerboard_is_negative_and_reading_says_so():
    keys = [f"{r}{c}" for r in range(5) for c in range(5)]
    y = pd.Series([(r + c) % 2 for r in range(5) for c in range(5)], index=keys, dtype=float)
    rook = sp.weights(grid())
    res = sp.autocorrelation(y, rook)
    assert res.moran_i < 0
    text = " ".join(sp.reading(res, "Test"))
    assert "keine Ursachen" in text


def test_lisa_finds_the_hot_corner_and_names_islands_and_gaps():
    g = grid(6, extra_island=True)
    vals = {k: (10.0 if k[0] in "012" and k[1] in "012" else 1.0) for k in g["schluessel"] if k != "insel"}
    vals["insel"] = 5.0
    vals["55"] = np.nan  # keine Daten / gesperrt
    rng = np.random.default_rng(1)
    y = pd.Series({k: v + rng.normal(scale=0.1) for k, v in vals.items()})
    res = sp.autocorrelation(y, sp.weights(g), permutations=999)
    t = res.table.set_index("schluessel")
    assert t.loc["11", "cluster"] == "Hoch-Hoch"
    # the low plain is the majority: low among low, but not a significant cluster
    assert t.loc["44", "quadrant"] == "Niedrig-Niedrig" and t.loc["44", "cluster"] == sp.NICHT_SIGNIFIKANT
    assert t.loc["insel", "cluster"] == sp.INSEL and res.inseln == ["insel"]
    assert t.loc["55", "cluster"] == sp.OHNE_WERT and np.isnan(t.loc["55", "wert"])
    assert res.n == 35  # 36 grid cells, one without a value; the island is not counted
    text = sp.reading(res, "Kinderarmut", names={"insel": "Inselgemeinde"})
    assert any("gehäuft" in s for s in text)
    assert any("Inselgemeinde" in s for s in text)
    # reproducible
    again = sp.autocorrelation(y, sp.weights(g), permutations=999)
    assert again.p_wert == res.p_wert and (again.table["cluster"] == res.table["cluster"]).all()


def test_too_few_values_is_a_german_error():
    g = grid(2)
    with pytest.raises(ValueError, match="Zu wenige"):
        sp.autocorrelation(pd.Series({"00": 1.0, "01": 2.0}), sp.weights(g))


def test_correlation_counts_only_complete_pairs():
    x = pd.Series([1, 2, 3, 4, 5, np.nan], dtype=float)
    y = pd.Series([2, 4, 6, 8, 11, 3], dtype=float)
    c = sp.correlation(x, y)
    assert c.n == 5 and c.spearman_rho == pytest.approx(1.0) and 0.99 < c.pearson_r < 1
    assert "n = 5" in sp.correlation_text(c, "A", "B")
    assert sp.correlation(x.iloc[:2], y.iloc[:2]).n == 2


def test_terciles():
    t = sp.terciles(pd.Series([1, 2, 3, 4, 5, 6, np.nan], dtype=float))
    assert t.iloc[:6].tolist() == [1, 1, 2, 2, 3, 3] and np.isnan(t.iloc[6])


def test_lisa_for_kinderarmut_on_631_gemeinden(con):
    from sozialatlas.store import queries

    g = queries.shapes(con, "gemeinde", "2021-12-31")
    lv = ad.level_values(con, "kinderarmut_sgb2_u15", "gemeinde", 2021).table.set_index("schluessel")
    res = sp.autocorrelation(lv["wert"], sp.weights(g))
    assert len(res.table) == 631
    # every gesperrt Gemeinde is out of the statistic and shows no value
    gesperrt = lv.index[lv["gesperrt"]]
    t = res.table.set_index("schluessel")
    assert (t.loc[gesperrt, "cluster"] == sp.OHNE_WERT).all() and t.loc[gesperrt, "wert"].isna().all()


# ------------------------------------------------------------------------------------------ Geheimhaltung


def _published_keys(df: pd.DataFrame, key: str = "Schlüssel") -> set:
    num = df.drop(columns=[key]).select_dtypes("number")
    return set(df.loc[num.notna().any(axis=1), key].astype(str))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(jahr=st.sampled_from([2012, 2016, 2019, 2021]))
def test_index_and_lisa_exports_reveal_no_withheld_count(con, jahr):
    """The exports (index table and LISA table) publish numbers only for areas whose input is shown;
    with every Kreis and the Land total public, the audit finds no recomputable small count."""
    ind = "arbeitslose"
    raw = unprotected.small_area_rows(con, ind, jahr, "gemeinde", "2021-12-31").set_index("schluessel")
    cells = pd.to_numeric(raw["wert"], errors="coerce").fillna(0).to_dict()
    small = {k for k, v in cells.items() if 0 < v < privacy.Rules().min_count}
    assert small, "the test needs withheld counts"
    w = ad.wide(con, [ind], "gemeinde", jahr)
    inp = [si.Input(ind, "Arbeitslose", "hoeher_schlechter")]
    res = si.compute(w.werte, inp, sperre=w.sperre)
    export = si.export_table(w.names, res, None, jahr=jahr, von=None)
    from sozialatlas.store import queries

    lisa = sp.autocorrelation(w.werte[ind], sp.weights(queries.shapes(con, "gemeinde", "2021-12-31")), permutations=99)
    lisa_export = sp.export_table(lisa, w.names, indikator=ind, jahr=jahr)
    shown = set(w.werte.index[w.werte[ind].notna()])
    for table in (export, lisa_export):
        published = _published_keys(table.drop(columns=["Jahr"], errors="ignore"))
        assert published <= shown
        assert not published & small
        groups = [set(p.index) for _, p in raw.groupby("kreis")] + [set(cells)]
        assert not set(privacy.audit(cells, groups, published)) & small
