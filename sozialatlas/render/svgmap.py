"""A static choropleth as one SVG string, drawn by the server — the cheap map for pages that only show.

deck.gl draws polygons with WebGL; on office PCs and beamer laptops without graphics acceleration
Chromium falls back to software WebGL, and the map of 631 Gemeinden then costs seconds of main thread
(plus the deck.gl/MapLibre bundle, ≈ 3 MB). The same choropleth as SVG paths is painted by the browser's
2D renderer and needs no JavaScript: time to the painted map 0.51× (Kleinräumig, 631 Gemeinden) and 0.59×
(Kreisvergleich) of the deck.gl map in headless Chromium without GPU (benchmarks/browser.py). The pydeck
map stays available where zooming and clicking matter (sozialatlas.ui.svgmap).

What is drawn:

- Projection: equirectangular with the x axis scaled by cos(mid-latitude) — for an area of Thüringen's
  size indistinguishable from a conformal projection (scale error < 2 % across the Land), with no CRS
  machinery on the request path.
- Display geometry simplified to the drawn size: in pixel space, tolerance SIMPLIFY_PX, as a coverage
  (shapely.coverage_simplify) so shared borders stay shared — no slivers or overlaps between neighbours;
  input that is not a clean coverage falls back to per-area simplify(preserve_topology=True).
- Coordinates rounded to 1/10 px of the drawn size, written as relative moves in tenths (so rounding
  never accumulates), duplicate vertices after rounding dropped.
- One <path> per area with a native <title> tooltip (plain text, HTML-escaped: names come from data);
  holes (enclaves) via fill-rule evenodd; the enclave is its own path.
- „keine Daten“ and „gesperrt“ are the fills the caller gives (sozialatlas.render.palettes: white and
  light grey, never a class colour); with `patterns=True` they are also told apart without colour
  (WCAG 1.4.1): gesperrt hatched, keine Daten dotted — the same patterns as the legend's swatches
  (legend_html). A transparent fill (`#rrggbb00`, outside a Kreistyp selection) stays hoverable.
- The selected areas are outlined on top: white halo under a black line, visible on every class colour.
- The <svg> is one image for assistive technology (role="img", aria-label): the table beside the map
  holds every value for screen readers and keyboards; 631 tab stops on a map would help nobody.

Pure: no Streamlit, no data access.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from sozialatlas.render import palettes

OUTLINE = "#3c3c3c"
SELECTED = "#000000"
HALO = "#ffffff"
PADDING = 6.0  # px around the areas, so the selected outline is never clipped
# Vertices closer than this to the simplified line are invisible at the drawn size (the frame shows the
# 700 px drawing at ≈ 600–700 screen px): half a pixel, before rounding to tenths.
SIMPLIFY_PX = 0.5

# Patterns for the two fills without a value (ids are local to the map's own document/frame).
PATTERN_GESPERRT, PATTERN_KEINE_DATEN = "sa-gesperrt", "sa-keine-daten"
PATTERN_INK = "#6b6b6b"  # 4.4:1 on the gesperrt grey, 5.3:1 on white: hatching visible on both
_DEFS = (
    f'<defs><pattern id="{PATTERN_GESPERRT}" width="5" height="5" patternUnits="userSpaceOnUse" '
    f'patternTransform="rotate(45)"><rect width="5" height="5" fill="{palettes.GESPERRT_FARBE}"/>'
    f'<path d="M0 0v5" stroke="{PATTERN_INK}" stroke-width="1.4"/></pattern>'
    f'<pattern id="{PATTERN_KEINE_DATEN}" width="5" height="5" patternUnits="userSpaceOnUse">'
    f'<rect width="5" height="5" fill="{palettes.KEINE_DATEN_FARBE}"/>'
    f'<circle cx="2.5" cy="2.5" r=".8" fill="{PATTERN_INK}"/></pattern></defs>'
)
_PATTERN_OF = {
    palettes.GESPERRT_FARBE: PATTERN_GESPERRT,
    palettes.KEINE_DATEN_FARBE: PATTERN_KEINE_DATEN,
}
# The same patterns as CSS for HTML swatches (st.html drops SVG): diagonal hatching and a dot grid.
SWATCH_CSS = {
    PATTERN_GESPERRT: (
        f"background:repeating-linear-gradient(45deg,{PATTERN_INK} 0 1.4px,{palettes.GESPERRT_FARBE} 1.4px 5px)"
    ),
    PATTERN_KEINE_DATEN: (
        f"background:radial-gradient(circle,{PATTERN_INK} .8px,transparent 1px) 0 0/5px 5px,"
        f"{palettes.KEINE_DATEN_FARBE}"
    ),
}


@dataclass(frozen=True)
class Projected:
    """Path data of areas in a drawing of `width` × `height` px (what a cache can keep per geometry set)."""

    keys: list[str]
    paths: list[str]  # "" for areas without geometry
    width: float
    height: float


def _num(tenths: int) -> str:
    """Tenths of a pixel as the shortest SVG number: 12 → '1.2', -3 → '-.3', 20 → '2'."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{frac}"


