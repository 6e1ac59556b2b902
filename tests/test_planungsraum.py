"""Planungsräume: definitions, validation, CSV, shapes and protected aggregates."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from sozialatlas.areas import planungsraum
from sozialatlas.areas.planungsraum import NotAggregatable, PlanungsraumError
from sozialatlas.protection import privacy, smallarea
from sozialatlas.store import db

SLF = "16073"  # Saalfeld-Rudolstadt, Kreis of the example
SOEM = "16068"


@pytest.fixture(scope="module")
def wcon(tmp_path_factory):
    """A writable database of its own (saves must not touch the shared test database)."""
    path = tmp_path_factory.mktemp("pr") / "sozialatlas.duckdb"
    db.build(path)
    con = db.connect(path, read_only=False)
    yield con
    con.close()


@pytest.fixture(scope="module")
def example(wcon) -> dict:
    defs = planungsraum.list_definitions(wcon, SLF)
    return defs[defs["beispiel"]].iloc[0].to_dict()


def counts(con):
    return (
        con.execute("SELECT count(*) FROM planungsraum_definition").fetchone()[0],
        con.execute("SELECT count(*) FROM planungsraum_member").fetchone()[0],
    )


def raw(con, indikator, jahr):
    return (
        con.execute(
            "SELECT schluessel, wert, zaehler, nenner FROM beobachtung WHERE indikator = ? "
            "AND ebene = 'gemeinde' AND jahr = ?",
            [indikator, jahr],
        )
        .df()
        .set_index("schluessel")
    )


# --------------------------------------------------------------------------------------- example


def test_example_is_the_real_gemeindeverbaende_of_saalfeld_rudolstadt(wcon, example):
    assert example["kreis_name"] == "Saalfeld-Rudolstadt"
    assert "Beispiel" in example["name"] and example["beispiel"]
    m = planungsraum.members(wcon, example["id"])
    gem = wcon.execute("SELECT schluessel, verband FROM region WHERE ebene = 'gemeinde' AND kreis_ab = ?", [SLF]).df()
    assert sorted(m["ags"]) == sorted(gem["schluessel"])  # every Gemeinde of the Kreis, once
    assert m["planungsraum"].nunique() == gem["verband"].nunique() == 10
    # Gemeinden of one Planungsraum share their official Gemeindeverband
    merged = m.merge(gem, left_on="ags", right_on="schluessel")
    assert (merged.groupby("planungsraum")["verband"].nunique() == 1).all()
    assert "Schwarzatal (VG)" in set(m["planungsraum"])


def test_shapes_are_the_dissolved_union_of_the_members(wcon, example):
    shp = planungsraum.shapes(wcon, example["id"])
    assert shp.crs.to_epsg() == 4326 and len(shp) == 10
    gem = wcon.execute(
        "SELECT r.schluessel, r.geom, m.planungsraum FROM planungsraum_member m "
        "JOIN region r ON r.ebene = 'gemeinde' AND r.schluessel = m.gemeinde_ags "
        "WHERE m.definition_id = ?",
        [example["id"]],
    ).df()
    import shapely

    parts = gpd.GeoDataFrame(gem, geometry=shapely.from_wkb([bytes(b) for b in gem["geom"]]), crs=4326)
    member_area = parts.to_crs(25832).assign(a=lambda d: d.area).groupby("planungsraum")["a"].sum()
    union_area = shp.to_crs(25832).set_index("planungsraum").area
    assert ((union_area / member_area - 1).abs() < 0.005).all()
    assert (shp.geometry.geom_type.isin(["Polygon", "MultiPolygon"])).all()
    # the Planungsräume together are the Kreis
    kreis = wcon.execute(
        "SELECT geom FROM region WHERE ebene = 'kreis' AND gebietsstand = 'ab-2021-07-01' AND schluessel = ?", [SLF]
    ).fetchone()[0]
    kreis_area = gpd.GeoSeries([shapely.from_wkb(bytes(kreis))], crs=4326).to_crs(25832).area[0]
    assert abs(union_area.sum() / kreis_area - 1) < 0.005


# --------------------------------------------------------------------------------------- aggregation


def test_counts_are_summed_over_members(wcon, example):
    agg = planungsraum.aggregate(wcon, example["id"], "erwerbsfaehige_bevoelkerung", 2021).set_index("planungsraum")
    r = raw(wcon, "erwerbsfaehige_bevoelkerung", 2021)
    m = planungsraum.members(wcon, example["id"])
    for pr, part in m.groupby("planungsraum"):
        assert agg.loc[pr, "wert"] == r.loc[part["ags"], "wert"].sum()
        assert agg.loc[pr, "n_gemeinden"] == len(part)
    assert agg["beispiel"].all()  # values of an example definition carry the flag


def test_rates_are_recomputed_never_averaged(wcon, example):
    agg = planungsraum.aggregate(wcon, example["id"], "arbeitslosenanteil", 2021).set_index("planungsraum")
    r = raw(wcon, "arbeitslosenanteil", 2021)
    part = planungsraum.members(wcon, example["id"]).query("planungsraum == 'Schwarzatal (VG)'")["ags"]
    z, n = r.loc[part, "zaehler"].sum(), r.loc[part, "nenner"].sum()
    row = agg.loc["Schwarzatal (VG)"]
    assert not row["gesperrt"]
    assert row["wert"] == pytest.approx(z / n * 100)
    averaged = r.loc[part, "wert"].mean()
    assert abs(averaged - row["wert"]) > 0.05  # averaging would give a different number
    assert row["zaehler"] == z and row["nenner"] == n


def test_factor_is_derived_from_the_data(con):
    assert smallarea.factor(con, smallarea._indicator(con, "arbeitslosenanteil")) == 100
    assert smallarea.factor(con, smallarea._indicator(con, "bevoelkerungsdichte")) == 1
    assert smallarea.factor(con, {"id": "gibt_es_nicht", "formel": "a / b × 1.000", "einheit": ""}) == 1000
    assert smallarea.factor(con, {"id": "gibt_es_nicht", "formel": "", "einheit": "Prozent"}) == 100


def test_index_cannot_be_aggregated(wcon, example):
    with pytest.raises(NotAggregatable, match="Index .* mitteln wäre"):
        planungsraum.aggregate(wcon, example["id"], "gisd_score", 2019)


def test_missing_member_value_gives_keine_daten(wcon, example):
    # einwohner 2023: Gemeinden touched by later mergers have no value
    agg = planungsraum.aggregate(wcon, example["id"], "einwohner", 2023)
    r = raw(wcon, "einwohner", 2023)
    m = planungsraum.members(wcon, example["id"])
    incomplete = {pr for pr, part in m.groupby("planungsraum") if r.reindex(part["ags"])["wert"].isna().any()}
    rows = agg.set_index("planungsraum")
    for pr in rows.index:
        if pr in incomplete:
            assert np.isnan(rows.loc[pr, "wert"]) and rows.loc[pr, "hinweis"].startswith("keine Daten")
        else:
            assert not np.isnan(rows.loc[pr, "wert"])


def test_aggregates_and_gemeinde_values_together_disclose_no_small_count(wcon, example):
    """Everything the Kleinräumig page shows for the Kreis: Gemeinde values, Planungsraum totals and
    the Kreis and Land totals. No hidden count may follow from them."""
    rules = privacy.Rules()
    vals = smallarea.values(wcon, "arbeitslose", 2021, rules=rules)
    agg = planungsraum.aggregate(wcon, example["id"], "arbeitslose", 2021, rules=rules)
    r = raw(wcon, "arbeitslose", 2021)
    cells = r["wert"].to_dict()
    small = {k for k, v in cells.items() if 0 < v < 3}
    assert small and small <= set(vals.loc[vals["gesperrt"], "schluessel"])
    shown = set(vals.loc[vals["wert"].notna(), "schluessel"])
    m = planungsraum.members(wcon, example["id"])
    published = [
        set(part["ags"])
        for pr, part in m.groupby("planungsraum")
        if not agg.set_index("planungsraum").loc[pr, "gesperrt"]
    ]
    kreise = vals.groupby("kreis")["schluessel"].apply(set).tolist()
    published += kreise + [set(cells)]
    assert set(privacy.audit(cells, published, shown)) & small == set()
    assert privacy.audit_intervals(cells, published, shown, small) == []
    # the published Planungsraum totals are exactly the sums of their members
    for pr, part in m.groupby("planungsraum"):
        row = agg.set_index("planungsraum").loc[pr]
        if not row["gesperrt"]:
            assert row["wert"] == r.loc[part["ags"], "wert"].sum()


# --------------------------------------------------------------------------------------- validation and saving


def mapping(rows):
    return pd.DataFrame(rows, columns=["ags", "planungsraum"])


def test_validate_reports_every_problem_in_german(wcon, example):
    bad = mapping(
        [
            ("16073077", "Nord"),  # ok
            ("16073999", "Nord"),  # no Gemeinde
            ("16068051", "Süd"),  # Sömmerda, other Kreis
            ("16073077", "Süd"),  # twice, different Planungsraum
            ("16073076", ""),  # empty name
        ]
    )
    problems = planungsraum.validate_mapping(wcon, SLF, bad, name=example["name"])
    text = "\n".join(problems)
    assert "16073999 ist kein Gemeindeschlüssel" in text
    assert "Sömmerda (16068051) gehört nicht zu Saalfeld-Rudolstadt, sondern zu Sömmerda" in text
    assert "zwei Planungsräumen zugeordnet: „Nord“ (Zeile 1) und „Süd“" in text
    assert "Zeile 5: Planungsraum ohne Namen" in text
    assert "bereits eine Gliederung namens" in text
    assert planungsraum.validate_mapping(wcon, SLF, mapping([]), name="x") == ["Die Zuordnung enthält keine Gemeinde."]
    assert "kein Thüringer Kreis" in planungsraum.validate_mapping(wcon, "09162", bad)[0]


def test_save_csv_round_trip_and_delete(wcon):
    gem = wcon.execute(
        "SELECT schluessel FROM region WHERE ebene = 'gemeinde' AND kreis_ab = ? ORDER BY 1", [SOEM]
    ).df()["schluessel"]
    m = mapping([(a, "Nord" if i % 2 else "Süd-West") for i, a in enumerate(gem)])
    before = counts(wcon)
    did = planungsraum.save(wcon, SOEM, "Zwei Hälften", m, wer="test", beschreibung="Test")
    assert counts(wcon) == (before[0] + 1, before[1] + len(gem))
    d = planungsraum.list_definitions(wcon, SOEM).set_index("id").loc[did]
    assert d["name"] == "Zwei Hälften" and not d["beispiel"] and d["n_planungsraeume"] == 2
    data = planungsraum.to_csv(wcon, did)
    assert data.startswith("\ufeff".encode()) and b"AGS;Gemeinde;Planungsraum" in data
    back = planungsraum.from_csv(data)
    assert sorted(zip(back["ags"], back["planungsraum"])) == sorted(zip(m["ags"], m["planungsraum"]))
    # the same name again is refused, nothing written
    with pytest.raises(PlanungsraumError, match="bereits eine Gliederung"):
        planungsraum.save(wcon, SOEM, "zwei hälften ", back)
    assert counts(wcon) == (before[0] + 1, before[1] + len(gem))
    planungsraum.delete(wcon, did)
    assert counts(wcon) == before
    with pytest.raises(PlanungsraumError, match="gibt es nicht"):
        planungsraum.delete(wcon, did)


def test_invalid_mapping_writes_nothing(wcon):
    before = counts(wcon)
    with pytest.raises(PlanungsraumError) as err:
        planungsraum.save(wcon, SOEM, "Fehlerhaft", mapping([("16068051", "A"), ("16073077", "B")]))
    assert "gehört nicht zu Sömmerda" in str(err.value)
    assert counts(wcon) == before


def test_saved_definition_is_recorded_as_dataset_version(wcon):
    versions = pytest.importorskip("sozialatlas.store.versions")
    did = planungsraum.save(wcon, SOEM, "Versioniert", mapping([("16068051", "Stadt")]))
    last = versions.list_versions(wcon).iloc[0]
    assert "Versioniert" in last["was"]
    planungsraum.delete(wcon, did)


# --------------------------------------------------------------------------------------- CSV reading


@pytest.mark.parametrize(
    "data",
    [
        "AGS;Planungsraum\n16073077;Süd\n16073076;Nord\n".encode(),
        "\ufeffAGS;Planungsraum\r\n16073077;Süd\r\n16073076;Nord\r\n".encode("utf-8"),
        "ags,planungsraum\n16073077.0,Süd\n16073076,Nord\n".encode("cp1252"),
        "Gemeinde;AGS;Planungsraum\nSaalfeld;16073077;Süd\nRudolstadt;160730076076;Nord\n".encode(),
        'AGS,Planungsraum\n"16073077","Süd"\n\n16073076,Nord\n'.encode(),
    ],
)
def test_from_csv_accepts_spreadsheet_variants(data):
    df = planungsraum.from_csv(data)
    assert list(zip(df["ags"], df["planungsraum"])) == [("16073077", "Süd"), ("16073076", "Nord")]


def test_from_csv_accepts_ags_without_leading_zero():
    df = planungsraum.from_csv(b"AGS;Planungsraum\n1001000;Flensburg\n")
    assert df["ags"].tolist() == ["01001000"]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Die Datei ist leer."),
        (b"Gemeinde;Raum\n16073077;A\n", "Zeile 1: Spalte(n) AGS und Planungsraum fehlen"),
        (b"AGS;Planungsraum\n16073077;A\nSaalfeld;B\n160730;C\n", "Zeile 3: „Saalfeld“ ist kein Gemeindeschlüssel"),
        (b"nur eine Spalte\n16073077\n", "Zeile 1: Die Kopfzeile braucht zwei Spalten"),
        (b"\x00\xff\xfe\x00binary", "Kopfzeile"),
    ],
)
def test_bad_csv_gives_german_errors_with_line_numbers(data, message):
    with pytest.raises(PlanungsraumError) as err:
        planungsraum.from_csv(data)
    assert message in str(err.value)


def test_bad_csv_line_numbers_for_every_bad_row():
    with pytest.raises(PlanungsraumError) as err:
        planungsraum.from_csv(b"AGS;Planungsraum\n16073077;A\nSaalfeld;B\n160730;C\n")
    assert [p.split(":")[0] for p in err.value.problems] == ["Zeile 3", "Zeile 4"]


def test_csv_row_numbers_reach_validation(wcon):
    df = planungsraum.from_csv(b"AGS;Planungsraum\n16073077;A\n\n16068051;B\n")
    problems = planungsraum.validate_mapping(wcon, SLF, df)
    assert problems == [
        "Zeile 4: Die Gemeinde Sömmerda (16068051) gehört nicht zu Saalfeld-Rudolstadt, sondern zu Sömmerda."
    ]


def test_read_only_connection_gets_a_german_error(con):
    with pytest.raises(PlanungsraumError, match="nur zum Lesen"):
        planungsraum.save(con, SOEM, "Nur lesen", mapping([(16068051.0, "A")]))


def test_numeric_ags_from_a_spreadsheet_is_accepted(wcon):
    did = planungsraum.save(wcon, SOEM, "Zahlen", mapping([(16068051.0, "Stadt"), ("16068034", "Land")]))
    assert sorted(planungsraum.members(wcon, did)["ags"]) == ["16068034", "16068051"]
    planungsraum.delete(wcon, did)
