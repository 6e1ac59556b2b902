"""What the database holds, as numbers (for `python -m sozialatlas info --json` and the start page)."""

from __future__ import annotations

import duckdb

from sozialatlas.domain import KREISE_AB
from sozialatlas.store.scalar import scalar

# A Lebenslage can be read across Thüringen when it has indicators with a value for every Kreis (22, ab
# 01.07.2021) in at least this many years – the yardstick `lebenslagen_kreis_zeitreihen` counts against.
MIN_VOLLE_JAHRE = 5


def kreis_zeitreihen(con: duckdb.DuckDBPyConnection, min_jahre: int = MIN_VOLLE_JAHRE) -> dict[str, int]:
    """Per Lebenslage (name, in order): indicators with ≥ min_jahre years in which every Kreis of the current
    Gebietsstand has a value. Read from the period summary where the database has it (few hundred rows)."""
    from sozialatlas.store import db

    has_periods = scalar(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'", [db.PERIODS_TABLE]
        )
    )
    perioden = (
        db.PERIODS_TABLE
        if has_periods
        else "(SELECT indikator, ebene, gebietsstand, jahr, count(wert) AS n_werte FROM beobachtung GROUP BY ALL)"
    )
    rows = con.execute(
        f"""
        WITH n_kreise AS (
            SELECT count(*) AS n FROM region WHERE ebene = 'kreis' AND gebietsstand = $stand AND NOT beispiel),
        voll AS (
            SELECT p.indikator FROM {perioden} p, n_kreise
            WHERE p.ebene = 'kreis' AND p.gebietsstand = $stand AND n_kreise.n > 0 AND p.n_werte >= n_kreise.n
            GROUP BY p.indikator HAVING count(DISTINCT p.jahr) >= $min_jahre)
        SELECT l.name, count(voll.indikator) FROM lebenslage l
        LEFT JOIN indikator i ON i.lebenslage = l.id LEFT JOIN voll ON voll.indikator = i.id
        GROUP BY l.name, l.reihenfolge ORDER BY l.reihenfolge
        """,
        {"stand": KREISE_AB, "min_jahre": int(min_jahre)},
    ).fetchall()
    return {name: n for name, n in rows}


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
        "lebenslagen_kreis_zeitreihen": kreis_zeitreihen(con),
    }
