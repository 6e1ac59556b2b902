"""A ranking (horizontal bar chart) as one SVG string, drawn by the server.

The Kreisvergleich showed its ranking with Altair/Vega-Lite: Streamlit then loads its Vega chunks
(≈ 1 MB of JavaScript) and Vega lays the chart out on the main thread — on a PC without GPU that delayed
the painted map (benchmarks/browser.py). A ranking of 22 Kreise needs no JavaScript: bars, names, values
and the Thüringen line are a few hundred SVG elements the browser paints directly.

What is drawn (one row per area, highest value on top):

- name | bar | value: the value is written as text in its own right-aligned column (German decimal
  comma, unit), so the chart is read without hovering and without colour;
- bars start at 0 (negative changes extend to the left of the zero line), filled with the area's map
  colour (colour-blind-safe class palettes, sozialatlas.render.palettes), a dark hairline around each
  bar so the lightest class shows on white;
- the Thüringen value as a dashed black line, labelled with its value;
- the selected area: ▶ before its name, bold text, a thick black outline — never by colour alone;
- areas without a value are listed at the end, with „keine Daten“ or „gesperrt“ in the value column and
  no bar — never as a bar of length 0;
- role="img" with <title> and <desc> (the text alternative with the key figures); every text from data
  is HTML-escaped.

Pure: no Streamlit, no data access.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sozialatlas.render import formatting

WIDTH = 900.0  # drawing units; the SVG scales down to narrower containers
NAME_W = 250.0  # name column (right-aligned names end at NAME_W - 8)
VALUE_W = 150.0  # value column at the right
ROW = 28.0  # px per row, as the Altair chart's step
BAR = 18.0
TOP = 62.0  # title and the Thüringen label above the first bar
AXIS = 46.0  # tick labels and the unit under the last bar
FONT = "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif"
TEXT = "#1f1f1f"
MUTED = "#4d4d4d"  # ≥ 7:1 on white (WCAG AA for small text with margin)
GRID = "#d9d9d9"
OUTLINE = "#3c3c3c"
SELECTED = "#000000"


@dataclass(frozen=True)
class Bar:
    """One row: key, name, value (None/NaN = no bar), fill colour, and the status shown without a value."""

    key: str
    name: str
    value: float | None
    colour: str = "#9e9e9e"
    status: str = formatting.KEINE_DATEN  # text in the value column when there is no value


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About `n` round tick values covering [lo, hi] (1, 2, 2.5, 5 × 10^k steps)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step + 1e-9) * step
    ticks, t = [], first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 10) + 0.0)  # +0.0: no "−0"
        t += step
    if ticks[-1] < hi - 1e-9:
        ticks.append(round(t, 10))
    return ticks


def _tick_decimals(ticks: Sequence[float]) -> int:
    for d in range(0, 4):
        if all(abs(t * 10**d - round(t * 10**d)) < 1e-6 for t in ticks):
            return d
    return 3


def ranking_svg(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    einheit: str | None,
    dezimalen: int | None,
    reference: float | None = None,
    reference_label: str = "Thüringen",
    selected: str | None = None,
) -> str:
    """The ranking as one <svg>: areas with a value sorted descending (ties by name), then those without."""
    has = sorted(
        (b for b in bars if not formatting.is_missing(b.value)),
        key=lambda b: (-float(b.value), b.name),  # type: ignore[arg-type]
    )
    without = [b for b in bars if formatting.is_missing(b.value)]
    values = [float(b.value) for b in has]  # type: ignore[arg-type]
    ref = None if formatting.is_missing(reference) else float(reference)  # type: ignore[arg-type]
    span = values + ([ref] if ref is not None else [])
    lo, hi = min([0.0, *span]), max([0.0, *span])
    ticks = nice_ticks(lo, hi) if span else [0.0, 1.0]
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    x0, x1 = NAME_W, WIDTH - VALUE_W

    def x(v: float) -> float:
        return x0 + (v - lo) / ((hi - lo) or 1.0) * (x1 - x0)

    rows = has + without
    height = TOP + ROW * max(1, len(rows)) + AXIS
    bottom = TOP + ROW * len(rows)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sa-rangfolge" viewBox="0 0 {_n(WIDTH)} {_n(height)}" '
        f'width="100%" style="display:block;max-width:{_n(WIDTH)}px" role="img" aria-labelledby="t d" '
        f'font-family="{FONT}" font-size="14" fill="{TEXT}">',
        f'<title id="t">{_e(title)}</title><desc id="d">{_e(description)}</desc>',
        f'<text x="0" y="20" font-size="16" font-weight="bold">{_e(title)}</text>',
    ]
    # grid and tick labels
    td = _tick_decimals(ticks)
    out.append(f'<g stroke="{GRID}" stroke-width="1">')
    out += [f'<line x1="{_n(x(t))}" x2="{_n(x(t))}" y1="{_n(TOP - 6)}" y2="{_n(bottom)}"/>' for t in ticks]
    out.append("</g>")
    out.append(f'<g font-size="13" fill="{MUTED}" text-anchor="middle">')
    out += [f'<text x="{_n(x(t))}" y="{_n(bottom + 18)}">{_e(formatting.zahl(t, td))}</text>' for t in ticks]
    out.append("</g>")
    if einheit:
        out.append(
            f'<text x="{_n((x0 + x1) / 2)}" y="{_n(bottom + 38)}" text-anchor="middle" font-size="13" '
            f'fill="{MUTED}">{_e(einheit)}</text>'
        )
    # rows
    for i, b in enumerate(rows):
        top = TOP + ROW * i
        mid = top + ROW / 2
        chosen = selected is not None and b.key == selected
        weight = ' font-weight="bold"' if chosen else ""
        name = ("▶ " if chosen else "") + b.name
        out.append(f'<text x="{_n(x0 - 8)}" y="{_n(mid + 5)}" text-anchor="end"{weight}>{_e(name)}</text>')
        if i >= len(has):
            out.append(
                f'<text x="{_n(x1 + 10)}" y="{_n(mid + 5)}" font-style="italic" fill="{MUTED}"'
                f"{weight}>{_e(b.status)}</text>"
            )
            continue
        v = float(b.value)  # type: ignore[arg-type]
        a, z = sorted((x(0.0), x(v)))
        stroke = f'stroke="{SELECTED}" stroke-width="3"' if chosen else f'stroke="{OUTLINE}" stroke-width=".5"'
        out.append(
            f'<rect x="{_n(a)}" y="{_n(mid - BAR / 2)}" width="{_n(max(z - a, 0.5))}" height="{_n(BAR)}" '
            f'fill="{_e(b.colour[:7])}" {stroke}><title>{_e(b.name)}: '
            f"{_e(formatting.wert_mit_einheit(v, einheit, dezimalen))}, Rang {i + 1} von {len(has)}</title></rect>"
        )
        out.append(
            f'<text x="{_n(x1 + 10)}" y="{_n(mid + 5)}"{weight}>'
            f"{_e(formatting.wert_mit_einheit(v, einheit, dezimalen))}</text>"
        )
    # zero line (for changes that go both ways) and the Thüringen reference on top
    if lo < 0 < hi:
        out.append(f'<line x1="{_n(x(0))}" x2="{_n(x(0))}" y1="{_n(TOP - 6)}" y2="{_n(bottom)}" stroke="{OUTLINE}"/>')
    if ref is not None:
        rx = x(ref)
        label = f"{reference_label}: {formatting.wert_mit_einheit(ref, einheit, dezimalen)}"
        anchor = "end" if rx > (x0 + x1) / 2 else "start"
        dx = -4 if anchor == "end" else 4
        out.append(
            f'<line x1="{_n(rx)}" x2="{_n(rx)}" y1="{_n(TOP - 12)}" y2="{_n(bottom)}" stroke="#000" '
            f'stroke-width="2" stroke-dasharray="6 3"/>'
            f'<text x="{_n(rx)}" y="{_n(TOP - 16)}" dx="{dx}" text-anchor="{anchor}" font-weight="bold">'
            f"{_e(label)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


_DOC_CSS = "html,body{margin:0;padding:0;overflow:hidden;background:#fff}"


def document(svg_markup: str, *, lang: str = "de") -> str:
    """A minimal HTML document holding the chart (for an iframe's srcdoc; st.html drops SVG elements)."""
    return (
        f'<!doctype html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
        f"<style>{_DOC_CSS}</style></head><body>{svg_markup}</body></html>"
    )


def read(markup: str) -> list[dict]:
    """The rows of a ranking written by ranking_svg (tests, benchmark): name as shown (with ▶), the text
    in the value column, whether it has a bar, and whether it is marked as selected."""
    import xml.etree.ElementTree as ET

    start, end = markup.index("<svg"), markup.rindex("</svg>") + len("</svg>")
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(markup[start:end])
    rows: list[dict] = []
    bars = {r.find("s:title", ns).text.split(": ")[0] for r in root.iter("{http://www.w3.org/2000/svg}rect")}  # type: ignore[union-attr]
    texts = [t for t in root.findall("s:text", ns) if t.get("text-anchor") == "end" and float(t.get("y", 0)) > TOP]
    values = [t for t in root.findall("s:text", ns) if t.get("x") == _n(WIDTH - VALUE_W + 10)]
    for name_el, value_el in zip(texts, values):
        shown = name_el.text or ""
        name = shown.removeprefix("▶ ")
        rows.append(
            {"name": name, "wert": value_el.text, "balken": name in bars, "ausgewaehlt": shown.startswith("▶ ")}
        )
    return rows
