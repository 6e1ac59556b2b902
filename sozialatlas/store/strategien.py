"""The adopted poverty-prevention strategies as stored (base data from data/strategien.csv, ziele.csv and
lebenslagen_in_strategien.csv): the strategies, how often each Lebenslage is named, and the grouped goals.
Reads only; no observation values.
"""

from __future__ import annotations

import duckdb
import pandas as pd


def strategies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """ags, kreis, titel, beschlossen_am, gremium, schwerpunkte of every strategy, sorted by Kreis name."""
    return con.execute(
        "SELECT ags, kreis, titel, beschlossen_am, gremium, schwerpunkte FROM strategie ORDER BY kreis"
    ).df()


def lebenslage_mentions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """How many strategies name each Lebenslage (with the atlas's Lebenslage name and order), most first."""
    return con.execute(
        """
        SELECT n.lebenslage, l.name, n.lebenslage_bezeichnung, n.nennungen, n.strategien_gesamt, l.reihenfolge
        FROM lebenslage_nennung n LEFT JOIN lebenslage l ON l.id = n.lebenslage
        ORDER BY n.nennungen DESC NULLS LAST, l.reihenfolge
        """
    ).df()


def goals(con: duckdb.DuckDBPyConnection, lebenslage: str | None = None) -> pd.DataFrame:
    """The strategies' grouped goals (of one Lebenslage, or all) with the number of strategies naming them;
    an unknown count stays NULL."""
    sql = (
        "SELECT z.lebenslage, l.name AS lebenslage_name, z.ziel, z.nennungen FROM ziel z "
        "LEFT JOIN lebenslage l ON l.id = z.lebenslage"
    )
    params: list = []
    if lebenslage:
        sql += " WHERE z.lebenslage = ?"
        params.append(lebenslage)
    sql += " ORDER BY l.reihenfolge, z.nennungen DESC NULLS LAST, z.ziel"
    return con.execute(sql, params).df()
