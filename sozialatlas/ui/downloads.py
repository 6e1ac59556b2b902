"""Download buttons for tables and charts. Files are built only when clicked (deferred data), so a page
with many charts stays fast; clicking does not rerun the page.

    downloads.table_buttons(export_df, meta, basename="kreisvergleich_schuldnerquote_2021", key="kv")
    downloads.chart_buttons(chart, basename="rangfolge_schuldnerquote_2021", key="kv_rang")
    downloads.chart_buttons(lambda: make_chart(), basename="karte", key="kv_karte")  # built on click
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
    """PNG (for slides) and SVG (for print) of an Altair chart — or of a function returning one.

    A chart is checked now, so one that cannot be exported says so on the page instead of a button that
    silently downloads nothing. A function is called only when a button is clicked: building and
    serialising the export charts of the Kreisvergleich on every rerun was ≈ 10 % of a cached rerun
    (issue 13); if it fails then, Streamlit shows its download error and the log has the reason."""
    if callable(chart):
        build = chart

        def spec():
            return exports.chart_spec(build())
    else:
        try:
            checked = exports.chart_spec(chart)
        except exports.ChartExportError as exc:
            st.error(f"{label}: {exc} Bitte die Tabelle herunterladen oder die Seite neu laden.")
            return

        def spec():
            return checked

    c1, c2 = st.columns(2)
    c1.download_button(
        f"{label} als PNG",
        lambda: exports.chart_png(spec()),
        file_name=exports.filename(basename, ext="png"),
        mime="image/png",
        key=f"{key}_png",
        on_click="ignore",
        icon=":material/image:",
    )
    c2.download_button(
        f"{label} als SVG",
        lambda: exports.chart_svg(spec()),
        file_name=exports.filename(basename, ext="svg"),
        mime="image/svg+xml",
        key=f"{key}_svg",
        on_click="ignore",
        icon=":material/image:",
    )


def on_request(
    label: str,
    build,
    *,
    subject,
    file_name: str,
    mime: str,
    key: str,
    container=None,
    icon: str = ":material/picture_as_pdf:",
) -> None:
    """A file that takes seconds to build (PDF, PowerPoint): „<label> erstellen“ builds it for `subject` (the
    Kreis, the Gemeinde, the Präsentation …), then „<label> herunterladen“ appears. Choosing another subject
    asks again, so a download never carries the previous one. `build` is called only then."""
    where = container or st
    chosen = f"_{key}_fuer"
    if where.button(f"{label} erstellen", key=f"{key}_btn", icon=icon):
        st.session_state[chosen] = subject
    if st.session_state.get(chosen) != subject:
        return
    where.download_button(
        f"{label} herunterladen",
        build(),
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )
