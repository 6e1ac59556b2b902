"""Command line: `python -m sozialatlas etl|build|info|import|passwort|publish|export`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sozialatlas import paths
from sozialatlas.errors import SozialatlasError


def _cmd_etl(args) -> int:
    from sozialatlas.etl.pipeline import run_all

    data_dir, geodata_dir = paths.DATA_DIR, paths.GEODATA_DIR
    if args.out:
        # A separate output folder (checks that a re-run reproduces the committed files).
        data_dir, geodata_dir = Path(args.out) / "data", Path(args.out) / "geodata"
        data_dir.mkdir(parents=True, exist_ok=True)
        for name in ("lebenslagen.csv", "quellen.csv", "indikatoren.csv"):
            (data_dir / name).write_bytes((paths.DATA_DIR / name).read_bytes())
    summary = run_all(Path(args.raw), data_dir, geodata_dir, log=lambda t: print(t, file=sys.stderr))
    print(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    return 0


def _cmd_build(args) -> int:
    from sozialatlas.store import db

    progress = lambda t: print(t, file=sys.stderr)  # noqa: E731
    if args.wenn_noetig:
        path = Path(args.db) if args.db else paths.default_db_path()
        db.ensure(path, progress=progress)
    else:
        path = db.build(args.db, progress=progress, neu=args.neu)
    print(path)
    return 0


def _cmd_info(args) -> int:
    from sozialatlas.store import db, info

    db_path = Path(args.db) if args.db else paths.default_db_path()
    if args.db is None:
        db.ensure(db_path, progress=lambda t: print(t, file=sys.stderr))
    with db.connect(db_path, read_only=True) as con:
        s = info.summary(con)
    if args.json:
        print(json.dumps(s, ensure_ascii=False))
    else:
        print(
            f"Gebiete: Land {s['regions']['land']}, Kreise {s['regions']['kreis']}, "
            f"Gemeinden {s['regions']['gemeinde']}"
        )
        print(f"Indikatoren: {s['indicators']}, Beobachtungen: {s['observations']}")
        for name, n in s["lebenslagen"].items():
            print(f"  {name}: {n}")
    return 0


IMPORT_HELP = """\
Eine eigene Tabelle (CSV oder XLSX) als Indikator importieren. Die Datei wird vollständig geprüft;
bei einem Problem wird nichts gespeichert (Exit-Code 2, je Problem eine Zeile auf stderr).

Tabellenformen:
  lang:  AGS;Jahr;Wert[;Zähler;Nenner;Stand;Hinweis]   (eine Zeile je Gebiet und Jahr)
  breit: AGS;Name;2019;2020;2021                        (eine Spalte je Jahr)
Statt „AGS“ (5 Ziffern Kreis, 8 Gemeinde, 9 Gemeindeverband) geht auch eine Spalte „Name“.
CSV: UTF-8 oder Windows-1252, Trennzeichen ; , oder Tab, Dezimalkomma oder -punkt.

Metadaten: als Optionen oder in einer JSON- oder TOML-Datei (--meta), Optionen haben Vorrang, z. B.
  {"name": "Kinder in Bedarfsgemeinschaften", "lebenslage": "familie", "einheit": "Prozent",
   "art": "quote", "polaritaet": "hoeher_schlechter", "quelle": "Jobcenter Gotha", "stand": "31.12.2023",
   "lizenz": "intern"}
Ein neuer Indikator braucht Name, Lebenslage, Einheit, Art der Werte (--art anzahl|quote|index),
Wertungsrichtung, Quelle, Stand und Lizenz; Anzahlen werden summiert und kleine Fallzahlen gesperrt;
Werte für einen vorhandenen Indikator (--id) brauchen Quelle (Kennung einer vorhandenen Quelle) und
Stand. Stand „31.12.“ ohne Jahr wird je Jahr ergänzt (2019-12-31, 2020-12-31, …), ebenso
„Jahresdurchschnitt“ (2019 (Jahresdurchschnitt), …).

