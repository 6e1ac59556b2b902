"""Import (admin): a planner's own CSV/XLSX table as an indicator — check everything, then write one version."""

import streamlit as st

from sozialatlas.ui import auth
from sozialatlas.ui import import_page as ui
from sozialatlas.views import import_page as page

st.title(page.TITLE)
wer = auth.require_admin()
st.markdown(page.INTRO)

ui.last_result()
datei = ui.upload()
if datei is None:
    st.stop()
table, digest = ui.read(datei)
meta, ebene, gebietsstand = ui.metadata_form()
report = ui.check(table, digest, meta, ebene, gebietsstand)
ui.show_report(report)
ui.import_button(report, datei, wer)
