"""Build the DuckDB database from the committed data/ and geodata/ files, and open it.

The base rows are a cache of the committed files: they can always be rebuilt, so the file is not
committed. User-made data (imports, Planungsräume, dataset versions) lives in the same file and survives
a rebuild (see build). Every write goes to a new file beside the target that is renamed into place, so
an interrupted build or write never leaves a half-written database behind.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import shapely

from sozialatlas import paths, settings
from sozialatlas.errors import SozialatlasError

# Part of the data hash: raising it makes every existing database rebuild (user data is carried over).
SCHEMA_VERSION = "2"  # 2: version_id columns, dataset versions

GEBIETSSTAENDE = [
    # id, Ebene, Name, gültig von, gültig bis
    ("bis-2021-06-30", "kreis", "Kreise bis 30.06.2021 (23)", None, "2021-06-30"),
    ("ab-2021-07-01", "kreis", "Kreise ab 01.07.2021 (22)", "2021-07-01", None),
    ("2021-12-31", "gemeinde", "Gemeinden, Gebietsstand 31.12.2021 (631)", "2021-12-31", None),
    ("-", "land", "Land Thüringen", None, None),
    ("jena-2017", "stadtbezirk", "Statistische Bezirke der Stadt Jena (Stand ca. 2017)", None, None),
    # LoKoSR figures of Saalfeld-Rudolstadt describe the Kreis before its 2019 Gemeinde changes
    ("bis-2018-12-31", "kreis", "Kreisgebiet vor den Gemeindeänderungen 2019", None, "2018-12-31"),
]

# (file, ebene, gebietsstand) of every committed boundary layer.
LAYERS = [
    ("land.geojson", "land", "-"),
    ("kreise_bis-2021-06-30.geojson", "kreis", "bis-2021-06-30"),
    ("kreise_ab-2021-07-01.geojson", "kreis", "ab-2021-07-01"),
    ("gemeinden_2021-12-31.geojson", "gemeinde", "2021-12-31"),
    ("gemeindeverbaende_2021-12-31.geojson", "gemeindeverband", "2021-12-31"),
    ("jena_statbez.geojson", "stadtbezirk", "jena-2017"),
]
OPTIONAL_LAYERS = {"gemeindeverband", "stadtbezirk"}

# version_id: NULL for rows from data/, else the dataset version that wrote the row (sozialatlas.store.versions).
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE lebenslage (id TEXT PRIMARY KEY, name TEXT NOT NULL, reihenfolge INTEGER, beschreibung TEXT);
CREATE TABLE quelle (id TEXT PRIMARY KEY, titel TEXT, herausgeber TEXT, lizenz TEXT, stand TEXT,
                     referenz TEXT, hinweis TEXT, version_id INTEGER);
CREATE TABLE gebietsstand (id TEXT PRIMARY KEY, ebene TEXT, name TEXT, gueltig_von DATE, gueltig_bis DATE);
CREATE TABLE region (
    ebene TEXT NOT NULL, schluessel TEXT NOT NULL, gebietsstand TEXT NOT NULL,
    name TEXT NOT NULL, bez TEXT, parent TEXT, kreis_bis TEXT, kreis_ab TEXT, verband TEXT,
    flaeche_km2 DOUBLE, geometrie_quelle TEXT, geom BLOB, beispiel BOOLEAN DEFAULT false,
    PRIMARY KEY (ebene, schluessel, gebietsstand));
CREATE TABLE indikator (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, lebenslage TEXT NOT NULL, einheit TEXT, definition TEXT,
    zaehler TEXT, nenner TEXT, formel TEXT, abgeleitet BOOLEAN, polaritaet TEXT, dezimalen INTEGER,
    ebenen TEXT, aggregation TEXT, quelle TEXT, lizenz TEXT, beispiel BOOLEAN DEFAULT false,
    version_id INTEGER);
CREATE TABLE beobachtung (
    indikator TEXT NOT NULL, ebene TEXT NOT NULL, schluessel TEXT NOT NULL, gebietsstand TEXT NOT NULL,
    jahr INTEGER NOT NULL, stand TEXT NOT NULL, wert DOUBLE, zaehler DOUBLE, nenner DOUBLE,
    status TEXT NOT NULL, quelle TEXT NOT NULL, hinweis TEXT, beispiel BOOLEAN DEFAULT false,
    version_id INTEGER);
CREATE TABLE strategie (ags TEXT, kreis TEXT, titel TEXT, beschlossen_am DATE, gremium TEXT, schwerpunkte TEXT);
CREATE TABLE ziel (lebenslage TEXT, lebenslage_bezeichnung TEXT, ziel TEXT, nennungen INTEGER);
CREATE TABLE lebenslage_nennung (lebenslage TEXT, lebenslage_bezeichnung TEXT, nennungen INTEGER,
                                 strategien_gesamt INTEGER);
CREATE TABLE bruch (indikator TEXT NOT NULL, jahr INTEGER NOT NULL, hinweis TEXT, quelle TEXT);
"""


