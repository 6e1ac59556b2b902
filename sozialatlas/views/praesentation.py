"""Präsentationen: Folien (slides) from atlas views, checked, as JSON, and as what a slide shows.

A Folie points to a view by its URL inside the atlas (`/kreisvergleich?indikator=…&jahr=2021`), which is
exactly the link a planner copies from the address bar. `validate` checks what a URL names (page,
indicator, year, Kreis, Gebietsstand) against the database and returns German messages; `slide` turns a
Folie into a `Slide`: title, Kernaussage, a picture spec (Vega-Lite) with its legend beside it, and the
Quelle/Stand line — the same content for the Präsentationsmodus, PowerPoint and PDF. Values come from
areas.gebietsstand (protected by the Geheimhaltung); nothing is invented: a year without values says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from sozialatlas import domain
from sozialatlas.areas import gebietsstand
from sozialatlas.protection import smallarea
from sozialatlas.render import classify, compactmap, formatting, mapclasses, palettes, slides
from sozialatlas.store import queries, regions
from sozialatlas.views import analysedaten, kleinraeumig_page, monitoring, timeseries
from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views import sozialindex as si
from sozialatlas.views.kreisvergleich import Indicator

# url_path → page title (ui/navigation.PAGES); only views a public visitor can open are slide material.
SEITEN = {
    "start": "Start",
    "kreisvergleich": "Kreisvergleich",
    "zeitreihen": "Zeitreihen",
    "kreisprofil": "Kreisprofil",
    "lebenslagen": "Lebenslagen",
    "kleinraeumig": "Kleinräumig",
    "sozialindex": "Sozialindex",
    "raeumliche-statistik": "Räumliche Statistik",
    "strategien": "Strategien & Ziele",
    "monitoring": "Monitoring",
    "daten-quellen": "Daten & Quellen",
}
JSON_FORMAT = "sozialatlas-praesentation/1"
MAX_FOLIEN = 60
MAX_TITEL, MAX_KERNAUSSAGE = 120, 400


class PraesentationInputError(ValueError):
    """A Präsentation (or its JSON) that cannot be saved; `fehler` lists every problem in German."""

    def __init__(self, fehler: list[str]):
        super().__init__("\n".join(fehler))
        self.fehler = fehler


@dataclass
class Slide:
    titel: str
    kernaussage: str
    url: str
    seite: str
    spec: dict | None = None  # Vega-Lite (map or chart) or None for a text slide
    legende_titel: str = ""
    legende: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)
    quelle: str = ""
    stand: str = ""
    hinweise: list[str] = field(default_factory=list)
    zeilen: list[tuple[str, str, str]] = field(default_factory=list)  # text slides: (symbol/colour, label, text)


def parse_url(url: str) -> tuple[str, dict[str, str]]:
    """('kreisvergleich', {'indikator': …}) from a full link or a path; ValueError (German) if broken."""
    text = str(url or "").strip()
    if not text:
        raise ValueError("Adresse fehlt.")
    parts = urlsplit(text)
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise ValueError(f"Adresse „{text}“ ist kein Link des Atlas (nur http/https oder /seite?…).")
    path = parts.path.strip("/").split("/")[-1] if parts.path.strip("/") else "start"
    if path not in SEITEN:
        raise ValueError(f"Adresse „{text}“: die Seite „{path}“ gibt es im Atlas nicht (möglich: {', '.join(SEITEN)}).")
    query = parse_qs(parts.query, keep_blank_values=False)
    return path, {k: v[-1] for k, v in query.items()}


def canonical_url(seite: str, params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return "/" + seite + ("?" + urlencode(params) if params else "")


def validate_folie(con, folie: dict, nr: int, inds: set[str], kreise: set[str]) -> tuple[dict | None, list[str]]:
    where = f"Folie {nr}"
    errors = []
    titel = str(folie.get("titel") or "").strip()
    if not titel:
        errors.append(f"{where}: Titel fehlt.")
    elif len(titel) > MAX_TITEL:
        errors.append(f"{where}: Titel ist länger als {MAX_TITEL} Zeichen.")
    kern = str(folie.get("kernaussage") or "").strip()
    if len(kern) > MAX_KERNAUSSAGE:
        errors.append(f"{where}: Kernaussage ist länger als {MAX_KERNAUSSAGE} Zeichen.")
    try:
        seite, params = parse_url(str(folie.get("url") or ""))
    except ValueError as exc:
        return None, errors + [f"{where}: {exc}"]
    ind = params.get("indikator")
    if ind is not None and ind not in inds:
        errors.append(f"{where}: Indikator „{ind}“ ist unbekannt.")
    if "gebietsstand" in params and params["gebietsstand"] not in ("22", "23"):
        errors.append(f"{where}: Gebietsstand „{params['gebietsstand']}“ ist ungültig (22 oder 23).")
    if "jahr" in params:
        try:
            jahr = int(params["jahr"])
        except ValueError:
            errors.append(f"{where}: Jahr „{params['jahr']}“ ist keine Jahreszahl.")
        else:
            if ind in inds and jahr not in set(int(j) for j in queries.periods(con, ind, "kreis")["jahr"]):
                errors.append(f"{where}: für „{ind}“ gibt es im Jahr {jahr} keine Kreiswerte.")
    for k in [params.get("kreis")] + [x for x in params.get("kreise", "").split(",") if x]:
        if k and k not in kreise:
            errors.append(f"{where}: Kreis „{k}“ ist unbekannt.")
    if seite == "kreisvergleich" and ind is None:
        errors.append(f"{where}: eine Kreisvergleich-Folie braucht einen Indikator (?indikator=…).")
    if errors:
        return None, errors
    return {"titel": titel, "kernaussage": kern, "url": canonical_url(seite, params)}, []


def validate(con, satz: dict, folien: list[dict]) -> tuple[dict, list[dict]]:
    """Clean (satz, folien) or PraesentationInputError listing every problem; nothing is written here."""
    errors = []
    titel = str(satz.get("titel") or "").strip()
    if not titel:
        errors.append("Titel der Präsentation fehlt.")
    if not folien:
        errors.append("Die Präsentation hat keine Folien.")
    if len(folien) > MAX_FOLIEN:
        errors.append(f"Höchstens {MAX_FOLIEN} Folien je Präsentation.")
    inds = set(queries.indicators(con)["id"])
    kreise = regions.kreis_keys(con)
    clean = []
    for i, f in enumerate(folien, start=1):
        if not isinstance(f, dict):
            errors.append(f"Folie {i}: kein Objekt mit titel, kernaussage, url.")
            continue
        c, e = validate_folie(con, f, i, inds, kreise)
        errors += e
        if c:
            clean.append(c)
    if errors:
        raise PraesentationInputError(errors)
    out: dict = {"titel": titel, "beschreibung": str(satz.get("beschreibung") or "").strip() or None}
    if satz.get("id") is not None:
        out["id"] = int(satz["id"])
    if "veroeffentlicht" in satz:
        out["veroeffentlicht"] = bool(satz["veroeffentlicht"])
    return out, clean


def append_folie(con, satz: dict | None, folien, neue: dict, neuer_titel: str = "") -> tuple[dict, list[dict]]:
    """(satz, all Folien) with `neue` appended to an existing Präsentation (`satz` as store.get returns it)
    or to a new one titled `neuer_titel` (satz None). Only the new Folie is checked (the stored ones were
    checked when saved, a once-valid slide must not block adding another); PraesentationInputError lists
    every problem in German, and nothing is written here."""
    bisher = folien.to_dict("records") if hasattr(folien, "to_dict") else list(folien or [])
    bisher = [{"titel": f["titel"], "kernaussage": f.get("kernaussage") or "", "url": f["url"]} for f in bisher]
    errors = []
    if satz is None:
        titel = str(neuer_titel or "").strip()
        if not titel:
            errors.append("Titel der neuen Präsentation fehlt.")
        elif len(titel) > MAX_TITEL:
            errors.append(f"Titel der Präsentation ist länger als {MAX_TITEL} Zeichen.")
        clean_satz: dict = {"titel": titel, "beschreibung": None, "veroeffentlicht": False}
    else:
        clean_satz = {
            "id": int(satz["id"]),
            "titel": satz["titel"],
            "beschreibung": satz.get("beschreibung") or None,
            "veroeffentlicht": bool(satz.get("veroeffentlicht")),
        }
    if len(bisher) >= MAX_FOLIEN:
        errors.append(f"Höchstens {MAX_FOLIEN} Folien je Präsentation; „{clean_satz['titel']}“ ist voll.")
    inds = set(queries.indicators(con)["id"])
    kreise = regions.kreis_keys(con)
    clean, e = validate_folie(con, neue, len(bisher) + 1, inds, kreise)
    errors += e
    if errors or clean is None:
        raise PraesentationInputError(errors)
    return clean_satz, bisher + [clean]


def to_json(satz: dict, folien) -> str:
    rows = folien.to_dict("records") if hasattr(folien, "to_dict") else list(folien)
    body = {
        "format": JSON_FORMAT,
        "titel": satz["titel"],
        "beschreibung": satz.get("beschreibung") or "",
        "folien": [{"titel": f["titel"], "kernaussage": f.get("kernaussage") or "", "url": f["url"]} for f in rows],
    }
    return json.dumps(body, ensure_ascii=False, indent=2)


def from_json(con, text: str | bytes) -> tuple[dict, list[dict]]:
    """A Präsentation from exported JSON, fully checked (PraesentationInputError otherwise)."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PraesentationInputError([f"Die Datei ist kein gültiges JSON ({exc})."]) from None
    if not isinstance(data, dict) or not isinstance(data.get("folien"), list):
        raise PraesentationInputError(["Die Datei ist keine Präsentation des Sozialatlas (Feld „folien“ fehlt)."])
    if data.get("format") not in (None, JSON_FORMAT):
        raise PraesentationInputError([f"Unbekanntes Format „{data.get('format')}“ (erwartet {JSON_FORMAT})."])
    return validate(con, {"titel": data.get("titel"), "beschreibung": data.get("beschreibung")}, data["folien"])


