"""The metadata a planner gives with an imported table: checked, normalised, turned into catalogue rows.

A new indicator needs name, Lebenslage, Einheit, Wertungsrichtung (Polarität), Quelle, Stand and Lizenz,
exactly what the catalogue (data/indikatoren.csv) holds for the official indicators. Importing into an
existing indicator needs only Quelle and Stand of the new values (the catalogue entry stays as it is).
Texts are data: they are stored as given (after trimming) and never interpreted.
"""

from __future__ import annotations

import re
import unicodedata

from sozialatlas.importer.files import has_control, short

FIELDS = {
    # key: (label, max length)
    "id": ("Kennung (id)", 60),
    "name": ("Name", 200),
    "lebenslage": ("Lebenslage", 100),
    "einheit": ("Einheit", 60),
    "polaritaet": ("Wertungsrichtung (Polarität)", 40),
    "quelle": ("Quelle", 300),
    "stand": ("Stand", 100),
    "lizenz": ("Lizenz", 300),
    "definition": ("Definition", 2000),
    "zaehler": ("Zähler (Bezeichnung)", 200),
    "nenner": ("Nenner (Bezeichnung)", 200),
    "dezimalen": ("Nachkommastellen", 2),
    "aggregation": ("Aggregation", 10),
    "art": ("Art der Werte", 20),
}
REQUIRED_NEW = ("name", "lebenslage", "einheit", "polaritaet", "quelle", "stand", "lizenz")
REQUIRED_EXISTING = ("quelle", "stand")
ALIASES = {
    "polarität": "polaritaet",
    "wertungsrichtung": "polaritaet",
    "kennung": "id",
    "indikator": "id",
    "titel": "name",
    "bezeichnung": "name",
    "lizenzen": "lizenz",
    "nachkommastellen": "dezimalen",
    "art der werte": "art",
    "werteart": "art",
    "typ": "art",
}
POLARITAETEN = {
    "hoeher_besser": "ein höherer Wert ist besser",
    "hoeher_schlechter": "ein höherer Wert ist schlechter",
    "neutral": "keine Wertung",
}
AGGREGATIONEN = {
    "summe": "Anzahl, Kreis-/Landeswerte sind Summen",
    "quote": "Quote aus summierten Zählern und Nennern",
    "keine": "Index oder Quote ohne Zähler/Nenner",
}
# What the values are: the planner's explicit choice for a new indicator. It decides the aggregation and,
# with it, the Geheimhaltung: an "anzahl" is summed over areas and its small counts are suppressed.
ARTEN = {
    "anzahl": "Anzahl (Personen, Fälle, Haushalte …): Summen über Gebiete, kleine Fallzahlen werden gesperrt",
    "quote": "Quote oder Anteil (Prozent, je 1.000 …), mit oder ohne Zähler und Nenner",
    "index": "Index, Durchschnitt, Dichte oder Betrag (keine Fallzahlen)",
}
ART_AGGREGATION = {"anzahl": "summe", "index": "keine"}  # "quote": "quote" with Zähler/Nenner, else "keine"
AGGREGATION_ART = {"summe": "anzahl", "quote": "quote", "keine": None}  # "keine": quote or index
# Words of a unit, judged word by word (not the whole unit): „Kinder (Anzahl)“, „Kinder unter 6 Jahren“ and
# „Anzahl der Fälle“ are counts, „Anteil der Kinder“ or „Kinder je 1.000 Einwohner“ are not.
_COUNT_STEMS = (
    "anzahl",
    "zahl",
    "absolut",
    "person",
    "fall",
    "faell",
    "kind",
    "jugendlich",
    "einwohner",
    "bewohner",
    "haushalt",
    "bedarfsgemeinschaft",
    "familie",
    "alleinerziehend",
    "mensch",
    "platz",
    "plaetz",
    "schueler",
    "betrieb",
    "wohnung",
    "leistungsberecht",
    "leistungsbezieh",
    "empfaenger",
    "bezieher",
    "arbeitslos",
    "beschaeftigt",
    "geburt",
    "sterbefaell",
    "teilnehm",
    "frauen",
    "maenner",
    "stueck",
    "gefluechtet",
    "asyl",
    "senior",
    "pflegebeduerft",
)
_RATE_WORDS = {"prozent", "anteil", "quote", "rate", "je", "pro", "promille", "per", "verhaeltnis", "relation"}
_RATE_PARTS = ("anteil", "quote", "prozent", "promille", "quotient")  # also inside „Kinderarmutsquote“
_INDEX_WORDS = {
    "index",
    "punkte",
    "punkt",
    "durchschnitt",
    "mittelwert",
    "median",
    "euro",
    "eur",
    "dichte",
    "km",
    "km2",
    "qkm",
    "m2",
    "qm",
    "score",
    "saldo",
}
# Durations are an index only when nothing counts: „Personen über 65 Jahre“ is a count.
_WEAK_INDEX_WORDS = {"jahre", "lebensjahre", "minuten", "stunden", "tage", "monate"}
ID_PATTERN = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")


