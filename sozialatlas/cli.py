"""Command line: `python -m sozialatlas etl|build|info`."""

from __future__ import annotations

import argparse
import json
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
    from sozialatlas import db

    path = db.build(args.db, progress=lambda t: print(t, file=sys.stderr))
    print(path)
    return 0


def _cmd_info(args) -> int:
    from sozialatlas import db, info

    db_path = Path(args.db) if args.db else paths.default_db_path()
    if args.db is None:
        db.ensure(db_path, progress=lambda t: print(t, file=sys.stderr))
    with db.connect(db_path, read_only=True) as con:
        s = info.summary(con)
    if args.json:
        print(json.dumps(s, ensure_ascii=False))
    else:
        print(f"Gebiete: Land {s['regions']['land']}, Kreise {s['regions']['kreis']}, "
              f"Gemeinden {s['regions']['gemeinde']}")
        print(f"Indikatoren: {s['indicators']}, Beobachtungen: {s['observations']}")
        for name, n in s["lebenslagen"].items():
            print(f"  {name}: {n}")
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
    p.set_defaults(func=_cmd_build)
    p = sub.add_parser("info", help="Überblick über die Datenbank")
    p.add_argument("--db", default=None, help="Pfad der Datenbankdatei")
    p.add_argument("--json", action="store_true", help="als JSON ausgeben")
    p.set_defaults(func=_cmd_info)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SozialatlasError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
