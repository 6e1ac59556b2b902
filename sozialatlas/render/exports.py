"""Downloads: tables as CSV/XLSX, charts as PNG/SVG. Pure functions (no Streamlit), bytes out.

Every table export passes through `neutralise_formulas`: a text cell that starts with = + - @ (or a tab or
carriage return) gets a leading apostrophe, so a spreadsheet shows it as text and never runs it as a
formula (CSV/formula injection, OWASP). Numbers stay numbers: a missing value is an empty cell beside a
'keine Daten' status, never 0.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata

import pandas as pd
import vl_convert

from sozialatlas.render import charts

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUELLEN_SHEET = "Quellen"
# DataFrame.attrs key: {column: decimals} — the indicator's Nachkommastellen for XLSX number formats
DEZIMALEN_ATTR = "dezimalen"


class ChartExportError(RuntimeError):
    """A chart could not be turned into PNG/SVG; the message is German and meant for the page."""


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which text cells (and column names) that a spreadsheet would run as a formula are quoted."""

    def cell(v):
        if isinstance(v, str) and v.startswith(FORMULA_START):
            return "'" + v
        return v

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(cell).astype(object)
    out.columns = [cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def _integral(col: pd.Series) -> bool:
    """A float column that holds only whole numbers (counts, ranks) — written as '5', never '5,0'."""
    if not pd.api.types.is_float_dtype(col.dtype):
        return False
    v = col.dropna()
    return not v.empty and bool(((v % 1) == 0).all()) and bool((v.abs() < 2**53).all())


def integers_as_integers(df: pd.DataFrame) -> pd.DataFrame:
    """Float columns of whole numbers as nullable integers (missing stays empty)."""
    out = df.copy()
    for col in out.columns:
        if _integral(out[col]):
            out[col] = out[col].astype("Int64")
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV as German spreadsheets open it: ';' separated, decimal comma, UTF-8 with BOM (umlauts in Excel);
    counts and ranks as whole numbers ('5', not '5,0')."""
    text = integers_as_integers(neutralise_formulas(df)).to_csv(
        index=False, sep=";", decimal=",", lineterminator="\r\n"
    )
    return ("\ufeff" + text).encode("utf-8")


def number_format(dezimalen: int | None) -> str:
    """Excel number format: '#,##0' for whole numbers, '#,##0.00' for two decimals (Excel shows it in
    the reader's locale: 6,60)."""
    n = 0 if dezimalen is None else max(0, int(dezimalen))
    return "#,##0" + ("." + "0" * n if n else "")


def meta_frame(meta) -> pd.DataFrame:
    """Quelle/Stand/Lizenz as a table: a DataFrame is kept, a dict becomes two columns Angabe/Inhalt."""
    if isinstance(meta, pd.DataFrame):
        return meta
    return pd.DataFrame({"Angabe": list(meta.keys()), "Inhalt": [str(v) for v in meta.values()]})


def to_xlsx_bytes(df: pd.DataFrame, meta, sheet_name: str = "Daten") -> bytes:
    """An Excel workbook: the table (header bold, frozen, readable widths) and a sheet 'Quellen'.

    meta: dict of str → str (e.g. {"Quelle": …, "Stand": …, "Lizenz": …}) or a DataFrame with such columns.
    """
    from openpyxl.styles import Font

    dez = dict(df.attrs.get(DEZIMALEN_ATTR) or {})
    data = neutralise_formulas(df)
    formats = {
        i: number_format(dez[c]) if c in dez else "#,##0"
        for i, c in enumerate(data.columns, start=1)
        if (c in dez and pd.api.types.is_numeric_dtype(data[c].dtype)) or _integral(data[c])
    }
    quellen = neutralise_formulas(meta_frame(meta))
    sheet_name = _sheet_name(sheet_name)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for frame, name in ((data, sheet_name), (quellen, QUELLEN_SHEET)):
            frame.to_excel(writer, sheet_name=name, index=False)
            ws = writer.sheets[name]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for i, col in enumerate(frame.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(8, width + 2))
            # openpyxl writes text cells as inline/shared strings; '=…' would otherwise become a formula
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
                    elif name != QUELLEN_SHEET and cell.column in formats and cell.data_type == "n":
                        cell.number_format = formats[cell.column]
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", name).strip() or "Daten"
    return name[:31]


def _no_nan(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _no_nan(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_no_nan(v) for v in obj]
    return obj


def chart_spec(chart) -> str:
    """Strict JSON of a chart for vl-convert. Altair writes a gap in a series (NaN) as the bare word NaN,
    which is not JSON: vl-convert then refuses the whole spec. A gap is null — Vega draws no point there.
    Raises ChartExportError (German) when the chart cannot be written."""
    try:
        text = chart.to_json() if hasattr(chart, "to_json") else chart
        spec = json.loads(text) if isinstance(text, str) else text
        return json.dumps(_no_nan(spec), allow_nan=False, ensure_ascii=False)
    except (ValueError, TypeError) as exc:
        raise ChartExportError(f"Die Grafik konnte nicht als Datei erstellt werden ({exc}).") from exc


def chart_png(chart, scale: float = 2.0) -> bytes:
    """A PNG of an Altair chart (rendered locally by vl-convert, no browser, no network)."""
    spec = chart_spec(chart)
    try:
        return vl_convert.vegalite_to_png(
            spec, scale=scale, format_locale=charts.DE_FORMAT_LOCALE, allowed_base_urls=[]
        )
    except ValueError as exc:
        raise ChartExportError(f"Die Grafik konnte nicht als PNG erstellt werden ({exc}).") from exc


def chart_svg(chart) -> bytes:
    """An SVG of an Altair chart (vector, for reports)."""
    spec = chart_spec(chart)
    try:
        svg = vl_convert.vegalite_to_svg(spec, format_locale=charts.DE_FORMAT_LOCALE, allowed_base_urls=[])
    except ValueError as exc:
        raise ChartExportError(f"Die Grafik konnte nicht als SVG erstellt werden ({exc}).") from exc
    return svg.encode("utf-8")


def filename(*parts, ext: str) -> str:
    """'Kreisvergleich', 'Schuldnerquote', 2021 → 'kreisvergleich_schuldnerquote_2021.csv' (ASCII, safe)."""
    text = "_".join(str(p) for p in parts if p is not None and str(p) != "")
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = text.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "export"
    return f"{text[:80]}.{ext.lstrip('.')}"


def sources_sheet(quellen: pd.DataFrame, *notes: str) -> pd.DataFrame:
    """The 'Quellen' sheet of a download: each source with Herausgeber, Lizenz, Stand and Referenz, then one
    line per note (boundary attribution, Geheimhaltung rule, a conversion note …)."""
    meta = quellen.rename(
        columns={
            "titel": "Quelle",
            "herausgeber": "Herausgeber",
            "lizenz": "Lizenz",
            "stand": "Stand",
            "referenz": "Referenz",
        }
    ).drop(columns=["id"])
    for text in notes:
        meta.loc[len(meta)] = {"Quelle": text, "Herausgeber": "", "Lizenz": "", "Stand": "", "Referenz": ""}
    return meta
