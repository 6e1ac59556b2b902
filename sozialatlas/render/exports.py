"""Downloads: tables as CSV/XLSX, charts as PNG/SVG. Pure functions (no Streamlit), bytes out.

Every table export passes through `neutralise_formulas`: a text cell that starts with = + - @ (or a tab or
carriage return) gets a leading apostrophe, so a spreadsheet shows it as text and never runs it as a
formula (CSV/formula injection, OWASP). Numbers stay numbers: a missing value is an empty cell beside a
'keine Daten' status, never 0.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pandas as pd
import vl_convert

from sozialatlas.render import charts

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUELLEN_SHEET = "Quellen"


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


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV as German spreadsheets open it: ';' separated, decimal comma, UTF-8 with BOM (umlauts in Excel)."""
    text = neutralise_formulas(df).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


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

    data = neutralise_formulas(df)
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
    return buf.getvalue()


def _sheet_name(name: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", name).strip() or "Daten"
    return name[:31]


def _spec(chart) -> str:
    return chart.to_json() if hasattr(chart, "to_json") else chart


def chart_png(chart, scale: float = 2.0) -> bytes:
    """A PNG of an Altair chart (rendered locally by vl-convert, no browser, no network)."""
    return vl_convert.vegalite_to_png(
        _spec(chart), scale=scale, format_locale=charts.DE_FORMAT_LOCALE, allowed_base_urls=[]
    )


def chart_svg(chart) -> bytes:
    """An SVG of an Altair chart (vector, for reports)."""
    svg = vl_convert.vegalite_to_svg(_spec(chart), format_locale=charts.DE_FORMAT_LOCALE, allowed_base_urls=[])
    return svg.encode("utf-8")


def filename(*parts, ext: str) -> str:
    """'Kreisvergleich', 'Schuldnerquote', 2021 → 'kreisvergleich_schuldnerquote_2021.csv' (ASCII, safe)."""
    text = "_".join(str(p) for p in parts if p is not None and str(p) != "")
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = text.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "export"
    return f"{text[:80]}.{ext.lstrip('.')}"
