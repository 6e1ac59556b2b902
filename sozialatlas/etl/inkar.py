"""INKAR (BBSR, Ausgabe 2024) series for Thüringen → data/beobachtungen/inkar.csv.

INKAR harmonises every year to its own Gebietsstand: 22 Kreise (Eisenach inside the Wartburgkreis for
all years), 631 Gemeinden and 192 Gemeindeverbände of 31.12.2021. Values are carried as text; only the
Land sums and the Arbeitslosenanteil are computed here, and they are marked `abgeleitet`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialatlas.errors import RawInputError
from sozialatlas.etl import rawio
from sozialatlas.etl.writers import OBS_COLUMNS, fmt_derived, write_observations

INKAR_DIR = "bbsr_inkar2024_via_rki_gisd"
QUELLE = "inkar_2024"
OUT_FILE = "beobachtungen/inkar.csv"
# Gemeinde series go to their own file: one file per level keeps each committed file small.
OUT_FILE_GEMEINDEN = "beobachtungen/inkar_gemeinden.csv"

GS_KREIS = "ab-2021-07-01"
GS_GEMEINDE = "2021-12-31"
GS_LAND = "-"
LAND = "16"
N_KREISE = 22
N_GEMEINDEN = 631
N_VERBAENDE = 192

# Before 01.07.2021 Eisenach was kreisfrei (16056000); the project keys Gemeinden by the 31.12.2021 AGS.
EISENACH_ALT = "16056000"
EISENACH_NEU = "16063105"

IRIS_FILE = "iris_einkommensteuer_gemeindeverbaende_TH.csv"
EST_FILE = "inkar_TH_E_Einkommensteuer.csv"
VWG_FILE = "bkg_vg250ew_2022_attribute_via_rki_gisd/vg250ew_2022_vwg_TH_attribute.csv"
RAW_COLUMNS = ["kennziffer", "raumeinheit", "aggregat", "indikator", "jahr", "wert"]


def _stand_jahr(j: str) -> str:
    return j


def _stand_31_12(j: str) -> str:
    return f"{j}-12-31"


def _stand_30_06(j: str) -> str:
    return f"{j}-06-30"


def _stand_jd(j: str) -> str:
    return f"{j} (Jahresdurchschnitt)"


def _stand_ohne_stichtag(j: str) -> str:
    return f"{j} (Stichtag in der Quelle nicht angegeben)"


def _stand_quote_beschaeftigte(j: str) -> str:
    return f"{j} (Beschäftigte 30.06., Bevölkerung 31.12.)"


def _stand_arbeitslosenanteil(j: str) -> str:
    return f"{j} (Arbeitslose Jahresdurchschnitt, Bevölkerung 31.12.)"


@dataclass(frozen=True)
class Series:
    indikator: str
    datei: str
    ebene: str
    stand: Callable[[str], str]
    # The INKAR short name the file must carry: guards against a file swapped under the same name.
    inkar_name: str
    hinweis: str = ""


KREIS_SERIES = [
    Series("arbeitslose", "inkar_TH_A_ArbeitslosigkeitKreis.csv", "kreis", _stand_jd, "Arbeitslose"),
    Series(
        "erwerbsfaehige_bevoelkerung",
        "inkar_TH_A_ErwerbsfaehigeBevoelkerungKreis.csv",
        "kreis",
        _stand_31_12,
        "Erwerbsfähige Bevölkerung (15 bis unter 65 Jahre)",
    ),
    Series(
        "sv_beschaeftigte_wo",
        "inkar_TH_B_SVBeschaeftigte.csv",
        "kreis",
        _stand_30_06,
        "Sozialversicherungspflichtig Beschäftigte am Wohnort",
    ),
    Series(
        "beschaeftigtenquote",
        "inkar_TH_A_BeschaeftigtenquoteKreis.csv",
        "kreis",
        _stand_quote_beschaeftigte,
        "Beschäftigtenquote",
    ),
    Series("bruttoverdienst", "inkar_TH_A_Bruttoverdienst.csv", "kreis", _stand_jahr, "Bruttoverdienst"),
    Series(
        "schulabgaenger_ohne_hauptschulabschluss",
        "inkar_TH_B_SchulabgaengerohneAbschluss.csv",
        "kreis",
        _stand_jahr,
        "Schulabgänger ohne Abschluss",
    ),
    Series(
        "anteil_beschaeftigte_ohne_berufsabschluss",
        "inkar_TH_B_BeschaeftigteohneAbschluss.csv",
        "kreis",
        _stand_30_06,
        "Beschäftigte am WO ohne Berufsabschluss",
    ),
    Series(
        "anteil_beschaeftigte_akad_abschluss",
        "inkar_TH_B_BeschaeftigtemitakadAbschluss.csv",
        "kreis",
        _stand_30_06,
        "Beschäftigte am WO mit akademischen Abschluss",
    ),
    # The -pre2012 files hold head counts (e.g. Erfurt 2011: 6141), not the percentages of the 2012+ files,
    # and come from the BA directly: they are their own count indicators, not earlier years of the shares.
    Series(
        "beschaeftigte_ohne_berufsabschluss",
        "inkar_TH_B_BeschaeftigteohneAbschluss-pre2012.csv",
        "kreis",
        _stand_ohne_stichtag,
        "Beschäftigte am Wohnort ohne Berufsabschluss",
    ),
    Series(
        "beschaeftigte_akad_abschluss",
        "inkar_TH_B_BeschaeftigtemitakadAbschluss-pre2012.csv",
        "kreis",
        _stand_30_06,
        "Beschäftigte am Wohnort mit akademischem Abschluss",
    ),
    Series("haushaltseinkommen", "inkar_TH_E_Haushaltseinkommen.csv", "kreis", _stand_jahr, "Haushaltseinkommen"),
    Series("schuldnerquote", "inkar_TH_E_Schuldnerquote.csv", "kreis", _stand_jahr, "Schuldnerquote"),
]

GEMEINDE_SERIES = [
    Series("arbeitslose", "inkar_TH_A_Arbeitslosigkeit.csv", "gemeinde", _stand_jd, "Arbeitslose"),
    Series(
        "erwerbsfaehige_bevoelkerung",
        "inkar_TH_A_ErwerbsfaehigeBevoelkerung.csv",
        "gemeinde",
        _stand_31_12,
        "Erwerbsfähige Bevölkerung (15 bis unter 65 Jahre)",
    ),
]

# Counts whose Land value is the sum of the 22 Kreise.
LAND_SUM_INDICATORS = [
    "arbeitslose",
    "erwerbsfaehige_bevoelkerung",
    "sv_beschaeftigte_wo",
    "beschaeftigte_ohne_berufsabschluss",
    "beschaeftigte_akad_abschluss",
]
# Rates INKAR computes from two counts we also have: carried with their counts, Land from summed counts.
RATE_FROM_COUNTS = {
    "beschaeftigtenquote": ("sv_beschaeftigte_wo", "erwerbsfaehige_bevoelkerung"),
}
DERIVED_RATES = {
    "arbeitslosenanteil": ("arbeitslose", "erwerbsfaehige_bevoelkerung", _stand_arbeitslosenanteil),
}

_NUMBER = r"-?\d+(\.\d+)?"


def read_series(raw_dir: Path, s: Series, key_len: int) -> pd.DataFrame:
    """One INKAR long file → observations (as published; empty cells become status `fehlend`)."""
    path = Path(raw_dir) / INKAR_DIR / s.datei
    df = rawio.read_csv(path, required=RAW_COLUMNS)
    names = set(df["indikator"])
    if names != {s.inkar_name}:
        raise RawInputError(path, f"erwartet Indikator '{s.inkar_name}', gefunden: {', '.join(sorted(names))}.")
    keys = df["kennziffer"].str.strip()
    if not keys.str.fullmatch(rf"16\d{{{key_len - 2}}}").all():
        bad = keys[~keys.str.fullmatch(rf"16\d{{{key_len - 2}}}")].iloc[0]
        raise RawInputError(path, f"Kennziffer '{bad}' ist kein {key_len}-stelliger Thüringer Schlüssel.")
    if key_len == 8:
        keys = keys.replace({EISENACH_ALT: EISENACH_NEU})
    wert = df["wert"].str.strip()
    bad = wert[(wert != "") & ~wert.str.fullmatch(_NUMBER)]
    if not bad.empty:
        raise RawInputError(path, f"Wert '{bad.iloc[0]}' ist keine Zahl.")
    out = pd.DataFrame(
        {
            "indikator": s.indikator,
            "ebene": s.ebene,
            "schluessel": keys,
            "gebietsstand": GS_KREIS if s.ebene == "kreis" else GS_GEMEINDE,
            "jahr": df["jahr"].str.strip(),
            "stand": df["jahr"].str.strip().map(s.stand),
            "wert": wert,
            "zaehler": "",
            "nenner": "",
            "status": wert.map(lambda w: "ok" if w else "fehlend"),
            "quelle": QUELLE,
            "hinweis": s.hinweis,
        }
    )
    if out.duplicated(["schluessel", "jahr"]).any():
        raise RawInputError(path, "Kennziffer und Jahr kommen doppelt vor.")
    return out


def _values(obs: pd.DataFrame, indikator: str) -> pd.Series:
    """(schluessel, jahr) → float for the published values of one indicator; missing cells left out."""
    sel = obs[(obs["indikator"] == indikator) & (obs["wert"] != "")]
    return pd.Series(sel["wert"].astype(float).values, index=pd.MultiIndex.from_frame(sel[["schluessel", "jahr"]]))


def _int_text(x: float) -> str:
    return str(int(round(x)))


def land_sums(kreis_obs: pd.DataFrame, indikator: str, stand: Callable[[str], str]) -> pd.DataFrame:
    """Land = sum of the 22 Kreise, only for years in which every Kreis has a value."""
    v = _values(kreis_obs, indikator)
    rows = []
    for jahr, grp in v.groupby(level="jahr"):
        if len(grp) != N_KREISE:
            continue
        rows.append(
            {
                "indikator": indikator,
                "ebene": "land",
                "schluessel": LAND,
                "gebietsstand": GS_LAND,
                "jahr": jahr,
                "stand": stand(jahr),
                "wert": _int_text(grp.sum()),
                "zaehler": "",
                "nenner": "",
                "status": "abgeleitet",
                "quelle": QUELLE,
                "hinweis": "Summe der 22 Kreise",
            }
        )
    return pd.DataFrame(rows, columns=OBS_COLUMNS)


def rate_from_counts(obs: pd.DataFrame, zaehler: str, nenner: str) -> pd.DataFrame:
    """zaehler / nenner × 100 per region and year where both counts exist (nenner > 0)."""
    z = _values(obs, zaehler)
    n = _values(obs, nenner)
    both = pd.concat({"z": z, "n": n}, axis=1).dropna()
    both = both[both["n"] > 0]
    idx = both.index.to_frame(index=False)
    idx["z"] = both["z"].values
    idx["n"] = both["n"].values
    return idx


def derived_rate(
    obs: pd.DataFrame, indikator: str, zaehler: str, nenner: str, ebene: str, stand: Callable[[str], str]
) -> pd.DataFrame:
    sel = obs[obs["ebene"] == ebene]
    r = rate_from_counts(sel, zaehler, nenner)
    gs = sel["gebietsstand"].iloc[0] if not sel.empty else ""
    return pd.DataFrame(
        {
            "indikator": indikator,
            "ebene": ebene,
            "schluessel": r["schluessel"],
            "gebietsstand": gs,
            "jahr": r["jahr"],
            "stand": r["jahr"].map(stand),
            "wert": [fmt_derived(z / n * 100) for z, n in zip(r["z"], r["n"])],
            "zaehler": r["z"].map(_int_text),
            "nenner": r["n"].map(_int_text),
            "status": "abgeleitet",
            "quelle": QUELLE,
            "hinweis": "",
        },
        columns=OBS_COLUMNS,
    )


def attach_counts(obs: pd.DataFrame, indikator: str, zaehler: str, nenner: str) -> pd.DataFrame:
    """Published rates get the published counts they were computed from, so they can be re-aggregated."""
    obs = obs.copy()
    r = rate_from_counts(obs[obs["ebene"] == "kreis"], zaehler, nenner)
    look = {(k, j): (z, n) for k, j, z, n in zip(r["schluessel"], r["jahr"], r["z"], r["n"])}
    mask = (obs["indikator"] == indikator) & (obs["ebene"] == "kreis")
    for i in obs.index[mask]:
        zn = look.get((obs.at[i, "schluessel"], obs.at[i, "jahr"]))
        if zn:
            obs.at[i, "zaehler"], obs.at[i, "nenner"] = _int_text(zn[0]), _int_text(zn[1])
    return obs


def _verband_keys(raw_dir: Path) -> set[str]:
    vwg = rawio.read_csv(Path(raw_dir) / VWG_FILE, required=["ARS"])
    return set(vwg["ARS"].str.strip())


def read_iris(raw_dir: Path) -> pd.DataFrame:
    """The IRIS export: wide, `;`, decimal comma, a second header row with German labels."""
    path = Path(raw_dir) / INKAR_DIR / IRIS_FILE
    df = rawio.read_csv(path, required=["gemeindeve22"], sep=";", skiprows=[1])
    year_cols = [c for c in df.columns if c.startswith("q_einkst_bev")]
    if not year_cols:
        raise RawInputError(path, "keine Spalten q_einkst_bevJJ gefunden.")
    long = df.melt(id_vars=["gemeindeve22"], value_vars=year_cols, var_name="spalte", value_name="wert")
    yy = long["spalte"].str[-2:].astype(int)
    long["jahr"] = (yy + 1900).where(yy > 50, yy + 2000).astype(str)
    text = long["wert"].str.strip()
    bad = text[(text != "") & ~text.str.fullmatch(r"-?\d+(,\d+)?")]
    if not bad.empty:
        raise RawInputError(path, f"Wert '{bad.iloc[0]}' ist keine Zahl.")
    long["wert"] = text.str.replace(",", ".", regex=False)
    long["schluessel"] = long["gemeindeve22"].str.strip()
    return long[["schluessel", "jahr", "wert"]]


def einkommensteuer(raw_dir: Path, warnings: list[str]) -> tuple[pd.DataFrame, int, int]:
    """Gemeindeanteil Einkommensteuer je EW: INKAR file (1995–2019), IRIS only for the later years.

    Both files are BBSR exports of the same indicator; the INKAR file is preferred wherever it has a
    year because it is the INKAR release itself, IRIS adds 2020–2022.
    """
    s = Series("einkommensteuer_je_ew", EST_FILE, "gemeindeverband", _stand_jahr, "Einkommensteuer")
    inkar = read_series(raw_dir, s, key_len=9)
    inkar["gebietsstand"] = GS_GEMEINDE
    iris = read_iris(raw_dir)
    known = _verband_keys(raw_dir)
    for name, keys in (("INKAR", set(inkar["schluessel"])), ("IRIS", set(iris["schluessel"]))):
        unknown, absent = keys - known, known - keys
        if unknown or absent:
            warnings.append(
                f"Einkommensteuer {name}: {len(unknown)} ARS nicht in VG250-EW, "
                f"{len(absent)} VG250-EW-ARS fehlen ({', '.join(sorted(unknown | absent)[:5])})."
            )
    both = inkar.merge(iris, on=["schluessel", "jahr"], suffixes=("", "_iris"))
    both = both[(both["wert"] != "") & (both["wert_iris"] != "")]
    diff = both[both["wert"].astype(float) != both["wert_iris"].astype(float)]
    if not diff.empty:
        warnings.append(
            f"Einkommensteuer: {len(diff)} von {len(both)} Werten weichen zwischen INKAR und IRIS "
            f"ab; INKAR-Wert übernommen."
        )
    later = iris[~iris["jahr"].isin(set(inkar["jahr"]))]
    extra = pd.DataFrame(
        {
            "indikator": s.indikator,
            "ebene": s.ebene,
            "schluessel": later["schluessel"],
            "gebietsstand": GS_GEMEINDE,
            "jahr": later["jahr"],
            "stand": later["jahr"].map(s.stand),
            "wert": later["wert"],
            "zaehler": "",
            "nenner": "",
            "status": later["wert"].map(lambda w: "ok" if w else "fehlend"),
            "quelle": QUELLE,
            "hinweis": "IRIS-Export des BBSR (Dezimalkomma in Punkt umgesetzt)",
        }
    )
    return pd.concat([inkar, extra], ignore_index=True), len(both), len(diff)


def note_gemeinde_sums(kreis: pd.DataFrame, gem: pd.DataFrame, indikator: str) -> pd.DataFrame:
    """Say on each Kreis value where INKAR's own Gemeinde values of that Kreis add up to something else.

    E.g. Weimarer Land 2019: Gemeinden 1.632, Kreis 1.771. Both are published figures, so neither is
    changed, but a reader seeing both must know.
    """
    g = gem[(gem["indikator"] == indikator) & (gem["wert"] != "")]
    sums = g.assign(kreis=g["schluessel"].str[:5], v=g["wert"].astype(float)).groupby(["kreis", "jahr"])
    total, n = sums["v"].sum(), sums["v"].size()
    kreis = kreis.copy()
    mask = (kreis["indikator"] == indikator) & (kreis["wert"] != "")
    for i in kreis.index[mask]:
        k, j = kreis.at[i, "schluessel"], kreis.at[i, "jahr"]
        if (k, j) not in total.index:
            continue
        s, w = total[(k, j)], float(kreis.at[i, "wert"])
        if round(s) != round(w):
            note = (
                f"Die INKAR-Gemeindewerte dieses Kreises ergeben zusammen {_int_text(s)} ({int(n[(k, j)])} "
                f"Gemeinden), der INKAR-Kreiswert ist {kreis.at[i, 'wert']}; beide sind so veröffentlicht, "
                f"die Abweichung erklärt die Quelle nicht"
            )
            h = kreis.at[i, "hinweis"]
            kreis.at[i, "hinweis"] = f"{h}; {note}" if h else note
    return kreis


def build(raw_dir: Path) -> tuple[pd.DataFrame, dict]:
    warnings: list[str] = []
    kreis = pd.concat([read_series(raw_dir, s, 5) for s in KREIS_SERIES], ignore_index=True)
    for ind in kreis["indikator"].unique():
        n = kreis.loc[kreis["indikator"] == ind, "schluessel"].nunique()
        if n != N_KREISE:
            warnings.append(f"{ind}: {n} statt {N_KREISE} Kreise.")
    gem = pd.concat([read_series(raw_dir, s, 8) for s in GEMEINDE_SERIES], ignore_index=True)
    n_gem = gem["schluessel"].nunique()
    if n_gem != N_GEMEINDEN:
        warnings.append(f"INKAR-Gemeinden: {n_gem} statt {N_GEMEINDEN}.")
    fehlend = gem[gem["status"] == "fehlend"]
    for _, r in fehlend.iterrows():
        warnings.append(f"{r['indikator']} {r['schluessel']} {r['jahr']}: Zelle in der Quelle leer (fehlend).")

    kreis = note_gemeinde_sums(kreis, gem, "arbeitslose")
    parts = [kreis, gem]
    stands = {s.indikator: s.stand for s in KREIS_SERIES}
    for ind in LAND_SUM_INDICATORS:
        parts.append(land_sums(kreis, ind, stands[ind]))
    counts = pd.concat(parts, ignore_index=True)
    for ind, (z, n) in RATE_FROM_COUNTS.items():
        counts = attach_counts(counts, ind, z, n)
        land = derived_rate(counts[counts["ebene"] == "land"], ind, z, n, "land", stands[ind])
        counts = pd.concat([counts, land], ignore_index=True)
    derived = [
        derived_rate(counts, ind, z, n, ebene, stand)
        for ind, (z, n, stand) in DERIVED_RATES.items()
        for ebene in ("gemeinde", "kreis", "land")
    ]
    est, est_overlap, est_diff = einkommensteuer(raw_dir, warnings)
    obs = pd.concat([counts, *derived, est], ignore_index=True)
    summary = {
        "beobachtungen": len(obs),
        "kreise": kreis["schluessel"].nunique(),
        "gemeinden": n_gem,
        "gemeindeverbaende": est["schluessel"].nunique(),
        "fehlend": int((obs["status"] == "fehlend").sum()),
        "abgeleitet": int((obs["status"] == "abgeleitet").sum()),
        "einkommensteuer_inkar_iris_verglichen": est_overlap,
        "einkommensteuer_inkar_iris_abweichend": est_diff,
        "warnungen": warnings,
    }
    return obs, summary


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    obs, summary = build(Path(raw_dir))
    gem = obs["ebene"] == "gemeinde"
    write_observations(obs[~gem], Path(data_dir) / OUT_FILE)
    write_observations(obs[gem], Path(data_dir) / OUT_FILE_GEMEINDEN)
    return summary
