"""Kreisprofil (Steckbrief): every indicator of one Kreis, grouped by Lebenslage, against Thüringen.

`profile` collects the figures (pure, a DuckDB connection in, pandas out); `html_document` turns them into a
self-contained HTML file a planner can hand out or print (no external resources, all text escaped).
"""

from __future__ import annotations

import html
import math

import pandas as pd
import shapely

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy
from sozialatlas.render import formatting, tables
from sozialatlas.store import queries
from sozialatlas.store import regions as stored_regions

RANG_HINWEIS = "Rang 1 = höchster Wert unter den Kreisen mit Wert"
# How much older a complete year (all Kreise and Thüringen) may be than the Kreis's newest value to be
# shown instead: a rank "von 22" with a Thüringen comparison beats "7 von 20" of one year later, not a
# Landtag election five years earlier.
COMPLETE_WITHIN_YEARS = 2


def kreise(con, stand: str) -> pd.DataFrame:
    return stored_regions.kreise_by_name(con, stand)


def stand_for(con, schluessel: str) -> str | None:
    """The Kreis-Gebietsstand a key belongs to when only one has it (Eisenach 16056: bis 30.06.2021)."""
    staende = stored_regions.kreis_staende_of(con, schluessel)
    if not staende:
        return None
    return gebietsstand.AB if gebietsstand.AB in staende else staende[0]


