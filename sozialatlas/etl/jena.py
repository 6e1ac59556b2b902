"""Jena: the 41 statistische Bezirke (boundaries) and private households per Bezirk 2006–2016.

Source: Stadt Jena open data, via the repository OffenesJena/jenathon-privathaushalte-jena (see the raw
folder's PROVENANCE.md). Three count series per Bezirk and 31 December: all private households, one-person
households, one-person households with a person aged 60 or over. The 2017 column of the files is empty and
stays absent. Row 0 is Jena as a whole: it becomes the Kreis value of the kreisfreie Stadt Jena (16053,
identical on both Kreis Gebietsstände) and checks the Bezirke; row 999 ("außerhalb / nicht zugeordnet")
has no area and is only part of that check.

The city published the series with its own Geheimhaltung: in the 60+ series small values are printed as 0
(the Bezirke then add up to 1–7 less than the Jena total, never more than 2 per zero). A 0 in such a year
cannot be told apart from a masked 1 or 2, so those cells are written as `fehlend` with a hinweis — never
as 0 — and the Geheimhaltung of the app keeps them from being computed back from the Jena total.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sozialatlas.errors import RawInputError
from sozialatlas.etl import rawio
from sozialatlas.etl.writers import fmt_derived, write_observations

RAW = "jena_statistische_bezirke_offenesjena"
STATBEZ = f"{RAW}/statbez.geojson"
SERIES = {  # raw file → indicator id
    "hh_priv.csv": "privathaushalte",
    "hh_priv_1.csv": "einpersonenhaushalte",
    "hh_priv_1_60plus.csv": "einpersonenhaushalte_60plus",
}
SHARES = {  # derived indicator → (numerator, denominator)
    "anteil_einpersonenhaushalte": ("einpersonenhaushalte", "privathaushalte"),
    "anteil_einpersonenhaushalte_60plus": ("einpersonenhaushalte_60plus", "privathaushalte"),
}
INDICATORS = tuple(SERIES.values()) + tuple(SHARES)
QUELLE = "jena_statbez"
EBENE = "stadtbezirk"
GEBIETSSTAND = "jena-2017"
JENA = "16053"
KREIS_STAENDE = ("bis-2021-06-30", "ab-2021-07-01")  # kreisfreie Stadt Jena: same territory on both
NR_GESAMT, NR_AUSSERHALB = "0", "999"
N_BEZIRKE = 41
OUT_OBS = "beobachtungen/jena.csv"
OUT_GEO = "jena_statbez.geojson"
# Largest value the city prints as 0 when it masks a small count (see module docstring).
MASKED_MAX = 2
SIMPLIFY_MAX_PCT = 1.0  # simplified vs unsimplified area per Bezirk, as for the Gemeinden
DECIMALS = 5

HINWEIS_MASKIERT = (
    "In der Quelle 0, aber die Bezirke ergeben in diesem Jahr {diff} weniger als der Wert für Jena "
    "insgesamt: die Stadt hat kleine Werte offenbar als 0 veröffentlicht (Geheimhaltung). Der Wert kann "
    "0, 1 oder 2 sein und wird daher nicht gezeigt."
)
HINWEIS_GESAMT = "Stadt Jena insgesamt, wie von der Stadt für die statistischen Bezirke veröffentlicht."


# ---------------------------------------------------------------------------------------------------
# Boundaries


def _simplify(geoms_utm):
    """Coarsest coverage simplification keeping every Bezirk within 1 % of its unsimplified area."""
    import shapely

    from sozialatlas.etl.geometry import TOLERANCES_M, _areas, _ok, _round_coords, _to_wgs

    ref = np.array([g.area for g in geoms_utm]) / 1e6
    for tol in TOLERANCES_M:
        simplified = shapely.coverage_simplify(geoms_utm, tol, simplify_boundary=True)
        rounded = _round_coords(_to_wgs(simplified), DECIMALS)
        if not _ok(rounded):
            continue
        dev = np.abs(_areas(rounded) / ref - 1) * 100
        if dev.max() <= SIMPLIFY_MAX_PCT:
            return rounded, tol, float(dev.max())
    raise ValueError("Keine Vereinfachung der Jenaer Bezirke hält die 1-%-Flächenregel ein.")


def _bezirke(raw_dir: Path):
    import shapely

    from sozialatlas.etl.geometry import AREA_CRS

    path = Path(raw_dir) / STATBEZ
    gdf = rawio.read_geojson(path, required=["id", "statbez_name"])
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise RawInputError(path, f"Koordinatensystem EPSG:4326 erwartet, gefunden {gdf.crs}.")
    gdf["schluessel"] = gdf["id"].map(lambda v: str(int(float(v))))
    if len(gdf) != N_BEZIRKE or gdf["schluessel"].duplicated().any():
        raise RawInputError(
            path,
            f"{N_BEZIRKE} verschiedene statistische Bezirke erwartet, gefunden "
            f"{gdf['schluessel'].nunique()} in {len(gdf)} Zeilen.",
        )
    gdf = gdf.assign(_n=gdf["schluessel"].astype(int)).sort_values("_n", kind="mergesort").reset_index(drop=True)
    utm = gdf.to_crs(AREA_CRS)
    geoms = shapely.make_valid(utm.geometry.values)
    if not shapely.coverage_is_valid(geoms):
        raise RawInputError(path, "Die Bezirke überlappen sich oder haben Lücken an gemeinsamen Grenzen.")
    gdf["flaeche_km2"] = [round(g.area / 1e6, 2) for g in geoms]
    simplified, tol, dev = _simplify(geoms)
    return gdf, simplified, {"toleranz_m": tol, "max_abweichung_pct": round(dev, 3)}


def write_boundaries(gdf, simplified, geodata_dir: Path) -> Path:
    from sozialatlas.etl.geometry import write_geojson

    feats = [
        (
            {
                "schluessel": r.schluessel,
                "name": r.statbez_name.strip(),
                "bez": "Statistischer Bezirk",
                "parent": JENA,
                "flaeche_km2": r.flaeche_km2,
            },
            g,
        )
        for r, g in zip(gdf.itertuples(), simplified)
    ]
    return write_geojson(feats, Path(geodata_dir) / OUT_GEO)


# ---------------------------------------------------------------------------------------------------
# Households


def _read_series(raw_dir: Path, fname: str, bezirke: set[str]) -> pd.DataFrame:
    """Long table: schluessel ('0', Bezirk numbers, '999'), jahr, wert (int) of one raw file."""
    path = Path(raw_dir) / RAW / fname
    df = rawio.read_csv(path, required=["statistischer_Bezirk_Name", "statistischer_Bezirk_Nr"])
    date_cols = [c for c in df.columns if c.startswith("31.12.")]
    if not date_cols:
        raise RawInputError(path, "keine Spalten mit Stichtag (31.12.JJJJ) gefunden.")
    df["schluessel"] = df["statistischer_Bezirk_Nr"].str.strip()
    keys = set(df["schluessel"])
    if keys - {NR_GESAMT, NR_AUSSERHALB} != bezirke or NR_GESAMT not in keys:
        fehlt = sorted(bezirke - keys, key=int)
        fremd = sorted(keys - bezirke - {NR_GESAMT, NR_AUSSERHALB}, key=lambda s: (len(s), s))
        raise RawInputError(
            path,
            f"Bezirksnummern passen nicht zu den Grenzen (fehlend: {fehlt or '–'}, "
            f"unbekannt: {fremd or '–'}; Zeile 0 = Jena gesamt nötig).",
        )
    rows = []
    for col in date_cols:
        jahr = int(col[-4:])
        cells = df[col].str.strip()
        if (cells == "").all():
            continue  # the 2017 column is announced but empty
        for key, text in zip(df["schluessel"], cells):
            v = rawio.parse_number(text, path, f"Spalte {col}, Bezirk {key}")
            if v is None or v < 0 or v != int(v):
                raise RawInputError(path, f"Spalte {col}, Bezirk {key}: „{text}“ ist keine Anzahl.")
            rows.append({"schluessel": key, "jahr": jahr, "wert": int(v)})
    return pd.DataFrame(rows)


def _check_totals(series: pd.DataFrame, indikator: str, path: Path) -> tuple[pd.DataFrame, list[dict]]:
    """Compare Bezirke (+999) with Jena gesamt per year; mark masked zeros. Returns (marked, report)."""
    series = series.copy()
    series["maskiert"] = False
    series["diff"] = 0
    report = []
    for jahr, part in series.groupby("jahr"):
        total = int(part.loc[part["schluessel"] == NR_GESAMT, "wert"].iloc[0])
        ausserhalb = int(part.loc[part["schluessel"] == NR_AUSSERHALB, "wert"].sum())
        bez = part[~part["schluessel"].isin([NR_GESAMT, NR_AUSSERHALB])]
        diff = total - ausserhalb - int(bez["wert"].sum())
        zeros = bez.index[bez["wert"] == 0]
        report.append(
            {
                "indikator": indikator,
                "jahr": int(jahr),
                "jena_gesamt": total,
                "summe_bezirke": int(bez["wert"].sum()),
                "ausserhalb_999": ausserhalb,
                "differenz": diff,
                "nullen": len(zeros),
            }
        )
        if diff == 0:
            continue
        if diff < 0 or diff > MASKED_MAX * len(zeros):
            raise RawInputError(
                path,
                f"{jahr}: Die Bezirke ergeben {int(bez['wert'].sum())}, Jena gesamt ist "
                f"{total} (außerhalb: {ausserhalb}); die Differenz {diff} lässt sich nicht "
                "durch geheimgehaltene kleine Werte erklären.",
            )
        series.loc[zeros, "maskiert"] = True
        series.loc[zeros, "diff"] = diff
    return series, report


def _observations(counts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []

    def add(indikator, ebene, schluessel, gebietsstand, jahr, wert, zaehler="", nenner="", status="ok", hinweis=""):
        rows.append(
            {
                "indikator": indikator,
                "ebene": ebene,
                "schluessel": schluessel,
                "gebietsstand": gebietsstand,
                "jahr": jahr,
                "stand": f"{jahr}-12-31",
                "wert": wert,
                "zaehler": zaehler,
                "nenner": nenner,
                "status": status,
                "quelle": QUELLE,
                "hinweis": hinweis,
            }
        )

    def places(df):
        for r in df.itertuples():
            if r.schluessel == NR_AUSSERHALB:
                continue
            if r.schluessel == NR_GESAMT:
                for stand in KREIS_STAENDE:
                    yield r, "kreis", JENA, stand, HINWEIS_GESAMT
            else:
                yield r, EBENE, r.schluessel, GEBIETSSTAND, ""

    for ind, df in counts.items():
        for r, ebene, key, stand, hinweis in places(df):
            if r.maskiert:
                add(ind, ebene, key, stand, r.jahr, "", status="fehlend", hinweis=HINWEIS_MASKIERT.format(diff=r.diff))
            else:
                add(ind, ebene, key, stand, r.jahr, str(r.wert), hinweis=hinweis)
    for share, (num, den) in SHARES.items():
        merged = counts[num].merge(counts[den], on=["schluessel", "jahr"], suffixes=("_z", "_n"))
        merged = merged.rename(columns={"maskiert_z": "maskiert", "diff_z": "diff"})
        for r, ebene, key, stand, hinweis in places(merged):
            if r.maskiert or r.wert_n == 0:
                why = HINWEIS_MASKIERT.format(diff=r.diff) if r.maskiert else "keine Haushalte im Bezirk"
                add(share, ebene, key, stand, r.jahr, "", status="fehlend", hinweis=why)
                continue
            add(
                share,
                ebene,
                key,
                stand,
                r.jahr,
                fmt_derived(r.wert_z / r.wert_n * 100, 4),
                zaehler=str(r.wert_z),
                nenner=str(r.wert_n),
                status="abgeleitet",
                hinweis=hinweis,
            )
    return pd.DataFrame(rows)


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    """Write geodata/jena_statbez.geojson and data/beobachtungen/jena.csv; returns a summary with the check
    of the Bezirke against Jena gesamt (row 999 and masked zeros included)."""
    raw_dir, data_dir, geodata_dir = Path(raw_dir), Path(data_dir), Path(geodata_dir)
    gdf, simplified, geo_info = _bezirke(raw_dir)
    bezirke = set(gdf["schluessel"])
    counts, report = {}, []
    for fname, ind in SERIES.items():
        series = _read_series(raw_dir, fname, bezirke)
        counts[ind], rep = _check_totals(series, ind, raw_dir / RAW / fname)
        report += rep
    years = {ind: sorted(df["jahr"].unique().tolist()) for ind, df in counts.items()}
    if len({tuple(y) for y in years.values()}) != 1:
        raise RawInputError(raw_dir / RAW, f"Die drei Haushaltsdateien haben verschiedene Jahre: {years}.")
    write_boundaries(gdf, simplified, geodata_dir)
    obs = _observations(counts)
    write_observations(obs, Path(data_dir) / OUT_OBS)
    return {
        "bezirke": len(gdf),
        "jahre": years["privathaushalte"],
        "beobachtungen": len(obs),
        "maskiert": int(sum(df["maskiert"].sum() for df in counts.values())),
        "pruefung": report,
        "geometrie": geo_info,
    }


def check_report(summary: dict) -> str:
    """The total check as German text lines (for the ETL log)."""
    lines = []
    for r in summary["pruefung"]:
        if r["differenz"] or r["ausserhalb_999"]:
            lines.append(
                f"{r['indikator']} {r['jahr']}: Jena {r['jena_gesamt']}, Bezirke {r['summe_bezirke']}, "
                f"außerhalb {r['ausserhalb_999']}, Differenz {r['differenz']} ({r['nullen']} Nullen)"
            )
    return "\n".join(lines) or "Alle Jahre: Summe der Bezirke = Jena gesamt; außerhalb/nicht zugeordnet = 0."


if __name__ == "__main__":  # pragma: no cover - manual run
    import sys

    from sozialatlas import paths

    s = run(paths.DEFAULT_RAW_DIR, paths.DATA_DIR, paths.GEODATA_DIR)
    print(json.dumps({k: v for k, v in s.items() if k != "pruefung"}, ensure_ascii=False))
    print(check_report(s), file=sys.stderr)
