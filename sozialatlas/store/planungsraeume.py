"""Planungsräume in the database: schema, the example definition, writes, reads.

All SQL of the Planungsräume lives here; `sozialatlas.areas.planungsraum` validates input, dissolves
shapes and aggregates values on top of it, and `sozialatlas.protection.smallarea` reads the memberships
from here (every Planungsraum of every definition is a published aggregate for the Geheimhaltung).

Definitions are user data: `sozialatlas.store.versions` records every save/delete as a dataset version and
`db.build` carries the tables over into a rebuilt database.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from sozialatlas import domain, paths
from sozialatlas.errors import SozialatlasError
from sozialatlas.store.scalar import scalar

GEBIETSSTAND = "2021-12-31"
KREISE = domain.KREISE_AB
BEISPIEL_KREIS = "16073"  # Saalfeld-Rudolstadt: 6 verbandsfreie Gemeinden, 2 VG, 2 erfüllende Gemeinden
BEISPIEL_NAME = "Verwaltungsgemeinschaften (Beispiel-Gliederung aus amtlichen Gemeindeverbänden)"
BEISPIEL_BESCHREIBUNG = (
    "Beispiel: Die Gemeindeverbände des Landkreises Saalfeld-Rudolstadt (Verwaltungsgemeinschaften, "
    "erfüllende Gemeinden mit ihren beauftragenden Gemeinden, gemeinschaftsfreie Gemeinden) als "
    "Planungsräume. Die Grenzen sind amtlich (Gebietsstand 31.12.2021); als Planungsräume hat der Landkreis "
    "sie nicht beschlossen."
)
BEISPIEL_QUELLE = "bkg_vg250ew_2022"

TABLES = ("planungsraum_definition", "planungsraum_member")
SCHEMA = """
CREATE TABLE IF NOT EXISTS planungsraum_definition (
    id INTEGER PRIMARY KEY, kreis TEXT NOT NULL, name TEXT NOT NULL, beschreibung TEXT,
    erstellt_am TIMESTAMP, erstellt_von TEXT, beispiel BOOLEAN DEFAULT false, quelle TEXT);
CREATE TABLE IF NOT EXISTS planungsraum_member (
    definition_id INTEGER NOT NULL, planungsraum TEXT NOT NULL, gemeinde_ags TEXT NOT NULL,
    PRIMARY KEY (definition_id, gemeinde_ags));
"""

BEZ_KURZ = {
    "Verwaltungsgemeinschaft": "VG",
    "Erfüllende Gemeinde": "erfüllende Gemeinde",
    "Gemeinschaftsfreie Gemeinde": "gemeinschaftsfrei",
}


class PlanungsraumError(SozialatlasError):
    """Invalid Planungsraum input; `problems` holds every German message, str() all of them."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class NotAggregatable(SozialatlasError):
    """The indicator cannot be combined over Gemeinden; str() is a German sentence why."""


# ---------------------------------------------------------------------------------------------------
# Schema and example
# ---------------------------------------------------------------------------------------------------


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables and insert the example definition.

    Called by `db.build` on the new database file right after the base schema, before the region table
    is filled (so the example is read from the committed geodata) and before `versions.carry_over` copies
    the user tables of the previous file into it. When that previous file already has Planungsraum
    tables, its rows (including the example, or its deletion) are the truth and are carried over whole;
    inserting the example here too would collide with them, so it is left out.
    """
    con.execute(SCHEMA)
    if _previous_file_has_tables(con):
        return
    if scalar(con.execute("SELECT count(*) FROM planungsraum_definition WHERE beispiel")) == 0:
        members = _example_members(con)
        if members is not None and not members.empty:
            insert(
                con,
                BEISPIEL_KREIS,
                BEISPIEL_NAME,
                members,
                wer="Sozialatlas (Beispiel)",
                beschreibung=BEISPIEL_BESCHREIBUNG,
                beispiel=True,
                quelle=BEISPIEL_QUELLE,
                erstellt_am=None,
            )


def has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """True if this database has the Planungsraum tables (a foreign or very old schema may not)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND list_contains(?, table_name)",
        [list(TABLES)],
    ).fetchone()
    n = row[0] if row else 0
    if int(n) not in (0, len(TABLES)):
        # half a schema is damage, not an old database: the Geheimhaltung must not guess
        raise PlanungsraumError(
            "Die Datenbank ist beschädigt: von den Planungsraum-Tabellen "
            f"({', '.join(TABLES)}) fehlt ein Teil. Bitte die Datenbank neu aufbauen."
        )
    return int(n) == len(TABLES)


def _previous_file_has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """True if this is a rebuild (`<db>.tmp-<pid>` beside an existing `<db>`) whose old file holds
    Planungsraum tables that the build will carry over."""
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    if not rows or not rows[0][0]:
        return False
    current = Path(rows[0][0])
    m = re.fullmatch(r"(.+)\.tmp-\d+", current.name)
    if not m:
        return False
    old = current.with_name(m.group(1))
    if not old.is_file():
        return False
    try:
        with duckdb.connect(str(old), read_only=True) as old_con:
            row = old_con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'planungsraum_definition'"
            ).fetchone()
            return bool(row and row[0])
    except duckdb.Error:
        return False


