"""Altair charts. German number format via Vega's locale settings in the spec."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd
import shapely

from sozialatlas.render import formatting, palettes

# Vega-Lite number format locale: decimal comma, thousands dot.
DE_FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]}


def _fmt(dezimalen: int | None) -> str:
    return f",.{0 if dezimalen is None else int(dezimalen)}f"


def ranking(
    df: pd.DataFrame,
    *,
    einheit: str,
    dezimalen: int | None,
    land_wert: float | None,
    colour_of: dict[str, str],
    selected: str | None = None,
    title: str = "",
    jahr: int | str | None = None,
) -> alt.Chart:
    """Horizontal bars, highest value on top; regions without data are listed, not drawn as 0.

    df: columns name, schluessel, wert (NaN = keine Daten). The tooltip names rank ("3 von 22") and year.
    """
    d = df[["schluessel", "name", "wert"]].copy()
    d["farbe"] = d["schluessel"].map(colour_of).fillna(palettes.KEINE_DATEN_FARBE)
    d["ausgewaehlt"] = d["schluessel"].eq(selected) if selected else False
    has = d[d["wert"].notna()].sort_values("wert", ascending=False)
    order = list(has["name"])
    fmt = _fmt(dezimalen)
    ranks = has["wert"].rank(ascending=False, method="min").astype(int)
    has = has.assign(
        rang=[f"{r} von {len(has)}" for r in ranks],
        wert_text=[formatting.wert_mit_einheit(w, einheit, dezimalen) for w in has["wert"]],
        jahr="" if jahr is None else str(jahr),
    )
    tooltip = [alt.Tooltip("name:N", title="Gebiet"), alt.Tooltip("wert_text:N", title="Wert")]
    if jahr is not None:
        tooltip.append(alt.Tooltip("jahr:N", title="Jahr"))
    tooltip.append(alt.Tooltip("rang:N", title="Rang (1 = höchster Wert)"))
    base = alt.Chart(has).encode(
        # every Kreis labelled (no overlap thinning), large enough for a beamer
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False, labelFontSize=14)),
        # value labels thinned where they would touch ("10,0012,00" in a PNG), at most ~6 ticks
        x=alt.X(
            "wert:Q",
            title=einheit or "Wert",
            axis=alt.Axis(
                format=fmt, labelFontSize=13, titleFontSize=14, labelOverlap="greedy", tickCount=6, labelFlush=True
            ),
        ),
        tooltip=tooltip,
    )
    bars = (
        base.mark_bar(stroke="black")
        .encode(
            color=alt.Color("farbe:N", scale=None),
            # a hairline around every bar so the lightest class still shows on white; the selected one bold
            strokeWidth=alt.condition("datum.ausgewaehlt", alt.value(3), alt.value(0.5)),
        )
        .add_params(alt.selection_point(name="pick", fields=["schluessel"]))
    )
    layers = [bars]
    if land_wert is not None:
        ref = pd.DataFrame({"wert": [land_wert], "label": ["Thüringen"]})
        rule = alt.Chart(ref).mark_rule(color="black", strokeDash=[6, 3], size=2).encode(x="wert:Q")
        text = (
            alt.Chart(ref)
            .mark_text(align="left", dx=4, dy=-6, fontWeight="bold")
            .encode(x="wert:Q", y=alt.value(0), text="label:N")
        )
        layers += [rule, text]
    # A step (px per bar), not a fixed height: Streamlit squeezes fixed-height bar charts.
    return german(alt.layer(*layers).properties(title=title, height=alt.Step(28)))


def ranking_summary(
    df: pd.DataFrame, *, einheit: str, dezimalen: int | None, land_wert: float | None, gebiet_plural: str = "Kreise"
) -> str:
    """The ranking's text alternative (WCAG 1.1.1): highest, lowest, median, Thüringen and how many regions
    lie above it — the figures a reader takes from the bars. df: columns name, wert (NaN = keine Daten)."""
    from sozialatlas.render import formatting

    has = df[df["wert"].notna()].sort_values("wert", ascending=False)
    if has.empty:
        return f"Rangfolge: für keine {gebiet_plural} liegen Werte vor."

    def w(x: float) -> str:
        return formatting.wert_mit_einheit(x, einheit, dezimalen)

    top, low = has.iloc[0], has.iloc[-1]
    parts = [
        f"Rangfolge von {count_text(len(has), gebiet_plural)}: höchster Wert {top['name']} ({w(top['wert'])}), "
        f"niedrigster {low['name']} ({w(low['wert'])}), Median {w(has['wert'].median())}."
    ]
    if land_wert is not None:
        above = int((has["wert"] > land_wert).sum())
        parts.append(f"Thüringen: {w(land_wert)}; {count_text(above, gebiet_plural)} darüber.")
    missing = int(df["wert"].isna().sum())
    if missing:
        parts.append(f"Ohne Wert: {count_text(missing, gebiet_plural)}.")
    return " ".join(parts)


def series_summary(long: pd.DataFrame, *, einheit: str, dezimalen: int | None, max_lines: int = 8) -> str:
    """A line chart's text alternative: per series the first and the last year with a value.
    long: columns name, jahr, wert (NaN = keine Daten)."""
    from sozialatlas.render import formatting

    parts = []
    has = long[long["wert"].notna()].sort_values("jahr")
    for name, grp in list(has.groupby("name", sort=False))[:max_lines]:
        first, last = grp.iloc[0], grp.iloc[-1]
        w0 = formatting.wert_mit_einheit(first["wert"], einheit, dezimalen)
        w1 = formatting.wert_mit_einheit(last["wert"], einheit, dezimalen)
        parts.append(f"{name}: {int(first['jahr'])} {w0}, {int(last['jahr'])} {w1}")
    more = has["name"].nunique() - len(parts)
    text = "Verlauf: " + "; ".join(parts) + "." if parts else "Verlauf: keine Werte."
    return text + (f" Weitere {more} Gebiete in der Tabelle." if more > 0 else "")


# Axis, legend and title text: Streamlit's chart theme draws it #808495 (3.7:1 on white); WCAG 1.4.3
# needs 4.5:1. This grey is 9.7:1 and is kept in PNG/SVG exports too.
TEXT_COLOUR = "#31333f"


def german(chart):
    """Decimal comma and thousands dot in axes and tooltips; chart text dark enough to read (WCAG 1.4.3)."""
    return (
        chart.configure(locale={"number": DE_FORMAT_LOCALE})
        .configure_axis(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR)
        .configure_legend(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR)
        .configure_title(color=TEXT_COLOUR, subtitleColor=TEXT_COLOUR)
        .configure_text(color=TEXT_COLOUR)
    )


SINGULAR = {"Kreise": "Kreis", "Gemeinden": "Gemeinde", "Gebiete": "Gebiet", "Gemeindeverbände": "Gemeindeverband"}


def count_text(n: int, plural: str) -> str:
    """'1 Kreis', '3 Kreise', '0 Kreise'."""
    return f"{n} {SINGULAR.get(plural, plural) if n == 1 else plural}"


def legend(
    labels: list[str],
    colours: list[str],
    counts: list[int],
    missing: int,
    *,
    einheit: str,
    gebiet_plural: str,
    richtung: str,
    title: str | None = None,
) -> alt.Chart:
    """A legend as a chart (so it can be downloaded with the map): swatch, range, count per class,
    and 'keine Daten' as its own entry."""
    return legend_layer(
        labels, colours, counts, missing, einheit=einheit, gebiet_plural=gebiet_plural, richtung=richtung, title=title
    ).configure_view(stroke=None)


def legend_layer(
    labels: list[str],
    colours: list[str],
    counts: list[int],
    missing: int,
    *,
    einheit: str,
    gebiet_plural: str,
    richtung: str,
    title: str | None = None,
) -> alt.LayerChart:
    """The legend without top-level configuration, to be placed next to a map chart (alt.hconcat)."""
    rows = [
        {"i": i, "farbe": c, "text": f"{lab}  ({count_text(n, gebiet_plural)})"}
        for i, (lab, c, n) in enumerate(zip(labels, colours, counts))
    ]
    rows.append(
        {
            "i": len(rows),
            "farbe": palettes.KEINE_DATEN_FARBE,
            "text": f"keine Daten  ({count_text(missing, gebiet_plural)})",
        }
    )
    d = pd.DataFrame(rows)
    swatch = (
        alt.Chart(d)
        .mark_square(size=260, stroke="#555", opacity=1)
        .encode(x=alt.value(10), y=alt.Y("i:O", axis=None), color=alt.Color("farbe:N", scale=None))
    )
    text = (
        alt.Chart(d)
        .mark_text(align="left", dx=0, fontSize=13)
        .encode(x=alt.value(26), y=alt.Y("i:O", axis=None), text="text:N")
    )
    head = [t for t in (title, f"{einheit}" if einheit else None) if t]
    lines = head + textwrap.wrap(richtung, 60)
    return alt.layer(swatch, text).properties(
        height=24 * len(rows), width=420, title=alt.TitleParams(lines, anchor="start", fontSize=13)
    )


def map_chart(gdf, fill: list[str], *, title: str = "", selected: str | None = None, width: int = 520) -> alt.Chart:
    """A static map (Vega-Lite geoshape) of the same polygons and colours as the interactive map, for
    PNG/SVG downloads; the selected region is outlined black."""
    d = gdf[["schluessel", "name", "geometry"]].copy()
    # d3-geo (Vega) reads a counter-clockwise ring as "the whole globe except this polygon"
    d["geometry"] = shapely.orient_polygons(d.geometry.values, exterior_cw=True)
    d["farbe"] = list(fill)
    d["rand"] = [3 if k == selected else 0.6 for k in d["schluessel"]]
    d["randfarbe"] = ["#000000" if k == selected else "#5a5a5a" for k in d["schluessel"]]
    d = d.sort_values("rand")  # the outlined region last, so its border lies on top
    return (
        alt.Chart(d)
        .mark_geoshape()
        .encode(
            color=alt.Color("farbe:N", scale=None),
            stroke=alt.Stroke("randfarbe:N", scale=None),
            strokeWidth=alt.StrokeWidth("rand:Q", scale=None),
        )
        .project(type="mercator")
        .properties(width=width, height=int(width * 0.85), title=title)
    )


def map_with_legend(map_part: alt.Chart, legend_part) -> alt.HConcatChart:
    return alt.hconcat(map_part, legend_part, spacing=24).configure_view(stroke=None)


def with_source(chart, title: str, source_lines: list[str]):
    """A chart for download: its title plus Quelle/Stand lines, so the figure carries them wherever it goes.
    Lines of a title the chart already has (a legend's unit and colour direction) are kept below it."""
    kept = []
    old = getattr(chart, "title", alt.Undefined)
    old_text = getattr(old, "text", old)
    if isinstance(old_text, str):
        old_text = [old_text]
    if isinstance(old_text, list):
        kept = [t for t in old_text if isinstance(t, str) and t and t not in title]
    return chart.properties(
        title=alt.TitleParams(
            title,
            subtitle=kept + [line for text in source_lines for line in textwrap.wrap(text, 110)],
            anchor="start",
            fontSize=15,
            subtitleFontSize=11,
            subtitleColor="#444",
        )
    )


def classes_legend(
    mc, *, einheit: str = "", gebiet_plural: str = "Gebiete", title: str | None = None, standalone: bool = True
):
    """The legend chart of a mapclasses.MapClasses; standalone=False leaves it unconfigured for hconcat."""
    entries = mc.entries(gebiet_plural)
    make = legend if standalone else legend_layer
    return make(
        [e.label for e in entries[:-1]],
        [e.colour for e in entries[:-1]],
        [e.count for e in entries[:-1]],
        entries[-1].count,
        einheit=einheit,
        gebiet_plural=gebiet_plural,
        richtung=mc.direction,
        title=title,
    )
