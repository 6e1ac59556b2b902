"""Read-only queries against the DuckDB database. Pure functions: a connection in, pandas out.

Catalogue, periods, shapes, sources — nothing here returns observation values. Values come protected from
`sozialatlas.protection.showable` (the unprotected readers are in `store.unprotected`, for protection only).
"""

from __future__ import annotations

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from sozialatlas.store.scalar import scalar

KREIS_STAENDE = ("ab-2021-07-01", "bis-2021-06-30")


def lebenslagen(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT id, name, beschreibung FROM lebenslage ORDER BY reihenfolge").df()


def indicators(con: duckdb.DuckDBPyConnection, ebene: str | None = None) -> pd.DataFrame:
    """The catalogue; with `ebene`, only indicators that have observations on that level."""
    sql = """
        SELECT i.*, l.name AS lebenslage_name, l.reihenfolge AS lebenslage_reihenfolge,
               q.titel AS quelle_titel, q.herausgeber AS quelle_herausgeber, q.stand AS quelle_stand
        FROM indikator i
        JOIN lebenslage l ON l.id = i.lebenslage
        LEFT JOIN quelle q ON q.id = i.quelle
    """
    params: list = []
    if ebene:
        sql += " WHERE EXISTS (SELECT 1 FROM {obs} b WHERE b.indikator = i.id AND b.ebene = ?)"
        params.append(ebene)
    sql += " ORDER BY l.reihenfolge, i.name"
    return _with_periods(con, sql, params)


def _with_periods(
    con: duckdb.DuckDBPyConnection, sql: str, params: list, *, fallback: str | None = None
) -> pd.DataFrame:
    """Run `sql` on the period summary (db.PERIODS_TABLE: a few hundred rows) in place of `{obs}`; a
    database built before the summary existed is read from all observations (same result)."""
    from sozialatlas.store import db

    return _with_summary(con, db.PERIODS_TABLE, sql, params, fallback=fallback)


def _with_summary(
    con: duckdb.DuckDBPyConnection, table: str, sql: str, params: list, *, fallback: str | None = None
) -> pd.DataFrame:
    """Run `sql` with the summary `table` (db.SUMMARY_TABLES) in place of `{obs}`, or `fallback` (default:
    `sql` on all observations) when the database was built before that summary existed."""
    # checked, not tried: a failed statement would abort a caller's open transaction
    has = scalar(
        con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'", [table])
    )
    if has:
        return con.execute(sql.replace("{obs}", table), params).df()
    return con.execute(fallback or sql.replace("{obs}", "beobachtung"), params).df()


def area_years(con: duckdb.DuckDBPyConnection, ebene: str, schluessel: str) -> pd.DataFrame:
    """Per indicator (and Gebietsstand) the newest year with a stored value for one area, and how many
    values it has: what a profile of a Gemeinde (or Kreis, Stadtbezirk …) lists. Indicators without a
    value for the area are absent. Years and counts only — the values come through the Geheimhaltung
    (sozialatlas.protection). Read from db.AREAS_TABLE (stored in area order: a few row groups for
    Germany) where the database has it."""
    from sozialatlas.store import db

    return _with_summary(
        con,
        db.AREAS_TABLE,
        "SELECT indikator, gebietsstand, jahr_neuester_wert AS jahr, n_werte FROM {obs} "
        "WHERE ebene = ? AND schluessel = ? AND n_werte > 0 ORDER BY indikator, gebietsstand",
        [ebene, schluessel],
        fallback="SELECT indikator, gebietsstand, max(jahr) AS jahr, count(wert) AS n_werte FROM beobachtung "
        "WHERE ebene = ? AND schluessel = ? AND wert IS NOT NULL GROUP BY indikator, gebietsstand "
        "ORDER BY indikator, gebietsstand",
    )


def indicator(con: duckdb.DuckDBPyConnection, indikator: str) -> dict:
    df = indicators(con)
    row = df[df["id"] == indikator]
    if row.empty:
        raise KeyError(indikator)
    return row.iloc[0].to_dict()


def periods(con: duckdb.DuckDBPyConnection, indikator: str, ebene: str) -> pd.DataFrame:
    """Which (gebietsstand, jahr) combinations exist for an indicator on a level, newest first."""
    return _with_periods(
        con,
        "SELECT gebietsstand, jahr, n_werte, n FROM {obs} WHERE indikator = ? AND ebene = ? "
        "ORDER BY jahr DESC, gebietsstand",
        [indikator, ebene],
        fallback="SELECT gebietsstand, jahr, count(wert) AS n_werte, count(*) AS n FROM beobachtung "
        "WHERE indikator = ? AND ebene = ? GROUP BY gebietsstand, jahr ORDER BY jahr DESC, gebietsstand",
    )


def shapes(con: duckdb.DuckDBPyConnection, ebene: str, gebietsstand: str) -> gpd.GeoDataFrame:
    df = con.execute(
        "SELECT schluessel, name, bez, flaeche_km2, geom FROM region "
        "WHERE ebene = ? AND gebietsstand = ? ORDER BY schluessel",
        [ebene, gebietsstand],
    ).df()
    geoms = shapely.from_wkb([bytes(b) for b in df.pop("geom")])
    return gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4326")


def sources(con: duckdb.DuckDBPyConnection, ids: list[str]) -> pd.DataFrame:
    if not ids:
        return pd.DataFrame(columns=["id", "titel", "herausgeber", "lizenz", "stand"])
    return con.execute(
        "SELECT id, titel, herausgeber, lizenz, stand, referenz FROM quelle WHERE list_contains(?, id) ORDER BY id",
        [list(ids)],
    ).df()


def coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per indicator: levels, years and source — what the start page and 'Daten & Quellen' show."""
    sql = """
        SELECT l.reihenfolge, l.name AS lebenslage, i.id, i.name AS indikator, i.einheit,
               string_agg(DISTINCT b.ebene, ', ' ORDER BY b.ebene) AS ebenen,
               min(b.jahr) AS von, max(b.jahr) AS bis, {werte} AS werte,
               q.titel AS quelle, q.lizenz
        FROM indikator i JOIN lebenslage l ON l.id = i.lebenslage
        LEFT JOIN {obs} b ON b.indikator = i.id
        LEFT JOIN quelle q ON q.id = i.quelle
        GROUP BY ALL ORDER BY l.reihenfolge, i.name
        """
    return _with_periods(
        con,
        sql.replace("{werte}", "CAST(coalesce(sum(b.n_werte), 0) AS BIGINT)"),
        [],
        fallback=sql.replace("{werte}", "count(b.wert)").replace("{obs}", "beobachtung"),
    )


def meta(con: duckdb.DuckDBPyConnection) -> dict:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def brueche(con: duckdb.DuckDBPyConnection, indikator: str) -> pd.DataFrame:
    """Series breaks of an indicator (jahr, hinweis, quelle), oldest first: values before `jahr` are not
    comparable with those from `jahr` on. Empty for a database built before data/brueche.csv existed."""
    has = scalar(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'bruch'"))
    if not has:
        return pd.DataFrame(columns=["jahr", "hinweis", "quelle"])
    return con.execute("SELECT jahr, hinweis, quelle FROM bruch WHERE indikator = ? ORDER BY jahr", [indikator]).df()


def kreis_completeness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per indicator with Kreis data: the newest year with a stored value for every Kreis of the current
    Gebietsstand and for Thüringen (`jahr_komplett`, NULL if none) and the number of Kreis years. Counts
    only — which indicator a page opens on, never a value shown."""
    sql = """
        WITH n AS (SELECT count(*) AS n FROM region WHERE ebene = 'kreis' AND gebietsstand = 'ab-2021-07-01'),
        k AS (
            SELECT indikator, jahr, {n_werte} AS n_werte FROM {obs}
            WHERE ebene = 'kreis' AND gebietsstand = 'ab-2021-07-01' GROUP BY ALL
        ),
        l AS (SELECT DISTINCT indikator, jahr FROM {obs} WHERE ebene = 'land' AND {has_value})
        SELECT i.indikator,
               max(CASE WHEN k.n_werte >= n.n AND l.jahr IS NOT NULL THEN k.jahr END) AS jahr_komplett,
               (SELECT count(DISTINCT jahr) FROM {obs} b
                WHERE b.indikator = i.indikator AND b.ebene = 'kreis') AS n_jahre
        FROM (SELECT DISTINCT indikator FROM {obs} WHERE ebene = 'kreis') i
        CROSS JOIN n
        LEFT JOIN k ON k.indikator = i.indikator
        LEFT JOIN l ON l.indikator = k.indikator AND l.jahr = k.jahr
        GROUP BY i.indikator, n.n ORDER BY i.indikator
        """
    return _with_periods(
        con,
        sql.replace("{n_werte}", "sum(n_werte)").replace("{has_value}", "n_werte > 0"),
        [],
        fallback=sql.replace("{n_werte}", "count(wert)")
        .replace("{has_value}", "wert IS NOT NULL")
        .replace("{obs}", "beobachtung"),
    )


def observation_periods(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every (indikator, ebene, gebietsstand, jahr) that holds observations, with their count."""
    return _with_periods(
        con,
        "SELECT indikator, ebene, gebietsstand, jahr, n FROM {obs} ORDER BY indikator, ebene, gebietsstand, jahr",
        [],
        fallback="SELECT indikator, ebene, gebietsstand, jahr, count(*) AS n FROM beobachtung "
        "GROUP BY ALL ORDER BY indikator, ebene, gebietsstand, jahr",
    )


def observation_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(scalar(con.execute("SELECT count(*) FROM beobachtung")))


def regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every region with its keys and parents, without geometry."""
    return con.execute(
        "SELECT ebene, gebietsstand, schluessel, name, bez, parent, kreis_bis, kreis_ab, verband, flaeche_km2, "
        "geometrie_quelle FROM region ORDER BY ebene, gebietsstand, schluessel"
    ).df()


def observation_keys(
    con: duckdb.DuckDBPyConnection, indikator: str, ebene: str, gebietsstand: str, jahr: int
) -> list[str]:
    """The keys that hold an observation (a region without one is 'keine Daten', not an observation)."""
    rows = con.execute(
        "SELECT schluessel FROM beobachtung WHERE indikator = ? AND ebene = ? AND gebietsstand = ? AND jahr = ?",
        [indikator, ebene, gebietsstand, int(jahr)],
    ).fetchall()
    return [r[0] for r in rows]


def newest_kreis_period(
    con: duckdb.DuckDBPyConnection, indikator: str, staende: tuple[str, ...] | list[str] = KREIS_STAENDE
) -> tuple[int, str] | None:
    """(jahr, gebietsstand) of the newest year with a stored Kreis value on one of `staende` (the current
    Gebietsstand first within a year), or None. Which year to show, never a value: the values come through
    the Geheimhaltung (sozialatlas.protection.showable)."""
    df = _with_periods(
        con,
        "SELECT jahr, gebietsstand FROM {obs} WHERE indikator = ? AND ebene = 'kreis' "
        "AND n_werte > 0 AND list_contains(?, gebietsstand) "
        "ORDER BY jahr DESC, gebietsstand = 'ab-2021-07-01' DESC LIMIT 1",
        [indikator, list(staende)],
        fallback="SELECT jahr, gebietsstand FROM beobachtung WHERE indikator = ? AND ebene = 'kreis' "
        "AND wert IS NOT NULL AND list_contains(?, gebietsstand) "
        "ORDER BY jahr DESC, gebietsstand = 'ab-2021-07-01' DESC LIMIT 1",
    )
    return None if df.empty else (int(df["jahr"].iloc[0]), df["gebietsstand"].iloc[0])


def observation_levels(con: duckdb.DuckDBPyConnection, indikator: str) -> list[str]:
    """The levels (ebene) an indicator has observations on, alphabetically."""
    df = _with_periods(con, "SELECT DISTINCT ebene FROM {obs} WHERE indikator = ? ORDER BY ebene", [indikator])
    return list(df["ebene"])


def value_years(con: duckdb.DuckDBPyConnection, indikator: str, ebene: str) -> list[int]:
    """The years with at least one stored value of an indicator on a level, newest first."""
    df = _with_periods(
        con,
        "SELECT DISTINCT jahr FROM {obs} WHERE indikator = ? AND ebene = ? AND n_werte > 0 ORDER BY jahr DESC",
        [indikator, ebene],
        fallback="SELECT DISTINCT jahr FROM beobachtung WHERE indikator = ? AND ebene = ? AND wert IS NOT NULL "
        "ORDER BY jahr DESC",
    )
    return [int(j) for j in df["jahr"]]


def kreis_staende_of_indicator(con: duckdb.DuckDBPyConnection, indikator: str) -> set[str]:
    """The Gebietsstände an indicator has Kreis observations on."""
    df = _with_periods(
        con, "SELECT DISTINCT gebietsstand FROM {obs} WHERE indikator = ? AND ebene = 'kreis'", [indikator]
    )
    return set(df["gebietsstand"])