# --- what a slide shows ------------------------------------------------------------------------------------


def _stand_of(params: dict) -> str:
    return gebietsstand.from_url(params.get("gebietsstand", "22"))


def _sources_line(con, ids, staende) -> tuple[str, str]:
    src = queries.sources(con, sorted({i for i in ids if isinstance(i, str)}))
    quelle = "Quelle: " + "; ".join(f"{r.titel} ({r.herausgeber}), Lizenz: {r.lizenz}" for r in src.itertuples())
    # sorted as stored (ISO dates, years), then written the German way
    daten = [formatting.datum(s) for s in sorted({s for s in staende if isinstance(s, str) and s})]
    if len(daten) > 4:  # a time series: the span, not every year
        daten = [f"{daten[0]} bis {daten[-1]}"]
    return quelle if len(src) else "Quelle: –", ("Stand: " + ", ".join(daten)) if daten else ""


def class_settings(params: dict, n_regions: int = 22) -> mapclasses.ClassSettings:
    """The map classes a link asks for (`klassen` scheme, `k`, `grenzen`, `farben`, as ui.mapcontrols
    writes them); anything unreadable falls back to what the page shows by default (quantiles, 5)."""
    scheme = str(params.get("klassen")) if params.get("klassen") in classify.SCHEMES else "quantile"
    raw_k = str(params.get("k", "5"))
    k = int(raw_k) if raw_k.isdigit() else 5
    k = max(classify.MIN_K, min(classify.MAX_K, k, max(classify.MIN_K, n_regions)))
    manual = None
    if scheme == "manual":
        try:
            manual = tuple(classify.parse_manual_breaks(str(params.get("grenzen") or "")))
        except classify.ClassificationError:
            manual = None
        if not manual:
            scheme = "quantile"
    return mapclasses.ClassSettings(
        scheme=scheme, k=k, manual_breaks=manual, diverging=params.get("farben") == "divergierend"
    )


