"""Wahlbeteiligung der Landtagswahlen 2014, 2019, 2024 (TLS result workbooks) on Gemeinden 31.12.2021.

Briefwahl: in the Landkreise many Gemeinden have no Briefwahlbezirk of their own; their postal ballots
are counted in gemeindeübergreifende Briefwahlbezirke (Gemeindenummer 000) that belong to no Gemeinde
row. So a Gemeinde row counts all Wahlberechtigte but, for those Gemeinden, only the urn voters. The
Kreis and the Land are exact (all Wahlbezirke incl. those Briefwahlbezirke); a Gemeinde is exact only
where its own rows hold its postal voters, and each Gemeinde value says which case it is.
"""

from __future__ import annotations

import warnings as _warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialatlas.errors import RawInputError
from sozialatlas.etl import gemeindeverzeichnis as gvz
from sozialatlas.etl import rawio
from sozialatlas.etl.writers import fmt_derived, write_observations

QUELLE = "tls_ltw"
INDIKATOR = "wahlbeteiligung_ltw"
LTW_FILE = "tls_wahlen_thueringen_via_gerda/Thueringen_{}_Landtag.xlsx"
OUT_FILE = "beobachtungen/landtagswahlen.csv"
SHEET = "Landtagswahl Thüringen"
WAHLTAG = {2014: "2014-09-14", 2019: "2019-10-27", 2024: "2024-09-01"}

# Header texts (the 4 header rows joined) of the columns we need; the layouts differ by year.
COLS = {
    "stand": "Stand",
    "sa": "Satzart",
    "kr": "Kreis- nr.",
    "gem": "Ge- meinde- nr.",
    "wbz": "Wahl- bezirks- nr.",
    "name": "Name",
    "wb": "Wahl- berechtigte insgesamt",
    "wbmit": "mit Wahlschein",
    "w": "Wähler",
    "wmit": "Wähler mit Wahlschein",
    "bet": "Wahl- beteiligung",
}
OPTIONAL = {"abg": "abgebend nach Gemeinde/ Wahlbezirk", "aufn": "aufnehmend von Gemeinde/ Wahlbezirk"}
# Share of the Wahlschein holders that appear as voters in the Gemeinde's own rows. Gemeinden with their
# own Briefwahlbezirk reach 0.9–1.0; without one it is near 0 (only Wahlschein holders voting at an urn).
BRIEFWAHL_ENTHALTEN_AB = 0.8
# Kreis territory unchanged 2021→2024 when the published Gemeinde areas add up alike (0.01 km² rounding
# of each Gemeinde); real Kreis changes there are several km².
KREIS_FLAECHE_TOLERANZ_KM2 = 0.05


# ---------------------------------------------------------------- reading
def read_ltw(path: Path) -> pd.DataFrame:
    """All rows (L, K, G and Wahlbezirke) with the columns of COLS/OPTIONAL; counts as numbers."""
    import openpyxl

    path = rawio.require_file(path)
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")  # header/footer warnings of openpyxl say nothing about the data
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise RawInputError(path, f"Excel-Datei nicht lesbar: {exc}") from exc
        for sheet in (SHEET, "Satzbeschreibung"):
            if sheet not in wb.sheetnames:
                raise RawInputError(path, f"Tabellenblatt '{sheet}' fehlt; vorhanden: {', '.join(wb.sheetnames)}.")
        rows = list(wb[SHEET].iter_rows(values_only=True))
        wb.close()
    start = next((i for i, r in enumerate(rows) if r and r[0] == "Stand" and r[1] == "Satzart"), None)
    if start is None:
        raise RawInputError(path, "Kopfzeile (Stand, Satzart, …) nicht gefunden.")
    width = max(len(r) for r in rows[start : start + 4])
    names = [
        " ".join(str(h[i]).strip() for h in rows[start : start + 4] if i < len(h) and h[i] is not None)
        for i in range(width)
    ]
    missing = [t for t in COLS.values() if t not in names]
    if missing:
        raise RawInputError(path, f"Spalte(n) {', '.join(missing)} fehlen im Blatt '{SHEET}'.")
    idx = {k: names.index(t) for k, t in COLS.items()}
    idx.update({k: names.index(t) for k, t in OPTIONAL.items() if t in names})
    data = [r for r in rows[start + 4 :] if r and r[idx["stand"]] in ("E", "V", "Z")]
    df = pd.DataFrame({k: [r[i] if i < len(r) else None for r in data] for k, i in idx.items()})
    for k in ("abg", "aufn"):
        if k not in df:
            df[k] = None
    for k in ("wb", "w", "wbmit", "wmit"):
        df[k] = [_count(v, path, k, n) for v, n in zip(df[k], df["name"])]
    for k in ("kr", "gem", "wbz"):
        df[k] = df[k].map(lambda v: "" if v is None else str(v).strip())
    if (df["sa"] == "L").sum() != 1:
        raise RawInputError(path, "Es gibt nicht genau eine Landeszeile (Satzart L).")
    if (df["stand"] != "E").any():
        raise RawInputError(path, "Nicht alle Zeilen sind endgültiges Ergebnis (Stand E).")
    return df