# Modules that own tables of their own (user-made data such as Planungsräume or dataset versions).
# Each has `create_schema(con)`, called on every build after the base schema.
SCHEMA_EXTENSIONS = (
    "sozialatlas.store.planungsraeume",
    "sozialatlas.store.praesentationen",
    "sozialatlas.store.ziele",
    "sozialatlas.store.indexdefinitionen",
    "sozialatlas.store.versions",
)


class DatabaseError(SozialatlasError):
    pass


def _extend_schema(con: duckdb.DuckDBPyConnection) -> None:
    import importlib

    for name in SCHEMA_EXTENSIONS:
        importlib.import_module(name).create_schema(con)


def input_files(data_dir: Path = paths.DATA_DIR, geodata_dir: Path = paths.GEODATA_DIR) -> list[Path]:
    files = sorted(Path(data_dir).rglob("*.csv")) + sorted(Path(geodata_dir).glob("*.geojson"))
    return [f for f in files if f.is_file()]


def data_hash(data_dir: Path = paths.DATA_DIR, geodata_dir: Path = paths.GEODATA_DIR) -> str:
    """Fingerprint of the committed inputs: a database built from other inputs is stale."""
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for f in input_files(data_dir, geodata_dir):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _nullify(df: pd.DataFrame) -> pd.DataFrame:
    return df.replace({"": None})


def _regions(geodata_dir: Path) -> pd.DataFrame:
    rows = []
    for fname, ebene, stand in LAYERS:
        path = Path(geodata_dir) / fname
        if not path.exists():
            if ebene in OPTIONAL_LAYERS:
                continue
            raise DatabaseError(f"Gebietsdatei {path} fehlt: bitte `python -m sozialatlas etl` ausführen.")
        fc = json.loads(path.read_text(encoding="utf-8"))
        for feat in fc["features"]:
            p = feat["properties"]
            geom = shapely.from_geojson(json.dumps(feat["geometry"]))
            kreis_ab = p.get("kreis_ab")
            parent = {
                "land": None,
                "kreis": "16",
                "gemeinde": kreis_ab,
                "gemeindeverband": kreis_ab,
                "stadtbezirk": p.get("parent", "16053"),
            }[ebene]
            rows.append(
                {
                    "ebene": ebene,
                    "schluessel": str(p["schluessel"]),
                    "gebietsstand": stand,
                    "name": p["name"],
                    "bez": p.get("bez"),
                    "parent": parent,
                    "kreis_bis": p.get("kreis_bis"),
                    "kreis_ab": kreis_ab,
                    "verband": p.get("verband"),
                    "flaeche_km2": p.get("flaeche_km2"),
                    "geometrie_quelle": p.get("geometrie_quelle"),
                    "geom": shapely.to_wkb(geom),
                    "beispiel": False,
                }
            )
    return pd.DataFrame(rows)


def _observations(data_dir: Path) -> pd.DataFrame:
    files = sorted((Path(data_dir) / "beobachtungen").glob("*.csv"))
    if not files:
        raise DatabaseError(f"Keine Beobachtungen unter {data_dir}/beobachtungen: ETL ausführen.")
    df = pd.concat([_read_csv(f) for f in files], ignore_index=True)
    out = _nullify(df)
    for col in ("wert", "zaehler", "nenner"):
        out[col] = pd.to_numeric(out[col], errors="raise")
    out["jahr"] = out["jahr"].astype(int)
    out["beispiel"] = False
    return out


