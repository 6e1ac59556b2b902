"""Dataset versions: every import or edit of user data is a numbered version, and any earlier version
can be restored. Nothing is ever lost: a rollback is itself a new version, and every user row that ever
existed stays in a history table with the versions it was valid for.

Model
- The tables the app reads (`quelle`, `indikator`, `beobachtung`, `planungsraum_*`) always hold exactly
  the current rows, so queries need no version logic.
- Base rows come from the committed data/ files (`version_id IS NULL`); user rows carry the version that
  wrote them. A user row replaces a base row with the same key; the replaced base row moves to
  `<table>_verdeckt` and comes back when the user row goes (rollback).
- `<table>_historie` holds every user row with `gueltig_ab` (version that wrote it) and `gueltig_bis`
  (version that removed or replaced it; NULL = current). The state after version N is
  `gueltig_ab <= N AND (gueltig_bis IS NULL OR gueltig_bis > N)`.
- Tables of other modules whose names start with `planungsraum_` are user data throughout and are
  versioned the same way (their primary key, if any, tells "changed" from "new").

Every write runs in one DuckDB transaction: a rejected or interrupted write changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from sozialatlas import domain, settings
from sozialatlas.errors import SozialatlasError
from sozialatlas.store.scalar import scalar

OBS_KEY = ("indikator", "ebene", "schluessel", "gebietsstand", "jahr")
HIST = "_historie"
HIDDEN = "_verdeckt"
# Präsentationen (store.praesentationen) and goal-indicator links (store.ziele) are user data too.
USER_TABLE_PREFIX = ("planungsraum_", "praesentation_", "zielbezug_", "sozialindex_")
# Tables that describe data rather than hold it: not counted in "Zeilen neu/geändert/entfernt".
METADATA_TABLES = {"quelle", "indikator"}
POLARITAETEN = ("hoeher_besser", "hoeher_schlechter", "neutral")
EBENEN_ORDER = domain.EBENEN
# Test seam, never set in production: called inside the open import transaction after the rows are
# written, so a test can stop (and kill -9) the process exactly there.
after_rows_written: Callable[[], None] | None = None


class ImportRejected(SozialatlasError):
    """apply_import refuses the data; nothing was written."""


class VersionError(SozialatlasError):
    pass


@dataclass(frozen=True)
class Tracked:
    name: str
    key: tuple[str, ...] | None  # None: the whole row is the key
    base: bool  # also holds base rows from data/ (version_id IS NULL)


BASE_TABLES = (
    Tracked("quelle", ("id",), True),
    Tracked("indikator", ("id",), True),
    Tracked("beobachtung", OBS_KEY, True),
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS dataset_version (
    id INTEGER PRIMARY KEY,
    wer TEXT NOT NULL,
    wann TIMESTAMP NOT NULL,            -- UTC
    art TEXT NOT NULL,                  -- import | aenderung | ruecknahme
    was TEXT NOT NULL,
    datei TEXT,
    zeilen_neu INTEGER NOT NULL DEFAULT 0,
    zeilen_geaendert INTEGER NOT NULL DEFAULT 0,
    zeilen_entfernt INTEGER NOT NULL DEFAULT 0,
    details JSON,
    zurueck_auf INTEGER,                -- a rollback: the version whose state it restored
    zurueckgenommen_von INTEGER         -- this version was undone by that later rollback
);
"""


