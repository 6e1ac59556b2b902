"""An indicator over all its years for chosen Kreise and Thüringen, on one Kreis-Gebietsstand.

Where a year exists only on the other Gebietsstand, its values are carried over with
sozialatlas.areas.gebietsstand (and marked); where that is not sound, the year is left out with the reason.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from sozialatlas import domain
from sozialatlas.areas import gebietsstand
from sozialatlas.render import charts, exports, formatting, tables
from sozialatlas.store import queries

LAND = domain.LAND_SCHLUESSEL
LAND_NAME = "Thüringen"
UMGERECHNET_MARK = " *"

# Lines in one chart: Okabe & Ito (2008) blue, vermillion, bluish green, reddish purple, completed with
# Paul Tol's "muted" indigo, olive and wine — distinguishable with every common colour-vision deficiency
# and from each other (Okabe-Ito's orange beside its vermillion was not: Erfurt and Saalfeld-Rudolstadt
# looked alike), none as light as Okabe-Ito's yellow on white. Black is kept for Thüringen.
KREIS_FARBEN = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#332288", "#999933", "#882255"]
MAX_LINIEN = len(KREIS_FARBEN)  # more Kreise: small multiples (one panel per Kreis, Thüringen in each)
MAX_KREISE = MAX_LINIEN  # lines in one chart (kept for the presentation slides)
THUERINGEN_FARBE = "#000000"
BRUCH_FARBE = "#6a3d00"
AXIS_LABEL_PX = 13  # axis text readable on a beamer (was ≈ 11 px)
AXIS_TITLE_PX = 14

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
    have = queries.kreis_staende_of_indicator(con, indikator)
    return [s for s in gebietsstand.STAENDE if s in have]


def jahre_text(jahre) -> str:
    """[2014, 2015, 2016, 2019] → '2014–2016, 2019'."""
    js = sorted({int(j) for j in jahre})
    parts, start, prev = [], None, None
    for j in js + [None]:
        if start is None:
            start = prev = j
            continue
        if j is not None and prev is not None and j == prev + 1:
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
    # a column without any text is float (all NaN): object first, so the filler is no dtype mismatch
    wide = wide.reindex(columns=order).astype(object).fillna(formatting.KEINE_DATEN)
    wide.index = [str(j) for j in wide.index]
    wide.index.name = "Jahr"
    wide.columns.name = None
    return wide


def download_table(long: pd.DataFrame, einheit: str, stand: str, dezimalen: int | None = None) -> pd.DataFrame:
    """The long table with raw numbers for CSV/XLSX: one row per year and region (Quelle, Lizenz, Stand
    in every row); `dezimalen` sets the XLSX number format of the value column."""
    out = _download_frame(long, einheit, stand)
    if dezimalen is not None:
        out.attrs[exports.DEZIMALEN_ATTR] = {f"Wert ({einheit})" if einheit else "Wert": int(dezimalen)}
    return out


def _download_frame(long: pd.DataFrame, einheit: str, stand: str) -> pd.DataFrame:
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
            "Stand": [formatting.datum(s) if isinstance(s, str) else "" for s in long["stand"]],
            "Quelle": [q if isinstance(q, str) else "" for q in long["quelle_titel"]],
            "Lizenz": [q if isinstance(q, str) else "" for q in long["lizenz"]],
            "Hinweis": [formatting.nutzer_hinweis(h) for h in long["hinweis"]],
        }
    )


def chart(
    long: pd.DataFrame,
    *,
    einheit: str,
    dezimalen: int | None,
    title: str = "",
    kreis_order: list[str] | None = None,
    brueche=(),
):
    """Lines per Kreis (up to MAX_LINIEN), Thüringen as a black dashed line; converted values drawn as
    open diamonds; a series break as a vertical rule labelled 'Reihenbruch'. More Kreise: small multiples.

    kreis_order: Kreis names in the order chosen (colours and legend follow it, like the table columns).
    brueche: years a series breaks in (values before are not comparable with those from then on).
    """
    n_kreise = long.loc[(long["schluessel"] != LAND) & long["wert"].notna(), "name"].nunique()
    if n_kreise > MAX_LINIEN:
        return small_multiples(long, einheit=einheit, dezimalen=dezimalen, title=title, brueche=brueche)
    return _lines(long, einheit=einheit, dezimalen=dezimalen, title=title, kreis_order=kreis_order, brueche=brueche)


def _bruch_layer(brueche, jahre) -> list:
    """Rules half a year before each break that falls inside the drawn years (between two points)."""
    js = [int(j) for j in jahre]
    inside = sorted({int(b) for b in brueche if js and min(js) < int(b) <= max(js)})
    if not inside:
        return []
    d = pd.DataFrame({"jahr": [b - 0.5 for b in inside], "text": [f"Reihenbruch {b}" for b in inside]})
    rule = alt.Chart(d).mark_rule(color=BRUCH_FARBE, strokeDash=[2, 3], size=2).encode(x="jahr:Q")
    label = (
        alt.Chart(d)
        .mark_text(align="left", baseline="top", dx=3, dy=2, fontSize=12, color=BRUCH_FARBE)
        .encode(x="jahr:Q", y=alt.value(0), text="text:N")
    )
    return [rule, label]


def _lines(long, *, einheit, dezimalen, title, kreis_order, brueche):
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
        legend=alt.Legend(
            orient="bottom", columns=4, labelFontSize=AXIS_LABEL_PX, titleFontSize=AXIS_TITLE_PX, symbolStrokeWidth=3
        ),
    )
    base = alt.Chart(d).encode(
        x=alt.X("jahr:Q", title="Jahr", axis=_axis("d", tick_min_step=1)),
        y=alt.Y("wert:Q", title=einheit or "Wert", axis=_axis(fmt), scale=alt.Scale(zero=False)),
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
    layers = [lines, points] + _bruch_layer(brueche, d["jahr"])
    return charts.german(alt.layer(*layers).properties(title=title, height=420))


def _axis(fmt: str, tick_min_step: int | None = None, tick_count: int | None = None) -> alt.Axis:
    return alt.Axis(
        format=fmt,
        labelFontSize=AXIS_LABEL_PX,
        titleFontSize=AXIS_TITLE_PX,
        labelOverlap="greedy",
        tickMinStep=tick_min_step if tick_min_step else alt.Undefined,
        tickCount=tick_count if tick_count else alt.Undefined,
    )


def small_multiples(long: pd.DataFrame, *, einheit: str, dezimalen: int | None, title: str = "", brueche=()):
    """One small panel per Kreis (all 22 at once): the Kreis in blue against Thüringen (black, dashed),
    same axes in every panel so panels compare at a glance; breaks as rules in every panel."""
    d = long[long["wert"].notna()].copy()
    kreise = [n for n in dict.fromkeys(d.loc[d["schluessel"] != LAND, "name"])]
    land = d[d["schluessel"] == LAND]
    parts = []
    for name in sorted(kreise):
        k = d[(d["name"] == name) & (d["schluessel"] != LAND)].assign(panel=name, rolle="Kreis")
        parts += [k, land.assign(panel=name, rolle=LAND_NAME)]
    js = d["jahr"].astype(int)
    inside = sorted({int(b) for b in brueche if len(js) and js.min() < int(b) <= js.max()})
    for name in sorted(kreise):
        if inside:
            parts.append(pd.DataFrame({"jahr": [b - 0.5 for b in inside], "panel": name, "rolle": "Reihenbruch"}))
    data = pd.concat(parts, ignore_index=True)
    data["wert_text"] = [
        formatting.wert_mit_einheit(w, einheit, dezimalen) if r != "Reihenbruch" else ""
        for w, r in zip(data["wert"], data["rolle"])
    ]
    data = data[["jahr", "wert", "wert_text", "panel", "rolle", "name"]].assign(
        name=lambda x: x["name"].fillna(""), umgerechnet=False
    )
    fmt = f",.{0 if dezimalen is None else int(dezimalen)}f"
    x = alt.X("jahr:Q", title=None, axis=_axis("d", tick_min_step=1, tick_count=4))
    y = alt.Y("wert:Q", title=einheit or "Wert", axis=_axis(fmt), scale=alt.Scale(zero=False))
    colour = alt.Color(
        "rolle:N",
        title=None,
        scale=alt.Scale(domain=["Kreis", LAND_NAME], range=[KREIS_FARBEN[0], THUERINGEN_FARBE]),
        legend=alt.Legend(orient="top", labelFontSize=AXIS_LABEL_PX, symbolStrokeWidth=3),
    )
    lines = (
        alt.Chart()
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=alt.StrokeDash(
                "rolle:N", scale=alt.Scale(domain=["Kreis", LAND_NAME], range=[[1, 0], [6, 3]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("panel:N", title="Kreis"),
                alt.Tooltip("rolle:N", title="Linie"),
                alt.Tooltip("jahr:Q", title="Jahr", format="d"),
                alt.Tooltip("wert_text:N", title="Wert"),
            ],
        )
        .transform_filter("datum.rolle != 'Reihenbruch'")
    )
    layers = [lines]
    if inside:
        layers.append(
            alt.Chart()
            .mark_rule(color=BRUCH_FARBE, strokeDash=[2, 3], size=1.5)
            .encode(x="jahr:Q")
            .transform_filter("datum.rolle == 'Reihenbruch'")
        )
    facet = (
        alt.layer(*layers, data=data)
        .properties(width=150, height=100)
        .facet(
            facet=alt.Facet(
                "panel:N", title=None, header=alt.Header(labelFontSize=AXIS_LABEL_PX, labelFontWeight="bold")
            ),
            columns=4,
        )
        .resolve_scale(y="shared", x="shared")
        .properties(title=title)
    )
    return charts.german(facet)
