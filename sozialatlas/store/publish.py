"""Publish: a consistent, read-only snapshot of the admin database for public instances.

The snapshot holds the current state only (base data, imported indicators, Planungsräume); the
version history, replaced rows and the names of who changed what stay on the admin instance. It records
the version it was taken at, the data hash and the time in `meta`, and is marked as a snapshot, so
nothing (build, import, rollback) will ever write into it.
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from sozialatlas import settings
from sozialatlas.errors import SozialatlasError
from sozialatlas.store import db, praesentationen, versions
from sozialatlas.store.scalar import scalar


class PublishError(SozialatlasError):
    pass


def write_snapshot(src_db_path, out_path) -> dict:
    """Copy the database at `src_db_path` into a new read-only file `out_path`; returns its meta.

    The copy is taken under the writers' lock (no import can change the source half-way) and written
    beside the target first, then renamed into place: a replica reading the old snapshot is never
    given a half-written file.
    """
    settings.require_admin()
    src, out = Path(src_db_path), Path(out_path)
    if not src.exists():
        raise PublishError(f"Datenbank {src} fehlt: `python -m sozialatlas build` ausführen.")
    if src.resolve() == out.resolve():
        raise PublishError("Der Schnappschuss braucht eine andere Datei als die Verwaltungsdatenbank.")
    if db.is_snapshot(src):
        raise PublishError(f"{src} ist selbst ein Schnappschuss; bitte die Verwaltungsdatenbank angeben.")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".tmp-{os.getpid()}")
    db._remove(tmp)
    try:
        with db._locked(src), db.german_disk_full(out):
            con = duckdb.connect(str(tmp))
            try:
                alias = db.unused_alias(con, "verwaltung")
                con.execute(f"ATTACH {db.sql_string(src)} AS {alias} (READ_ONLY)")
                con.execute(f"COPY FROM DATABASE {alias} TO {_catalog(con)}")
                con.execute(f"DETACH {alias}")
                version = versions.current_version(con)
                hidden = [t for t in versions._tables(con) if t.endswith((versions.HIST, versions.HIDDEN))]
                for t in hidden:
                    con.execute(f"DROP TABLE {versions._q(t)}")
                con.execute("DELETE FROM dataset_version")
                praesentationen.strip_unpublished(con)  # drafts stay on the admin instance
                _strip_personal(con)
                meta = {
                    "snapshot": "ja",
                    "version": str(version),
                    "veroeffentlicht_am": datetime.now(UTC).isoformat(timespec="seconds"),
                }
                con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(meta.items()))
                con.execute("CHECKPOINT")
                result = dict(con.execute("SELECT key, value FROM meta").fetchall())
            finally:
                con.close()
        # Compact copy: a fresh file holds no space of the dropped history tables.
        with db.german_disk_full(out):
            _compact(tmp)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp, out)
    finally:
        db._remove(tmp)
        db._remove(Path(str(tmp) + ".kompakt"))
    result["datei"] = str(out)
    return result


# Columns that name a person of the admin side; BETRIEB.md promises they never reach a public snapshot.
PERSONAL_COLUMNS = ("erstellt_von", "geaendert_von", "wer")


def _strip_personal(con: duckdb.DuckDBPyConnection) -> None:
    """Admin names and the original file names of imports stay on the admin instance."""
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main'"
    ).fetchall():
        if column in PERSONAL_COLUMNS or column == "datei":
            con.execute(f"UPDATE {versions._q(table)} SET {versions._q(column)} = NULL")
    # An imported source's reference was "Datei <original name>" (see versions.apply_import).
    con.execute(
        "UPDATE quelle SET referenz = 'eigene Daten, importiert' "
        "WHERE version_id IS NOT NULL AND referenz LIKE 'Datei %'"
    )


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return versions._q(scalar(con.execute("SELECT current_database()")))


def _compact(path: Path) -> None:
    dense = Path(str(path) + ".kompakt")
    db._remove(dense)
    con = duckdb.connect(str(dense))
    try:
        alias = db.unused_alias(con, "voll")
        con.execute(f"ATTACH {db.sql_string(path)} AS {alias} (READ_ONLY)")
        con.execute(f"COPY FROM DATABASE {alias} TO {_catalog(con)}")
        con.execute(f"DETACH {alias}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(dense, path)