# ---------------------------------------------------------------------------------------------------
# schema


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Called by db.build after the base schema (and after other modules' tables)."""
    con.execute(SCHEMA)
    _forget_catalog(con)
    for t in tracked_tables(con):
        _ensure_side_tables(con, t)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# The catalogue is read once per operation (metadata queries are slow compared to the work itself).
_catalog_cache: dict[int, dict[str, list[tuple[str, str]]]] = {}


def _forget_catalog(con: duckdb.DuckDBPyConnection) -> None:
    _catalog_cache.pop(id(con), None)


def _catalog(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    cat = _catalog_cache.get(id(con))
    if cat is None:
        cat = {}
        for table, col, typ in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "ORDER BY table_name, column_index"
        ).fetchall():
            cat.setdefault(table, []).append((col, typ))
        _catalog_cache[id(con)] = cat
    return cat


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return set(_catalog(con))


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [c for c, _t in _catalog(con).get(table, [])]


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return dict(_catalog(con).get(table, []))


def _primary_key(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...] | None:
    row = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = current_database() "
        "AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchone()
    return tuple(row[0]) if row else None


def tracked_tables(con: duckdb.DuckDBPyConnection) -> list[Tracked]:
    """The versioned tables present in this database, base tables first."""
    names = _tables(con)
    out = [t for t in BASE_TABLES if t.name in names]
    for n in sorted(names):
        if n.startswith(USER_TABLE_PREFIX) and not n.endswith((HIST, HIDDEN)):
            out.append(Tracked(n, _primary_key(con, n), False))
    return out


def _ensure_side_tables(con: duckdb.DuckDBPyConnection, t: Tracked) -> None:
    """History (and for base tables the hidden-rows table) with the table's columns, kept in step."""
    hist = t.name + HIST
    names = _tables(con)
    if hist not in names:
        con.execute(
            f"CREATE TABLE {_q(hist)} AS SELECT *, CAST(NULL AS INTEGER) AS gueltig_ab, "
            f"CAST(NULL AS INTEGER) AS gueltig_bis FROM {_q(t.name)} LIMIT 0"
        )
        _forget_catalog(con)
    side = [hist] + ([t.name + HIDDEN] if t.base else [])
    if t.base and t.name + HIDDEN not in names:
        con.execute(f"CREATE TABLE {_q(t.name + HIDDEN)} AS SELECT * FROM {_q(t.name)} LIMIT 0")
        _forget_catalog(con)
    types = _column_types(con, t.name)
    for s in side:
        have = set(_columns(con, s))
        for col, typ in types.items():
            if col not in have:  # the table gained a column since (schema change): follow it
                con.execute(f"ALTER TABLE {_q(s)} ADD COLUMN {_q(col)} {typ}")
                _forget_catalog(con)


# ---------------------------------------------------------------------------------------------------
# guards and transactions


def require_writable(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse to write on a public instance or into a published (read-only) snapshot."""
    settings.require_admin()
    row = con.execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchone()
    if row and row[0] == "ja":
        raise settings.ReadOnlyError(
            "Diese Datenbankdatei ist ein veröffentlichter Schnappschuss und schreibgeschützt. "
            "Änderungen in der Verwaltungsdatenbank vornehmen und neu veröffentlichen "
            "(`python -m sozialatlas publish --out DATEI`)."
        )


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """One transaction; inside a caller's open transaction it joins that one (the caller commits)."""
    _forget_catalog(con)
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException:
        yield
        return
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        _forget_catalog(con)
        raise
    con.execute("COMMIT")
    _forget_catalog(con)


def _next_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(scalar(con.execute("SELECT coalesce(max(id), 0) + 1 FROM dataset_version")))


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """Id of the newest version (0 = only base data). A snapshot remembers it in meta."""
    row = con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    if row and row[0] is not None:
        return int(row[0])
    return int(scalar(con.execute("SELECT coalesce(max(id), 0) FROM dataset_version")))


# ---------------------------------------------------------------------------------------------------
# the row machinery


def _match(alias: str, other: str, cols) -> str:
    return " AND ".join(f"{alias}.{_q(c)} IS NOT DISTINCT FROM {other}.{_q(c)}" for c in cols)


def _collist(cols, alias: str | None = None) -> str:
    return ", ".join((f"{alias}." if alias else "") + _q(c) for c in cols)


def _keyed_counts(con: duckdb.DuckDBPyConnection, removed: str, added: str, keycols) -> dict:
    """New/changed/removed between two diff sets: a key in both is a changed row."""
    k = _collist(keycols)
    one = lambda sql: int(scalar(con.execute(sql)))  # noqa: E731
    return {
        "geaendert": one(f"SELECT count(*) FROM (SELECT {k} FROM {removed} INTERSECT SELECT {k} FROM {added})"),
        "neu": one(f"SELECT count(*) FROM (SELECT {k} FROM {added} EXCEPT SELECT {k} FROM {removed})"),
        "entfernt": one(f"SELECT count(*) FROM (SELECT {k} FROM {removed} EXCEPT SELECT {k} FROM {added})"),
    }


def _drop(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    for n in names:
        con.execute(f"DROP TABLE IF EXISTS {n}")


def _replace_keys(con: duckdb.DuckDBPyConnection, t: Tracked, rows: str, keys: str) -> dict:
    """Make `rows` the user rows of table t for every key in the table `keys`.

    Keys without a row in `rows` fall back to their base row, if there is one. Returns the counts of
    what a reader sees change (a user row replacing a base row is "geändert").
    """
    cols = _columns(con, t.name)
    keycols = t.key or tuple(cols)
    T, H = _q(t.name), _q(t.name + HIDDEN)
    in_keys = lambda a: f"EXISTS (SELECT 1 FROM {keys} k WHERE {_match('k', a, keycols)})"  # noqa: E731
    in_rows = lambda a: f"EXISTS (SELECT 1 FROM {rows} r WHERE {_match('r', a, keycols)})"  # noqa: E731
    user = "version_id IS NOT NULL AND " if t.base else ""
    c = _collist(cols)
    _drop(con, "_v_vor", "_v_nach", "_v_weg", "_v_neu")
    con.execute(f"CREATE TEMP TABLE _v_vor AS SELECT {c} FROM {T} x WHERE {in_keys('x')}")
    con.execute(f"DELETE FROM {T} x WHERE {user}{in_keys('x')}")
    if t.base:
        con.execute(f"INSERT INTO {T} ({c}) SELECT {c} FROM {H} x WHERE {in_keys('x')}")
        con.execute(f"DELETE FROM {H} x WHERE {in_keys('x')}")
        con.execute(f"INSERT INTO {H} ({c}) SELECT {c} FROM {T} x WHERE version_id IS NULL AND {in_rows('x')}")
        con.execute(f"DELETE FROM {T} x WHERE version_id IS NULL AND {in_rows('x')}")
    con.execute(f"INSERT INTO {T} ({c}) SELECT {c} FROM {rows}")
    con.execute(f"CREATE TEMP TABLE _v_nach AS SELECT {c} FROM {T} x WHERE {in_keys('x')}")
    con.execute("CREATE TEMP TABLE _v_weg AS SELECT * FROM _v_vor EXCEPT SELECT * FROM _v_nach")
    con.execute("CREATE TEMP TABLE _v_neu AS SELECT * FROM _v_nach EXCEPT SELECT * FROM _v_vor")
    counts = _keyed_counts(con, "_v_weg", "_v_neu", keycols)
    _drop(con, "_v_vor", "_v_nach", "_v_weg", "_v_neu")
    return counts


def _sync_history(con: duckdb.DuckDBPyConnection, vid: int) -> dict:
    """Bring every history table in line with the current user rows; returns per-table counts."""
    out = {}
    for t in tracked_tables(con):
        _ensure_side_tables(con, t)
        cols = _columns(con, t.name)
        c = _collist(cols)
        H = _q(t.name + HIST)
        where = " WHERE version_id IS NOT NULL" if t.base else ""
        _drop(con, "_h_cur", "_h_open", "_h_weg", "_h_neu")
        con.execute(f"CREATE TEMP TABLE _h_cur AS SELECT {c} FROM {_q(t.name)}{where}")
        con.execute(f"CREATE TEMP TABLE _h_open AS SELECT {c} FROM {H} WHERE gueltig_bis IS NULL")
        con.execute("CREATE TEMP TABLE _h_weg AS SELECT * FROM _h_open EXCEPT SELECT * FROM _h_cur")
        con.execute("CREATE TEMP TABLE _h_neu AS SELECT * FROM _h_cur EXCEPT SELECT * FROM _h_open")
        if not scalar(con.execute("SELECT EXISTS (SELECT 1 FROM _h_weg) OR EXISTS (SELECT 1 FROM _h_neu)")):
            _drop(con, "_h_cur", "_h_open", "_h_weg", "_h_neu")
            continue
        con.execute(
            f"UPDATE {H} SET gueltig_bis = ? WHERE gueltig_bis IS NULL AND EXISTS "
            f"(SELECT 1 FROM _h_weg w WHERE {_match('w', H, cols)})",
            [vid],
        )
        con.execute(f"INSERT INTO {H} ({c}, gueltig_ab) SELECT {c}, ? FROM _h_neu", [vid])
        counts = _keyed_counts(con, "_h_weg", "_h_neu", t.key or tuple(cols))
        _drop(con, "_h_cur", "_h_open", "_h_weg", "_h_neu")
        if any(counts.values()):
            out[t.name] = counts
    return out


def _totals(per_table: dict) -> tuple[int, int, int]:
    data = [v for k, v in per_table.items() if k not in METADATA_TABLES]
    return (sum(v["neu"] for v in data), sum(v["geaendert"] for v in data), sum(v["entfernt"] for v in data))


def _insert_version(
    con: duckdb.DuckDBPyConnection,
    vid: int,
    wer: str,
    art: str,
    was: str,
    datei: str | None,
    per_table: dict,
    details: dict | None,
    zurueck_auf: int | None = None,
) -> None:
    neu, geaendert, entfernt = _totals(per_table)
    body = dict(details or {})
    body["tabellen"] = per_table
    con.execute(
        "INSERT INTO dataset_version (id, wer, wann, art, was, datei, zeilen_neu, zeilen_geaendert, "
        "zeilen_entfernt, details, zurueck_auf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            vid,
            _text(wer) or "unbekannt",
            datetime.now(UTC).replace(tzinfo=None),
            art,
            was,
            datei,
            neu,
            geaendert,
            entfernt,
            json.dumps(body, ensure_ascii=False, default=str),
            zurueck_auf,
        ],
    )


def _rows_table(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, name: str) -> str:
    """A temp table with exactly the columns of `table`, filled from df by column name."""
    _drop(con, name)
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {_q(table)} LIMIT 0")
    if len(df):
        con.register("_v_df", df)
        try:
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _v_df")
        finally:
            con.unregister("_v_df")
    return name


def _put_rows(con: duckdb.DuckDBPyConnection, t: Tracked, df: pd.DataFrame) -> dict:
    rows = _rows_table(con, t.name, df, "_v_rows")
    cols = _columns(con, t.name)
    content = [c for c in cols if c != "version_id"]
    # A row that is already there as given keeps its version: only real changes are written and counted.
    con.execute(f"DELETE FROM {rows} r WHERE EXISTS (SELECT 1 FROM {_q(t.name)} x WHERE {_match('x', 'r', content)})")
    keycols = _collist(t.key or cols)
    _drop(con, "_v_keys")
    con.execute(f"CREATE TEMP TABLE _v_keys AS SELECT DISTINCT {keycols} FROM {rows}")
    counts = _replace_keys(con, t, rows, "_v_keys")
    _drop(con, "_v_rows", "_v_keys")
    return counts


# ---------------------------------------------------------------------------------------------------
# public API


def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    s = str(v).strip()
    return s or None


def slug(name: str) -> str:
    """An id from a name: `Anteil Kinder (0–6)` → `anteil_kinder_0_6`."""
    s = str(name).lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")[:60]


def _prepare(con: duckdb.DuckDBPyConnection, indikator: dict, observations: pd.DataFrame, datei: str | None = None):
    """Check and complete what apply_import was given.

    Returns (quelle_row or None, indikator_row or None, observations, is_new_indicator); a row is None
    when nothing in that table changes.
    """
    ind = dict(indikator or {})
    ind_id = _text(ind.get("id")) or slug(ind.get("name") or "")
    if not ind_id or not re.fullmatch(r"[A-Za-z0-9_\-]+", ind_id):
        raise ImportRejected(
            f"Der Indikator braucht eine Kennung aus Buchstaben, Ziffern, - oder _ (angegeben: {ind_id!r})."
        )
    if observations is None or len(observations) == 0:
        raise ImportRejected("Die Datei enthält keine Werte zum Importieren.")
    obs = observations.copy()
    missing = [c for c in ("ebene", "schluessel", "gebietsstand", "jahr", "wert") if c not in obs.columns]
    if missing:
        raise ImportRejected(f"Den Werten fehlen die Spalten {', '.join(missing)}.")
    if "indikator" in obs.columns and set(obs["indikator"].dropna().astype(str)) - {ind_id}:
        raise ImportRejected(f"Die Werte gehören zu einem anderen Indikator als {ind_id}.")

    existing = con.execute("SELECT quelle, lizenz, beispiel FROM indikator WHERE id = ?", [ind_id]).fetchone()
    quelle_row = ind_row = None
    beispiel = bool(ind.get("beispiel", False))
    if existing:
        quelle_id = existing[0]
        beispiel = bool(existing[2])
        if ind.get("neu") is True:
            # Checked as new, but meanwhile another import created it: writing now would overwrite that
            # import's catalogue entry (Lebenslage, Einheit, Aggregation) with this one's.
            raise ImportRejected(
                f"Den Indikator „{ind_id}“ hat inzwischen ein anderer Import angelegt. Es wurde nichts "
                "gespeichert; bitte die Datei erneut prüfen – sie ergänzt dann den vorhandenen Indikator."
            )
        stored = con.execute("SELECT * FROM indikator WHERE id = ?", [ind_id]).df().iloc[0].to_dict()
        # An existing indicator keeps its catalogue entry; only a level the file brings is added. `ebenen`
        # is a set: same set, no change (the stored order stays).
        have = [e for e in str(stored.get("ebenen") or "").split(";") if e]
        levels = set(obs["ebene"].astype(str))
        if not levels <= set(have):
            merged = dict(stored)
            merged["ebenen"] = ";".join(domain.ebenen_sorted(set(have) | levels))
            ind_row = {k: v for k, v in merged.items() if k != "version_id"}
    else:
        name = _text(ind.get("name"))
        if not name:
            raise ImportRejected("Der neue Indikator braucht einen Namen.")
        lebenslage = _text(ind.get("lebenslage"))
        if not con.execute("SELECT 1 FROM lebenslage WHERE id = ?", [lebenslage]).fetchone():
            raise ImportRejected(f"Unbekannte Lebenslage {lebenslage!r}.")
        polaritaet = _text(ind.get("polaritaet")) or "neutral"
        if polaritaet not in POLARITAETEN:
            raise ImportRejected(f"Unbekannte Wertungsrichtung {polaritaet!r} (erlaubt: {', '.join(POLARITAETEN)}).")
        quelle = _text(ind.get("quelle"))
        if not quelle:
            raise ImportRejected("Für einen neuen Indikator ist die Quelle anzugeben.")
        lizenz = _text(ind.get("lizenz")) or "keine Angabe"
        if con.execute("SELECT 1 FROM quelle WHERE id = ?", [quelle]).fetchone():
            quelle_id = quelle
        else:
            quelle_id = f"import-{ind_id}"
            # Every official source has all fields; pages rely on that, so none stays empty here either.
            quelle_row = {
                "id": quelle_id,
                "titel": quelle,
                "herausgeber": _text(ind.get("herausgeber")) or "keine Angabe",
                "lizenz": lizenz,
                "stand": _text(ind.get("stand")) or "keine Angabe",
                "referenz": _text(ind.get("referenz")) or (f"Datei {datei}" if datei else "Import"),
                "hinweis": "eigene Daten, importiert",
            }
        ebenen = domain.ebenen_sorted(obs["ebene"].astype(str))
        aggregation = _text(ind.get("aggregation"))
        if aggregation not in domain.AGGREGATIONEN:
            # Never a default: "keine" would publish small counts unprotected (issue 14).
            raise ImportRejected(
                "Für einen neuen Indikator ist anzugeben, was die Werte sind: Anzahlen (Aggregation „summe“), "
                "Quoten aus Zähler und Nenner („quote“) oder Indizes bzw. Quoten ohne Fallzahlen („keine“)."
            )
        dez = ind.get("dezimalen")
        ind_row = {
            "id": ind_id,
            "name": name,
            "lebenslage": lebenslage,
            "einheit": _text(ind.get("einheit")),
            "definition": _text(ind.get("definition")) or "Eigene Daten, importiert.",
            "zaehler": _text(ind.get("zaehler")),
            "nenner": _text(ind.get("nenner")),
            "formel": None,
            "abgeleitet": False,
            "polaritaet": polaritaet,
            "dezimalen": 1 if dez is None or (isinstance(dez, float) and dez != dez) else int(dez),
            "ebenen": ";".join(ebenen),
            "aggregation": aggregation,
            "quelle": quelle_id,
            "lizenz": lizenz,
            "beispiel": beispiel,
        }

    out = pd.DataFrame(
        {
            "indikator": ind_id,
            "ebene": obs["ebene"].astype(str),
            "schluessel": obs["schluessel"].astype(str).str.strip(),
            "gebietsstand": obs["gebietsstand"].astype(str),
        }
    )
    try:
        out["jahr"] = pd.to_numeric(obs["jahr"], errors="raise").astype(int)
        for col in ("wert", "zaehler", "nenner"):
            out[col] = pd.to_numeric(obs[col], errors="raise").astype(float) if col in obs.columns else float("nan")
    except (ValueError, TypeError) as exc:
        raise ImportRejected(f"Jahr und Werte müssen Zahlen sein ({exc}).") from None
    stand = _text(ind.get("stand"))
    if "stand" in obs.columns:
        out["stand"] = [_text(s) or stand for s in obs["stand"]]
    else:
        out["stand"] = stand
    if out["stand"].isna().any():
        raise ImportRejected("Jeder Wert braucht einen Stand (Datum oder Jahr der Daten).")
    if "status" in obs.columns:
        out["status"] = [_text(s) or ("ok" if w == w else "fehlend") for s, w in zip(obs["status"], out["wert"])]
    else:
        out["status"] = ["ok" if w == w else "fehlend" for w in out["wert"]]
    out["quelle"] = [_text(q) or quelle_id for q in obs["quelle"]] if "quelle" in obs.columns else quelle_id
    out["hinweis"] = [_text(h) for h in obs["hinweis"]] if "hinweis" in obs.columns else None
    out["beispiel"] = beispiel

    dup = out.duplicated(list(OBS_KEY), keep=False)
    if dup.any():
        first = out[dup].iloc[0]
        raise ImportRejected(
            f"{int(dup.sum())} Zeilen doppelt (z. B. {first['schluessel']} {first['jahr']}): "
            "jedes Gebiet und Jahr darf nur einmal vorkommen."
        )
    con.register("_v_check", out[["ebene", "schluessel", "gebietsstand"]].drop_duplicates())
    try:
        unknown = con.execute(
            "SELECT c.ebene, c.schluessel, c.gebietsstand FROM _v_check c ANTI JOIN region r "
            "ON r.ebene = c.ebene AND r.schluessel = c.schluessel AND r.gebietsstand = c.gebietsstand "
            "ORDER BY 2"
        ).fetchall()
    finally:
        con.unregister("_v_check")
    if unknown:
        examples = ", ".join(f"{s} ({e}, {g})" for e, s, g in unknown[:5])
        raise ImportRejected(f"{len(unknown)} Gebietsschlüssel sind unbekannt, z. B. {examples}.")
    known_q = {r[0] for r in con.execute("SELECT id FROM quelle").fetchall()} | {quelle_id}
    if set(out["quelle"]) - known_q:
        raise ImportRejected(f"Unbekannte Quelle(n): {', '.join(sorted(set(out['quelle']) - known_q))}.")
    return quelle_row, ind_row, out, not existing


def apply_import(
    con: duckdb.DuckDBPyConnection, indikator: dict, observations: pd.DataFrame, wer: str, datei: str | None
) -> int:
    """Write an imported indicator (new or existing) and its values as one new version; returns its id.

    `indikator`: `id` (optional for a new one: derived from `name`), for a new indicator also `name`,
    `lebenslage` (id), `einheit`, `polaritaet` (hoeher_besser | hoeher_schlechter | neutral), `quelle`
    (an existing quelle id, or the source's title: a source `import-<id>` is created), `stand`,
    `lizenz`, optionally `definition`, `dezimalen`, `herausgeber`, `beispiel`. An existing indicator
    keeps its catalogue entry; only values are added.
    `observations`: columns `ebene`, `schluessel`, `gebietsstand`, `jahr`, `wert`, optionally
    `zaehler`, `nenner`, `stand` (default: indikator['stand']), `status`, `quelle`, `hinweis`.
    A value for a region and year that already exists replaces it (the old one stays in the history).
    Everything happens in one transaction: on any error nothing is written.
    """
    require_writable(con)
    quelle_row, ind_row, obs, neu = _prepare(con, indikator, observations, datei)
    ind_id = obs["indikator"].iloc[0]
    with transaction(con):
        vid = _next_id(con)
        per_table = {}
        for spec, rows in (
            (BASE_TABLES[0], [quelle_row] if quelle_row else []),
            (BASE_TABLES[1], [ind_row] if ind_row else []),
        ):
            if rows:
                per_table[spec.name] = _put_rows(con, spec, pd.DataFrame(rows).assign(version_id=vid))
        per_table["beobachtung"] = _put_rows(con, BASE_TABLES[2], obs.assign(version_id=vid))
        if after_rows_written is not None:
            after_rows_written()
        _sync_history(con, vid)
        name = (ind_row or {}).get("name") or scalar(con.execute("SELECT name FROM indikator WHERE id = ?", [ind_id]))
        details = {
            "indikator": ind_id,
            "indikator_name": name,
            "neuer_indikator": neu,
            "ebenen": sorted(set(obs["ebene"])),
            "jahre": sorted({int(j) for j in obs["jahr"]}),
            "werte": int(len(obs)),
        }
        was = f"Import: {name}" + ("" if neu else " (Werte ergänzt)")
        _insert_version(con, vid, wer, "import", was, datei, per_table, details)
        _refresh_periods(con)
    return vid


def record_change(
    con: duckdb.DuckDBPyConnection, wer: str, was: str, details: dict | None = None, datei: str | None = None
) -> int:
    """Record what a caller has just changed in user tables (e.g. Planungsräume) as a new version.

    Call it right after the change, ideally inside the caller's own transaction (then both commit
    together); without an open transaction it uses its own. Returns the version id.
    """
    require_writable(con)
    with transaction(con):
        vid = _next_id(con)
        per_table = _sync_history(con, vid)
        _insert_version(con, vid, wer, "aenderung", was, datei, per_table, details)
    return vid


def _refresh_periods(con: duckdb.DuckDBPyConnection) -> None:
    """Observations changed: the summary the page queries read must change in the same transaction."""
    from sozialatlas.store import db  # db imports this module

    db.refresh_periods(con)


def rollback(con: duckdb.DuckDBPyConnection, ziel: int, wer: str) -> int:
    """Restore the user data as it was right after version `ziel` (0: no user data, only data/).

    The restore is a new version; the versions after `ziel` stay listed and are marked as undone.
    """
    require_writable(con)
    ziel = int(ziel)
    current = current_version(con)
    if ziel < 0 or ziel >= current:
        raise VersionError(f"Version {ziel} liegt nicht vor der aktuellen Version {current}.")
    if ziel and not con.execute("SELECT 1 FROM dataset_version WHERE id = ?", [ziel]).fetchone():
        raise VersionError(f"Version {ziel} gibt es nicht.")
    with transaction(con):
        vid = _next_id(con)
        per_table = {}
        for t in tracked_tables(con):
            _ensure_side_tables(con, t)
            cols = _columns(con, t.name)
            c = _collist(cols)
            keycols = _collist(t.key or cols)
            _drop(con, "_r_rows", "_r_keys")
            con.execute(
                f"CREATE TEMP TABLE _r_rows AS SELECT {c} FROM {_q(t.name + HIST)} "
                "WHERE gueltig_ab <= ? AND (gueltig_bis IS NULL OR gueltig_bis > ?)",
                [ziel, ziel],
            )
            where = " WHERE version_id IS NOT NULL" if t.base else ""
            same = scalar(
                con.execute(
                    f"SELECT NOT EXISTS (SELECT {c} FROM {_q(t.name)}{where} EXCEPT SELECT * FROM _r_rows) "
                    f"AND NOT EXISTS (SELECT * FROM _r_rows EXCEPT SELECT {c} FROM {_q(t.name)}{where})"
                )
            )
            if same:
                _drop(con, "_r_rows")
                continue
            con.execute(
                f"CREATE TEMP TABLE _r_keys AS SELECT {keycols} FROM {_q(t.name)}{where} "
                f"UNION SELECT {keycols} FROM _r_rows"
            )
            counts = _replace_keys(con, t, "_r_rows", "_r_keys")
            _drop(con, "_r_rows", "_r_keys")
            if any(counts.values()):
                per_table[t.name] = counts
        _sync_history(con, vid)
        con.execute(
            "UPDATE dataset_version SET zurueckgenommen_von = ? WHERE id > ? AND zurueckgenommen_von IS NULL",
            [vid, ziel],
        )
        was = (
            "Zurückgesetzt auf den Ausgangsstand (nur Daten aus data/)"
            if ziel == 0
            else f"Zurückgesetzt auf den Stand nach Version {ziel}"
        )
        _insert_version(con, vid, wer, "ruecknahme", was, None, per_table, {"ziel": ziel}, zurueck_auf=ziel)
        _refresh_periods(con)
    return vid


def list_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every version, newest first."""
    return con.execute(
        "SELECT id, wer, wann, art, was, datei, zeilen_neu, zeilen_geaendert, zeilen_entfernt, "
        "details, zurueck_auf, zurueckgenommen_von FROM dataset_version ORDER BY id DESC"
    ).df()


def changes(con: duckdb.DuckDBPyConnection, vid: int, table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows that version `vid` added, rows it removed) in one table, from the history."""
    _forget_catalog(con)
    t = {x.name: x for x in tracked_tables(con)}.get(table)
    if t is None or t.name + HIST not in _tables(con):
        empty = pd.DataFrame()
        return empty, empty
    cols = _collist(_columns(con, t.name))
    H = _q(t.name + HIST)
    added = con.execute(f"SELECT {cols} FROM {H} WHERE gueltig_ab = ?", [vid]).df()
    removed = con.execute(f"SELECT {cols} FROM {H} WHERE gueltig_bis = ?", [vid]).df()
    return added, removed


# ---------------------------------------------------------------------------------------------------
# carrying user data into a freshly built database


def carry_over(con: duckdb.DuckDBPyConnection, old: str) -> dict:
    """Copy versions, histories and current user rows from the attached database `old` into `con`.

    Called by db.build before the new file replaces the old one: base rows come fresh from data/,
    user rows (and the hidden base rows they replace) are re-applied on top, nothing user-made is lost.
    Returns counts of carried user rows per table.
    """

    def old_tables() -> set[str]:
        return {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'", [old]
            ).fetchall()
        }

    def old_columns(table: str) -> list[str]:
        return [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
                "AND table_name = ? ORDER BY column_index",
                [old, table],
            ).fetchall()
        ]

    _forget_catalog(con)
    have = old_tables()
    carried: dict[str, int] = {}
    if "dataset_version" in have:
        con.execute(f"INSERT INTO dataset_version BY NAME SELECT * FROM {_q(old)}.dataset_version")
    new_names = _tables(con)
    # Whole user tables of other modules that the new build created empty (or not at all).
    for name in sorted(have):
        if name.startswith(USER_TABLE_PREFIX) and not name.endswith((HIST, HIDDEN)):
            if name not in new_names:
                con.execute(f"CREATE TABLE {_q(name)} AS SELECT * FROM {_q(old)}.{_q(name)}")
                _forget_catalog(con)
            else:
                # The old file is the record of user data: its rows replace whatever the module's
                # create_schema put there (examples, restored copies).
                shared = [c for c in old_columns(name) if c in set(_columns(con, name))]
                con.execute(f"DELETE FROM {_q(name)}")
                con.execute(
                    f"INSERT INTO {_q(name)} ({_collist(shared)}) SELECT {_collist(shared)} FROM {_q(old)}.{_q(name)}"
                )
            carried[name] = int(scalar(con.execute(f"SELECT count(*) FROM {_q(name)}")))
    for t in tracked_tables(con):
        _ensure_side_tables(con, t)
        hist = t.name + HIST
        if hist in have:
            shared = [c for c in old_columns(hist) if c in set(_columns(con, hist))]
            con.execute(
                f"INSERT INTO {_q(hist)} ({_collist(shared)}) SELECT {_collist(shared)} FROM {_q(old)}.{_q(hist)}"
            )
        if t.base and t.name in have and "version_id" in old_columns(t.name):
            shared = [c for c in old_columns(t.name) if c in set(_columns(con, t.name))]
            df = con.execute(f"SELECT {_collist(shared)} FROM {_q(old)}.{_q(t.name)} WHERE version_id IS NOT NULL").df()
            if len(df):
                _put_rows(con, t, df)
                carried[t.name] = len(df)
    return carried


