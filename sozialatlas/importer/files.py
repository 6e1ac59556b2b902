"""Turn the bytes of an uploaded table (CSV or XLSX, as German offices produce them) into a grid of cells.

Everything here is defensive: the bytes come from a person's upload, so any oddity ends in a German
message (`FileProblem`) instead of an exception trace. The file type is decided by the content, not by
the file name, because renamed files are common ("Export.xlsx" that is really a CSV).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from sozialatlas.errors import SozialatlasError

# Excel and LibreOffice formats we cannot read, recognised by their first bytes.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) and other OLE files
_ZIP_MAGIC = b"PK\x03\x04"
_DELIMITERS = ";,\t|"
MAX_CELL_CHARS = 1000


class FileProblem(SozialatlasError):
    """The file cannot be read as a table; str() is a German sentence saying why and what to do."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row = row
        self.column = column


@dataclass
class Grid:
    """Cells as read: `rows[i]` is the list of values of file row `rownums[i]` (1-based, as Excel shows it).

    CSV cells are text; XLSX cells are what openpyxl gives (str, int, float, datetime, bool or None).
    """

    kind: str  # "csv" or "xlsx"
    rows: list[list]
    rownums: list[int]
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # XLSX only
    sheets: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


# Bidi controls (RTL override U+202E and friends) make „Erfurt“ display as something else in names and
# exports („Trojan Source“): treated like any other invisible control character.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")


def _de_int(n: int) -> str:
    """1234567 → '1.234.567'. Only the number is formatted: a sheet name quoted in the same message keeps
    its commas („Daten, Kreise 2021“)."""
    return f"{int(n):,}".replace(",", ".")


def has_control(text: str) -> bool:
    """Invisible control characters (not tab or line breaks): never wanted in a cell."""
    return _CONTROL.search(text) is not None


def printable(text: str) -> str:
    """Text safe for a terminal or a log: control characters (e.g. escape sequences) shown as „�“."""
    return _CONTROL.sub("\ufffd", str(text))


def short(text, limit: int = 60) -> str:
    """Data text quoted in a message: one printable line, cut to `limit` characters."""
    s = printable(" ".join(str(text).split()))
    return s if len(s) <= limit else s[: limit - 1] + "…"


def sniff_kind(data: bytes) -> str:
    """'xlsx', 'xls', 'ods', 'zip', 'csv' from the first bytes."""
    if data.startswith(_OLE_MAGIC):
        return "xls"
    if data.startswith(_ZIP_MAGIC):
        head = data[:200]
        if b"mimetypeapplication/vnd.oasis.opendocument" in head:
            return "ods"
        return "xlsx"
    return "csv"


def _too_many_cells(max_cells: int, where: str) -> FileProblem:
    return FileProblem(
        f"{where} hat mehr als {_de_int(max_cells)} Zellen; erlaubt sind höchstens {_de_int(max_cells)} "
        "(SOZIALATLAS_IMPORT_MAX_CELLS). Bitte nur die benötigten Spalten und Zeilen in eine neue Datei "
        "kopieren oder die Datei aufteilen."
    )


def read_grid(
    data: bytes,
    filename: str,
    sheet: str | None = None,
    *,
    max_rows: int,
    max_uncompressed: int,
    max_cells: int = 500_000,
) -> Grid:
    """The cells of a CSV or XLSX; `max_rows` and `max_cells` bound CPU and memory: both are checked
    while streaming, before anything big is held in memory."""
    kind = sniff_kind(data)
    lower = filename.lower()
    if kind == "xls":
        raise FileProblem(
            "Die Datei ist im alten Excel-Format (.xls), mit Kennwort verschlüsselt oder ein anderes "
            "Office-Binärformat. Bitte in Excel einen Kennwortschutz entfernen, „Speichern unter“ → "
            "„Excel-Arbeitsmappe (*.xlsx)“ oder „CSV (Trennzeichen-getrennt)“ wählen und die neue "
            "Datei hochladen."
        )
    if kind == "ods":
        raise FileProblem(
            "Die Datei ist eine LibreOffice-Tabelle (.ods). Bitte in LibreOffice „Speichern "
            "unter“ → „Excel 2007-365 (.xlsx)“ oder „Text CSV“ wählen und erneut hochladen."
        )
    if kind == "xlsx":
        grid = _read_xlsx(data, sheet, max_rows=max_rows, max_uncompressed=max_uncompressed, max_cells=max_cells)
        if not lower.endswith((".xlsx", ".xlsm")):
            grid.hints.append(
                f"Die Datei „{short(filename)}“ ist eine Excel-Arbeitsmappe (xlsx), obwohl "
                "ihr Name anders endet; sie wurde als Excel-Datei gelesen."
            )
        return grid
    grid = _read_csv(data, max_rows=max_rows, max_cells=max_cells)
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        grid.hints.append(
            f"Die Datei „{short(filename)}“ heißt wie eine Excel-Datei, ist aber eine "
            "CSV-Textdatei; sie wurde als CSV gelesen."
        )
    if sheet:
        grid.hints.append(
            f"Die Angabe Tabellenblatt „{short(sheet)}“ wurde ignoriert: eine CSV-Datei hat keine Tabellenblätter."
        )
    return grid


