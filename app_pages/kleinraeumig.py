"""Kleinräumig: Gemeinden, Gemeindeverbände, Planungsräume or Jena's Bezirke of a Kreis — map, table, profile."""

import streamlit as st

from sozialatlas import settings
from sozialatlas.ui import common, state
from sozialatlas.ui import kleinraeumig as ui
from sozialatlas.ui import smallarea as sa
from sozialatlas.ui.plain import md, text
from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views import kleinraeumig_page as page
from sozialatlas.views.kleinraeumig_page import KleinraeumigState as S

st.title("Kleinräumig")
st.caption(
    "Gemeinden (Gebietsstand 31.12.2021), Gemeindeverbände, eigene Planungsräume eines Kreises und die "
    "statistischen Bezirke der Stadt Jena — jeweils im Vergleich mit dem Kreis und mit Thüringen."
)
warn = st.container()  # what a link asked for and does not exist (filled below, shown on top)
url, K = state.read(S), S.KEYS
problems = list(url.problems)


def choose(param: str, options, **kw):
    return state.choose(K[param], options, wish=getattr(url, param), what=S.WHAT[param], problems=problems, **kw)


kreise = sa.kreise()
ebene = choose("ebene", list(kr.EBENEN), default="gemeinde", label=kr.EBENEN.get)
st.radio("Ebene", list(kr.EBENEN), format_func=kr.EBENEN.get, key=K["ebene"], horizontal=True)
level, plural = kr.DATA_LEVEL[ebene], kr.GEBIET[ebene][1]

c1, c2, c3, c4 = st.columns([2, 3, 1, 2])
if ebene == "stadtbezirk":
    kreis = kr.JENA
    c1.markdown(f"**Kreis**  \n{md(kreise.get(kr.JENA, 'Jena'))}")
else:
    options, label = page.kreis_options(ebene, kreise), page.kreis_label(kreise)
    with_defs = sa.definitions()["kreis"] if ebene == "planungsraum" else ()
    choose("kreis", options, default=page.default_kreis(ebene, options, with_defs), label=label)
    kreis = c1.selectbox("Kreis", options, key=K["kreis"], on_change=sa.bump, args=(ui.GEN,), format_func=label)
ganz_thueringen = kreis == kr.THUERINGEN

inds = sa.indicators(level)
if inds.empty:
    st.warning(f"Die Datenbank enthält keine Indikatoren für {plural}.")
    st.stop()
ind_name = dict(zip(inds["id"], inds["name"]))
choose("indikator", list(inds["id"]), default=page.DEFAULT_INDICATOR[ebene], label=ind_name.get)
indikator = c2.selectbox("Indikator", inds["id"], format_func=lambda i: text(ind_name[i]), key=K["indikator"])
row = inds[inds["id"] == indikator].iloc[0].to_dict()
ind, jahre = sa.indicator(level, indikator), sa.years(indikator, level)
if not jahre:
    st.warning(f"Für „{md(ind.name)}“ liegen für {plural} keine Werte vor.")
    st.stop()
choose("jahr", jahre)
jahr = int(c3.selectbox("Jahr", jahre, key=K["jahr"]))

definition = None
if ebene == "planungsraum":
    labels = page.definition_labels(sa.definitions(kreis))
    if not labels:
        st.info(page.no_definition_text(md(kreise[kreis])))
        state.publish(S(ebene=ebene, kreis=kreis, indikator=indikator, jahr=jahr))
        state.show_problems(warn, problems)
        st.stop()
    choose("definition", list(labels), label=labels.get)
    fmt = lambda d: text(labels[d])  # noqa: E731
    definition = c4.selectbox(
        "Gliederung", list(labels), format_func=fmt, key=K["definition"], on_change=sa.bump, args=(ui.GEN,)
    )

vals, shapes, refusal = ui.load(ebene, kreis, indikator, jahr, definition)
rows = kr.rows_from_values(vals, ebene)
mc = ui.classes(rows, ind)
gebiet_namen = dict(zip(rows.keys, rows.names))
gebiet = choose("gebiet", rows.keys, nullable=True, label=gebiet_namen.get)

ort = "Thüringen" if ganz_thueringen else kreise.get(kreis, kreis)
titel = page.title(ind, jahr, plural, ort)
st.header(md(titel))
st.caption(md(page.definition_caption(row)))
notes = st.container()  # shown above the map, filled after it

# The map is sent first: the browser paints it while the 631-row table and everything below still arrive.
left, right = st.columns([1, 1] if ganz_thueringen else [3, 2])
with left:
    ui.area_map(rows, mc, ind, shapes, gebiet=gebiet, whole=ganz_thueringen, ort=ort, titel=titel, ebene=ebene)
with right:
    ui.area_table(rows, ind, ebene, with_kreis=ganz_thueringen, titel=titel, gebiet=gebiet)
with notes:
    ui.notices(page.notices(rows, ebene=ebene, kreis=kreis, plural=plural, refusal=refusal))
if gebiet:
    ui.profile_box(ebene, gebiet, gebiet_namen[gebiet], rows, ind, jahr, definition)

quelle_ids = ui.downloads_section(rows, vals, ind, row, ebene=ebene, kreis=kreis, jahr=jahr, definition=definition)
common.attribution(quelle_ids)
shown_kreis = None if ebene == "stadtbezirk" else kreis
state.publish(S(ebene=ebene, kreis=shown_kreis, indikator=indikator, jahr=jahr, definition=definition, gebiet=gebiet))
state.show_problems(warn, problems)
if ebene == "planungsraum" and not settings.is_public():
    st.page_link("app_pages/planungsraeume.py", label="Planungsräume verwalten", icon=":material/edit_location_alt:")
