"""Planungsräume: a Kreis groups its Gemeinden into planning areas of its own.

A definition (Gliederung) belongs to one Kreis (22-Kreise Gebietsstand) and maps each Gemeinde to at most one
Planungsraum. Values of a Planungsraum are computed from its Gemeinden: counts are summed, rates are
recomputed from the summed numerators and denominators (never averaged), indices cannot be combined.
Everything shown passes the Geheimhaltung (`sozialatlas.protection.privacy`) with every published aggregate
— each Planungsraum of every definition, the Kreise, the Land — as groups, so differences between
Planungsräume, Kreise and Gemeinden cannot reveal a small count.

Definitions are user data: `sozialatlas.store.versions` records every save/delete as a dataset version and
`db.build` carries the tables over into a rebuilt database.
"""

from __future__ import annotations

import io
import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sozialatlas import paths
from sozialatlas.errors import SozialatlasError

GEBIETSSTAND = "2021-12-31"
BEISPIEL_KREIS = "16073"  # Saalfeld-Rudolstadt: 6 verbandsfreie Gemeinden, 2 VG, 2 erfüllende Gemeinden
BEISPIEL_NAME = "Verwaltungsgemeinschaften (Beispiel-Gliederung aus amtlichen Gemeindeverbänden)"
BEISPIEL_BESCHREIBUNG = (
    "Beispiel: Die Gemeindeverbände des Landkreises Saalfeld-Rudolstadt (Verwaltungsgemeinschaften, "
    "erfüllende Gemeinden mit ihren beauftragenden Gemeinden, gemeinschaftsfreie Gemeinden) als "
    "Planungsräume. Die Grenzen sind amtlich (Gebietsstand 31.12.2021); als Planungsräume hat der Landkreis "
    "sie nicht beschlossen."
)
BEISPIEL_QUELLE = "bkg_vg250ew_2022"

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
# Schema, example and persistence
# ---------------------------------------------------------------------------------------------------


def create_schema(con) -> None:
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
    if con.execute("SELECT count(*) FROM planungsraum_definition WHERE beispiel").fetchone()[0] == 0:
        members = _example_members(con)
        if members is not None and not members.empty:
            _insert(
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


def _previous_file_has_tables(con) -> bool:
    """True if this is a rebuild (`<db>.tmp-<pid>` beside an existing `<db>`) whose old file holds
    Planungsraum tables that the build will carry over."""
    import duckdb

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
            return bool(
                old_con.execute(
                    "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'planungsraum_definition'"
                ).fetchone()[0]
            )
    except duckdb.Error:
        return False


def _example_members(con) -> pd.DataFrame | None:
    """Gemeinde → Gemeindeverband of the example Kreis: from the region table, else from geodata/."""
    try:
        df = con.execute(
            "SELECT g.schluessel AS ags, v.name AS vname, v.bez AS vbez, v.schluessel AS verband "
            "FROM region g JOIN region v ON v.ebene = 'gemeindeverband' AND v.schluessel = g.verband "
            "WHERE g.ebene = 'gemeinde' AND g.gebietsstand = ? AND g.kreis_ab = ?",
            [GEBIETSSTAND, BEISPIEL_KREIS],
        ).df()
    except Exception:  # noqa: BLE001 - region table missing in a foreign schema
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


def _insert(con, kreis, name, mapping, *, wer, beschreibung, beispiel, quelle, erstellt_am) -> int:
    # Ids are never reused (callers cache shapes by id): also count ids only the version history remembers.
    ids = ["SELECT max(id) AS m FROM planungsraum_definition"]
    if con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND table_name = 'planungsraum_definition_historie'"
    ).fetchone()[0]:
        ids.append("SELECT max(id) FROM planungsraum_definition_historie")
    new_id = con.execute(f"SELECT coalesce(max(m), 0) + 1 FROM ({' UNION ALL '.join(ids)})").fetchone()[0]
    am = erstellt_am or datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    con.execute(
        "INSERT INTO planungsraum_definition VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMP), ?, ?, ?)",
        [new_id, kreis, name, beschreibung, am, wer, beispiel, quelle],
    )
    rows = [(new_id, str(p).strip(), str(a)) for a, p in zip(mapping["ags"], mapping["planungsraum"])]
    con.executemany("INSERT INTO planungsraum_member VALUES (?, ?, ?)", rows)
    return int(new_id)


