"""Zeitreihen: one indicator over all its years for chosen Kreise and Thüringen."""

import streamlit as st

from sozialatlas.ui import common, state, views
from sozialatlas.ui import zeitreihen as ui
from sozialatlas.ui.plain import md
from sozialatlas.views import kreisvergleich
from sozialatlas.views import zeitreihen_page as page
from sozialatlas.views.zeitreihen_page import ZeitreihenState as S

st.title(page.TITLE)
st.caption(page.CAPTION)

inds, ll, _ = common.kreis_indicators()
url = state.read(S)
problems = list(url.problems)  # what a link asked for and the atlas does not have (shown, never silent)
link_warning = st.container()

c1, c2, c3 = st.columns([2, 3, 2])
ind = ui.pick_indicator(c1, c2, inds, ll, url.indikator, problems)
indikator = ind["id"]
stand = ui.pick_stand(c3, views.native_staende(indikator), url.gebietsstand, problems)
kreise_df = views.kreise(stand)
kreis_name = dict(zip(kreise_df["schluessel"], kreise_df["name"]))
kreise = ui.pick_kreise(kreis_name, stand, url.kreise, problems)
state.show_problems(link_warning, problems)
state.publish(page.shown(indikator, stand, kreise, len(kreis_name)))

long, notes = views.series(indikator, stand, tuple(kreise))
brueche = views.brueche(indikator)
names = [kreis_name[k] for k in kreise]

st.header(page.heading(md(ind["name"]), stand))
st.caption(md(page.definition_caption(ind)))
chart = ui.figure(long, ind, stand, names, brueche)
ui.notes(kreisvergleich.break_notes(brueche), notes)
ui.download_section(long, ind, stand, names, notes, brueche, chart)
common.attribution(list(long["quelle"].dropna().unique()) + [ind["quelle"]])