def baseline(con: duckdb.DuckDBPyConnection) -> None:
    """After a build: make the history agree with the user rows the database now holds.

    In a new database, rows that other modules put into their tables at build time (the example
    Planungsräume) become the starting state, version 0, so a rollback to 0 keeps them. If a rebuild
    changed user rows (it should not), the difference is recorded as a version of its own.
    """
    _forget_catalog(con)
    if not scalar(con.execute("SELECT count(*) FROM dataset_version")):
        _sync_history(con, 0)
        return
    vid = _next_id(con)
    per_table = _sync_history(con, vid)
    if per_table:
        _insert_version(
            con,
            vid,
            "System",
            "aenderung",
            "Datenbank neu aufgebaut: eigene Daten an die neuen Grunddaten angeglichen",
            None,
            per_table,
            None,
        )


# ---------------------------------------------------------------------------------------------------
# words for the Versionen page

ART_TEXT = {"import": "Import", "aenderung": "Änderung", "ruecknahme": "Rücknahme"}
# Short codes other modules pass as `was`, in words.
WAS_TEXT = {
    "praesentation_gespeichert": "Präsentation gespeichert",
    "praesentation_geloescht": "Präsentation gelöscht",
    "zielbezug_gespeichert": "Ziel-Indikator-Verknüpfung gespeichert",
    "zielbezug_geloescht": "Ziel-Indikator-Verknüpfung gelöscht",
    "planungsraum_gespeichert": "Planungsräume gespeichert",
    "planungsraum_geloescht": "Planungsräume gelöscht",
}
EBENE_TEXT = {
    "land": "Land",
    "kreis": "Kreise",
    "gemeinde": "Gemeinden",
    "gemeindeverband": "Gemeindeverbände",
    "stadtbezirk": "Stadtbezirke",
}
TABLE_TEXT = {
    "praesentation_satz": "Präsentationen",
    "praesentation_folie": "Folien",
    "zielbezug_ziel": "eigene Ziele",
    "zielbezug_indikator": "Ziel-Indikator-Verknüpfungen",
    "beobachtung": "Werte",
    "indikator": "Indikatoren",
    "quelle": "Quellen",
    "planungsraum_definition": "Planungsraum-Gliederungen",
    "sozialindex_definition": "gespeicherte Sozialindizes",
    "planungsraum_member": "Gemeinde-Zuordnungen",
}


