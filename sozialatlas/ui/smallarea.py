"""Cached data and widgets for the Kleinräumig and Planungsräume pages.

Every cached function takes `data.version_key()` first, so a changed database (a saved Planungsraum, an
import) is never answered from an old cache. Values always come protected from sozialatlas.protection.smallarea /
planungsraum.aggregate.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sozialatlas.areas import planungsraum
from sozialatlas.protection import smallarea
from sozialatlas.render import compactmap, formatting
from sozialatlas.ui import data, mapcontrols
from sozialatlas.views import kleinraeumig
from sozialatlas.views.kreisvergleich import Indicator


def _v():
    return data.version_key()


@data.cached(max_entries=data.LARGE)
def _values(version, indikator: str, jahr: int, ebene: str) -> pd.DataFrame:
    return smallarea.values(data.connection(), indikator, int(jahr), ebene=ebene)


def values(indikator: str, jahr: int, ebene: str, kreis: str | None = None) -> pd.DataFrame:
    """Protected values of the whole level (computed once per indicator and year), one Kreis or all."""
    vals = _values(_v(), indikator, int(jahr), ebene)
    if kreis and kreis != kleinraeumig.THUERINGEN:
        vals = vals[vals["kreis"] == kreis]
    return vals.reset_index(drop=True)


@data.cached(max_entries=data.LARGE)
def _pr_values(version, definition_id: int, indikator: str, jahr: int):
    try:
        return planungsraum.aggregate(data.connection(), int(definition_id), indikator, int(jahr)), None
    except planungsraum.NotAggregatable as exc:
        return None, str(exc)


def planungsraum_values(definition_id: int, indikator: str, jahr: int):
    """(values, None) or (None, German reason why the indicator is nicht aggregierbar)."""
    return _pr_values(_v(), int(definition_id), indikator, int(jahr))


@data.cached()
def _definitions(version, kreis):
    return planungsraum.list_definitions(data.connection(), kreis)


def definitions(kreis: str | None = None) -> pd.DataFrame:
    return _definitions(_v(), kreis)


@data.cached(max_entries=data.LARGE)
def _pr_shapes(version, definition_id: int):
    return planungsraum.shapes(data.connection(), int(definition_id))


def planungsraum_shapes(definition_id: int):
    return _pr_shapes(_v(), int(definition_id))


@data.cached()
def _members(version, definition_id: int):
    return planungsraum.members(data.connection(), int(definition_id))


def members(definition_id: int) -> pd.DataFrame:
    return _members(_v(), int(definition_id))


@data.cached()
def _kreise(version) -> dict:
    df = kleinraeumig.kreise(data.connection())
    return dict(zip(df["schluessel"], df["name"]))


def kreise() -> dict:
    """AGS → name of the 22 Kreise, sorted by name."""
    return _kreise(_v())


@data.cached(max_entries=data.LARGE)
def _shapes(version, ebene: str):
    return kleinraeumig.area_shapes(data.connection(), ebene)


def shapes(ebene: str, kreis: str | None = None):
    """Detailed shapes of a level (schluessel, name, kreis, verband, geometry), one Kreis or all."""
    gdf = _shapes(_v(), ebene)
    if kreis and kreis != kleinraeumig.THUERINGEN:
        gdf = gdf[gdf["kreis"] == kreis]
    return gdf.reset_index(drop=True)


@st.cache_resource(show_spinner=False)
def _overview():
    return compactmap.load_overview()


def overview_shapes(ebene: str):
    """All of Thüringen from the overview geometry: Gemeinden, or Gemeindeverbände dissolved from them.

    Falls back to the detailed shapes if the overview file is missing."""
    ov = _overview()
    if ov is None:
        return shapes(ebene)
    if ebene == "gemeinde":
        return ov
    return _overview_verbaende(_v())


@data.cached(max_entries=data.LARGE)
def _overview_verbaende(version):
    import geopandas as gpd

    ov = _overview()
    verband = dict(zip(shapes("gemeinde")["schluessel"], shapes("gemeinde")["verband"]))
    keys, geoms = compactmap.dissolve(ov["schluessel"], ov.geometry, [verband.get(k) for k in ov["schluessel"]])
    return gpd.GeoDataFrame({"schluessel": keys}, geometry=geoms, crs="EPSG:4326")


def indicators(level: str) -> pd.DataFrame:
    return data.indicators(level)


def indicator(level: str, indikator: str) -> Indicator:
    inds = indicators(level)
    return Indicator.from_row(inds[inds["id"] == indikator].iloc[0].to_dict())


def years(indikator: str, level: str) -> list[int]:
    """Years with at least one value on the level, newest first."""
    per = data.periods(indikator, level)
    return sorted({int(j) for j in per.loc[per["n_werte"] > 0, "jahr"]}, reverse=True)


@data.cached()
def _profile(version, ebene: str, schluessel: str, verband: str | None, verband_name: str | None):
    entries = []
    for level, key, hinweis in (
        (ebene, schluessel, None),
        ("gemeindeverband", verband, f"Wert des Gemeindeverbands {verband_name}"),
    ):
        if key is None or (level == "gemeindeverband" and ebene != "gemeinde"):
            continue
        inds = data.indicators(level)
        # Every indicator of the level, not only those store.queries.area_years lists for the area: where a
        # small Gemeinde has no stored value the Geheimhaltung still shows „gesperrt“ with its reason
        # (tests/test_profile_scale.py). The level tables are the page's own cache (_values).
        for r in inds.itertuples():
            yrs = years(r.id, level)
            if not yrs:
                continue
            vals = _values(version, r.id, yrs[0], level)
            row = vals[vals["schluessel"] == key]
            if row.empty:
                continue
            entries.append(
                {
                    "indikator": Indicator.from_row(r._asdict()),
                    "jahr": yrs[0],
                    "row": row.iloc[0].to_dict(),
                    "ebene_hinweis": hinweis,
                }
            )
    return kleinraeumig.profile_rows(entries)


def profile(ebene: str, schluessel: str) -> pd.DataFrame:
    """Every indicator of the area's level (newest year) with Kreis and Thüringen; for a Gemeinde also
    the series of its Gemeindeverband."""
    verband = verband_name = None
    if ebene == "gemeinde":
        gem = shapes("gemeinde")
        row = gem[gem["schluessel"] == schluessel]
        if not row.empty:
            verband = row.iloc[0]["verband"]
            vb = shapes("gemeindeverband")
            m = vb[vb["schluessel"] == verband]
            verband_name = m.iloc[0]["name"] if not m.empty else verband
    return _profile(_v(), ebene, schluessel, verband, verband_name)


def legend(rows: kleinraeumig.Rows, mc, *, einheit: str, gebiet_plural: str) -> None:
    """Legend as a table: colour, range, number of areas — 'keine Daten' and 'gesperrt' included."""
    st.markdown(f"**Legende:** {mc.direction}")
    entries = kleinraeumig.legend_rows(rows, mc)
    st.table(mapcontrols.legend_styler(entries, einheit=einheit, gebiet_plural=gebiet_plural))
    for note in mc.notes:
        st.caption(note)


def gen(name: str) -> int:
    """Generation of a map (part of its widget key)."""
    return st.session_state.get(f"_{name}_gen", 0)


def bump(name: str) -> None:
    # A new key remounts the map: Streamlit greys out every unselected area while a map selection exists.
    st.session_state[f"_{name}_gen"] = gen(name) + 1


def picked(key: str, layer: str) -> str | None:
    """The key (`k`) of the area clicked on the pydeck map with widget key `key`, or None."""
    objs = ((st.session_state.get(key) or {}).get("selection") or {}).get("objects", {}).get(layer) or []
    return (objs[0].get("properties") or objs[0]).get("k") if objs else None


def wert_text(v, ind: Indicator) -> str:
    return formatting.wert_mit_einheit(v, ind.einheit, ind.dezimalen)
