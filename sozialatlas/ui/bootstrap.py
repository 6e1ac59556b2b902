"""Make a deep link work on a freshly started server.

Streamlit treats an app with a `pages/` folder as an old-style multipage app until the entry point has
called st.navigation once. Until then a deep link such as /kreisvergleich would run the page file alone,
without app.py (no page config, no navigation, no public/admin page list). Every page calls
`ensure_navigation()` first: in that situation it switches Streamlit to st.navigation and reruns, so
app.py decides which pages exist.
"""

from __future__ import annotations

import streamlit as st


def ensure_navigation() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
