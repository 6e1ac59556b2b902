"""Reading raw files so that every problem ends in a German message naming the file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sozialatlas.errors import RawInputError


def require_file(path: Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise RawInputError(path, "Datei fehlt. Bitte den Rohdatenordner prüfen (--raw).")
    if path.stat().st_size == 0:
        raise RawInputError(path, "Datei ist leer.")
    return path


def read_csv(path: Path, required: Iterable[str] = (), **kwargs) -> pd.DataFrame:
    """Read a CSV as text (dtype=str) so keys keep leading zeros and values are not rounded."""
    path = require_file(path)
    kwargs.setdefault("dtype", str)
    kwargs.setdefault("keep_default_na", False)
    try:
        df = pd.read_csv(path, **kwargs)
    except UnicodeDecodeError as exc:
        raise RawInputError(path, f"Zeichenkodierung nicht lesbar ({exc.reason}).") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise RawInputError(path, f"CSV nicht lesbar: {exc}") from exc
    require_columns(df, required, path)
    if df.empty:
        raise RawInputError(path, "Datei enthält keine Datenzeilen.")
    return df


def require_columns(df: pd.DataFrame, required: Iterable[str], path: Path) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise RawInputError(
            path, f"Spalte(n) {', '.join(missing)} fehlen; vorhanden sind: {', '.join(map(str, df.columns))}."
        )


def read_geojson(path: Path, required: Iterable[str] = ()):
    import geopandas as gpd

    path = require_file(path)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types; the user needs the file name either way
        raise RawInputError(path, f"Geodaten nicht lesbar: {exc}") from exc
    require_columns(gdf, required, path)
    if gdf.empty:
        raise RawInputError(path, "Datei enthält keine Geometrien.")
    return gdf


def parse_number(text: str, path: Path, where: str) -> float | None:
    """German or English number text → float; '' → None. Anything else is an error naming the cell."""
    s = str(text).strip()
    if s in ("", "-", ".", "x", "NA", "nan"):
        return None
    t = s.replace(" ", "")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    try:
        return float(t)
    except ValueError as exc:
        raise RawInputError(path, f"'{s}' in {where} ist keine Zahl.") from exc
