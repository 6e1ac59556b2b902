"""The decisions of the Kreisprofil page, without Streamlit: its URL state, which Gebietsstand a link to a
Kreis opens on, what a bad link says, the text above the tables, one section per Lebenslage and the
sheet of the downloads.

`app_pages/kreisprofil.py` reads the state, asks these functions and draws (drawing: sozialatlas.ui.kreisprofil);
every branch lives here and is unit-tested (tests/test_kreisprofil_page.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.render import formatting
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views import profile, zeitreihen_page
from sozialatlas.views.pagestate import PageState

link_stand = zeitreihen_page.link_stand  # `gebietsstand=22|23` reads as on the Zeitreihen page

TITLE = "Kreisprofil"
CAPTION = (
    "Alle Indikatoren eines Kreises nach Lebenslagen: der neueste Wert mit Stand und Quelle, der "
    "Thüringen-Wert desselben Jahres, die Abweichung in Wertungsrichtung und der Rang unter den "
    f"Kreisen ({profile.RANG_HINWEIS}). Als Steckbrief zum Weitergeben herunterladbar."
)
STAND_HELP = "Bis 30.06.2021 war Eisenach kreisfrei; seit 01.07.2021 gehört es zum Wartburgkreis."
STECKBRIEF_HINWEIS = "Das Dokument ist in sich abgeschlossen (keine externen Inhalte) und druckfreundlich."


@dataclass(frozen=True)
class KreisprofilState(PageState):
    """`/kreisprofil?kreis=16053&gebietsstand=22` (the Kreisvergleich links here with `kreis`).

    The widget keys are the URL words; `gebietsstand` is "22"/"23" in the address."""

    kreis: str | None = None
    gebietsstand: str | None = None

    WHAT: ClassVar[dict[str, str]] = {"kreis": "Der Kreis", "gebietsstand": "Gebietsstand"}


def stand_for(kreis: str | None, stand: str | None, keys: Mapping[str, set[str]], stand_in_link: bool) -> str | None:
    """The Gebietsstand to show a Kreis on: Eisenach (only on 23 Kreise) switches to that Gebietsstand
    unless the link names one; otherwise `stand` stays (None: not chosen yet)."""
    if kreis in keys[stand or gebietsstand.AB] or stand_in_link:
        return stand
    if any(kreis in k for k in keys.values()):
        return gebietsstand.BIS
    return stand


def kreis_problem(wish: str | None, known: Iterable[str], shown_name: str) -> str | None:
    """A Kreis from the link the atlas does not have is named, with what is shown instead."""
    if not wish or wish in set(known):
        return None
    return f"Der Kreis „{wish}“ aus dem Link gibt es nicht; gezeigt wird „{shown_name}“."


def shown(kreis: str, stand: str) -> KreisprofilState:
    return KreisprofilState(kreis=kreis, gebietsstand=gebietsstand.URL_VALUE[stand])


# --- above the tables ------------------------------------------------------------------------------------


def has_gesperrt(rows: pd.DataFrame) -> bool:
    return bool(rows["status"].eq(formatting.GESPERRT).any() or rows["land_status"].eq(formatting.GESPERRT).any())


def coverage_text(rows: pd.DataFrame) -> str:
    """How many of the atlas's indicators have a value for the Kreis — the rest read „keine Daten“."""
    mit = int(rows["wert"].notna().sum())
    return (
        f"**{mit} von {len(rows)}** Indikatoren des Atlas haben einen Wert für diesen Kreis; "
        "die übrigen zeigen „keine Daten“" + (" oder „gesperrt“." if has_gesperrt(rows) else ".")
    )


def outline_title(name: str) -> str:
    return f"Lage von {name} in Thüringen"


def outline_alt(name: str) -> str:
    return f"Umrisskarte Thüringens, {name} hervorgehoben"


def outline_caption(name: str) -> str:
    return f"{name} (hervorgehoben) in Thüringen"


# --- one section per Lebenslage ------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """What the page shows for one Lebenslage. `needed`: no indicator at all (what data would be needed);
    `table`: the rows with a value (None: none has one); `ohne`: names without a value for this Kreis."""

    lebenslage: str
    name: str
    needed: str | None = None
    table: pd.DataFrame | None = None
    ohne: list[str] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)


def sections(rows: pd.DataFrame, lebenslagen: pd.DataFrame) -> list[Section]:
    """One section per Lebenslage in the atlas's order (membership from the data, never hard-coded)."""
    out = []
    for ll in lebenslagen.itertuples():
        grp = rows[rows["lebenslage"] == ll.id]
        if grp.empty:
            out.append(Section(ll.id, ll.name, needed=lebenslagen_view.needed_data(ll.id)))
            continue
        has = profile.with_value(grp)
        table = profile.display_table(grp[has]).set_index("Indikator") if has.any() else None
        hinweise = [f"{n}: {h}" for n, h in zip(grp["name"], grp["hinweis"]) if isinstance(h, str)]
        if grp["umgerechnet"].any():
            hinweise.insert(0, "* umgerechnet auf den gewählten Gebietsstand.")
        out.append(Section(ll.id, ll.name, table=table, ohne=grp.loc[~has, "name"].tolist(), hinweise=hinweise))
    return out


def no_value_text(kreis_name: str) -> str:
    return f"Für {kreis_name} liegt in dieser Lebenslage kein Wert vor (keine Daten)."


def ohne_text(kreis_name: str, names: list[str]) -> str:
    """Indicators other Kreise have (ThOnSA, Jena): named once, not as rows of „keine Daten“."""
    return f"Keine Daten für {kreis_name}: {', '.join(names)}."


def hinweise_label(name: str, n: int) -> str:
    return f"Hinweise zu {name} ({n})"


# --- downloads ---------------------------------------------------------------------------------------------


def cited_sources(rows: pd.DataFrame) -> list[str]:
    """Sources of the figures shown (a row without a value cites nothing)."""
    return sorted({q for q in rows.loc[rows["wert"].notna(), "quelle"].dropna()})


def basename(kreis: str, stand: str) -> str:
    return f"kreisprofil_{kreis}_{gebietsstand.URL_VALUE[stand]}_kreise"


def link(kreis: str, stand: str) -> str:
    """The page's address path, printed into the PDF."""
    return f"/kreisprofil?kreis={kreis}&gebietsstand={gebietsstand.URL_VALUE[stand]}"


def download_meta(kreis: str, kreis_name: str, stand: str, sources: pd.DataFrame, erstellt: str) -> dict[str, str]:
    return {
        "Kreis": f"{kreis_name} ({kreis})",
        "Gebietsstand": gebietsstand.LABEL[stand],
        "Quelle": "; ".join(f"{r.titel} ({r.herausgeber})" for r in sources.itertuples()),
        "Lizenz": "; ".join(f"{r.titel}: {r.lizenz}" for r in sources.itertuples()),
        "Stand": "je Indikator in der Spalte Stand",
        "Erstellt": erstellt,
    }
