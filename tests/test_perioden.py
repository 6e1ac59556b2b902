"""The period summary (db.PERIODS_TABLE) answers what the pages ask — which indicators a level has, which
years — exactly as a scan of all observations would, and follows every import and rollback."""

from __future__ import annotations

import pandas as pd
import pytest

from sozialatlas.store import db, queries, versions
from tests.versions_helpers import NEW_INDICATOR, copy_db, kreis_values


@pytest.fixture
def con(db_path, tmp_path):
    c = db.connect(copy_db(db_path, tmp_path), read_only=False)
    yield c
    c.close()


def _answers(con) -> dict:
    return {
        "indicators": {e: list(queries.indicators(con, e)["id"]) for e in ("kreis", "gemeinde", "gemeindeverband")},
        "periods": {
            (i, e): queries.periods(con, i, e)
            for i, e in (("arbeitslosenanteil", "gemeinde"), ("schuldnerquote", "kreis"), ("einwohner", "gemeinde"))
        },
        "coverage": queries.coverage(con),
    }


def _same(a: dict, b: dict) -> None:
    assert a["indicators"] == b["indicators"]
    for k in a["periods"]:
        pd.testing.assert_frame_equal(a["periods"][k], b["periods"][k])
    pd.testing.assert_frame_equal(a["coverage"], b["coverage"])


def test_summary_gives_the_same_answers_as_scanning_all_observations(con):
    with_summary = _answers(con)
    assert len(with_summary["periods"][("arbeitslosenanteil", "gemeinde")]) > 0
    con.execute(f"DROP TABLE {db.PERIODS_TABLE}")  # a database built before the summary existed
    _same(with_summary, _answers(con))


def test_observations_are_stored_in_the_order_pages_filter_by(con):
    keys = con.execute("SELECT indikator, ebene, gebietsstand, jahr, schluessel FROM beobachtung").fetchall()
    assert keys == sorted(keys)


def test_an_import_and_its_rollback_reach_the_summary(con):
    assert not any(i.startswith("testquote") for i in queries.indicators(con, "kreis")["id"])
    vid = versions.apply_import(con, NEW_INDICATOR, kreis_values(con, jahr=2023), "Frau Planer", "kita.xlsx")
    new = [i for i in queries.indicators(con, "kreis")["id"] if i.startswith("testquote")]
    assert len(new) == 1
    per = queries.periods(con, new[0], "kreis")
    assert list(per["jahr"]) == [2023] and int(per["n_werte"].iloc[0]) == 22
    versions.rollback(con, vid - 1, "admin")
    assert new[0] not in set(queries.indicators(con, "kreis")["id"])
    assert queries.periods(con, new[0], "kreis").empty