def _translit(text: str) -> str:
    s = text.casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def slug(text: str, limit: int = 40) -> str:
    """'Kinder in Bedarfsgemeinschaften (%)' → 'kinder_in_bedarfsgemeinschaften' (catalogue id rules)."""
    # Separators first (a dash "–" would vanish in the ASCII step and glue two words together).
    s = re.sub(r"[^a-z0-9]+", "_", _translit(re.sub(r"[\W_]+", " ", text))).strip("_")[:limit].strip("_")
    if not s:
        return ""
    return s if s[0].isalpha() else "i_" + s


def _unit_words(einheit: str | None) -> list[str]:
    text = (einheit or "").replace("%", " prozent ").replace("‰", " promille ").replace("€", " euro ")
    text = text.replace("²", "2").replace("/", " je ")
    return re.findall(r"[a-z0-9]+", _translit(text))


def art_from_unit(einheit: str | None) -> str | None:
    """What the unit says the values are (anzahl, quote, index), or None if it does not say.

    Rates and indices win over count words („Kinder je 1.000 Einwohner“ is a rate); a count word anywhere
    in the unit makes a count („Kinder unter 6 Jahren“)."""
    words = _unit_words(einheit)
    if not words:
        return None
    if any(w in _INDEX_WORDS or w.startswith(("durchschnitt", "index")) for w in words):
        # „Euro je Einwohner“, „Einwohner je km²“: an amount or a density, never a count.
        return "index"
    if any(w in _RATE_WORDS or any(part in w for part in _RATE_PARTS) for w in words):
        return "quote"
    if any(w.startswith(_COUNT_STEMS) for w in words) or words == ["n"]:
        return "anzahl"
    if any(w in _WEAK_INDEX_WORDS for w in words):
        return "index"
    return None


def values_look_like_counts(values) -> bool:
    """Every given value a whole number ≥ 0 (and at least one): what counts look like."""
    seen = False
    for v in values:
        if v is None or v != v:
            continue
        seen = True
        if v < 0 or float(v) != int(v):
            return False
    return seen


def propose_art(einheit: str | None, values=()) -> tuple[str | None, str]:
    """A proposal for the choice „Art der Werte“ and the reason, in German, for the Import page and CLI."""
    by_unit = art_from_unit(einheit)
    if by_unit is not None:
        return by_unit, f"Vorschlag nach der Einheit „{short(einheit or '')}“: {ARTEN[by_unit].split(' (')[0]}."
    if values_look_like_counts(values):
        return "anzahl", "Vorschlag nach den Werten: alle Werte sind ganze Zahlen ab 0, wie bei Anzahlen."
    return None, "Die Einheit und die Werte legen keine Art nahe; bitte selbst wählen."


def is_count_unit(einheit: str | None, aggregation: str | None = None) -> bool:
    """Counts cannot be negative: aggregation `summe`, or a unit that names a count."""
    if aggregation == "summe":
        return True
    return art_from_unit(einheit) == "anzahl"


def is_share_unit(einheit: str | None) -> bool:
    """A share (Prozent, je 1.000, Anteil, Quote): its numerator cannot exceed its denominator."""
    e = _translit(einheit or "")
    return any(w in e for w in ("prozent", "%", "anteil", "quote", "je 100", "je 1.000", "je 1000"))


