"""Lebenslagen view: indicator cards per Lebenslage and the drill-down Kreis → Gemeinden.

A card answers the first questions a planner asks about an indicator: where does Thüringen stand
(newest value), how far apart are the Kreise (minimum–maximum with names), and where is it heading
(last five years, worded in the indicator's favourable/unfavourable direction).
"""

from __future__ import annotations

import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import kreisprivacy, showable, smallarea
from sozialatlas.render import formatting
from sozialatlas.store import queries
from sozialatlas.store import regions as stored_regions

TREND_JAHRE = 5

# Landtag turnout per Gemeinde counts only the votes cast at the polling stations: postal votes are
# counted per Kreis (Briefwahlbezirke), so most Gemeinden read far too low (median 8.6 points below
# their Kreis). Shown wherever Gemeinde values of it appear; the Gemeinderat turnout has no such gap.
BRIEFWAHL_INDIKATOREN = {"wahlbeteiligung_ltw"}
BRIEFWAHL_HINWEIS = (
    "Achtung: Die Wahlbeteiligung bei der Landtagswahl enthält auf Gemeindeebene die Briefwähler meist "
    "nicht (sie werden in Briefwahlbezirken je Kreis gezählt). Die Gemeindewerte liegen deshalb deutlich zu "
    "niedrig (im Median 8,6 Prozentpunkte unter dem Kreiswert) und sind nicht mit den Kreis- und "
    "Landeswerten vergleichbar. Besser geeignet: „Wahlbeteiligung bei der Gemeinderatswahl“."
)
BESSER_FUER_GEMEINDEN = {"wahlbeteiligung_ltw": "wahlbeteiligung_gemeinderat"}


def gemeinde_warning(indikator: str) -> str | None:
    """The warning that must stand beside (and in the legend of) any Gemeinde map or table of this indicator."""
    return BRIEFWAHL_HINWEIS if indikator in BRIEFWAHL_INDIKATOREN else None


# What the atlas would need for a Lebenslage that has no indicator yet; said on the page, so the gap is
# visible instead of the Lebenslage silently missing.
BENOETIGTE_DATEN = {
    "gesundheit": (
        "Für die Lebenslage Gesundheit enthält der Atlas noch keine Indikatoren. Benötigt würden zum Beispiel "
        "Ergebnisse der Schuleingangsuntersuchungen (Sprach- und Entwicklungsauffälligkeiten, Übergewicht; "
        "Gesundheitsämter bzw. Thüringer Landesverwaltungsamt), die Pflegestatistik (Pflegebedürftige je "
        "1.000 Einwohner; Thüringer Landesamt für Statistik), die Lebenserwartung und vorzeitige Sterblichkeit "
        "sowie die ärztliche Versorgung (Haus- und Kinderärzte je Einwohner; z. B. INKAR) – jeweils auf Kreis- "
        "oder Gemeindeebene mit Stand und Quelle."
    ),
}
DEFAULT_BENOETIGT = (
    "Für diese Lebenslage enthält der Atlas noch keine Indikatoren. Benötigt würden amtliche "
    "Kennzahlen auf Kreis- oder Gemeindeebene mit Stand und Quelle."
)


def needed_data(lebenslage: str) -> str:
    return BENOETIGTE_DATEN.get(lebenslage, DEFAULT_BENOETIGT)


def indicators_of(con, lebenslage: str) -> pd.DataFrame:
    inds = queries.indicators(con)
    return inds[inds["lebenslage"] == lebenslage].reset_index(drop=True)


def land_series(con, indikator: str) -> pd.DataFrame:
    """Thüringen values by year (jahr, wert, stand, quelle); years gesperrt by the Geheimhaltung are left out."""
    land = kreisprivacy.land_series(con, indikator)
    land = land[land["wert"].notna()]
    return land[["jahr", "wert", "stand", "quelle"]].assign(jahr=land["jahr"].astype(int)).reset_index(drop=True)


def trend(
    series: pd.DataFrame, polaritaet: str, *, einheit: str = "", dezimalen: int | None = None, jahre: int = TREND_JAHRE
) -> dict | None:
    """Change between the newest year and the earliest year at most `jahre` before it.

    Returns None if there are not two values within that window. 'richtung' is ↑, ↓ or →; 'wertung' says
    whether the change is günstig/ungünstig (or 'ohne Wertung' for neutral indicators).
    """
    s = series.dropna(subset=["wert"]).sort_values("jahr")
    if s.empty:
        return None
    last = s.iloc[-1]
    window = s[(s["jahr"] >= last["jahr"] - jahre) & (s["jahr"] < last["jahr"])]
    if window.empty:
        return None
    first = window.iloc[0]
    diff = float(last["wert"]) - float(first["wert"])
    gleich = round(diff, dezimalen if dezimalen is not None else 2) == 0
    if gleich:
        richtung, verb, wertung = "→", "unverändert", "ohne Veränderung"
    else:
        richtung, verb = ("↑", "gestiegen") if diff > 0 else ("↓", "gesunken")
        if polaritaet == "neutral":
            wertung = "ohne Wertung"
        else:
            besser = (diff > 0) == (polaritaet == "hoeher_besser")
            wertung = "günstige Entwicklung" if besser else "ungünstige Entwicklung"
    von = formatting.wert_mit_einheit(first["wert"], einheit, dezimalen)
    bis = formatting.wert_mit_einheit(last["wert"], einheit, dezimalen)
    text = f"{richtung} {verb} von {von} ({int(first['jahr'])}) auf {bis} ({int(last['jahr'])}): {wertung}"
    return {
        "richtung": richtung,
        "wertung": wertung,
        "text": text,
        "von_jahr": int(first["jahr"]),
        "bis_jahr": int(last["jahr"]),
        "differenz": diff,
    }