def _count(v, path: Path, col: str, name) -> float | None:
    if v is None:
        return None
    if v == "-":
        return 0.0
    if isinstance(v, (int, float)):
        return float(v)
    number = rawio.parse_number(str(v), path, f"Spalte {col}, Zeile '{name}'")
    return number


def _bet_text(v) -> str:
    """Published turnout as text; the workbook stores it with one decimal."""
    if v is None or v == "-":
        return ""
    return str(v) if isinstance(v, str) else f"{float(v):.1f}"


# ---------------------------------------------------------------- one election
def election_units(df: pd.DataFrame) -> pd.DataFrame:
    """One line per Gemeinde of the election day (G rows summed over Wahlkreise)."""
    g = df[df["sa"] == "G"].copy()
    g["ags"] = "160" + g["kr"] + g["gem"]
    out = g.groupby("ags", sort=True).agg(
        kr=("kr", "first"),
        n_rows=("name", "size"),
        name=("name", lambda s: " | ".join(map(str, s))),
        wb=("wb", lambda s: s.sum(min_count=len(s))),
        w=("w", lambda s: s.sum(min_count=len(s))),
        wbmit=("wbmit", "sum"),
        wmit=("wmit", "sum"),
        bet=("bet", "first"),
    )
    out["bet"] = out["bet"].map(_bet_text)
    out.loc[out["n_rows"] > 1, "bet"] = ""
    out["kombiniert"] = out["name"].str.contains(" / ", regex=False)
    return out.reset_index()


def ueberregionale_briefwahl(df: pd.DataFrame) -> pd.Series:
    """Wähler of Wahlbezirke that belong to no Gemeinde row, per Kreisnummer."""
    g = df[df["sa"] == "G"]
    own = set(zip(g["kr"], g["gem"]))
    b = df[df["sa"].isna()]
    extra = b[[(k, m) not in own for k, m in zip(b["kr"], b["gem"])]]
    return extra.groupby("kr")["w"].sum()


def cross_gemeinde_transfers(df: pd.DataFrame) -> set[str]:
    """Gemeinden whose ballots were counted with another Gemeinde (ThürLWO § 63)."""
    hit = set()
    for _, r in df.iterrows():
        own = r["kr"] + r["gem"]
        for ref in (r["abg"], r["aufn"]):
            for part in str(ref or "").split(","):
                part = part.strip()
                if len(part) >= 5 and part[:5] != own:
                    hit.update({"160" + own, "160" + part[:5]})
    return hit


def briefwahl_hinweis(wmit: float, wbmit: float, teil_ohne: bool = False) -> str:
    """teil_ohne: one of several summed Gemeinden lacks its postal voters even if the total share looks fine."""
    if not wbmit:
        return ""
    share = wmit / wbmit
    if share > 1 and not teil_ohne:
        return (
            f"Enthält Briefwähler anderer Gemeinden ({int(wmit)} Wähler mit Wahlschein bei {int(wbmit)} "
            f"Wahlberechtigten mit Wahlschein): Wahlbeteiligung zu hoch ausgewiesen"
        )
    if share < BRIEFWAHL_ENTHALTEN_AB or teil_ohne:
        return (
            f"Ohne (alle) Briefwähler: die Briefwahl dieser Gemeinde wurde ganz oder teilweise in einem "
            f"gemeindeübergreifenden Briefwahlbezirk ausgezählt (nur {int(wmit)} von {int(wbmit)} "
            f"Wahlberechtigten mit Wahlschein hier als Wähler); Wahlbeteiligung zu niedrig ausgewiesen, "
            f"vollständig erst auf Kreisebene"
        )
    return ""