def clean(meta: dict | None) -> dict:
    """Trimmed text values under their canonical keys; empty values dropped."""
    out = {}
    for k, v in (meta or {}).items():
        key = ALIASES.get(str(k).strip().casefold(), str(k).strip().casefold())
        if v is None:
            continue
        text = v if isinstance(v, str) else str(v)
        text = " ".join(text.split()) if key != "definition" else text.strip()
        if text:
            out[key] = text
    return out


def _iso_date(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else text


def check(
    meta: dict | None, *, existing_indicators: dict[str, dict], lebenslagen: dict[str, str], quellen: dict[str, dict]
) -> tuple[dict, list[tuple[str, str]]]:
    """(normalised metadata, [(field, German message)]).

    `existing_indicators`: id → catalogue row; `lebenslagen`: id → name; `quellen`: id → quelle row.
    The result holds `id`, `neu` (bool), the indicator's catalogue fields and the observation fields
    `quelle` (an id) and `quelle_neu` (a quelle row to create, or None).
    """
    m = clean(meta)
    problems: list[tuple[str, str]] = []
    for key, text in m.items():
        if key in FIELDS and len(text) > FIELDS[key][1]:
            problems.append(
                (
                    key,
                    f"Die Angabe „{FIELDS[key][0]}“ ist {len(text)} Zeichen lang; erlaubt sind "
                    f"höchstens {FIELDS[key][1]}. Bitte kürzen.",
                )
            )
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text) or has_control(
            text.replace("\n", " ").replace("\t", " ")
        ):
            problems.append(
                (
                    key,
                    f"Die Angabe „{FIELDS.get(key, (key,))[0]}“ enthält Steuerzeichen (auch unsichtbare "
                    "Schreibrichtungszeichen). Bitte nur sichtbaren Text eintragen.",
                )
            )

    # --- which indicator
    given_id = m.get("id")
    if given_id is not None and not ID_PATTERN.fullmatch(given_id):
        problems.append(
            (
                "id",
                f"Die Kennung „{short(given_id)}“ ist ungültig: erlaubt sind Kleinbuchstaben, "
                "Ziffern und einzelne Unterstriche, z. B. „kinder_in_bg“.",
            )
        )
        given_id = None
    ind_id = given_id or (slug(m["name"]) if m.get("name") else "")
    neu = ind_id not in existing_indicators
    if not given_id and not neu:
        old = existing_indicators[ind_id]
        problems.append(
            (
                "id",
                f"Es gibt schon einen Indikator mit der Kennung „{ind_id}“ („{short(old['name'])}“). "
                f"Um ihn zu ergänzen, bitte die Kennung „{ind_id}“ ausdrücklich angeben; für einen "
                "neuen Indikator einen anderen Namen oder eine andere Kennung wählen.",
            )
        )
    if m.get("name") and not ind_id:
        problems.append(
            (
                "id",
                "Aus dem Namen lässt sich keine Kennung bilden (er enthält keine Buchstaben oder "
                "Ziffern). Bitte eine Kennung angeben, z. B. „kinder_in_bg“.",
            )
        )

    required = REQUIRED_NEW if neu else REQUIRED_EXISTING
    for key in required:
        if key not in m:
            problems.append((key, _missing_text(key, neu)))

    out: dict = {"id": ind_id, "neu": neu}
    if neu:
        out.update({k: m.get(k) for k in ("name", "einheit", "definition", "zaehler", "nenner")})
        ll = m.get("lebenslage")
        if ll is not None:
            ll_id = _lebenslage_id(ll, lebenslagen)
            if ll_id is None:
                allowed = "; ".join(f"{i} ({n})" for i, n in lebenslagen.items())
                problems.append(("lebenslage", f"Die Lebenslage „{short(ll)}“ gibt es nicht. Erlaubt sind: {allowed}."))
            out["lebenslage"] = ll_id
        pol = m.get("polaritaet")
        if pol is not None:
            p = _polaritaet(pol)
            if p is None:
                allowed = "; ".join(f"{k} ({v})" for k, v in POLARITAETEN.items())
                problems.append(
                    ("polaritaet", f"Die Wertungsrichtung „{short(pol)}“ ist nicht erlaubt. Erlaubt sind: {allowed}.")
                )
            out["polaritaet"] = p
        agg = m.get("aggregation")
        if agg is not None and agg.casefold() not in AGGREGATIONEN:
            allowed = "; ".join(f"{k} ({v})" for k, v in AGGREGATIONEN.items())
            problems.append(
                ("aggregation", f"Die Aggregation „{short(agg)}“ ist nicht erlaubt. Erlaubt sind: {allowed}.")
            )
            agg = None
        agg = agg.casefold() if agg else None
        art, art_problems = _art_choice(m.get("art"), agg, m.get("einheit"))
        problems.extend(art_problems)
        out["art"] = art
        # "quote" becomes aggregation quote only with Zähler and Nenner in the file (decided with the values).
        out["aggregation"] = agg or ART_AGGREGATION.get(art or "")
        dez = m.get("dezimalen")
        if dez is not None and not (dez.isdigit() and int(dez) <= 6):
            problems.append(("dezimalen", f"Nachkommastellen „{short(dez)}“: bitte eine ganze Zahl von 0 bis 6."))
        out["dezimalen"] = int(dez) if dez and dez.isdigit() and int(dez) <= 6 else None
    else:
        for key in ("name", "lebenslage", "einheit", "polaritaet", "definition", "aggregation", "art", "dezimalen"):
            if key in m:
                out.setdefault("ignoriert", []).append(FIELDS[key][0])

    # --- where the values come from
    q = m.get("quelle")
    out["stand"] = _iso_date(m["stand"]) if m.get("stand") else None
    out["lizenz"] = m.get("lizenz")
    out["quelle"], out["quelle_neu"] = None, None
    if q is not None:
        qid = q if q in quellen else next((i for i, row in quellen.items() if row.get("titel") == q), None)
        if qid is not None:
            out["quelle"] = qid
            out["lizenz"] = out["lizenz"] or quellen[qid].get("lizenz")
        elif not neu:
            # versions.apply_import creates a source only together with a new indicator.
            known = ", ".join(f"„{i}“" for i in sorted(quellen))
            problems.append(
                (
                    "quelle",
                    f"Die Quelle „{short(q)}“ ist nicht bekannt. Werte für einen vorhandenen "
                    f"Indikator brauchen eine vorhandene Quelle; bitte ihre Kennung angeben "
                    f"(vorhanden: {known}) oder die Werte als neuen Indikator importieren.",
                )
            )
        else:
            if "lizenz" not in m and "lizenz" not in required:
                problems.append(
                    (
                        "lizenz",
                        "Die Quelle ist neu: bitte ihre Lizenz bzw. Nutzungsbedingungen angeben "
                        "(z. B. „dl-de/by-2-0“ oder „eigene Erhebung, intern“).",
                    )
                )
            # The id versions.apply_import gives a source it creates for a new indicator.
            qid = f"import-{ind_id}"
            out["quelle"] = qid
            out["quelle_titel"] = q
            out["quelle_neu"] = {
                "id": qid,
                "titel": q,
                "herausgeber": None,
                "lizenz": m.get("lizenz"),
                "stand": out["stand"],
                "referenz": None,
                "hinweis": "importiert",
            }
    return out, problems