# ---------------------------------------------------------------------------------------------------
# Validation, save, delete, read
# ---------------------------------------------------------------------------------------------------


def _zeilen(mapping: pd.DataFrame) -> list:
    if "zeile" in mapping:
        return mapping["zeile"].tolist()
    return list(range(1, len(mapping) + 1))


def _kreis_name(con, kreis: str) -> str | None:
    row = con.execute(
        "SELECT name FROM region WHERE ebene = 'kreis' AND gebietsstand = 'ab-2021-07-01' AND schluessel = ?",
        [str(kreis)],
    ).fetchone()
    return row[0] if row else None


def validate_mapping(con, kreis: str, mapping: pd.DataFrame, name: str | None = None) -> list[str]:
    """German descriptions of every problem of a Gemeinde → Planungsraum mapping for `kreis` (empty: ok).

    mapping: columns ``ags`` and ``planungsraum`` (optionally ``zeile``: line numbers for messages).
    name: the definition's name; checked for emptiness and for a duplicate within the Kreis.
    """
    problems: list[str] = []
    kreis = str(kreis)
    kname = _kreis_name(con, kreis)
    if kname is None:
        return [f"Kreis {kreis} ist kein Thüringer Kreis (Gebietsstand ab 01.07.2021)."]
    if name is not None:
        if not str(name).strip():
            problems.append("Bitte einen Namen für die Gliederung angeben.")
        elif con.execute(
            "SELECT 1 FROM planungsraum_definition WHERE kreis = ? AND lower(trim(name)) = lower(trim(?))",
            [kreis, str(name)],
        ).fetchone():
            problems.append(
                f"Für {kname} gibt es bereits eine Gliederung namens „{str(name).strip()}“; "
                "bitte einen anderen Namen wählen."
            )
    missing = [c for c in ("ags", "planungsraum") if c not in mapping.columns]
    if missing:
        return problems + [f"Der Zuordnung fehlen die Spalten {', '.join(missing)} (erwartet: AGS und Planungsraum)."]
    if mapping.empty:
        return problems + ["Die Zuordnung enthält keine Gemeinde."]
    gem = (
        con.execute(
            "SELECT schluessel, name, kreis_ab FROM region WHERE ebene = 'gemeinde' AND gebietsstand = ?",
            [GEBIETSSTAND],
        )
        .df()
        .set_index("schluessel")
    )
    kreise = dict(
        con.execute(
            "SELECT schluessel, name FROM region WHERE ebene = 'kreis' AND gebietsstand = 'ab-2021-07-01'"
        ).fetchall()
    )
    seen: dict[str, tuple] = {}
    raeume: dict[str, int] = {}
    for zeile, ags_raw, pr_raw in zip(_zeilen(mapping), mapping["ags"], mapping["planungsraum"]):
        ags = "" if _blank(ags_raw) else (_normalise_ags(str(ags_raw)) or str(ags_raw).strip())
        pr = "" if _blank(pr_raw) else str(pr_raw).strip()
        if not pr:
            problems.append(f"Zeile {zeile}: Planungsraum ohne Namen" + (f" (Gemeinde {ags})." if ags else "."))
        else:
            raeume[pr] = raeume.get(pr, 0) + (1 if ags else 0)
        if not ags:
            if pr:
                problems.append(f"Zeile {zeile}: Planungsraum „{pr}“ ohne Gemeindeschlüssel (AGS).")
            continue
        if ags not in gem.index:
            problems.append(
                f"Zeile {zeile}: {ags} ist kein Gemeindeschlüssel einer Thüringer Gemeinde (Gebietsstand 31.12.2021)."
            )
            continue
        gname, gkreis = gem.at[ags, "name"], gem.at[ags, "kreis_ab"]
        if gkreis != kreis:
            problems.append(
                f"Zeile {zeile}: Die Gemeinde {gname} ({ags}) gehört nicht zu {kname}, sondern zu "
                f"{kreise.get(gkreis, gkreis)}."
            )
            continue
        if ags in seen:
            z0, p0 = seen[ags]
            if p0 == pr:
                problems.append(
                    f"Zeile {zeile}: Die Gemeinde {gname} ({ags}) steht doppelt im Planungsraum "
                    f"„{pr}“ (schon in Zeile {z0})."
                )
            else:
                problems.append(
                    f"Zeile {zeile}: Die Gemeinde {gname} ({ags}) ist zwei Planungsräumen "
                    f"zugeordnet: „{p0}“ (Zeile {z0}) und „{pr}“."
                )
            continue
        seen[ags] = (zeile, pr)
    for pr, n in raeume.items():
        if n < 1:  # rows named it, but none gave a Gemeinde
            problems.append(f"Planungsraum „{pr}“ enthält keine Gemeinde.")
    if not seen and not any("Zeile" in p for p in problems):
        problems.append("Die Zuordnung enthält keine Gemeinde.")
    return problems


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""


