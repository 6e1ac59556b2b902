"""The decisions of the Kleinräumig page, without Streamlit: its URL state, which Kreise, indicator and
Gliederung it offers and preselects, what it says above the map, and the sources sheet of the downloads.

`app_pages/kleinraeumig.py` reads the state, asks these functions and draws; every branch lives here and
is unit-tested (tests/test_kleinraeumig_page.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from sozialatlas.render import exports
from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views.kreisvergleich import Indicator
from sozialatlas.views.pagestate import PageState

# Preselected indicator per level (each has values there in the committed data).
DEFAULT_INDICATOR = {
    "gemeinde": "arbeitslosenanteil",
    "planungsraum": "arbeitslosenanteil",
    "gemeindeverband": "gisd_score",
    "stadtbezirk": "anteil_einpersonenhaushalte",
}
THUERINGEN_LABEL = "Thüringen (alle Kreise)"
JENA_HINWEIS = (
    "Jena ist eine Gemeinde; kleinräumiger zeigt sie die Ebene „Jena: statistische Bezirke“ "
    "(41 Bezirke, Haushalte 2006–2016)."
)
GEHEIMHALTUNG_META = (
    "Geheimhaltung: „gesperrt“ = kleine Fallzahl oder zu wenige Einwohner; "
    "der Wert wird nicht gezeigt und lässt sich nicht zurückrechnen."
)


@dataclass(frozen=True)
class KleinraeumigState(PageState):
    """`/kleinraeumig?ebene=gemeinde&kreis=16073&indikator=arbeitslosenanteil&jahr=2021&definition=1&gebiet=…`
    (the class options `klassen`, `k`, `grenzen`, `farben` belong to sozialatlas.ui.mapcontrols)."""

    ebene: str | None = None
    kreis: str | None = None
    indikator: str | None = None
    jahr: int | None = None
    definition: int | None = None
    gebiet: str | None = None

    WHAT: ClassVar[dict[str, str]] = {
        "ebene": "Die Ebene",
        "kreis": "Der Kreis",
        "indikator": "Der Indikator",
        "jahr": "Das Jahr",
        "definition": "Die Planungsraum-Gliederung",
        "gebiet": "Das Gebiet",
    }
    INTS: ClassVar[frozenset[str]] = frozenset({"jahr", "definition"})
    # Session keys carry the prefix kr_: the Kreisvergleich uses the same URL words for other widgets.
    KEYS: ClassVar[dict[str, str]] = {p: f"kr_{p}" for p in WHAT}


def kreis_options(ebene: str, kreise: Iterable[str]) -> list[str]:
    """Planungsräume exist per Kreis only; the other levels can also show all of Thüringen."""
    return ([] if ebene == "planungsraum" else [kr.THUERINGEN]) + list(kreise)


def default_kreis(ebene: str, options: list[str], with_definitions: Iterable[str]) -> str | None:
    """Planungsräume: the first Kreis that has a Gliederung (else the first Kreis); else all Thüringen."""
    if ebene == "planungsraum":
        have = set(with_definitions)
        return next((k for k in options if k in have), options[0] if options else None)
    return kr.THUERINGEN


def kreis_label(kreise: Mapping[str, str]):
    return lambda k: THUERINGEN_LABEL if k == kr.THUERINGEN else kreise.get(k, k)


def definition_labels(defs: pd.DataFrame) -> dict[int, str]:
    """Gliederung id → name, the example marked as such."""
    return {int(r.id): str(r.name) + (" (Beispiel)" if r.beispiel else "") for r in defs.itertuples()}


def no_definition_text(kreis_name: str) -> str:
    return (
        f"Für {kreis_name} ist noch keine Planungsraum-Gliederung gespeichert. Gliederungen legen "
        "Verwaltende auf der Seite „Planungsräume verwalten“ an."
    )


def not_aggregatable_values(keys: Iterable[str], n_gemeinden: Iterable | None = None) -> pd.DataFrame:
    """Rows for a Gliederung whose indicator cannot be summed (an index): every area 'nicht aggregierbar'."""
    keys = list(keys)
    df = pd.DataFrame(
        {
            "planungsraum": keys,
            "wert": float("nan"),
            "gesperrt": False,
            "sperrgrund": "",
            "hinweis": kr.NICHT_AGGREGIERBAR,
            "kreis_wert": float("nan"),
            "land_wert": float("nan"),
        }
    )
    if n_gemeinden is not None:
        df.insert(5, "n_gemeinden", list(n_gemeinden))
    return df


def title(ind: Indicator, jahr: int, plural: str, ort: str) -> str:
    return f"{ind.name} {jahr} — {plural}, {ort}"


def definition_caption(row: Mapping) -> str:
    formel = kr.text(row.get("formel"))
    return kr.text(row.get("definition")) + (f" Formel: {formel}." if formel else "")


@dataclass(frozen=True)
class Notice:
    kind: str  # "info", "caption" or "warning" — the Streamlit element the page uses
    text: str
    from_data: bool = False  # contains data text: escape before rendering


def notices(rows: kr.Rows, *, ebene: str, kreis: str, plural: str, refusal: str | None) -> list[Notice]:
    """What the page says above the map, in order."""
    out = []
    if kreis == kr.JENA and ebene == "gemeinde":
        out.append(Notice("info", JENA_HINWEIS))
    if ebene == "planungsraum":
        out.append(Notice("caption", kr.AGGREGATION_TEXT))
    if refusal:
        out.append(Notice("warning", f"{kr.NICHT_AGGREGIERBAR.capitalize()}: {refusal}", from_data=True))
    n_briefwahl = sum(kr.BRIEFWAHL in g for g in rows.grund)
    if n_briefwahl:
        out.append(
            Notice(
                "info",
                f"Bei {n_briefwahl} {plural} fehlen (alle) Briefwähler, weil ihre Briefwahl in einem "
                "gemeindeübergreifenden Briefwahlbezirk ausgezählt wurde: dort ist die Wahlbeteiligung zu niedrig "
                "ausgewiesen (Hinweis in Tabelle und Karte); vollständig ist sie erst auf Kreisebene.",
            )
        )
    n_um = sum(s == "umgerechnet" for s in rows.status)
    if n_um:
        out.append(
            Notice(
                "caption",
                f"„umgerechnet“ ({n_um} {plural}): Werte von Gemeinden, die es am Stichtag in dieser Form noch "
                "nicht gab, sind aus ihren damaligen Teilen auf den Gebietsstand 31.12.2021 summiert.",
            )
        )
    return out


def planungsraum_profile(rows: kr.Rows, gebiet: str, members: pd.DataFrame, ind: Indicator, jahr: int) -> list[str]:
    """The two lines of a Planungsraum's profile: its value (or why none) and its Gemeinden."""
    m = members[members["planungsraum"] == gebiet]
    i = rows.keys.index(gebiet)
    line = f"{ind.name} {jahr}: {kr.value_text(rows.wert[i], bool(rows.gesperrt[i]), ind)}"
    if rows.grund[i]:
        line += f" ({rows.grund[i]})"
    return [line, f"Gemeinden ({len(m)}): " + ", ".join(m["gemeinde"].fillna(m["ags"]))]


def quelle_ids(vals: pd.DataFrame, indicator_source) -> list[str]:
    """Every source behind the values (imports may mix sources) plus the indicator's own."""
    ids = {q for q in vals.get("quelle", []) if isinstance(q, str) and q}
    if isinstance(indicator_source, str) and indicator_source:
        ids.add(indicator_source)
    return sorted(ids)


def sources_meta(quellen: pd.DataFrame, geo_attribution: str) -> pd.DataFrame:
    """The 'Quellen' sheet of the downloads: each source, the boundaries, and the Geheimhaltung rule."""
    return exports.sources_sheet(quellen, geo_attribution, GEHEIMHALTUNG_META)


def licences(quellen: pd.DataFrame) -> str:
    return "; ".join(sorted({lz for lz in quellen["lizenz"] if isinstance(lz, str)}))