_MISSING = {
    "name": "Bitte einen kurzen, verständlichen Namen angeben, z. B. „Kinder in Bedarfsgemeinschaften“.",
    "lebenslage": "Bitte eine der sieben Lebenslagen angeben (z. B. „familie“ oder „Familie“).",
    "einheit": "Bitte die Einheit der Werte angeben, z. B. „Personen“, „Prozent“ oder „je 1.000 Einwohner“.",
    "polaritaet": "Bitte angeben, ob ein höherer Wert besser (hoeher_besser), schlechter (hoeher_schlechter) oder "
    "keins von beiden (neutral) ist.",
    "quelle": "Bitte angeben, woher die Zahlen stammen (Amt, Statistik, Veröffentlichung).",
    "stand": "Bitte den Stand der Zahlen angeben, z. B. „31.12.2023“ oder „2023 (Jahresdurchschnitt)“.",
    "lizenz": "Bitte die Lizenz bzw. Nutzungsbedingungen angeben, z. B. „dl-de/by-2-0“ oder „intern, nicht "
    "zur Veröffentlichung“.",
}


def _art_id(text: str) -> str | None:
    t = re.sub(r"[^a-z]", "", _translit(text))
    return {
        "anzahl": "anzahl",
        "anzahlen": "anzahl",
        "summe": "anzahl",
        "quote": "quote",
        "quoten": "quote",
        "anteil": "quote",
        "rate": "quote",
        "index": "index",
        "indizes": "index",
        "keine": "index",
    }.get(t)


