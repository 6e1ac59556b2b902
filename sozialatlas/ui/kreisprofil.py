"""Drawing and widget state of the Kreisprofil page (the decisions are in sozialatlas.views.kreisprofil_page).

Widget keys are the URL words `kreis` and `gebietsstand` (plus `steckbrief_html`, `steckbrief_pdf`, `kp_tab`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy
from sozialatlas.render import formatting
from sozialatlas.ui import a11y, common, data, downloads
from sozialatlas.ui import praesentation as praes_ui
from sozialatlas.ui.plain import md
from sozialatlas.ui.plain import table as md_table
from sozialatlas.views import kreisprofil_page as page
from sozialatlas.views import profile
from sozialatlas.views.kreisprofil_page import KreisprofilState


def pick(alle: Mapping[str, pd.DataFrame], url: KreisprofilState, problems: list[str]) -> tuple[str, str]:
    """Gebietsstand and Kreis; a link to Eisenach opens the 23-Kreise Gebietsstand."""
    keys = {s: set(df["schluessel"]) for s, df in alle.items()}
    all_keys = set().union(*keys.values())
    first_read = "kreis" not in st.session_state
    if first_read and url.kreis in all_keys:
        st.session_state["kreis"] = url.kreis
    if "gebietsstand" not in st.session_state:
        r = page.link_stand(url.gebietsstand)
        problems += [r.problem] if r.problem else []
        if r.value:
            st.session_state["gebietsstand"] = r.value
    chosen = page.stand_for(
        st.session_state.get("kreis"), st.session_state.get("gebietsstand"), keys, "gebietsstand" in st.query_params
    )
    if chosen is not None and chosen != st.session_state.get("gebietsstand"):
        st.session_state["gebietsstand"] = chosen
    if "gebietsstand" not in st.session_state:
        st.session_state["gebietsstand"] = gebietsstand.AB

    c1, c2 = st.columns([1, 2])
    stand = c1.radio(
        "Gebietsstand",
        list(gebietsstand.STAENDE),
        format_func=gebietsstand.LABEL.get,
        key="gebietsstand",
        help=page.STAND_HELP,
    )
    names = dict(zip(alle[stand]["schluessel"], alle[stand]["name"]))
    if st.session_state.get("kreis") not in names:
        st.session_state.pop("kreis", None)
    kreis = c2.selectbox("Kreis", list(names), format_func=names.get, key="kreis")
    if first_read:
        problem = page.kreis_problem(url.kreis, all_keys, names[kreis])
        problems += [problem] if problem else []
    return kreis, stand


def heading(col, info, kreis: str, stand: str, rows: pd.DataFrame) -> None:
    with col:
        st.header(md(info["name"]))
        st.markdown(f"{md(info['bez'])} · Schlüssel {kreis} · {gebietsstand.LABEL[stand]}")
        st.markdown(page.coverage_text(rows))
        if page.has_gesperrt(rows):
            st.caption(md(privacy.rules().beschreibung()))


def outline(col, svg: str, name: str) -> None:
    if svg:
        a11y.svg_image(col, svg, alt=page.outline_alt(name), caption=page.outline_caption(name))


def sections(rows: pd.DataFrame, lebenslagen: pd.DataFrame, kreis_name: str) -> None:
    for s in page.sections(rows, lebenslagen):
        st.subheader(md(s.name))
        if s.needed:
            st.info(s.needed, icon=":material/info:")
            continue
        if s.table is None:
            st.info(page.no_value_text(md(kreis_name)))
        else:
            st.table(md_table(s.table))
        if s.ohne:
            st.caption(md(page.ohne_text(kreis_name, s.ohne)))
        if s.hinweise:
            with st.expander(page.hinweise_label(md(s.name), len(s.hinweise))):
                for h in s.hinweise:
                    st.text(h)


def download_section(rows: pd.DataFrame, info, kreis: str, stand: str, lebenslagen, svg: str) -> list[str]:
    """HTML Steckbrief, PDF on request, table as CSV/XLSX; returns the sources cited."""
    st.header("Herunterladen")
    quellen = page.cited_sources(rows)
    sources = data.sources(tuple(quellen))
    heute = formatting.datum(date.today().isoformat())
    base = page.basename(kreis, stand)
    doc = profile.html_document(
        rows,
        kreis_name=info["name"],
        kreis_bez=info["bez"] or "",
        stand_label=gebietsstand.LABEL[stand],
        lebenslagen=lebenslagen,
        sources=sources,
        erstellt=heute,
        geo_attribution=common.GEO_ATTRIBUTION,
        svg=svg,
    )
    st.download_button(
        "Steckbrief als HTML-Dokument",
        doc.encode("utf-8"),
        file_name=f"{base}.html",
        mime="text/html",
        key="steckbrief_html",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(page.STECKBRIEF_HINWEIS)
    # A real PDF (Typst; A4, Lebenslagen, Trend, Monitoring, Quellen): built on demand, it takes seconds.
    downloads.on_request(
        "Kreisprofil als PDF",
        lambda: praes_ui.kreis_pdf(
            kreis, stand, heute, common.GEO_ATTRIBUTION, praes_ui.base_url() + page.link(kreis, stand)
        ),
        subject=(kreis, stand),
        file_name=f"{base}.pdf",
        mime="application/pdf",
        key="steckbrief_pdf",
    )
    meta = page.download_meta(kreis, info["name"], stand, sources, heute)
    downloads.table_buttons(profile.download_table(rows), meta, key="kp_tab", sheet_name="Kreisprofil", basename=base)
    return quellen
