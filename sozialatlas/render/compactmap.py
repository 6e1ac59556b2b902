"""Compact pydeck map specs for many small areas (Gemeinden, Gemeindeverbände, Planungsräume, Bezirke).

The whole spec goes to the browser whenever the map changes, so bytes are waiting time — on a weak
office PC and on a municipal network alike. What is drawn is not changed by any of these measures:

- Coordinates as whole numbers: the committed geometry has 4 decimals, i.e. a grid of 1/10,000 degree.
  Each vertex is sent as its integer offset on that grid from a fixed origin, and deck.gl adds the
  origin back (coordinate system ``lnglat-offsets`` with a model matrix scaling by 1/10,000): about
  12 instead of 18 bytes per vertex for exactly the same positions.
- Per area only what the map needs: key ``k``, fill colour ``f`` and one tooltip text ``t``; lines that
  are the same for every area (Stand, Quelle, the Thüringen value) sit once in the tooltip template, and
  the outline of the selected area is a second, tiny layer.
- All of Thüringen at once uses the overview geometry of the ETL (`load_overview`): every shared edge
  simplified on its own, each Gemeinde within 1 % of its unsimplified area; a single Kreis uses the
  detailed Gemeinde geometry.

The tooltip is plain text (never HTML), so names and notes from data cannot inject markup.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pydeck as pdk
import shapely

from sozialatlas import paths
from sozialatlas.render import maps, palettes

ORIGIN = (9.8, 50.2)  # south-west of Thüringen, on the 1/10,000 degree grid
SCALE = 10_000  # grid steps per degree (4 decimals)
MODEL_MATRIX = [1 / SCALE, 0, 0, 0, 0, 1 / SCALE, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
OVERVIEW_FILE = "gemeinden_uebersicht_2021-12-31.geojson"
OUTLINE = [60, 60, 60]
SELECTED_OUTLINE = [0, 0, 0]


def _ring(coords) -> list[list[int]]:
    ox, oy = ORIGIN
    out = []
    for x, y in coords:
        p = [round((x - ox) * SCALE), round((y - oy) * SCALE)]
        if not out or p != out[-1]:  # a vertex that rounds onto its predecessor adds nothing
            out.append(p)
    return out


def encode(geom) -> dict:
    """A (Multi)Polygon as GeoJSON geometry with integer grid offsets from ORIGIN (see module doc)."""
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    polys = shapely.get_parts(geom)

    def poly(p):
        return [_ring(p.exterior.coords)] + [_ring(r.coords) for r in p.interiors]

    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": poly(polys[0])}
    return {"type": "MultiPolygon", "coordinates": [poly(p) for p in polys]}


def decode_position(x: int, y: int) -> tuple[float, float]:
    """Where deck.gl draws an encoded vertex (lon, lat) — for tests and the benchmark."""
    return ORIGIN[0] + x / SCALE, ORIGIN[1] + y / SCALE


def feature_collection(keys, geoms, fill: list[str], texts: list[str]) -> dict:
    """Features with only key ``k``, fill ``f`` (RGB) and tooltip text ``t``."""
    feats = []
    for k, g, c, t in zip(keys, geoms, fill, texts):
        if g is None or g.is_empty:
            continue
        feats.append({"k": str(k), "f": palettes.hex_to_rgba(c)[:3], "t": t, "geometry": encode(g)})
    return {"type": "FeatureCollection", "features": feats}


def _layer(data: dict, layer_id: str, **kwargs) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        data=data,
        id=layer_id,
        # pydeck turns every string into a JS expression; quoted, it stays the literal string.
        coordinate_system="'lnglat-offsets'",
        coordinate_origin=list(ORIGIN),
        model_matrix=MODEL_MATRIX,
        line_width_units="'pixels'",
        **kwargs,
    )


def deck(
    keys,
    geoms,
    fill: list[str],
    texts: list[str],
    *,
    layer_id: str = "gebiete",
    tooltip_footer: list[str] | None = None,
    selected: list[str] | None = None,
    view: pdk.ViewState | None = None,
    height: int = 560,
) -> maps.CompactDeck:
    """One pickable choropleth layer plus the outline of the selected areas.

    keys/geoms/fill/texts are aligned (one entry per area); `texts` is each area's own tooltip text,
    `tooltip_footer` the lines shared by all areas.
    """
    keys = [str(k) for k in keys]
    layers = [
        _layer(
            feature_collection(keys, geoms, fill, texts),
            layer_id,
            pickable=True,
            stroked=True,
            filled=True,
            get_fill_color="f",
            get_line_color=OUTLINE,
            get_line_width=1,
            line_width_min_pixels=1,
            opacity=0.9,
            auto_highlight=True,
            highlight_color=[0, 0, 0, 50],
        )
    ]
    chosen = set(selected or [])
    if chosen:
        sel = [(k, g) for k, g in zip(keys, geoms) if k in chosen]
        fc = {"type": "FeatureCollection", "features": [{"k": k, "geometry": encode(g)} for k, g in sel]}
        layers.append(
            _layer(
                fc,
                f"{layer_id}_auswahl",
                pickable=False,
                stroked=True,
                filled=False,
                get_line_color=SELECTED_OUTLINE,
                get_line_width=4,
                line_width_min_pixels=3,
            )
        )
    lines = ["{t}"] + list(tooltip_footer or [])
    return maps.CompactDeck(
        layers=layers,
        initial_view_state=view or maps.THUERINGEN_VIEW,
        map_style=maps.BLANK_STYLE_URL,
        map_provider="carto",
        tooltip={"text": "\n".join(lines)},
        height=height,
    )


def _merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(
    bounds, *, width: int = 700, height: int = 560, padding: float = 0.08, max_zoom: float = 12.5
) -> pdk.ViewState:
    """A view showing `bounds` (minx, miny, maxx, maxy in degrees) in a map of about width × height px."""
    minx, miny, maxx, maxy = bounds
    dx = max(maxx - minx, 1e-4)
    dy = max(_merc_y(maxy) - _merc_y(miny), 1e-6)
    world = 512.0  # deck.gl: the world is 512 px wide at zoom 0
    zx = math.log2(width * (1 - 2 * padding) * 360.0 / (world * dx))
    zy = math.log2(height * (1 - 2 * padding) * 2 * math.pi / (world * dy))
    lat = math.degrees(2 * math.atan(math.exp((_merc_y(miny) + _merc_y(maxy)) / 2)) - math.pi / 2)
    return pdk.ViewState(
        longitude=(minx + maxx) / 2, latitude=lat, zoom=round(min(zx, zy, max_zoom), 2), min_zoom=5.5, max_zoom=14
    )


def spec_bytes(d: pdk.Deck) -> int:
    """Bytes of the spec as Streamlit sends it (UTF-8)."""
    return len(d.to_json().encode("utf-8"))


def load_overview(path: Path | None = None) -> gpd.GeoDataFrame | None:
    """The overview Gemeinden (schluessel, geometry), or None if the ETL has not written the file."""
    path = Path(path or paths.GEODATA_DIR / OVERVIEW_FILE)
    if not path.is_file():
        return None
    fc = json.loads(path.read_text(encoding="utf-8"))
    keys = [f["properties"]["schluessel"] for f in fc["features"]]
    geoms = [shapely.geometry.shape(f["geometry"]) for f in fc["features"]]
    return gpd.GeoDataFrame({"schluessel": keys}, geometry=geoms, crs="EPSG:4326")


def dissolve(keys, geoms, groups) -> tuple[list, list]:
    """Areas made of Gemeinden (Gemeindeverbände, Planungsräume) from a Gemeinde coverage: the union per
    group keeps the shared vertices, so the result is a coverage of the same detail. Sorted by group."""
    parts: dict = {}
    for g, grp in zip(geoms, groups):
        if grp is None or (isinstance(grp, float) and math.isnan(grp)):
            continue
        parts.setdefault(str(grp), []).append(g)
    out_keys = sorted(parts)
    return out_keys, [shapely.coverage_union_all(parts[k]) for k in out_keys]
