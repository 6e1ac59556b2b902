"""Jena ETL: 41 statistische Bezirke and the household series, checked against the raw files."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from sozialatlas import paths
from sozialatlas.errors import RawInputError
from sozialatlas.etl import jena
from sozialatlas.store import catalogue

RAW = "jena_statistische_bezirke_offenesjena"


@pytest.fixture(scope="module")
def out(raw_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("jena")
    data, geo = base / "data", base / "geodata"
    summary = jena.run(raw_dir, data, geo)
    return summary, data, geo


@pytest.fixture(scope="module")
def obs(out):
    _s, data, _g = out
    return pd.read_csv(data / jena.OUT_OBS, dtype=str, keep_default_na=False)


def raw_series(raw_dir, fname):
    df = pd.read_csv(raw_dir / RAW / fname, dtype=str, keep_default_na=False)
    return df.set_index("statistischer_Bezirk_Nr")


def test_41_bezirke_with_properties(out):
    _s, _d, geo = out
    fc = json.loads((geo / jena.OUT_GEO).read_text(encoding="utf-8"))
    props = [f["properties"] for f in fc["features"]]
    assert len(props) == 41
    assert {p["parent"] for p in props} == {"16053"}
    assert len({p["schluessel"] for p in props}) == 41 and all(p["schluessel"].isdigit() for p in props)
    by = {p["schluessel"]: p for p in props}
    assert by["11"]["name"] == "Ammerbach Ort"
    assert all(round(p["flaeche_km2"], 2) == p["flaeche_km2"] for p in props)
    assert 110 < sum(p["flaeche_km2"] for p in props) < 120  # Jena: 114.77 km² (KFL)


def test_simplified_coverage_keeps_areas(out, raw_dir):
    import geopandas as gpd
    import shapely

    _s, _d, geo = out
    simp = gpd.read_file(geo / jena.OUT_GEO).to_crs(25832).set_index("schluessel")
    assert shapely.coverage_is_valid(simp.geometry.values)
    dev = (simp.area / 1e6 / simp["flaeche_km2"] - 1).abs()
    assert dev.max() < 0.0101  # within 1 % (+ rounding of flaeche_km2)


def test_counts_equal_raw(obs, raw_dir):
    for fname, ind in jena.SERIES.items():
        r = raw_series(raw_dir, fname)
        mine = obs[(obs["indikator"] == ind) & (obs["ebene"] == "stadtbezirk") & (obs["status"] == "ok")]
        assert len(mine) > 0
        for row in mine.itertuples():
            assert row.wert == r.loc[row.schluessel, f"31.12.{row.jahr}"]
            assert row.stand == f"{row.jahr}-12-31" and row.gebietsstand == "jena-2017"
        # Jena gesamt as Kreis value, identically on both Kreis Gebietsstände
        kreis = obs[(obs["indikator"] == ind) & (obs["ebene"] == "kreis")]
        assert set(kreis["schluessel"]) == {"16053"}
        assert set(kreis["gebietsstand"]) == {"bis-2021-06-30", "ab-2021-07-01"}
        for row in kreis.itertuples():
            assert row.wert == r.loc["0", f"31.12.{row.jahr}"]


def test_years_2006_to_2016_and_no_empty_2017(obs):
    assert sorted(set(obs["jahr"].astype(int))) == list(range(2006, 2017))
    assert set(obs["quelle"]) == {"jena_statbez"}
    assert "999" not in set(obs["schluessel"]) and "0" not in set(obs["schluessel"])


def test_shares_are_zaehler_over_nenner(obs):
    shares = obs[obs["indikator"].isin(jena.SHARES) & (obs["status"] == "abgeleitet")]
    assert len(shares) > 800
    w, z, n = (shares[c].astype(float) for c in ("wert", "zaehler", "nenner"))
    assert ((w - z / n * 100).abs() < 1e-4).all()
    # zaehler and nenner are the published counts
    counts = obs[obs["indikator"].isin(jena.SERIES.values())].set_index(
        ["indikator", "ebene", "schluessel", "gebietsstand", "jahr"]
    )["wert"]
    for r in shares.head(200).itertuples():
        num, den = jena.SHARES[r.indikator]
        key = (r.ebene, r.schluessel, r.gebietsstand, r.jahr)
        assert counts[(num, *key)] == r.zaehler and counts[(den, *key)] == r.nenner


def test_bezirke_add_up_to_jena_and_masked_zeros_are_missing(out, obs):
    summary, _d, _g = out
    rep = pd.DataFrame(summary["pruefung"])
    assert (rep["ausserhalb_999"] == 0).all()  # row 999 is 0 in every year (reported in the summary)
    exact = rep[rep["indikator"] != "einpersonenhaushalte_60plus"]
    assert (exact["differenz"] == 0).all()
    masked = rep[rep["indikator"] == "einpersonenhaushalte_60plus"]
    assert (masked["differenz"] > 0).all() and (masked["differenz"] <= 2 * masked["nullen"]).all()
    # those zeros are never written as 0
    sixty = obs[(obs["indikator"] == "einpersonenhaushalte_60plus") & (obs["ebene"] == "stadtbezirk")]
    assert "0" not in set(sixty["wert"])
    gone = sixty[sixty["status"] == "fehlend"]
    assert len(gone) == summary["maskiert"] == masked["nullen"].sum()
    assert gone["hinweis"].str.contains("Geheimhaltung").all()


def test_reproducible_and_equal_to_committed_files(out, raw_dir, tmp_path):
    _s, data, geo = out
    jena.run(raw_dir, tmp_path / "d", tmp_path / "g")
    assert (tmp_path / "d" / jena.OUT_OBS).read_bytes() == (data / jena.OUT_OBS).read_bytes()
    assert (tmp_path / "g" / jena.OUT_GEO).read_bytes() == (geo / jena.OUT_GEO).read_bytes()
    assert (paths.DATA_DIR / jena.OUT_OBS).read_bytes() == (data / jena.OUT_OBS).read_bytes()
    assert (paths.GEODATA_DIR / jena.OUT_GEO).read_bytes() == (geo / jena.OUT_GEO).read_bytes()


def test_catalogue_knows_the_jena_indicators():
    ind = catalogue.load_indikatoren(paths.DATA_DIR).set_index("id")
    for i in jena.INDICATORS:
        assert ind.loc[i, "quelle"] == "jena_statbez"
        assert "vor Veröffentlichung prüfen" in ind.loc[i, "lizenz"]
        assert set(ind.loc[i, "ebenen"].split(";")) == {"kreis", "stadtbezirk"}
    assert ind.loc["anteil_einpersonenhaushalte", "aggregation"] == "quote"
    assert catalogue.validate(paths.DATA_DIR) == []


def copy_raw(raw_dir, tmp_path):
    dest = tmp_path / "raw"
    shutil.copytree(raw_dir / RAW, dest / RAW)
    for p in (dest / RAW).iterdir():
        p.chmod(0o644)
    return dest


def test_missing_file_stops_with_german_message(raw_dir, tmp_path):
    raw = copy_raw(raw_dir, tmp_path)
    (raw / RAW / "hh_priv_1.csv").unlink()
    with pytest.raises(RawInputError, match="hh_priv_1.csv: Datei fehlt"):
        jena.run(raw, tmp_path / "d", tmp_path / "g")
    assert not (tmp_path / "d").exists() and not (tmp_path / "g").exists()


def test_totals_that_do_not_add_up_are_refused(raw_dir, tmp_path):
    raw = copy_raw(raw_dir, tmp_path)
    path = raw / RAW / "hh_priv.csv"
    text = path.read_text(encoding="utf-8").replace("Ammerbach Ort,11,195,", "Ammerbach Ort,11,95,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RawInputError, match="2006: Die Bezirke ergeben"):
        jena.run(raw, tmp_path / "d", tmp_path / "g")