def _kreisvergleich(con, s: Slide, params: dict) -> None:
    ind = queries.indicator(con, params["indikator"])
    stand = _stand_of(params)
    jahre = sorted({int(j) for j in queries.periods(con, ind["id"], "kreis")["jahr"]}, reverse=True)
    jahr = int(params.get("jahr", jahre[0] if jahre else 0))
    try:
        vals, note = gebietsstand.values_on(con, ind["id"], jahr, stand, partial=True)
    except gebietsstand.NotConvertible as exc:
        s.hinweise.append(str(exc))
        return
    dez = None if formatting.is_missing(ind.get("dezimalen")) or ind.get("dezimalen") is None else int(ind["dezimalen"])
    mc = mapclasses.build(
        vals["wert"],
        # the link's classes, but sequential: a diverging map needs the Thüringen reference of the page
        mapclasses.ClassSettings(**{**class_settings(params).__dict__, "diverging": False}),
        polaritaet=ind.get("polaritaet") or "neutral",
        dezimalen=dez,
    )
    gesperrt = vals["status"].eq(formatting.GESPERRT).to_numpy()
    # 'keine Daten' apart in lightness from the classes and from the gesperrt grey (monochrome beamer)
    missing = slides.greyscale_safe_missing(mc.colours + ([palettes.GESPERRT_FARBE] if gesperrt.any() else []))
    fill = {}
    for key, c, g in zip(vals["schluessel"], mc.classes, gesperrt):
        fill[key] = palettes.GESPERRT_FARBE if g else (mc.colours[c] if c >= 0 else missing)
    shapes = queries.shapes(con, "kreis", stand)
    s.spec = slides.kreis_map(shapes, fill)
    einheit = ind.get("einheit") or ""
    s.legende_titel = f"{ind['name']} {jahr}" + (f" ({einheit})" if einheit else "")
    s.legende = [(c, f"{lab} ({n})") for c, lab, n in zip(mc.colours, mc.labels, mc.counts)]
    n_missing = int((mc.classes < 0).sum() - gesperrt.sum())
    if n_missing:
        s.legende.append((missing, f"{formatting.KEINE_DATEN} ({n_missing})"))
    if gesperrt.any():
        s.legende.append((palettes.GESPERRT_FARBE, f"{formatting.GESPERRT} ({int(gesperrt.sum())})"))
    s.hinweise += [palettes.POLARITAET_TEXT.get(ind.get("polaritaet") or "neutral", "")] + ([note] if note else [])
    s.quelle, s.stand = _sources_line(con, list(vals["quelle"].dropna()) or [ind.get("quelle")], vals["stand"])


