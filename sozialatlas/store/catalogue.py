"""The hand-maintained catalogue (Lebenslagen, Quellen, Indikatoren) and its consistency check.

The three CSV files are edited by people; `validate` tells them in German what does not fit together
with the observations the ETL wrote, instead of letting a later step fail obscurely.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

LEBENSLAGEN_COLUMNS = ["id", "name", "reihenfolge", "beschreibung"]
QUELLEN_COLUMNS = ["id", "titel", "herausgeber", "lizenz", "stand", "referenz", "hinweis"]
INDIKATOREN_COLUMNS = [
    "id",
    "name",
    "lebenslage",
    "einheit",
    "definition",
    "zaehler",
    "nenner",
    "formel",
    "abgeleitet",
    "polaritaet",
    "dezimalen",
    "ebenen",
    "aggregation",
    "quelle",
    "lizenz",
]
POLARITAETEN = {"hoeher_besser", "hoeher_schlechter", "neutral"}
AGGREGATIONEN = {"summe", "quote", "keine"}
EBENEN = {"land", "kreis", "gemeinde", "gemeindeverband", "stadtbezirk"}
STATUS = {"ok", "abgeleitet", "umgerechnet", "fehlend"}
OBS_DIR = "beobachtungen"


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"Katalogdatei fehlt: {path}")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{path.name}: Spalte(n) {', '.join(missing)} fehlen.")
    return df


def load_lebenslagen(data_dir: Path) -> pd.DataFrame:
    df = _read(Path(data_dir) / "lebenslagen.csv", LEBENSLAGEN_COLUMNS)
    df["reihenfolge"] = pd.to_numeric(df["reihenfolge"], errors="coerce")
    return df.sort_values("reihenfolge", kind="mergesort").reset_index(drop=True)


def load_quellen(data_dir: Path) -> pd.DataFrame:
    return _read(Path(data_dir) / "quellen.csv", QUELLEN_COLUMNS)


def load_indikatoren(data_dir: Path) -> pd.DataFrame:
    return _read(Path(data_dir) / "indikatoren.csv", INDIKATOREN_COLUMNS)


def load_beobachtungen(data_dir: Path) -> pd.DataFrame:
    """All observation files, with the file name in column `datei` for messages."""
    files = sorted((Path(data_dir) / OBS_DIR).glob("*.csv"))
    parts = []
    for f in files:
        df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8")
        df["datei"] = f.name
        parts.append(df)
    if not parts:
        return pd.DataFrame(columns=["indikator", "stand", "quelle", "datei"])
    return pd.concat(parts, ignore_index=True)


def _check_catalogue(leb: pd.DataFrame, que: pd.DataFrame, ind: pd.DataFrame) -> list[str]:
    problems: list[str] = []
    for name, df in (("lebenslagen.csv", leb), ("quellen.csv", que), ("indikatoren.csv", ind)):
        dup = df.loc[df["id"].duplicated(), "id"]
        for i in dup:
            problems.append(f"{name}: id '{i}' kommt mehrfach vor.")
    lebenslagen, quellen = set(leb["id"]), set(que["id"])
    for r in ind.itertuples():
        wo = f"indikatoren.csv, Indikator '{r.id}'"
        if not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", r.id):
            problems.append(f"{wo}: id muss aus Kleinbuchstaben, Ziffern und Unterstrichen bestehen.")
        if r.lebenslage not in lebenslagen:
            problems.append(f"{wo}: unbekannte Lebenslage '{r.lebenslage}'.")
        if r.quelle not in quellen:
            problems.append(f"{wo}: unbekannte Quelle '{r.quelle}'.")
        if r.polaritaet not in POLARITAETEN:
            problems.append(f"{wo}: Polarität '{r.polaritaet}' ist nicht erlaubt ({', '.join(sorted(POLARITAETEN))}).")
        if r.aggregation not in AGGREGATIONEN:
            problems.append(
                f"{wo}: Aggregation '{r.aggregation}' ist nicht erlaubt ({', '.join(sorted(AGGREGATIONEN))})."
            )
        if r.aggregation == "quote" and not (r.zaehler and r.nenner):
            problems.append(f"{wo}: Aggregation 'quote' braucht Zähler und Nenner.")
        if r.abgeleitet not in ("ja", "nein"):
            problems.append(f"{wo}: abgeleitet muss 'ja' oder 'nein' sein, nicht '{r.abgeleitet}'.")
        if r.abgeleitet == "ja" and not r.formel:
            problems.append(f"{wo}: abgeleiteter Indikator ohne Formel.")
        if not str(r.dezimalen).isdigit():
            problems.append(f"{wo}: Dezimalen '{r.dezimalen}' ist keine ganze Zahl.")
        bad = set(filter(None, r.ebenen.split(";"))) - EBENEN
        if bad or not r.ebenen:
            problems.append(f"{wo}: unbekannte Ebene(n) '{r.ebenen}'.")
    return problems


def _check_observations(ind: pd.DataFrame, que: pd.DataFrame, obs: pd.DataFrame, optional: set[str]) -> list[str]:
    problems: list[str] = []
    known = set(ind["id"])
    for (datei, indikator), n in obs.groupby(["datei", "indikator"]).size().items():
        if indikator not in known:
            problems.append(f"{datei}: Indikator '{indikator}' ({n} Beobachtungen) fehlt im Katalog.")
    for col, label in (("stand", "Stand"), ("quelle", "Quelle")):
        empty = obs[obs[col].str.strip() == ""] if col in obs else obs.iloc[0:0]
        for datei, n in empty.groupby("datei").size().items():
            problems.append(f"{datei}: {n} Beobachtung(en) ohne {label}.")
    if "quelle" in obs:
        unknown = set(obs["quelle"]) - set(que["id"]) - {""}
        for q in sorted(unknown):
            problems.append(f"Beobachtungen: unbekannte Quelle '{q}'.")
    if "status" in obs:
        for s in sorted(set(obs["status"]) - STATUS):
            problems.append(f"Beobachtungen: unbekannter Status '{s}'.")
    with_obs = set(obs["indikator"])
    for i in sorted(known - with_obs - optional):
        problems.append(f"indikatoren.csv: Indikator '{i}' hat keine Beobachtungen.")
    return problems


def validate(data_dir: Path, optional: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """German descriptions of every inconsistency; empty when catalogue and observations fit.

    `optional`: indicator ids allowed to have no observations yet (series another ETL step writes).
    """
    data_dir = Path(data_dir)
    problems: list[str] = []
    try:
        leb, que, ind = load_lebenslagen(data_dir), load_quellen(data_dir), load_indikatoren(data_dir)
    except (FileNotFoundError, ValueError) as exc:
        return [str(exc)]
    problems += _check_catalogue(leb, que, ind)
    problems += _check_observations(ind, que, load_beobachtungen(data_dir), set(optional))
    return problems
