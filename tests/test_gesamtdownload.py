"""Gesamtdownload (issue 15): the whole atlas as one ZIP, validated as a Frictionless data package, with
the Geheimhaltung exactly as on the pages."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialatlas import cli
from sozialatlas.protection import privacy, showable
from sozialatlas.render import datapackage
from sozialatlas.store import queries
from sozialatlas.views import gesamtdownload

# A count with small Gemeinde values, a rate with gesperrt Gemeinden, a Kreis series with Land values and a
# series on a Gebietsstand without boundaries (LoKoSR, before 2019): enough to exercise every path quickly.
SAMPLE = ["arbeitslose", "kinderarmut_sgb2_u15", "sgb2_quote", "flaeche_km2"]


@pytest.fixture(scope="module")
def bundle(db_path):
    from sozialatlas.store import db

    con = db.connect(db_path, read_only=True)
    try:
        yield gesamtdownload.build(con, indikatoren=SAMPLE)
    finally:
        con.close()


def test_cli_writes_a_zip_that_validates_as_a_data_package(db_path, tmp_path, capsys):
    frictionless = pytest.importorskip("frictionless")
    out = tmp_path / "alles.zip"
    args = ["export", "--db", str(db_path), "--out", str(out)]
    for ind in SAMPLE[1:3]:
        args += ["--indikator", ind]
    assert cli.main(args) == 0
    assert "Gesamtdownload geschrieben" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "x")
    assert {"beobachtungen.csv", "beobachtungen.parquet", "indikatoren.csv", "quellen.csv", "gebiete.csv"} <= names
    assert {"gebiete.gpkg", "datapackage.json", "README.md"} <= names
    report = frictionless.Package(str(tmp_path / "x" / "datapackage.json")).validate()
    assert report.valid, [(t.name, [e.message for e in t.errors[:3]]) for t in report.tasks if not t.valid]
    package = json.loads((tmp_path / "x" / "datapackage.json").read_text(encoding="utf-8"))
    obs_schema = next(r for r in package["resources"] if r["name"] == "beobachtungen")["schema"]
    assert all(f.get("description") for f in obs_schema["fields"]), "every observation field is described"
    readme = (tmp_path / "x" / "README.md").read_text(encoding="utf-8")
    assert "Geheimhaltung" in readme and "Lizenz" in readme


def test_every_stored_observation_is_in_the_bundle_or_named_as_left_out(bundle, con):
    periods = queries.observation_periods(con)
    stored = int(periods[periods["indikator"].isin(SAMPLE)]["n"].sum())
    assert bundle.n_gespeichert == stored
    left_out = stored - len(bundle.beobachtungen)
    # LoKoSR's Kreis figures before the 2019 boundary change have no polygons: left out, and said so.
    assert left_out > 0
    assert any("flaeche_km2" in note and "bis-2018-12-31" in note for note in bundle.ausgelassen)
    assert bundle.beobachtungen.groupby(["indikator", "ebene", "gebietsstand", "jahr", "schluessel"]).size().max() == 1


def test_csv_reads_back_as_german_spreadsheets_expect(bundle, tmp_path):
    datapackage.write(bundle, tmp_path / "ordner")
    raw = (tmp_path / "ordner" / "beobachtungen.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "BOM so Excel reads the umlauts"
    back = pd.read_csv(
        tmp_path / "ordner" / "beobachtungen.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype={"schluessel": str}
    )
    assert len(back) == len(bundle.beobachtungen)
    gesperrt = back[back["status"] == "gesperrt"]
    assert len(gesperrt) and gesperrt["wert"].isna().all() and gesperrt["zaehler"].isna().all()
    shown = back[back["status"].isin(["ok", "abgeleitet", "umgerechnet"])]
    assert shown["wert"].notna().all(), "a shown value is never blank"


def test_no_withheld_count_appears(bundle):
    rules = privacy.rules()
    obs = bundle.beobachtungen
    counts = obs[obs["indikator"] == "arbeitslose"]
    small = counts["wert"].between(0, rules.min_count, inclusive="neither")
    assert not small.any(), counts[small].head()
    assert (counts["status"] == "gesperrt").any(), "the sample must contain withheld Gemeinde counts"
    assert obs.loc[obs["status"] == "gesperrt", ["wert", "zaehler", "nenner"]].isna().all().all()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bundle_equals_what_the_pages_show(bundle, con, data):
    """Property: for any indicator-year-level of the bundle, the rows equal `showable.values`, the call the
    pages make — so the Geheimhaltung is exactly the same."""
    keys = bundle.beobachtungen[["indikator", "ebene", "gebietsstand", "jahr"]].drop_duplicates()
    pick = keys.iloc[data.draw(st.integers(0, len(keys) - 1))]
    mine = bundle.beobachtungen[
        (bundle.beobachtungen[["indikator", "ebene", "gebietsstand", "jahr"]] == pick.values).all(axis=1)
    ].set_index("schluessel")
    page = showable.values(con, pick["indikator"], pick["ebene"], pick["gebietsstand"], int(pick["jahr"]))
    page = page.set_index("schluessel").loc[mine.index]
    assert (mine["status"].fillna("") == page["status"].fillna("")).all()
    pd.testing.assert_series_equal(
        mine["wert"].astype(float), page["wert"].astype(float), check_names=False, check_exact=False
    )