def _example_members(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """Gemeinde → Gemeindeverband of the example Kreis: from the region table, else from geodata/."""
    try:
        df = con.execute(
            "SELECT g.schluessel AS ags, v.name AS vname, v.bez AS vbez, v.schluessel AS verband "
            "FROM region g JOIN region v ON v.ebene = 'gemeindeverband' AND v.schluessel = g.verband "
            "WHERE g.ebene = 'gemeinde' AND g.gebietsstand = ? AND g.kreis_ab = ?",
            [GEBIETSSTAND, BEISPIEL_KREIS],
        ).df()
    except duckdb.CatalogException:  # region table missing in a foreign schema
        df = pd.DataFrame()
    if df.empty:
        gem = Path(paths.GEODATA_DIR) / f"gemeinden_{GEBIETSSTAND}.geojson"
        gv = Path(paths.GEODATA_DIR) / f"gemeindeverbaende_{GEBIETSSTAND}.geojson"
        if not (gem.is_file() and gv.is_file()):
            return None
        verbaende = {
            f["properties"]["schluessel"]: f["properties"]
            for f in json.loads(gv.read_text(encoding="utf-8"))["features"]
        }
        rows = []
        for f in json.loads(gem.read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            if p.get("kreis_ab") == BEISPIEL_KREIS and p.get("verband") in verbaende:
                v = verbaende[p["verband"]]
                rows.append({"ags": p["schluessel"], "vname": v["name"], "vbez": v.get("bez"), "verband": p["verband"]})
        df = pd.DataFrame(rows)
    if df.empty:
        return None
    df["planungsraum"] = [_example_name(n, b) for n, b in zip(df["vname"], df["vbez"])]
    return df[["ags", "planungsraum"]].sort_values("ags").reset_index(drop=True)


def _example_name(name: str, bez: str | None) -> str:
    kurz = BEZ_KURZ.get(bez or "", bez or "")
    return f"{name} ({kurz})" if kurz else name


# ---------------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------------


def insert(
    con: duckdb.DuckDBPyConnection, kreis, name, mapping, *, wer, beschreibung, beispiel, quelle, erstellt_am
) -> int:
    """Insert one definition (no validation, no transaction); returns its new id."""
    # Ids are never reused (callers cache shapes by id): also count ids only the version history remembers.
    ids = ["SELECT max(id) AS m FROM planungsraum_definition"]
    if scalar(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND table_name = 'planungsraum_definition_historie'"
        )
    ):
        ids.append("SELECT max(id) FROM planungsraum_definition_historie")
    new_id = scalar(con.execute(f"SELECT coalesce(max(m), 0) + 1 FROM ({' UNION ALL '.join(ids)})"))
    am = erstellt_am or datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    con.execute(
        "INSERT INTO planungsraum_definition VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMP), ?, ?, ?)",
        [new_id, kreis, name, beschreibung, am, wer, beispiel, quelle],
    )
    rows = [(new_id, str(p).strip(), str(a)) for a, p in zip(mapping["ags"], mapping["planungsraum"])]
    con.executemany("INSERT INTO planungsraum_member VALUES (?, ?, ?)", rows)
    return int(new_id)


def _rollback(con: duckdb.DuckDBPyConnection, exc: BaseException) -> None:
    """Undo the write; a read-only connection gets a German explanation instead of DuckDB's."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass
    if isinstance(exc, duckdb.Error) and "read-only" in str(exc).lower():
        raise PlanungsraumError(
            "Die Datenbank ist nur zum Lesen geöffnet; Planungsräume können hier nicht "
            "gespeichert oder gelöscht werden."
        ) from None


def save(
    con: duckdb.DuckDBPyConnection, kreis: str, name: str, clean: pd.DataFrame, *, wer: str, beschreibung: str
) -> int:
    """Store an already validated definition (columns ags, planungsraum) in one transaction; its id."""
    con.execute("BEGIN TRANSACTION")
    try:
        new_id = insert(
            con,
            str(kreis),
            name,
            clean,
            wer=wer,
            beschreibung=beschreibung or "",
            beispiel=False,
            quelle=None,
            erstellt_am=None,
        )
        con.execute("COMMIT")
    except BaseException as exc:
        _rollback(con, exc)
        raise
    return new_id


def delete(con: duckdb.DuckDBPyConnection, definition_id: int) -> tuple[str, str]:
    """Remove a definition and its members (the example too) in one transaction; (kreis, name) it had."""
    row = con.execute("SELECT kreis, name FROM planungsraum_definition WHERE id = ?", [int(definition_id)]).fetchone()
    if row is None:
        raise PlanungsraumError(f"Eine Gliederung mit der Nummer {definition_id} gibt es nicht.")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM planungsraum_member WHERE definition_id = ?", [int(definition_id)])
        con.execute("DELETE FROM planungsraum_definition WHERE id = ?", [int(definition_id)])
        con.execute("COMMIT")
    except BaseException as exc:
        _rollback(con, exc)
        raise
    return str(row[0]), str(row[1])


# ---------------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------------


def kreis_name(con: duckdb.DuckDBPyConnection, kreis: str) -> str | None:
    row = con.execute(
        "SELECT name FROM region WHERE ebene = 'kreis' AND gebietsstand = ? AND schluessel = ?",
        [KREISE, str(kreis)],
    ).fetchone()
    return row[0] if row else None


def kreis_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(
        con.execute(
            "SELECT schluessel, name FROM region WHERE ebene = 'kreis' AND gebietsstand = ?", [KREISE]
        ).fetchall()
    )


def name_taken(con: duckdb.DuckDBPyConnection, kreis: str, name: str) -> bool:
    """True if the Kreis already has a definition of that name (case and outer blanks ignored)."""
    return bool(
        con.execute(
            "SELECT 1 FROM planungsraum_definition WHERE kreis = ? AND lower(trim(name)) = lower(trim(?))",
            [str(kreis), str(name)],
        ).fetchone()
    )


def gemeinden(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every Gemeinde of the Planungsraum Gebietsstand: schluessel (index), name, kreis_ab."""
    return (
        con.execute(
            "SELECT schluessel, name, kreis_ab FROM region WHERE ebene = 'gemeinde' AND gebietsstand = ?",
            [GEBIETSSTAND],
        )
        .df()
        .set_index("schluessel")
    )


def list_definitions(con: duckdb.DuckDBPyConnection, kreis: str | None = None) -> pd.DataFrame:
    """All definitions (optionally of one Kreis) with Kreis name and counts, example first then by name."""
    sql = """
        SELECT d.id, d.kreis, k.name AS kreis_name, d.name, d.beschreibung, d.erstellt_am, d.erstellt_von,
               d.beispiel, d.quelle, count(DISTINCT m.planungsraum) AS n_planungsraeume,
               count(m.gemeinde_ags) AS n_gemeinden
        FROM planungsraum_definition d
        LEFT JOIN planungsraum_member m ON m.definition_id = d.id
        LEFT JOIN region k ON k.ebene = 'kreis' AND k.gebietsstand = ? AND k.schluessel = d.kreis
    """
    params: list = [KREISE]
    if kreis is not None:
        sql += " WHERE d.kreis = ?"
        params.append(str(kreis))
    sql += " GROUP BY ALL ORDER BY d.kreis, d.beispiel DESC, d.name, d.id"
    return con.execute(sql, params).df()


def definition(con: duckdb.DuckDBPyConnection, definition_id: int) -> dict:
    df = list_definitions(con)
    row = df[df["id"] == int(definition_id)]
    if row.empty:
        raise PlanungsraumError(f"Eine Gliederung mit der Nummer {definition_id} gibt es nicht.")
    return row.iloc[0].to_dict()


def members(con: duckdb.DuckDBPyConnection, definition_id: int) -> pd.DataFrame:
    """Members with Gemeinde names: planungsraum, ags, gemeinde (sorted by Planungsraum, AGS)."""
    return con.execute(
        "SELECT m.planungsraum, m.gemeinde_ags AS ags, r.name AS gemeinde FROM planungsraum_member m "
        "LEFT JOIN region r ON r.ebene = 'gemeinde' AND r.gebietsstand = ? AND r.schluessel = m.gemeinde_ags "
        "WHERE m.definition_id = ? ORDER BY m.planungsraum, m.gemeinde_ags",
        [GEBIETSSTAND, int(definition_id)],
    ).df()


def groups(con: duckdb.DuckDBPyConnection, kreis: str | None = None) -> dict:
    """Every Planungsraum of every definition as {("pr", definition_id, name): frozenset(ags)}.

    A database without the Planungsraum tables (a foreign or pre-Planungsraum schema) has none; that is
    checked explicitly — any other failure is an error, because the Geheimhaltung depends on this list.
    """
    if not has_tables(con):
        return {}
    sql = (
        "SELECT m.definition_id, m.planungsraum, list(m.gemeinde_ags) FROM planungsraum_member m "
        "JOIN planungsraum_definition d ON d.id = m.definition_id"
    )
    params = []
    if kreis is not None:
        sql += " WHERE d.kreis = ?"
        params.append(str(kreis))
    sql += " GROUP BY ALL ORDER BY 1, 2"
    return {("pr", int(d), p): frozenset(a) for d, p, a in con.execute(sql, params).fetchall()}


def member_geometries(con: duckdb.DuckDBPyConnection, definition_id: int) -> pd.DataFrame:
    """planungsraum, schluessel, name, flaeche_km2, geom (WKB) of every member Gemeinde."""
    return con.execute(
        "SELECT m.planungsraum, r.schluessel, r.name, r.flaeche_km2, r.geom FROM planungsraum_member m "
        "JOIN region r ON r.ebene = 'gemeinde' AND r.gebietsstand = ? AND r.schluessel = m.gemeinde_ags "
        "WHERE m.definition_id = ? ORDER BY m.planungsraum, r.schluessel",
        [GEBIETSSTAND, int(definition_id)],
    ).df()
