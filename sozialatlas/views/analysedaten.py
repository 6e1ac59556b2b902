"""Protected inputs for the Sozialindex, the spatial statistics and the Planungsraum suggestion.

Every value comes from sozialatlas.protection (Kreise: `showable.values`, Gemeinden: `smallarea.values`):
a gesperrt cell arrives as NaN with its reason and stays NaN. The presets resolve their indicators from
the catalogue and say in German which are not (yet) available on a level — they never fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialatlas import domain
from sozialatlas.protection import showable, smallarea
from sozialatlas.store import indexdefinitionen, queries
from sozialatlas.views.sozialindex import SIGN, Input

EBENEN = ("gemeinde", "kreis")
GEBIETSSTAND = {"gemeinde": domain.GEMEINDEN_STAND, "kreis": domain.KREISE_AB}
KERNINDEX = "kernindex"
KERNINDEX_NAME = "Kernindex Armut"
# The Kernindex of the issue; ids as in data/indikatoren.csv (resolved at run time, missing ones named).
KERNINDEX_IDS = ("sgb2_quote", "kinderarmut_sgb2_u15", "arbeitslosenanteil", "mindestsicherungsquote")
KERNINDEX_LABELS = {
    "sgb2_quote": "SGB-II-Quote",
    "kinderarmut_sgb2_u15": "Kinderarmut",
    "arbeitslosenanteil": "Arbeitslosenanteil",
    "mindestsicherungsquote": "Mindestsicherungsquote",
}


@dataclass
class Level:
    """One indicator on one level and year, protected: one row per area."""

    table: pd.DataFrame  # schluessel, name, wert, gesperrt, sperrgrund, kreis, einwohner, stand, quelle
    indikator: dict


def level_values(con, indikator: str, ebene: str, jahr: int) -> Level:
    """Protected values of every area of the level (Gemeinden: all 631; Kreise: 22)."""
    ind = queries.indicator(con, indikator)
    if ebene == "gemeinde":
        v = smallarea.values(con, indikator, int(jahr), ebene="gemeinde")
        t = v[["schluessel", "name", "wert", "gesperrt", "sperrgrund", "kreis", "einwohner", "stand", "quelle"]].copy()
    elif ebene == "kreis":
        v = showable.values(con, indikator, "kreis", domain.KREISE_AB, int(jahr))
        gesperrt = v["status"].fillna("").eq("gesperrt")
        t = pd.DataFrame(
            {
                "schluessel": v["schluessel"],
                "name": v["name"],
                "wert": pd.to_numeric(v["wert"], errors="coerce").where(~gesperrt),
                "gesperrt": gesperrt,
                "sperrgrund": v["hinweis"].where(gesperrt, "").fillna(""),
                "kreis": v["schluessel"],
                "einwohner": np.nan,
                "stand": v["stand"],
                "quelle": v["quelle"],
            }
        )
    else:
        raise ValueError(f"Unbekannte Ebene {ebene!r} (erlaubt: Gemeinde, Kreis).")
    t["schluessel"] = t["schluessel"].astype(str)
    t["wert"] = pd.to_numeric(t["wert"], errors="coerce").astype(float)
    return Level(t.reset_index(drop=True), ind)


@dataclass
class Wide:
    werte: pd.DataFrame  # index schluessel, one column per id
    sperre: pd.DataFrame  # same shape, reason text or ""
    names: pd.Series
    kreis: pd.Series
    einwohner: pd.Series
    quellen: set = field(default_factory=set)
    staende: set = field(default_factory=set)


def wide(con, ids: list[str], ebene: str, jahr: int) -> Wide:
    werte, sperre = {}, {}
    names = kreis = einwohner = None
    quellen, staende = set(), set()
    for i in ids:
        lv = level_values(con, i, ebene, jahr).table.set_index("schluessel")
        werte[i] = lv["wert"]
        sperre[i] = lv["sperrgrund"].fillna("").astype(str).where(lv["gesperrt"].astype(bool), "")
        if names is None:
            names, kreis, einwohner = lv["name"], lv["kreis"], lv["einwohner"]
        quellen |= set(lv["quelle"].dropna())
        staende |= set(lv["stand"].dropna())
    return Wide(pd.DataFrame(werte), pd.DataFrame(sperre), names, kreis, einwohner, quellen, staende)


def years(con, indikator: str, ebene: str) -> list[int]:
    p = queries.periods(con, indikator, ebene)
    p = p[(p["gebietsstand"] == GEBIETSSTAND[ebene]) & (p["n_werte"] > 0)]
    return sorted({int(j) for j in p["jahr"]}, reverse=True)


def catalogue(con, ebene: str | None = None) -> pd.DataFrame:
    return queries.indicators(con, ebene)


def to_input(row: dict, gewicht: float = 1.0) -> Input:
    return Input(
        id=str(row["id"]),
        name=str(row["name"]),
        polaritaet=str(row.get("polaritaet") or "neutral"),
        gewicht=float(gewicht),
        einheit=str(row.get("einheit") or ""),
    )


@dataclass
class Preset:
    ids: list[str]
    hinweise: list[str]


def presets(con, ebene: str) -> dict[str, str]:
    """{preset id: German label}: the Kernindex and one per Lebenslage."""
    out = {KERNINDEX: KERNINDEX_NAME}
    for r in queries.lebenslagen(con).itertuples():
        out[f"lebenslage:{r.id}"] = f"Lebenslage {r.name}"
    return out


def resolve_preset(con, preset: str, ebene: str, jahr: int | None = None) -> Preset:
    """The indicator ids of a preset that exist on the level (in the year, if given), and German notes for
    the others — never an exception for a missing indicator."""
    cat = catalogue(con)
    on_level = set(catalogue(con, ebene)["id"])
    notes: list[str] = []
    if preset == KERNINDEX:
        wanted = list(KERNINDEX_IDS)
    elif preset.startswith("lebenslage:"):
        ll = preset.split(":", 1)[1]
        part = cat[(cat["lebenslage"] == ll) & cat["polaritaet"].isin(list(SIGN))]
        wanted = part["id"].tolist()
    else:
        return Preset([], [f"Die Vorlage „{preset}“ gibt es nicht."])
    names = dict(zip(cat["id"], cat["name"]))
    ok = []
    ebene_label = domain.EBENE_LABEL.get(ebene, ebene)
    for i in wanted:
        label = names.get(i, KERNINDEX_LABELS.get(i, i))
        if i not in names:
            notes.append(f"„{label}“ ist (noch) nicht im Indikatorenkatalog und fehlt in diesem Index.")
        elif i not in on_level:
            notes.append(f"„{label}“ liegt auf {ebene_label}ebene nicht vor und fehlt in diesem Index.")
        elif jahr is not None and int(jahr) not in years(con, i, ebene):
            notes.append(f"„{label}“ hat auf {ebene_label}ebene keinen Wert für {jahr} und fehlt in diesem Index.")
        else:
            ok.append(i)
    if preset.startswith("lebenslage:") and len(ok) > 8:
        notes.append(f"Die Vorlage nimmt die ersten 8 von {len(ok)} Indikatoren mit Wertungsrichtung.")
        ok = ok[:8]
    return Preset(ok, notes)


def breaks(con, ids: list[str]) -> dict[str, list[int]]:
    return indexdefinitionen.reihenbrueche(con, ids)