def _paths(geoms: Sequence, transform) -> list[str]:
    """Per area: each ring as an absolute start and relative lines ("M x yl dx dy …z"), about half the
    bytes of absolute coordinates. All vertices are projected and rounded in one numpy pass."""
    owner, rings = [], []
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        for poly in shapely.get_parts(g):
            for ring in [poly.exterior, *poly.interiors]:
                owner.append(i)
                rings.append(ring)
    out = [""] * len(geoms)
    if not rings:
        return out
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    pts = transform(coords)
    # drop vertices that round onto their predecessor (same ring), then each ring's closing vertex
    first = np.ones(len(pts), dtype=bool)
    first[1:] = ring_of[1:] != ring_of[:-1]
    keep = first | np.any(pts != np.roll(pts, 1, axis=0), axis=1)
    pts, ring_of, first = pts[keep], ring_of[keep], first[keep]
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(pts))
    closing = (ends - starts > 1) & np.all(pts[ends - 1] == pts[starts], axis=1)
    keep = np.ones(len(pts), dtype=bool)
    keep[(ends - 1)[closing]] = False
    pts, ring_of, first = pts[keep], ring_of[keep], first[keep]
    delta = pts - np.roll(pts, 1, axis=0)
    delta[first] = pts[first]  # a ring starts absolute
    xs = [_num(v) for v in delta[:, 0].tolist()]
    ys = [_num(v) for v in delta[:, 1].tolist()]
    starts = np.flatnonzero(first).tolist() + [len(pts)]
    for r0, r1 in zip(starts[:-1], starts[1:]):
        if r1 - r0 < 3:
            continue  # a ring that collapses at this size draws nothing
        body = []
        for j in range(r0 + 1, r1):
            dx, dy = xs[j], ys[j]
            # a negative number needs no separator before it ('1.2-.3'), any other one a space
            body.append((" " if body and dx[0] != "-" else "") + dx + ("" if dy[0] == "-" else " ") + dy)
        out[owner[int(ring_of[r0])]] += f"M{xs[r0]} {ys[r0]}l{''.join(body)}z"
    return out


