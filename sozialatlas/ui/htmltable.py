"""Big tables beside a map as one accessible HTML table (sozialatlas.render.htmltable), not st.table.

htmltable.show(table, caption="Arbeitslosenanteil 2021 — Gemeinden, Thüringen", height=560)
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from sozialatlas.render import htmltable
from sozialatlas.ui import plain

BASELINE_ENV = "SOZIALATLAS_BENCH_TABELLE"


def show(
    df: pd.DataFrame,
    *,
    caption: str,
    row_header: str | None = None,
    highlight: str | None = None,
    height: int | None = None,
) -> None:
    """One st.html element: every cell escaped, caption and header scopes for screen readers. The
    table scrolls inside `height` px when it has more than about 14 rows."""
    if os.environ.get(BASELINE_ENV) == "st.table":
        # the code path before (one Markdown cell per value): only for benchmarks/browser.py's baseline
        if row_header is None and isinstance(df.index, pd.RangeIndex):
            df = df.set_index(df.columns[0])
        st.table(df.set_index(row_header) if row_header else df)
        return
    # HTML-escaped in render.htmltable; bidi/control characters from data removed here (sozialatlas.ui.plain)
    st.html(
        htmltable.to_html(
            plain.frame(df),
            caption=plain.text(caption),
            row_header=plain.text(row_header) if row_header is not None else None,
            highlight=plain.text(highlight) if highlight is not None else None,
            height=height,
        )
    )


def tables(at) -> list[pd.DataFrame]:
    """For AppTest: the tables a page shows, st.table ones and HTML ones alike (DataFrames, index = row
    headers). HTML elements that are not tables written by render.htmltable are skipped."""
    out = [t.value for t in at.table]
    for el in at.get("html"):
        body = getattr(el, "proto", None)
        body = getattr(body, "body", "") if body is not None else ""
        if "<table" in body and "sa-tabelle" in body:
            out.append(htmltable.read(body))
    return out
