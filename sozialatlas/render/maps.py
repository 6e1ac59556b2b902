"""Choropleth map specs (pydeck) that need nothing from the internet.

The basemap is a blank MapLibre style served by the app itself (static/blank-style.json), so a map renders
on a municipal intranet that blocks tile servers; the polygons carry all the information.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from sozialatlas.render import palettes

BLANK_STYLE_URL = "/app/static/blank-style.json"
THUERINGEN_VIEW = pdk.ViewState(longitude=11.28, latitude=50.9, zoom=6.85, min_zoom=6, max_zoom=13)
SELECTED_LINE = [0, 0, 0, 255]
DEFAULT_LINE = [90, 90, 90, 255]


class CompactDeck(pdk.Deck):
    """pydeck writes its spec with indent=2; compact JSON is about a third of the bytes over the wire."""

    def to_json(self):
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def feature_collection(gdf: gpd.GeoDataFrame, properties: list[str]) -> dict:
    """GeoJSON with only the properties the map needs (every byte goes to the browser)."""
    geo = json.loads(gdf[properties + ["geometry"]].to_json(drop_id=True))
    return {"type": "FeatureCollection", "features": geo["features"]}


def choropleth(
    gdf: gpd.GeoDataFrame,
    fill: list[str],
    tooltip_lines: list[str],
    *,
    layer_id: str = "gebiete",
    selected: str | None = None,
    view: pdk.ViewState | None = None,
    height: int = 560,
) -> CompactDeck:
    """A deck with one pickable GeoJsonLayer.

    gdf needs `schluessel` plus every column named in tooltip_lines ('{name}' placeholders);
    `fill` holds one hex colour per row. The tooltip is plain text, never HTML, so names from data
    cannot inject markup.
    """
    gdf = gdf.copy()
    gdf["fill"] = [palettes.hex_to_rgba(c) for c in fill]
    gdf["line"] = [SELECTED_LINE if s == selected else DEFAULT_LINE for s in gdf["schluessel"]]
    gdf["lw"] = [4 if s == selected else 1 for s in gdf["schluessel"]]
    props = list(dict.fromkeys(["schluessel", "fill", "line", "lw"] + _placeholders(tooltip_lines)))
    layer = pdk.Layer(
        "GeoJsonLayer",
        data=feature_collection(gdf, props),
        id=layer_id,
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color="properties.line",
        get_line_width="properties.lw",
        # pydeck turns every string into a JS expression; quoted, it stays the literal 'pixels'.
        line_width_units="'pixels'",
        line_width_min_pixels=1,
        auto_highlight=True,
        highlight_color=[0, 0, 0, 40],
    )
    # Picking renders every pickable sublayer; the outlines (a PathLayer) cost ~15× the fills. Without
    # a GPU (software WebGL on office PCs, headless test browsers) a pick then takes ~0.4 s, longer than
    # deck.gl's 250 ms click limit, and clicks on the map are silently lost. Only the fills are pickable.
    layer._subLayerProps = {"polygons-stroke": {"pickable": False}}
    return CompactDeck(
        layers=[layer],
        initial_view_state=view or THUERINGEN_VIEW,
        map_style=BLANK_STYLE_URL,
        map_provider="carto",
        tooltip={"text": "\n".join(tooltip_lines)},
        height=height,
    )


def _placeholders(lines: list[str]) -> list[str]:
    import re

    return [m for line in lines for m in re.findall(r"\{(\w+)\}", line)]
