"""The decisions of the Zeitreihen page, without Streamlit: its URL state, which indicator, Gebietsstand and
Kreise a link (or a new Lebenslage) opens on, the texts above and below the chart, and the download sheet.

`app_pages/zeitreihen.py` reads the state, asks these functions and draws (drawing: sozialatlas.ui.zeitreihen);
every branch lives here and is unit-tested (tests/test_zeitreihen_page.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.render import formatting
from sozialatlas.views import kreisvergleich, timeseries
from sozialatlas.views.pagestate import PageState, Resolved

TITLE = "Zeitreihen"
CAPTION = (
    "Ein Indikator über alle verfügbaren Jahre für ausgewählte Kreise, mit Thüringen als gestrichelter "
    "Linie. Werte, die nur auf dem anderen Gebietsstand vorliegen, werden umgerechnet, wo das "
    "rechnerisch zulässig ist, und sind markiert."
)
DEFAULT_KREISE = ["16051", "16053", "16063", "16065"]  # Erfurt, Jena, Wartburgkreis, Kyffhäuserkreis
DEFAULT_INDIKATOR = "arbeitslosenanteil"  # a long series with a Thüringen line
ALLE = "alle"  # `kreise=alle`: every Kreis of the Gebietsstand
UMGERECHNET_HINWEIS = (
    "\\* umgerechnet auf den gewählten Gebietsstand (Summe der Teile; Anteile aus summierten "
    "Zählern und Nennern neu berechnet); im Diagramm als offene Raute gezeichnet."
)


@dataclass(frozen=True)
class ZeitreihenState(PageState):
    """`/zeitreihen?indikator=arbeitslosenanteil&gebietsstand=22&kreise=16051,16053` (`kreise=alle`: all).

    The widget keys are the URL words (`indikator`, `gebietsstand`, `kreise`); the values are the text of
    the address: `gebietsstand` "22"/"23", `kreise` comma-separated (see link_stand, link_kreise)."""

    indikator: str | None = None
    gebietsstand: str | None = None
    kreise: str | None = None

    WHAT: ClassVar[dict[str, str]] = {"indikator": "Indikator", "gebietsstand": "Gebietsstand", "kreise": "Kreise"}


# --- what the page opens on --------------------------------------------------------------------------------


def link_indicator(wish: str | None, ind_lebenslage: Mapping[str, str], ind_name: Mapping[str, str]) -> Resolved:
    """The indicator a link asks for, else the default (None: neither is offered at Kreis level)."""
    chosen = wish if wish in ind_lebenslage else DEFAULT_INDIKATOR
    value = chosen if chosen in ind_lebenslage else None
    if not wish or wish in ind_lebenslage:
        return Resolved(value)
    return Resolved(
        value,
        f"Indikator „{wish}“ aus dem Link gibt es (nicht mehr) auf Kreisebene; gezeigt wird "
        f"„{ind_name.get(DEFAULT_INDIKATOR, DEFAULT_INDIKATOR)}“.",
    )


def indicator_in(lebenslage: str, current: str | None, offered: Sequence[str], completeness: pd.DataFrame):
    """Keep the indicator while it belongs to the Lebenslage; a new Lebenslage opens on its complete,
    current indicator (kreisvergleich.default_indicator), not the alphabetically first."""
    offered = list(offered)
    if current in offered:
        return current
    return kreisvergleich.default_indicator(completeness, lebenslage, offered)


def link_stand(wish: str | None) -> Resolved:
    """`gebietsstand=22|23` (or a Gebietsstand id) → the id; anything else: None and a German sentence."""
    if wish is None or wish == "":
        return Resolved(None)
    try:
        return Resolved(gebietsstand.from_url(wish))
    except KeyError:
        return Resolved(None, f"Gebietsstand „{wish}“ aus dem Link gibt es nicht (22 oder 23).")


def default_stand(native: Sequence[str]) -> str:
    """The Gebietsstand the indicator is published on (the current one first)."""
    return native[0] if native else gebietsstand.AB


def stand_help(native: Iterable[str]) -> str:
    return "Veröffentlicht auf: " + ", ".join(gebietsstand.LABEL[s] for s in native)


def link_kreise(raw: str | None, kreis_name: Mapping[str, str], stand: str) -> Resolved:
    """`kreise=16051,16053` or `kreise=alle` → the Kreise offered on this Gebietsstand (None: take the
    default); unknown ones are named, never silently dropped."""
    wanted = [k.strip() for k in (raw or "").split(",") if k.strip()]
    if not wanted:
        return Resolved(None)
    if wanted == [ALLE]:
        return Resolved(list(kreis_name))
    known = list(dict.fromkeys(k for k in wanted if k in kreis_name))
    unknown = [k for k in wanted if k not in kreis_name]
    problem = None
    if unknown:
        problem = (
            f"Kreis{'e' if len(unknown) > 1 else ''} „{', '.join(unknown)}“ aus dem Link gibt es auf dem "
            f"Gebietsstand „{gebietsstand.LABEL[stand]}“ nicht; "
            + ("gezeigt werden die übrigen." if len(unknown) < len(wanted) else "gezeigt wird die Standardauswahl.")
        )
    return Resolved(known or None, problem)


def default_kreise(kreis_name: Mapping[str, str]) -> list[str]:
    return [k for k in DEFAULT_KREISE if k in kreis_name]


def still_offered(kreise: Iterable[str], kreis_name: Mapping[str, str]) -> list[str]:
    """After a Gebietsstand change, Eisenach may no longer exist."""
    return [k for k in kreise if k in kreis_name]


def kreise_help(n_offered: int) -> str:
    return (
        f"Bis zu {timeseries.MAX_LINIEN} Kreise als Linien in einem Diagramm; mehr (bis alle "
        f"{n_offered}) als kleine Diagramme je Kreis, jeweils mit Thüringen."
    )


def shown(indikator: str, stand: str, kreise: Sequence[str], n_offered: int) -> ZeitreihenState:
    """The view as it goes into the address: all Kreise of the Gebietsstand are written as `alle`."""
    alle = bool(kreise) and len(kreise) == n_offered
    return ZeitreihenState(
        indikator=indikator,
        gebietsstand=gebietsstand.URL_VALUE[stand],
        kreise=ALLE if alle else (",".join(kreise) or None),
    )


# --- texts around the figure -------------------------------------------------------------------------------


def dezimalen(ind: Mapping[str, Any]) -> int | None:
    return None if formatting.is_missing(ind["dezimalen"]) else int(ind["dezimalen"])


def heading(name: str, stand: str) -> str:
    return f"{name} – {gebietsstand.LABEL[stand]}"


def definition_caption(ind: Mapping[str, Any]) -> str:
    formel = ind.get("formel")
    return (ind["definition"] or "") + (f" Formel: {formel}." if isinstance(formel, str) and formel else "")


def chart_title(name: str, einheit: str) -> str:
    return f"{name} ({einheit})" if einheit else name


def has_values(long: pd.DataFrame) -> bool:
    return not long.empty and long["wert"].notna().sum() > 0


def no_data_text(long: pd.DataFrame, stand: str) -> str:
    """Why there is no chart: no values at all, or only gesperrt ones (never a 0)."""
    alle_gesperrt = not long.empty and long["status"].eq(formatting.GESPERRT).any()
    return f"Für diese Auswahl liegen keine Daten vor ({gebietsstand.LABEL[stand]})" + (
        "; vorhandene Werte sind gesperrt (Geheimhaltung)." if alle_gesperrt else "."
    )


def chart_captions(long: pd.DataFrame, n_kreise: int) -> list[str]:
    """What the chart does not say by itself: small multiples, missing Thüringen or Kreis values, one year."""
    out = []
    if n_kreise > timeseries.MAX_LINIEN:
        out.append(
            f"{n_kreise} Kreise: je Kreis ein kleines Diagramm (blau) mit Thüringen (schwarz gestrichelt), "
            f"alle mit derselben Achse. Bis zu {timeseries.MAX_LINIEN} Kreise erscheinen als Linien in einem "
            "Diagramm."
        )
    is_land = long["schluessel"] == timeseries.LAND
    if long.loc[is_land, "wert"].notna().sum() == 0:
        out.append("Für Thüringen insgesamt liegt für diesen Indikator kein Wert vor (keine Daten).")
    if n_kreise and long.loc[~is_land, "wert"].notna().sum() == 0:
        out.append("Für die gewählten Kreise liegen keine Daten vor.")
    if long["jahr"].nunique() == 1:
        out.append(f"Dieser Indikator liegt nur für ein Jahr vor ({int(long['jahr'].iloc[0])}).")
    return out


def gesperrt_caption(long: pd.DataFrame, rules_text: str) -> str | None:
    """Which cells are gesperrt and why (the chart has no point there); None: none is."""
    gesperrt = long[long["status"].eq(formatting.GESPERRT)]
    if gesperrt.empty:
        return None
    return f"Gesperrt: {'; '.join(sorted(set(gesperrt['hinweis'].dropna())))}. {rules_text}"


# --- downloads -----------------------------------------------------------------------------------------------


def basename(indikator: str, stand: str) -> str:
    return f"zeitreihe_{indikator}_{gebietsstand.URL_VALUE[stand]}_kreise"


def download_meta(
    ind: Mapping[str, Any],
    stand: str,
    kreis_names: Sequence[str],
    long: pd.DataFrame,
    notes: Sequence[str],
    break_notes: Sequence[str],
    stand_text: str,
    heute: str,
) -> dict[str, str]:
    """The Quellen sheet of the CSV/XLSX: what, where, from whom, under which licence, as of when."""
    return {
        "Indikator": ind["name"],
        "Definition": ind["definition"] or "",
        "Einheit": ind["einheit"] or "",
        "Gebietsstand": gebietsstand.LABEL[stand],
        "Kreise": ", ".join(kreis_names),
        "Quelle": "; ".join(sorted(set(long["quelle_titel"].dropna()))),
        "Lizenz": "; ".join(sorted(set(long["lizenz"].dropna()))),
        "Stand": stand_text,
        "Hinweise": " ".join([*notes, *break_notes]),
        "Erstellt": formatting.datum(heute),
    }


def herkunft(meta: Mapping[str, str], break_notes: Sequence[str]) -> list[str]:
    """The lines the exported figure carries wherever it goes: Quelle, Lizenz, Stand, up to two breaks."""
    return [
        f"Quelle: {meta['Quelle']}; Lizenz: {meta['Lizenz']}",
        f"Stand der Daten: {meta['Stand']}",
        *break_notes[:2],
    ]