def _art_choice(given: str | None, agg: str | None, einheit: str | None) -> tuple[str | None, list[tuple[str, str]]]:
    """The explicit choice count / rate / index of a new indicator (from `art`, or from an explicit
    `aggregation`), checked against the unit: a unit that names a count is imported as a count, never as an
    index without Geheimhaltung."""
    problems: list[tuple[str, str]] = []
    allowed = "; ".join(f"{k} ({v})" for k, v in ARTEN.items())
    art = None
    if given is not None:
        art = _art_id(given)
        if art is None:
            problems.append(("art", f"Die Art der Werte „{short(given)}“ gibt es nicht. Erlaubt sind: {allowed}."))
            return None, problems
        if agg is not None and (agg == "summe") != (art == "anzahl"):
            problems.append(
                (
                    "aggregation",
                    f"Art der Werte „{art}“ und Aggregation „{agg}“ widersprechen sich: Anzahlen werden "
                    "summiert (summe), Quoten und Indizes nicht. Bitte nur die Art der Werte angeben.",
                )
            )
    elif agg is not None:
        art = AGGREGATION_ART.get(agg) or ("quote" if art_from_unit(einheit) == "quote" else "index")
    else:
        proposal, why = propose_art(einheit)
        problems.append(
            (
                "art",
                "Die Angabe „Art der Werte“ fehlt: bitte wählen, ob die Werte Anzahlen (anzahl), Quoten bzw. "
                "Anteile (quote) oder Indizes (index) sind. Davon hängen die Summen über Gebiete und die "
                "Geheimhaltung kleiner Fallzahlen ab. " + (why if proposal else ""),
            )
        )
        return None, problems
    if art == "anzahl" and art_from_unit(einheit) == "quote":
        problems.append(
            (
                "art",
                f"Die Einheit „{short(einheit or '')}“ bezeichnet eine Quote oder einen Anteil, gewählt ist aber "
                "„Anzahl“: Quoten lassen sich nicht über Gebiete summieren. Bitte „Quote oder Anteil“ wählen "
                "oder die Einheit berichtigen (z. B. „Personen“).",
            )
        )
    if art != "anzahl" and art_from_unit(einheit) == "anzahl":
        problems.append(
            (
                "art",
                f"Die Einheit „{short(einheit or '')}“ bezeichnet eine Anzahl, gewählt ist aber „{ARTEN[art].split(' (')[0]}“. "
                "Anzahlen werden als „Anzahl“ importiert: Kreis- und Landeswerte sind Summen und kleine "
                "Fallzahlen (1 oder 2) werden gesperrt. Bitte „Anzahl“ wählen oder die Einheit berichtigen "
                "(z. B. „Prozent“ oder „je 1.000 Einwohner“).",
            )
        )
    return art, problems


def _missing_text(key: str, neu: bool) -> str:
    what = "für einen neuen Indikator" if neu else "für die neuen Werte"
    return f"Die Angabe „{FIELDS[key][0]}“ fehlt ({what} erforderlich). {_MISSING[key]}"


def _lebenslage_id(text: str, lebenslagen: dict[str, str]) -> str | None:
    t = re.sub(r"[^a-z0-9]", "", _translit(text))
    for lid, name in lebenslagen.items():
        n = re.sub(r"[^a-z0-9]", "", _translit(name))
        first = re.sub(r"[^a-z0-9]", "", _translit(name.split("/")[0]))
        if t in (lid, n, first):
            return lid
    return None


def _polaritaet(text: str) -> str | None:
    t = re.sub(r"[^a-z]", "", _translit(text))
    return {
        "hoeherbesser": "hoeher_besser",
        "hoeheristbesser": "hoeher_besser",
        "hoeherschlechter": "hoeher_schlechter",
        "hoeheristschlechter": "hoeher_schlechter",
        "neutral": "neutral",
        "keinewertung": "neutral",
    }.get(t)