def _indicators(data_dir: Path) -> pd.DataFrame:
    df = _nullify(_read_csv(Path(data_dir) / "indikatoren.csv"))
    df["abgeleitet"] = df["abgeleitet"].eq("ja")
    df["dezimalen"] = pd.to_numeric(df["dezimalen"]).astype("Int64")
    df["beispiel"] = False
    return df


def _seed_tables(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    d = Path(data_dir)
    if (d / "strategien.csv").exists():
        s = _nullify(_read_csv(d / "strategien.csv"))
        con.register("s_df", s)
        con.execute(
            "INSERT INTO strategie SELECT ags, kreis, titel, TRY_CAST(beschlossen_am AS DATE), "
            "gremium, schwerpunkte FROM s_df"
        )
    if (d / "ziele.csv").exists():
        z = _nullify(_read_csv(d / "ziele.csv"))
        con.register("z_df", z)
        con.execute(
            "INSERT INTO ziel SELECT lebenslage, COALESCE(lebenslage_bezeichnung, lebenslage), "
            "gruppiertes_ziel, TRY_CAST(nennungen_in_strategien AS INTEGER) FROM z_df"
        )
    if (d / "brueche.csv").exists():
        # series breaks: values before `jahr` are not comparable with those from `jahr` on
        b = _nullify(_read_csv(d / "brueche.csv"))
        con.register("b_df", b)
        con.execute("INSERT INTO bruch SELECT indikator, CAST(jahr AS INTEGER), hinweis, quelle FROM b_df")
    if (d / "lebenslagen_in_strategien.csv").exists():
        n = _nullify(_read_csv(d / "lebenslagen_in_strategien.csv"))
        con.register("n_df", n)
        con.execute(
            "INSERT INTO lebenslage_nennung SELECT lebenslage, "
            "COALESCE(lebenslage_bezeichnung, lebenslage), "
            "TRY_CAST(nennungen_in_strategien AS INTEGER), TRY_CAST(strategien_gesamt AS INTEGER) "
            "FROM n_df"
        )


def _load_base(con: duckdb.DuckDBPyConnection, data_dir: Path, geodata_dir: Path, say) -> None:
    say("Lebenslagen, Quellen und Indikatorenkatalog laden …")
    con.register("ll", _nullify(_read_csv(Path(data_dir) / "lebenslagen.csv")))
    con.execute("INSERT INTO lebenslage SELECT id, name, CAST(reihenfolge AS INTEGER), beschreibung FROM ll")
    con.register("q", _nullify(_read_csv(Path(data_dir) / "quellen.csv")))
    con.execute(
        "INSERT INTO quelle (id, titel, herausgeber, lizenz, stand, referenz, hinweis) "
        "SELECT id, titel, herausgeber, lizenz, stand, referenz, hinweis FROM q"
    )
    con.executemany("INSERT INTO gebietsstand VALUES (?, ?, ?, ?, ?)", GEBIETSSTAENDE)
    ind = _indicators(data_dir)
    con.register("ind", ind)
    con.execute("INSERT INTO indikator BY NAME SELECT * FROM ind")
    say("Gebietsgrenzen laden …")
    con.register("reg", _regions(geodata_dir))
    con.execute("INSERT INTO region BY NAME SELECT * FROM reg")
    say("Beobachtungen laden …")
    con.register("obs", _observations(data_dir))
    # Stored in the order the pages filter by: DuckDB's zone maps (min/max per row group) then skip every
    # row group of other indicators (benchmarks/skalierung.py: Germany-size queries).
    con.execute(
        "INSERT INTO beobachtung BY NAME SELECT * FROM obs ORDER BY indikator, ebene, gebietsstand, jahr, schluessel"
    )
    _seed_tables(con, data_dir)


def disk_full_message(where: Path) -> str:
    return (
        f"Auf dem Datenträger von {where} ist kein Platz mehr frei. Es wurde nichts gespeichert; die "
        "Datenbank ist unverändert. Bitte Platz schaffen (z. B. alte Schnappschüsse, Sicherungen oder "
        "beiseitegelegte „.defekt-…“-Dateien an einen anderen Ort verschieben) und den Vorgang wiederholen."
    )


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).casefold()
    return isinstance(exc, duckdb.Error) and ("no space left" in text or "disk quota" in text)


