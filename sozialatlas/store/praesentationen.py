"""Präsentationen (slide decks made of atlas views): tables and SQL.

A Präsentation is an ordered list of Folien; each Folie is a view of the atlas given by its URL (path and
query, e.g. `/kreisvergleich?indikator=schuldnerquote&jahr=2019`), a title and a Kernaussage. The tables
start with `praesentation_`, so sozialatlas.store.versions versions them like every user table (every
save is a version, rollback restores) and db.build carries them into a rebuilt database. A published
snapshot (store.publish) holds them too; the public instance shows only `veroeffentlicht` ones.

Checking what a Folie points to (known page, indicator, year) is the view's job
(sozialatlas.views.praesentation.validate); this module writes only what it is given, in one transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd

from sozialatlas.store import versions
from sozialatlas.store.scalar import scalar

SCHEMA = """
CREATE TABLE IF NOT EXISTS praesentation_satz (
    id INTEGER PRIMARY KEY,
    titel TEXT NOT NULL,
    beschreibung TEXT,
    veroeffentlicht BOOLEAN NOT NULL DEFAULT false,
    geaendert_am TIMESTAMP
);
CREATE TABLE IF NOT EXISTS praesentation_folie (
    satz INTEGER NOT NULL,
    nr INTEGER NOT NULL,               -- 1, 2, … in presentation order
    titel TEXT NOT NULL,
    kernaussage TEXT,
    url TEXT NOT NULL,                 -- path and query inside the atlas, e.g. /kreisvergleich?indikator=…
    PRIMARY KEY (satz, nr)
);
"""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def exists(con: duckdb.DuckDBPyConnection) -> bool:
    """False in a database built before Präsentationen existed (until its next rebuild)."""
    return bool(
        scalar(
            con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                "AND table_name = 'praesentation_satz'"
            )
        )
    )


def list_all(con: duckdb.DuckDBPyConnection, nur_veroeffentlicht: bool = False) -> pd.DataFrame:
    """Every Präsentation with its number of Folien, by title."""
    if not exists(con):
        return pd.DataFrame(columns=["id", "titel", "beschreibung", "veroeffentlicht", "geaendert_am", "folien"])
    where = "WHERE s.veroeffentlicht" if nur_veroeffentlicht else ""
    return con.execute(
        f"""
        SELECT s.id, s.titel, s.beschreibung, s.veroeffentlicht, s.geaendert_am, count(f.nr) AS folien
        FROM praesentation_satz s LEFT JOIN praesentation_folie f ON f.satz = s.id
        {where} GROUP BY ALL ORDER BY s.titel, s.id
        """
    ).df()


def get(con: duckdb.DuckDBPyConnection, satz_id: int) -> tuple[dict, pd.DataFrame] | None:
    """(the Präsentation, its Folien in order) or None."""
    row = con.execute(
        "SELECT id, titel, beschreibung, veroeffentlicht, geaendert_am FROM praesentation_satz WHERE id = ?",
        [int(satz_id)],
    ).fetchone()
    if row is None:
        return None
    satz = dict(zip(["id", "titel", "beschreibung", "veroeffentlicht", "geaendert_am"], row))
    folien = con.execute(
        "SELECT nr, titel, kernaussage, url FROM praesentation_folie WHERE satz = ? ORDER BY nr", [int(satz_id)]
    ).df()
    return satz, folien


def save(con: duckdb.DuckDBPyConnection, satz: dict, folien: list[dict], wer: str) -> int:
    """Create (no `id`) or replace a Präsentation with its Folien as one version; returns its id."""
    versions.require_writable(con)
    with versions.transaction(con):
        sid = satz.get("id")
        if sid is None:
            sid = int(scalar(con.execute("SELECT coalesce(max(id), 0) + 1 FROM praesentation_satz")))
        else:
            sid = int(sid)
            con.execute("DELETE FROM praesentation_folie WHERE satz = ?", [sid])
            con.execute("DELETE FROM praesentation_satz WHERE id = ?", [sid])
        con.execute(
            "INSERT INTO praesentation_satz VALUES (?, ?, ?, ?, ?)",
            [
                sid,
                satz["titel"],
                satz.get("beschreibung") or None,
                bool(satz.get("veroeffentlicht", False)),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        con.executemany(
            "INSERT INTO praesentation_folie VALUES (?, ?, ?, ?, ?)",
            [[sid, i, f["titel"], f.get("kernaussage") or None, f["url"]] for i, f in enumerate(folien, start=1)],
        )
    # After the commit: a BEGIN inside an open DuckDB transaction aborts it. Inside db.writing a
    # failure here still discards the whole copy, so nothing is half written.
    versions.record_change(
        con, wer, "praesentation_gespeichert", {"name": satz["titel"], "praesentation": sid, "folien": len(folien)}
    )

    return sid


def set_published(con: duckdb.DuckDBPyConnection, satz_id: int, veroeffentlicht: bool, wer: str) -> None:
    versions.require_writable(con)
    with versions.transaction(con):
        con.execute(
            "UPDATE praesentation_satz SET veroeffentlicht = ? WHERE id = ?", [bool(veroeffentlicht), int(satz_id)]
        )
        titel = con.execute("SELECT titel FROM praesentation_satz WHERE id = ?", [int(satz_id)]).fetchone()
    # After the commit: a BEGIN inside an open DuckDB transaction aborts it. Inside db.writing a
    # failure here still discards the whole copy, so nothing is half written.
    versions.record_change(
        con,
        wer,
        "praesentation_gespeichert",
        {
            "name": (titel[0] if titel else str(satz_id))
            + (" (veröffentlicht)" if veroeffentlicht else " (zurückgezogen)")
        },
    )


def delete(con: duckdb.DuckDBPyConnection, satz_id: int, wer: str) -> None:
    versions.require_writable(con)
    with versions.transaction(con):
        titel = con.execute("SELECT titel FROM praesentation_satz WHERE id = ?", [int(satz_id)]).fetchone()
        con.execute("DELETE FROM praesentation_folie WHERE satz = ?", [int(satz_id)])
        con.execute("DELETE FROM praesentation_satz WHERE id = ?", [int(satz_id)])
    # After the commit: a BEGIN inside an open DuckDB transaction aborts it. Inside db.writing a
    # failure here still discards the whole copy, so nothing is half written.
    versions.record_change(con, wer, "praesentation_geloescht", {"name": titel[0] if titel else str(satz_id)})


def strip_unpublished(con: duckdb.DuckDBPyConnection) -> None:
    """In a snapshot for the public instance (store.publish): remove Präsentationen not marked published."""
    if not exists(con):
        return
    con.execute(
        "DELETE FROM praesentation_folie WHERE satz NOT IN (SELECT id FROM praesentation_satz WHERE veroeffentlicht)"
    )
    con.execute("DELETE FROM praesentation_satz WHERE NOT veroeffentlicht")
