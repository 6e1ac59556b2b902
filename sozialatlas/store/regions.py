"""Region reads: names, keys and outlines of Kreise, Gemeinden, Verbände and Jena's Bezirke.

Regions only — no observation values. A connection in, plain Python or pandas out; the geometry stays WKB
bytes here (the views turn it into shapes or SVG).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from sozialatlas import domain

if TYPE_CHECKING:
    import duckdb

# The region table holds small areas on one Gebietsstand per level.
SMALL_AREA_STAND = {
    "gemeinde": domain.GEMEINDEN_STAND,
    "gemeindeverband": domain.GEMEINDEN_STAND,
    "stadtbezirk": "jena-2017",
}


def kreise_by_name(con: duckdb.DuckDBPyConnection, gebietsstand: str = domain.KREISE_AB) -> pd.DataFrame:
    """schluessel, name, bez of the Kreise of one Gebietsstand, sorted by name."""
    return con.execute(
        "SELECT schluessel, name, bez FROM region WHERE ebene = 'kreis' AND gebietsstand = ? ORDER BY name",
        [gebietsstand],
    ).df()


def kreis_areas(con: duckdb.DuckDBPyConnection, gebietsstand: str) -> pd.DataFrame:
    """schluessel, name, bez, flaeche_km2 of the Kreise of one Gebietsstand, sorted by key."""
    return con.execute(
        "SELECT schluessel, name, bez, flaeche_km2 FROM region WHERE ebene = 'kreis' AND gebietsstand = ? "
        "ORDER BY schluessel",
        [gebietsstand],
    ).df()


def kreis_geom(con: duckdb.DuckDBPyConnection, schluessel: str, gebietsstand: str) -> bytes | None:
    """The outline (WKB) of one Kreis on one Gebietsstand, or None if there is no such Kreis."""
    row = con.execute(
        "SELECT geom FROM region WHERE ebene = 'kreis' AND schluessel = ? AND gebietsstand = ?",
        [schluessel, gebietsstand],
    ).fetchone()
    return row[0] if row else None


def land_geom(con: duckdb.DuckDBPyConnection) -> bytes | None:
    """The outline (WKB) of Thüringen, or None in a database without it."""
    row = con.execute("SELECT geom FROM region WHERE ebene = 'land'").fetchone()
    return row[0] if row else None


def small_area_geoms(con: duckdb.DuckDBPyConnection, ebene: str) -> pd.DataFrame:
    """schluessel, name, kreis, verband, geom (WKB) of every area of a small-area level, sorted by key.
    `kreis` is the Kreis of the 2021 Gebietsstand (for Jena's Bezirke: their parent, Jena)."""
    return con.execute(
        "SELECT schluessel, name, CASE WHEN ebene = 'stadtbezirk' THEN parent ELSE kreis_ab END AS kreis, "
        "verband, geom FROM region WHERE ebene = ? AND gebietsstand = ? ORDER BY schluessel",
        [ebene, SMALL_AREA_STAND[ebene]],
    ).df()


def lookup_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(ebene, gebietsstand, schluessel, name, parent) of every real region (no example regions): what an
    imported table's keys and names are checked against."""
    return con.execute("SELECT ebene, gebietsstand, schluessel, name, parent FROM region WHERE NOT beispiel").fetchall()


def kreise_by_key(con: duckdb.DuckDBPyConnection, gebietsstand: str) -> pd.DataFrame:
    """schluessel, name, bez of the Kreise of one Gebietsstand, sorted by key."""
    return con.execute(
        "SELECT schluessel, name, bez FROM region WHERE ebene = 'kreis' AND gebietsstand = ? ORDER BY schluessel",
        [gebietsstand],
    ).df()


def kreis_staende_of(con: duckdb.DuckDBPyConnection, schluessel: str) -> list[str]:
    """The Kreis-Gebietsstände that have a Kreis with this key (both for most, one for Eisenach 16056)."""
    return [
        s
        for (s,) in con.execute(
            "SELECT gebietsstand FROM region WHERE ebene = 'kreis' AND schluessel = ?", [schluessel]
        ).fetchall()
    ]


def gemeinde_keys(con: duckdb.DuckDBPyConnection, kreis: str, gebietsstand: str) -> set[str]:
    """The keys of the Gemeinden in Kreis `kreis` of Kreis-Gebietsstand `gebietsstand` (a Gemeinde knows its
    Kreis on both: kreis_ab for the current one, kreis_bis for the 23 Kreise before 01.07.2021)."""
    col = "kreis_ab" if gebietsstand == domain.KREISE_AB else "kreis_bis"
    return {
        k
        for (k,) in con.execute(
            f"SELECT schluessel FROM region WHERE ebene = 'gemeinde' AND {col} = ?", [kreis]
        ).fetchall()
    }


def region_row(con: duckdb.DuckDBPyConnection, ebene: str, schluessel: str, gebietsstand: str) -> dict | None:
    """name, bez, geom (WKB), kreis_ab of one region, or None if there is no such region."""
    row = con.execute(
        "SELECT name, bez, geom, kreis_ab FROM region WHERE ebene = ? AND schluessel = ? AND gebietsstand = ?",
        [ebene, schluessel, gebietsstand],
    ).fetchone()
    return dict(zip(("name", "bez", "geom", "kreis_ab"), row)) if row else None


def kreis_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every Kreis key of any Gebietsstand."""
    return {k for (k,) in con.execute("SELECT DISTINCT schluessel FROM region WHERE ebene = 'kreis'").fetchall()}
