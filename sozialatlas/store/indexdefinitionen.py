"""Saved Sozialindex definitions (admin instance) and the series breaks the index must respect.

A definition is the URL state of the Sozialindex page under a name: indicators, weights, level, year,
comparison year, reference. Saving records a dataset version (`versions.record_change`), so the log says
who stored which index when. Public instances cannot write (`versions.require_writable`).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import duckdb
import pandas as pd

from sozialatlas.errors import SozialatlasError
from sozialatlas.store.scalar import scalar

TABLE = "sozialindex_definition"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    name TEXT PRIMARY KEY, definition TEXT NOT NULL, erstellt_am TIMESTAMP, erstellt_von TEXT);
"""
MAX_NAME = 80


class IndexdefinitionError(SozialatlasError):
    """Bad name or definition; str() is a German sentence."""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        scalar(
            con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ?",
                [TABLE],
            )
        )
    )


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", str(name or "")).strip()
    if not name:
        raise IndexdefinitionError("Bitte einen Namen für die Index-Definition angeben.")
    if len(name) > MAX_NAME:
        raise IndexdefinitionError(f"Der Name ist zu lang ({len(name)} Zeichen, höchstens {MAX_NAME}).")
    if re.search(r"[\x00-\x1f\x7f]", name):
        raise IndexdefinitionError("Der Name darf keine Steuerzeichen enthalten.")
    return name


def save(con: duckdb.DuckDBPyConnection, name: str, definition: dict, wer: str = "admin") -> None:
    """Store (or replace) a definition by name and record the change as a version."""
    from sozialatlas.store import versions

    versions.require_writable(con)
    name = _clean_name(name)
    if not isinstance(definition, dict) or not definition.get("indikatoren"):
        raise IndexdefinitionError("Eine Index-Definition braucht mindestens einen Indikator.")
    text = json.dumps(definition, ensure_ascii=False, sort_keys=True)
    create_schema(con)
    con.execute(
        f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?, ?, ?)",
        [name, text, datetime.now(UTC).replace(tzinfo=None), wer],
    )
    versions.record_change(con, wer, f"Sozialindex gespeichert: {name}", {"name": name, **definition})


def delete(con: duckdb.DuckDBPyConnection, name: str, wer: str = "admin") -> None:
    from sozialatlas.store import versions

    versions.require_writable(con)
    if not _has_table(con) or not scalar(con.execute(f"SELECT count(*) FROM {TABLE} WHERE name = ?", [name])):
        raise IndexdefinitionError(f"Eine Index-Definition „{name}“ gibt es nicht.")
    con.execute(f"DELETE FROM {TABLE} WHERE name = ?", [name])
    versions.record_change(con, wer, f"Sozialindex gelöscht: {name}", {"name": name})


def list_definitions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """name, definition (dict), erstellt_am, erstellt_von — sorted by name; empty without the table."""
    if not _has_table(con):
        return pd.DataFrame(columns=["name", "definition", "erstellt_am", "erstellt_von"])
    df = con.execute(f"SELECT name, definition, erstellt_am, erstellt_von FROM {TABLE} ORDER BY name").df()
    df["definition"] = [json.loads(t) for t in df["definition"]]
    return df


def load(con: duckdb.DuckDBPyConnection, name: str) -> dict:
    df = list_definitions(con)
    row = df[df["name"] == name]
    if row.empty:
        raise IndexdefinitionError(f"Eine Index-Definition „{name}“ gibt es nicht.")
    return dict(row.iloc[0]["definition"])


def reihenbrueche(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[int]]:
    """Years from which a series is not comparable with earlier ones (INKAR "Reihenbruch ab …"), per id.

    Read from the observations' notes (the INKAR ETL writes "Reihenbruch ab JAHR" into the first year
    after a break) and, where the build has loaded data/brueche.csv, from a table `reihenbruch`/`bruch`.
    """
    out: dict[str, set[int]] = {i: set() for i in ids}
    if not ids:
        return {}
    rows = con.execute(
        "SELECT DISTINCT indikator, jahr FROM beobachtung WHERE list_contains(?, indikator) "
        "AND hinweis LIKE '%Reihenbruch%'",
        [list(ids)],
    ).fetchall()
    for ind, jahr in rows:
        out[ind].add(int(jahr))
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for t in ("reihenbruch", "reihenbrueche", "bruch", "brueche"):
        if t in tables:
            for ind, jahr in con.execute(
                f"SELECT indikator, jahr FROM {t} WHERE list_contains(?, indikator)", [list(ids)]
            ).fetchall():
                out[ind].add(int(jahr))
    return {k: sorted(v) for k, v in out.items()}
