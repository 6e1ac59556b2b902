"""The area summary (db.AREAS_TABLE) behind the profile of one Gemeinde or Kreis: it exists after a build, in
area order (so a Germany-size database reads one row group per area), answers exactly what a plain scan of
all observations answers, follows imports and rollbacks and reaches a published snapshot. The other
queries moved onto the period summary answer as before, too."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from benchmarks import skalierung
from sozialatlas.store import db, publish, queries, unprotected, versions
from tests.versions_helpers import NEW_INDICATOR, copy_db, kreis_values

# Gemeinden, Kreise of both Gebietsstände, Thüringen, a Gemeindeverband and a Jena Stadtbezirk.
AREAS = [
    ("gemeinde", "16073077"),
    ("gemeinde", "16051000"),
    ("kreis", "16053"),
    ("kreis", "16056"),
    ("land", "16"),
    ("gemeindeverband", "160510000"),
    ("stadtbezirk", "100"),
]


def _plain(con, ebene: str, schluessel: str) -> pd.DataFrame:
    """The profile as a scan of all observations: per indicator the newest year with a value."""
    return con.execute(
        "SELECT indikator, gebietsstand, max(jahr) AS jahr, count(wert) AS n_werte FROM beobachtung "
        "WHERE ebene = ? AND schluessel = ? AND wert IS NOT NULL GROUP BY ALL ORDER BY indikator, gebietsstand",
        [ebene, schluessel],
    ).df()


@pytest.fixture
def rw(db_path, tmp_path):
    c = db.connect(copy_db(db_path, tmp_path), read_only=False)
    yield c
    c.close()


def test_build_writes_the_area_summary_in_area_order(con):
    assert db.AREAS_TABLE in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    keys = con.execute(f"SELECT ebene, schluessel, gebietsstand, indikator FROM {db.AREAS_TABLE}").fetchall()
    assert keys == sorted(keys)  # the order DuckDB's zone maps need to skip other areas
    groups = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT ebene, schluessel, gebietsstand, indikator FROM beobachtung)"
    ).fetchone()[0]
    assert len(keys) == groups > 1000


@pytest.mark.parametrize("ebene,schluessel", AREAS)
def test_profile_query_returns_the_rows_of_a_plain_scan(con, ebene, schluessel):
    got = queries.area_years(con, ebene, schluessel)
    want = _plain(con, ebene, schluessel)
    assert len(want) > 0
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert list(got.columns) == ["indikator", "gebietsstand", "jahr", "n_werte"]


def test_an_area_without_observations_has_an_empty_profile(con):
    assert queries.area_years(con, "gemeinde", "99999999").empty


def test_a_database_built_before_the_summary_gives_the_same_profile(rw):
    with_summary = {a: queries.area_years(rw, *a) for a in AREAS}
    rw.execute(f"DROP TABLE {db.AREAS_TABLE}")
    for a in AREAS:
        pd.testing.assert_frame_equal(queries.area_years(rw, *a), with_summary[a], check_dtype=False)


def _period_answers(con) -> dict:
    return {
        "observation_periods": queries.observation_periods(con),
        "kreis_completeness": queries.kreis_completeness(con),
        "value_years": [
            queries.value_years(con, i, e) for i, e in (("arbeitslosenanteil", "gemeinde"), ("schuldnerquote", "kreis"))
        ],
        "observation_levels": [queries.observation_levels(con, i) for i in ("arbeitslosenanteil", "einwohner")],
        "kreis_staende": [queries.kreis_staende_of_indicator(con, i) for i in ("arbeitslosenanteil", "einwohner")],
        "newest": [queries.newest_kreis_period(con, i) for i in ("arbeitslosenanteil", "schuldnerquote", "fehlt")],
    }


def test_queries_moved_onto_the_period_summary_answer_as_a_scan_does(rw):
    fast = _period_answers(rw)
    assert len(fast["observation_periods"]) > 100 and fast["kreis_completeness"]["jahr_komplett"].notna().any()
    assert fast["value_years"][0] and fast["newest"][0] is not None and fast["newest"][2] is None
    rw.execute(f"DROP TABLE {db.PERIODS_TABLE}")
    slow = _period_answers(rw)
    for k in ("observation_periods", "kreis_completeness"):
        pd.testing.assert_frame_equal(fast[k], slow[k], check_dtype=False)
    for k in ("value_years", "observation_levels", "kreis_staende", "newest"):
        assert fast[k] == slow[k], k


def test_an_import_and_its_rollback_reach_the_area_summary(rw):
    before = queries.area_years(rw, "kreis", "16053")
    vid = versions.apply_import(rw, NEW_INDICATOR, kreis_values(rw, jahr=2023), "Frau Planer", "kita.xlsx")
    after = queries.area_years(rw, "kreis", "16053")
    new = set(after["indikator"]) - set(before["indikator"])
    assert len(new) == 1 and after.loc[after["indikator"].isin(new), "jahr"].tolist() == [2023]
    pd.testing.assert_frame_equal(after, _plain(rw, "kreis", "16053"), check_dtype=False)
    versions.rollback(rw, vid - 1, "admin")
    pd.testing.assert_frame_equal(queries.area_years(rw, "kreis", "16053"), before)


def test_summaries_are_deterministic(rw):
    """`build` stays reproducible: rewriting the summaries gives the same rows in the same order."""
    first = {t: rw.execute(f"SELECT * FROM {t}").fetchall() for t in db.SUMMARY_TABLES}
    db.refresh_periods(rw)
    assert {t: rw.execute(f"SELECT * FROM {t}").fetchall() for t in db.SUMMARY_TABLES} == first


def test_published_snapshot_keeps_the_area_summary_in_area_order(db_path, tmp_path):
    out = tmp_path / "oeffentlich.duckdb"
    publish.write_snapshot(copy_db(db_path, tmp_path), out)
    with duckdb.connect(str(out), read_only=True) as snap, duckdb.connect(str(db_path), read_only=True) as src:
        rows = snap.execute(f"SELECT * FROM {db.AREAS_TABLE}").fetchall()
        assert rows == src.execute(f"SELECT * FROM {db.AREAS_TABLE}").fetchall()
        pd.testing.assert_frame_equal(
            queries.area_years(snap, "gemeinde", "16073077"), _plain(src, "gemeinde", "16073077"), check_dtype=False
        )


def test_benchmark_runs_every_page_query_on_thueringen(con):
    """The benchmark's list of page queries stays runnable as the store changes (it is not run in CI)."""
    pq = skalierung.page_queries(con, germany=False)
    assert {page for page, _ in pq} >= {"Kreisvergleich", "Zeitreihen", "Kreisprofil", "Lebenslagen", "Kleinräumig"}
    for fn in pq.values():
        fn()


