"""Figures for slides (Präsentationsmodus, PowerPoint, PDF): large, labelled, readable on a beamer and on
a monochrome projector. Pure functions; pictures via vl-convert (offline, no browser).

- `kreis_map`: choropleth of the Kreise with their names where they fit (text marks at a point inside
  each area, white halo), 'keine Daten' in a grey chosen to differ in lightness from every class colour.
- `line_chart`: a time series with large type.
- `greyscale_safe_missing`: the 'keine Daten' grey whose CIE lightness is furthest from all class colours,
  so classes and missing data stay apart when the projector shows only grey.
"""

from __future__ import annotations

import json
import math

import altair as alt
import shapely
import vl_convert
from shapely.ops import polylabel

# Beamer resolution of the picture in PowerPoint/PDF (16:9 slide, picture on the left two thirds).
PICTURE_WIDTH, PICTURE_HEIGHT = 1240, 900
LABEL_PX = 17  # Kreis names on the map (the SVG scales with the slide; ≥ 16 px on a 1080p beamer)


def lightness(hex_colour: str) -> float:
    """CIE L* (0 black … 100 white) of an sRGB colour."""
    h = hex_colour.lstrip("#")[:6]
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 116 * (y ** (1 / 3) if y > 0.008856 else (7.787 * y + 16 / 116)) - 16


def _grey(l_star: float) -> str:
    y = ((l_star + 16) / 116) ** 3 if l_star > 8 else l_star / 903.3
    c = 12.92 * y if y <= 0.0031308 else 1.055 * y ** (1 / 2.4) - 0.055
    v = max(0, min(255, round(c * 255)))
    return f"#{v:02x}{v:02x}{v:02x}"


def greyscale_safe_missing(colours: list[str]) -> str:
    """A grey for 'keine Daten' as far in lightness from every class colour as possible."""
    ls = sorted(lightness(c) for c in colours)
    candidates = [(a + b) / 2 for a, b in zip(ls, ls[1:])] + [min(ls) / 2, (max(ls) + 100) / 2]
    best = max(candidates, key=lambda g: min(abs(g - x) for x in ls))
    return _grey(best)


def min_lightness_gap(colours: list[str]) -> float:
    ls = sorted(lightness(c) for c in colours)
    return min((b - a for a, b in zip(ls, ls[1:])), default=100.0)


def _fits(geom, label: str, scale: float) -> bool:
    """Roughly: is the area at least as wide as its name at LABEL_PX on the rendered map?"""
    minx, miny, maxx, maxy = geom.bounds
    width_px = (maxx - minx) * math.cos(math.radians((miny + maxy) / 2)) * scale
    return width_px >= len(label) * LABEL_PX * 0.56


def short_name(name: str) -> str:
    """'Kyffhäuserkreis' stays; 'Saale-Holzland-Kreis' may wrap; 'Stadt Jena' → 'Jena'."""
    return name.replace("Stadt ", "").strip()


def kreis_map(gdf, fill: dict, *, width: int = PICTURE_WIDTH, height: int = PICTURE_HEIGHT, title: str = "") -> dict:
    """Vega-Lite spec: areas coloured by `fill` (schluessel → hex), names where they fit."""
    d = gdf[["schluessel", "name", "geometry"]].copy()
    d["geometry"] = shapely.orient_polygons(d.geometry.values, exterior_cw=True)
    minx, miny, maxx, maxy = d.total_bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = min(width / ((maxx - minx) * kx), height / (maxy - miny)) * 0.95
    x0, y0 = (minx + maxx) / 2, (miny + maxy) / 2

    def px(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * kx * scale, (y0 - y) * scale

    feats, labels, boxes = [], [], []
    for r in d.itertuples():
        feats.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(r.geometry)),
                "properties": {"farbe": fill.get(r.schluessel, "#ffffff"), "name": r.name},
            }
        )
    # Largest areas first; a name is drawn only if it fits inside its area and overlaps no other name.
    for r in d.assign(_a=shapely.area(d.geometry.values)).sort_values("_a", ascending=False).itertuples():
        label = short_name(r.name)
        if not _fits(r.geometry, label, scale):
            continue
        p = polylabel(max(getattr(r.geometry, "geoms", [r.geometry]), key=lambda g: g.area), tolerance=0.002)
        cx, cy = px(p.x, p.y)
        w, h = len(label) * LABEL_PX * 0.62 / 2 + 4, LABEL_PX * 0.7
        box = (cx - w, cy - h, cx + w, cy + h)
        if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in boxes):
            continue
        boxes.append(box)
        labels.append({"lon": p.x, "lat": p.y, "name": label})
    # A plain Vega-Lite dict, not Altair objects: Altair validates every inline coordinate against the
    # JSON schema (≈ 35 s for 631 Gemeinden); the spec below is the same one Altair would emit.
    corners = {"type": "MultiPoint", "coordinates": [[minx, miny], [maxx, maxy], [minx, maxy], [maxx, miny]]}
    enc = {
        "longitude": {"field": "lon", "type": "quantitative"},
        "latitude": {"field": "lat", "type": "quantitative"},
        "text": {"field": "name", "type": "nominal"},
    }
    text_mark = {"type": "text", "fontSize": LABEL_PX, "fontWeight": "bold", "font": "DejaVu Sans"}
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": width,
        "height": height,
        "projection": {
            "type": "mercator",
            "fit": {"type": "Feature", "geometry": corners, "properties": {}},
            "size": [width, height],
        },
        "layer": [
            {
                "data": {"values": feats},
                "mark": {"type": "geoshape", "stroke": "#222222", "strokeWidth": 1.2},
                "encoding": {"color": {"field": "properties.farbe", "type": "nominal", "scale": None}},
            },
            {
                "data": {"values": labels},
                "mark": {**text_mark, "stroke": "white", "strokeWidth": 4, "strokeJoin": "round"},
                "encoding": enc,
            },
            {"data": {"values": labels}, "mark": {**text_mark, "fill": "#000000"}, "encoding": enc},
        ],
        "config": {"view": {"stroke": None}},
    }
    if title:
        spec["title"] = title
    return spec


def line_chart(
    rows: list[dict], *, einheit: str, colours: dict[str, str], width: int = PICTURE_WIDTH, height: int = PICTURE_HEIGHT
) -> dict:
    """rows: {name, jahr, wert}; Thüringen dashed black. Large axis and legend type for a beamer."""
    names = list(colours)
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(strokeWidth=5, point=alt.OverlayMarkDef(size=120))
        .encode(
            x=alt.X(
                "jahr:Q", title="Jahr", axis=alt.Axis(format="d", tickMinStep=1, labelFontSize=30, titleFontSize=30)
            ),
            y=alt.Y(
                "wert:Q",
                title=einheit or "Wert",
                scale=alt.Scale(zero=False),
                axis=alt.Axis(labelFontSize=30, titleFontSize=30, format=",.1~f", tickCount=6),
            ),
            color=alt.Color(
                "name:N",
                scale=alt.Scale(domain=names, range=[colours[n] for n in names]),
                legend=None,  # the slide's own legend stands beside the picture, in 24 px
            ),
            strokeDash=alt.condition("datum.name == 'Thüringen'", alt.value([10, 6]), alt.value([1, 0])),
        )
        .properties(width=width, height=height - 120)
    )
    spec = chart.configure_view(stroke=None).to_dict()
    spec["config"]["locale"] = {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]}}
    return spec


def svg(spec: dict) -> str:
    return vl_convert.vegalite_to_svg(spec)


def png(spec: dict, scale: float = 1.0) -> bytes:
    return vl_convert.vegalite_to_png(spec, scale=scale)
