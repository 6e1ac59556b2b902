"""The 15 adopted local poverty-prevention strategies (Kreise and kreisfreie Städte), their goals per
Lebenslage, and which atlas indicators can monitor each Lebenslage.

The strategies were adopted 2018–2020, when Eisenach was still kreisfrei: the map uses the 23-Kreise
Gebietsstand (bis 30.06.2021), so Eisenach's own strategy has its own area.
"""

from __future__ import annotations

import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.render import formatting
from sozialatlas.store import queries
from sozialatlas.store import regions as stored_regions
from sozialatlas.store import strategien as stored_strategien

STAND = gebietsstand.BIS
KEINE_STRATEGIE = "keine Strategie im Bericht"
KEINE_ANGABE = "keine Angabe"


def strategies(con) -> pd.DataFrame:
    df = stored_strategien.strategies(con)
    df["beschlossen_text"] = [
        formatting.datum(str(d)[:10]) if d is not None and str(d) not in ("NaT", "None") else KEINE_ANGABE
        for d in df["beschlossen_am"]
    ]
    return df


def kreis_status(con) -> pd.DataFrame:
    """Every Kreis of the 23-Kreise Gebietsstand with its strategy title or 'keine Strategie im Bericht'."""
    regions = stored_regions.kreise_by_key(con, STAND)
    s = strategies(con).rename(columns={"ags": "schluessel"})
    out = regions.merge(s[["schluessel", "titel", "beschlossen_text", "gremium"]], on="schluessel", how="left")
    out["hat_strategie"] = out["titel"].notna()
    out["titel"] = out["titel"].fillna(KEINE_STRATEGIE)
    out["beschlossen_text"] = out["beschlossen_text"].fillna("–")
    out["gremium"] = out["gremium"].fillna("–")
    return out


def strategy_table(con) -> pd.DataFrame:
    s = strategies(con)
    return pd.DataFrame(
        {
            "Kreis / Stadt": s["kreis"],
            "Titel": s["titel"],
            "Beschlossen am": s["beschlossen_text"],
            "Gremium": s["gremium"].fillna(KEINE_ANGABE),
            "Schwerpunkte": s["schwerpunkte"].fillna(KEINE_ANGABE),
        }
    )


def lebenslage_mentions(con) -> pd.DataFrame:
    """How many strategies name each Lebenslage (with the atlas's Lebenslage name and order)."""
    return stored_strategien.lebenslage_mentions(con)


def goals(con, lebenslage: str | None = None) -> pd.DataFrame:
    """Grouped goals with the number of strategies naming them; an unknown count stays NULL."""
    return stored_strategien.goals(con, lebenslage)


def goals_table(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Ziel": df["ziel"].to_numpy(),
            "Strategien, die es nennen": [
                KEINE_ANGABE if formatting.is_missing(n) or n is pd.NA else str(int(n)) for n in df["nennungen"]
            ],
        }
    )


def monitoring_indicators(con) -> pd.DataFrame:
    """Per Lebenslage the catalogue indicators that have data in the atlas (levels and years)."""
    cov = queries.coverage(con)
    cov = cov[cov["werte"] > 0].rename(columns={"lebenslage": "lebenslage_name"})
    inds = queries.indicators(con)[["id", "lebenslage", "quelle"]].rename(columns={"quelle": "quelle_id"})
    cov["ebenen"] = [", ".join(EBENE_LABEL.get(e.strip(), e.strip()) for e in str(x).split(",")) for x in cov["ebenen"]]
    return cov.merge(inds, on="id", how="left")


EBENE_LABEL = {
    "land": "Land",
    "kreis": "Kreis",
    "gemeinde": "Gemeinde",
    "gemeindeverband": "Gemeindeverband",
    "stadtbezirk": "Stadtbezirk",
}


QUELLE = (
    "Thüringer Ministerium für Arbeit, Soziales, Gesundheit, Frauen und Familie (TMASGFF): Fünf Jahre "
    "Armutsprävention in Thüringen (2020), Kreisporträts und Beitrag Huber/Frank (Tabelle 2)"
)
LIZENZ = "Zitat aus einer Veröffentlichung (Nutzungsbedingungen vor Veröffentlichung prüfen)"
STAND_TEXT = "Beschlüsse 2018–2020, Veröffentlichung 2020"

MIT_FARBE = "#3182bd"  # ColorBrewer Blues: a Kreis with a strategy
OHNE_FARBE = "#f7f7f7"  # nearly white: no strategy in the report (not "keine Daten")


def fill_colours(status: pd.DataFrame) -> list[str]:
    return [MIT_FARBE if s else OHNE_FARBE for s in status["hat_strategie"]]


def legend_chart(status: pd.DataFrame):
    import altair as alt

    n_mit = int(status["hat_strategie"].sum())
    d = pd.DataFrame(
        {
            "i": [0, 1],
            "farbe": [MIT_FARBE, OHNE_FARBE],
            "text": [f"Strategie beschlossen ({n_mit} Kreise)", f"{KEINE_STRATEGIE} ({len(status) - n_mit} Kreise)"],
        }
    )
    swatch = (
        alt.Chart(d)
        .mark_square(size=260, stroke="#555")
        .encode(y=alt.Y("i:O", axis=None), color=alt.Color("farbe:N", scale=None))
    )
    text = alt.Chart(d).mark_text(align="left", dx=14, fontSize=13).encode(y=alt.Y("i:O", axis=None), text="text:N")
    return alt.layer(swatch, text).properties(height=64, width=460)


def bar_chart(df: pd.DataFrame, *, label: str, count: str, total: int | None, title: str):
    """Horizontal bars of counts; rows without a count are not drawn (the table says 'keine Angabe')."""
    import altair as alt

    from sozialatlas.render import charts

    d = df[df[count].notna()].copy()
    d[count] = d[count].astype(int)
    order = list(d.sort_values(count, ascending=False, kind="mergesort")[label])
    x = alt.X(
        f"{count}:Q",
        title="Zahl der Strategien" + (f" (von {total})" if total else ""),
        axis=alt.Axis(format="d", tickMinStep=1, labelFontSize=13),
        scale=alt.Scale(domain=[0, total]) if total else alt.Undefined,
    )
    y = alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=520, labelFontSize=13))
    bars = (
        alt.Chart(d)
        .mark_bar(color=MIT_FARBE)
        .encode(
            x=x,
            y=y,
            tooltip=[alt.Tooltip(f"{label}:N", title="Bezeichnung"), alt.Tooltip(f"{count}:Q", title="Strategien")],
        )
    )
    text = alt.Chart(d).mark_text(align="left", dx=4, fontSize=13).encode(x=x, y=y, text=f"{count}:Q")
    # A step height (not a fixed one): every bar gets room for its label, however many goals there are.
    return charts.german(alt.layer(bars, text).properties(title=title, height=alt.Step(30)))
