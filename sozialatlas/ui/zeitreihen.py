"""Drawing and widget state of the Zeitreihen page (the decisions are in sozialatlas.views.zeitreihen_page).

Widget keys are the URL words: `lebenslage`, `indikator`, `gebietsstand`, `kreise` (plus the buttons
`zr_alle`, `zr_tab`, `zr_grafik`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy
from sozialatlas.render import charts
from sozialatlas.ui import a11y, common, downloads, htmltable, views
from sozialatlas.ui.plain import md
from sozialatlas.views import kreisvergleich, timeseries
from sozialatlas.views import zeitreihen_page as page


def pick_indicator(col_ll, col_ind, inds: pd.DataFrame, ll: pd.DataFrame, wish: str | None, problems: list[str]):
    """Lebenslage → Indikator; a link's indicator decides the Lebenslage too. Returns the indicator's row."""
    ind_lebenslage = dict(zip(inds["id"], inds["lebenslage"]))
    ind_name = dict(zip(inds["id"], inds["name"]))
    if "indikator" not in st.session_state:
        r = page.link_indicator(wish, ind_lebenslage, ind_name)
        problems += [r.problem] if r.problem else []
        if r.value is not None:
            st.session_state["indikator"] = r.value
    if "indikator" in st.session_state and "lebenslage" not in st.session_state:
        st.session_state["lebenslage"] = ind_lebenslage[st.session_state["indikator"]]
    ll_name = dict(zip(ll["id"], ll["name"]))
    lebenslage = col_ll.selectbox("Lebenslage", ll["id"], format_func=ll_name.get, key="lebenslage")
    auswahl = inds[inds["lebenslage"] == lebenslage]
    current = st.session_state.get("indikator")
    chosen = page.indicator_in(lebenslage, current, auswahl["id"], views.completeness())
    if chosen != current:
        st.session_state["indikator"] = chosen
    indikator = col_ind.selectbox("Indikator", auswahl["id"], format_func=ind_name.get, key="indikator")
    return auswahl[auswahl["id"] == indikator].iloc[0]


def pick_stand(col, native: Sequence[str], wish: str | None, problems: list[str]) -> str:
    if "gebietsstand" not in st.session_state:
        r = page.link_stand(wish)
        problems += [r.problem] if r.problem else []
        st.session_state["gebietsstand"] = r.value or page.default_stand(native)
    return col.radio(
        "Gebietsstand",
        list(gebietsstand.STAENDE),
        format_func=gebietsstand.LABEL.get,
        key="gebietsstand",
        help=page.stand_help(native),
    )


def pick_kreise(kreis_name: Mapping[str, str], stand: str, wish: str | None, problems: list[str]) -> list[str]:
    """The Kreise multiselect with „Alle Kreise“ beside it."""
    if "kreise" not in st.session_state:
        r = page.link_kreise(wish, kreis_name, stand)
        problems += [r.problem] if r.problem else []
        if r.value:
            st.session_state["kreise"] = r.value
    views.init("kreise", page.default_kreise(kreis_name))
    st.session_state["kreise"] = page.still_offered(st.session_state["kreise"], kreis_name)

    def _alle() -> None:
        st.session_state["kreise"] = list(kreis_name)

    k1, k2 = st.columns([5, 1], vertical_alignment="bottom")
    kreise = k1.multiselect(
        "Kreise",
        list(kreis_name),
        format_func=kreis_name.get,
        key="kreise",
        help=page.kreise_help(len(kreis_name)),
    )
    k2.button("Alle Kreise", on_click=_alle, key="zr_alle", disabled=len(kreise) == len(kreis_name))
    return kreise


def figure(long: pd.DataFrame, ind, stand: str, names: list[str], brueche: pd.DataFrame):
    """Chart, its text alternative, the notes and the values table; returns the chart (None: no values)."""
    if not page.has_values(long):
        st.info(page.no_data_text(long, stand))
        return None
    einheit, dez = ind["einheit"] or "", page.dezimalen(ind)
    chart = timeseries.chart(
        long,
        einheit=einheit,
        dezimalen=dez,
        kreis_order=names,
        title=page.chart_title(ind["name"], einheit),
        brueche=list(brueche["jahr"]),
    )
    st.altair_chart(chart, width="stretch")
    a11y.chart_alt(charts.series_summary(long, einheit=einheit, dezimalen=dez))
    for text in page.chart_captions(long, len(names)):
        st.caption(text)
    wide = timeseries.wide_table(long, dez, names)
    st.markdown(f"**Werte in {md(einheit)}**" if einheit else "**Werte**")
    # A real HTML table so screen readers reach every value of the chart.
    htmltable.show(wide, caption=f"{ind['name']}: Werte je Jahr", height=560 if len(wide) > 14 else None)
    if long["umgerechnet"].any():
        st.caption(page.UMGERECHNET_HINWEIS)
    gesperrt = page.gesperrt_caption(long, privacy.rules().beschreibung())
    if gesperrt:
        st.caption(md(gesperrt))
    return chart


def notes(texts: Sequence[str], infos: Sequence[str]) -> None:
    for text in texts:  # a break is drawn as a dotted rule; here is what changed
        st.caption(md(text))
    for note in infos:
        st.info(md(note), icon=":material/info:")  # may quote an indicator name (a refusal's reason)


def download_section(long, ind, stand: str, names: list[str], notes: list[str], brueche, chart) -> None:
    if long.empty:
        return
    breaks = kreisvergleich.break_notes(brueche)
    stand_text = common.stand_text(long["stand"].dropna().unique())
    meta = page.download_meta(ind, stand, names, long, notes, breaks, stand_text, date.today().isoformat())
    base = page.basename(ind["id"], stand)
    st.markdown("**Herunterladen**")
    table = timeseries.download_table(long, ind["einheit"] or "", stand, page.dezimalen(ind))
    downloads.table_buttons(table, meta, basename=base, key="zr_tab", sheet_name="Zeitreihe")
    if chart is not None and long["wert"].notna().any():
        # the figure carries Quelle, Lizenz and Stand wherever it goes
        titel = page.heading(ind["name"], stand)
        downloads.chart_buttons(
            charts.with_source(chart, titel, page.herkunft(meta, breaks)), basename=base, key="zr_grafik"
        )
