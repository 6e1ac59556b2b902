"""Drawing of the Lebenslagen page (the decisions are in sozialatlas.views.lebenslagen_page).

Widget keys are the URL words `lebenslage`, `indikator`, `kreis`, plus `gemeinde_jahr`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from sozialatlas.protection import privacy
from sozialatlas.render import formatting, tables
from sozialatlas.ui import common, data, views
from sozialatlas.ui.plain import md
from sozialatlas.ui.plain import table as md_table
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views import lebenslagen_page as page


def card(c: Mapping[str, Any]) -> None:
    with st.container(border=True):
        m = page.metric(c, md)
        st.metric(
            m.label,
            m.value,
            m.delta,
            delta_color=m.delta_color,
            delta_arrow=m.delta_arrow,
            chart_data=m.chart_data,
            chart_type="line",
            help=m.help,
        )
        st.markdown("  \n".join(page.card_lines(c, md)))


def cards(cs: list) -> None:
    cols = st.columns(2)
    for i, c in enumerate(cs):
        with cols[i % 2]:
            card(c)


def region_table(vals: pd.DataFrame, c: Mapping[str, Any], ebene_label: str) -> None:
    table = tables.sort_for_display(
        tables.region_table(vals, einheit=c["einheit"], dezimalen=c["dezimalen"], ebene_label=ebene_label)
    )
    st.table(md_table(table.set_index(table.columns[0])))


def kreis_table(c: Mapping[str, Any]) -> pd.DataFrame:
    """The Kreis values of the card's newest year; returns them (the Kreis choice is made from them)."""
    sp = c["spread"]
    vals = data.values(c["id"], "kreis", sp["gebietsstand"], sp["jahr"])
    st.subheader(page.kreis_heading(c["name"], sp["jahr"], md))
    st.caption(page.kreis_caption(sp, md))
    region_table(vals, c, "Kreis")
    gesperrt = page.gesperrt_text(vals, privacy.rules().beschreibung())
    if gesperrt:
        st.caption(md(gesperrt))
    return vals


def links(c: Mapping[str, Any], kreis: str, kreis_name: str) -> None:
    q = page.links(c["id"], kreis, c["spread"]["gebietsstand"])
    st.page_link(
        "app_pages/kreisprofil.py",
        label=f"Kreisprofil {md(kreis_name)}",
        icon=":material/description:",
        query_params=q["kreisprofil"],
    )
    st.page_link(
        "app_pages/zeitreihen.py",
        label=f"Zeitreihe {md(c['name'])}",
        icon=":material/show_chart:",
        query_params=q["zeitreihen"],
    )


def gemeinden(c: Mapping[str, Any], kreis: str, kreis_name: str) -> list[str]:
    """The Gemeinden of the Kreis for one year (or why there are none); returns the sources cited."""
    indikator = c["id"]
    st.subheader(f"Gemeinden in {md(kreis_name)}")
    jahre = views.gemeinde_years(indikator)
    if not jahre:
        st.info(page.no_gemeinde_level_text(c["name"], c["ebenen"], md), icon=":material/info:")
        return [c["quelle"]]
    warnung = lebenslagen_view.gemeinde_warning(indikator)
    if warnung:
        st.warning(warnung, icon=":material/warning:")
    jahr = st.selectbox("Jahr (Gemeinden)", jahre, key="gemeinde_jahr")
    gem = views.gemeinden(indikator, kreis, c["spread"]["gebietsstand"], int(jahr))
    if gem.empty:
        st.info(page.NO_GEMEINDEN)
    else:
        stand_text = common.stand_text(gem["stand"].dropna().unique())
        st.caption(page.gemeinde_caption(gem, jahr, stand_text, md))
        region_table(gem, c, "Gemeinde")
        if gem["status"].eq(formatting.GESPERRT).any():
            st.caption(md(privacy.rules().beschreibung()))
        hinweise = page.gemeinde_hinweise(gem)
        if hinweise:
            with st.expander(f"Hinweise zu den Gemeindewerten ({len(hinweise)})"):
                for h in hinweise:
                    st.text(h)
    return [c["quelle"], *gem["quelle"].dropna().unique()]
