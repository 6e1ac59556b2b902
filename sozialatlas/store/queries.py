"""Read-only queries against the DuckDB database. Pure functions: a connection in, pandas out."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

KREIS_STAENDE = ("ab-2021-07-01", "bis-2021-06-30")


def lebenslagen(con) -> pd.DataFrame:
    return con.execute("SELECT id, name, beschreibung FROM lebenslage ORDER BY reihenfolge").df()


def indicators(con, ebene: str | None = None) -> pd.DataFrame:
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
        sql += " WHERE EXISTS (SELECT 1 FROM beobachtung b WHERE b.indikator = i.id AND b.ebene = ?)"
        params.append(ebene)
    sql += " ORDER BY l.reihenfolge, i.name"
    return con.execute(sql, params).df()


def indicator(con, indikator: str) -> dict:
    df = indicators(con)
    row = df[df["id"] == indikator]
    if row.empty:
        raise KeyError(indikator)
    return row.iloc[0].to_dict()


def periods(con, indikator: str, ebene: str) -> pd.DataFrame:
    """Which (gebietsstand, jahr) combinations exist for an indicator on a level, newest first."""
    return con.execute(
        "SELECT gebietsstand, jahr, count(wert) AS n_werte, count(*) AS n FROM beobachtung "
        "WHERE indikator = ? AND ebene = ? GROUP BY gebietsstand, jahr ORDER BY jahr DESC, gebietsstand",
        [indikator, ebene],
    ).df()


def unprotected_values(con, indikator: str, ebene: str, gebietsstand: str, jahr: int) -> pd.DataFrame:
    """Every region of the level and Gebietsstand, with its observation or NULL — before the Geheimhaltung.

    Internal: only for code that protects the result itself before showing it (`values`, the Gebietsstand
    conversion, which must sum the real counts of Eisenach and the Wartburgkreis). Pages use `values`.
    The left join is the point: a region without an observation stays in the result (as 'keine Daten'),
    it is never dropped and never filled with 0.
    """
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
        [indikator, jahr, ebene, gebietsstand],
    ).df()


def values(con, indikator: str, ebene: str, gebietsstand: str, jahr: int) -> pd.DataFrame:
    """Every region of the level and Gebietsstand with its value, NULL ('keine Daten') or gesperrt.

    The Geheimhaltung is applied (sozialatlas.protection.privacy): a gesperrt row has no wert/zaehler/nenner, status
    'gesperrt' and the reason in `hinweis` — Kreise via sozialatlas.protection.kreisprivacy, Gemeinden,
    Gemeindeverbände and Jena's Bezirke via sozialatlas.protection.smallarea (decided for the whole level).
    """
    from sozialatlas.protection import kreisprivacy, smallarea

    raw = unprotected_values(con, indikator, ebene, gebietsstand, jahr)
    if ebene == "kreis":
        return kreisprivacy.protect(raw, gebietsstand, kreisprivacy.decision(con, indikator, jahr))
    if ebene == "land":
        dec = kreisprivacy.decision(con, indikator, jahr)
        rows = [kreisprivacy.protect_land(r, dec) for r in raw.to_dict("records")]
        return pd.DataFrame(rows, columns=raw.columns) if rows else raw
    if smallarea.LEVELS.get(ebene) == gebietsstand and raw["wert"].notna().any():
        prot = smallarea.values(con, indikator, int(jahr), ebene=ebene).set_index("schluessel")
        gesperrt = raw["schluessel"].map(prot["gesperrt"]).fillna(False).astype(bool)
        return kreisprivacy.mark(raw, gesperrt, raw["schluessel"].map(prot["sperrgrund"]))
    return raw


def land_value(con, indikator: str, jahr: int) -> dict | None:
    """The Thüringen observation (wert, zaehler, stand, status, quelle, quelle_titel, hinweis) or None.

    Gesperrt (Geheimhaltung): wert NaN, status 'gesperrt', hinweis the reason.
    """
    from sozialatlas.protection import kreisprivacy

    row = con.execute(
        "SELECT b.wert, b.zaehler, b.stand, b.status, b.quelle, q.titel, b.hinweis FROM beobachtung b "
        "LEFT JOIN quelle q ON q.id = b.quelle "
        "WHERE b.indikator = ? AND b.ebene = 'land' AND b.jahr = ? AND b.wert IS NOT NULL",
        [indikator, jahr],
    ).fetchone()
    if row is None:
        return None
    land = dict(zip(["wert", "zaehler", "stand", "status", "quelle", "quelle_titel", "hinweis"], row))
    return kreisprivacy.protect_land(land, kreisprivacy.decision(con, indikator, jahr))


def shapes(con, ebene: str, gebietsstand: str) -> gpd.GeoDataFrame:
    df = con.execute(
        "SELECT schluessel, name, bez, flaeche_km2, geom FROM region "
        "WHERE ebene = ? AND gebietsstand = ? ORDER BY schluessel",
        [ebene, gebietsstand],
    ).df()
    geoms = shapely.from_wkb([bytes(b) for b in df.pop("geom")])
    return gpd.GeoDataFrame(df, geometry=geoms, crs="EPSG:4326")


def sources(con, ids: list[str]) -> pd.DataFrame:
    if not ids:
        return pd.DataFrame(columns=["id", "titel", "herausgeber", "lizenz", "stand"])
    return con.execute(
        "SELECT id, titel, herausgeber, lizenz, stand, referenz FROM quelle WHERE list_contains(?, id) ORDER BY id",
        [list(ids)],
    ).df()


def coverage(con) -> pd.DataFrame:
    """Per indicator: levels, years and source — what the start page and 'Daten & Quellen' show."""
    return con.execute(
        """
        SELECT l.reihenfolge, l.name AS lebenslage, i.id, i.name AS indikator, i.einheit,
               string_agg(DISTINCT b.ebene, ', ' ORDER BY b.ebene) AS ebenen,
               min(b.jahr) AS von, max(b.jahr) AS bis, count(b.wert) AS werte,
               q.titel AS quelle, q.lizenz
        FROM indikator i JOIN lebenslage l ON l.id = i.lebenslage
        LEFT JOIN beobachtung b ON b.indikator = i.id
        LEFT JOIN quelle q ON q.id = i.quelle
        GROUP BY ALL ORDER BY l.reihenfolge, i.name
        """
    ).df()


def meta(con) -> dict:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())
