"""Altair charts. German number format via Vega's locale settings in the spec."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Vega-Lite number format locale: decimal comma, thousands dot.
DE_FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]}


def _fmt(dezimalen: int | None) -> str:
    return f",.{0 if dezimalen is None else int(dezimalen)}f"


def ranking(df: pd.DataFrame, *, einheit: str, dezimalen: int | None, land_wert: float | None,
            colour_of: dict[str, str], selected: str | None = None, title: str = "") -> alt.Chart:
    """Horizontal bars, highest value on top; regions without data are listed, not drawn as 0.

    df: columns name, schluessel, wert (NaN = keine Daten).
    """
    d = df[["schluessel", "name", "wert"]].copy()
    d["farbe"] = d["schluessel"].map(colour_of).fillna("#bdbdbd")
    d["ausgewaehlt"] = d["schluessel"].eq(selected) if selected else False
    has = d[d["wert"].notna()].sort_values("wert", ascending=False)
    order = list(has["name"])
    fmt = _fmt(dezimalen)
    base = alt.Chart(has).encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("wert:Q", title=einheit or "Wert", axis=alt.Axis(format=fmt)),
        tooltip=[alt.Tooltip("name:N", title="Gebiet"), alt.Tooltip("wert:Q", title=einheit or "Wert", format=fmt)],
    )
    bars = base.mark_bar(stroke="black").encode(
        color=alt.Color("farbe:N", scale=None),
        strokeWidth=alt.condition("datum.ausgewaehlt", alt.value(2.5), alt.value(0)),
    ).add_params(alt.selection_point(name="pick", fields=["schluessel"]))
    layers = [bars]
    if land_wert is not None:
        ref = pd.DataFrame({"wert": [land_wert], "label": ["Thüringen"]})
        rule = alt.Chart(ref).mark_rule(color="black", strokeDash=[6, 3], size=2).encode(x="wert:Q")
        text = alt.Chart(ref).mark_text(align="left", dx=4, dy=-6, fontWeight="bold").encode(
            x="wert:Q", y=alt.value(0), text="label:N")
        layers += [rule, text]
    height = max(160, 22 * len(has))
    return german(alt.layer(*layers).properties(title=title, height=height))


def german(chart):
    """Decimal comma and thousands dot in axes and tooltips."""
    return chart.configure(locale={"number": DE_FORMAT_LOCALE})


def legend(labels: list[str], colours: list[str], counts: list[int], missing: int, *,
           einheit: str, gebiet_plural: str, richtung: str) -> alt.Chart:
    """A legend as a chart (so it can be downloaded with the map): swatch, range, count per class."""
    rows = [{"i": i, "farbe": c, "text": f"{lab}  ({n} {gebiet_plural})"}
            for i, (lab, c, n) in enumerate(zip(labels, colours, counts))]
    rows.append({"i": len(rows), "farbe": "#bdbdbd", "text": f"keine Daten  ({missing} {gebiet_plural})"})
    d = pd.DataFrame(rows)
    swatch = alt.Chart(d).mark_square(size=260, stroke="#555").encode(
        y=alt.Y("i:O", axis=None), color=alt.Color("farbe:N", scale=None))
    text = alt.Chart(d).mark_text(align="left", dx=14, fontSize=13).encode(
        y=alt.Y("i:O", axis=None), text="text:N")
    title = f"{einheit} — {richtung}" if einheit else richtung
    return alt.layer(swatch, text).properties(height=24 * len(rows), width=380, title=title)
