"""Wahlbeteiligung der Gemeinderatswahlen 2019 und 2024 (TLS) je Gemeinde (Gebietsstand 31.12.2021).

Unlike the Landtag workbooks, the Gemeinderat results count every voter of the Gemeinde, postal voters
included (one row per Gemeinde with Wahlberechtigte, Wähler, Wahlbeteiligung). 2019 includes the
kreisfreie Städte (Stadtratswahl); 2024 holds only the Landkreise (one sheet per Kreis).

Mapping onto the 631 Gemeinden of 31.12.2021: 2019 keys go through the 2016→2021 crosswalk (as the
Landtag 2019 figures); several election-day Gemeinden of one 2021 Gemeinde are summed (`umgerechnet`).
2024 counts only where key and area equal 31.12.2021; merged Gemeinden stay without value.
"""

from __future__ import annotations

import warnings as _warnings
from pathlib import Path

import pandas as pd

from sozialatlas.errors import RawInputError
from sozialatlas.etl import gemeindeverzeichnis as gvz
from sozialatlas.etl import rawio, wahlen
from sozialatlas.etl.writers import fmt_derived, write_observations

QUELLE = "tls_grw"
INDIKATOR = "wahlbeteiligung_gemeinderat"
FILE = "tls_wahlen_thueringen_via_gerda/thueringen_{}_gemeinderatswahl.xlsx"
OUT_FILE = "beobachtungen/gemeinderatswahlen.csv"
WAHLTAG = {2019: "2019-05-26", 2024: "2024-05-26"}
COLS_2019 = ["Kreis", "Gemeinde", "Gemeindename", "Wahlberechtigte", "Waehler", "Wahlbeteiligung"]


def _load(path: Path):
    import openpyxl

    path = rawio.require_file(path)
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise RawInputError(path, f"Excel-Datei nicht lesbar: {exc}") from exc
        sheets = {name: list(wb[name].iter_rows(values_only=True)) for name in wb.sheetnames}
        wb.close()
    return path, sheets


def _int(v, path: Path, where: str) -> int:
    if isinstance(v, bool) or v is None:
        raise RawInputError(path, f"{where}: Wert fehlt.")
    if isinstance(v, (int, float)) and float(v).is_integer():
        return int(v)
    text = str(v).strip()
    if text.isdigit():
        return int(text)
    raise RawInputError(path, f"{where}: '{v}' ist keine ganze Zahl.")


def _pct(v, path: Path, where: str) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"{float(v):.1f}"
    n = rawio.parse_number(str(v), path, where)
    if n is None:
        raise RawInputError(path, f"{where}: Wahlbeteiligung fehlt.")
    return f"{n:.1f}"


def read_2019(path: Path) -> pd.DataFrame:
    path, sheets = _load(path)
    rows = next(iter(sheets.values()))
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    missing = [c for c in COLS_2019 if c not in header]
    if missing:
        raise RawInputError(path, f"Zeile 1 (Kopfzeile): Spalte(n) {', '.join(missing)} fehlen.")
    ix = {c: header.index(c) for c in COLS_2019}
    out = []
    for n, r in enumerate(rows[1:], start=2):
        if not r or all(v is None for v in r):
            continue
        where = f"Zeile {n}"
        gem = _int(r[ix["Gemeinde"]], path, where + ", Spalte Gemeinde")
        out.append(
            dict(
                ags=f"160{gem:05d}",
                name=str(r[ix["Gemeindename"]]),
                wb=_int(r[ix["Wahlberechtigte"]], path, where + ", Spalte Wahlberechtigte"),
                w=_int(r[ix["Waehler"]], path, where + ", Spalte Waehler"),
                bet=_pct(r[ix["Wahlbeteiligung"]], path, where + ", Spalte Wahlbeteiligung"),
                zeile=n,
            )
        )
    return _check(pd.DataFrame(out), path)


