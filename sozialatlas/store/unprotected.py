"""Unprotected reads: stored observations before the Geheimhaltung.

Only `sozialatlas.protection` (and `sozialatlas.areas.gebietsstand`, which sums the real counts of Eisenach
and the Wartburgkreis and protects the result before returning it) may import this module; an
import-linter contract in pyproject.toml enforces it. Everything else reads showable rows through
`sozialatlas.protection.showable`.

The left joins are the point: a region without an observation stays in the result (as 'keine Daten'); it
is never dropped and never filled with 0.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from sozialatlas.store.scalar import scalar


def values(con: duckdb.DuckDBPyConnection, indikator: str, ebene: str, gebietsstand: str, jahr: int) -> pd.DataFrame:
    """Every region of the level and Gebietsstand, with its observation or NULL."""
    return con.execute(
        """
        SELECT r.schluessel, r.name, r.bez, r.flaeche_km2,
               b.wert, b.zaehler, b.nenner, b.status, b.stand, b.hinweis, b.beispiel,
               b.quelle, q.titel AS quelle_titel, q.herausgeber AS quelle_herausgeber, q.lizenz
        FROM region r
        LEFT JOIN beobachtung b
          ON b.ebene = r.ebene AND b.schluessel = r.schluessel AND b.gebietsstand = r.gebietsstand
         AND b.indikator = ? AND b.jahr = ?
        LEFT JOIN quelle q ON q.id = b.quelle
        WHERE r.ebene = ? AND r.gebietsstand = ?
        ORDER BY r.schluessel
        """,
        [indikator, int(jahr), ebene, gebietsstand],
    ).df()


def land_row(con: duckdb.DuckDBPyConnection, indikator: str, jahr: int) -> dict | None:
    """The Thüringen observation (wert, zaehler, stand, status, quelle, quelle_titel, hinweis) or None."""
    row = con.execute(
        "SELECT b.wert, b.zaehler, b.stand, b.status, b.quelle, q.titel, b.hinweis FROM beobachtung b "
        "LEFT JOIN quelle q ON q.id = b.quelle "
        "WHERE b.indikator = ? AND b.ebene = 'land' AND b.jahr = ? AND b.wert IS NOT NULL",
        [indikator, int(jahr)],
    ).fetchone()
    if row is None:
        return None
    return dict(zip(["wert", "zaehler", "stand", "status", "quelle", "quelle_titel", "hinweis"], row))


def land_rows(con: duckdb.DuckDBPyConnection, indikator: str) -> pd.DataFrame:
    """Every Thüringen observation of `indikator` by year."""
    return con.execute(
        "SELECT b.jahr, b.schluessel, b.wert, b.zaehler, b.nenner, b.status, b.stand, b.hinweis, b.quelle, "
        "q.titel AS quelle_titel, q.lizenz FROM beobachtung b LEFT JOIN quelle q ON q.id = b.quelle "
        "WHERE b.indikator = ? AND b.ebene = 'land' ORDER BY b.jahr",
        [indikator],
    ).df()


def kreis_rows(con: duckdb.DuckDBPyConnection, indikator: str, jahr: int) -> dict[str, pd.DataFrame]:
    """{Gebietsstand: every Kreis with its count columns} for the Gebietsstände that have observations of
    `indikator` in `jahr`."""
    df = con.execute(
        """
        SELECT r.gebietsstand, r.schluessel, b.wert, b.zaehler, b.status, b.hinweis, b.indikator
        FROM region r
        LEFT JOIN beobachtung b ON b.ebene = r.ebene AND b.schluessel = r.schluessel
             AND b.gebietsstand = r.gebietsstand AND b.indikator = ? AND b.jahr = ?
        WHERE r.ebene = 'kreis' ORDER BY r.gebietsstand, r.schluessel
        """,
        [indikator, int(jahr)],
    ).df()
    return {
        s: part.drop(columns=["gebietsstand", "indikator"]).reset_index(drop=True)
        for s, part in df.groupby("gebietsstand")
        if part["indikator"].notna().any()
    }


def risky_kreis_years(
    con: duckdb.DuckDBPyConnection, indikator: str, col: str, min_count: int, marker: str
) -> set[int]:
    """Years with a small Kreis count in `col` (wert or zaehler) or a Kreis value the source withheld."""
    if col not in ("wert", "zaehler"):
        raise ValueError(col)
    return {
        int(j)
        for (j,) in con.execute(
            f"SELECT DISTINCT jahr FROM beobachtung WHERE indikator = ? AND ebene = 'kreis' "
            f"AND (({col} > 0 AND {col} < ?) OR (status = 'fehlend' AND hinweis LIKE ?))",
            [indikator, int(min_count), f"%{marker}%"],
        ).fetchall()
    }


def kreis_staende(con: duckdb.DuckDBPyConnection, indikator: str, jahr: int) -> set[str]:
    """Kreis Gebietsstände with observations of `indikator` in `jahr`."""
    return {
        s
        for (s,) in con.execute(
            "SELECT DISTINCT gebietsstand FROM beobachtung WHERE indikator = ? AND jahr = ? AND ebene = 'kreis'",
            [indikator, int(jahr)],
        ).fetchall()
    }


def has_level(con: duckdb.DuckDBPyConnection, indikator: str, jahr: int, ebene: str) -> bool:
    """True if `indikator` has observations on `ebene` in `jahr`."""
    return bool(
        scalar(
            con.execute(
                "SELECT count(*) FROM beobachtung WHERE indikator = ? AND jahr = ? AND ebene = ?",
                [indikator, int(jahr), ebene],
            )
        )
    )


def small_area_rows(
    con: duckdb.DuckDBPyConnection, indikator: str, jahr: int, ebene: str, gebietsstand: str
) -> pd.DataFrame:
    """Every region of a small-area level with its Kreis, Verband and observation (or NULL)."""
    return con.execute(
        """
        SELECT r.schluessel, r.name, r.bez, r.flaeche_km2, r.verband,
               CASE WHEN r.ebene = 'stadtbezirk' THEN r.parent ELSE r.kreis_ab END AS kreis,
               CASE WHEN r.ebene = 'gemeinde' THEN r.kreis_bis END AS kreis_bis,
               b.wert, b.zaehler, b.nenner, b.status, b.stand, b.hinweis, coalesce(b.beispiel, false) AS beispiel,
               b.quelle, q.titel AS quelle_titel, q.lizenz
        FROM region r
        LEFT JOIN beobachtung b ON b.ebene = r.ebene AND b.schluessel = r.schluessel
             AND b.gebietsstand = r.gebietsstand AND b.indikator = ? AND b.jahr = ?
        LEFT JOIN quelle q ON q.id = b.quelle
        WHERE r.ebene = ? AND r.gebietsstand = ?
        ORDER BY r.schluessel
        """,
        [indikator, int(jahr), ebene, gebietsstand],
    ).df()


def population_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with Gemeinde inhabitants (indicator 'einwohner')."""
    return [
        int(y)
        for (y,) in con.execute(
            "SELECT DISTINCT jahr FROM beobachtung WHERE indikator = 'einwohner' AND ebene = 'gemeinde' "
            "AND wert IS NOT NULL"
        ).fetchall()
    ]


