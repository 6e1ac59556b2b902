"""Download buttons for tables and charts. Files are built only when clicked (deferred data), so a page
with many charts stays fast; clicking does not rerun the page.

    downloads.table_buttons(export_df, meta, basename="kreisvergleich_schuldnerquote_2021", key="kv")
    downloads.chart_buttons(chart, basename="rangfolge_schuldnerquote_2021", key="kv_rang")
"""

from __future__ import annotations

import streamlit as st

from sozialatlas.render import exports

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_buttons(df, meta, *, basename: str, key: str, sheet_name: str = "Daten", label: str = "Tabelle") -> None:
    """CSV and XLSX of `df` (German headers expected) with Quelle/Stand/Lizenz in the workbook."""
    c1, c2 = st.columns(2)
    c1.download_button(
        f"{label} als CSV",
        lambda: exports.to_csv_bytes(df),
        file_name=exports.filename(basename, ext="csv"),
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    c2.download_button(
        f"{label} als Excel",
        lambda: exports.to_xlsx_bytes(df, meta, sheet_name),
        file_name=exports.filename(basename, ext="xlsx"),
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )


def chart_buttons(chart, *, basename: str, key: str, label: str = "Grafik") -> None:
    """PNG (for slides) and SVG (for print) of an Altair chart."""
    c1, c2 = st.columns(2)
    c1.download_button(
        f"{label} als PNG",
        lambda: exports.chart_png(chart),
        file_name=exports.filename(basename, ext="png"),
        mime="image/png",
        key=f"{key}_png",
        on_click="ignore",
        icon=":material/image:",
    )
    c2.download_button(
        f"{label} als SVG",
        lambda: exports.chart_svg(chart),
        file_name=exports.filename(basename, ext="svg"),
        mime="image/svg+xml",
        key=f"{key}_svg",
        on_click="ignore",
        icon=":material/image:",
    )