Exit-Codes: 0 importiert (bzw. Probelauf ohne Probleme), 2 abgelehnt (nichts gespeichert),
1 interner Fehler.
"""

META_OPTIONS = [
    # option, metadata key, help
    ("--id", "id", "Kennung des Indikators (Kleinbuchstaben, Ziffern, _); nötig, um einen vorhandenen zu ergänzen"),
    ("--name", "name", "Name des neuen Indikators"),
    ("--lebenslage", "lebenslage", "eine der sieben Lebenslagen (Kennung oder Name, z. B. familie)"),
    ("--einheit", "einheit", "Einheit der Werte, z. B. Personen, Prozent, je 1.000 Einwohner"),
    ("--polaritaet", "polaritaet", "Wertungsrichtung: hoeher_besser, hoeher_schlechter oder neutral"),
    ("--quelle", "quelle", "woher die Zahlen stammen (Text) oder Kennung einer vorhandenen Quelle"),
    ("--stand", "stand", "Stand der Zahlen, z. B. 31.12.2023, 31.12. (je Jahr) oder Jahresdurchschnitt"),
    ("--lizenz", "lizenz", "Lizenz bzw. Nutzungsbedingungen, z. B. dl-de/by-2-0 oder intern"),
    ("--definition", "definition", "Definition des Indikators (optional)"),
    ("--dezimalen", "dezimalen", "Nachkommastellen für die Anzeige (optional, 0–6)"),
    ("--aggregation", "aggregation", "summe, quote oder keine (statt --art; veraltet)"),
]


def _read_meta_file(path: str) -> dict:
    import tomllib

    p = Path(path)
    if not p.is_file():
        raise SozialatlasError(f"Die Metadaten-Datei {path} fehlt.")
    text = p.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        data = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = "TOML" if p.suffix.lower() == ".toml" else "JSON"
        raise SozialatlasError(f"Die Metadaten-Datei {path} ist kein gültiges {kind}: {exc}") from None
    if not isinstance(data, dict):
        raise SozialatlasError(f"Die Metadaten-Datei {path} muss ein Objekt mit Feldern wie „name“ enthalten.")
    return {str(k): v for k, v in data.items() if isinstance(v, (str, int, float))}


def _say(text: str, err: bool = False) -> None:
    """Print text that may quote a file's cells: control characters (terminal escapes) are masked."""
    from sozialatlas.importer.files import printable

    print("\n".join(printable(line) for line in str(text).split("\n")), file=sys.stderr if err else sys.stdout)


def _who(args) -> str:
    if args.wer:
        return args.wer
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in containers without passwd entry
        return "Kommandozeile"


def _cmd_import(args) -> int:
    from sozialatlas import importer, settings
    from sozialatlas.store import db

    if not args.dry_run:
        settings.require_admin()  # a public instance has no write path; say so before any work
    path = Path(args.file)
    if not path.is_file():
        print(f"Fehler: Die Datei {path} gibt es nicht.", file=sys.stderr)
        return 2
    meta = _read_meta_file(args.meta) if args.meta else {}
    for key in [k for _opt, k, _help in META_OPTIONS] + ["art"]:
        value = getattr(args, key)
        if value is not None:
            meta[key] = value
    db_path = Path(args.db) if args.db else paths.default_db_path()
    if not db_path.exists():
        print(f"Fehler: Die Datenbank {db_path} fehlt: `python -m sozialatlas build` ausführen.", file=sys.stderr)
        return 2
    table = importer.read_path(path, args.sheet)
    with db.connect(db_path, read_only=True) as con:
        report = importer.validate(con, table, meta, ebene=args.ebene, gebietsstand=args.gebietsstand)
    if not report.ok:
        _say(
            f"Import abgelehnt – es wurde nichts gespeichert. {path.name}: {len(report.problems)} Problem(e):", err=True
        )
        for line in report.lines():
            _say(line, err=True)
        for hint in report.hints:
            _say(f"Hinweis: {hint}", err=True)
        return 2
    _say(table.describe())
    for hint in report.hints:
        _say(f"Hinweis: {hint}")
    ind = report.indikator
    n = len(report.observations)
    what = "neuer Indikator" if report.neu else "vorhandener Indikator"
    if args.dry_run:
        import pandas as pd

        with pd.option_context("display.width", 160, "display.max_columns", 20):
            _say(report.preview.to_string(index=False))
        _say(
            f"Probelauf: {n} Werte für „{ind['name']}“ ({what} „{ind['id']}“) wären gültig; "
            f"{len(report.changes)} vorhandene Werte würden sich ändern. Es wurde nichts gespeichert."
        )
        return 0
    from sozialatlas.store import versions

    with db.writing(db_path) as con:
        vid = versions.apply_import(con, ind, report.observations, _who(args), path.name)
    _say(
        f"Importiert: Version {vid} – {n} Werte für „{ind['name']}“ ({what} „{ind['id']}“), "
        f"{len(report.changes)} vorhandene Werte geändert."
    )
    return 0