def gemeinde_population(con: duckdb.DuckDBPyConnection, jahr: int) -> pd.DataFrame:
    """schluessel, einwohner, verband of every Gemeinde with inhabitants in `jahr`."""
    return con.execute(
        "SELECT b.schluessel, b.wert AS einwohner, r.verband FROM beobachtung b JOIN region r "
        "ON r.ebene = 'gemeinde' AND r.gebietsstand = b.gebietsstand AND r.schluessel = b.schluessel "
        "WHERE b.indikator = 'einwohner' AND b.ebene = 'gemeinde' AND b.jahr = ?",
        [int(jahr)],
    ).df()


def rate_ratios(con: duckdb.DuckDBPyConnection, indikator: str, limit: int = 500) -> list[float]:
    """wert / (zaehler / nenner) of observations with counts (to find a rate's factor)."""
    rows = con.execute(
        "SELECT wert / (zaehler / nenner) FROM beobachtung WHERE indikator = ? AND zaehler > 0 "
        "AND nenner > 0 AND wert > 0 LIMIT ?",
        [indikator, int(limit)],
    ).fetchall()
    return [r[0] for r in rows]


def indicator_row(con: duckdb.DuckDBPyConnection, indikator: str) -> dict | None:
    """The catalogue row with quelle_titel and quelle_lizenz, or None."""
    row = con.execute(
        "SELECT i.*, q.titel AS quelle_titel, q.lizenz AS quelle_lizenz FROM indikator i "
        "LEFT JOIN quelle q ON q.id = i.quelle WHERE i.id = ?",
        [indikator],
    ).df()
    return None if row.empty else row.iloc[0].to_dict()


def aggregation(con: duckdb.DuckDBPyConnection, indikator: str) -> str | None:
    row = con.execute("SELECT aggregation FROM indikator WHERE id = ?", [indikator]).fetchone()
    return row[0] if row else None


def indicator_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {i for (i,) in con.execute("SELECT id FROM indikator").fetchall()}


def kreis_names(con: duckdb.DuckDBPyConnection, gebietsstand: str) -> dict[str, str]:
    return dict(
        con.execute(
            "SELECT schluessel, name FROM region WHERE ebene = 'kreis' AND gebietsstand = ?", [gebietsstand]
        ).fetchall()
    )


def level_observations(
    con: duckdb.DuckDBPyConnection,
    ebene: str,
    indikatoren: list[str] | None = None,
    von_jahr: int | None = None,
    bis_jahr: int | None = None,
) -> pd.DataFrame:
    """Every observation on `ebene` (of `indikatoren`, or all; of the years von_jahr ≤ jahr < bis_jahr where
    given) with its source: indikator, gebietsstand, jahr, schluessel, wert, zaehler, nenner, status, stand,
    hinweis, beispiel, quelle, quelle_titel, quelle_herausgeber, lizenz. One read for many years
    (areas.gebietsstand.KreisValues, which reads the newest years first)."""
    sql = (
        "SELECT b.indikator, b.gebietsstand, b.jahr, b.schluessel, b.wert, b.zaehler, b.nenner, b.status, "
        "b.stand, b.hinweis, b.beispiel, b.quelle, q.titel AS quelle_titel, "
        "q.herausgeber AS quelle_herausgeber, q.lizenz "
        "FROM beobachtung b LEFT JOIN quelle q ON q.id = b.quelle WHERE b.ebene = ?"
    )
    params: list = [ebene]
    if indikatoren is not None:
        # a semi join, not list_contains: DuckDB pushes the join keys' min/max into the scan, so the zone maps
        # of the indicator-sorted table skip other indicators (Zeitreihen on Germany: 2.3× faster, same rows)
        sql += " AND b.indikator IN (SELECT unnest(?::TEXT[]))"
        params.append(list(indikatoren))
    if von_jahr is not None:
        sql += " AND b.jahr >= ?"
        params.append(int(von_jahr))
    if bis_jahr is not None:
        sql += " AND b.jahr < ?"
        params.append(int(bis_jahr))
    return con.execute(sql, params).df()