def _zeitreihen(con, s: Slide, params: dict) -> None:
    ind = queries.indicator(con, params["indikator"])
    stand = _stand_of(params)
    kreise = [k for k in params.get("kreise", "").split(",") if k][: timeseries.MAX_KREISE]
    long, notes = timeseries.series(con, ind["id"], stand, kreise)
    d = long[long["wert"].notna()]
    names = list(dict.fromkeys(d.loc[d["schluessel"] != domain.LAND_SCHLUESSEL, "name"]))
    colours = dict(zip(names, timeseries.KREIS_FARBEN))
    if (d["schluessel"] == domain.LAND_SCHLUESSEL).any():
        colours[timeseries.LAND_NAME] = timeseries.THUERINGEN_FARBE
    rows = [
        {
            "name": timeseries.LAND_NAME if r.schluessel == domain.LAND_SCHLUESSEL else r.name,
            "jahr": int(r.jahr),
            "wert": float(r.wert),
        }
        for r in d.itertuples()
    ]
    if rows:
        s.spec = slides.line_chart(rows, einheit=ind.get("einheit") or "", colours=colours)
    else:
        s.hinweise.append(f"{formatting.KEINE_DATEN} für diese Auswahl.")
    s.legende_titel = ind["name"]
    s.legende = [(c, n + (" (gestrichelt)" if n == timeseries.LAND_NAME else "")) for n, c in colours.items()]
    s.hinweise += notes
    s.quelle, s.stand = _sources_line(con, list(d["quelle"].dropna()) or [ind.get("quelle")], d["stand"])


