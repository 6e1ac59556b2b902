"""The decisions of the Lebenslagen page, without Streamlit: its URL state, what one indicator card says
(metric, trend, spread between the Kreise, Stand and Quelle), which indicator the drill-down opens on and
the texts of the Kreis and Gemeinde tables.

Texts that mix Markdown with data take `esc` (sozialatlas.ui.plain.md on the page): every data-derived part
goes through it, the Markdown of the atlas does not. `app_pages/lebenslagen.py` reads the state, asks these
functions and draws (drawing: sozialatlas.ui.lebenslagen); unit tests: tests/test_lebenslagen_page.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.render import formatting
from sozialatlas.views import kreisvergleich, profile
from sozialatlas.views.pagestate import PageState

Esc = Callable[[str], str]

TITLE = "Lebenslagen"
CAPTION = (
    "Die sieben Lebenslagen der Thüringer Armutsprävention. Je Indikator: der neueste Thüringen-Wert, "
    "die Spanne zwischen den Kreisen und die Entwicklung der letzten fünf Jahre – vertiefen Sie bis "
    "zu den Gemeinden eines Kreises."
)
DRILL_DOWN = "Vertiefen: Kreise und Gemeinden"
NO_KREIS_VALUES = "Für keinen Indikator dieser Lebenslage liegen Kreiswerte vor."
NO_GEMEINDEN = "Für diesen Kreis sind keine Gemeinden hinterlegt."
# Streamlit colours the delta of st.metric; the polarity says whether up is good.
DELTA_COLOR = {"hoeher_besser": "normal", "hoeher_schlechter": "inverse", "neutral": "off"}


@dataclass(frozen=True)
class LebenslagenState(PageState):
    """`/lebenslagen?lebenslage=oekonomie&indikator=arbeitslosenanteil&kreis=16063` (keys = URL words)."""

    lebenslage: str | None = None
    indikator: str | None = None
    kreis: str | None = None

    WHAT: ClassVar[dict[str, str]] = {"lebenslage": "Lebenslage", "indikator": "Indikator", "kreis": "Kreis"}


def _ident(s: str) -> str:
    return s


# --- one indicator card --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """The arguments of st.metric for one card."""

    label: str
    value: str
    delta: str | None
    delta_color: str
    delta_arrow: str
    chart_data: list[float] | None
    help: str


def metric(c: Mapping[str, Any], esc: Esc = _ident) -> Metric:
    """The newest Thüringen value (or „keine Daten“), its change over the trend years, the sparkline."""
    trend = c["trend"]
    if c["land_wert"] is not None:
        value = formatting.wert_mit_einheit(c["land_wert"], c["einheit"], c["dezimalen"])
        label = f"{esc(c['name'])} – Thüringen {c['land_jahr']}"
    else:
        value, label = formatting.KEINE_DATEN, f"{esc(c['name'])} – Thüringen"
    delta = None
    if trend:
        diff = formatting.zahl(abs(trend["differenz"]), c["dezimalen"])
        # ASCII '-': Streamlit reads the sign from the text for the arrow and the colour
        sign = "+" if trend["differenz"] > 0 else ("-" if trend["differenz"] < 0 else "±")
        delta = f"{sign}{diff} {profile.einheit_diff(c['einheit'])} seit {trend['von_jahr']}".replace("  ", " ")
    reihe = c["land_reihe"]["wert"].tolist()
    return Metric(
        label=label,
        value=value,
        delta=delta,
        delta_color=DELTA_COLOR.get(c["polaritaet"], "off"),
        delta_arrow="auto" if trend and trend["richtung"] != "→" else "off",
        chart_data=reihe if len(reihe) >= 3 else None,
        help=esc(c["definition"]),
    )


def spread_line(c: Mapping[str, Any], esc: Esc = _ident) -> str:
    """The range between the Kreise (gesperrt ones left out and counted), or where the data are instead."""
    sp = c["spread"]
    if not sp:
        ebenen = formatting.ebenen_text(c["ebenen"]) or "keine"
        return f"**Kreise:** keine Daten (vorhanden auf Ebene: {esc(ebenen)})"
    von = formatting.wert_mit_einheit(sp["min_wert"], c["einheit"], c["dezimalen"])
    bis = formatting.wert_mit_einheit(sp["max_wert"], c["einheit"], c["dezimalen"])
    gesperrt = f"; {sp['n_gesperrt']} gesperrt (Geheimhaltung)" if sp["n_gesperrt"] else ""
    if sp["n"] > 1:
        return (
            f"**Kreise {sp['jahr']}:** {esc(von)} ({esc(sp['min_name'])}) bis {esc(bis)} "
            f"({esc(sp['max_name'])}); {sp['n']} von {sp['n_kreise']} Kreisen mit Wert{gesperrt}"
        )
    if sp["n"] == 1:
        return f"**Kreise {sp['jahr']}:** nur {esc(sp['min_name'])} mit Wert ({esc(von)}){gesperrt}"
    return f"**Kreise {sp['jahr']}:** kein Kreis mit Wert{gesperrt}"


def card_lines(c: Mapping[str, Any], esc: Esc = _ident) -> list[str]:
    """The Markdown lines under the metric: series break, Entwicklung, Kreise, Stand and Quelle."""
    lines = []
    if c.get("bruch_text"):
        lines.append(f"**{esc(c['bruch_text'])}**")
    if c["trend"]:
        lines.append(f"**Entwicklung:** {esc(c['trend']['text'])}")
    elif c["land_wert"] is not None:
        lines.append("**Entwicklung:** zu wenige Thüringen-Werte in den letzten fünf Jahren.")
    else:
        lines.append("**Thüringen:** keine Daten.")
    lines.append(spread_line(c, esc))
    sp = c["spread"]
    stand = formatting.datum(c["land_stand"]) if c["land_stand"] else (sp["stand"] if sp else "–")
    lines.append(f"Stand: {esc(stand or '–')} · Quelle: {esc(c['quelle_titel'] or '–')}")
    return lines


# --- drill-down: indicator → Kreis → Gemeinden -----------------------------------------------------------------


def drill_down_cards(cards: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Only indicators with Kreis values can be drilled into."""
    return [c for c in cards if c["spread"]]