def map_units(
    units: pd.DataFrame, jahr: int, crosswalk: dict, gem21: set, flaeche_ok_2024: set, ausgeschlossen: set
) -> tuple[dict, list[str]]:
    """Election Gemeinde → 2021 Gemeinde, or None where its territory is no union of 2021 Gemeinden."""
    mapping, notes = {}, []
    for a in units["ags"]:
        if jahr == 2024:
            mapping[a] = a if a in gem21 and a in flaeche_ok_2024 and a not in ausgeschlossen else None
        elif a in crosswalk:
            mapping[a] = crosswalk[a]
            if a in gem21 and crosswalk[a] != a:
                notes.append(f"{jahr}: {a} ist 2021 eigene Gemeinde, Zuordnung 2016 zeigt auf {crosswalk[a]}")
        elif a in gem21:
            mapping[a] = a
        else:
            mapping[a] = None
            notes.append(f"{jahr}: Gemeinde {a} weder in der Zuordnung 2016→2021 noch 2021 vorhanden")
    return mapping, notes


def gemeinde_obs(
    units: pd.DataFrame, mapping: dict, jahr: int, gem21: pd.DataFrame, unsicher: set
) -> tuple[list[dict], dict]:
    """Values for 2021 Gemeinden; a Gemeinde also reached by an unmappable unit stays without value."""
    u = units.assign(ziel=units["ags"].map(mapping))
    stand = WAHLTAG[jahr]
    rows, counts = [], {"ok": 0, "abgeleitet": 0, "umgerechnet": 0, "ohne_wert": 0, "ohne_briefwahl": 0}
    for ziel, grp in u[u["ziel"].notna()].groupby("ziel", sort=True):
        if ziel in unsicher or grp["wb"].isna().any() or grp["w"].isna().any():
            continue
        wb, w = grp["wb"].sum(), grp["w"].sum()
        notes = []
        if len(grp) == 1 and grp.iloc[0]["n_rows"] == 1:
            status, wert = "ok", grp.iloc[0]["bet"]
            if grp.iloc[0]["ags"] != ziel:
                notes.append(f"Gemeindeschlüssel am Wahltag: {grp.iloc[0]['ags']}")
        elif len(grp) == 1:
            status, wert = "abgeleitet", fmt_derived(w / wb * 100)
            notes.append(f"Summe der Teilergebnisse in {int(grp.iloc[0]['n_rows'])} Wahlkreisen")
        else:
            status, wert = "umgerechnet", fmt_derived(w / wb * 100)
            notes.append(f"Summe von {len(grp)} Gemeinden des Gebietsstands am Wahltag: {gvz.key_list(grp['ags'])}")
        teil = len(grp) > 1 and any(b and m / b < BRIEFWAHL_ENTHALTEN_AB for m, b in zip(grp["wmit"], grp["wbmit"]))
        bw = briefwahl_hinweis(grp["wmit"].sum(), grp["wbmit"].sum(), teil)
        if bw:
            notes.append(bw)
            counts["ohne_briefwahl"] += 1
        counts[status] += 1
        rows.append(
            gvz.obs(
                INDIKATOR,
                "gemeinde",
                ziel,
                gvz.GS_GEM,
                jahr,
                stand,
                wert,
                zaehler=fmt_derived(w, 0),
                nenner=fmt_derived(wb, 0),
                status=status,
                quelle=QUELLE,
                hinweis="; ".join(notes),
            )
        )
    counts["ohne_wert"] = len(gem21) - len(rows)
    return rows, counts


