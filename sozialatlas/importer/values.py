"""Cell values of an imported table: numbers written the German or the English way, region keys that
Excel mangled, years in column headers. Pure functions; every failure is a German sentence (ValueError).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from sozialatlas.importer.files import short

# Symbols of the official statistics' "Zeichenerklärung" and common office spellings of "no value".
# They become observations with status `fehlend` (never 0); the meaning goes into `hinweis`.
MISSING_SYMBOLS = {
    "-": "„–“: in der amtlichen Statistik „nichts vorhanden“ (genau null) – als fehlend übernommen",
    "–": "„–“: in der amtlichen Statistik „nichts vorhanden“ (genau null) – als fehlend übernommen",
    "—": "„–“: in der amtlichen Statistik „nichts vorhanden“ (genau null) – als fehlend übernommen",
    ".": "„.“: Zahlenwert unbekannt oder geheim zu halten",
    "x": "„x“: Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
    "/": "„/“: keine Angabe, da Zahlenwert nicht sicher genug",
    "...": "„…“: Angabe fällt später an",
    "…": "„…“: Angabe fällt später an",
    "*": "„*“: geheim gehalten",
    "k.a.": "„k. A.“: keine Angabe",
    "k. a.": "„k. A.“: keine Angabe",
    "ka": "„k. A.“: keine Angabe",
    "n.v.": "„n. v.“: nicht vorhanden",
    "#nv": "„#NV“: kein Wert",
    "#n/a": "„#NV“: kein Wert",
    "na": "„NA“: kein Wert",
}
ZERO_SYMBOLS = {"-", "–", "—"}
EXCEL_ERRORS = {"#div/0!", "#wert!", "#value!", "#bezug!", "#ref!", "#name?", "#zahl!", "#num!", "#null!"}

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']")
_DE_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")  # 1.234 or 1.234,5
_EN_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,234 or 1,234.5
_COMMA_DEC = re.compile(r"[+-]?\d*,\d+")  # 12,5  ,5
_POINT_DEC = re.compile(r"[+-]?\d*\.\d+")  # 12.5  .5
_INT = re.compile(r"[+-]?\d+")
_SCI = re.compile(r"[+-]?\d+([.,]\d+)?[eE][+-]?\d+")


class Missing:
    """A cell that deliberately holds no number (a statistics symbol); `hinweis` says what it meant."""

    def __init__(self, symbol: str, hinweis: str):
        self.symbol = symbol
        self.hinweis = hinweis


def number_style(texts) -> bool | None:
    """True if the cells use the decimal comma, False for the decimal point, None if no cell tells.

    Only cells that cannot be read both ways count ("12,5" or "1.234,5" → comma; "12.5" → point); "1.234"
    is ambiguous and decided by the rest of the file.
    """
    comma = point = 0
    for t in texts:
        s = _SPACES.sub("", t)
        if _DE_THOUSANDS.fullmatch(s) and "," in s or (_COMMA_DEC.fullmatch(s) and not _EN_THOUSANDS.fullmatch(s)):
            comma += 1
        elif _EN_THOUSANDS.fullmatch(s) and "." in s or (_POINT_DEC.fullmatch(s) and not _DE_THOUSANDS.fullmatch(s)):
            point += 1
    if comma == point:
        return None
    return comma > point


def parse_number(value, decimal_comma: bool = True):
    """A cell → float, None (empty) or Missing (statistics symbol). ValueError with a German reason."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"„{'WAHR' if value else 'FALSCH'}“ ist ein Wahrheitswert, keine Zahl")
    if isinstance(value, (int, float)):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError("ist keine endliche Zahl")
        return x
    if isinstance(value, (dt.date, dt.datetime)):
        raise ValueError(f"„{value:%d.%m.%Y}“ ist ein Datum, keine Zahl – in Excel als Zahl formatieren")
    raw = str(value).strip()
    if raw == "":
        return None
    low = raw.lower()
    if low in MISSING_SYMBOLS:
        return Missing(raw, MISSING_SYMBOLS[low])
    if low in EXCEL_ERRORS:
        raise ValueError(
            f"„{raw}“ ist ein Excel-Fehlerwert – bitte die Formel in der Datei korrigieren oder die Zelle leeren"
        )
    s = _SPACES.sub("", raw).replace("\u2212", "-")
    if s.endswith("%"):
        s = s[:-1]
    if s.startswith("="):
        raise ValueError(f"„{short(raw)}“ ist eine Formel als Text, keine Zahl")
    if _SCI.fullmatch(s):
        return float(s.replace(",", "."))
    if _INT.fullmatch(s):
        return float(s)
    de_thousands, en_thousands = _DE_THOUSANDS.fullmatch(s), _EN_THOUSANDS.fullmatch(s)
    if de_thousands and ("," in s or decimal_comma):
        return float(s.replace(".", "").replace(",", "."))
    if en_thousands and ("." in s or not decimal_comma):
        return float(s.replace(",", ""))
    if _COMMA_DEC.fullmatch(s):
        return float(s.replace(",", "."))
    if _POINT_DEC.fullmatch(s):
        return float(s)
    raise ValueError(f"„{short(raw)}“ ist keine Zahl")


