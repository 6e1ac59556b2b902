"""Einwohner and Bevölkerungsdichte of the Gemeinden from the Destatis Gemeindeverzeichnis (GV-ISys).

All values are put on the Gemeinden of 31.12.2021. Older Gemeinden are finer (2018/2019 reforms), so
their counts can be summed onto the 2021 Gemeinde; later Gemeinden are coarser (mergers 2022–2024) and
cannot be split, so a 2021 Gemeinde touched by a later merger keeps no value for that year.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sozialatlas.errors import RawInputError
from sozialatlas.etl import rawio
from sozialatlas.etl.writers import fmt_derived, write_observations

QUELLE = "destatis_gv100"
GV_DIR = "destatis_gemeindeverzeichnis_gv100"
GV_FILE = GV_DIR + "/gv_auszug_thueringen_{}-12-31.csv"
GEM_2021_FILE = "bkg_vg250ew_2022_attribute_via_rki_gisd/vg250ew_2022_gem_TH_attribute.csv"
CROSSWALK_FILE = "crosswalk_gemeinden_2016_2021.csv"
OUT_FILE = "beobachtungen/gemeindeverzeichnis.csv"

GS_GEM, GS_BIS, GS_AB, GS_LAND = "2021-12-31", "bis-2021-06-30", "ab-2021-07-01", "-"
EISENACH_ALT, EISENACH_NEU = "16056000", "16063105"
# Areas are published to 0.01 km²: only an identical figure proves an unchanged territory.
FLAECHE_GLEICH_KM2 = 0.01
# The 2016 crosswalk is by interior point; a 2021 Gemeinde whose summed old area is further off than
# this would only be partly covered (or over-covered) and is not converted. Border corrections
# 2018–2021 move at most 0.14 km².
FLAECHE_ABDECKUNG_KM2 = 0.2


# ---------------------------------------------------------------- shared with sozialatlas.etl.wahlen


def _same_gemeinde(ags: str, src, hinweis: str) -> dict:
    """The row of a 2021 Gemeinde that is the same Gemeinde in the source (its figures taken as published)."""
    return dict(
        ags=ags,
        bev=src["bev"],
        flaeche=src["flaeche"],
        bev_txt=src["bev_txt"],
        dichte_txt=src["dichte_txt"],
        flaeche_txt=src["flaeche_txt"],
        status="ok",
        hinweis=hinweis,
    )


def kreis_bis(ags: str) -> str:
    return "16056" if ags == EISENACH_NEU else ags[:5]


def kreis_ab(ags: str) -> str:
    return ags[:5]


def load_gemeinden_2021(raw_dir: Path) -> pd.DataFrame:
    """The 631 target Gemeinden with their Kreise of both Gebietsstände."""
    path = Path(raw_dir) / GEM_2021_FILE
    df = rawio.read_csv(path, required=["AGS", "GEN"])
    df = df[df["AGS"].str.startswith("16")][["AGS", "GEN"]].rename(columns={"AGS": "ags", "GEN": "name"})
    if len(df) != 631 or EISENACH_NEU not in set(df["ags"]):
        raise RawInputError(
            path, f"Erwartet 631 Gemeinden (Gebietsstand 31.12.2021) inkl. Eisenach {EISENACH_NEU}, gefunden {len(df)}."
        )
    df["kreis_bis"] = df["ags"].map(kreis_bis)
    df["kreis_ab"] = df["ags"].map(kreis_ab)
    return df.sort_values("ags", kind="mergesort").reset_index(drop=True)


def load_crosswalk(data_dir: Path) -> dict[str, str]:
    """ags_2016 → ags_2021 (written by sozialatlas.etl.geometry)."""
    path = Path(data_dir) / CROSSWALK_FILE
    df = rawio.read_csv(path, required=["ags_2016", "ags_2021"])
    return dict(zip(df["ags_2016"], df["ags_2021"]))


def obs(
    indikator,
    ebene,
    schluessel,
    gebietsstand,
    jahr,
    stand,
    wert,
    zaehler="",
    nenner="",
    status="ok",
    quelle=QUELLE,
    hinweis="",
) -> dict:
    return dict(
        indikator=indikator,
        ebene=ebene,
        schluessel=schluessel,
        gebietsstand=gebietsstand,
        jahr=str(jahr),
        stand=stand,
        wert=wert,
        zaehler=zaehler,
        nenner=nenner,
        status=status,
        quelle=quelle,
        hinweis=hinweis,
    )


def key_list(keys, limit: int = 12) -> str:
    keys = sorted(keys)
    shown = ", ".join(keys[:limit])
    return shown + (f" und {len(keys) - limit} weitere" if len(keys) > limit else "")


# ---------------------------------------------------------------- reading
def read_gv(path: Path) -> pd.DataFrame:
    """Gemeinde rows (Satzart 60): ags, name, area/population as published text and as numbers."""
    df = rawio.read_csv(
        path, required=["satzart", "land", "rb", "kreis", "gem", "name", "flaeche_km2", "bev_insgesamt", "bev_je_km2"]
    )
    df = df[df["satzart"] == "60"].copy()
    if df.empty:
        raise RawInputError(path, "Keine Gemeindezeilen (Satzart 60) gefunden.")
    df["ags"] = df["land"] + df["rb"] + df["kreis"] + df["gem"]
    bad = df[df["ags"].str.len() != 8]
    if len(bad):
        raise RawInputError(path, f"Gemeindeschlüssel nicht 8-stellig: {key_list(bad['ags'])}.")
    if df["ags"].duplicated().any():
        raise RawInputError(path, f"Gemeindeschlüssel doppelt: {key_list(df.loc[df['ags'].duplicated(), 'ags'])}.")
    out = pd.DataFrame({"ags": df["ags"], "name": df["name"]})
    for col, short in (("flaeche_km2", "flaeche"), ("bev_insgesamt", "bev"), ("bev_je_km2", "dichte")):
        out[short + "_txt"] = [_as_text(v, path, f"{col}, Gemeinde {a}") for v, a in zip(df[col], df["ags"])]
        out[short] = [rawio.parse_number(v, path, f"{col}, Gemeinde {a}") for v, a in zip(df[col], df["ags"])]
    missing = out[out["bev"].isna() | out["flaeche"].isna()]
    if len(missing):
        raise RawInputError(path, f"Fläche/Einwohner fehlen für {key_list(missing['ags'])}.")
    return out.sort_values("ags", kind="mergesort").reset_index(drop=True)


def _as_text(value: str, path: Path, where: str) -> str:
    """The published figure with a decimal point, digits unchanged (never re-rounded)."""
    number = rawio.parse_number(value, path, where)
    if number is None:
        return ""
    s = str(value).strip().replace(" ", "")
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    return s


def load_gv_files(raw_dir: Path) -> dict[int, pd.DataFrame]:
    return {year: read_gv(Path(raw_dir) / GV_FILE.format(year)) for year in (2017, 2021, 2023, 2024)}


# ---------------------------------------------------------------- Gemeinde values per year
def gemeinden_direct(gv: pd.DataFrame, gem21: pd.DataFrame, path_hint: str) -> pd.DataFrame:
    """Values on the 2021 Gebietsstand straight from the 31.12.2021 file."""
    missing = set(gem21["ags"]) - set(gv["ags"])
    extra = set(gv["ags"]) - set(gem21["ags"])
    if missing or extra:
        raise RawInputError(
            Path(path_hint),
            f"Gemeinden passen nicht zum Gebietsstand 31.12.2021: fehlen "
            f"{key_list(missing) or '-'}, zusätzlich {key_list(extra) or '-'}.",
        )
    g = gv.set_index("ags")
    return pd.DataFrame(
        {
            "ags": gem21["ags"],
            "bev": g.loc[gem21["ags"], "bev"].values,
            "flaeche": g.loc[gem21["ags"], "flaeche"].values,
            "bev_txt": g.loc[gem21["ags"], "bev_txt"].values,
            "dichte_txt": g.loc[gem21["ags"], "dichte_txt"].values,
            "flaeche_txt": g.loc[gem21["ags"], "flaeche_txt"].values,
            "status": "ok",
            "hinweis": "",
        }
    )


def gemeinden_from_older(
    gv_old: pd.DataFrame, crosswalk: dict[str, str], gv21: pd.DataFrame, label: str
) -> tuple[pd.DataFrame, list[str]]:
    """Sum finer old Gemeinden onto 2021 Gemeinden; unchanged ones keep the published figures."""
    warnings: list[str] = []
    old = gv_old.copy()
    unmapped = sorted(set(old["ags"]) - set(crosswalk))
    if unmapped:
        warnings.append(f"{label}: {len(unmapped)} Gemeinden nicht in der Zuordnung 2016→2021: {key_list(unmapped)}")
    not_in_old = sorted(set(crosswalk) - set(old["ags"]))
    if not_in_old:
        warnings.append(f"{label}: {len(not_in_old)} Gemeinden der Zuordnung 2016 fehlen: {key_list(not_in_old)}")
    old["ags_2021"] = old["ags"].map(crosswalk)
    old = old[old["ags_2021"].notna()]
    ref = gv21.set_index("ags")
    rows = []
    uncovered = sorted(set(ref.index) - set(old["ags_2021"]))
    if uncovered:
        warnings.append(f"{label}: keine alte Gemeinde für {key_list(uncovered)} – kein Wert")
    for ags21, grp in old.groupby("ags_2021", sort=True):
        if ags21 not in ref.index:
            warnings.append(f"{label}: Zuordnungsziel {ags21} ist keine Gemeinde 31.12.2021")
            continue
        flaeche = round(grp["flaeche"].sum(), 2)
        diff = round(flaeche - ref.loc[ags21, "flaeche"], 2)
        if abs(diff) >= FLAECHE_ABDECKUNG_KM2:
            warnings.append(
                f"{label}: {ags21} nur teilweise abgedeckt (Fläche {flaeche} statt "
                f"{ref.loc[ags21, 'flaeche']} km²) – nicht umgerechnet"
            )
            continue
        keys = list(grp["ags"])
        if len(keys) == 1:
            # One old Gemeinde = the same Gemeinde; small border corrections do not make it another one.
            r = grp.iloc[0]
            notes = [] if keys[0] == ags21 else [f"Gemeindeschlüssel zum Stichtag: {keys[0]}"]
            if abs(diff) >= FLAECHE_GLEICH_KM2:
                notes.append(f"Fläche damals {r['flaeche_txt']} km² (31.12.2021: {ref.loc[ags21, 'flaeche_txt']} km²)")
            hinweis = "; ".join(notes)
            rows.append(_same_gemeinde(ags21, r, hinweis))
            continue
        bev = grp["bev"].sum()
        hinweis = (
            f"Summe von {len(keys)} Gemeinde(n) des Gebietsstands {label}: {key_list(keys)}; "
            f"Fläche damals {fmt_derived(flaeche, 2)} km² (31.12.2021: {ref.loc[ags21, 'flaeche_txt']} km²)"
        )
        rows.append(
            dict(
                ags=ags21,
                bev=bev,
                flaeche=flaeche,
                bev_txt=fmt_derived(bev, 0),
                dichte_txt=fmt_derived(bev / flaeche),
                flaeche_txt=fmt_derived(flaeche, 2),
                status="umgerechnet",
                hinweis=hinweis,
            )
        )
    return pd.DataFrame(rows), warnings


def gemeinden_from_later(gv_new: pd.DataFrame, gv21: pd.DataFrame, label: str = "") -> tuple[pd.DataFrame, list[str]]:
    """Later Gemeinden count where the key is the same and the area differs by less than a border correction
    (FLAECHE_ABDECKUNG_KM2); merged territory cannot be split. A corrected area is named in the hinweis."""
    new = gv_new.set_index("ags")
    rows, lost = [], []
    for _, r in gv21.iterrows():
        a = r["ags"]
        if a not in new.index:
            lost.append(a)
            continue
        n = new.loc[a]
        diff = abs(n["flaeche"] - r["flaeche"])
        if diff < FLAECHE_GLEICH_KM2 - 1e-9:
            hinweis = ""
        elif diff < FLAECHE_ABDECKUNG_KM2:
            hinweis = (
                f"Gleiche Gemeinde nach einer Grenzberichtigung: Fläche {label} {n['flaeche_txt']} km² "
                f"(31.12.2021: {r['flaeche_txt']} km²)"
            )
        else:
            lost.append(a)
            continue
        rows.append(_same_gemeinde(a, n, hinweis))
    return pd.DataFrame(rows), lost


# ---------------------------------------------------------------- aggregation
def kreis_sums(gem: pd.DataFrame, gem21: pd.DataFrame, kreis_col: str) -> pd.DataFrame:
    """Kreis totals only where every 2021 Gemeinde of the Kreis has a value."""
    m = gem21[["ags", kreis_col]].merge(gem[["ags", "bev", "flaeche"]], on="ags", how="left")
    out = []
    for kreis, grp in m.groupby(kreis_col, sort=True):
        if grp["bev"].isna().any():
            continue
        out.append(dict(schluessel=kreis, bev=grp["bev"].sum(), flaeche=round(grp["flaeche"].sum(), 2), n=len(grp)))
    return pd.DataFrame(out, columns=["schluessel", "bev", "flaeche", "n"])


def gemeinde_obs(gem: pd.DataFrame, jahr: int, stand: str, extra_hinweis: str = "") -> list[dict]:
    rows = []
    for _, r in gem.iterrows():
        hin = "; ".join(h for h in (r["hinweis"], extra_hinweis) if h)
        rows.append(
            obs("einwohner", "gemeinde", r["ags"], GS_GEM, jahr, stand, r["bev_txt"], status=r["status"], hinweis=hin)
        )
        rows.append(
            obs(
                "bevoelkerungsdichte",
                "gemeinde",
                r["ags"],
                GS_GEM,
                jahr,
                stand,
                r["dichte_txt"],
                zaehler=r["bev_txt"],
                nenner=r["flaeche_txt"],
                status=r["status"],
                hinweis=hin,
            )
        )
    return rows


def sum_obs(sums: pd.DataFrame, ebene: str, gebietsstand: str, jahr: int, stand: str, hinweis: str) -> list[dict]:
    rows = []
    for _, r in sums.iterrows():
        bev, fl = fmt_derived(r["bev"], 0), fmt_derived(r["flaeche"], 2)
        hin = f"{hinweis} ({int(r['n'])} Gemeinden)"
        rows.append(
            obs("einwohner", ebene, r["schluessel"], gebietsstand, jahr, stand, bev, status="abgeleitet", hinweis=hin)
        )
        rows.append(
            obs(
                "bevoelkerungsdichte",
                ebene,
                r["schluessel"],
                gebietsstand,
                jahr,
                stand,
                fmt_derived(r["bev"] / r["flaeche"]),
                zaehler=bev,
                nenner=fl,
                status="abgeleitet",
                hinweis=hin,
            )
        )
    return rows


KREIS_FLAECHE_TOLERANZ_KM2 = 0.05


def kreise_aus_allen_gemeinden(gv_new: pd.DataFrame, g21: pd.DataFrame) -> pd.DataFrame:
    """Kreis totals from every Gemeinde of a later file, where the Kreis area equals 31.12.2021."""
    a = g21.groupby(g21["ags"].str[:5])["flaeche"].sum()
    grp = gv_new.groupby(gv_new["ags"].str[:5])
    b, bev, n = grp["flaeche"].sum(), grp["bev"].sum(), grp.size()
    out = [
        dict(schluessel=k, bev=bev[k], flaeche=round(b[k], 2), n=int(n[k]))
        for k in a.index
        if k in b.index and abs(a[k] - b[k]) < KREIS_FLAECHE_TOLERANZ_KM2
    ]
    return pd.DataFrame(out, columns=["schluessel", "bev", "flaeche", "n"])


def kreise_mit_gebietsaenderung(gv_new: pd.DataFrame, g21: pd.DataFrame) -> list[str]:
    """Kreise whose summed Gemeinde area in a later file differs from 31.12.2021: their territory changed
    (Gemeinden re-formed across the Kreis border), so no later total can stand for the 2021 polygon."""
    a = g21.groupby(g21["ags"].str[:5])["flaeche"].sum()
    b = gv_new.groupby(gv_new["ags"].str[:5])["flaeche"].sum()
    return [
        f"{k} ({fmt_derived(a[k], 2)} → {fmt_derived(b.get(k, 0.0), 2)} km²)"
        for k in a.index
        if abs(a[k] - b.get(k, 0.0)) >= KREIS_FLAECHE_TOLERANZ_KM2
    ]


def land_sum(gem: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        [dict(schluessel="16", bev=gem["bev"].sum(), flaeche=round(gem["flaeche"].sum(), 2), n=len(gem))]
    )


def same_reference_check(gv23: pd.DataFrame, gv24: pd.DataFrame) -> list[str]:
    """The 31.12.2024 file repeats the population of 31.12.2023: check it really is the same figures."""
    j = gv23.merge(gv24, on="ags", suffixes=("_23", "_24"))
    same_area = j[(j["flaeche_23"] - j["flaeche_24"]).abs() < FLAECHE_GLEICH_KM2 - 1e-9]
    differ = same_area[same_area["bev_23"] != same_area["bev_24"]]
    notes = [
        f"GV 31.12.2024: Bevölkerungsstand 31.12.2023 wie Datei 31.12.2023; {len(same_area)} Gemeinden mit "
        f"gleicher Fläche, davon {len(differ)} mit abweichender Einwohnerzahl; Summe "
        f"{int(gv23['bev'].sum())} (2023) / {int(gv24['bev'].sum())} (2024)"
    ]
    if len(differ):
        notes.append(f"Abweichende Einwohnerzahlen 2023/2024: {key_list(differ['ags'])}")
    return notes


# ---------------------------------------------------------------- VG250-EW 31.12.2022
VG_QUELLE = "bkg_vg250ew_2022"
VG_GEM_FILE = GEM_2021_FILE
VG_KRS_FILE = "bkg_vg250ew_2022_attribute_via_rki_gisd/vg250ew_2022_krs_TH_attribute.csv"
VG_LAN_FILE = "bkg_vg250ew_2022_attribute_via_rki_gisd/vg250ew_2022_lan_TH.geojson"
VG_STAND = "2022-12-31"
VG_HINWEIS = "Einwohnerzahl (EWZ) aus BKG VG250-EW, Stand 31.12.2022"


def _ewz(df: pd.DataFrame, path: Path, key: str) -> pd.DataFrame:
    out = []
    for i, r in df.iterrows():
        text = str(r["EWZ"]).strip()
        if not re.fullmatch(r"\d+", text):
            raise RawInputError(path, f"Zeile {int(i) + 2} ({key} {r[key]}): EWZ '{text}' ist keine ganze Zahl.")
        out.append((r[key].strip(), text))
    return pd.DataFrame(out, columns=["schluessel", "ewz"])


def vg250ew_2022(raw_dir: Path, gem21: pd.DataFrame) -> tuple[list[dict], dict]:
    """Einwohner 31.12.2022 of the 631 Gemeinden, the 22 Kreise and the Land as BKG publishes them (EWZ).

    The 23 Kreise before 01.07.2021 are summed from the Gemeinden (abgeleitet). Kreis EWZ is checked
    against the sum of its Gemeinden.
    """
    import json

    raw_dir = Path(raw_dir)
    gpath, kpath, lpath = raw_dir / VG_GEM_FILE, raw_dir / VG_KRS_FILE, raw_dir / VG_LAN_FILE
    gem = _ewz(rawio.read_csv(gpath, required=["AGS", "EWZ"]), gpath, "AGS")
    krs = _ewz(rawio.read_csv(kpath, required=["AGS", "EWZ"]), kpath, "AGS")
    if set(gem["schluessel"]) != set(gem21["ags"]):
        raise RawInputError(gpath, "Gemeinden passen nicht zum Gebietsstand 31.12.2021 (631).")
    if set(krs["schluessel"]) != set(gem21["kreis_ab"]):
        raise RawInputError(
            kpath, f"Kreise passen nicht zu den 22 Kreisen ab 01.07.2021: {key_list(krs['schluessel'])}."
        )
    try:
        feats = json.loads(rawio.require_file(lpath).read_text(encoding="utf-8"))["features"]
        land = [str(f["properties"]["EWZ"]) for f in feats if str(f["properties"].get("SN_L")) == "16"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RawInputError(lpath, f"Landespolygon ohne lesbares Attribut EWZ ({exc}).") from exc
    if len(land) != 1 or not re.fullmatch(r"\d+", land[0]):
        raise RawInputError(lpath, f"Erwartet genau ein Land 16 mit ganzzahliger EWZ, gefunden: {land}.")
    rows = [
        obs("einwohner", "gemeinde", a, GS_GEM, 2022, VG_STAND, e, quelle=VG_QUELLE, hinweis=VG_HINWEIS)
        for a, e in zip(gem["schluessel"], gem["ewz"])
    ]
    rows += [
        obs("einwohner", "kreis", k, GS_AB, 2022, VG_STAND, e, quelle=VG_QUELLE, hinweis=VG_HINWEIS)
        for k, e in zip(krs["schluessel"], krs["ewz"])
    ]
    rows.append(obs("einwohner", "land", "16", GS_LAND, 2022, VG_STAND, land[0], quelle=VG_QUELLE, hinweis=VG_HINWEIS))
    g = gem.assign(bev=gem["ewz"].astype(int)).merge(
        gem21[["ags", "kreis_ab", "kreis_bis"]], left_on="schluessel", right_on="ags"
    )
    for kreis, grp in g.groupby("kreis_bis", sort=True):
        if kreis in set(krs["schluessel"]) and kreis != "16063":
            continue  # unchanged Kreis: the published EWZ above
        rows.append(
            obs(
                "einwohner",
                "kreis",
                kreis,
                GS_BIS,
                2022,
                VG_STAND,
                str(int(grp["bev"].sum())),
                status="abgeleitet",
                quelle=VG_QUELLE,
                hinweis=f"Summe der Gemeinden (EWZ BKG VG250-EW 31.12.2022) im Kreisgebiet bis 30.06.2021 "
                f"({len(grp)} Gemeinden)",
            )
        )
    for kreis, _grp in g.groupby("kreis_bis", sort=True):
        if kreis in set(krs["schluessel"]) and kreis != "16063":
            rows.append(
                obs(
                    "einwohner",
                    "kreis",
                    kreis,
                    GS_BIS,
                    2022,
                    VG_STAND,
                    krs.set_index("schluessel").loc[kreis, "ewz"],
                    quelle=VG_QUELLE,
                    hinweis=VG_HINWEIS + " (Kreisgebiet am 01.07.2021 unverändert)",
                )
            )
    sums = g.groupby("kreis_ab")["bev"].sum()
    abweichend = [k for k, e in zip(krs["schluessel"], krs["ewz"]) if int(e) != sums.get(k)]
    summary = {
        "vg250ew_2022_gemeinden": len(gem),
        "vg250ew_2022_kreise": len(krs),
        "vg250ew_2022_kreise_summe_abweichend": abweichend,
        "vg250ew_2022_land_gleich_summe": int(land[0]) == int(g["bev"].sum()),
    }
    return rows, summary


# ---------------------------------------------------------------- run
def build(raw_dir: Path, data_dir: Path) -> tuple[pd.DataFrame, dict]:
    raw_dir = Path(raw_dir)
    gem21 = load_gemeinden_2021(raw_dir)
    crosswalk = load_crosswalk(data_dir)
    gv = load_gv_files(raw_dir)
    warnings: list[str] = []
    rows: list[dict] = []
    summary: dict = {}

    g21 = gemeinden_direct(gv[2021], gem21, str(raw_dir / GV_FILE.format(2021)))
    g17, w17 = gemeinden_from_older(gv[2017], crosswalk, g21, "31.12.2017")
    warnings += w17
    # Two files carry the population of 31.12.2023; the 31.12.2023 file is kept because its Gebietsstand
    # is that date and it has more Gemeinden unchanged since 2021 (fewer 2024 mergers).
    g23, lost23 = gemeinden_from_later(gv[2023], g21, "31.12.2023")
    warnings += same_reference_check(gv[2023], gv[2024])

    years = [(2017, "2017-12-31", g17, ""), (2021, "2021-12-31", g21, ""), (2023, "2023-12-31", g23, "")]
    for jahr, stand, gem, extra in years:
        rows += gemeinde_obs(gem, jahr, stand, extra)
        summary[f"gemeinden_{jahr}"] = len(gem)

    for jahr, stand, gem in ((2017, "2017-12-31", g17), (2021, "2021-12-31", g21)):
        text = "Summe der Gemeinden" + (" (auf Gebietsstand 31.12.2021 umgerechnet)" if jahr == 2017 else "")
        for gs, col in ((GS_BIS, "kreis_bis"), (GS_AB, "kreis_ab")):
            sums = kreis_sums(gem, gem21, col)
            rows += sum_obs(sums, "kreis", gs, jahr, stand, text)
            summary[f"kreise_{gs}_{jahr}"] = len(sums)
        if len(gem) == len(gem21):
            rows += sum_obs(land_sum(gem), "land", GS_LAND, jahr, stand, text)

    # 2023: a Kreis only where none of its 2021 Gemeinden was merged or changed (missing stays missing).
    # A Kreis whose Gemeinden merged among themselves keeps its territory: then it is the sum of all its
    # Gemeinden of the 31.12.2023 file, provided the summed area equals 31.12.2021 (KREIS_FLAECHE_TOLERANZ_KM2).
    whole = kreise_aus_allen_gemeinden(gv[2023], g21)
    geaendert = kreise_mit_gebietsaenderung(gv[2023], g21)
    if geaendert:
        # 2023: Anrode (Unstrut-Hainich-Kreis) was dissolved, a part went to Dingelstädt (Eichsfeld); the
        # population of that part is not published, so neither Kreis has a 2023 total on its 2021 territory.
        warnings.append(
            "31.12.2023: Kreisgebiet gegenüber 31.12.2021 geändert bei "
            + ", ".join(geaendert)
            + " – kein Kreiswert 2023"
        )
    for gs, col in ((GS_BIS, "kreis_bis"), (GS_AB, "kreis_ab")):
        sums = kreis_sums(g23, gem21, col)
        extra = whole[~whole["schluessel"].isin(sums["schluessel"])]
        if gs == GS_BIS:  # the Wartburgkreis without Eisenach is no sum of whole Kreise
            extra = extra[~extra["schluessel"].isin(["16063", "16056"])]
        rows += sum_obs(sums, "kreis", gs, 2023, "2023-12-31", "Summe der Gemeinden")
        rows += sum_obs(
            extra,
            "kreis",
            gs,
            2023,
            "2023-12-31",
            "Summe aller Gemeinden des Kreises im Gebietsstand 31.12.2023 (Kreisgebiet unverändert)",
        )
        summary[f"kreise_{gs}_2023"] = len(sums) + len(extra)
    # The Land has one territory: all Gemeinden of the 31.12.2023 file add up to it.
    g23_all = gv[2023]
    fl23, fl21 = round(g23_all["flaeche"].sum(), 2), round(g21["flaeche"].sum(), 2)
    if abs(fl23 - fl21) < 1.0:
        rows += sum_obs(
            land_sum(g23_all), "land", GS_LAND, 2023, "2023-12-31", "Summe aller Gemeinden des Gebietsstands 31.12.2023"
        )
    else:
        warnings.append(f"Landesfläche 2023 {fl23} statt {fl21} km² – kein Landeswert 2023")

    vg_rows, vg_summary = vg250ew_2022(raw_dir, gem21)
    rows += vg_rows
    summary.update(vg_summary)

    summary.update(
        {
            "beobachtungen": len(rows),
            "gemeinden_2023_ohne_wert_fusion_oder_flaeche": len(lost23),
            "gemeinden_2023_ohne_wert": key_list(lost23, 40),
            "warnungen": warnings,
        }
    )
    return pd.DataFrame(rows), summary


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    df, summary = build(raw_dir, data_dir)
    write_observations(df, Path(data_dir) / OUT_FILE)
    summary["datei"] = OUT_FILE
    return summary
