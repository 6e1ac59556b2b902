"""The Kleinräumig view: Gemeinden, Gemeindeverbände, Planungsräume or Jena's statistische Bezirke of one
Kreis (or of all Thüringen) — table rows, tooltips, map colours and the profile of one area, as data.

Pure functions (no Streamlit). Every value comes from `sozialatlas.protection.smallarea` / `planungsraum.aggregate`,
so the Geheimhaltung is already applied: a gesperrt cell reads "gesperrt" with its reason — in the table,
the tooltip, the legend, the profile and every download — never a number and never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sozialatlas import domain
from sozialatlas.render import formatting, mapclasses, palettes
from sozialatlas.store import regions as stored_regions
from sozialatlas.views.kreisvergleich import Indicator

THUERINGEN = "16"
JENA = "16053"
EBENEN = {
    "gemeinde": "Gemeinden",
    "gemeindeverband": "Gemeindeverbände",
    "planungsraum": "Planungsräume",
    "stadtbezirk": "Jena: statistische Bezirke",
}
# Where the observations of a map level live (Planungsräume are computed from the Gemeinden).
DATA_LEVEL = {
    "gemeinde": "gemeinde",
    "gemeindeverband": "gemeindeverband",
    "planungsraum": "gemeinde",
    "stadtbezirk": "stadtbezirk",
}
GEBIET = {
    "gemeinde": ("Gemeinde", "Gemeinden"),
    "gemeindeverband": ("Gemeindeverband", "Gemeindeverbände"),
    "planungsraum": ("Planungsraum", "Planungsräume"),
    "stadtbezirk": ("Statistischer Bezirk", "Statistische Bezirke"),
}
GESPERRT = "gesperrt"
GESPERRT_FARBE = palettes.GESPERRT_FARBE
NICHT_AGGREGIERBAR = "nicht aggregierbar"
STATUS_KURZ = {"umgerechnet": "umgerechnet", "abgeleitet": "abgeleitet (eigene Berechnung)"}
BRIEFWAHL = "Briefwähler"
RECOMPUTED = "Aus den summierten Zählern und Nennern"
AGGREGATION_TEXT = (
    "Planungsräume: Anzahlen sind über ihre Gemeinden summiert, Quoten aus den summierten Zählern "
    "und Nennern neu berechnet (nicht gemittelt); fehlt eine Gemeinde, steht „keine Daten“."
)


@dataclass
class Rows:
    """One row per area, aligned with the shapes: what map, table, tooltip and exports show."""

    keys: list[str]
    names: list[str]
    wert: pd.Series  # NaN for keine Daten and gesperrt
    gesperrt: pd.Series  # bool
    grund: list[str]  # why gesperrt / hinweis, "" if nothing to say
    status: list[str]
    stand: list[str]
    quelle: list[str]
    kreis_wert: pd.Series
    land_wert: pd.Series
    kreis_name: list[str]
    extra: pd.DataFrame  # level-specific columns for the export (zaehler, nenner, n_gemeinden …)


def rows_from_values(vals: pd.DataFrame, ebene: str) -> Rows:
    """Rows of `smallarea.values` (schluessel/name) or `planungsraum.aggregate` (planungsraum)."""
    key_col = "planungsraum" if ebene == "planungsraum" else "schluessel"
    name_col = "planungsraum" if ebene == "planungsraum" else "name"
    n = len(vals)

    def col(name, default=None):
        return vals[name] if name in vals else pd.Series([default] * n, index=vals.index)

    gesperrt = col("gesperrt", False).fillna(False).astype(bool)
    grund = []
    for g, reason, hint in zip(gesperrt, col("sperrgrund", ""), col("hinweis", "")):
        if g:
            grund.append(str(reason) if isinstance(reason, str) and reason else "Geheimhaltung")
        else:
            grund.append(_short_hint(hint))
    extra_cols = [c for c in ("zaehler", "nenner", "einwohner", "n_gemeinden", "n_mit_wert") if c in vals]
    return Rows(
        keys=[str(k) for k in vals[key_col]],
        names=[str(x) for x in vals[name_col]],
        wert=pd.to_numeric(col("wert"), errors="coerce").astype(float).where(~gesperrt).reset_index(drop=True),
        gesperrt=gesperrt.reset_index(drop=True),
        grund=grund,
        status=[s if isinstance(s, str) else "" for s in col("status", "")],
        stand=[s if isinstance(s, str) else "" for s in col("stand", "")],
        quelle=[q if isinstance(q, str) else "" for q in col("quelle_titel", col("quelle", ""))],
        kreis_wert=pd.to_numeric(col("kreis_wert"), errors="coerce").astype(float).reset_index(drop=True),
        land_wert=pd.to_numeric(col("land_wert"), errors="coerce").astype(float).reset_index(drop=True),
        kreis_name=[k if isinstance(k, str) else "" for k in col("kreis_name", "")],
        extra=vals[extra_cols].reset_index(drop=True),
    )


def _short_hint(hint) -> str:
    """The part of a source note a reader needs beside a value (full text stays in the export)."""
    if not isinstance(hint, str) or not hint.strip():
        return ""
    if BRIEFWAHL in hint:
        return "ohne Briefwähler: zu niedrig"
    if hint.startswith(RECOMPUTED):
        return ""  # true of every Planungsraum with a rate: the page says it once
    return hint.strip()


def value_text(wert, gesperrt: bool, ind: Indicator) -> str:
    if gesperrt:
        return GESPERRT
    return formatting.wert_mit_einheit(wert, ind.einheit, ind.dezimalen)


def fill(rows: Rows, mc: mapclasses.MapClasses) -> list[str]:
    """Class colours; gesperrt areas get their own grey (not the 'keine Daten' one)."""
    return [GESPERRT_FARBE if g else c for g, c in zip(rows.gesperrt, mc.fill)]


@dataclass
class LegendRow:
    label: str
    colour: str
    count: int


def legend_rows(rows: Rows, mc: mapclasses.MapClasses) -> list[LegendRow]:
    """The classes, then 'keine Daten' and 'gesperrt' (each always listed, so the reader knows the colour)."""
    n_gesperrt = int(rows.gesperrt.sum())
    out = [LegendRow(e.label, e.colour, e.count) for e in mc.entries()]
    # mapclasses counts every missing value as 'keine Daten'; the gesperrt ones are shown separately.
    out[-1] = LegendRow(formatting.KEINE_DATEN, palettes.KEINE_DATEN_FARBE, out[-1].count - n_gesperrt)
    out.append(LegendRow("gesperrt (Geheimhaltung)", GESPERRT_FARBE, n_gesperrt))
    return out


def tooltip_texts(rows: Rows, ind: Indicator) -> list[str]:
    """Per area: name, value (or 'gesperrt' and why), a short note. Kept short: with 631 Gemeinden every
    character is sent 631 times (the Kreis value of each Gemeinde is in the table and the profile)."""
    out = []
    for i, name in enumerate(rows.names):
        g = bool(rows.gesperrt[i])
        text = f"{name}: {value_text(rows.wert[i], g, ind)}"
        if rows.grund[i]:
            text += f"\n{rows.grund[i]}"
        elif rows.status[i] == "umgerechnet":
            text += "\numgerechnet auf den Gebietsstand 31.12.2021"
        out.append(text)
    return out


def tooltip_footer(rows: Rows, ind: Indicator, *, with_kreis: bool, kreis_label: str = "Kreis") -> list[str]:
    """Lines shared by all areas: the Kreis value (one Kreis), Thüringen, Stand and Quelle."""
    lines = []
    kw = rows.kreis_wert.dropna().unique()
    summe = " (Summe)" if ind.is_count else ""
    if not with_kreis and len(kw) == 1:
        lines.append(f"{kreis_label}{summe}: {formatting.wert_mit_einheit(kw[0], ind.einheit, ind.dezimalen)}")
    lw = rows.land_wert.dropna().unique()
    if len(lw) == 1:
        lines.append(f"Thüringen{summe}: {formatting.wert_mit_einheit(lw[0], ind.einheit, ind.dezimalen)}")
    staende = sorted({formatting.datum(s) for s in rows.stand if s})
    if staende:
        lines.append("Stand: " + (", ".join(staende) if len(staende) <= 2 else f"{staende[0]} bis {staende[-1]}"))
    quellen = sorted({q for q in rows.quelle if q})
    if quellen:
        lines.append("Quelle: " + "; ".join(quellen))
    return lines


def display_table(rows: Rows, ind: Indicator, ebene: str, *, with_kreis: bool) -> pd.DataFrame:
    """The table beside the map: one row per area, highest value first, then gesperrt and keine Daten.

    Kreis and Thüringen stand in every row, so each row reads as a full comparison (also for a screen
    reader going row by row)."""
    label = GEBIET[ebene][0]
    einheit = f" ({ind.einheit})" if ind.einheit else ""
    summe = " (Summe)" if ind.is_count else ""
    # the unit stands in the header, so the cells stay narrow (the table sits beside the map)
    wert = [GESPERRT if g else formatting.zahl(w, ind.dezimalen) for w, g in zip(rows.wert, rows.gesperrt)]

    def ref(v):
        return formatting.zahl(v, ind.dezimalen)

    df = pd.DataFrame({label: rows.names, f"Wert{einheit}": wert})
    if with_kreis:
        df["Kreis"] = rows.kreis_name
        df[f"Kreiswert{summe}"] = [ref(v) for v in rows.kreis_wert]
    else:
        df[f"Kreis{summe}"] = [ref(v) for v in rows.kreis_wert]
    df[f"Thüringen{summe}"] = [ref(v) for v in rows.land_wert]
    if rows.land_wert.isna().all():
        df = df.drop(columns=[f"Thüringen{summe}"])  # e.g. Jena's household series: no Land value exists
    hinweis = [g or ("umgerechnet" if s == "umgerechnet" else "") for g, s in zip(rows.grund, rows.status)]
    if any(hinweis):
        df["Hinweis"] = hinweis
    order = pd.DataFrame({"w": rows.wert, "g": rows.gesperrt.astype(int), "n": rows.names})
    order["leer"] = order["w"].isna().astype(int)
    idx = order.sort_values(["leer", "g", "w", "n"], ascending=[True, True, False, True], kind="mergesort").index
    return df.loc[idx].reset_index(drop=True)


def export_table(rows: Rows, ind: Indicator, ebene: str, *, jahr: int) -> pd.DataFrame:
    """For CSV/XLSX: keys, numbers as numbers (empty where gesperrt or keine Daten), the text beside."""
    label = GEBIET[ebene][0]
    df = pd.DataFrame(
        {
            "Schlüssel": rows.keys,
            label: rows.names,
            "Indikator": ind.name,
            "Jahr": jahr,
            "Wert": rows.wert.round(10),
            "Wert (Text)": [value_text(w, g, ind) for w, g in zip(rows.wert, rows.gesperrt)],
            "Einheit": ind.einheit,
            "Gesperrt": ["ja" if g else "nein" for g in rows.gesperrt],
            "Hinweis": rows.grund,
            "Status": rows.status,
            "Kreis": rows.kreis_name,
            "Kreiswert": rows.kreis_wert,
            "Thüringen": rows.land_wert,
            "Stand": [formatting.datum(s) for s in rows.stand],
            "Quelle": rows.quelle,
        }
    )
    for c in rows.extra.columns:
        vals = rows.extra[c].astype(float).where(~rows.gesperrt) if c in ("zaehler", "nenner") else rows.extra[c]
        df[
            {
                "zaehler": "Zähler",
                "nenner": "Nenner",
                "einwohner": "Einwohner",
                "n_gemeinden": "Gemeinden",
                "n_mit_wert": "Gemeinden mit Wert",
            }[c]
        ] = vals.to_numpy()
    return df


# ---------------------------------------------------------------------------------------------------
# Profile of one area: every indicator of its level, newest year, against Kreis and Thüringen


PROFILE_COLUMNS = ["Indikator", "Jahr", "Wert", "Kreis", "Thüringen", "Stand", "Quelle", "Hinweis"]


def profile_rows(entries: list[dict]) -> pd.DataFrame:
    """entries: {indikator (Indicator), jahr, row (one row of smallarea.values), ebene_hinweis}."""
    out = []
    for e in entries:
        ind: Indicator = e["indikator"]
        r = e["row"]
        g = bool(r.get("gesperrt"))
        hint = str(r.get("sperrgrund") or "") if g else _short_hint(r.get("hinweis"))
        if not g and r.get("status") == "umgerechnet":
            hint = (hint + "; " if hint else "") + "umgerechnet"
        if e.get("ebene_hinweis"):
            hint = e["ebene_hinweis"] + ("; " + hint if hint else "")
        out.append(
            {
                "Indikator": ind.name,
                "Jahr": str(e["jahr"]),
                "Wert": value_text(r.get("wert"), g, ind),
                "Kreis": formatting.wert_mit_einheit(r.get("kreis_wert"), ind.einheit, ind.dezimalen),
                "Thüringen": formatting.wert_mit_einheit(r.get("land_wert"), ind.einheit, ind.dezimalen),
                "Stand": formatting.datum(r.get("stand")) if isinstance(r.get("stand"), str) else "",
                "Quelle": r.get("quelle_titel") if isinstance(r.get("quelle_titel"), str) else "",
                "Hinweis": hint,
            }
        )
    return pd.DataFrame(out, columns=PROFILE_COLUMNS)


def newest_year(periods: pd.DataFrame) -> int | None:
    """The newest year with at least one value (periods as queries.periods)."""
    have = periods[periods["n_werte"] > 0]
    return int(have["jahr"].max()) if len(have) else None


def text(v) -> str:
    """Catalogue text or "" (pandas gives NaN for empty cells)."""
    return v.strip() if isinstance(v, str) else ""


# ---------------------------------------------------------------------------------------------------
# Reads (the SQL is in sozialatlas.store.regions; a DuckDB connection in, pandas out)


def kreise(con) -> pd.DataFrame:
    """The 22 Kreise (Gebietsstand of the 2021 Gemeinden), sorted by name."""
    return stored_regions.kreise_by_name(con, domain.KREISE_AB)


def area_shapes(con, ebene: str):
    """Shapes of a level with the Kreis each area belongs to: schluessel, name, kreis, verband, geometry."""
    import geopandas as gpd
    import shapely

    df = stored_regions.small_area_geoms(con, ebene)
    geoms = shapely.from_wkb([bytes(b) for b in df.pop("geom")]) if len(df) else []
    return gpd.GeoDataFrame(df, geometry=list(geoms), crs="EPSG:4326")