def _zahl(n: int) -> str:
    return f"{int(n):,}".replace(",", ".")


def title(row) -> str:
    """What a version did, in one line of plain text (data text included as is: render it as text)."""
    was = WAS_TEXT.get(row["was"], row["was"])
    details = _details(row)
    if row["was"] in WAS_TEXT and details.get("name"):
        was = f"{was}: {details['name']}"
    return was


def _details(row) -> dict:
    raw = row.get("details") if hasattr(row, "get") else row["details"]
    if isinstance(raw, dict):
        return raw
    try:
        return json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}


def summary(row) -> str:
    """The changes of a version in words, e.g. '22 Werte neu (Kreis; 2023); 1 Indikator neu'."""
    details = _details(row)
    parts = []
    for table, counts in (details.get("tabellen") or {}).items():
        what = TABLE_TEXT.get(table, table)
        bits = [
            f"{_zahl(counts[k])} {label}"
            for k, label in (("neu", "neu"), ("geaendert", "geändert"), ("entfernt", "entfernt"))
            if counts.get(k)
        ]
        if bits:
            parts.append(f"{what}: " + ", ".join(bits))
    extra = []
    if details.get("ebenen"):
        extra.append(", ".join(EBENE_TEXT.get(e, e) for e in details["ebenen"]))
    jahre = details.get("jahre") or []
    if jahre:
        extra.append(f"Jahre {jahre[0]}–{jahre[-1]}" if len(jahre) > 1 else f"Jahr {jahre[0]}")
    text = "; ".join(parts) if parts else "keine Zeilen geändert"
    return text + (f" ({'; '.join(extra)})" if extra else "")


def status(row) -> str:
    if row.get("zurueck_auf") is not None and row.get("zurueck_auf") == row.get("zurueck_auf"):
        ziel = int(row["zurueck_auf"])
        base = "Ausgangsstand" if ziel == 0 else f"Stand nach Version {ziel}"
        text = f"stellt den {base} wieder her"
    else:
        text = ""
    undone = row.get("zurueckgenommen_von")
    if undone is not None and undone == undone:
        text = (text + "; " if text else "") + f"zurückgenommen durch Version {int(undone)}"
    return text or "gültig"
