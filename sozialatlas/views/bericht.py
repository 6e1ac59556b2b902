"""Kreisprofil as a PDF report: the profile rows (views.profile, protected), a trend per indicator
(views.timeseries, protected), the outline map, sources and methods — assembled into the plain data the
Typst template prints (render.pdf). Pure: a DuckDB connection in, a dict / PDF bytes out.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy, smallarea
from sozialatlas.render import formatting, pdf
from sozialatlas.store import queries, regions
from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views import monitoring as monitoring_view
from sozialatlas.views import profile
from sozialatlas.views.kreisvergleich import Indicator

METHODEN = [
    "Je Indikator steht der neueste Wert des Kreises mit Stand und Quelle, daneben der Thüringen-Wert "
    "desselben Jahres, die Abweichung in Wertungsrichtung (günstiger/ungünstiger; neutrale Indikatoren: "
    "über/unter) und der Rang unter den Kreisen mit Wert (" + profile.RANG_HINWEIS + ").",
    "Der Trend zeigt alle Jahre des Indikators für diesen Kreis auf dem gewählten Gebietsstand; Lücken "
    "(Jahre ohne Wert oder nicht umrechenbar) unterbrechen die Linie, der Punkt markiert den neuesten Wert.",
    "Fehlende Werte heißen „keine Daten“, nie 0. Aus Gründen der Geheimhaltung zurückgehaltene Werte heißen "
    "„gesperrt“. Mit * markierte Werte sind auf den Gebietsstand umgerechnet (Eisenach/Wartburgkreis, "
    "Gebietsreform 01.07.2021); wo das rechnerisch nicht zulässig ist, fehlt der Wert mit Begründung.",
]


def _text(v) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


def kreis_series(reihen: monitoring_view.Reihen, indikator: str, schluessel: str) -> dict[int, float | None]:
    """{jahr: protected value or None} of one Kreis on the Reihen's Gebietsstand (as the Zeitreihen page
    shows it; years that cannot be carried onto that Gebietsstand are missing)."""
    return reihen.series(indikator, schluessel)[0]


def trend(reihen: monitoring_view.Reihen, indikator: str, schluessel: str) -> tuple[str | None, str]:
    """(sparkline SVG or None, its text alternative) of the Kreis's series."""
    series = kreis_series(reihen, indikator, schluessel)
    if not series:
        return None, formatting.KEINE_DATEN
    jahre = list(series)
    werte = list(series.values())
    svg = pdf.sparkline_svg(werte)
    mit = [j for j, w in zip(jahre, werte) if w is not None]
    if not svg:
        return None, f"nur {mit[0]}" if mit else formatting.KEINE_DATEN
    return svg, f"Verlauf {mit[0]}–{mit[-1]} ({len(mit)} Jahre mit Wert)"


