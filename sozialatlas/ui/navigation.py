"""The page list. Public instances never register admin pages, so those URLs do not exist there."""

from __future__ import annotations

import streamlit as st

from sozialatlas import paths

# (file, title, icon, url_path, admin_only)
PAGES = [
    ("pages/start.py", "Start", ":material/home:", "start", False),
    ("pages/kreisvergleich.py", "Kreisvergleich", ":material/map:", "kreisvergleich", False),
    ("pages/daten_quellen.py", "Daten & Quellen", ":material/menu_book:", "daten-quellen", False),
]


def pages(public: bool = False) -> list:
    out = []
    for i, (file, title, icon, url, admin_only) in enumerate(PAGES):
        if admin_only and public:
            continue
        if not (paths.ROOT / file).exists():
            continue
        out.append(st.Page(str(paths.ROOT / file), title=title, icon=icon, url_path=url, default=(i == 0)))
    return out
