"""Deterministic writers: re-running the ETL must reproduce the committed files byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

OBS_COLUMNS = [
    "indikator",
    "ebene",
    "schluessel",
    "gebietsstand",
    "jahr",
    "stand",
    "wert",
    "zaehler",
    "nenner",
    "status",
    "quelle",
    "hinweis",
]


def fmt_derived(x: float | None, decimals: int = 4) -> str:
    """A derived number as text: fixed decimals, trailing zeros dropped; None → ''."""
    if x is None or pd.isna(x):
        return ""
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def write_csv(df: pd.DataFrame, path: Path, sort_by: list[str] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if sort_by:
        df = df.sort_values(sort_by, kind="mergesort")
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def write_observations(df: pd.DataFrame, path: Path) -> Path:
    """Observations in the fixed column order (see docs/DATENMODELL.md), all cells text."""
    missing = [c for c in OBS_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"Beobachtungen ohne Spalten {missing}")
    out = df[OBS_COLUMNS].copy()
    for c in OBS_COLUMNS:
        out[c] = out[c].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return write_csv(out, path, sort_by=["indikator", "ebene", "gebietsstand", "schluessel", "jahr"])


def write_json(obj, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
