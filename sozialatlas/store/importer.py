"""What the import check reads: the catalogue it validates metadata against and the stored values an
import would replace. Read only; writing an import is `store.versions.apply_import`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import duckdb


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def catalogue(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, dict], dict[str, str], dict[str, dict]]:
    """(indicators by id, Lebenslage names by id in their order, sources by id), as plain dicts."""
    indicators = {r["id"]: r for r in _records(con, "SELECT * FROM indikator")}
    lebenslagen = dict(con.execute("SELECT id, name FROM lebenslage ORDER BY reihenfolge").fetchall())
    quellen = {r["id"]: r for r in _records(con, "SELECT * FROM quelle")}
    return indicators, lebenslagen, quellen


def stored_values(con: duckdb.DuckDBPyConnection, indikator: str) -> pd.DataFrame:
    """ebene, gebietsstand, schluessel, jahr, wert_alt of every real (non-example) observation of
    `indikator`: what an import of the same indicator would replace."""
    return con.execute(
        "SELECT ebene, gebietsstand, schluessel, jahr, wert AS wert_alt FROM beobachtung "
        "WHERE indikator = ? AND NOT beispiel",
        [indikator],
    ).df()
