"""Präsentationsmodus: one slide fills the screen; → ← Leertaste Pos1 Ende navigate, Esc leaves.

Public instances show published Präsentationen only (read-only); the admin instance shows all.
"""

import streamlit as st

from sozialatlas.ui import praesentation as ui
from sozialatlas.ui.plain import md, text

decks = ui.decks(ui.is_public())
raw = st.query_params.get("p")
satz_id = int(raw) if raw and raw.isdigit() and int(raw) in set(decks["id"]) else None

if satz_id is None:
    st.title("Präsentationsmodus")
    if raw:
        st.warning(
            f"Die Präsentation „{md(raw)}“ gibt es nicht"
            + (" oder sie ist nicht veröffentlicht." if ui.is_public() else ".")
        )
    if decks.empty:
        st.info("Es gibt noch keine " + ("veröffentlichten " if ui.is_public() else "") + "Präsentationen.")
        st.stop()
    st.markdown(
        "Eine Folie füllt den Bildschirm. Tasten: **→** oder **Leertaste** weiter, **←** zurück, "
        "**Pos1** erste, **Ende** letzte Folie, **Esc** verlässt den Präsentationsmodus. "
        "Für Vollbild im Browser zusätzlich **F11**."
    )
    for r in decks.itertuples():
        st.page_link(
            "app_pages/praesentationsmodus.py",
            label=f"{text(r.titel)} ({int(r.folien)} Folien)",
            icon=":material/slideshow:",
            query_params={"p": str(int(r.id)), "folie": "1"},
        )
    st.stop()

satz, folien = ui.deck(satz_id)
n = len(folien)
if n == 0:
    st.info("Diese Präsentation hat keine Folien.")
    st.stop()
try:
    nr = min(max(int(st.query_params.get("folie", "1")), 1), n)
except ValueError:
    nr = 1


def go(to: int) -> None:
    st.query_params["folie"] = str(min(max(to, 1), n))


def leave() -> None:
    for k in ("p", "folie"):
        if k in st.query_params:
            del st.query_params[k]


ui.fullscreen()
f = folien.iloc[nr - 1]
st.html(ui.slide_html(f["titel"], f["kernaussage"] or "", f["url"], nr, n))
nav = st.container(horizontal=True, key="folie_nav", horizontal_alignment="center")
nav.button("Erste Folie", key="f_erste", on_click=go, args=(1,), shortcut="Home", icon=":material/first_page:")
nav.button("Zurück", key="f_zurueck", on_click=go, args=(nr - 1,), shortcut="Left", icon=":material/arrow_back:")
nav.button("Weiter", key="f_weiter", on_click=go, args=(nr + 1,), shortcut="Right", icon=":material/arrow_forward:")
nav.button("Weiter (Leertaste)", key="f_leer", on_click=go, args=(nr + 1,), shortcut="Space", type="tertiary")
nav.button("Letzte Folie", key="f_letzte", on_click=go, args=(n,), shortcut="End", icon=":material/last_page:")
nav.button("Beenden", key="f_ende", on_click=leave, shortcut="Esc", icon=":material/close:")