def project(keys: Sequence, geoms: Sequence, *, width: float = 700.0, bounds=None, simplify: bool = True) -> Projected:
    """Project lon/lat areas (EPSG:4326) into a drawing `width` px wide; the height follows the shape.

    `bounds` (minx, miny, maxx, maxy) fixes the frame (e.g. all of a Kreis while only some areas are
    drawn); by default the areas' own bounds. `simplify` drops vertices invisible at this size.
    """
    present = [g for g in geoms if g is not None and not g.is_empty]
    if bounds is None:
        if not present:
            return Projected([str(k) for k in keys], ["" for _ in keys], width, width * 0.7)
        bounds = shapely.GeometryCollection(present).bounds
    minx, miny, maxx, maxy = bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    dx = max((maxx - minx) * kx, 1e-9)
    dy = max(maxy - miny, 1e-9)
    scale = (width - 2 * PADDING) / dx
    height = dy * scale + 2 * PADDING

    def to_px(lonlat: np.ndarray) -> np.ndarray:
        x = PADDING + (lonlat[:, 0] - minx) * kx * scale
        y = PADDING + (maxy - lonlat[:, 1]) * scale
        return np.column_stack([x, y])

    def tenths(px: np.ndarray) -> np.ndarray:
        return np.rint(px * 10).astype(np.int64)

    if simplify:
        return Projected(
            [str(k) for k in keys], _paths(simplify_px(geoms, to_px), tenths), float(width), round(height, 1)
        )
    return Projected(
        [str(k) for k in keys], _paths(list(geoms), lambda c: tenths(to_px(c))), float(width), round(height, 1)
    )


def simplify_px(geoms: Sequence, to_px, tolerance: float = SIMPLIFY_PX) -> list:
    """The areas in pixel space, simplified to `tolerance` px. As a coverage when they form one (shared
    borders simplified once, identically for both neighbours); otherwise each area on its own with
    topology preserved (overlapping Planungsräume, a single area)."""
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = [g if g is not None and not g.is_empty else None for g in geoms]
    present = np.array([g is not None for g in arr], dtype=bool)
    out = [None] * len(arr)
    if not present.any():
        return out
    px = shapely.transform(arr[present], to_px)
    simplified = None
    if present.sum() > 1 and bool(shapely.coverage_is_valid(px)):
        try:
            simplified = shapely.coverage_simplify(px, tolerance)
        except shapely.errors.GEOSException:
            simplified = None  # per-area simplification below
        if simplified is not None and not bool(np.all(shapely.is_valid(simplified) & ~shapely.is_empty(simplified))):
            simplified = None
    if simplified is None:
        simplified = shapely.simplify(px, tolerance, preserve_topology=True)
    for i, g in zip(np.flatnonzero(present), simplified):
        out[int(i)] = g
    return out


def _fill_attrs(colour: str, patterns: bool = False) -> str:
    c = colour.strip()
    if patterns and c.lower() in _PATTERN_OF:
        return 'fill="url(#' + _PATTERN_OF[c.lower()] + ')"'
    if len(c) == 9 and c.startswith("#"):  # '#rrggbbaa' (transparent = outside a selection)
        alpha = int(c[7:9], 16) / 255
        return f'fill="{c[:7]}" fill-opacity="{alpha:.2g}"'
    return f'fill="{html.escape(c, quote=True)}"'


def svg(
    projected: Projected,
    fill: Sequence[str],
    titles: Sequence[str],
    *,
    label: str,
    selected: Sequence[str] | None = None,
    max_height: int = 560,
    patterns: bool = False,
) -> str:
    """The choropleth as one <svg> element; fill and titles are aligned with projected.keys.

    patterns=True: areas filled with palettes.GESPERRT_FARBE / KEINE_DATEN_FARBE get the hatching / dots
    (the legend must then show legend_html's patterned swatches)."""
    if not (len(fill) == len(titles) == len(projected.keys)):
        raise ValueError("svgmap.svg: keys, fill and titles must have the same length")
    w, h = projected.width, projected.height
    body = []
    for d, colour, title in zip(projected.paths, fill, titles):
        if not d:
            continue
        body.append(
            f'<path d="{d}" {_fill_attrs(colour, patterns)}><title>{html.escape(str(title), quote=True)}</title></path>'
        )
    chosen = set(selected or [])
    outline = "".join(d for k, d in zip(projected.keys, projected.paths) if k in chosen and d)
    marks = ""
    if outline:
        marks = (
            f'<g fill="none" pointer-events="none" stroke-linejoin="round">'
            f'<path d="{outline}" stroke="{HALO}" stroke-width="5"/>'
            f'<path d="{outline}" stroke="{SELECTED}" stroke-width="2.5"/></g>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sa-karte" viewBox="0 0 {_dim(w)} {_dim(h)}" '
        f'width="100%" style="display:block;max-height:{int(max_height)}px" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-label="{html.escape(label, quote=True)}">'
        + (_DEFS if patterns else "")
        + f'<g fill-rule="evenodd" stroke="{OUTLINE}" stroke-width=".5" stroke-linejoin="round">'
        + "".join(body)
        + "</g>"
        + marks
        + "</svg>"
    )