def kreis_spread(con, indikator: str) -> dict | None:
    """Minimum and maximum across the Kreise in the newest year with Kreis values (native Gebietsstand);
    gesperrt Kreise (Geheimhaltung) are counted in `n_gesperrt`, never in the range."""
    # only the two Kreis-Gebietsstände with a map (LoKoSR rows of 2015 describe the Kreis before 2019)
    newest = queries.newest_kreis_period(con, indikator, gebietsstand.STAENDE)
    if newest is None:
        return None
    jahr, stand = newest
    vals = showable.values(con, indikator, "kreis", stand, jahr)
    has = vals[vals["wert"].notna()]
    n_gesperrt = int(vals["status"].eq(formatting.GESPERRT).sum())
    staende = sorted({s for s in vals["stand"] if isinstance(s, str)})
    out = {
        "jahr": jahr,
        "gebietsstand": stand,
        "n": len(has),
        "n_kreise": len(vals),
        "n_gesperrt": n_gesperrt,
        "min_wert": None,
        "min_name": None,
        "max_wert": None,
        "max_name": None,
        "stand": " / ".join(staende),
        "quelle_titel": next(iter(vals["quelle_titel"].dropna()), None),
    }
    if not has.empty:
        lo, hi = has.loc[has["wert"].idxmin()], has.loc[has["wert"].idxmax()]
        out.update(
            min_wert=float(lo["wert"]),
            min_name=lo["name"],
            max_wert=float(hi["wert"]),
            max_name=hi["name"],
            quelle_titel=hi["quelle_titel"],
        )
    return out


def card(con, ind: dict) -> dict:
    """Everything one indicator card shows (numbers unformatted; the page formats them)."""
    dez = (
        None if formatting.is_missing(ind.get("dezimalen")) or ind.get("dezimalen") is pd.NA else int(ind["dezimalen"])
    )
    land = land_series(con, ind["id"])
    latest = land.iloc[-1] if not land.empty else None
    brueche = queries.brueche(con, ind["id"])
    bruch_jahre = [int(j) for j in brueche["jahr"]]
    # The sparkline and the trend never span a series break: they start at the newest break.
    seit = since_break(land, bruch_jahre)
    return {
        "id": ind["id"],
        "name": ind["name"],
        "einheit": ind["einheit"] or "",
        "dezimalen": dez,
        "polaritaet": ind["polaritaet"] or "neutral",
        "definition": ind["definition"] or "",
        "quelle": ind["quelle"],
        "quelle_titel": ind["quelle_titel"],
        "lizenz": ind["lizenz"],
        "land_jahr": int(latest["jahr"]) if latest is not None else None,
        "land_wert": float(latest["wert"]) if latest is not None else None,
        "land_stand": latest["stand"] if latest is not None else None,
        "land_reihe": seit[["jahr", "wert"]],
        "spread": kreis_spread(con, ind["id"]),
        "trend": trend(seit, ind["polaritaet"] or "neutral", einheit=ind["einheit"] or "", dezimalen=dez),
        "ebenen": levels(con, ind["id"]),
        "brueche": bruch_jahre,
        "bruch_text": break_text(land, bruch_jahre, brueche),
    }


def since_break(series: pd.DataFrame, brueche: list[int]) -> pd.DataFrame:
    """The part of a yearly series from its newest break on (values before are not comparable)."""
    if series.empty or not brueche:
        return series
    last = int(series["jahr"].max())
    cut = [b for b in brueche if b <= last]
    return series[series["jahr"] >= max(cut)].reset_index(drop=True) if cut else series


def break_text(series: pd.DataFrame, bruch_jahre: list[int], brueche: pd.DataFrame) -> str | None:
    """'Reihenbruch 2016: … Kurve und Entwicklung ab 2016.' when a break falls inside the series."""
    if series.empty:
        return None
    first, last = int(series["jahr"].min()), int(series["jahr"].max())
    inside = [b for b in bruch_jahre if first < b <= last]
    if not inside:
        return None
    b = max(inside)
    hinweis = brueche.loc[brueche["jahr"].astype(int) == b, "hinweis"].dropna()
    why = f" {hinweis.iloc[0].strip()}" if not hinweis.empty else ""
    return f"Reihenbruch {b}:{why} Kurve und Entwicklung deshalb erst ab {b}."


def levels(con, indikator: str) -> list[str]:
    return queries.observation_levels(con, indikator)


def gemeinde_years(con, indikator: str) -> list[int]:
    return queries.value_years(con, indikator, "gemeinde")


def gemeinden(con, indikator: str, kreis: str, stand: str, jahr: int) -> pd.DataFrame:
    """The Gemeinden of one Kreis (of Kreis-Gebietsstand `stand`) with their values; missing stays NaN,
    gesperrt ones (Geheimhaltung, decided for all Gemeinden by sozialatlas.protection.smallarea) have status
    'gesperrt' and the reason in `hinweis`."""
    keys = stored_regions.gemeinde_keys(con, kreis, stand)
    vals = showable.values(con, indikator, "gemeinde", smallarea.LEVELS["gemeinde"], int(jahr))
    cols = [
        "schluessel",
        "name",
        "bez",
        "wert",
        "zaehler",
        "nenner",
        "status",
        "stand",
        "hinweis",
        "quelle",
        "quelle_titel",
        "lizenz",
    ]
    out = vals[vals["schluessel"].isin(keys)][cols]
    return out.sort_values("name", kind="mergesort").reset_index(drop=True)
