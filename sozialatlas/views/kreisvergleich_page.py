"""What the Kreisvergleich page says and draws, as pure functions (no Streamlit, no data access).

app_pages/kreisvergleich.py reads the widgets (sozialatlas.ui.kreisvergleich) and draws; the texts, the
ranking picture and the view as a link are decided here, so they are tested without a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from sozialatlas.render import charts, classify, exports, formatting, palettes, svgbars
from sozialatlas.views import kreisvergleich as kv

KREIS = "kreis"  # session key and URL parameter of the selected Kreis (AGS)
LAYER = "kreise"  # layer id of the pydeck map (its selection names it)
TABLE_NOTE = "Rang 1 = höchster Wert; Kreise ohne Wert am Ende. ▶ = ausgewählter Kreis."


def title(ind: kv.Indicator, jahr: int, vorher: int | None, messgroesse: str) -> str:
    """'Schuldnerquote 2021' or 'Schuldnerquote 2021, Veränderung seit 2015'."""
    change = bool(vorher) and messgroesse == "veraenderung"
    return f"{ind.name} {jahr}" + (f", Veränderung seit {vorher}" if change else "")


def definition_caption(row: dict) -> str:
    """Definition and formula from the catalogue (as typed; the page escapes it)."""
    definition = str(row["definition"]) if isinstance(row.get("definition"), str) else ""
    formel = row.get("formel") if isinstance(row.get("formel"), str) and row.get("formel") else None
    return definition + (f" Formel: {formel}." if formel else "")


def land_metric(land: dict | None, ind: kv.Indicator, jahr: int) -> tuple[str, str, str]:
    """(label, value, help) of the Thüringen figure beside the table; help carries Stand and Quelle."""
    label = f"Thüringen {jahr}" + (" (Summe)" if ind.is_count else "")
    if land and land.get("status") == formatting.GESPERRT:
        return label, formatting.GESPERRT, f"{land['hinweis']}; Quelle: {land['quelle_titel']}"
    if land:
        return (
            label,
            formatting.wert_mit_einheit(land["wert"], ind.einheit, ind.dezimalen),
            f"Stand: {formatting.datum(land['stand'])}; Quelle: {land['quelle_titel']}",
        )
    return (
        label,
        formatting.KEINE_DATEN,
        "Für Thüringen insgesamt liegt für diesen Indikator und dieses Jahr kein Wert vor.",
    )


def table_caption(view: kv.View) -> str:
    return " ".join(t for t in (kv.status_note(view.vals[view.shown]), TABLE_NOTE) if t)


def map_caption(view: kv.View, interaktiv: bool) -> str:
    pick = (
        "Kreis anklicken zum Hervorheben, erneut anklicken zum Aufheben."
        if interaktiv
        else "Kreis über „Kreis hervorheben“ wählen; Klicken auf der Karte: „Interaktive Karte“ einschalten."
    )
    return f"Klassen: {classify.SCHEMES[view.classes.scheme]}. {pick}"


def map_label(titel: str) -> str:
    return f"Karte der Kreise: {titel}. Dieselben Werte stehen in der Tabelle."


def ranking_frame(view: kv.View) -> pd.DataFrame:
    """The shown Kreise with the measure as 'wert' (NaN = no bar)."""
    return view.vals[view.shown][["schluessel", "name", "messwert"]].rename(columns={"messwert": "wert"})


def ranking_summary(view: kv.View) -> str:
    """The ranking's text alternative with its key figures (WCAG 1.1.1)."""
    return charts.ranking_summary(
        ranking_frame(view)[["name", "wert"]],
        einheit=view.mess_einheit,
        dezimalen=view.mess_dezimalen,
        land_wert=view.reference,
    )


def bars(view: kv.View, clean: Callable[[str], str] = str) -> list[svgbars.Bar]:
    """One bar per shown Kreis in the map's colour; without a value: 'gesperrt' or 'keine Daten'.
    `clean` removes what must not reach the picture from a name (the ui passes plain.text)."""
    sub = view.vals[view.shown]
    out = []
    for key, name, wert, gesperrt in zip(sub["schluessel"], sub["name"], sub["messwert"], sub["messwert_gesperrt"]):
        missing = bool(gesperrt) or formatting.is_missing(wert)
        out.append(
            svgbars.Bar(
                str(key),
                clean(str(name)),
                None if missing else float(wert),
                view.fill.get(key, palettes.KEINE_DATEN_FARBE),
                formatting.GESPERRT if gesperrt else formatting.KEINE_DATEN,
            )
        )
    return out


def ranking_title(titel: str) -> str:
    return f"Rangfolge: {titel}"


def ranking_svg(view: kv.View, *, titel: str, selected: str | None, clean: Callable[[str], str] = str) -> str:
    """The ranking as a static SVG picture (render.svgbars): bars in the map colours, Thüringen line."""
    return svgbars.ranking_svg(
        bars(view, clean),
        title=clean(ranking_title(titel)),
        description=clean(ranking_summary(view)),
        einheit=view.mess_einheit,
        dezimalen=view.mess_dezimalen,
        reference=view.reference,
        selected=selected,
    )


def ranking_year(jahr: int, vorher: int | None, messgroesse: str):
    """The year (or span) the export chart's tooltip names."""
    return f"{vorher}–{jahr}" if vorher and messgroesse == "veraenderung" else jahr


def quelle_ids(vals: pd.DataFrame, land: dict | None, quelle: str | None) -> list[str]:
    ids = list(vals["quelle"].dropna().unique()) + ([land["quelle"]] if land else []) + [quelle]
    return [q for q in ids if isinstance(q, str) and q]


def basename(indikator: str, jahr: int, stand_url: str, vorher: int | None) -> str:
    """File name stem of every download of this view."""
    return exports.filename(
        "kreisvergleich", indikator, jahr, f"{stand_url}kreise", f"seit{vorher}" if vorher else None, ext="x"
    )[:-2]


def url_pairs(
    *,
    lebenslage: str,
    indikator: str,
    stand_url: str,
    jahr: int,
    vorher: int | None,
    messgroesse: str,
    kreistyp: str,
    selected: str | None,
) -> list[tuple[str, str | None]]:
    """The view as URL parameters (None = left out), in the order a shared link lists them."""
    return [
        ("lebenslage", lebenslage),
        ("indikator", indikator),
        ("gebietsstand", stand_url),
        ("jahr", str(jahr)),
        ("vergleich", str(vorher) if vorher else None),
        ("karte", messgroesse if vorher else None),
        ("kreistyp", kreistyp),
        (KREIS, selected),
    ]


def comparison_problem(wish: str | None, frueher: Sequence[int], ohne_vergleich: str | None) -> str | None:
    """The note when a link asks for a comparison year that is not possible here (break, GISD, no data)."""
    if not wish or wish in {str(j) for j in frueher}:
        return None
    return (
        f"Vergleichsjahr „{wish}“ aus dem Link ist hier nicht möglich"
        + (f": {ohne_vergleich}" if ohne_vergleich else ".")
        + " Gezeigt wird die Ansicht ohne Vergleichsjahr."
    )


def stand_problem(wish: str | None) -> str | None:
    if wish and wish not in kv.STAND_BY_URL:
        return (
            f"Gebietsstand „{wish}“ aus dem Link gibt es nicht (22 oder 23); gezeigt wird der Gebietsstand der Quelle."
        )
    return None