def kreis_report_data(
    con,
    schluessel: str,
    stand: str,
    *,
    erstellt: str,
    geo_attribution: str,
    url: str | None = None,
    monitoring: list[dict] | None = None,
    with_trend: bool = True,
    with_monitoring: bool = False,
    reihen: monitoring_view.Reihen | None = None,
) -> dict:
    """The data of templates/kreisprofil.typ. Trends and Monitoring read one loader (`reihen`; pass a
    kept one to reuse the protected series of earlier reports — they do not depend on the Kreis)."""
    kreis = regions.region_row(con, "kreis", schluessel, stand)
    if kreis is None:
        raise KeyError(f"Kreis {schluessel} gibt es auf dem Gebietsstand {stand} nicht.")
    name, bez, geom = kreis["name"], kreis["bez"], kreis["geom"]
    land_wkb = regions.land_geom(con)
    rows = profile.profile(con, schluessel, stand)
    lls = queries.lebenslagen(con)
    stand_label = {"ab-2021-07-01": "22 Kreise (ab 01.07.2021)", "bis-2021-06-30": "23 Kreise (bis 30.06.2021)"}
    if (with_trend or with_monitoring) and (reihen is None or reihen.stand != stand):
        reihen = monitoring_view.Reihen.load(con, stand, list(queries.indicators(con, "kreis")["id"]))
    if with_monitoring and reihen is not None:
        monitoring = monitoring_view.report_rows(monitoring_view.monitoring(con, schluessel, stand, reihen=reihen))
    sections = []
    for ll in lls.itertuples():
        grp = rows[rows["lebenslage"] == ll.id]
        zeilen = []
        for r in grp.itertuples():
            # Numbers without their (often long) unit in the narrow columns; the unit stands under the name.
            wert = formatting.zahl_oder_status(r.wert, r.status, r.dezimalen) + (" *" if r.umgerechnet else "")
            land_text = formatting.zahl_oder_status(r.land_wert, r.land_status, r.dezimalen)
            stand_text = profile._jahr_stand(r.jahr, r.stand)
            spark, spark_alt = (None, "–")
            if with_trend and reihen is not None:
                spark, spark_alt = trend(reihen, r.indikator, schluessel)
            zeilen.append(
                {
                    "name": r.name,
                    "einheit": f"Einheit: {r.einheit}" if _text(r.einheit) else None,
                    "wert": wert,
                    "land": land_text,
                    "vergleich": r.vergleich,
                    "rang": profile.rang_text(r.rang, r.n_kreise),
                    "quelle": f"Quelle: {_text(r.quelle_titel) or '–'}; Lizenz: {_text(r.lizenz) or '–'}; "
                    f"Stand: {stand_text}",
                    "hinweis": _text(r.hinweis),
                    "trend": spark,
                    "trend_alt": spark_alt,
                }
            )
        sections.append({"name": ll.name, "zeilen": zeilen, "leer": lebenslagen_view.needed_data(ll.id)})
    quellen_ids = sorted({q for q in rows.loc[rows["wert"].notna(), "quelle"].dropna()})
    src = queries.sources(con, quellen_ids)
    quellen = [
        f"{s.titel} ({s.herausgeber}); Lizenz: {s.lizenz}; Stand: {formatting.datum(str(s.stand))}"
        for s in src.itertuples()
    ] + [geo_attribution]
    gesperrt = bool(rows["status"].eq(formatting.GESPERRT).any() or rows["land_status"].eq(formatting.GESPERRT).any())
    mit = int(rows["wert"].notna().sum())
    umriss = profile.outline_svg(geom, land_wkb, title=f"Lage von {name} in Thüringen") if land_wkb and geom else None
    return {
        "titel": f"Kreisprofil {name}",
        "untertitel": f"{bez or ''} · Schlüssel {schluessel} · Gebietsstand: {stand_label.get(stand, stand)}",
        "einleitung": [
            f"{mit} von {len(rows)} Indikatoren des Sozialatlas Thüringen haben einen Wert für {name}; "
            "die übrigen zeigen „keine Daten“" + (" oder „gesperrt“." if gesperrt else "."),
            "Ein Abschnitt je Lebenslage: Wert, Thüringen-Vergleich, Rang unter den Kreisen und Trend, "
            "zu jeder Zahl Quelle, Lizenz und Stand. Methoden und Quellen im Anhang.",
        ],
        "geheimhaltung": privacy.rules().beschreibung() if gesperrt else None,
        "umriss": umriss,
        "umriss_alt": f"{name} (hervorgehoben) in Thüringen",
        "erstellt": f"Sozialatlas Thüringen · erstellt am {erstellt}",
        "fusszeile": f"Kreisprofil {name} · Sozialatlas Thüringen · {erstellt}",
        "lebenslagen": sections,
        "monitoring": monitoring or [],
        "methoden": METHODEN,
        "quellen": quellen,
        "url": url,
        "_kreis": name,
    }


def kreis_report_pdf(con, schluessel: str, stand: str, **kw) -> bytes:
    return pdf.compile_report("kreisprofil", kreis_report_data(con, schluessel, stand, **kw))


# --- Gemeindeprofil -----------------------------------------------------------------------------------------

GEMEINDE_STAND = smallarea.LEVELS["gemeinde"]
GEMEINDE_METHODEN = [
    "Je Indikator steht der neueste Wert der Gemeinde (Gebietsstand 31.12.2021) mit Stand und Quelle, "
    "daneben der veröffentlichte Wert ihres Kreises und Thüringens im selben Jahr und die Abweichung von "
    "Thüringen in Wertungsrichtung (günstiger/ungünstiger; neutrale Indikatoren: über/unter; Anzahlen als "
    "Anteil am Thüringen-Wert).",
    "Gemeindewerte durchlaufen die Geheimhaltung des Sozialatlas: Werte mit zu kleiner Fallzahl oder aus "
    "Gemeinden mit zu wenigen Einwohnern heißen „gesperrt“ (auch wenn sie sich sonst aus Kreis- oder "
    "Nachbarwerten zurückrechnen ließen); sie erscheinen nie als Zahl.",
    "Fehlende Werte heißen „keine Daten“, nie 0. Indikatoren ohne Wert für diese Gemeinde sind im Abschnitt "
    "ihrer Lebenslage mit Namen genannt.",
]


