"""The page list. Public instances never register admin pages, so those URLs do not exist there."""

from __future__ import annotations

import streamlit as st

from sozialatlas import paths

# (file, title, icon, url_path, admin_only); pages whose file does not exist yet are skipped.
PAGES = [
    ("app_pages/start.py", "Start", ":material/home:", "start", False),
    ("app_pages/kreisvergleich.py", "Kreisvergleich", ":material/map:", "kreisvergleich", False),
    ("app_pages/zeitreihen.py", "Zeitreihen", ":material/show_chart:", "zeitreihen", False),
    ("app_pages/kreisprofil.py", "Kreisprofil", ":material/description:", "kreisprofil", False),
    ("app_pages/lebenslagen.py", "Lebenslagen", ":material/diversity_3:", "lebenslagen", False),
    ("app_pages/kleinraeumig.py", "Kleinräumig", ":material/grid_on:", "kleinraeumig", False),
    ("app_pages/sozialindex.py", "Sozialindex", ":material/stacked_line_chart:", "sozialindex", False),
    (
        "app_pages/raeumliche_statistik.py",
        "Räumliche Statistik",
        ":material/scatter_plot:",
        "raeumliche-statistik",
        False,
    ),
    ("app_pages/strategien.py", "Strategien & Ziele", ":material/flag:", "strategien", False),
    ("app_pages/daten_quellen.py", "Daten & Quellen", ":material/menu_book:", "daten-quellen", False),
    ("app_pages/monitoring.py", "Monitoring", ":material/monitoring:", "monitoring", False),
    ("app_pages/praesentationsmodus.py", "Präsentationsmodus", ":material/slideshow:", "praesentationsmodus", False),
    ("app_pages/barrierefreiheit.py", "Barrierefreiheit", ":material/accessibility:", "barrierefreiheit", False),
    ("app_pages/planungsraeume.py", "Planungsräume verwalten", ":material/edit_location_alt:", "planungsraeume", True),
    ("app_pages/import.py", "Import", ":material/upload_file:", "import", True),
    ("app_pages/versionen.py", "Versionen", ":material/history:", "versionen", True),
    ("app_pages/praesentationen.py", "Präsentationen", ":material/co_present:", "praesentationen", True),
    ("app_pages/ziele.py", "Ziele verknüpfen", ":material/link:", "ziele", True),
]


def pages(public: bool = False) -> dict[str, list]:
    atlas, admin = [], []
    for file, title, icon, url, admin_only in PAGES:
        if admin_only and public:
            continue
        if not (paths.ROOT / file).exists():
            continue
        page = st.Page(str(paths.ROOT / file), title=title, icon=icon, url_path=url, default=(url == "start"))
        (admin if admin_only else atlas).append(page)
    return {"Atlas": atlas, "Verwaltung": admin} if admin else {"": atlas}
