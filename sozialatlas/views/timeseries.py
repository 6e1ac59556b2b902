"""An indicator over all its years for chosen Kreise and Thüringen, on one Kreis-Gebietsstand.

Where a year exists only on the other Gebietsstand, its values are carried over with
sozialatlas.areas.gebietsstand (and marked); where that is not sound, the year is left out with the reason.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from sozialatlas import domain
from sozialatlas.areas import gebietsstand
from sozialatlas.render import charts, formatting, tables

LAND = domain.LAND_SCHLUESSEL
LAND_NAME = "Thüringen"
UMGERECHNET_MARK = " *"

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency. Black is kept for
# Thüringen, so the Kreise never share its colour.
KREIS_FARBEN = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442"]
MAX_KREISE = len(KREIS_FARBEN)
THUERINGEN_FARBE = "#000000"

COLUMNS = [
    "jahr",
    "schluessel",
    "name",
    "wert",
    "zaehler",
    "nenner",
    "status",
    "stand",
    "quelle",
    "quelle_titel",
    "lizenz",
    "hinweis",
    "umgerechnet",
]


def native_staende(con, indikator: str) -> list[str]:
    """Kreis-Gebietsstände the indicator is published on, current one first."""
    have = {
        s
        for (s,) in con.execute(
            "SELECT DISTINCT gebietsstand FROM beobachtung WHERE indikator = ? AND ebene = 'kreis'", [indikator]
        ).fetchall()
    }
    return [s for s in gebietsstand.STAENDE if s in have]


def jahre_text(jahre) -> str:
    """[2014, 2015, 2016, 2019] → '2014–2016, 2019'."""
    js = sorted({int(j) for j in jahre})
    parts, start, prev = [], None, None
    for j in js + [None]:
        if start is None:
            start = prev = j
            continue
        if j is not None and j == prev + 1:
            prev = j
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = j
    return ", ".join(parts)


def series(con, indikator: str, stand: str, kreise: list[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Long table (one row per year and region, Thüringen as schluessel '16') and German notes.

    Every year with Kreis data appears for every chosen Kreis, with NaN where there is no value, so
    a table shows 'keine Daten' instead of silently skipping the year.
    """
    parts: list[pd.DataFrame] = []
    converted: dict[str, list[int]] = {}
    refused: dict[str, list[int]] = {}
    kv = gebietsstand.KreisValues(con, [indikator])
    for jahr in sorted(kv.years(indikator)):
        try:
            vals, note = kv.values_on(indikator, jahr, stand, partial=True)
        except gebietsstand.NotConvertible as exc:
            refused.setdefault(str(exc), []).append(jahr)
            continue
        if note:
            converted.setdefault(note, []).append(jahr)
        if kreise is not None:
            vals = vals[vals["schluessel"].isin(kreise)]
        # Only recomputed values are marked; the 21 unchanged Kreise are the same territory on both.
        vals = vals.assign(jahr=jahr, umgerechnet=vals["status"].eq("umgerechnet") & vals["wert"].notna())
        parts.append(vals)
    parts.append(_land_rows(kv, indikator))
    out = (
        pd.concat([p.reindex(columns=COLUMNS) for p in parts if not p.empty], ignore_index=True)
        if any(not p.empty for p in parts)
        else pd.DataFrame(columns=COLUMNS)
    )
    out["umgerechnet"] = out["umgerechnet"].fillna(False).astype(bool)
    notes = [f"{jahre_text(js)}: {note}" for note, js in converted.items()]
    notes += [f"{jahre_text(js)} nicht dargestellt: {reason}" for reason, js in refused.items()]
    return out.sort_values(["jahr", "schluessel"], kind="mergesort").reset_index(drop=True), notes


def land_series(con, indikator: str) -> pd.DataFrame:
    """Thüringen by year (COLUMNS), with the Geheimhaltung applied (a gesperrt year has no wert)."""
    return _land_rows(gebietsstand.KreisValues(con, [indikator]), indikator)


def _land_rows(kv: gebietsstand.KreisValues, indikator: str) -> pd.DataFrame:
    land = kv.land(indikator)
    return land.assign(name=LAND_NAME, umgerechnet=False).reindex(columns=COLUMNS)


