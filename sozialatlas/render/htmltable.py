"""One accessible HTML <table> for big tables beside a map (631 Gemeinden, 23 Kreise).

`st.table` sends every cell through Streamlit's Markdown renderer: for the 631 × 5 cells of all Thüringen
that costs ≈ 3 s of browser main thread on an office PC without GPU; the same table as one HTML string
costs ≈ 0.2 s (benchmarks/browser.py measures both). What a screen reader gets is the same or better:

- a <caption> naming the table (title, Stand), read before the rows;
- column headers as <th scope="col">, the first column (area name) as <th scope="row">, so each value is
  announced with its area and its column;
- numbers right-aligned (class "num"), text left;
- a scrollable region is focusable (tabindex=0) with a label, so keyboard users can scroll it (WCAG 2.1.1).

Every cell text is HTML-escaped: names and notes come from data and imports, never markup. Pure: no
Streamlit (sozialatlas.ui.htmltable shows it).
"""

from __future__ import annotations

import html
import re

import pandas as pd

# Numbers as formatting.zahl writes them (1.234,5 / −3 / 12 %): right-aligned like in st.table.
_NUMERIC = re.compile(r"^[+\-−]?\d{1,3}(\.\d{3})*(,\d+)?( ?%)?$")
HIGHLIGHT_CLASS = "sa-markiert"

CSS = (
    ".sa-tabelle{overflow:auto;border:1px solid rgba(49,51,63,.2);border-radius:.5rem}"
    ".sa-tabelle:focus{outline:2px solid #08519c;outline-offset:2px}"
    ".sa-tabelle table{border-collapse:collapse;width:100%;font-size:.875rem;line-height:1.35}"
    ".sa-tabelle caption{caption-side:top;text-align:left;padding:.4rem .6rem;font-weight:600}"
    ".sa-tabelle th,.sa-tabelle td{padding:.25rem .6rem;border-bottom:1px solid rgba(49,51,63,.12);"
    "text-align:left;vertical-align:top}"
    ".sa-tabelle thead th{position:sticky;top:0;background:#f0f2f6;color:#31333f;z-index:1}"
    ".sa-tabelle tbody th{font-weight:normal}"
    ".sa-tabelle .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    f".sa-tabelle tr.{HIGHLIGHT_CLASS}>*{{background:#fff3b0;font-weight:bold}}"
)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def _is_num(text: str) -> bool:
    return bool(_NUMERIC.match(text.replace("\u00a0", " ")))


def to_html(
    df: pd.DataFrame,
    *,
    caption: str,
    row_header: str | None = None,
    highlight: str | None = None,
    height: int | None = None,
    table_id: str | None = None,
) -> str:
    """`df` as one HTML table (with its <style>): `row_header` is the column whose cells head the rows
    (default: the index if it is named, else the first column); the row whose header equals `highlight`
    is marked (class and aria-current, not by colour alone: callers keep their ▶ marker in the text).
    `height` (px) makes the table a focusable scroll region of that height."""
    if not caption:
        raise ValueError("Eine Tabelle braucht eine Beschriftung (caption).")
    df = df.copy()
    if row_header is None:
        if df.index.name is not None or not isinstance(df.index, pd.RangeIndex):
            row_header = str(df.index.name or "")
            df = df.reset_index(names=row_header)
        else:
            row_header = str(df.columns[0])
    elif row_header not in df.columns:
        raise KeyError(f"Spalte „{row_header}“ fehlt in der Tabelle.")
    cols = [row_header] + [c for c in df.columns if c != row_header]
    df = df[cols]

    head = "".join(f'<th scope="col">{_cell(c)}</th>' for c in cols)
    body = []
    for values in df.itertuples(index=False, name=None):
        first = _cell(values[0])
        mark = str(values[0]) == highlight if highlight is not None else False
        attrs = f' class="{HIGHLIGHT_CLASS}" aria-current="true"' if mark else ""
        cells = [f'<th scope="row">{first}</th>']
        for v in values[1:]:
            text = _cell(v)
            cells.append(f'<td class="num">{text}</td>' if _is_num(text) else f"<td>{text}</td>")
        body.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    label = _cell(caption)
    ident = f' id="{html.escape(table_id, quote=True)}"' if table_id else ""
    if height:
        wrap = f'<div class="sa-tabelle" style="max-height:{int(height)}px" tabindex="0" role="region" aria-label="{label}">'
    else:
        wrap = '<div class="sa-tabelle">'
    return (
        f"<style>{CSS}</style>{wrap}<table{ident}><caption>{label}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


class _Reader:
    """Reads a table written by to_html back (tests, benchmark): header texts and the cell texts."""

    def __init__(self, text: str):
        from html.parser import HTMLParser

        self.caption, self.header, self.rows, self.marked = "", [], [], []
        state = {"in": None, "row": None, "buf": [], "marked": False}
        reader = self

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag == "tr":
                    state["row"] = []
                    state["marked"] = dict(attrs).get("aria-current") == "true"
                elif tag in ("th", "td", "caption"):
                    state["in"], state["buf"] = tag, []

            def handle_endtag(self, tag):
                if tag == "caption":
                    reader.caption = "".join(state["buf"])
                    state["in"] = None
                elif tag in ("th", "td") and state["row"] is not None:
                    state["row"].append("".join(state["buf"]))
                    state["in"] = None
                elif tag == "tr" and state["row"] is not None:
                    if not reader.header:
                        reader.header = state["row"]
                    else:
                        reader.rows.append(state["row"])
                        reader.marked.append(state["marked"])
                    state["row"] = None

            def handle_data(self, data):
                if state["in"]:
                    state["buf"].append(data)

        P(convert_charrefs=True).feed(text)


def read(text: str) -> pd.DataFrame:
    """The DataFrame shown by to_html (index = row headers, named like their column; cells as text);
    `.attrs` holds the caption and the marked row header."""
    r = _Reader(text)
    df = pd.DataFrame(r.rows, columns=r.header)
    df = df.set_index(r.header[0]) if r.header else df
    df.attrs["caption"] = r.caption
    df.attrs["markiert"] = [i for i, m in zip(df.index, r.marked) if m]
    return df
