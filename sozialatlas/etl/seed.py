"""Figures and tables transcribed from the seed publications (ThOnSA profiles, LoKoSR, strategies).

Outputs: data/beobachtungen/thonsa.csv, data/beobachtungen/lokosr.csv, data/strategien.csv,
data/ziele.csv, data/lebenslagen_in_strategien.csv.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sozialatlas.errors import RawInputError
from sozialatlas.etl import rawio
from sozialatlas.etl.writers import OBS_COLUMNS, write_csv, write_observations

SEED_DIR = "seed_publications"
THONSA_FILE = "thonsa_kreisprofile_2019.csv"
LOKOSR_FILE = "saalfeld_rudolstadt_2012_2015.csv"
STRATEGIEN_FILE = "armutspraeventionsstrategien.csv"
ZIELE_FILE = "ziele_nach_lebenslagen.csv"
NENNUNGEN_FILE = "lebenslagen_in_strategien.csv"
SEED_COLUMNS = ["ags", "kreis", "indicator", "label", "value", "unit", "stand", "quelle"]

# The profiles describe the Kreise before Eisenach joined the Wartburgkreis (01.07.2021).
GS_KREIS = "bis-2021-06-30"
GS_SAALFELD_ALT = "bis-2018-12-31"
HINWEIS_SAALFELD_ALT = (
    "Kreisgebiet vor den Gemeindeänderungen 2019 (Fläche 31.12.2017: 1036,03 km², heute 1008,77 km²); "
    "nicht mit dem heutigen Kreisgebiet vergleichbar"
)
THONSA_INDICATORS = {
    "bevoelkerung",
    "bev_unter18",
    "bev_18_64",
    "bev_65plus",
    "auslaenderanteil",
    "arbeitslosenquote",
    "anteil_langzeitarbeitslose",
    "quote_bedarfsgemeinschaften",
    "anteil_kinder_in_bg",
    "quote_grundsicherung_18plus",
    "quote_hlu_sgb12",
    "quote_asylblg",
}

# LoKoSR labels whose definition differs from the ThOnSA indicator of the same name get their own id.
LOKOSR_IDS = {
    # LoKoSR relates Grundsicherung to inhabitants aged 18+, ThOnSA to all inhabitants.
    "quote_grundsicherung_18plus": "quote_grundsicherung_je1000_ab18",
}
# Which catalogue source a LoKoSR row comes from, recognised by the start of its `quelle` text.
LOKOSR_QUELLEN = {
    "Konzeption LoKoSR": "lokosr_2015",
    "Landkreis Sömmerda": "soemmerda_praxis",
}

# Spellings of the seed tables → the seven Lebenslagen ids (data/lebenslagen.csv).
LEBENSLAGE_IDS = {
    "familie": "familie",
    "bildung, betreuung und erziehung": "bildung",
    "bildung und betreuung": "bildung",
    "wohnen": "wohnen",
    "gesundheit": "gesundheit",
    "ökonomie und arbeitsmarkt": "oekonomie",
    "ökonomische situation/arbeitsmarkt": "oekonomie",
    "gesellschaftliche teilhabe": "teilhabe",
    "gesellschaftliche teilhabe/zusammenleben im sozialraum": "teilhabe",
    "migration und integration": "migration",
    "migration": "migration",
}

_NUMBER = re.compile(r"-?\d+([.,]\d+)?")


def _path(raw_dir: Path, name: str) -> Path:
    return Path(raw_dir) / SEED_DIR / name


def lebenslage_id(label: str, path: Path) -> str:
    key = " ".join(str(label).split()).lower()
    if key not in LEBENSLAGE_IDS:
        raise RawInputError(path, f"Lebenslage '{label}' ist keiner der sieben Lebenslagen zugeordnet.")
    return LEBENSLAGE_IDS[key]


def jahr_from_stand(stand: str, path: Path) -> str:
    """The reference year: the last four-digit year named (a school year 2013/2014 ends in 2014)."""
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", stand)
    if not years:
        raise RawInputError(path, f"Stand '{stand}' nennt kein Jahr.")
    return years[-1]


def _wert(text: str) -> str:
    return text.strip().replace(",", ".")


def _region(ags: str, path: Path) -> tuple[str, str, str]:
    ags = ags.strip()
    if ags == "16000":
        return "land", "16", "-"
    if re.fullmatch(r"16\d{3}", ags):
        return "kreis", ags, GS_KREIS
    raise RawInputError(path, f"'{ags}' ist kein Thüringer Kreis- oder Landesschlüssel.")


def thonsa(raw_dir: Path) -> pd.DataFrame:
    path = _path(raw_dir, THONSA_FILE)
    df = rawio.read_csv(path, required=SEED_COLUMNS)
    unknown = set(df["indicator"]) - THONSA_INDICATORS
    if unknown:
        raise RawInputError(path, f"unbekannte Indikatoren: {', '.join(sorted(unknown))}.")
    bad = df[~df["value"].str.strip().str.fullmatch(_NUMBER)]
    if not bad.empty:
        raise RawInputError(path, f"Wert '{bad['value'].iloc[0]}' ({bad['ags'].iloc[0]}) ist keine Zahl.")
    regions = [_region(a, path) for a in df["ags"]]
    out = pd.DataFrame(
        {
            "indikator": df["indicator"].str.strip(),
            "ebene": [r[0] for r in regions],
            "schluessel": [r[1] for r in regions],
            "gebietsstand": [r[2] for r in regions],
            "jahr": df["stand"].map(lambda s: jahr_from_stand(s, path)),
            "stand": df["stand"].str.strip(),
            "wert": df["value"].map(_wert),
            "zaehler": "",
            "nenner": "",
            "status": "ok",
            "quelle": "thonsa_2019",
            "hinweis": "",
        },
        columns=OBS_COLUMNS,
    )
    if out.duplicated(["indikator", "schluessel", "jahr"]).any():
        raise RawInputError(path, "Indikator, Kreis und Jahr kommen doppelt vor.")
    return out


def _lokosr_quelle(text: str, path: Path) -> str:
    for prefix, qid in LOKOSR_QUELLEN.items():
        if text.strip().startswith(prefix):
            return qid
    raise RawInputError(path, f"Quelle '{text}' ist keiner Quelle in quellen.csv zugeordnet.")


def lokosr(raw_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    """LoKoSR rows; a value that is not one number (range, footnote text) is skipped and reported."""
    path = _path(raw_dir, LOKOSR_FILE)
    df = rawio.read_csv(path, required=SEED_COLUMNS)
    ok = df["value"].str.strip().str.fullmatch(_NUMBER)
    skipped = [f"{r.ags} {r.indicator} {r.stand}: '{r.value}'" for r in df[~ok].itertuples()]
    df = df[ok]
    regions = [_region(a, path) for a in df["ags"]]
    stand = df["stand"].str.strip()
    out = pd.DataFrame(
        {
            "indikator": df["indicator"].str.strip().map(lambda i: LOKOSR_IDS.get(i, i)),
            "ebene": [r[0] for r in regions],
            "schluessel": [r[1] for r in regions],
            "gebietsstand": [r[2] for r in regions],
            "jahr": stand.map(lambda s: jahr_from_stand(s, path)),
            "stand": stand,
            "wert": df["value"].map(_wert),
            "zaehler": "",
            "nenner": "",
            "status": "ok",
            "quelle": df["quelle"].map(lambda q: _lokosr_quelle(q, path)),
            "hinweis": stand.map(
                lambda s: f"Bezugsjahr laut Quelle nur ungefähr („{s}“)" if s.startswith("um ") else ""
            ),
        },
        columns=OBS_COLUMNS,
    )
    # The LoKoSR figures of Saalfeld-Rudolstadt (2010–2014, e.g. Fläche 1036 km²) describe the Kreis before
    # its Gemeinden changed between 2018 and 2021 (1036.03 km² on 31.12.2017, 1008.77 km² on 31.12.2021): they
    # get that old Gebietsstand, so no map draws them on today's polygon.
    alt = (out["ebene"] == "kreis") & (out["schluessel"] == "16073") & (out["quelle"] == "lokosr_2015")
    out.loc[alt, "gebietsstand"] = GS_SAALFELD_ALT
    out.loc[alt, "hinweis"] = [
        f"{h}; {HINWEIS_SAALFELD_ALT}" if h else HINWEIS_SAALFELD_ALT for h in out.loc[alt, "hinweis"]
    ]
    if out.duplicated(["indikator", "schluessel", "jahr"]).any():
        raise RawInputError(path, "Indikator, Region und Jahr kommen doppelt vor.")
    return out, skipped


def strategien(raw_dir: Path) -> pd.DataFrame:
    path = _path(raw_dir, STRATEGIEN_FILE)
    cols = ["ags", "kreis", "titel", "beschlossen_am", "gremium", "schwerpunkte"]
    df = rawio.read_csv(path, required=cols)[cols].copy()
    for c in cols:
        df[c] = df[c].str.strip()
    bad = df[~df["beschlossen_am"].str.fullmatch(r"\d{4}-\d{2}-\d{2}")]
    if not bad.empty:
        raise RawInputError(path, f"Datum '{bad['beschlossen_am'].iloc[0]}' ist kein ISO-Datum.")
    df["schwerpunkte"] = df["schwerpunkte"].map(lambda s: "; ".join(p.strip() for p in s.split(";") if p.strip()))
    return df.sort_values("ags", kind="mergesort").reset_index(drop=True)


def ziele(raw_dir: Path) -> pd.DataFrame:
    """Grouped goals; source order kept (it ranks goals by mentions within each Lebenslage)."""
    path = _path(raw_dir, ZIELE_FILE)
    df = rawio.read_csv(path, required=["lebenslage", "gruppiertes_ziel", "nennungen_in_strategien"])
    return pd.DataFrame(
        {
            "lebenslage": df["lebenslage"].map(lambda name: lebenslage_id(name, path)),
            "lebenslage_bezeichnung": df["lebenslage"].str.strip(),
            "gruppiertes_ziel": df["gruppiertes_ziel"].str.strip(),
            # One count was lost in the OCR of the source: it stays empty, never 0.
            "nennungen_in_strategien": df["nennungen_in_strategien"].str.strip(),
        }
    )


def nennungen(raw_dir: Path) -> pd.DataFrame:
    path = _path(raw_dir, NENNUNGEN_FILE)
    df = rawio.read_csv(path, required=["lebenslage", "nennungen_in_strategien", "strategien_gesamt"])
    return pd.DataFrame(
        {
            "lebenslage": df["lebenslage"].map(lambda name: lebenslage_id(name, path)),
            "lebenslage_bezeichnung": df["lebenslage"].str.strip(),
            "nennungen_in_strategien": df["nennungen_in_strategien"].str.strip(),
            "strategien_gesamt": df["strategien_gesamt"].str.strip(),
        }
    )


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    raw_dir, data_dir = Path(raw_dir), Path(data_dir)
    th = thonsa(raw_dir)
    lk, skipped = lokosr(raw_dir)
    st = strategien(raw_dir)
    zi = ziele(raw_dir)
    ne = nennungen(raw_dir)
    write_observations(th, data_dir / "beobachtungen" / "thonsa.csv")
    write_observations(lk, data_dir / "beobachtungen" / "lokosr.csv")
    write_csv(st, data_dir / "strategien.csv")
    write_csv(zi, data_dir / "ziele.csv")
    write_csv(ne, data_dir / "lebenslagen_in_strategien.csv")
    return {
        "thonsa_beobachtungen": len(th),
        "thonsa_kreise": th["schluessel"].nunique(),
        "lokosr_beobachtungen": len(lk),
        "lokosr_uebersprungen": skipped,
        "strategien": len(st),
        "ziele": len(zi),
        "ziele_ohne_anzahl": int((zi["nennungen_in_strategien"] == "").sum()),
        "warnungen": [f"LoKoSR-Zeile übersprungen (kein einzelner Zahlenwert): {s}" for s in skipped],
    }
