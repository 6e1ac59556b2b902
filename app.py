"""Sozialatlas Thüringen — Streamlit entry point: `streamlit run app.py`.

SOZIALATLAS_PUBLIC=1 makes this a public, read-only instance: the admin pages are not registered at all
(their URLs do not exist) and the database is only ever opened read-only.
"""

import streamlit as st

from sozialatlas import settings
from sozialatlas.ui import data, navigation

st.set_page_config(page_title="Sozialatlas Thüringen", page_icon="🗺️", layout="wide", initial_sidebar_state="expanded")
data.ready()
st.navigation(navigation.pages(public=settings.is_public())).run()
