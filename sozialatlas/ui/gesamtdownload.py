"""„Alle Daten herunterladen“: the Gesamtdownload as one ZIP (views.gesamtdownload + render.datapackage).

Assembling it protects every indicator-year of every level (minutes for the whole atlas), so it is built
once per database file and kept for every session of the process (`st.cache_resource`, keyed by the file
identity): the second visitor gets it at once. On the public instance the file is the published snapshot,
so the ZIP holds exactly what the public pages show.
"""

from __future__ import annotations

import streamlit as st

from sozialatlas.render import datapackage
from sozialatlas.ui import data
from sozialatlas.views import gesamtdownload

FILE_NAME = "sozialatlas_thueringen_gesamtdownload.zip"


@st.cache_resource(max_entries=2, show_spinner=False)
def _zip(version) -> tuple[bytes, int, int]:
    bundle = gesamtdownload.build(data.connection())
    obs = bundle.beobachtungen
    return datapackage.to_zip_bytes(bundle), len(obs), int((obs["status"] == "gesperrt").sum())


def section() -> None:
    st.subheader("Alle Daten herunterladen")
    st.markdown(
        "Der ganze Atlas als eine ZIP-Datei: alle Beobachtungen in Langform mit Stand, Quelle und Status, "
        "der Indikatorenkatalog, die Quellen mit Lizenzen, die Gebiete mit ihren amtlichen Schlüsseln und die "
        "Gebietsgrenzen aller Ebenen (GeoPackage) — als CSV (Semikolon, Dezimalkomma) und Parquet, mit einer "
        "Beschreibung jeder Datei und jedes Feldes (`datapackage.json`, Frictionless) und einer README. "
        "Die Geheimhaltung gilt genau wie auf den Seiten: gesperrte Werte sind leer und als „gesperrt“ markiert."
    )
    if not st.session_state.get("gesamtdownload_angefordert"):
        if st.button("Gesamtdownload zusammenstellen", icon=":material/folder_zip:", key="gesamtdownload_start"):
            st.session_state["gesamtdownload_angefordert"] = True
            st.rerun()
        st.caption("Das Zusammenstellen dauert beim ersten Mal einige Minuten; danach steht die Datei sofort bereit.")
        return
    with st.spinner("Alle Werte werden geprüft und zusammengestellt …"):
        payload, n_obs, n_gesperrt = _zip(data.version_key())
    size_mb = len(payload) / 1e6
    st.download_button(
        f"Alle Daten herunterladen (ZIP, {size_mb:.1f} MB)".replace(".", ","),
        payload,
        file_name=FILE_NAME,
        mime="application/zip",
        key="gesamtdownload_zip",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(
        f"{n_obs:,} Beobachtungen, davon {n_gesperrt:,} gesperrt (Geheimhaltung).".replace(",", ".")
        + " Auch über die Kommandozeile: `python -m sozialatlas export --out DATEI.zip`."
    )
