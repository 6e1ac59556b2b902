"""Numbers and dates the German way: decimal comma, thousands dot, missing is 'keine Daten', a value
withheld for secrecy is 'gesperrt' (never a number, never 0)."""

from __future__ import annotations

import math

KEINE_DATEN = "keine Daten"
MINUS = "\u2212"  # the typographic minus sign
GESPERRT = "gesperrt"  # Geheimhaltung (sozialatlas.protection.privacy); also the status of such a row


def is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def zahl(x, dezimalen: int | None = None) -> str:
    """1234.5 → '1.234,5'. Missing → 'keine Daten' (never '0')."""
    if is_missing(x):
        return KEINE_DATEN
    x = float(x)
    if dezimalen is None:
        dezimalen = 0 if x == int(x) else 2
    s = f"{x:,.{dezimalen}f}"
    s = s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    # one minus sign everywhere (U+2212, as Vega's axes write it), never the hyphen; no "−0,0"
    if s.startswith("-"):
        s = MINUS + s[1:] if s.strip("-0,.") else s[1:]
    return s


def wert_mit_einheit(x, einheit: str | None, dezimalen: int | None = None) -> str:
    if is_missing(x):
        return KEINE_DATEN
    z = zahl(x, dezimalen)
    if not einheit:
        return z
    if einheit.lower() in ("prozent", "%"):
        return f"{z} %"
    return f"{z} {einheit}"


def zahl_oder_status(x, status, dezimalen: int | None = None) -> str:
    """Like `zahl`, but a row with status 'gesperrt' reads 'gesperrt' instead of 'keine Daten'."""
    return GESPERRT if status == GESPERRT else zahl(x, dezimalen)


def wert_oder_status(x, status, einheit: str | None, dezimalen: int | None = None) -> str:
    """Like `wert_mit_einheit`, but a row with status 'gesperrt' reads 'gesperrt'."""
    return GESPERRT if status == GESPERRT else wert_mit_einheit(x, einheit, dezimalen)


def datum(iso: str | None) -> str:
    """'2019-12-31' → '31.12.2019'; '2018-12' → '12/2018'; other text unchanged."""
    if not iso:
        return ""
    s = str(iso)
    parts = s.split(" ", 1)
    head, rest = parts[0], (" " + parts[1] if len(parts) > 1 else "")
    bits = head.split("-")
    if len(bits) == 3 and all(b.isdigit() for b in bits):
        return f"{bits[2]}.{bits[1]}.{bits[0]}{rest}"
    if len(bits) == 2 and all(b.isdigit() for b in bits):
        return f"{bits[1]}/{bits[0]}{rest}"
    return s


# Notes the ETL writes for its maintainers (how a file was read), not for planners: never shown or exported.
_INTERNE_HINWEISE = ("IRIS-Export des BBSR", "Dezimalkomma in Punkt umgesetzt")


def nutzer_hinweis(text) -> str:
    """An observation's note as users may read it: '' for missing text and for internal ETL notes."""
    if not isinstance(text, str) or not text.strip():
        return ""
    return "" if any(m in text for m in _INTERNE_HINWEISE) else text


def ebenen_text(ebenen) -> str:
    """'gemeinde, kreis, land' (ids, any order) → 'Land, Kreis, Gemeinde' (German words, one order)."""
    from sozialatlas import domain

    if isinstance(ebenen, str):
        ids = [e.strip() for e in ebenen.replace(";", ",").split(",") if e.strip()]
    elif ebenen is None or (isinstance(ebenen, float) and math.isnan(ebenen)):
        ids = []
    else:
        ids = [str(e) for e in ebenen]
    return ", ".join(domain.EBENE_LABEL.get(e, e) for e in domain.ebenen_sorted(ids))


_KEINE_ANGABE = {"", "keine angabe", "k. a.", "–", "-"}


def quelle_text(titel, herausgeber=None) -> str:
    """'Titel (Herausgeber)'; without a publisher — or one the title already names — just the title,
    never 'Titel (keine Angabe)' (an imported source names its publisher in its title)."""
    t = titel.strip() if isinstance(titel, str) else ""
    h = herausgeber.strip() if isinstance(herausgeber, str) else ""
    if h.lower() in _KEINE_ANGABE or (h and h in t):
        return t or "–"
    return f"{t} ({h})" if t else h