def default_indicator(completeness: pd.DataFrame, lebenslage: str, offered: Sequence[str]) -> str | None:
    """A complete, current indicator (all Kreise and Thüringen), not the alphabetically first; which
    indicators belong to the Lebenslage comes from the data."""
    return kreisvergleich.default_indicator(completeness, lebenslage, list(offered))


def kreis_heading(name: str, jahr: int, esc: Esc = _ident) -> str:
    return f"{esc(name)}: Kreise {jahr}"


def kreis_caption(sp: Mapping[str, Any], esc: Esc = _ident) -> str:
    """Gebietsstand, Stand (one date per source) and Quelle of the Kreis table."""
    stand_text = " / ".join(formatting.datum(x) for x in (sp["stand"] or "–").split(" / "))
    return f"{gebietsstand.LABEL[sp['gebietsstand']]} · Stand: {esc(stand_text)} · Quelle: {esc(sp['quelle_titel'])}"


def gesperrt_text(vals: pd.DataFrame, rules_text: str) -> str | None:
    """Which Kreise are gesperrt and why, then the rules (None: none is)."""
    gesperrt = vals[vals["status"].eq(formatting.GESPERRT)]
    if gesperrt.empty:
        return None
    return " ".join([f"{n}: {h}." for n, h in zip(gesperrt["name"], gesperrt["hinweis"])] + [rules_text])


def links(indikator: str, kreis: str, stand: str) -> dict[str, dict[str, str]]:
    """Query parameters of the links to the Kreisprofil and the Zeitreihe of the chosen Kreis."""
    url_stand = gebietsstand.URL_VALUE[stand]
    return {
        "kreisprofil": {"kreis": kreis, "gebietsstand": url_stand},
        "zeitreihen": {"indikator": indikator, "gebietsstand": url_stand, "kreise": kreis},
    }


def no_gemeinde_level_text(name: str, ebenen: Sequence[str], esc: Esc = _ident) -> str:
    return (
        f"„{esc(name)}“ liegt nicht auf Gemeindeebene vor (vorhanden auf Ebene: "
        f"{formatting.ebenen_text(ebenen)}). Für die Gemeinden gibt es daher keine Daten."
    )


def gemeinde_caption(gem: pd.DataFrame, jahr: int, stand_text: str, esc: Esc = _ident) -> str:
    """How many Gemeinden, how many with a value, Stand and Quelle."""
    n_mit = int(gem["wert"].notna().sum())
    quellen = ", ".join(sorted(gem["quelle_titel"].dropna().unique())) or "–"
    return (
        f"{len(gem)} Gemeinden (Gebietsstand 31.12.2021), {n_mit} mit Wert für {jahr}. "
        f"Stand: {esc(stand_text)} · Quelle: {esc(quellen)}"
    )


def gemeinde_hinweise(gem: pd.DataFrame) -> list[str]:
    return sorted({formatting.nutzer_hinweis(h) for h in gem["hinweis"]} - {""})


def shown(lebenslage: str, indikator: str | None = None, kreis: str | None = None) -> LebenslagenState:
    """The view in the address (a Lebenslage without Kreis values drops `indikator` and `kreis`)."""
    return LebenslagenState(lebenslage=lebenslage, indikator=indikator, kreis=kreis)