def _esc(value) -> str:
    """HTML-escaped text; a missing field (None/NaN from an imported source) is an empty string."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return html.escape(str(value))


def einheit_diff(einheit: str | None) -> str:
    """The unit of a difference: percentages differ by Prozentpunkte."""
    e = (einheit or "").strip()
    if e.lower() in ("prozent", "%"):
        return "Prozentpunkte"
    if e.lower().startswith("prozent "):
        return "Prozentpunkte" + e[len("prozent") :]
    return e


def vergleich(
    wert, land, polaritaet: str | None, einheit: str | None, dezimalen: int | None, aggregation: str | None = None
) -> str:
    """'ungünstiger als Thüringen (+1,20 Prozentpunkte)'; neutral indicators say über/unter.

    A count (aggregation 'summe') is compared as its share of the Land total: a Kreis always has fewer
    inhabitants than Thüringen, so 'unter Thüringen' would say nothing.
    """
    if formatting.is_missing(wert):
        return formatting.KEINE_DATEN
    if formatting.is_missing(land):
        return "kein Vergleich (kein Thüringen-Wert für dieses Jahr)"
    if aggregation == "summe":
        if float(land) == 0:
            return "kein Vergleich (Thüringen-Wert 0)"
        return f"{formatting.zahl(float(wert) / float(land) * 100, 1)} % des Thüringen-Werts"
    diff = float(wert) - float(land)
    if dezimalen is not None and round(diff, int(dezimalen)) == 0:
        return "gleich Thüringen"
    betrag = formatting.wert_mit_einheit(abs(diff), einheit_diff(einheit), dezimalen)
    zeichen = "+" if diff > 0 else "−"
    if polaritaet == "hoeher_besser":
        wort = "günstiger als Thüringen" if diff > 0 else "ungünstiger als Thüringen"
    elif polaritaet == "hoeher_schlechter":
        wort = "ungünstiger als Thüringen" if diff > 0 else "günstiger als Thüringen"
    else:
        wort = "über Thüringen" if diff > 0 else "unter Thüringen"
    return f"{wort} ({zeichen}{betrag})"


def _dezimalen(x) -> int | None:
    return None if formatting.is_missing(x) or x is pd.NA else int(x)


def _candidate_years(kv: gebietsstand.KreisValues, indikator: str, schluessel: str, stand: str) -> list[int]:
    """Years to try, newest first; years that can never give this Kreis a value are skipped."""
    years = kv.years(indikator)
    if stand == gebietsstand.BIS and schluessel in (gebietsstand.EISENACH, gebietsstand.WARTBURGKREIS):
        years = [j for j in years if gebietsstand.BIS in kv.staende(indikator, j)]  # a merged Kreis cannot be split
    return years


def _latest(kv: gebietsstand.KreisValues, indikator: str, schluessel: str, stand: str):
    """(year, the Kreis row, all Kreis values, note) of the newest year with a value for the Kreis — or
    with a gesperrt one: then the profile says 'gesperrt' instead of falling back to an older year."""
    reasons = []
    newest = None
    for jahr in _candidate_years(kv, indikator, schluessel, stand):
        if newest is not None and jahr < newest[0] - COMPLETE_WITHIN_YEARS:
            break
        try:
            vals, note = kv.values_on(indikator, jahr, stand, partial=True)
        except gebietsstand.NotConvertible as exc:
            reasons.append(str(exc))
            continue
        mine = vals[vals["schluessel"] == schluessel]
        if mine.empty:
            continue
        if not formatting.is_missing(mine.iloc[0]["wert"]) or mine.iloc[0]["status"] == formatting.GESPERRT:
            found = (jahr, mine.iloc[0], vals, note)
            if mine.iloc[0]["status"] == formatting.GESPERRT:
                return found if newest is None else newest
            # A year in which every Kreis and Thüringen have a value ranks "of 22" and compares with
            # Thüringen; it is preferred over a newer, partial year (e.g. 2023 with 20 Kreise) if close.
            complete = bool(vals["wert"].notna().all()) and _land_value(kv, indikator, jahr) is not None
            if complete:
                return found
            if newest is None:
                newest = found
            continue
        if isinstance(mine.iloc[0]["hinweis"], str):
            reasons.append(mine.iloc[0]["hinweis"])
    if newest is not None:
        return newest
    if not reasons and stand == gebietsstand.BIS and schluessel in (gebietsstand.EISENACH, gebietsstand.WARTBURGKREIS):
        if any(gebietsstand.AB in kv.staende(indikator, j) for j in kv.years(indikator)):
            reasons.append(gebietsstand.HINWEIS_NICHT_TEILBAR)
    return None, None, None, (reasons[0] if reasons else None)


def _land_value(kv: gebietsstand.KreisValues, indikator: str, jahr: int) -> dict | None:
    """The Thüringen observation of that year with a value or gesperrt (Geheimhaltung applied), else None."""
    land = kv.land(indikator, jahr)
    land = land[land["wert"].notna() | land["status"].eq(formatting.GESPERRT)]
    return land.iloc[0].to_dict() if len(land) else None


def profile(con, schluessel: str, stand: str) -> pd.DataFrame:
    """One row per indicator published for Kreise: the Kreis's newest value, Thüringen, comparison, rank."""
    inds = queries.indicators(con, "kreis")
    kv = gebietsstand.KreisValues(con, list(inds["id"]))
    rows = []
    for ind in inds.to_dict("records"):
        dez = _dezimalen(ind["dezimalen"])
        jahr, mine, vals, note = _latest(kv, ind["id"], schluessel, stand)
        row = {
            "lebenslage": ind["lebenslage"],
            "lebenslage_name": ind["lebenslage_name"],
            "lebenslage_reihenfolge": ind["lebenslage_reihenfolge"],
            "indikator": ind["id"],
            "name": ind["name"],
            "einheit": ind["einheit"] or "",
            "dezimalen": dez,
            "polaritaet": ind["polaritaet"] or "neutral",
            "definition": ind["definition"] or "",
            "jahr": jahr,
            "wert": math.nan,
            "stand": None,
            "status": None,
            "hinweis": note,
            "quelle": ind["quelle"],
            "quelle_titel": ind["quelle_titel"],
            "lizenz": ind["lizenz"],
            "land_wert": math.nan,
            "land_stand": None,
            "land_quelle": None,
            "land_status": None,
            "rang": None,
            "n_kreise": 0,
            "umgerechnet": False,
            "aggregation": ind["aggregation"],
        }
        if mine is not None:
            ranks = tables.rank_desc(vals["wert"])
            rank = ranks[vals["schluessel"] == schluessel].iloc[0]
            text = lambda v, fallback: v if isinstance(v, str) and v else fallback  # noqa: E731
            row.update(
                wert=float(mine["wert"]),
                stand=mine["stand"],
                status=mine["status"],
                hinweis=text(mine["hinweis"], None),
                quelle=text(mine["quelle"], ind["quelle"]),
                quelle_titel=text(mine["quelle_titel"], ind["quelle_titel"]),
                lizenz=text(mine["lizenz"], ind["lizenz"]),
                rang=None if pd.isna(rank) else int(rank),
                n_kreise=int(vals["wert"].notna().sum()),
                umgerechnet=mine["status"] == "umgerechnet",
            )
            land = _land_value(kv, ind["id"], int(jahr))
            if land:
                row.update(
                    land_wert=float(land["wert"]),
                    land_stand=land["stand"],
                    land_quelle=land["quelle"],
                    land_status=land["status"],
                )
        row["hinweis"] = formatting.nutzer_hinweis(row["hinweis"]) or None  # no internal ETL notes
        if row["status"] == formatting.GESPERRT:
            row["vergleich"] = formatting.GESPERRT
        elif row["land_status"] == formatting.GESPERRT:
            row["vergleich"] = "kein Vergleich (Thüringen-Wert gesperrt)"
        else:
            row["vergleich"] = vergleich(
                row["wert"], row["land_wert"], row["polaritaet"], row["einheit"], dez, ind["aggregation"]
            )
        rows.append(row)
    return pd.DataFrame(rows)


