"""GeoPackage export of a small-area layer for QGIS (geopandas + pyogrio), bytes out.

The layer holds what the page shows, with the Geheimhaltung already applied: a gesperrt area has no
number (NULL) in `wert`, the text "gesperrt" in `wert_text` and the reason in `hinweis` — never 0. Every
feature carries `stand`, `quelle` and `lizenz`; a second table `quellen` (no geometry) lists the sources
and the boundary attribution, as the Quellen sheet of the Excel export does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from sozialatlas.render import exports

LAYER_QUELLEN = "quellen"
GPKG_MIME = "application/geopackage+sqlite3"

# German column header of kleinraeumig.export_table → short field name QGIS users can type.
FIELDS = {
    "Schlüssel": "schluessel",
    "Indikator": "indikator",
    "Jahr": "jahr",
    "Wert": "wert",
    "Wert (Text)": "wert_text",
    "Einheit": "einheit",
    "Gesperrt": "gesperrt",
    "Hinweis": "hinweis",
    "Status": "status",
    "Kreis": "kreis",
    "Kreiswert": "kreis_wert",
    "Thüringen": "thueringen_wert",
    "Stand": "stand",
    "Quelle": "quelle",
    "Zähler": "zaehler",
    "Nenner": "nenner",
    "Einwohner": "einwohner",
    "Gemeinden": "n_gemeinden",
    "Gemeinden mit Wert": "n_gemeinden_mit_wert",
}


def layer_name(text: str) -> str:
    """A layer name QGIS shows as is: letters, digits and underscores (umlauts transliterated)."""
    return exports.filename(text, ext="x")[:-2][:60] or "werte"


def frame(table: pd.DataFrame, keys: list[str], geoms, *, lizenz: str = "") -> gpd.GeoDataFrame:
    """The export table (kleinraeumig.export_table: German headers, column 1 the key) with geometry.

    Areas without geometry are left out; columns are renamed to short field names, the area name
    column (2nd) becomes `name`.
    """
    by_key = dict(zip([str(k) for k in keys], geoms))
    df = table.copy()
    rename = {c: FIELDS.get(c, c) for c in df.columns}
    rename[df.columns[1]] = "name"
    df = df.rename(columns=rename)
    df["lizenz"] = lizenz
    df["schluessel"] = df["schluessel"].astype(str)
    df = df[df["schluessel"].isin(by_key)]
    # Numbers stay numbers (NULL for gesperrt / keine Daten); text stays text.
    for c in ("wert", "kreis_wert", "thueringen_wert", "zaehler", "nenner", "einwohner"):
        if c in df:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return gpd.GeoDataFrame(df, geometry=[by_key[k] for k in df["schluessel"]], crs="EPSG:4326")


def to_gpkg_bytes(gdf: gpd.GeoDataFrame, meta, *, layer: str = "werte") -> bytes:
    """A GeoPackage with the value layer and the table `quellen` (meta: dict or DataFrame)."""
    quellen = exports.meta_frame(meta).astype(str)
    with tempfile.TemporaryDirectory(prefix="sozialatlas-gpkg-") as tmp:
        path = Path(tmp) / "export.gpkg"
        pyogrio.write_dataframe(gdf, path, layer=layer_name(layer), driver="GPKG", promote_to_multi=True)
        pyogrio.write_dataframe(quellen, path, layer=LAYER_QUELLEN, driver="GPKG")
        return path.read_bytes()
