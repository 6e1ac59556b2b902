"""Bivariate colour grids for two classed variables on one map (pure).

Both axes use a colour-blind-safe hue pair, orange (first variable) and blue (second variable), from
ColorBrewer's Oranges and Blues; a cell's colour is the multiply blend of its two tints, so "dark" still
means "unfavourable on both" and every cell differs in lightness. Colour is never the only channel: the
map's table names the class of every area in words.
"""

from __future__ import annotations

from sozialatlas.render import palettes

# light → dark; index 0 = most favourable class
_ORANGES = {3: ["#fff5eb", "#fdae6b", "#e6550d"], 4: ["#fff5eb", "#fdbe85", "#fd8d3c", "#d94701"]}
_BLUES = {3: ["#f7fbff", "#9ecae1", "#3182bd"], 4: ["#f7fbff", "#bdd7e7", "#6baed6", "#2171b5"]}
KEINE_DATEN = palettes.KEINE_DATEN_FARBE


def _rgb(h: str) -> tuple[int, int, int]:
    h = h.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _multiply(a: str, b: str) -> str:
    ra, rb = _rgb(a), _rgb(b)
    return "#" + "".join(f"{round(x * y / 255):02x}" for x, y in zip(ra, rb))


def grid(rows: int, cols: int) -> list[list[str]]:
    """grid[i][j]: colour for class i of the first variable (0 = favourable) and j of the second."""
    if rows not in _ORANGES or cols not in _BLUES:
        raise ValueError(f"Bivariate Farben gibt es für 3 oder 4 Klassen, nicht {rows}×{cols}.")
    return [[_multiply(o, b) for b in _BLUES[cols]] for o in _ORANGES[rows]]


def colours(first, second, rows: int, cols: int) -> list[str]:
    """One colour per area from class positions (0-based ints, None/NaN = keine Daten / unvollständig)."""
    g = grid(rows, cols)
    out = []
    for a, b in zip(first, second):
        if a is None or b is None or a != a or b != b:
            out.append(KEINE_DATEN)
        else:
            out.append(g[int(a)][int(b)])
    return out


def legend_frame(row_labels: list[str], col_labels: list[str], counts=None):
    """A long table of the legend cells (for an Altair rect legend and its text twin)."""
    import pandas as pd

    g = grid(len(row_labels), len(col_labels))
    recs = []
    for i, r in enumerate(row_labels):
        for j, c in enumerate(col_labels):
            n = None if counts is None else int(counts.get((i, j), 0))
            recs.append({"zeile": r, "spalte": c, "i": i, "j": j, "farbe": g[i][j], "anzahl": n})
    return pd.DataFrame(recs)


def legend_chart(row_labels: list[str], col_labels: list[str], *, row_title: str, col_title: str, counts=None):
    """A small Altair grid legend (cells coloured, with the number of areas written in each)."""
    import altair as alt

    df = legend_frame(row_labels, col_labels, counts)
    df["text"] = df["anzahl"].map(lambda n: "" if n is None else str(n))
    base = alt.Chart(df).encode(
        x=alt.X("spalte:N", sort=col_labels, title=col_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("zeile:N", sort=list(reversed(row_labels)), title=row_title),
    )
    rect = base.mark_rect(stroke="#5a5a5a", strokeWidth=0.5).encode(color=alt.Color("farbe:N", scale=None))
    text = base.mark_text(fontSize=12).encode(text="text:N")
    return (rect + text).properties(width=60 * len(col_labels), height=36 * len(row_labels))