# ---------------------------------------------------------------------------------------------------- CSV


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name. UTF-8 (with or without BOM) first, then UTF-16 with BOM (Excel's
    "Unicode-Text"), then Windows-1252 – the encoding of "CSV (Trennzeichen-getrennt)" in German Excel."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 mit BOM"
        except UnicodeDecodeError as exc:
            raise FileProblem(
                f"Die Datei beginnt mit einer UTF-8-Kennung (BOM), enthält aber an Byte "
                f"{exc.start + 3} Zeichen, die kein UTF-8 sind. Bitte die Datei erneut als "
                "„CSV UTF-8“ speichern."
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise FileProblem(
                "Die Datei gibt sich als UTF-16-Text aus, ist aber beschädigt. Bitte als "
                "„CSV UTF-8“ speichern und erneut hochladen."
            ) from None
    if b"\x00" in data and data[1::2].count(0) > len(data) // 3:
        raise FileProblem(
            "Die Datei ist offenbar UTF-16-Text ohne Kennung (BOM). Bitte in Excel als „CSV UTF-8 "
            "(durch Trennzeichen getrennt)“ speichern und erneut hochladen."
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise FileProblem(
            f"Die Datei enthält in Zeile {line} ein Nullbyte – sie ist keine Textdatei (CSV) "
            "und keine Excel-Arbeitsmappe (xlsx). Bitte die Tabelle in Excel als „CSV UTF-8“ "
            "oder „Excel-Arbeitsmappe (*.xlsx)“ speichern.",
            row=line,
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined; Latin-1 maps them, the control-character check below judges.
        return data.decode("latin-1"), "ISO-8859-1"


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t") or 0x7F <= ord(ch) < 0xA0)
    return bad > max(3, len(sample) // 100)


def _consistent_delimiter(lines: list[str]) -> str | None:
    """The separator that, read with quotes as Excel writes them, gives most lines the same number (> 1)
    of cells. Quote-aware, so a `;`-file whose text cells hold commas – `=HYPERLINK("…","…")` – stays `;`."""
    sample = lines[:50]
    best, best_score = None, 0.0
    for d in ";\t,|":  # order breaks ties: German offices use ";" first
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=d, quotechar='"', strict=False)]
        except csv.Error:
            continue
        multi = [w for w in widths if w > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        score = multi.count(mode) / len(widths)  # share of lines with the common width
        if score > best_score + 1e-9:
            best, best_score = d, score
    return best if best_score >= 0.6 else None


def _sniff_delimiter(lines: list[str]) -> str:
    """The separator that splits the first lines most consistently (a title line may have none)."""
    found = _consistent_delimiter(lines)
    if found is not None:
        return found
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        pass
    counts = {d: sum(line.count(d) for line in lines[:50]) for d in _DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _read_csv(data: bytes, *, max_rows: int, max_cells: int = 500_000) -> Grid:
    text, encoding = decode(data)
    if _looks_binary(text):
        raise FileProblem(
            "Die Datei ist weder eine Textdatei (CSV) noch eine Excel-Arbeitsmappe (xlsx), "
            "sondern enthält Binärdaten. Bitte die Tabelle in Excel als „CSV UTF-8“ oder "
            "„Excel-Arbeitsmappe (*.xlsx)“ speichern."
        )
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise FileProblem("Die Datei ist leer (keine Zeile mit Inhalt). Bitte die richtige Datei wählen.")
    n_lines = len(text.splitlines())
    if n_lines > max_rows + 50:
        raise FileProblem(
            f"Die Datei hat {_de_int(n_lines)} Zeilen; erlaubt sind höchstens {_de_int(max_rows)}. "
            "Bitte die Datei aufteilen."
        )
    delimiter = _sniff_delimiter(lines)
    # Sniffer guesses quoting too; offices use plain double quotes, so only the separator is taken.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    rows, rownums = [], []
    n_cells = 0
    try:
        for row in reader:
            n_cells += len(row)
            if n_cells > max_cells:
                raise _too_many_cells(max_cells, "Die Datei")
            if any(cell.strip() for cell in row):
                rows.append([cell.strip() for cell in row])
                rownums.append(reader.line_num)
    except csv.Error as exc:
        # The Python csv field limit (131,072 characters) is far above any real cell.
        raise FileProblem(
            f"Die CSV-Datei ist in Zeile {reader.line_num} nicht lesbar ({exc}). Oft fehlt ein "
            "schließendes Anführungszeichen oder eine Zelle ist extrem lang.",
            row=reader.line_num,
        ) from None
    return Grid(kind="csv", rows=rows, rownums=rownums, encoding=encoding, delimiter=delimiter)


# --------------------------------------------------------------------------------------------------- XLSX


def _check_zip(data: bytes, max_uncompressed: int) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileProblem(
            "Die Datei sieht aus wie eine Excel-Arbeitsmappe (xlsx), ist aber beschädigt "
            "(kein gültiges ZIP-Archiv). Bitte in Excel öffnen und erneut als „Excel-Arbeitsmappe "
            "(*.xlsx)“ speichern."
        ) from None
    with zf:
        infos = zf.infolist()
        # Declared sizes bound what zipfile will ever unpack, so checking them stops zip bombs early.
        total = sum(i.file_size for i in infos)
        if len(infos) > 10_000 or total > max_uncompressed:
            raise FileProblem(
                f"Die Excel-Datei würde entpackt {_de_int(round(total / 1e6))} MB groß; erlaubt sind "
                f"{_de_int(round(max_uncompressed / 1e6))} MB. Bitte nur das benötigte Tabellenblatt in "
                "eine neue Datei kopieren."
            )
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise FileProblem(
                "Die Datei ist ein ZIP-Archiv, aber keine Excel-Arbeitsmappe (xlsx). Bitte die "
                "Tabelle als „Excel-Arbeitsmappe (*.xlsx)“ oder als CSV speichern."
            )


def _load(data: bytes, read_only: bool):
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about unsupported extensions (data validation, conditional formats): harmless.
            warnings.simplefilter("ignore")
            # read_only: streaming, formulas as written; else everything in memory with Excel's cached results.
            return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=not read_only)
    except Exception:  # noqa: BLE001 - openpyxl raises many types (KeyError, ValueError, XML errors) for broken files
        raise FileProblem(
            "Die Excel-Arbeitsmappe (xlsx) ist beschädigt oder verschlüsselt und kann nicht "
            "gelesen werden. Bitte in Excel öffnen, einen eventuellen Kennwortschutz entfernen und "
            "erneut als „Excel-Arbeitsmappe (*.xlsx)“ speichern."
        ) from None


def _choose_sheet(sheets: list[str], sheet: str | None) -> str:
    if not sheets:
        raise FileProblem("Die Excel-Arbeitsmappe enthält kein Tabellenblatt mit Zellen (nur Diagramme?).")
    if sheet is None:
        return sheets[0]
    if sheet in sheets:
        return sheet
    matches = [s for s in sheets if s.strip().casefold() == sheet.strip().casefold()]
    if len(matches) != 1:
        raise FileProblem(
            f"Das Tabellenblatt „{short(sheet)}“ gibt es in dieser Datei nicht. Vorhanden: "
            + ", ".join(f"„{short(s)}“" for s in sheets)
            + ". Bitte eines davon wählen."
        )
    return matches[0]


def _scan(
    data: bytes, sheet: str | None, max_rows: int, max_cells: int = 500_000
) -> tuple[list[str], str, list[tuple[int, int, str]]]:
    """A streaming pass before anything is held in memory: sheet names, the chosen sheet, the row and
    cell budgets, and where formulas are (their cached results are checked after the full load)."""
    wb = _load(data, read_only=True)
    try:
        sheets = [ws.title for ws in wb.worksheets]
        name = _choose_sheet(sheets, sheet)
        where = f"Das Tabellenblatt „{short(name)}“"
        ws = wb[name]
        # The size the sheet declares (<dimension>): refuse a huge sheet without reading a single row.
        declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
        if declared_rows * declared_cols > max_cells:
            raise _too_many_cells(max_cells, where)
        formulas = []
        n_cells = 0
        for n, row in enumerate(ws.iter_rows(), start=1):
            n_cells += len(row)
            if n_cells > max_cells:  # the declaration may be missing or wrong: count while streaming
                raise _too_many_cells(max_cells, where)
            if n > max_rows + 50:
                raise FileProblem(
                    f"Das Tabellenblatt „{short(name)}“ hat mehr als {_de_int(max_rows)} Zeilen; erlaubt sind "
                    f"höchstens {_de_int(max_rows)}. Bitte die Datei aufteilen."
                )
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    formulas.append((cell.row, cell.column, cell.coordinate))
    except FileProblem:
        raise
    except Exception:  # noqa: BLE001 - any openpyxl failure means a broken file
        raise FileProblem(
            "Die Excel-Arbeitsmappe (xlsx) ist beschädigt und kann nicht gelesen werden. Bitte in "
            "Excel öffnen und erneut als „Excel-Arbeitsmappe (*.xlsx)“ speichern."
        ) from None
    finally:
        wb.close()
    return sheets, name, formulas


def _read_xlsx(data: bytes, sheet: str | None, *, max_rows: int, max_uncompressed: int, max_cells: int) -> Grid:
    _check_zip(data, max_uncompressed)
    sheets, name, formulas = _scan(data, sheet, max_rows, max_cells)
    ws = _load(data, read_only=False)[name]
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    # A merged cell holds its value only in the top-left cell; planners merge headers ("Jahr" over
    # 2019–2021) and region names spanning several rows, so every cell of the range gets the value.
    for rng in ws.merged_cells.ranges:
        top = values[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(values) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(values))):
            for c in range(rng.min_col - 1, min(rng.max_col, len(values[r]))):
                values[r][c] = top
    _check_formulas(formulas, values)
    rows, rownums = [], []
    for i, row in enumerate(values, start=1):
        cells = [v.strip() if isinstance(v, str) else v for v in row]
        if any(v is not None and v != "" for v in cells):
            rows.append(cells)
            rownums.append(i)
    return Grid(kind="xlsx", rows=rows, rownums=rownums, sheet=name, sheets=sheets)


def _check_formulas(formulas: list[tuple[int, int, str]], values: list[list]) -> None:
    """Formulas whose result Excel did not store (files written by scripts, or saved with manual
    calculation) read as empty: that would silently drop values, so name the cells."""
    missing = [
        coord
        for r, c, coord in formulas
        if (values[r - 1][c - 1] if r - 1 < len(values) and c - 1 < len(values[r - 1]) else None) is None
    ]
    if missing:
        shown = ", ".join(missing[:10]) + (f" und {len(missing) - 10} weitere" if len(missing) > 10 else "")
        raise FileProblem(
            f"Die Zellen {shown} enthalten Formeln ohne gespeichertes Ergebnis. Bitte die Datei "
            "in Excel öffnen, neu berechnen lassen (F9) und speichern – oder die Formeln durch "
            "Werte ersetzen („Inhalte einfügen → Werte“)."
        )


def cell_text(value) -> str:
    """A cell as text, the way a person reads it (used for headers, keys and names)."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, str):
        s = value.strip()
        return " ".join(s.split()) if "  " in s or any(ch in s for ch in "\t\r\n\u00a0") else s
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d.%m.%Y")
    return re.sub(r"\s+", " ", str(value)).strip()