def _kleinraeumig(con, s: Slide, params: dict) -> None:
    """Gemeinden, Gemeindeverbände or Jena's Bezirke of one Kreis or all Thüringen, as the page shows them:
    values only from protection.smallarea (gesperrt stays gesperrt, never a number), its classes, its
    legend with „keine Daten“ and „gesperrt“. Planungsräume stay a text slide (their Gliederung is user
    data that may change after the slide was made)."""
    ebene = params.get("ebene") or "gemeinde"
    if ebene not in ("gemeinde", "gemeindeverband", "stadtbezirk"):
        s.hinweise.append(f"Ansicht „{kr.EBENEN.get(ebene, ebene)}“ im Atlas: {s.url}")
        return
    level = kr.DATA_LEVEL[ebene]
    kreis = kr.JENA if ebene == "stadtbezirk" else (params.get("kreis") or kr.THUERINGEN)
    ind_id = params.get("indikator") or kleinraeumig_page.DEFAULT_INDICATOR[ebene]
    inds = queries.indicators(con, level)
    row = inds[inds["id"] == ind_id]
    if row.empty:
        s.hinweise.append(f"{formatting.KEINE_DATEN}: „{ind_id}“ gibt es für diese Ebene nicht.")
        return
    cat = row.iloc[0].to_dict()
    ind = Indicator.from_row(cat)
    per = queries.periods(con, ind_id, level)
    jahre = sorted({int(j) for j in per.loc[per["n_werte"] > 0, "jahr"]}, reverse=True)
    jahr = int(params["jahr"]) if str(params.get("jahr", "")).isdigit() else (jahre[0] if jahre else None)
    plural = kr.GEBIET[ebene][1]
    if jahr is None or jahr not in jahre:
        s.hinweise.append(f"{formatting.KEINE_DATEN}: „{ind.name}“ hat für {plural} im Jahr {jahr} keine Werte.")
        return
    vals = smallarea.values(con, ind_id, jahr, ebene=level)
    whole = kreis == kr.THUERINGEN
    if not whole:
        vals = vals[vals["kreis"] == kreis].reset_index(drop=True)
    rows = kr.rows_from_values(vals, ebene)
    land = rows.land_wert.dropna()
    mc = mapclasses.build(
        rows.wert,
        class_settings(params, len(rows.keys)),
        polaritaet=ind.polaritaet,
        reference=float(land.iloc[0]) if len(land) else None,
        dezimalen=ind.dezimalen,
        reference_comparable=not ind.is_count,
    )
    # 'keine Daten' apart in lightness from the classes and from the gesperrt grey (monochrome beamer)
    missing = slides.greyscale_safe_missing(mc.colours + ([palettes.GESPERRT_FARBE] if rows.gesperrt.any() else []))
    fill = {
        k: palettes.GESPERRT_FARBE if g else (mc.colours[c] if c >= 0 else missing)
        for k, g, c in zip(rows.keys, rows.gesperrt, mc.classes)
    }
    shapes = None
    if whole and ebene == "gemeinde":
        shapes = compactmap.load_overview()  # the page's overview geometry: 631 Gemeinden stay light
    if shapes is None:
        shapes = kr.area_shapes(con, ebene)
    shapes = shapes[shapes["schluessel"].astype(str).isin(set(rows.keys))].copy()
    shapes["name"] = shapes["schluessel"].astype(str).map(dict(zip(rows.keys, rows.names)))
    s.spec = slides.kreis_map(shapes, fill)
    ort = "Thüringen" if whole else str(vals["kreis_name"].iloc[0]) if len(vals) else kreis
    einheit = ind.einheit or ""
    s.legende_titel = f"{ind.name} {jahr}, {plural} in {ort}" + (f" ({einheit})" if einheit else "")
    s.legende = [
        (missing if e.label == formatting.KEINE_DATEN else e.colour, f"{e.label} ({e.count})")
        for e in kr.legend_rows(rows, mc)
    ]
    s.hinweise += [mc.direction] + list(mc.notes)
    if bool(rows.gesperrt.any()):
        s.hinweise.append(kleinraeumig_page.GEHEIMHALTUNG_META)
    s.quelle, s.stand = _sources_line(con, list(vals["quelle"].dropna()) or [cat.get("quelle")], rows.stand)


# Status colours of the Sozialindex page (ui.sozialindex.STATUS_FARBEN; lightness 97 … 50: apart in grey)
SOZIALINDEX_FARBEN = dict(zip(si.STATUS_KLASSEN, ["#ffffd4", "#fed98e", "#fe9929", "#cc4c02"]))