def kreis_totals(df: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Per Kreisnummer of the election: Wahlberechtigte of its Gemeinden, Wähler incl. all Briefwahl."""
    extra = ueberregionale_briefwahl(df)
    t = units.groupby("kr").agg(wb=("wb", "sum"), w=("w", "sum"))
    t["w_brief"] = extra.reindex(t.index).fillna(0.0)
    t["w"] = t["w"] + t["w_brief"]
    return t


def kreis_targets(units: pd.DataFrame, mapping_kreis: dict, kreis_fn, gem21: pd.DataFrame) -> dict:
    """Election Kreis → target Kreis, only where the territories are the same."""
    target_of = {}
    for kr, grp in units.groupby("kr"):
        ts = {mapping_kreis.get(a) for a in grp["ags"]}
        target_of[kr] = ts.pop() if len(ts) == 1 and None not in ts else None
    valid = {}
    for t in sorted(set(gem21["ags"].map(kreis_fn))):
        sources = [k for k, v in target_of.items() if v == t]
        # every Gemeinde of the target Kreis must come from these election Kreise, and nothing else
        covered = {mapping_kreis.get(a) for a in units[units["kr"].isin(sources)]["ags"]}
        broken = [
            k
            for k, v in target_of.items()
            if v is None and any(mapping_kreis.get(a) == t for a in units[units["kr"] == k]["ags"])
        ]
        if sources and covered == {t} and not broken:
            valid[t] = sources
    return valid


def kreis_obs(totals: pd.DataFrame, valid: dict, gebietsstand: str, jahr: int) -> list[dict]:
    rows = []
    for t, sources in sorted(valid.items()):
        wb, w = totals.loc[sources, "wb"].sum(), totals.loc[sources, "w"].sum()
        brief = totals.loc[sources, "w_brief"].sum()
        hinweis = (
            f"Summe der Gemeinden einschließlich der gemeindeübergreifenden Briefwahlbezirke ({int(brief)} Wähler)"
            if brief
            else "Summe der Gemeinden"
        )
        rows.append(
            gvz.obs(
                INDIKATOR,
                "kreis",
                t,
                gebietsstand,
                jahr,
                WAHLTAG[jahr],
                fmt_derived(w / wb * 100),
                zaehler=fmt_derived(w, 0),
                nenner=fmt_derived(wb, 0),
                status="abgeleitet",
                quelle=QUELLE,
                hinweis=hinweis,
            )
        )
    return rows


def kreis_area_unchanged_2024(gv21: pd.DataFrame, gv24: pd.DataFrame) -> set[str]:
    a = gv21.groupby(gv21["ags"].str[:5])["flaeche"].sum()
    b = gv24.groupby(gv24["ags"].str[:5])["flaeche"].sum()
    return {k for k in a.index if k in b.index and abs(a[k] - b[k]) < KREIS_FLAECHE_TOLERANZ_KM2}


def coverage_problems(gv17: pd.DataFrame, gv21: pd.DataFrame, crosswalk: dict) -> set[str]:
    """2021 Gemeinden the 2016 crosswalk does not cover exactly (see gemeindeverzeichnis)."""
    s = gv17.assign(z=gv17["ags"].map(crosswalk)).groupby("z")["flaeche"].sum()
    ref = gv21.set_index("ags")["flaeche"]
    return {a for a in ref.index if a not in s.index or abs(s[a] - ref[a]) >= gvz.FLAECHE_ABDECKUNG_KM2}


# ---------------------------------------------------------------- run
@dataclass
class GemeindeBasis:
    """What every election step needs to put election-day Gemeinden onto the 631 Gemeinden of 31.12.2021."""

    gem21: pd.DataFrame
    set21: set
    crosswalk: dict
    gv21: pd.DataFrame
    gv24: pd.DataFrame
    flaeche_ok_2024: set  # 2021 Gemeinden whose area is unchanged in 2024 (same Gemeinde)
    unsicher: set  # 2021 Gemeinden the 2016 crosswalk does not cover exactly


def gemeinde_basis(raw_dir: Path, data_dir: Path) -> GemeindeBasis:
    raw_dir = Path(raw_dir)
    gem21 = gvz.load_gemeinden_2021(raw_dir)
    crosswalk = gvz.load_crosswalk(data_dir)
    gv17 = gvz.read_gv(raw_dir / gvz.GV_FILE.format(2017))
    gv21 = gvz.read_gv(raw_dir / gvz.GV_FILE.format(2021))
    gv24 = gvz.read_gv(raw_dir / gvz.GV_FILE.format(2024))
    f21, f24 = gv21.set_index("ags")["flaeche"], gv24.set_index("ags")["flaeche"]
    flaeche_ok_2024 = {a for a in f21.index if a in f24.index and abs(f21[a] - f24[a]) < gvz.FLAECHE_GLEICH_KM2 - 1e-9}
    return GemeindeBasis(
        gem21=gem21,
        set21=set(gem21["ags"]),
        crosswalk=crosswalk,
        gv21=gv21,
        gv24=gv24,
        flaeche_ok_2024=flaeche_ok_2024,
        unsicher=coverage_problems(gv17, gv21, crosswalk),
    )


def build(raw_dir: Path, data_dir: Path) -> tuple[pd.DataFrame, dict]:
    raw_dir = Path(raw_dir)
    basis = gemeinde_basis(raw_dir, data_dir)
    gem21, set21, crosswalk = basis.gem21, basis.set21, basis.crosswalk
    flaeche_ok_2024, unsicher = basis.flaeche_ok_2024, basis.unsicher
    kreise_ok_2024 = kreis_area_unchanged_2024(basis.gv21, basis.gv24)

    rows, summary, notes = [], {}, []
    for jahr in (2014, 2019, 2024):
        path = raw_dir / LTW_FILE.format(jahr)
        df = read_ltw(path)
        units = election_units(df)
        land = df[df["sa"] == "L"].iloc[0]
        totals = kreis_totals(df, units)
        check = {
            "land_wahlberechtigte": int(land["wb"]),
            "land_waehler": int(land["w"]),
            "summe_gemeinden_wahlberechtigte": int(units["wb"].sum()),
            "summe_gemeinden_waehler": int(units["w"].sum()),
            "ueberregionale_briefwahl_waehler": int(totals["w_brief"].sum()),
            "summe_kreise_waehler": int(totals["w"].sum()),
            "summe_kreise_wahlberechtigte": int(totals["wb"].sum()),
        }
        if (
            check["summe_kreise_waehler"] != check["land_waehler"]
            or check["summe_kreise_wahlberechtigte"] != check["land_wahlberechtigte"]
        ):
            notes.append(f"{jahr}: Summe der Kreise weicht von der Landeszeile ab: {check}")
        transfers = cross_gemeinde_transfers(df) if jahr == 2024 else set()
        ausgeschlossen = transfers | set(units.loc[units["kombiniert"], "ags"])
        mapping, n = map_units(units, jahr, crosswalk, set21, flaeche_ok_2024, ausgeschlossen)
        notes += n
        g_rows, counts = gemeinde_obs(units, mapping, jahr, gem21, unsicher)
        rows += g_rows

        if jahr == 2024:
            # Mergers inside a Kreis do not matter for the Kreis: its Gemeinden keep their Kreis prefix.
            mk = {a: (a[:5] if a[:5] in kreise_ok_2024 else None) for a in units["ags"]}
            gs_list = [(gvz.GS_AB, gvz.kreis_ab, mk)]
        else:
            mb = {a: (gvz.kreis_bis(m) if m else None) for a, m in mapping.items()}
            ma = {a: (gvz.kreis_ab(m) if m else None) for a, m in mapping.items()}
            gs_list = [(gvz.GS_BIS, gvz.kreis_bis, mb), (gvz.GS_AB, gvz.kreis_ab, ma)]
        for gs, fn, mk in gs_list:
            valid = kreis_targets(units, mk, fn, gem21)
            rows += kreis_obs(totals, valid, gs, jahr)
            all_t = sorted(set(gem21["ags"].map(fn)))
            counts[f"kreise_{gs}"] = len(valid)
            counts[f"kreise_{gs}_ohne_wert"] = [t for t in all_t if t not in valid]
        rows.append(
            gvz.obs(
                INDIKATOR,
                "land",
                "16",
                gvz.GS_LAND,
                jahr,
                WAHLTAG[jahr],
                _bet_text(land["bet"]),
                zaehler=fmt_derived(land["w"], 0),
                nenner=fmt_derived(land["wb"], 0),
                status="ok",
                quelle=QUELLE,
                hinweis="",
            )
        )
        counts["pruefung"] = check
        counts["ausgeschlossen_kombiniert_oder_§63"] = sorted(ausgeschlossen)
        summary[str(jahr)] = counts
    summary["beobachtungen"] = len(rows)
    summary["warnungen"] = notes
    return pd.DataFrame(rows), summary


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    df, summary = build(raw_dir, data_dir)
    write_observations(df, Path(data_dir) / OUT_FILE)
    summary["datei"] = OUT_FILE
    return summary
