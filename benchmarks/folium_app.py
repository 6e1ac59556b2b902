"""Baseline page for benchmarks/browser.py: the route most Streamlit geo apps take (folium + streamlit-folium).

Same DuckDB, same protected values (sozialatlas.protection), same indicator and year, same geometry as
stored; a Leaflet choropleth without basemap (like ours) via st_folium, and the table as st.dataframe.
Runs only in the throwaway venv of the benchmark (folium is never a project dependency):

    python -m venv /tmp/folium-venv
    echo "$PWD/.venv/lib/python3.11/site-packages" > /tmp/folium-venv/lib/python3.11/site-packages/projekt.pth
    /tmp/folium-venv/bin/pip install folium==0.20.0 streamlit-folium==0.27.4

Leaflet comes from Debian (`apt-get install libjs-leaflet`, /usr/share/javascript/leaflet) as data: URLs:
folium's defaults load it from a CDN, and without network the textbook page draws nothing at all.

URL: /?ebene=gemeinde (631 Gemeinden, all Thüringen) or /?ebene=kreis (Kreisvergleich).
"""

import base64
import os
from pathlib import Path

import branca.colormap
import folium
import streamlit as st
from streamlit_folium import st_folium

from sozialatlas import domain, paths
from sozialatlas.protection import smallarea
from sozialatlas.store import db, queries
from sozialatlas.views import kreisvergleich as kv

INDIKATOR_GEMEINDE, INDIKATOR_KREIS, JAHR = "arbeitslosenanteil", "schuldnerquote", 2021

st.set_page_config(layout="wide")
LEAFLET = Path(os.environ.get("FOLIUM_LEAFLET_DIR", "/usr/share/javascript/leaflet"))


def _data_url(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()


if not (LEAFLET / "leaflet.js").is_file():
    st.error(f"Leaflet fehlt unter {LEAFLET}: apt-get install libjs-leaflet")
    st.stop()
folium.Map.default_js = [("leaflet", _data_url(LEAFLET / "leaflet.js", "text/javascript"))]
folium.Map.default_css = [("leaflet_css", _data_url(LEAFLET / "leaflet.css", "text/css"))]


@st.cache_resource
def con():
    return db.connect(paths.default_db_path(), read_only=True)


@st.cache_data
def gemeinde_data():
    c = con().cursor()
    vals = smallarea.values(c, INDIKATOR_GEMEINDE, JAHR, ebene="gemeinde")
    shapes = queries.shapes(c, "gemeinde", "2021-12-31")
    return shapes.merge(vals[["schluessel", "wert", "gesperrt"]], on="schluessel", how="left")


@st.cache_data
def kreis_data():
    c = con().cursor()
    vals, _note, _refusal = kv.load(c, INDIKATOR_KREIS, JAHR, domain.KREISE_BIS)
    shapes = queries.shapes(c, "kreis", domain.KREISE_BIS)
    return shapes.merge(vals[["schluessel", "wert"]], on="schluessel", how="left")


ebene = st.query_params.get("ebene", "gemeinde")
gdf = gemeinde_data() if ebene == "gemeinde" else kreis_data()
st.title("Folium-Grundlinie: " + ("Gemeinden" if ebene == "gemeinde" else "Kreise"))
left, right = st.columns([1, 1])
with left:
    m = folium.Map(location=[50.9, 11.28], zoom_start=8, tiles=None)
    werte = gdf["wert"].dropna()
    scale = branca.colormap.linear.YlOrRd_09.scale(float(werte.min()), float(werte.max())).to_step(5)
    fill = {k: (scale(w) if w == w and w is not None else "#bdbdbd") for k, w in zip(gdf["schluessel"], gdf["wert"])}
    folium.GeoJson(
        gdf[["schluessel", "name", "wert", "geometry"]].to_json(),
        style_function=lambda f: {
            "fillColor": fill[f["properties"]["schluessel"]],
            "color": "#5a5a5a",
            "weight": 0.5,
            "fillOpacity": 0.9,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "wert"], aliases=["Gebiet", "Wert"]),
    ).add_to(m)
    st_folium(m, height=560, width=None, returned_objects=[], key="karte")
with right:
    table = gdf[["name", "wert"]].rename(columns={"name": "Gebiet", "wert": "Wert"})
    st.dataframe(table, hide_index=True, height=560)
