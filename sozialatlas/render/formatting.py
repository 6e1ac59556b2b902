"""Numbers and dates the German way: decimal comma, thousands dot, missing is 'keine Daten', a value
withheld for secrecy is 'gesperrt' (never a number, never 0)."""

from __future__ import annotations

import math

KEINE_DATEN = "keine Daten"
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
    return s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


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