# ----------------------------------------------------------------------------------------------- keys

_KEY_LENGTHS = {2: "land", 5: "kreis", 8: "gemeinde", 9: "gemeindeverband"}
# A lost leading zero (Excel treats keys as numbers): 4 → 5, 7 → 8, 1 → 2 digits; 11 → 12 (ARS).
_PAD = {1: 2, 4: 5, 7: 8, 11: 12}


def normalize_key(value) -> str | None:
    """A cell that holds a region key → the key as text with its leading zeros; None if it is no key.

    Handles what Excel does to keys: 16068000 → 16068000.0 → "1.6068E+07", lost leading zeros (a
    Gemeinde key 1001000 of Schleswig-Holstein is padded to 01001000), and a 12-digit ARS of a Gemeinde,
    which is turned into its 8-digit AGS.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        digits = str(value) if value >= 0 else None
    elif isinstance(value, float):
        digits = str(int(value)) if math.isfinite(value) and value.is_integer() and value >= 0 else None
    else:
        s = _SPACES.sub("", str(value))
        if re.fullmatch(r"\d+", s):
            digits = s
        elif re.fullmatch(r"\d+[.,]0+", s):
            digits = re.split(r"[.,]", s)[0]
        elif _SCI.fullmatch(s):
            try:
                d = Decimal(s.replace(",", "."))
            except InvalidOperation:
                return None
            digits = str(int(d)) if d == d.to_integral_value() and d >= 0 else None
        else:
            return None
    if not digits:
        return None
    digits = "0" * (_PAD.get(len(digits), len(digits)) - len(digits)) + digits
    if len(digits) == 12:  # ARS of a Gemeinde: Land, RB, Kreis (5) + Verband (4) + Gemeinde (3)
        digits = digits[:5] + digits[9:]
    if len(digits) in (5, 8, 9) and digits[2:].strip("0") == "":
        digits = digits[:2]  # "16000", "16000000": the Land itself
    return digits


def level_of_key(key: str) -> str | None:
    return _KEY_LENGTHS.get(len(key))


# ---------------------------------------------------------------------------------------------- years

_YEAR_HEADER = re.compile(
    r"(?:(?:jahr|year|berichtsjahr|stand|stichtag|ende|jahresende|jd|jahresdurchschnitt)\s*)?"
    r"(?:\d{1,2}\.\s?\d{1,2}\.\s?)?(\d{4})(?:\.0+)?(?:\s*\(.*\))?",
    re.IGNORECASE,
)


def year_of_header(value) -> int | None:
    """A column header naming a year ("2019", 2019, "2019.0", "Jahr 2019", "31.12.2019") → 2019."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    if isinstance(value, float):
        return int(value) if value.is_integer() and 1000 <= value <= 9999 else None
    if isinstance(value, int):
        return value if 1000 <= value <= 9999 else None
    m = _YEAR_HEADER.fullmatch(str(value).strip())
    return int(m.group(1)) if m else None


def parse_year(value) -> int:
    """A cell of a year column → int; ValueError with a German reason."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    y = year_of_header(value)
    if y is None:
        raise ValueError(f"„{short(value if value is not None else '')}“ ist keine Jahreszahl")
    return y


def decimals_of(value) -> int:
    """Decimal places a cell was written with ("12,50" → 2), for the indicator's display default."""
    if isinstance(value, float):
        s = repr(value)
        return 0 if value.is_integer() or "e" in s else len(s.split(".")[1])
    if isinstance(value, str):
        s = _SPACES.sub("", value).rstrip("%")
        m = re.fullmatch(r"[+-]?[\d.]*,(\d+)", s)
        if m and not _EN_THOUSANDS.fullmatch(s):
            return len(m.group(1))
        m = re.fullmatch(r"[+-]?[\d,]*\.(\d+)", s)
        if m and not _DE_THOUSANDS.fullmatch(s):
            return len(m.group(1))
    return 0