def display_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The profile rows of one Lebenslage as a person reads them (German numbers, 'keine Daten')."""
    return pd.DataFrame(
        {
            "Indikator": rows["name"].to_numpy(),
            "Wert": [
                formatting.wert_oder_status(w, s, e, d) + (" *" if u else "")
                for w, s, e, d, u in zip(
                    rows["wert"], rows["status"], rows["einheit"], rows["dezimalen"], rows["umgerechnet"]
                )
            ],
            "Jahr (Stand)": [_jahr_stand(j, s) for j, s in zip(rows["jahr"], rows["stand"])],
            "Thüringen": [
                formatting.wert_oder_status(w, s, e, d)
                for w, s, e, d in zip(rows["land_wert"], rows["land_status"], rows["einheit"], rows["dezimalen"])
            ],
            "Vergleich mit Thüringen": rows["vergleich"].to_numpy(),
            "Rang": [rang_text(r, n) for r, n in zip(rows["rang"], rows["n_kreise"])],
            "Quelle": [q if isinstance(q, str) else "–" for q in rows["quelle_titel"]],
        }
    )


def download_table(rows: pd.DataFrame) -> pd.DataFrame:
    """All profile rows with raw numbers for CSV/XLSX (a missing value is an empty cell, never 0)."""
    return pd.DataFrame(
        {
            "Lebenslage": rows["lebenslage_name"],
            "Indikator": rows["name"],
            "Einheit": rows["einheit"],
            "Jahr": rows["jahr"].astype("Int64"),
            "Wert": rows["wert"],
            "Status": [
                tables.STATUS_TEXT.get(x, "keine Daten") if isinstance(x, str) else "keine Daten"
                for x in rows["status"]
            ],
            "Stand": [formatting.datum(x) if isinstance(x, str) else "" for x in rows["stand"]],
            "Thüringen": rows["land_wert"],
            "Vergleich mit Thüringen": rows["vergleich"],
            "Rang (1 = höchster Wert)": [
                None if r is None or formatting.is_missing(r) else int(r) for r in rows["rang"]
            ],
            "Kreise mit Wert": rows["n_kreise"],
            "Quelle": [x if isinstance(x, str) else "" for x in rows["quelle_titel"]],
            "Lizenz": [x if isinstance(x, str) else "" for x in rows["lizenz"]],
            "Hinweis": [formatting.nutzer_hinweis(x) for x in rows["hinweis"]],
        }
    )


def with_value(rows: pd.DataFrame) -> pd.Series:
    """Rows the Kreis has a figure for (a value or 'gesperrt'); the others are listed by name only."""
    return rows["wert"].notna() | rows["status"].eq(formatting.GESPERRT)


def rang_text(rang, n) -> str:
    if rang is None or formatting.is_missing(rang):
        return "–"
    return f"{int(rang)} von {int(n)}"


def _jahr_stand(jahr, stand) -> str:
    """'2019 (Jahresdurchschnitt)' stays as it is; a bare date gets its year in front only if it lacks it."""
    if jahr is None or formatting.is_missing(jahr):
        return "–"
    if not isinstance(stand, str) or not stand.strip():
        return str(int(jahr))
    text = formatting.datum(stand)
    return text if str(int(jahr)) in text else f"{int(jahr)} ({text})"


# --- map outline --------------------------------------------------------------------------------------------


def outline_svg(kreis_wkb: bytes, land_wkb: bytes, *, width: int = 260, title: str = "") -> str:
    """Thüringen with the Kreis highlighted, as inline SVG (no external resources)."""
    land = shapely.from_wkb(bytes(land_wkb)).simplify(0.003)
    kreis = shapely.from_wkb(bytes(kreis_wkb)).simplify(0.002)
    minx, miny, maxx, maxy = land.bounds
    kx = math.cos(math.radians((miny + maxy) / 2))  # equirectangular: shrink longitudes at 51° N
    scale = width / ((maxx - minx) * kx)
    height = round((maxy - miny) * scale)

    def path(geom) -> str:
        polys = getattr(geom, "geoms", [geom])
        out = []
        for poly in polys:
            for ring in [poly.exterior, *poly.interiors]:
                pts = [f"{(x - minx) * kx * scale:.1f},{(maxy - y) * scale:.1f}" for x, y in ring.coords]
                out.append("M" + "L".join(pts) + "Z")
        return "".join(out)

    t = html.escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{t}"><title>{t}</title>'
        f'<path d="{path(land)}" fill="#f0f0f0" stroke="#555" stroke-width="1" fill-rule="evenodd"/>'
        f'<path d="{path(kreis)}" fill="#d95f0e" stroke="#000" stroke-width="1.5" fill-rule="evenodd"/>'
        "</svg>"
    )


# --- HTML document ------------------------------------------------------------------------------------------

CSS = """
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 2rem auto;
       max-width: 60rem; line-height: 1.4; font-size: 11pt; }
