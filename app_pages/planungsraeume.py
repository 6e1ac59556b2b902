"""Planungsräume verwalten (admin): group a Kreis's Gemeinden into Planungsräume, save, import, export, delete."""

import streamlit as st

from sozialatlas import settings
from sozialatlas.areas import planungsraum
from sozialatlas.ui import auth, state, vorschlag
from sozialatlas.ui import planungsraeume as ui
from sozialatlas.ui import smallarea as sa
from sozialatlas.views import planungsraum_editor as pe
from sozialatlas.views.planungsraum_editor import PlanungsraeumeState as S

st.title("Planungsräume verwalten")
wer = auth.require_admin()
st.markdown(
    "Ein Kreis fasst seine Gemeinden zu **Planungsräumen** zusammen (z. B. Sozialräume). Je Kreis können "
    "mehrere Gliederungen nebeneinander bestehen. Die Fläche eines Planungsraums ist die Vereinigung seiner "
    "Gemeinden; Anzahlen werden summiert, Quoten aus summierten Zählern und Nennern neu berechnet, "
    "Indizes lassen sich nicht zusammenfassen. Alle Werte durchlaufen die Geheimhaltung."
)
warn = st.container()  # what a link asked for and does not exist
url, problems = state.read(S), []
problems += url.problems

kreise = sa.kreise()
state.choose(
    "pr_kreis",
    list(kreise),
    wish=url.pr_kreis,
    default=pe.default_kreis(kreise, planungsraum.BEISPIEL_KREIS),
    what=S.WHAT["pr_kreis"],
    label=kreise.get,
    problems=problems,
)
kreis = st.selectbox("Kreis", list(kreise), format_func=kreise.get, key="pr_kreis")
state.publish(S(pr_kreis=kreis))
state.show_problems(warn, problems)
area = ui.Area(kreis, kreise[kreis], wer)

ui.messages()
tab_list, tab_new, tab_csv = st.tabs(pe.TABS, key="pr_tab", on_change="rerun")
with tab_list:
    ui.saved_tab(area)
with tab_new:
    ui.editor_tab(area)
    # „Vorschlag berechnen“ (max-p regionalisation) goes here: it fills the draft shown above.
    vorschlag.section(area)
with tab_csv:
    ui.csv_tab(area)

if settings.is_public():  # pragma: no cover - auth.require_admin stops before; belt and braces
    st.stop()