def _cmd_passwort(args) -> int:
    """Print the secrets.toml entry for a new admin password (salted scrypt); the password never shows."""
    import getpass

    from sozialatlas import settings

    if args.stdin:  # for scripts: the password on standard input, one line
        pw = sys.stdin.readline().rstrip("\n")
    else:
        pw = getpass.getpass("Neues Passwort für die Verwaltung: ")
        if getpass.getpass("Noch einmal: ") != pw:
            print("Fehler: Die beiden Eingaben stimmen nicht überein. Nichts ausgegeben.", file=sys.stderr)
            return 2
    if len(pw) < 10:
        print("Fehler: Das Passwort ist zu kurz (mindestens 10 Zeichen).", file=sys.stderr)
        return 2
    print("# In .streamlit/secrets.toml eintragen (alte Einträge password_sha256/password löschen):")
    print("[admin]")
    print(f'password_scrypt = "{settings.hash_password(pw)}"')
    return 0


def _cmd_publish(args) -> int:
    import importlib

    try:
        publish = importlib.import_module("sozialatlas.store.publish")
    except ModuleNotFoundError as exc:
        if exc.name != "sozialatlas.store.publish":
            raise
        print(
            "Fehler: Veröffentlichen ist in dieser Version noch nicht verfügbar (Modul sozialatlas.store.publish "
            "fehlt).",
            file=sys.stderr,
        )
        return 2
    db_path = Path(args.db) if args.db else paths.default_db_path()
    if not db_path.exists():
        print(f"Fehler: Die Datenbank {db_path} fehlt: `python -m sozialatlas build` ausführen.", file=sys.stderr)
        return 2
    result = publish.write_snapshot(db_path, Path(args.out)) or {}
    print(
        f"Schnappschuss geschrieben: {result.get('datei', args.out)}"
        + (f" (Version {result['version']})" if result.get("version") else "")
    )
    return 0


