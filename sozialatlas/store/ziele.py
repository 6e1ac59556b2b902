"""Goals linked to indicators (Monitoring): tables and SQL.

The goals of the 15 strategies come from data/ziele.csv (table `ziel`, base data); planners add goals of
their own (`zielbezug_ziel`) and link any goal to indicators with a baseline year, a target direction or
target value and a target year (`zielbezug_indikator`). Both tables start with `zielbezug_`, so
sozialatlas.store.versions versions them (every change a version) and db.build carries them over.
A link with `kreis` NULL applies to every Kreis. Checks (known indicator, baseline present, …) are done
by sozialatlas.views.monitoring.validate_link before anything is written here.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from sozialatlas.store import versions
from sozialatlas.store.scalar import scalar

SCHEMA = """
CREATE TABLE IF NOT EXISTS zielbezug_ziel (
    id INTEGER PRIMARY KEY,
    lebenslage TEXT NOT NULL,
    ziel TEXT NOT NULL,
    kreis TEXT                          -- NULL: for every Kreis
);
CREATE TABLE IF NOT EXISTS zielbezug_indikator (
    id INTEGER PRIMARY KEY,
    lebenslage TEXT NOT NULL,
    ziel TEXT NOT NULL,                 -- the goal's text (ziel.ziel or zielbezug_ziel.ziel)
    indikator TEXT NOT NULL,
    basisjahr INTEGER NOT NULL,
    richtung TEXT NOT NULL,             -- senken | steigern
    zielwert DOUBLE,
    zieljahr INTEGER,
    kreis TEXT                          -- NULL: for every Kreis
);
"""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def goals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All goals: the strategies' (herkunft 'strategien') and the planners' own ('eigen')."""
    return con.execute(
        """
        SELECT z.lebenslage, l.name AS lebenslage_name, l.reihenfolge, z.ziel, 'strategien' AS herkunft,
               z.nennungen, CAST(NULL AS TEXT) AS kreis, CAST(NULL AS INTEGER) AS eigen_id
        FROM ziel z LEFT JOIN lebenslage l ON l.id = z.lebenslage
        UNION ALL
        SELECT e.lebenslage, l.name, l.reihenfolge, e.ziel, 'eigen', NULL, e.kreis, e.id
        FROM zielbezug_ziel e LEFT JOIN lebenslage l ON l.id = e.lebenslage
        ORDER BY reihenfolge, herkunft DESC, nennungen DESC NULLS LAST, ziel
        """
    ).df()


def links(con: duckdb.DuckDBPyConnection, kreis: str | None = None) -> pd.DataFrame:
    """Links that apply to `kreis` (its own and those for every Kreis); all links without `kreis`."""
    has = scalar(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND table_name = 'zielbezug_indikator'"
        )
    )
    if not has:  # a database built before goal links existed (until its next rebuild)
        return pd.DataFrame(
            columns=["id", "lebenslage", "ziel", "indikator", "basisjahr", "richtung", "zielwert", "zieljahr", "kreis"]
        )
    sql = (
        "SELECT id, lebenslage, ziel, indikator, basisjahr, richtung, zielwert, zieljahr, kreis "
        "FROM zielbezug_indikator"
    )
    params: list = []
    if kreis is not None:
        sql += " WHERE kreis IS NULL OR kreis = ?"
        params.append(kreis)
    return con.execute(sql + " ORDER BY lebenslage, ziel, indikator, id", params).df()


def add_goal(con: duckdb.DuckDBPyConnection, lebenslage: str, ziel: str, kreis: str | None, wer: str) -> int:
    versions.require_writable(con)
    with versions.transaction(con):
        gid = int(scalar(con.execute("SELECT coalesce(max(id), 0) + 1 FROM zielbezug_ziel")))
        con.execute("INSERT INTO zielbezug_ziel VALUES (?, ?, ?, ?)", [gid, lebenslage, ziel, kreis])
    # After the commit: a BEGIN inside an open DuckDB transaction aborts it. Inside db.writing a
    # failure here still discards the whole copy, so nothing is half written.
    versions.record_change(con, wer, "zielbezug_gespeichert", {"name": f"Ziel „{ziel}“"})

    return gid


def save_link(con: duckdb.DuckDBPyConnection, link: dict, wer: str) -> int:
    """Insert (no `id`) or replace a goal-indicator link as one version; returns its id."""
    versions.require_writable(con)
    with versions.transaction(con):
        lid = link.get("id")
        if lid is None:
            lid = int(scalar(con.execute("SELECT coalesce(max(id), 0) + 1 FROM zielbezug_indikator")))
        else:
            con.execute("DELETE FROM zielbezug_indikator WHERE id = ?", [int(lid)])
        con.execute(
            "INSERT INTO zielbezug_indikator VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                int(lid),
                link["lebenslage"],
                link["ziel"],
                link["indikator"],
                int(link["basisjahr"]),
                link["richtung"],
                link.get("zielwert"),
                link.get("zieljahr"),
                link.get("kreis"),
            ],
        )
    # After the commit: a BEGIN inside an open DuckDB transaction aborts it. Inside db.writing a
    # failure here still discards the whole copy, so nothing is half written.
    versions.record_change(con, wer, "zielbezug_gespeichert", {"name": f"{link['ziel']} → {link['indikator']}"})

    return int(lid)


def delete_link(con: duckdb.DuckDBPyConnection, link_id: int, wer: str) -> None:
    versions.require_writable(con)
    with versions.transaction(con):
        row = con.execute("SELECT ziel, indikator FROM zielbezug_indikator WHERE id = ?", [int(link_id)]).fetchone()
        con.execute("DELETE FROM zielbezug_indikator WHERE id = ?", [int(link_id)])
    # After the commit: a BEGIN inside an open DuckDB transaction aborts it. Inside db.writing a
    # failure here still discards the whole copy, so nothing is half written.
    versions.record_change(con, wer, "zielbezug_geloescht", {"name": f"{row[0]} → {row[1]}" if row else str(link_id)})
