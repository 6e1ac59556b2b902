"""Kreisvergleich: one indicator, one year, all Kreise — map, table, ranking; every view is a URL.

The map comes before every widget it does not need (the options sit under it: the browser loads each
widget's JavaScript in page order), the ranking is a static SVG (no Vega), the export charts are built
only on a download click (sozialatlas.ui.kreisvergleich).
"""

import streamlit as st

from sozialatlas.ui import common, data, state
from sozialatlas.ui import kreisvergleich as ui
from sozialatlas.ui.plain import md
from sozialatlas.views import kreisvergleich as kv
from sozialatlas.views import kreisvergleich_page as page

KREIS = page.KREIS

st.title("Kreisvergleich")
# What a link asked for and the atlas does not have (rolled-back indicator, jahr=1800, unknown Kreis):
# shown at the top, never silently replaced by the default view.
problems: list[str] = []
link_warning = st.container()
c = ui.choose(problems)

# --- data -------------------------------------------------------------------------------------------

refusal = kv.no_conversion(c.row.get("quelle"), c.per, c.stand)
vals, note = None, None
if not refusal:
    vals, note, refusal = ui.values_on(c.indikator, c.jahr, c.stand)
if vals is None:
    ui.refused(c, refusal, problems, link_warning)
land = data.land_value(c.indikator, c.jahr)

# --- layout first, filled below: header, the map, then the options under it ---------------------------
head = st.container()
left, right = st.columns([3, 2])
map_slot = left.container()
with left:
    ui.options(c, problems)

kreis_names = ui.kreise(c.stand)
state.choose(
    KREIS, list(kreis_names), wish=st.query_params.get(KREIS), nullable=True, what="Kreis",
    label=kreis_names.get, problems=problems,
)  # fmt: skip
state.show_problems(link_warning, problems)
selected = st.session_state.get(KREIS) if st.session_state.get(KREIS) in kreis_names else None
view, view_key = ui.view(c, selected)

titel = page.title(c.ind, c.jahr, c.vorher, c.messgroesse)
with head:
    # Name, definition and formula come from the catalogue, which imports extend: shown as typed, never as
    # Markdown (sozialatlas.ui.plain.md).
    st.header(md(titel))
    st.caption(md(page.definition_caption(c.row)))
    if note:
        st.info(note)  # our own sentence (sozialatlas.areas.gebietsstand), no data text
    for line in kv.refusals(vals):
        st.caption(md(line))
with map_slot:
    ui.kreis_map(view, c, selected=selected, titel=titel)
with right:
    ui.side_panel(view, c, land=land, kreis_names=kreis_names, selected=selected, titel=titel)

ohne_balken = ui.ranking(view, view_key, titel=titel)
quelle_ids = ui.downloads_section(
    view, c, vals=vals, land=land, note=note, titel=titel, selected=selected, ohne_balken=ohne_balken
)
common.attribution(quelle_ids)
ui.publish(c, selected)  # the view as a link