def read_2024(path: Path) -> pd.DataFrame:
    """Blocks per Gemeinde: a row 'Wahlberechtigte' (Kreis-, Gemeindenr., Name) and a row 'Wähler/Wahlbeteiligung'."""
    path, sheets = _load(path)
    out = []
    for sheet, rows in sheets.items():
        current = None
        for n, r in enumerate(rows, start=1):
            label = str(r[3]).strip() if len(r) > 3 and r[3] is not None else ""
            where = f"Blatt '{sheet}', Zeile {n}"
            if label == "Wahlberechtigte":
                kr, gem = str(r[0] or "").strip(), str(r[1] or "").strip()
                if not (kr.isdigit() and gem.isdigit()):
                    raise RawInputError(path, f"{where}: Kreis-/Gemeindenummer '{kr}'/'{gem}' ist keine Zahl.")
                current = dict(
                    ags=f"160{int(kr):02d}{int(gem):03d}",
                    name=str(r[2]),
                    wb=_int(r[4], path, where + ", Wahlberechtigte"),
                    zeile=n,
                )
            elif label == "Wähler/Wahlbeteiligung":
                if current is None:
                    raise RawInputError(path, f"{where}: 'Wähler/Wahlbeteiligung' ohne vorangehende Gemeinde.")
                current.update(
                    w=_int(r[4], path, where + ", Wähler"), bet=_pct(r[5], path, where + ", Wahlbeteiligung")
                )
                out.append(current)
                current = None
    if not out:
        raise RawInputError(
            path, "Keine Gemeindeergebnisse (Zeilen 'Wahlberechtigte' / 'Wähler/Wahlbeteiligung') gefunden."
        )
    return _check(pd.DataFrame(out), path)


def _check(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    dup = df[df["ags"].duplicated(keep=False)]
    if not dup.empty:
        raise RawInputError(path, f"Zeile {dup['zeile'].iloc[-1]}: Gemeinde {dup['ags'].iloc[0]} kommt doppelt vor.")
    bad = df[(df["w"] > df["wb"]) | (df["wb"] <= 0)]
    if not bad.empty:
        r = bad.iloc[0]
        raise RawInputError(path, f"Zeile {r['zeile']}: {r['w']} Wähler bei {r['wb']} Wahlberechtigten ({r['ags']}).")
    return df


def gemeinde_obs(units: pd.DataFrame, mapping: dict, jahr: int, unsicher: set) -> list[dict]:
    u = units.assign(ziel=units["ags"].map(mapping))
    rows = []
    for ziel, grp in u[u["ziel"].notna()].groupby("ziel", sort=True):
        if ziel in unsicher:
            continue
        wb, w = int(grp["wb"].sum()), int(grp["w"].sum())
        if len(grp) == 1:
            r = grp.iloc[0]
            status, wert = "ok", r["bet"]
            hinweis = "" if r["ags"] == ziel else f"Gemeindeschlüssel am Wahltag: {r['ags']}"
        else:
            status, wert = "umgerechnet", fmt_derived(w / wb * 100)
            hinweis = f"Summe von {len(grp)} Gemeinden des Gebietsstands am Wahltag: {gvz.key_list(grp['ags'])}"
        rows.append(
            gvz.obs(
                INDIKATOR,
                "gemeinde",
                ziel,
                gvz.GS_GEM,
                jahr,
                WAHLTAG[jahr],
                wert,
                zaehler=str(w),
                nenner=str(wb),
                status=status,
                quelle=QUELLE,
                hinweis=hinweis,
            )
        )
    return rows


def build(raw_dir: Path, data_dir: Path) -> tuple[pd.DataFrame, dict]:
    raw_dir = Path(raw_dir)
    b = wahlen.gemeinde_basis(raw_dir, data_dir)
    rows, summary = [], {}
    for jahr, reader in ((2019, read_2019), (2024, read_2024)):
        units = reader(raw_dir / FILE.format(jahr))
        mapping, notes = wahlen.map_units(units, jahr, b.crosswalk, b.set21, b.flaeche_ok_2024, set())
        # a 2021 Gemeinde reached by an election-day Gemeinde that cannot be mapped stays without value
        unmapped = [a for a, z in mapping.items() if z is None]
        r = gemeinde_obs(units, mapping, jahr, b.unsicher if jahr == 2019 else set())
        rows += r
        summary[str(jahr)] = {
            "gemeinden_wahltag": len(units),
            "gemeinden_2021_mit_wert": len(r),
            "nicht_zugeordnet": len(unmapped),
            "hinweise": notes[:10],
        }
    return pd.DataFrame(rows), summary


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    df, summary = build(raw_dir, data_dir)
    write_observations(df, Path(data_dir) / OUT_FILE)
    summary["datei"] = OUT_FILE
    return summary