# Inside the document around the map: no margins, a hovered area outlined (no script needed).
_DOC_CSS = (
    "html,body{margin:0;padding:0;overflow:hidden;background:#fff}"
    ".sa-karte>g:first-of-type>path:hover{stroke:#000;stroke-width:2}"
)


def document(svg_markup: str, *, lang: str = "de") -> str:
    """A minimal HTML document holding one map (for an iframe's srcdoc): Streamlit's st.html sanitises
    with DOMPurify's HTML-only profile and drops every SVG element, so the map gets its own frame."""
    return (
        f'<!doctype html><html lang="{html.escape(lang, quote=True)}"><head><meta charset="utf-8">'
        f"<style>{_DOC_CSS}</style></head><body>{svg_markup}</body></html>"
    )


def _dim(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def choropleth_svg(
    gdf,
    fill: Sequence[str],
    titles: Sequence[str],
    *,
    label: str,
    selected: Sequence[str] | None = None,
    width: float = 700.0,
    max_height: int = 560,
) -> str:
    """One call: a GeoDataFrame with `schluessel` and lon/lat geometry (EPSG:4326), one fill colour and one
    tooltip text per row → the SVG string. Rows without geometry are left out."""
    crs = getattr(gdf, "crs", None)
    if crs is not None and not crs.is_geographic:
        raise ValueError("svgmap: Geometrie in Längen-/Breitengraden (EPSG:4326) erwartet")
    proj = project(list(gdf["schluessel"]), list(gdf.geometry), width=width)
    return svg(proj, fill, titles, label=label, selected=selected, max_height=max_height)


LEGEND_CSS = (
    ".sa-legende .sa-farbe{display:inline-block;width:2.2em;height:1.1em;margin-right:.5em;"
    "vertical-align:-.2em;border:1px solid #555;box-sizing:border-box}"
)


def legend_html(
    entries: Sequence,
    *,
    einheit: str = "",
    gebiet_plural: str = "Gebiete",
    caption: str = "Legende",
    patterns: bool = False,
) -> str:
    """The map's legend as one small HTML table (render.htmltable's look and reader): per row a colour
    swatch with the range as row header, then the number of areas. `entries` have label, colour, count.

    patterns=True: the swatches of 'gesperrt' and 'keine Daten' carry the map's hatching / dots (as CSS,
    since st.html drops SVG), so the legend and the map tell them apart without colour (WCAG 1.4.1).
    One HTML element instead of a styled st.table: no Arrow table, and with it ≈ 1 MB less JavaScript
    (Arrow, moment, numbro) for the browser to load before the page is done."""
    from sozialatlas.render import htmltable

    head = f"Wertebereich ({einheit})" if einheit else "Wertebereich"
    rows = []
    for e in entries:
        colour = str(e.colour).strip().lower()
        pattern = _PATTERN_OF.get(colour) if patterns else None
        style = SWATCH_CSS[pattern] if pattern else f"background:{html.escape(colour, quote=True)}"
        swatch = f'<span class="sa-farbe" style="{style}" aria-hidden="true"></span>'
        rows.append(
            f'<tr><th scope="row">{swatch}{html.escape(str(e.label))}</th><td class="num">{int(e.count)}</td></tr>'
        )
    return (
        f"<style>{htmltable.CSS}{LEGEND_CSS}</style>"
        f'<div class="sa-tabelle sa-legende"><table><caption>{html.escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{html.escape(head)}</th><th scope="col">{html.escape(gebiet_plural)}</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
