"""What the database holds, as numbers (for `python -m sozialatlas info --json` and the start page)."""

from __future__ import annotations

import duckdb

from sozialatlas.store.scalar import scalar


def summary(con: duckdb.DuckDBPyConnection) -> dict:
    def counts(ebene: str) -> dict:
        rows = con.execute(
            "SELECT gebietsstand, count(*) FROM region WHERE ebene = ? AND NOT beispiel "
            "GROUP BY gebietsstand ORDER BY gebietsstand DESC",
            [ebene],
        ).fetchall()
        return {g: n for g, n in rows}

    one = lambda sql: scalar(con.execute(sql))  # noqa: E731
    lebenslagen = {
        name: n
        for name, n in con.execute(
            "SELECT l.name, count(i.id) FROM lebenslage l LEFT JOIN indikator i ON i.lebenslage = l.id "
            "GROUP BY l.name, l.reihenfolge ORDER BY l.reihenfolge"
        ).fetchall()
    }
    return {
        "regions": {
            "land": one("SELECT count(*) FROM region WHERE ebene = 'land'"),
            "kreis": counts("kreis"),
            "gemeinde": counts("gemeinde"),
        },
        "indicators": one("SELECT count(*) FROM indikator"),
        "observations": one("SELECT count(*) FROM beobachtung"),
        "observations_without_source": one(
            "SELECT count(*) FROM beobachtung b LEFT JOIN quelle q ON q.id = b.quelle "
            "WHERE b.quelle IS NULL OR b.quelle = '' OR q.id IS NULL"
        ),
        "observations_without_stand": one("SELECT count(*) FROM beobachtung WHERE stand IS NULL OR trim(stand) = ''"),
        "lebenslagen": lebenslagen,
    }