@pytest.mark.parametrize(
    "indikatoren",
    [["arbeitslosenanteil"], ["arbeitslosenanteil", "schuldnerquote", "arbeitslosenanteil"], ["fehlt"], []],
)
def test_level_observations_of_some_indicators_are_the_rows_of_all_of_them(con, indikatoren):
    """The Geheimhaltung reads the same Kreis rows whichever way the indicator filter is written (the semi join
    replaced list_contains, which the scan could not use to skip other indicators)."""
    key = ["indikator", "gebietsstand", "jahr", "schluessel"]
    want = con.execute(
        "SELECT b.indikator, b.gebietsstand, b.jahr, b.schluessel, b.wert, b.zaehler, b.nenner, b.status, "
        "b.stand, b.hinweis, b.beispiel, b.quelle, q.titel AS quelle_titel, "
        "q.herausgeber AS quelle_herausgeber, q.lizenz "
        "FROM beobachtung b LEFT JOIN quelle q ON q.id = b.quelle WHERE b.ebene = 'kreis' "
        "AND list_contains(?, b.indikator)",
        [indikatoren],
    ).df()
    got = unprotected.level_observations(con, "kreis", indikatoren)
    sort = lambda df: df.sort_values(key).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(sort(got), sort(want))
    if indikatoren and indikatoren != ["fehlt"]:
        assert len(got) > 100
