"""Sozialatlas Thüringen — Streamlit entry point: `streamlit run app.py`."""

import streamlit as st

from sozialatlas.ui import navigation

st.set_page_config(page_title="Sozialatlas Thüringen", page_icon="🗺️", layout="wide",
                   initial_sidebar_state="expanded")
st.navigation(navigation.pages()).run()
