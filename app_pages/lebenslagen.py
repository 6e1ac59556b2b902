"""Lebenslagen: enter by Lebenslage, see indicator cards, drill down to a Kreis and its Gemeinden."""

import streamlit as st

from sozialatlas.ui import common, data, state, views
from sozialatlas.ui import lebenslagen as ui
from sozialatlas.ui.plain import md
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views import lebenslagen_page as page
from sozialatlas.views.lebenslagen_page import LebenslagenState as S

st.title(page.TITLE)
st.caption(page.CAPTION)

ll = data.lebenslagen()
ll_name = dict(zip(ll["id"], ll["name"]))
link_warning = st.container()  # what a link asked for and is not there (filled further down)
url = state.read(S)
ll_problems: list[str] = list(url.problems)
state.choose(
    "lebenslage",
    list(ll["id"]),
    wish=url.lebenslage,
    what=S.WHAT["lebenslage"],
    label=ll_name.get,
    problems=ll_problems,
)
state.show_problems(link_warning, ll_problems)
lebenslage = st.radio("Lebenslage", list(ll["id"]), format_func=ll_name.get, horizontal=True, key="lebenslage")

st.header(md(ll_name[lebenslage]))
st.markdown(md(ll.loc[ll["id"] == lebenslage, "beschreibung"].iloc[0] or ""))

cards = views.cards(lebenslage)
if not cards:
    st.info(lebenslagen_view.needed_data(lebenslage), icon=":material/info:")
    state.publish(page.shown(lebenslage))
    common.attribution([])
    st.stop()
ui.cards(cards)

# --- drill-down: indicator → Kreis → Gemeinden ---------------------------------------------------------------
st.header(page.DRILL_DOWN)
mit_kreis = page.drill_down_cards(cards)
if not mit_kreis:
    st.info(page.NO_KREIS_VALUES)
    state.publish(page.shown(lebenslage))
    common.attribution([c["quelle"] for c in cards])
    st.stop()
ind_name = {c["id"]: c["name"] for c in mit_kreis}
problems: list[str] = []
default = page.default_indicator(views.completeness(), lebenslage, list(ind_name))
state.choose(
    "indikator",
    list(ind_name),
    wish=url.indikator,
    default=default,
    what=S.WHAT["indikator"],
    label=ind_name.get,
    problems=problems,
)
indikator = st.selectbox("Indikator", list(ind_name), format_func=ind_name.get, key="indikator")
c = next(x for x in mit_kreis if x["id"] == indikator)
left, right = st.columns([3, 2])
with left:
    vals = ui.kreis_table(c)
with right:
    kreis_name = dict(zip(vals["schluessel"], vals["name"]))
    state.choose(
        "kreis", list(kreis_name), wish=url.kreis, what=S.WHAT["kreis"], label=kreis_name.get, problems=problems
    )
    kreis = st.selectbox("Kreis", list(kreis_name), format_func=kreis_name.get, key="kreis")
    ui.links(c, kreis, kreis_name[kreis])
state.publish(page.shown(lebenslage, indikator, kreis))
state.show_problems(link_warning, problems)

quellen = ui.gemeinden(c, kreis, kreis_name[kreis])
common.attribution([x["quelle"] for x in cards] + quellen)