h1 { font-size: 20pt; margin: 0 0 .2rem; } h2 { font-size: 14pt; margin: 1.6rem 0 .4rem;
     border-bottom: 2px solid #333; } .kopf { display: flex; gap: 2rem; align-items: flex-start; }
.kopf svg { flex: none; } p.klein, .klein { font-size: 9pt; color: #333; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; }
th, td { border: 1px solid #999; padding: .25rem .4rem; vertical-align: top; text-align: left; }
th { background: #eee; } td.zahl { text-align: right; white-space: nowrap; }
.quelle { font-size: 8.5pt; color: #333; font-weight: normal; } .leer { color: #555; font-style: italic; }
section { break-inside: avoid-page; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } @page { size: A4; margin: 15mm; }
               h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def html_document(
    rows: pd.DataFrame,
    *,
    kreis_name: str,
    kreis_bez: str,
    stand_label: str,
    lebenslagen: pd.DataFrame,
    sources: pd.DataFrame,
    erstellt: str,
    geo_attribution: str,
    svg: str = "",
    atlas_url: str = "",
) -> str:
    """A printable Steckbrief: self-contained, every text escaped, Quelle/Stand/Lizenz at every figure."""
    e = _esc
    parts = [
        "<!DOCTYPE html>",
        '<html lang="de"><head><meta charset="utf-8">',
        f"<title>Kreisprofil {e(kreis_name)} – Sozialatlas Thüringen</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>{CSS}</style></head><body>",
        f'<div class="kopf"><div><h1>Kreisprofil {e(kreis_name)}</h1>',
        f"<p>{e(kreis_bez or '')} · Gebietsstand: {e(stand_label)}</p>",
        f'<p class="klein">Sozialatlas Thüringen · erstellt am {e(erstellt)}. Je Indikator der neueste Wert '
        "des Kreises mit Stand und Quelle, der Thüringen-Wert desselben Jahres, die Abweichung in "
        f"Wertungsrichtung und der Rang unter den Kreisen ({e(RANG_HINWEIS)}). Fehlende Werte heißen "
        "„keine Daten“, nie 0; aus Gründen der Geheimhaltung zurückgehaltene Werte heißen „gesperrt“. "
        "Mit * markierte Werte sind auf den Gebietsstand umgerechnet.</p></div>",
        svg,
        "</div>",
    ]
    if rows["status"].eq(formatting.GESPERRT).any() or rows["land_status"].eq(formatting.GESPERRT).any():
        parts.append(f'<p class="klein">{e(privacy.rules().beschreibung())}</p>')
    for ll in lebenslagen.itertuples():
        grp = rows[rows["lebenslage"] == ll.id]
        parts.append(f"<section><h2>{e(ll.name)}</h2>")
        if grp.empty:
            parts.append(
                '<p class="leer">Für diese Lebenslage enthält der Atlas noch keine Indikatoren auf '
                "Kreisebene (keine Daten).</p></section>"
            )
            continue
        parts.append(
            '<table><thead><tr><th scope="col">Indikator</th><th scope="col">Wert</th>'
            '<th scope="col">Thüringen</th><th scope="col">Vergleich mit Thüringen</th>'
            '<th scope="col">Rang</th></tr></thead><tbody>'
        )
        for r in grp.itertuples():
            wert = formatting.wert_oder_status(r.wert, r.status, r.einheit, r.dezimalen) + (
                " *" if r.umgerechnet else ""
            )
            land = formatting.wert_oder_status(r.land_wert, r.land_status, r.einheit, r.dezimalen)
            stand = _jahr_stand(r.jahr, r.stand)
            quelle = f"Quelle: {r.quelle_titel or '–'}; Lizenz: {r.lizenz or '–'}; Stand: {stand}"
            hinweis = f'<br><span class="quelle">{e(r.hinweis)}</span>' if isinstance(r.hinweis, str) else ""
            land_stand = (
                f'<br><span class="quelle">Stand: {e(formatting.datum(r.land_stand))}</span>'
                if isinstance(r.land_stand, str)
                else ""
            )
            parts.append(
                f'<tr><th scope="row">{e(r.name)}<br><span class="quelle">{e(quelle)}</span>{hinweis}</th>'
                f'<td class="zahl">{e(wert)}</td><td class="zahl">{e(land)}{land_stand}</td>'
                f'<td>{e(r.vergleich)}</td><td class="zahl">{e(rang_text(r.rang, r.n_kreise))}</td></tr>'
            )
        parts.append("</tbody></table></section>")
    parts.append("<section><h2>Quellen und Lizenzen</h2><ul>")
    for s in sources.itertuples():
        parts.append(f"<li>{e(s.titel)} ({e(s.herausgeber)}); Lizenz: {e(s.lizenz)}; Stand: {e(str(s.stand))}</li>")
    parts.append(f"<li>{e(geo_attribution)}</li></ul>")
    if atlas_url:
        parts.append(f'<p class="klein">Online: {e(atlas_url)}</p>')
    parts.append("</section></body></html>")
    return "\n".join(parts)
