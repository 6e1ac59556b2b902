"""From table rows to observations: which region each row means, and whether its numbers are plausible
(negative counts, numerator above denominator, years out of range, duplicates, text in number cells)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from sozialatlas.importer import meta as importer_meta
from sozialatlas.importer.files import cell_text, short
from sozialatlas.importer.layout import looks_like_key
from sozialatlas.importer.model import OBS_COLUMNS, Problem, RawTable, Report, de_int
from sozialatlas.importer.regions import AB, BIS, KEY_WORD, LEVEL_WORD, RegionLookup, Regions
from sozialatlas.importer.values import (
    ZERO_SYMBOLS,
    Missing,
    decimals_of,
    level_of_key,
    normalize_key,
    number_style,
    parse_number,
    parse_year,
)

YEAR_MIN = 1990
_FOOTNOTE = re.compile(
    r"^(quelle|quellen|anmerkung|hinweis|fu(ss|ß)note|stand|datenstand|erstellt|©|\(c\)|\*|"
    r"\d\)|-\s|–\s|zeichenerkl)",
    re.IGNORECASE,
)


@dataclass
class _Cell:
    row: int
    column: str
    ebene: str
    gebietsstand: str
    schluessel: str
    jahr: int
    wert: object
    zaehler: object = None
    nenner: object = None
    stand: str | None = None
    hinweis: str | None = None


def stand_for(stand: str | None, jahr: int) -> str | None:
    """A Stand given without a year ("31.12." or "Jahresdurchschnitt") is completed per year."""
    if not stand:
        return stand
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.?", stand)
    if m:
        return f"{jahr}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    if stand.casefold() in ("jahresdurchschnitt", "jd"):
        return f"{jahr} (Jahresdurchschnitt)"
    return stand


def _is_footnote(row: list) -> bool:
    filled = [c for c in row if c is not None and c != ""]
    if len(filled) != 1:
        return False
    text = cell_text(filled[0])
    return (
        bool(_FOOTNOTE.match(text)) or ":" in text or len(text) > 60 or not any(ch.isalnum() for ch in text)
    )  # a rule line such as "______"


@dataclass
class _RowRegion:
    row: list
    n: int
    key_cell: object
    key: str | None
    name_cell: object


def _region_rows(table: RawTable, report: Report) -> list[_RowRegion]:
    """The data rows with their key (normalised) and name cells; footnotes below the table are skipped."""
    lay = table.layout
    out = []
    for r, n in zip(table.rows, table.rownums):
        if _is_footnote(r) and not any(cell_text(r[c]) for c in lay.value_cols()):
            first = next(cell_text(c) for c in r if cell_text(c))
            if not looks_like_key(first):
                report.row_hint("fussnote", f"Zeile {n} („{short(first, 40)}“) wurde als Fußnote übersprungen.")
                continue
        key_cell = r[lay.key_col] if lay.key_col is not None else None
        name_cell = r[lay.name_col] if lay.name_col is not None else None
        key = normalize_key(key_cell)
        if cell_text(key_cell) and key is None and not cell_text(name_cell):
            name_cell = key_cell  # a name in the key column
        if key is None and lay.key_col is None and looks_like_key(name_cell):
            # a Gebiet column that mixes names and keys („Erfurt“, „16053“): a key is a key
            key_cell, key, name_cell = name_cell, normalize_key(name_cell), None
        out.append(_RowRegion(r, n, key_cell, key, name_cell))
    return out


def _kreis_stand(rows: list[_RowRegion], gebietsstand: str | None, report: Report) -> str:
    """23 Kreise if Eisenach is a Kreis of its own in the file, else 22 (said in a hint if it matters)."""
    if gebietsstand in (AB, BIS):
        return gebietsstand
    if any(x.key == "16056" or (not x.key and _norm_is(x.name_cell, "eisenach")) for x in rows):
        return BIS
    if any(x.key == "16063" or (not x.key and _norm_is(x.name_cell, "wartburgkreis")) for x in rows):
        report.hints.append(
            "Die Datei enthält Eisenach nicht als eigenen Kreis; die Kreise werden dem Gebietsstand "
            "ab 01.07.2021 (22 Kreise, Wartburgkreis mit Eisenach) zugeordnet. Ist der Wartburgkreis "
            "ohne Eisenach gemeint, bitte den Gebietsstand „bis-2021-06-30“ wählen."
        )
    return AB


def _resolve(
    x: _RowRegion,
    regions: Regions,
    ebene: str | None,
    name_level: str,
    kreis_stand: str,
    name_column: str | None,
    report: Report,
):
    """The region of a row (RegionLookup with the German reason if there is none)."""
    if x.key:
        lv = level_of_key(x.key)
        if lv is None:
            raise RegionLookup(
                f"„{short(cell_text(x.key_cell))}“ ist kein gültiger Gebietsschlüssel: erwartet werden "
                "5 Ziffern (Kreis), 8 (Gemeinde), 9 (Gemeindeverband) oder 16 (Land)."
            )
        if ebene is not None and lv not in (ebene, "land"):
            raise RegionLookup(
                f"„{x.key}“ ist ein {KEY_WORD[lv]}, gewählt ist aber die Ebene {LEVEL_WORD[ebene]}. "
                "Bitte die Ebene oder den Schlüssel prüfen."
            )
        region = regions.by_key(x.key, lv, regions.stand_of(lv, kreis_stand))
        if cell_text(x.name_cell):
            _check_name(regions, region, cell_text(x.name_cell), x.n, name_column, report)
        return region
    return regions.by_name(cell_text(x.name_cell), name_level, regions.stand_of(name_level, kreis_stand))


def cells(
    table: RawTable, regions: Regions, m: dict, ebene: str | None, gebietsstand: str | None, report: Report
) -> list[_Cell]:
    lay = table.layout
    key_column = table.columns[lay.key_col] if lay.key_col is not None else None
    name_column = table.columns[lay.name_col] if lay.name_col is not None else None
    rows = _region_rows(table, report)
    key_levels = {level_of_key(x.key) for x in rows if x.key} - {None, "land"}
    kreis_stand = _kreis_stand(rows, gebietsstand, report)
    name_level = ebene
    if name_level is None:
        names = [cell_text(x.name_cell) for x in rows if not x.key and cell_text(x.name_cell)]
        name_level = (
            next(iter(key_levels))
            if len(key_levels) == 1
            else regions.level_for_names(names, kreis_stand)
            if names
            else "kreis"
        )
    if ebene is None and len(key_levels) > 1:
        report.hints.append(
            "Die Datei mischt Ebenen ("
            + ", ".join(LEVEL_WORD[lv] for lv in sorted(key_levels))
            + "); jede Zeile wird der Ebene ihres Schlüssels zugeordnet."
        )
    cells: list[_Cell] = []
    scientific: list[int] = []
    for x in rows:
        if not x.key and not cell_text(x.name_cell):
            if any(cell_text(x.row[c]) for c in lay.value_cols()):
                report.problems.append(
                    Problem(
                        x.n,
                        key_column or name_column,
                        "Die Zeile hat Werte, aber weder "
                        "Gebietsschlüssel noch Gebietsname. Bitte ergänzen oder die Zeile "
                        "löschen.",
                    )
                )
            continue
        try:
            region = _resolve(x, regions, ebene, name_level, kreis_stand, name_column, report)
        except RegionLookup as exc:
            msg = str(exc)
            if _scientific(x.key_cell):
                msg += (
                    f" Die Zelle „{short(cell_text(x.key_cell), 20)}“ ist in wissenschaftlicher Schreibweise; "
                    "dabei hat Excel wahrscheinlich Ziffern abgeschnitten. Bitte die Schlüsselspalte als Text "
                    "formatieren und die Schlüssel vollständig eintragen."
                )
            report.problems.append(Problem(x.n, key_column if x.key else (name_column or key_column), msg))
            continue
        if _scientific(x.key_cell):
            scientific.append(x.n)
        cells.extend(_row_cells(x.row, x.n, region, table, m, report))
    if scientific:
        report.hints.append(
            f"{de_int(len(scientific))} Schlüssel standen in wissenschaftlicher Schreibweise (z. B. "
            f"Zeile {scientific[0]}); sie passen zu Thüringer Gebieten, bitte trotzdem prüfen, ob "
            "Excel Ziffern abgeschnitten hat."
        )
    return cells


def _scientific(cell) -> bool:
    return isinstance(cell, str) and re.fullmatch(r"\s*\d+([.,]\d+)?[eE][+]?\d+\s*", cell) is not None


def _norm_is(cell, name: str) -> bool:
    from sozialatlas.importer.regions import norm_name

    return bool(cell_text(cell)) and norm_name(cell_text(cell)) == name


def _check_name(regions: Regions, region, text: str, row: int, column: str | None, report: Report) -> None:
    """Key and name both given: a name that is clearly another region of the level means shifted rows."""
    from sozialatlas.importer.regions import LAND_NAMES, norm_name

    n = norm_name(text)
    if n == norm_name(region.name) or (region.ebene == "land" and n in LAND_NAMES):
        return
    try:
        other = regions.by_name(text, region.ebene, region.gebietsstand)
    except RegionLookup:
        report.row_hint(
            "name",
            f"Zeile {row}: Schlüssel {region.schluessel} ist „{region.name}“, in der Datei "
            f"steht „{short(text, 40)}“ – bitte prüfen.",
        )
        return
    report.problems.append(
        Problem(
            row,
            column,
            f"Der Schlüssel {region.schluessel} gehört zu „{region.name}“, in "
            f"der Zeile steht aber „{short(text, 40)}“ ({other.schluessel}). Sind Zeilen "
            "verrutscht? Bitte Schlüssel und Namen abgleichen.",
        )
    )


def _row_cells(r: list, n: int, region, table: RawTable, m: dict, report: Report) -> list[_Cell]:
    lay = table.layout
    cols = table.columns
    stand_meta = m.get("stand")
    out = []
    stand_row = cell_text(r[lay.stand_col]) if lay.stand_col is not None else ""
    hinweis = cell_text(r[lay.hinweis_col]) if lay.hinweis_col is not None else ""
    if lay.kind == "breit":
        for c, year in lay.year_cols.items():
            if cell_text(r[c]) == "":
                continue
            out.append(
                _Cell(
                    n,
                    cols[c],
                    region.ebene,
                    region.gebietsstand,
                    region.schluessel,
                    year,
                    r[c],
                    stand=stand_for(stand_row or stand_meta, year),
                    hinweis=hinweis or None,
                )
            )
        return out
    jahr_cell = r[lay.jahr_col]
    values = [r[c] if c is not None else None for c in (lay.wert_col, lay.zaehler_col, lay.nenner_col)]
    if not any(cell_text(v) for v in values):
        return out
    try:
        year = parse_year(jahr_cell)
    except ValueError as exc:
        report.problems.append(
            Problem(n, cols[lay.jahr_col], f"{exc}. Bitte das Jahr vierstellig eintragen, z. B. 2023.")
        )
        return out
    wert_name = cols[lay.wert_col] if lay.wert_col is not None else cols[lay.zaehler_col]
    out.append(
        _Cell(
            n,
            wert_name,
            region.ebene,
            region.gebietsstand,
            region.schluessel,
            year,
            values[0],
            zaehler=values[1],
            nenner=values[2],
            stand=stand_for(stand_row or stand_meta, year),
            hinweis=hinweis or None,
        )
    )
    return out


@dataclass
class _Rules:
    """What the numbers of this file and indicator must satisfy."""

    decimal_comma: bool
    counts: bool  # a count cannot be negative
    share: bool  # a share's numerator cannot exceed its denominator
    einheit: str | None
    zname: str | None
    nname: str | None

    def observation(self, c: _Cell, problems: list[Problem]) -> dict | None:
        """The row to store for one cell, or None after appending the reasons to `problems`."""
        parsed = {}
        for what, val, colname in (
            ("wert", c.wert, c.column),
            ("zaehler", c.zaehler, self.zname),
            ("nenner", c.nenner, self.nname),
        ):
            try:
                parsed[what] = parse_number(val, self.decimal_comma)
            except ValueError as exc:
                problems.append(
                    Problem(
                        c.row,
                        colname,
                        f"{exc}. Bitte eine Zahl eintragen (z. B. 1.234,5) oder die "
                        "Zelle leer lassen, wenn es keinen Wert gibt.",
                    )
                )
        if len(parsed) < 3:
            return None
        wert, zaehler, nenner = parsed["wert"], parsed["zaehler"], parsed["nenner"]
        status, hinweis = "ok", c.hinweis
        if isinstance(wert, Missing):
            status, hinweis, wert = "fehlend", "; ".join(x for x in (hinweis, wert.hinweis) if x), None
        zaehler = None if isinstance(zaehler, Missing) else zaehler
        nenner = None if isinstance(nenner, Missing) else nenner
        before = len(problems)
        if wert is not None and not (0 <= wert <= 100) and _percent_share(self.einheit, c.column):
            problems.append(
                Problem(
                    c.row,
                    c.column,
                    f"Der Wert {_num(wert)} ist kein möglicher Anteil in Prozent (erlaubt sind 0 bis 100). "
                    "Bitte den Wert prüfen – oder, wenn es kein Anteil ist, die Einheit ändern.",
                )
            )
        if self.counts and wert is not None and wert < 0:
            problems.append(
                Problem(
                    c.row,
                    c.column,
                    f"Der Wert {_num(wert)} ist negativ, aber der Indikator zählt "
                    f"({self.einheit or 'Anzahl'}). Bitte den Wert prüfen.",
                )
            )
        for what, x, colname in (("Zähler", zaehler, self.zname), ("Nenner", nenner, self.nname)):
            if x is not None and x < 0:
                problems.append(
                    Problem(
                        c.row,
                        colname,
                        f"Der {what} {_num(x)} ist negativ. Zähler und Nenner sind "
                        "Anzahlen und können nicht negativ sein.",
                    )
                )
        if zaehler is not None and nenner is not None and len(problems) == before:
            if nenner == 0:
                problems.append(
                    Problem(
                        c.row,
                        self.nname,
                        "Der Nenner ist 0; daraus lässt sich keine Quote bilden. "
                        "Bitte den Nenner prüfen oder Zähler und Nenner leer lassen.",
                    )
                )
            elif self.share and zaehler > nenner:
                problems.append(
                    Problem(
                        c.row,
                        self.zname,
                        f"Der Zähler ({_num(zaehler)}) ist größer als der Nenner "
                        f"({_num(nenner)}): ein Anteil kann nicht über 100 % liegen. Bitte Zähler und "
                        "Nenner prüfen (vertauscht?).",
                    )
                )
        if wert is None and status == "ok" and len(problems) == before:
            if zaehler is not None and nenner is not None and _scale(self.einheit):
                wert, status = zaehler / nenner * _scale(self.einheit), "abgeleitet"
            else:
                problems.append(
                    Problem(
                        c.row,
                        c.column,
                        "Der Wert fehlt, obwohl Zähler oder Nenner angegeben sind. Bitte den Wert eintragen.",
                    )
                )
        if len(problems) > before:
            return None
        return {
            "indikator": None,
            "ebene": c.ebene,
            "schluessel": c.schluessel,
            "gebietsstand": c.gebietsstand,
            "jahr": c.jahr,
            "stand": c.stand,
            "wert": wert,
            "zaehler": zaehler,
            "nenner": nenner,
            "status": status,
            "quelle": None,
            "hinweis": hinweis or None,
        }


def _percent_share(einheit: str | None, column: str | None) -> bool:
    """A share in per cent („Anteil in %“, Einheit „Prozent“ for an Anteil or a Quote) lies in 0…100.
    A unit of „Prozent“ alone may be a change rate, which can exceed 100: then the column or unit must say
    Anteil or Quote."""
    text = f"{einheit or ''} {column or ''}".casefold()
    percent = "%" in text or "prozent" in text
    return percent and ("anteil" in text or "quote" in text)


def check_values(
    cells: list[_Cell], table: RawTable, einheit: str | None, aggregation: str | None, report: Report
) -> pd.DataFrame:
    lay = table.layout
    texts = [v for c in cells for v in (c.wert, c.zaehler, c.nenner) if isinstance(v, str)]
    style = number_style(texts)
    cols = table.columns
    rules = _Rules(
        decimal_comma=style if style is not None else not (table.kind == "csv" and table.delimiter == ","),
        counts=importer_meta.is_count_unit(einheit, aggregation),
        share=importer_meta.is_share_unit(einheit) or einheit is None,
        einheit=einheit,
        zname=cols[lay.zaehler_col] if lay.zaehler_col is not None else None,
        nname=cols[lay.nenner_col] if lay.nenner_col is not None else None,
    )
    this_year = dt.date.today().year
    bad_years: set[int] = set()
    records, first_row, decimals = [], {}, [0]
    zero_symbols = 0
    for c in cells:
        if not (YEAR_MIN <= c.jahr <= this_year + 1):
            if lay.kind == "lang":
                report.problems.append(Problem(c.row, cols[lay.jahr_col], _year_text(c.jahr, this_year)))
            elif c.jahr not in bad_years:  # a wide table: once, at the column header
                report.problems.append(Problem(table.header_row, c.column, _year_text(c.jahr, this_year)))
                bad_years.add(c.jahr)
            continue
        rec = rules.observation(c, report.problems)
        if rec is None:
            continue
        k = (c.ebene, c.gebietsstand, c.schluessel, c.jahr)
        if k in first_row:
            report.problems.append(
                Problem(
                    c.row,
                    c.column,
                    f"{c.schluessel}, Jahr {c.jahr} steht mehrfach in der "
                    f"Datei (zuerst in Zeile {first_row[k]}). Bitte die doppelte Zeile "
                    "löschen.",
                )
            )
            continue
        first_row[k] = c.row
        records.append(rec)
        decimals.append(decimals_of(c.wert))
        zero_symbols += isinstance(c.wert, str) and c.wert.strip() in ZERO_SYMBOLS
    if zero_symbols:
        report.hints.append(
            f"{de_int(zero_symbols)} Zellen enthalten „–“. In der amtlichen Statistik heißt das „genau "
            "null“; sie werden als fehlend übernommen. Ist 0 gemeint, bitte 0 eintragen."
        )
    report.dezimalen = min(max(decimals), 3)
    return pd.DataFrame(records, columns=OBS_COLUMNS)


def _scale(einheit: str | None) -> float | None:
    e = (einheit or "").casefold()
    if "prozent" in e or "%" in e:
        return 100.0
    if "1.000" in e or "1000" in e:
        return 1000.0
    if "je 100 " in e + " ":
        return 100.0
    return None


def _num(x: float) -> str:
    from sozialatlas.render.formatting import zahl

    return zahl(x)


def _year_text(year: int, this_year: int) -> str:
    return (
        f"Das Jahr {year} liegt außerhalb des erlaubten Bereichs {YEAR_MIN} bis {this_year + 1}. Bitte die "
        "Jahreszahl prüfen."
    )