@contextmanager
def german_disk_full(where: Path):
    """A full disk (ENOSPC, from Python or from DuckDB's C++ core) ends in one German sentence."""
    try:
        yield
    except (OSError, duckdb.Error) as exc:
        if _is_disk_full(exc):
            raise DatabaseError(disk_full_message(Path(where).parent)) from None
        raise


@contextmanager
def _locked(db_path: Path):
    """One writer at a time per database file (build, import, rollback, publish read a stable file)."""
    lock = open(db_path.with_name(db_path.name + ".lock"), "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def _remove(*files: Path) -> None:
    for f in files:
        Path(f).unlink(missing_ok=True)
        Path(str(f) + ".wal").unlink(missing_ok=True)


def _remove_leftovers(db_path: Path) -> None:
    """Temporary files of builds or writes killed half-way (under the lock none can be in use)."""
    for pattern in (".tmp-*", ".schreiben-*"):
        for f in db_path.parent.glob(db_path.name + pattern):
            f.unlink(missing_ok=True)


def is_snapshot(db_path: Path) -> bool:
    """True for a published read-only snapshot (see sozialatlas.store.publish)."""
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchone()
    except duckdb.Error:
        return False
    return row is not None and row[0] == "ja"


def _refuse_snapshot(db_path: Path) -> None:
    if db_path.exists() and is_snapshot(db_path):
        raise settings.ReadOnlyError(
            f"{db_path} ist ein veröffentlichter Schnappschuss und schreibgeschützt: hier wird nichts "
            "gebaut oder importiert. Änderungen in der Verwaltungsdatenbank vornehmen und neu veröffentlichen "
            "(`python -m sozialatlas publish --out DATEI`)."
        )


def corrupt_message(db_path: Path) -> str:
    """What to do when the admin database cannot be read: never a silent rebuild that drops user data."""
    return (
        f"Die Verwaltungsdatenbank {db_path} ist beschädigt und kann nicht gelesen werden. Sie kann eigene "
        "Daten enthalten (Importe, Planungsräume, Versionen); deshalb wird nichts überschrieben und der "
        "Sozialatlas startet nicht. So geht es weiter: (1) eine Sicherung der Datei an diese Stelle "
        f"zurücklegen – auch eine früher beiseitegelegte Datei „{db_path.name}.defekt-…“ im selben Ordner – "
        "und neu starten; oder (2) bewusst neu aufbauen: `python -m sozialatlas build --neu` "
        f"(mit --db {db_path}, falls das nicht die Standarddatei ist). Dabei wird die beschädigte Datei als "
        f"„{db_path.name}.defekt-DATUM“ beiseitegelegt, nicht gelöscht; eigene Daten, die nur darin standen, "
        "fehlen danach im Atlas, bis eine Sicherung zurückgelegt wird."
    )


class CorruptDatabase(DatabaseError):
    """The admin database exists but cannot be read; see corrupt_message."""


def build(
    db_path: Path | None = None,
    data_dir: Path = paths.DATA_DIR,
    geodata_dir: Path = paths.GEODATA_DIR,
    progress=None,
    *,
    neu: bool = False,
) -> Path:
    """Build the database file from the committed files; returns its path.

    If the file exists, everything user-made in it (imported indicators and values, Planungsräume,
    dataset versions with their history) is carried into the new file: only the base rows are replaced.
    The new file is written beside the target and renamed into place, so an interrupted build leaves
    the old file as it was. `progress(text)` is called with German status lines.
    An unreadable existing file stops the build with CorruptDatabase (German recovery steps), unless
    `neu=True` (`build --neu`): then it is set aside as `<name>.defekt-<time>` and a new file is built.
    """
    from sozialatlas.store import versions

    settings.require_admin()
    say = progress or (lambda _t: None)
    db_path = Path(db_path or paths.default_db_path())
    _refuse_snapshot(db_path)  # before anything is created beside it
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(db_path), german_disk_full(db_path):
        _refuse_snapshot(db_path)
        _remove_leftovers(db_path)
        if db_path.exists() and not neu and not _readable(db_path):
            raise CorruptDatabase(corrupt_message(db_path))
        tmp = db_path.with_name(db_path.name + f".tmp-{os.getpid()}")
        broken = None
        try:
            con = duckdb.connect(str(tmp))
            try:
                con.execute(SCHEMA)
                _extend_schema(con)
                _load_base(con, data_dir, geodata_dir, say)
                if db_path.exists():
                    broken = _carry_user_data(con, db_path, say)
                    if broken is not None and not neu:
                        raise CorruptDatabase(corrupt_message(db_path))
                versions.baseline(con)
                refresh_periods(con)
                con.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [
                        ("schema_version", SCHEMA_VERSION),
                        ("data_hash", data_hash(data_dir, geodata_dir)),
                        ("gebaut_am", datetime.now(UTC).isoformat(timespec="seconds")),
                    ],
                )
                con.execute("CHECKPOINT")
            finally:
                con.close()
            if broken:
                # Unreadable old file: keep it aside rather than overwrite whatever it still holds.
                os.replace(db_path, broken)
                say(
                    f"Die alte Datenbank war nicht lesbar und liegt jetzt unter {broken}; eigene Daten darin "
                    "sind in der neuen Datenbank nicht enthalten."
                )
            os.replace(tmp, db_path)
            Path(str(db_path) + ".wal").unlink(missing_ok=True)
        finally:
            _remove(tmp)
    say("Datenbank fertig.")
    return db_path