def gemeinde_report_data(
    con,
    schluessel: str,
    *,
    erstellt: str,
    geo_attribution: str,
    url: str | None = None,
    values_of: Callable[[str, int], pd.DataFrame] | None = None,
) -> dict:
    """The Gemeindeprofil for the template gemeindeprofil.typ. Every value comes from
    protection.smallarea.values (or `values_of(indikator, jahr)`, the ui's cached copy of exactly that), so
    a withheld value reads „gesperrt“ and never becomes a number."""
    gem = regions.region_row(con, "gemeinde", schluessel, GEMEINDE_STAND)
    if gem is None:
        raise KeyError(f"Gemeinde {schluessel} gibt es auf dem Gebietsstand 31.12.2021 nicht.")
    name, bez, geom, kreis = gem["name"], gem["bez"], gem["geom"], gem["kreis_ab"]
    kreis_info = regions.region_row(con, "kreis", kreis, gebietsstand.AB)
    kreis_row = (kreis_info["name"], kreis_info["geom"]) if kreis_info else None
    kreis_name = kreis_row[0] if kreis_row else str(kreis)
    values_of = values_of or (lambda i, j: smallarea.values(con, i, int(j), ebene="gemeinde"))
    inds = queries.indicators(con, "gemeinde")
    lls = queries.lebenslagen(con)
    by_ll: dict[str, list[dict]] = {}
    ohne: dict[str, list[str]] = {}
    quellen_ids: set[str] = set()
    gesperrt_any = False
    n_mit = 0
    for cat in inds.to_dict("records"):
        ind = Indicator.from_row(cat)
        per = queries.periods(con, cat["id"], "gemeinde")
        jahr = kr.newest_year(per)
        row = None
        if jahr is not None:
            vals = values_of(cat["id"], jahr)
            mine = vals[vals["schluessel"] == schluessel]
            row = mine.iloc[0].to_dict() if len(mine) else None
        gesperrt = bool(row and row.get("gesperrt"))
        wert = None if row is None or gesperrt else row.get("wert")
        if row is None or (not gesperrt and formatting.is_missing(wert)):
            ohne.setdefault(cat["lebenslage"], []).append(cat["name"])
            continue
        n_mit += 1
        gesperrt_any |= gesperrt
        if isinstance(row.get("quelle"), str):
            quellen_ids.add(row["quelle"])
        stand_text = formatting.datum(row["stand"]) if isinstance(row.get("stand"), str) else str(jahr)
        hinweis = str(row.get("sperrgrund") or "") if gesperrt else kr._short_hint(row.get("hinweis"))
        by_ll.setdefault(cat["lebenslage"], []).append(
            {
                "name": f"{cat['name']} ({jahr})",
                "einheit": f"Einheit: {ind.einheit}" if ind.einheit else None,
                # numbers without their unit in the narrow column; the unit stands under the name
                "wert": formatting.GESPERRT if gesperrt else formatting.zahl(wert, ind.dezimalen),
                "kreis": formatting.zahl_oder_status(row.get("kreis_wert"), None, ind.dezimalen),
                "land": formatting.zahl_oder_status(row.get("land_wert"), None, ind.dezimalen),
                "vergleich": formatting.GESPERRT
                if gesperrt
                else profile.vergleich(
                    wert, row.get("land_wert"), ind.polaritaet, ind.einheit, ind.dezimalen, ind.aggregation
                ),
                "quelle": f"Quelle: {_text(row.get('quelle_titel')) or _text(cat.get('quelle_titel')) or '–'}; "
                f"Lizenz: {_text(row.get('lizenz')) or _text(cat.get('lizenz')) or '–'}; Stand: {stand_text}",
                "hinweis": _text(hinweis),
            }
        )
    sections = []
    for ll in lls.itertuples():
        zeilen = by_ll.get(ll.id, [])
        missing = ohne.get(ll.id, [])
        leer = lebenslagen_view.needed_data(ll.id) if not zeilen and not missing else ""
        if missing:
            leer = (leer + " " if leer else "") + "Keine Daten für diese Gemeinde: " + ", ".join(missing) + "."
        sections.append({"name": ll.name, "zeilen": zeilen, "leer": leer.strip()})
    src = queries.sources(con, sorted(quellen_ids))
    quellen = [
        f"{q.titel} ({q.herausgeber}); Lizenz: {q.lizenz}; Stand: {formatting.datum(str(q.stand))}"
        for q in src.itertuples()
    ] + [geo_attribution]
    umriss = (
        profile.outline_svg(geom, kreis_row[1], title=f"Lage von {name} im Kreis {kreis_name}")
        if kreis_row and geom
        else None
    )
    return {
        "titel": f"Gemeindeprofil {name}",
        "untertitel": f"{bez or 'Gemeinde'} im Kreis {kreis_name} · Schlüssel {schluessel} · Gebietsstand 31.12.2021",
        "einleitung": [
            f"{n_mit} von {len(inds)} Indikatoren des Sozialatlas Thüringen für Gemeinden haben einen Wert für "
            f"{name}" + (" oder sind aus Gründen der Geheimhaltung „gesperrt“." if gesperrt_any else "."),
            "Ein Abschnitt je Lebenslage: Wert der Gemeinde, ihres Kreises und Thüringens im selben Jahr, "
            "Vergleich mit Thüringen, zu jeder Zahl Quelle, Lizenz und Stand. Methoden und Quellen im Anhang.",
        ],
        "geheimhaltung": privacy.rules().beschreibung() if gesperrt_any else None,
        "umriss": umriss,
        "umriss_alt": f"{name} (hervorgehoben) im Kreis {kreis_name}",
        "erstellt": f"Sozialatlas Thüringen · erstellt am {erstellt}",
        "fusszeile": f"Gemeindeprofil {name} · Sozialatlas Thüringen · {erstellt}",
        "lebenslagen": sections,
        "monitoring": [],
        "methoden": GEMEINDE_METHODEN,
        "quellen": quellen,
        "url": url,
    }


def gemeinde_report_pdf(con, schluessel: str, **kw) -> bytes:
    return pdf.compile_report("gemeindeprofil", gemeinde_report_data(con, schluessel, **kw))


def frame_or_empty(df) -> pd.DataFrame:
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()