def _cmd_export(args) -> int:
    from sozialatlas.render import datapackage
    from sozialatlas.store import db
    from sozialatlas.views import gesamtdownload

    db_path = Path(args.db) if args.db else paths.default_db_path()
    if not db_path.exists():
        print(f"Fehler: Die Datenbank {db_path} fehlt: `python -m sozialatlas build` ausführen.", file=sys.stderr)
        return 2
    con = db.connect(db_path, read_only=True)
    try:

        def progress(i: int, n: int) -> None:
            if i == n or i % 100 == 0:
                print(f"» {i} von {n} Indikator-Jahren geprüft …", file=sys.stderr)

        bundle = gesamtdownload.build(con, indikatoren=args.indikator or None, progress=progress)
    finally:
        con.close()
    out = datapackage.write(bundle, Path(args.out))
    print(
        f"Gesamtdownload geschrieben: {out} ({len(bundle.beobachtungen)} Beobachtungen, "
        f"{int((bundle.beobachtungen['status'] == 'gesperrt').sum())} gesperrt)"
    )
    for note in bundle.ausgelassen:
        print(f"Nicht enthalten: {note}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sozialatlas", description="Sozialatlas Thüringen")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("etl", help="Rohdaten → data/ und geodata/")
    p.add_argument("--raw", default=str(paths.DEFAULT_RAW_DIR), help="Ordner mit den Rohdaten")
    p.add_argument("--out", default=None, help="statt data/ und geodata/ in diesen Ordner schreiben")
    p.set_defaults(func=_cmd_etl)
    p = sub.add_parser("build", help="DuckDB-Datei aus data/ und geodata/ bauen")
    p.add_argument("--db", default=None, help="Pfad der Datenbankdatei")
    p.add_argument(
        "--neu",
        action="store_true",
        help="eine beschädigte Datenbank beiseitelegen (.defekt-DATUM) und bewusst neu aufbauen",
    )
    p.add_argument(
        "--wenn-noetig",
        action="store_true",
        help="nur bauen, wenn die Datenbank fehlt oder data/ sich geändert hat (so startet start.sh)",
    )
    p.set_defaults(func=_cmd_build)
    p = sub.add_parser("info", help="Überblick über die Datenbank")
    p.add_argument("--db", default=None, help="Pfad der Datenbankdatei")
    p.add_argument("--json", action="store_true", help="als JSON ausgeben")
    p.set_defaults(func=_cmd_info)
    p = sub.add_parser(
        "import",
        help="eigene Tabelle (CSV/XLSX) als Indikator importieren",
        description=IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="DATEI", help="CSV- oder XLSX-Datei")
    p.add_argument("--db", default=None, metavar="PFAD", help="Pfad der Datenbankdatei")
    p.add_argument("--dry-run", action="store_true", help="nur prüfen und Vorschau zeigen, nichts speichern")
    p.add_argument("--sheet", default=None, metavar="NAME", help="Tabellenblatt (XLSX; Standard: das erste)")
    p.add_argument(
        "--ebene",
        default=None,
        choices=["kreis", "gemeinde", "gemeindeverband", "land"],
        help="Ebene erzwingen (Standard: aus den Schlüsseln bzw. Namen erkannt)",
    )
    p.add_argument(
        "--gebietsstand",
        default=None,
        metavar="ID",
        help="Gebietsstand erzwingen: ab-2021-07-01 (22 Kreise) oder bis-2021-06-30 (23 Kreise)",
    )
    p.add_argument("--meta", default=None, metavar="DATEI", help="Metadaten aus einer JSON- oder TOML-Datei")
    for opt, key, help_text in META_OPTIONS:
        p.add_argument(opt, dest=key, default=None, metavar="TEXT", help=help_text)
    p.add_argument(
        "--art",
        dest="art",
        default=None,
        choices=["anzahl", "quote", "index"],
        help="für einen neuen Indikator Pflicht: anzahl (summiert, kleine Fallzahlen gesperrt), quote oder index",
    )
    p.add_argument("--wer", default=None, metavar="NAME", help="wer importiert (Standard: Benutzername)")
    p.set_defaults(func=_cmd_import)
    p = sub.add_parser("passwort", help="Eintrag für ein neues Verwaltungspasswort (secrets.toml) erzeugen")
    p.add_argument("--stdin", action="store_true", help="Passwort von der Standardeingabe lesen (für Skripte)")
    p.set_defaults(func=_cmd_passwort)
    p = sub.add_parser("publish", help="schreibgeschützten Schnappschuss für die öffentliche Instanz schreiben")
    p.add_argument("--out", required=True, metavar="DATEI", help="Zieldatei des Schnappschusses")
    p.add_argument("--db", default=None, metavar="PFAD", help="Pfad der Verwaltungsdatenbank")
    p.set_defaults(func=_cmd_publish)
    p = sub.add_parser("export", help="Gesamtdownload: alle Werte (nach der Geheimhaltung) als ZIP oder Ordner")
    p.add_argument("--out", required=True, metavar="ZIP|ORDNER", help="Zieldatei (.zip) oder Zielordner")
    p.add_argument("--db", default=None, metavar="PFAD", help="Pfad der Datenbank (öffentlich: der Schnappschuss)")
    p.add_argument("--indikator", action="append", metavar="ID", help="nur diese Indikatoren (mehrfach möglich)")
    p.set_defaults(func=_cmd_export)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SozialatlasError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 – the user gets a sentence, not a trace
        if os.environ.get("SOZIALATLAS_DEBUG"):
            raise
        print(
            f"Interner Fehler ({type(exc).__name__}): {exc}. Es wurde nichts gespeichert. Bitte melden; "
            "mit SOZIALATLAS_DEBUG=1 erscheint die vollständige Fehlermeldung.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
