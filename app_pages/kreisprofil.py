"""Kreisprofil (Steckbrief): every indicator of one Kreis by Lebenslage, compared with Thüringen."""

import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.ui import common, data, state, views
from sozialatlas.ui import kreisprofil as ui
from sozialatlas.views import kreisprofil_page as page
from sozialatlas.views.kreisprofil_page import KreisprofilState as S

st.title(page.TITLE)
st.caption(page.CAPTION)
warn = st.container()  # what a link asked for and does not exist (filled below, shown on top)
url = state.read(S)
problems = list(url.problems)

# ?kreis=16053 (the Kreisvergleich links here); Eisenach exists only on the 23-Kreise Gebietsstand.
alle = {s: views.kreise(s) for s in gebietsstand.STAENDE}
kreis, stand = ui.pick(alle, url, problems)
state.publish(page.shown(kreis, stand))
state.show_problems(warn, problems)

kreise = alle[stand]
info = kreise[kreise["schluessel"] == kreis].iloc[0]
rows = views.kreis_profile(kreis, stand)
lebenslagen = data.lebenslagen()

head, pic = st.columns([3, 1])
ui.heading(head, info, kreis, stand, rows)
svg = views.outline_svg(kreis, stand, page.outline_title(info["name"]))
ui.outline(pic, svg, info["name"])
ui.sections(rows, lebenslagen, info["name"])
quellen = ui.download_section(rows, info, kreis, stand, lebenslagen, svg)
common.attribution(quellen)