def wide_table(long: pd.DataFrame, dezimalen: int | None, kreis_names: list[str]) -> pd.DataFrame:
    """Years × regions as people read it: German numbers, 'keine Daten', 'gesperrt' (Geheimhaltung),
    converted values marked '*'."""
    if long.empty:
        return pd.DataFrame()
    cells = long.assign(
        text=[
            formatting.zahl_oder_status(w, s, dezimalen)
            + (UMGERECHNET_MARK if u and not formatting.is_missing(w) else "")
            for w, s, u in zip(long["wert"], long["status"], long["umgerechnet"])
        ]
    )
    wide = cells.pivot_table(index="jahr", columns="name", values="text", aggfunc="first")
    order = list(dict.fromkeys(kreis_names + [LAND_NAME]))
    wide = wide.reindex(columns=order).fillna(formatting.KEINE_DATEN)
    wide.index = [str(j) for j in wide.index]
    wide.index.name = "Jahr"
    wide.columns.name = None
    return wide


def download_table(long: pd.DataFrame, einheit: str, stand: str) -> pd.DataFrame:
    """The long table with raw numbers for CSV/XLSX: one row per year and region."""
    return pd.DataFrame(
        {
            "Jahr": long["jahr"].astype(int),
            "Schlüssel": long["schluessel"],
            "Gebiet": long["name"],
            f"Wert ({einheit})" if einheit else "Wert": long["wert"],
            "Status": [
                tables.STATUS_TEXT.get(s, "keine Daten") if isinstance(s, str) else "keine Daten"
                for s in long["status"]
            ],
            "Gebietsstand": [gebietsstand.LABEL[stand] if k != LAND else "Land" for k in long["schluessel"]],
            "Stand": [s if isinstance(s, str) else "" for s in long["stand"]],
            "Quelle": [q if isinstance(q, str) else "" for q in long["quelle_titel"]],
            "Hinweis": [h if isinstance(h, str) else "" for h in long["hinweis"]],
        }
    )


def chart(
    long: pd.DataFrame, *, einheit: str, dezimalen: int | None, title: str = "", kreis_order: list[str] | None = None
) -> alt.Chart:
    """Lines per Kreis, Thüringen as a black dashed line; converted values drawn as open diamonds.

    kreis_order: Kreis names in the order chosen (colours and legend follow it, like the table columns).
    """
    d = long[long["wert"].notna()].copy()
    d["art"] = ["Thüringen" if k == LAND else "Kreis" for k in d["schluessel"]]
    d["wertart"] = ["umgerechnet" if u else "veröffentlicht oder abgeleitet" for u in d["umgerechnet"]]
    d["stand_text"] = [formatting.datum(s) if isinstance(s, str) else "–" for s in d["stand"]]
    d["wert_text"] = [formatting.wert_mit_einheit(w, einheit, dezimalen) for w in d["wert"]]
    present = set(d.loc[d["art"] == "Kreis", "name"])
    kreis_names = [n for n in (kreis_order or []) if n in present]
    kreis_names += [n for n in dict.fromkeys(d.loc[d["art"] == "Kreis", "name"]) if n not in kreis_names]
    domain = kreis_names + ([LAND_NAME] if (d["art"] == "Thüringen").any() else [])
    colours = KREIS_FARBEN[: len(kreis_names)] + ([THUERINGEN_FARBE] if LAND_NAME in domain else [])
    fmt = f",.{0 if dezimalen is None else int(dezimalen)}f"
    colour = alt.Color(
        "name:N",
        title="Gebiet",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(orient="bottom", columns=4, labelFontSize=13, symbolStrokeWidth=3),
    )
    base = alt.Chart(d).encode(
        x=alt.X("jahr:Q", title="Jahr", axis=alt.Axis(format="d", tickMinStep=1, labelFontSize=13)),
        y=alt.Y(
            "wert:Q", title=einheit or "Wert", axis=alt.Axis(format=fmt, labelFontSize=13), scale=alt.Scale(zero=False)
        ),
        color=colour,
    )
    lines = base.mark_line(strokeWidth=3).encode(
        strokeDash=alt.StrokeDash(
            "art:N", scale=alt.Scale(domain=["Kreis", "Thüringen"], range=[[1, 0], [8, 4]]), legend=None
        ),
        detail="name:N",
    )
    points = base.mark_point(size=70, strokeWidth=2).encode(
        # Converted values: open diamonds (explained in the caption beside the table).
        shape=alt.Shape(
            "wertart:N",
            scale=alt.Scale(domain=["veröffentlicht oder abgeleitet", "umgerechnet"], range=["circle", "diamond"]),
            legend=None,
        ),
        fill=alt.condition("datum.umgerechnet", alt.value("white"), colour),
        tooltip=[
            alt.Tooltip("name:N", title="Gebiet"),
            alt.Tooltip("jahr:Q", title="Jahr", format="d"),
            alt.Tooltip("wert_text:N", title="Wert"),
            alt.Tooltip("stand_text:N", title="Stand"),
            alt.Tooltip("wertart:N", title="Art"),
        ],
    )
    return charts.german(alt.layer(lines, points).properties(title=title, height=420))
