"""Ziele verknüpfen (admin): goals of the strategies (or own goals) linked to indicators with a baseline
year, a target direction or value and a target year. Every change is a version."""

import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.store import ziele as store
from sozialatlas.ui import auth, data, views
from sozialatlas.ui import praesentation as ui
from sozialatlas.ui.plain import md, text
from sozialatlas.views import monitoring as mv

st.title("Ziele verknüpfen")
wer = auth.require_admin()
st.markdown(
    "Ein Ziel der 15 Strategien (oder ein eigenes) mit einem Indikator verknüpfen: **Basisjahr**, "
    "**Zielrichtung** (senken/steigern) oder **Zielwert**, optional **Zieljahr** und ein Kreis (leer: alle "
    "Kreise). Das Monitoring zeigt daraus die Ampel."
)
msg = st.session_state.pop("ziele_meldung", None)
if msg:
    st.success(msg)

goals = ui.goals()
inds = data.indicators("kreis")
ind_names = dict(zip(inds["id"], inds["name"]))
kreise = views.kreise(gebietsstand.AB)
kreis_names = {"": "alle Kreise"} | dict(zip(kreise["schluessel"], kreise["name"]))

goal_keys = [f"{r.lebenslage}|{r.ziel}" for r in goals.itertuples()]
goal_label = {f"{r.lebenslage}|{r.ziel}": f"{text(r.lebenslage_name)}: {text(r.ziel)}" for r in goals.itertuples()}
with st.form("ziel_link"):
    ziel = st.selectbox("Ziel", goal_keys, format_func=goal_label.get, key="zl_ziel")
    indikator = st.selectbox("Indikator", list(ind_names), format_func=lambda i: text(ind_names[i]), key="zl_indikator")
    c1, c2, c3, c4 = st.columns(4)
    basis = c1.text_input("Basisjahr", key="zl_basis", placeholder="z. B. 2016")
    richtung = c2.selectbox("Zielrichtung", list(mv.RICHTUNGEN), key="zl_richtung")
    zielwert = c3.text_input("Zielwert (optional)", key="zl_zielwert")
    zieljahr = c4.text_input("Zieljahr (optional)", key="zl_zieljahr")
    kreis = st.selectbox("Kreis", list(kreis_names), format_func=kreis_names.get, key="zl_kreis")
    ok = st.form_submit_button("Verknüpfen", type="primary", icon=":material/link:")

if ok:
    ll, _, ziel_text = (ziel or "|").partition("|")
    try:
        link = mv.validate_link(
            data.connection(),
            {
                "lebenslage": ll,
                "ziel": ziel_text,
                "indikator": indikator,
                "basisjahr": basis.strip() or None,
                "richtung": richtung,
                "zielwert": zielwert.strip() or None,
                "zieljahr": zieljahr.strip() or None,
                "kreis": kreis or None,
            },
        )
    except (mv.MonitoringInputError, ValueError) as exc:
        st.error(f"Nicht gespeichert: {md(exc)}")
    else:
        with data.writing() as con:
            store.save_link(con, link, wer)
        st.session_state["ziele_meldung"] = f"Verknüpft: {link['ziel']} → {ind_names[link['indikator']]}."
        st.rerun()

with st.expander("Eigenes Ziel anlegen"):
    lls = data.lebenslagen()
    with st.form("ziel_neu"):
        ll = st.selectbox("Lebenslage", list(lls["id"]), format_func=dict(zip(lls["id"], lls["name"])).get)
        neu = st.text_input("Ziel", max_chars=200)
        if st.form_submit_button("Ziel anlegen"):
            if not neu.strip():
                st.error("Nicht gespeichert: Ziel fehlt.")
            else:
                with data.writing() as con:
                    store.add_goal(con, ll, neu.strip(), None, wer)
                st.session_state["ziele_meldung"] = f"Ziel „{neu.strip()}“ angelegt."
                st.rerun()

st.header("Verknüpfungen")
links = ui.links()
if links.empty:
    st.info("Noch keine Verknüpfungen.")
for r in links.itertuples():
    c1, c2 = st.columns([5, 1])
    c1.markdown(
        f"**{md(r.ziel)}** → {md(ind_names.get(r.indikator, r.indikator))} · Basisjahr {int(r.basisjahr)} · "
        f"{md(r.richtung)} · {md(kreis_names.get(r.kreis or '', r.kreis))}"
    )
    if c2.button("Löschen", key=f"zl_del_{int(r.id)}"):
        with data.writing() as con:
            store.delete_link(con, int(r.id), wer)
        st.session_state["ziele_meldung"] = "Verknüpfung gelöscht."
        st.rerun()