PERIODS_TABLE = "beobachtung_perioden"
# Per area and indicator: years and counts, stored in area order (ebene, schluessel) so that DuckDB's zone
# maps skip every row group of other areas. beobachtung itself is sorted by indicator, so "everything of one
# Gemeinde" would scan all of it (≈ 480 ms for Germany); an ART index on (ebene, schluessel) was measured and
# not taken: DuckDB 1.4 uses it only when the key is the sole filter, and then fetches ≈ 2,500 scattered rows
# (≈ 55 ms at 5 % of Germany, slower than the scan). See benchmarks/skalierung.py and docs/DATENMODELL.md.
AREAS_TABLE = "beobachtung_gebiete"
SUMMARY_TABLES = (PERIODS_TABLE, AREAS_TABLE)


def refresh_periods(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the summaries of the observations: which (gebietsstand, jahr) exist per indicator and level
    (PERIODS_TABLE), and which indicators and years each area has (AREAS_TABLE), with counts.

    queries.indicators/periods/coverage/area_years read them instead of scanning every observation (27.5 M
    rows for Germany). Written by the build and by every change of observations (store.versions: import,
    rollback), in the same transaction; a database without them (built before) is read the slow way.
    Deterministic: the same observations give the same rows in the same order."""
    con.execute(
        f"CREATE OR REPLACE TABLE {PERIODS_TABLE} AS "
        "SELECT indikator, ebene, gebietsstand, jahr, count(wert) AS n_werte, count(*) AS n "
        "FROM beobachtung GROUP BY ALL ORDER BY indikator, ebene, gebietsstand, jahr"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {AREAS_TABLE} AS "
        "SELECT ebene, schluessel, gebietsstand, indikator, min(jahr) AS jahr_von, max(jahr) AS jahr_bis, "
        "max(jahr) FILTER (WHERE wert IS NOT NULL) AS jahr_neuester_wert, count(wert) AS n_werte, count(*) AS n "
        "FROM beobachtung GROUP BY ALL ORDER BY ebene, schluessel, gebietsstand, indikator"
    )


def _carry_user_data(con: duckdb.DuckDBPyConnection, old_path: Path, say) -> Path | None:
    """Copy user data from the old file into the new one; returns a path to move the old file to if
    it cannot be read at all."""
    from sozialatlas.store import versions

    alias = unused_alias(con, "alte_datenbank")
    try:
        con.execute(f"ATTACH {sql_string(old_path)} AS {alias} (READ_ONLY)")
    except duckdb.Error:
        if _readable(old_path):
            raise  # a readable file that cannot be attached: never set it aside, say why
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return old_path.with_name(f"{old_path.name}.defekt-{stamp}")
    try:
        carried = versions.carry_over(con, alias)
    finally:
        con.execute(f"DETACH {alias}")
    if carried:
        say("Eigene Daten übernommen: " + ", ".join(f"{t} {n}" for t, n in carried.items()) + ".")
    return None


def sql_string(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def unused_alias(con: duckdb.DuckDBPyConnection, base: str) -> str:
    """A name for ATTACH that is none of the attached databases (a file's own name becomes one)."""
    taken = {r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    name, i = base, 1
    while name in taken:
        i += 1
        name = f"{base}_{i}"
    return name


def _readable(path: Path) -> bool:
    """The file opens and every table can be counted (a truncated file often opens, then fails)."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            tables = con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main'"
            ).fetchall()
            for (t,) in tables:
                con.execute(f"SELECT count(*) FROM {sql_ident(t)}").fetchone()
        return True
    except duckdb.Error as exc:
        # Another process holding the file open is not damage.
        return "lock" in str(exc).casefold()


def sql_ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def is_current(db_path: Path, data_dir: Path = paths.DATA_DIR, geodata_dir: Path = paths.GEODATA_DIR) -> bool:
    """True if the file exists and was built from exactly the committed inputs."""
    db_path = Path(db_path)
    if not db_path.exists():
        return False
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'data_hash'").fetchone()
    except duckdb.Error:
        return False
    return row is not None and row[0] == data_hash(data_dir, geodata_dir)


def ensure(db_path: Path | None = None, progress=None) -> Path:
    """Build the database if it is missing or stale; return its path.

    A public instance never builds: it serves the published snapshot it was given, or says it is missing.
    """
    db_path = Path(db_path or paths.default_db_path())
    if settings.is_public():
        if not db_path.exists():
            raise DatabaseError(missing_snapshot_message(db_path))
        return db_path
    if not is_current(db_path):
        build(db_path, progress=progress)
    return db_path


def missing_snapshot_message(db_path: Path) -> str:
    return (
        f"Die Datenbank {db_path} fehlt. Eine öffentliche Instanz (SOZIALATLAS_PUBLIC=1) baut keine "
        "Datenbank selbst: auf der Verwaltungsinstanz `python -m sozialatlas publish --out DATEI` "
        "ausführen, die Datei hierher kopieren und SOZIALATLAS_DB darauf zeigen lassen."
    )


def connect(db_path: Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the database. Writing (read_only=False) is refused on a public instance and on snapshots;
    prefer `writing()` for changes, which never blocks readers."""
    db_path = Path(db_path or paths.default_db_path())
    if not db_path.exists():
        if settings.is_public():
            raise DatabaseError(missing_snapshot_message(db_path))
        raise DatabaseError(f"Datenbank {db_path} fehlt: `python -m sozialatlas build` ausführen.")
    if not read_only:
        settings.require_admin()
        _refuse_snapshot(db_path)
    return duckdb.connect(str(db_path), read_only=read_only)


def file_identity(db_path: Path) -> tuple | None:
    """Changes whenever the file is replaced or rewritten, so readers know to reopen it."""
    try:
        st = Path(db_path).stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@contextmanager
def writing(db_path: Path | None = None):
    """A read-write connection for one change (import, rollback, Planungsräume): copy-on-write.

    The change is made on a private copy of the file, which replaces the original only after the
    block finished without error. Readers (the app, other processes) keep their read-only connection
    on the old file meanwhile and are never blocked; a failed, rejected or killed change leaves the
    original untouched. Inside, use one transaction per change (versions.* do).
    """
    settings.require_admin()
    db_path = Path(db_path or paths.default_db_path())
    if not db_path.exists():
        raise DatabaseError(f"Datenbank {db_path} fehlt: `python -m sozialatlas build` ausführen.")
    _refuse_snapshot(db_path)  # before anything is created beside it
    with _locked(db_path):
        _refuse_snapshot(db_path)
        _remove_leftovers(db_path)
        tmp = db_path.with_name(db_path.name + f".schreiben-{os.getpid()}")
        try:
            with german_disk_full(db_path):
                shutil.copyfile(db_path, tmp)
                wal = Path(str(db_path) + ".wal")
                if wal.exists():
                    shutil.copyfile(wal, str(tmp) + ".wal")
                con = duckdb.connect(str(tmp))
            try:
                yield con
                with german_disk_full(db_path):
                    con.execute("CHECKPOINT")
            except (OSError, duckdb.Error) as exc:
                if _is_disk_full(exc):
                    raise DatabaseError(disk_full_message(db_path.parent)) from None
                raise
            finally:
                con.close()
            os.replace(tmp, db_path)
            wal.unlink(missing_ok=True)
        finally:
            _remove(tmp)