def _sozialindex(con, s: Slide, params: dict) -> None:
    """The Statusindex map of a Sozialindex link (indicators, weights, year, Kreis, reference as on the
    page; inputs protected by analysedaten). A Dynamik in the link is named, the slide shows the Status."""
    ebene = str(params["ebene"]) if params.get("ebene") in analysedaten.EBENEN else "gemeinde"
    kreis = params.get("kreis") if ebene == "gemeinde" else None
    cat = analysedaten.catalogue(con, ebene)
    cat = cat[cat["polaritaet"].isin(list(si.SIGN))].set_index("id")
    ids = [i for i in str(params.get("indikatoren") or "").split(",") if i in cat.index]
    if not ids:
        vorlage = str(params.get("vorlage") or analysedaten.KERNINDEX)
        ids = [i for i in analysedaten.resolve_preset(con, vorlage, ebene, None).ids if i in cat.index]
    try:
        gewichte = [float(g) for g in str(params.get("gewichte") or "").split(",")]
    except ValueError:
        gewichte = []
    if len(gewichte) != len(ids) or any(not g > 0 for g in gewichte):
        gewichte = [1.0] * len(ids)
    common = sorted(
        set.intersection(*[set(analysedaten.years(con, i, ebene)) for i in ids]) if ids else set(), reverse=True
    )
    jahr = int(params["jahr"]) if str(params.get("jahr", "")).isdigit() else (common[0] if common else None)
    if not ids or jahr not in common:
        s.hinweise.append(f"{formatting.KEINE_DATEN}: kein gemeinsames Jahr der Indikatoren ({s.url}).")
        return
    inputs = [analysedaten.to_input({**cat.loc[i].to_dict(), "id": i}, g) for i, g in zip(ids, gewichte)]
    w1 = analysedaten.wide(con, ids, ebene, jahr)
    shown = pd.Series(True, index=w1.werte.index)
    if kreis and kreis != kr.THUERINGEN:
        shown = w1.kreis.reindex(w1.werte.index).eq(kreis)
    ref = shown if params.get("referenz", "gezeigt") == "gezeigt" else pd.Series(True, index=w1.werte.index)
    try:
        status = si.compute(w1.werte, inputs, sperre=w1.sperre, referenz=ref)
    except si.SozialindexError as exc:
        s.hinweise.append(str(exc))
        return
    keys = [str(k) for k in w1.werte.index if shown[k]]
    klasse = status.table["klasse"].rename(index=str).reindex(keys)
    missing = slides.greyscale_safe_missing(list(SOZIALINDEX_FARBEN.values()))
    fill = {k: SOZIALINDEX_FARBEN.get(c, missing) for k, c in klasse.items()}
    if ebene == "kreis":
        shapes = queries.shapes(con, "kreis", analysedaten.GEBIETSSTAND["kreis"])
    else:
        shapes = compactmap.load_overview() if not kreis or kreis == kr.THUERINGEN else None
        if shapes is None:
            shapes = kr.area_shapes(con, "gemeinde")
    shapes = shapes[shapes["schluessel"].astype(str).isin(set(keys))].copy()
    shapes["name"] = shapes["schluessel"].astype(str).map(w1.names.rename(index=str))
    s.spec = slides.kreis_map(shapes, fill)
    gebiete = "Kreise" if ebene == "kreis" else "Gemeinden"
    s.legende_titel = f"Statusindex {jahr} ({gebiete}, {len(ids)} Indikatoren)"
    s.legende = [(SOZIALINDEX_FARBEN[c], f"Status {c} ({int((klasse == c).sum())})") for c in si.STATUS_KLASSEN]
    s.legende.append((missing, f"{si.UNVOLLSTAENDIG} ({int((klasse == si.UNVOLLSTAENDIG).sum())})"))
    s.hinweise.append("Indikatoren: " + ", ".join(str(cat.loc[i, "name"]) for i in ids) + ".")
    s.hinweise.append("Unvollständig: ein Eingangswert fehlt oder ist gesperrt (Geheimhaltung); kein Index.")
    if params.get("von"):
        s.hinweise.append(f"Die Dynamik seit {params['von']} zeigt der Atlas unter {s.url}.")
    s.quelle, s.stand = _sources_line(con, list(w1.quellen), list(w1.staende))


def _monitoring(con, s: Slide, params: dict) -> None:
    kreis = params.get("kreis")
    if not kreis:
        s.hinweise.append("Monitoring-Folie ohne Kreis (?kreis=…).")
        return
    mon = monitoring.monitoring(con, kreis)
    s.legende_titel = "Ampel"
    s.legende = [(monitoring.FARBE[k], f"{monitoring.SYMBOL[k]} {k}") for k in monitoring.FARBE]
    s.zeilen = [
        (r.farbe, f"{r.symbol} {r.status}", f"{r.ziel} – {r.indikator_name}: {r.regel}") for r in mon.itertuples()
    ]
    if mon.empty:
        s.hinweise.append("Für diesen Kreis sind noch keine Ziele mit Indikatoren verknüpft.")
    s.quelle = "Regel: " + monitoring.regel_text()


def slide(con, folie: dict) -> Slide:
    seite, params = parse_url(folie["url"])
    s = Slide(folie["titel"], folie.get("kernaussage") or "", folie["url"], seite)
    if seite == "kreisvergleich" and params.get("indikator"):
        _kreisvergleich(con, s, params)
    elif seite == "zeitreihen" and params.get("indikator"):
        _zeitreihen(con, s, params)
    elif seite == "monitoring":
        _monitoring(con, s, params)
    elif seite == "kleinraeumig":
        _kleinraeumig(con, s, params)
    elif seite == "sozialindex":
        _sozialindex(con, s, params)
    else:
        s.hinweise.append(f"Ansicht „{SEITEN[seite]}“ im Atlas: {folie['url']}")
    return s
