"""Sozialatlas Thüringen — Streamlit entry point: `streamlit run app.py`.

SOZIALATLAS_PUBLIC=1 makes this a public, read-only instance: the admin pages are not registered at all
(their URLs do not exist) and the database is only ever opened read-only.
"""

import streamlit as st

from sozialatlas import settings
from sozialatlas.ui import a11y, guard, heap, navigation, zur_praesentation

st.set_page_config(page_title="Sozialatlas Thüringen", page_icon="🗺️", layout="wide", initial_sidebar_state="auto")
# "auto": the sidebar starts closed on narrow screens (200 % zoom), so it never covers the first control.
a11y.install()
guard.harden_public()  # no uploads on a public instance (issue 14)
guard.open_database()  # German page instead of Streamlit's error page
_page = st.navigation(navigation.pages(public=settings.is_public()))
try:
    _page.run()
finally:
    # after the page ran, so the address holds the state it published; admin instance only (issue 11)
    zur_praesentation.sidebar(_page)
    # also after st.stop() in a page: every page links the Erklärung zur Barrierefreiheit
    a11y.footer()
    # Streamlit's gc.collect(2) after every run walks the whole long-lived heap: freeze it once (issue 13)
    heap.after_run(_page.url_path)
