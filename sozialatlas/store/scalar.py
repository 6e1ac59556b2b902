"""One value from a query: `scalar(con.execute("SELECT count(*) FROM …"))`.

For aggregates (count, max, EXISTS, current_database()), which always return exactly one row. It replaces
`.fetchone()[0]`, which DuckDB types as possibly None, and names the statement if a row is missing after all.
"""

from __future__ import annotations

from typing import Any

import duckdb


def scalar(cur: duckdb.DuckDBPyConnection) -> Any:
    """The first column of the first row of an executed statement; LookupError if it returned no row."""
    row = cur.fetchone()
    if row is None:
        raise LookupError("Die Abfrage hat keine Zeile geliefert (erwartet: genau ein Wert).")
    return row[0]