def _record(con, wer: str, was: str, details: dict) -> None:
    """Record the change as a dataset version when sozialatlas.store.versions offers it (same transaction)."""
    try:
        from sozialatlas.store import versions
    except ImportError:
        return
    if hasattr(versions, "record_change"):
        versions.record_change(con, wer, was, details)


def _require_admin() -> None:
    try:
        from sozialatlas import settings
    except ImportError:
        return
    settings.require_admin()


def _begin(con) -> None:
    con.execute("BEGIN TRANSACTION")


def _rollback(con, exc: BaseException) -> None:
    """Undo the write; a read-only connection gets a German explanation instead of DuckDB's."""
    import duckdb

    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass
    if isinstance(exc, duckdb.Error) and "read-only" in str(exc).lower():
        raise PlanungsraumError(
            "Die Datenbank ist nur zum Lesen geöffnet; Planungsräume können hier nicht "
            "gespeichert oder gelöscht werden."
        ) from None


def save(con, kreis: str, name: str, mapping: pd.DataFrame, wer: str = "admin", beschreibung: str = "") -> int:
    """Validate and store a definition in one transaction; returns its id.

    Raises PlanungsraumError with every German problem; nothing is written then. On a public instance
    (settings) nothing can be written at all.
    """
    _require_admin()
    kreis = str(kreis)
    problems = validate_mapping(con, kreis, mapping, name=name)
    if problems:
        raise PlanungsraumError(problems)
    clean = pd.DataFrame(
        {
            "ags": [_normalise_ags(str(a)) or str(a).strip() for a in mapping["ags"]],
            "planungsraum": [str(p).strip() for p in mapping["planungsraum"]],
        }
    )
    name = str(name).strip()
    _begin(con)
    try:
        new_id = _insert(
            con,
            kreis,
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
    # After the commit: a BEGIN inside an open DuckDB transaction aborts it, so versions cannot join ours.
    _record(
        con,
        wer,
        f"Planungsräume gespeichert: {name}",
        {
            "id": new_id,
            "kreis": kreis,
            "name": name,
            "gemeinden": len(clean),
            "planungsraeume": int(clean["planungsraum"].nunique()),
        },
    )
    return new_id


def delete(con, definition_id: int, wer: str = "admin") -> None:
    """Remove a definition and its members (the example too) in one transaction."""
    _require_admin()
    row = con.execute("SELECT kreis, name FROM planungsraum_definition WHERE id = ?", [int(definition_id)]).fetchone()
    if row is None:
        raise PlanungsraumError(f"Eine Gliederung mit der Nummer {definition_id} gibt es nicht.")
    _begin(con)
    try:
        con.execute("DELETE FROM planungsraum_member WHERE definition_id = ?", [int(definition_id)])
        con.execute("DELETE FROM planungsraum_definition WHERE id = ?", [int(definition_id)])
        con.execute("COMMIT")
    except BaseException as exc:
        _rollback(con, exc)
        raise
    _record(con, wer, f"Planungsräume gelöscht: {row[1]}", {"id": int(definition_id), "kreis": row[0], "name": row[1]})


def list_definitions(con, kreis: str | None = None) -> pd.DataFrame:
    """All definitions (optionally of one Kreis) with Kreis name and counts, example first then by name."""
    sql = """
        SELECT d.id, d.kreis, k.name AS kreis_name, d.name, d.beschreibung, d.erstellt_am, d.erstellt_von,
               d.beispiel, d.quelle, count(DISTINCT m.planungsraum) AS n_planungsraeume,
               count(m.gemeinde_ags) AS n_gemeinden
        FROM planungsraum_definition d
        LEFT JOIN planungsraum_member m ON m.definition_id = d.id
        LEFT JOIN region k ON k.ebene = 'kreis' AND k.gebietsstand = 'ab-2021-07-01' AND k.schluessel = d.kreis
    """
    params = []
    if kreis is not None:
        sql += " WHERE d.kreis = ?"
        params.append(str(kreis))
    sql += " GROUP BY ALL ORDER BY d.kreis, d.beispiel DESC, d.name, d.id"
    return con.execute(sql, params).df()


def definition(con, definition_id: int) -> dict:
    df = list_definitions(con)
    row = df[df["id"] == int(definition_id)]
    if row.empty:
        raise PlanungsraumError(f"Eine Gliederung mit der Nummer {definition_id} gibt es nicht.")
    return row.iloc[0].to_dict()


def members(con, definition_id: int) -> pd.DataFrame:
    """Members with Gemeinde names: planungsraum, ags, gemeinde (sorted by Planungsraum, AGS)."""
    return con.execute(
        "SELECT m.planungsraum, m.gemeinde_ags AS ags, r.name AS gemeinde FROM planungsraum_member m "
        "LEFT JOIN region r ON r.ebene = 'gemeinde' AND r.gebietsstand = ? AND r.schluessel = m.gemeinde_ags "
        "WHERE m.definition_id = ? ORDER BY m.planungsraum, m.gemeinde_ags",
        [GEBIETSSTAND, int(definition_id)],
    ).df()


def groups(con, kreis: str | None = None) -> dict:
    """Every Planungsraum of every definition as {("pr", definition_id, name): frozenset(ags)}."""
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


def shapes(con, definition_id: int) -> gpd.GeoDataFrame:
    """One dissolved polygon per Planungsraum (union of its Gemeinden), EPSG:4326.

    Columns: planungsraum, n_gemeinden, gemeinden (names, comma-separated), flaeche_km2 (sum of the official
    areas), geometry. A definition never changes and its id is never reused, so callers may cache this by
    definition id.
    """
    df = con.execute(
        "SELECT m.planungsraum, r.schluessel, r.name, r.flaeche_km2, r.geom FROM planungsraum_member m "
        "JOIN region r ON r.ebene = 'gemeinde' AND r.gebietsstand = ? AND r.schluessel = m.gemeinde_ags "
        "WHERE m.definition_id = ? ORDER BY m.planungsraum, r.schluessel",
        [GEBIETSSTAND, int(definition_id)],
    ).df()
    geoms = shapely.from_wkb([bytes(b) for b in df["geom"]]) if len(df) else []
    rows = []
    for pr, part in df.assign(_g=list(geoms)).groupby("planungsraum", sort=True):
        union = shapely.union_all(shapely.make_valid(np.array(part["_g"].tolist(), dtype=object)))
        rows.append(
            {
                "planungsraum": pr,
                "n_gemeinden": len(part),
                "gemeinden": ", ".join(part["name"]),
                "flaeche_km2": round(float(part["flaeche_km2"].sum()), 2),
                "geometry": union,
            }
        )
    return gpd.GeoDataFrame(
        rows,
        columns=["planungsraum", "n_gemeinden", "gemeinden", "flaeche_km2", "geometry"],
        geometry="geometry",
        crs="EPSG:4326",
    )


# ---------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------


def aggregate(con, definition_id: int, indikator_id: str, jahr: int, rules=None) -> pd.DataFrame:
    """Values of the Planungsräume of a definition, protected.

    Counts (aggregation ``summe``) are summed — only when every member Gemeinde has a value, else the row
    says "keine Daten" with a hinweis. Rates (``quote``) are recomputed from the summed zaehler and
    nenner with the indicator's factor (×100, ×1.000, ×1), never averaged. Indices and rates without counts
    (``keine``) raise NotAggregatable. The Geheimhaltung of `smallarea` (with all Planungsräume, Kreise and
    the Land as groups) decides which rows are gesperrt.

    Columns: planungsraum, n_gemeinden, n_mit_wert, wert, zaehler, nenner, einwohner, gesperrt, sperrgrund,
    hinweis, stand, quelle, beispiel (True for the example definition), kreis_wert, land_wert (published
    values of the Kreis and of Thüringen for comparison). attrs: regeln, indikator, faktor, definition.
    """
    from sozialatlas.protection import smallarea

    return smallarea.planungsraum_values(con, int(definition_id), indikator_id, int(jahr), rules=rules)


# ---------------------------------------------------------------------------------------------------
# CSV import / export
# ---------------------------------------------------------------------------------------------------

AGS_HEADERS = {
    "ags",
    "gemeindeschlüssel",
    "gemeindeschluessel",
    "gemeinde_ags",
    "gemeindekennziffer",
    "schluessel",
    "schlüssel",
    "ars",
}
PR_HEADERS = {"planungsraum", "planungsräume", "planungsraeume", "planungsraum_name", "sozialraum"}


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode-Text" from spreadsheet programs
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise PlanungsraumError("Die Datei ist keine Textdatei (weder UTF-8 noch Windows-1252).")


def _normalise_ags(raw: str) -> str | None:
    """AGS text from spreadsheets: '16073001', '16073001.0', '1,6073E+07'? no; 12-digit ARS → AGS."""
    s = raw.strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d+[.,]0+", s):
        s = re.split(r"[.,]", s)[0]
    if not s.isdigit():
        return None
    if len(s) == 7:  # leading zero dropped by a spreadsheet
        s = s.zfill(8)
    if len(s) == 12:  # Regionalschlüssel (ARS): Land, RB, Kreis, Verband (4), Gemeinde (3)
        s = s[:5] + s[9:]
    return s if len(s) == 8 else None


def from_csv(data: bytes) -> pd.DataFrame:
    """Read a Gemeinde → Planungsraum table: columns AGS and Planungsraum (any order, more columns allowed).

    Separator `;` or `,` (or tab), encoding UTF-8 (with or without BOM) or Windows-1252. AGS may come as
    number (16073001.0) or without leading zero. Returns columns ags, planungsraum, zeile (line number in
    the file). Raises PlanungsraumError with German messages naming the lines.
    """
    if not data or not data.strip():
        raise PlanungsraumError("Die Datei ist leer.")
    text = _decode(data)
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    sep = max((";", ",", "\t"), key=first.count)
    if first.count(sep) == 0:
        raise PlanungsraumError(
            "Zeile 1: Die Kopfzeile braucht zwei Spalten „AGS“ und „Planungsraum“, getrennt durch Semikolon oder Komma."
        )
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f"Zeile {m.group(1)}: " if m else ""
        raise PlanungsraumError(
            f"{where}Die Datei lässt sich nicht als Tabelle lesen (falsche Spaltenzahl?)."
        ) from None
    cols = {c: c.strip().lower().lstrip("\ufeff") for c in df.columns}
    ags_col = next((c for c, low in cols.items() if low in AGS_HEADERS), None)
    pr_col = next((c for c, low in cols.items() if low in PR_HEADERS), None)
    missing = [label for label, c in (("AGS", ags_col), ("Planungsraum", pr_col)) if c is None]
    if missing:
        raise PlanungsraumError(
            f"Zeile 1: Spalte(n) {' und '.join(missing)} fehlen in der Kopfzeile "
            f"(gefunden: {', '.join(map(str, df.columns))})."
        )
    problems, rows = [], []
    for i, (a, p) in enumerate(zip(df[ags_col], df[pr_col])):
        zeile = i + 2
        a, p = str(a).strip(), str(p).strip()
        if not a and not p:
            continue
        ags = _normalise_ags(a) if a else ""
        if a and ags is None:
            problems.append(f"Zeile {zeile}: „{a}“ ist kein Gemeindeschlüssel (8 Ziffern, z. B. 16073077).")
            continue
        rows.append({"ags": ags, "planungsraum": p, "zeile": zeile})
    if problems:
        raise PlanungsraumError(problems)
    if not rows:
        raise PlanungsraumError("Die Datei enthält keine Zeile mit Gemeinde und Planungsraum.")
    return pd.DataFrame(rows, columns=["ags", "planungsraum", "zeile"])


def to_csv(con, definition_id: int) -> bytes:
    """The definition as CSV (UTF-8 with BOM for spreadsheets, `;`): AGS;Gemeinde;Planungsraum."""
    m = members(con, definition_id)
    out = pd.DataFrame({"AGS": m["ags"], "Gemeinde": m["gemeinde"], "Planungsraum": m["planungsraum"]})
    out = out.sort_values(["Planungsraum", "AGS"], kind="mergesort")
    return ("\ufeff" + out.to_csv(sep=";", index=False, lineterminator="\n")).encode("utf-8")
