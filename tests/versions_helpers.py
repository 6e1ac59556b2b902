"""Helpers for the versions/public tests: a private database copy, a fingerprint, example imports."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd

NEW_INDICATOR = {
    "name": "Testquote Kinderbetreuung",
    "lebenslage": "familie",
    "einheit": "Prozent",
    "aggregation": "keine",
    "polaritaet": "hoeher_besser",
    "quelle": "Jugendamt Musterkreis, eigene Erhebung",
    "stand": "2023-12-31",
    "lizenz": "intern",
}


def copy_db(src: Path, dst_dir: Path, name: str = "kopie.duckdb") -> Path:
    dst = Path(dst_dir) / name
    shutil.copyfile(src, dst)
    return dst


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def table_hashes(path: Path) -> dict:
    """Every table's rows, order-independent: equal dicts mean equal contents."""
    out = {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        for t in tables:
            out[t] = con.execute(
                f"SELECT count(*), md5(coalesce(string_agg(CAST(x AS VARCHAR), '|' "
                f"ORDER BY CAST(x AS VARCHAR)), '')) FROM \"{t}\" x"
            ).fetchone()
    finally:
        con.close()
    return out


def kreise(con, stand: str = "ab-2021-07-01") -> list[tuple[str, str]]:
    return con.execute(
        "SELECT schluessel, name FROM region WHERE ebene = 'kreis' AND gebietsstand = ? ORDER BY schluessel", [stand]
    ).fetchall()


def kreis_values(con, jahr: int = 2023, start: float = 10.0, stand: str = "ab-2021-07-01") -> pd.DataFrame:
    keys = [k for k, _ in kreise(con, stand)]
    return pd.DataFrame(
        {
            "ebene": "kreis",
            "schluessel": keys,
            "gebietsstand": stand,
            "jahr": jahr,
            "wert": [round(start + i / 10, 1) for i in range(len(keys))],
        }
    )


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Daten"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def kreis_xlsx(con, jahr: int = 2023, start: float = 10.0) -> tuple[bytes, dict]:
    """An XLSX as a planner would make it (AGS, Name, Jahr, Wert) and the values it holds by AGS."""
    rows = [["AGS", "Name", "Jahr", "Wert"]]
    values = {}
    for i, (key, name) in enumerate(kreise(con)):
        v = round(start + i / 10, 1)
        rows.append([key, name, jahr, v])
        values[key] = v
    return xlsx_bytes(rows), values
