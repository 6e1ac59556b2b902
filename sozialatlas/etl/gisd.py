"""RKI GISD Release 2025 v1 (Thüringen files) → data/beobachtungen/gisd.csv.

The "Bundesland" files are normalised within Thüringen per year, so a score ranks a region inside the
Land in that year; the values are carried as published text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialatlas.errors import RawInputError
from sozialatlas.etl import rawio
from sozialatlas.etl.writers import OBS_COLUMNS, write_observations

GISD_DIR = "rki_gisd_2025"
QUELLE = "gisd_2025"
INDIKATOR = "gisd_score"
OUT_FILE = "beobachtungen/gisd.csv"

FILES = {
    # ebene: (file, key column, key length, gebietsstand, expected regions)
    "kreis": ("GISD_Thueringen_Kreis.csv", "kreis_id", 5, "ab-2021-07-01", 22),
    "gemeindeverband": ("GISD_Thueringen_Gemeindeverband.csv", "gvb_id", 9, "2021-12-31", 192),
}


def read_level(raw_dir: Path, ebene: str) -> pd.DataFrame:
    datei, key, key_len, gebietsstand, _ = FILES[ebene]
    path = Path(raw_dir) / GISD_DIR / datei
    df = rawio.read_csv(path, required=[key, "year", "gisd_score"])
    keys = df[key].str.strip()
    bad = keys[~keys.str.fullmatch(rf"16\d{{{key_len - 2}}}")]
    if not bad.empty:
        raise RawInputError(path, f"Schlüssel '{bad.iloc[0]}' ist kein {key_len}-stelliger Thüringer Schlüssel.")
    wert = df["gisd_score"].str.strip()
    bad = wert[(wert != "") & ~wert.str.fullmatch(r"\d+(\.\d+)?")]
    if not bad.empty:
        raise RawInputError(path, f"Wert '{bad.iloc[0]}' ist keine Zahl.")
    jahr = df["year"].str.strip()
    out = pd.DataFrame(
        {
            "indikator": INDIKATOR,
            "ebene": ebene,
            "schluessel": keys,
            "gebietsstand": gebietsstand,
            "jahr": jahr,
            "stand": jahr,
            "wert": wert,
            "zaehler": "",
            "nenner": "",
            "status": wert.map(lambda w: "ok" if w else "fehlend"),
            "quelle": QUELLE,
            "hinweis": "innerhalb Thüringens je Jahr normiert",
        },
        columns=OBS_COLUMNS,
    )
    if out.duplicated(["schluessel", "jahr"]).any():
        raise RawInputError(path, "Schlüssel und Jahr kommen doppelt vor.")
    return out


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    parts = {ebene: read_level(Path(raw_dir), ebene) for ebene in FILES}
    warnings = []
    for ebene, df in parts.items():
        n, expected = df["schluessel"].nunique(), FILES[ebene][4]
        if n != expected:
            warnings.append(f"GISD {ebene}: {n} statt {expected} Regionen.")
    obs = pd.concat(parts.values(), ignore_index=True)
    write_observations(obs, Path(data_dir) / OUT_FILE)
    return {
        "beobachtungen": len(obs),
        "kreise": parts["kreis"]["schluessel"].nunique(),
        "gemeindeverbaende": parts["gemeindeverband"]["schluessel"].nunique(),
        "jahre": f"{obs['jahr'].min()}–{obs['jahr'].max()}",
        "warnungen": warnings,
    }
