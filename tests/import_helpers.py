"""Shared helpers for the import tests: files built in memory, a DB fingerprint, the CLI in-process."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl

from sozialatlas import cli, paths

NEW_META = [
    "--name",
    "Kinder in Bedarfsgemeinschaften",
    "--lebenslage",
    "familie",
    "--einheit",
    "Personen",
    "--art",
    "anzahl",
    "--polaritaet",
    "hoeher_schlechter",
    "--quelle",
    "Jobcenter Testkreis",
    "--stand",
    "31.12.",
    "--lizenz",
    "intern",
]


def copy_db(src: Path, dst_dir: Path, name: str = "kopie.duckdb") -> Path:
    dst = Path(dst_dir) / name
    shutil.copyfile(src, dst)
    return dst


def fingerprint(db: Path) -> dict:
    """Every table's row count and order-independent row hashes, plus the file bytes."""
    out = {"_datei": hashlib.sha256(Path(db).read_bytes()).hexdigest()}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        for t in tables:
            out[t] = con.execute(f'SELECT count(*), sum(hash(x)), bit_xor(hash(x)) FROM "{t}" x').fetchone()
    return out


def run_inprocess(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def run_subprocess(*args, env=None) -> subprocess.CompletedProcess:
    import os

    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "sozialatlas", *map(str, args)],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
    )


def xlsx(
    rows: list[list], *, sheets: dict[str, list[list]] | None = None, merged: list[str] = (), title: str = "Tabelle1"
) -> bytes:
    """An XLSX with `rows` on the first sheet (formulas as "=…" strings are written without a cached
    value, exactly like files produced by scripts)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    for rng in merged:
        ws.merge_cells(rng)
    for name, extra in (sheets or {}).items():
        w = wb.create_sheet(name)
        for r in extra:
            w.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()
