"""Präsentationen (admin): Folien aus Ansichten zusammenstellen, speichern (jede Änderung eine Version),
als JSON exportieren/importieren, veröffentlichen, als PowerPoint oder PDF herunterladen."""

import pandas as pd
import streamlit as st

from sozialatlas.store import praesentationen as store
from sozialatlas.ui import auth, data, downloads
from sozialatlas.ui import praesentation as ui
from sozialatlas.ui.plain import md, text
from sozialatlas.views import praesentation as pv

st.title("Präsentationen")
wer = auth.require_admin()
st.markdown(
    "Eine Präsentation ist eine Folge von **Folien**; jede Folie ist eine Ansicht des Atlas: die Adresse aus "
    "der Adresszeile (z. B. `/kreisvergleich?indikator=schuldnerquote&jahr=2019`), ein Titel und eine "
    "Kernaussage. Veröffentlichte Präsentationen zeigt auch die öffentliche Instanz (nach "
    "`python -m sozialatlas publish`)."
)

msg = st.session_state.pop("praes_meldung", None)
if msg:
    st.success(msg)


def _fehler(exc: pv.PraesentationInputError) -> None:
    st.error("Nicht gespeichert – bitte korrigieren:\n\n" + "\n".join(f"- {md(f)}" for f in exc.fehler))


decks = ui.decks(False)
NEU = -1
options = [NEU] + [int(i) for i in decks["id"]]
names = {NEU: "– neue Präsentation –"} | {int(r.id): text(r.titel) for r in decks.itertuples()}
wahl = st.selectbox("Präsentation", options, format_func=names.get, key="praes_wahl")

if wahl == NEU:
    satz, folien = {"titel": "", "beschreibung": ""}, pd.DataFrame(columns=["titel", "kernaussage", "url"])
else:
    satz, folien = ui.deck(wahl)
    folien = folien[["titel", "kernaussage", "url"]]

with st.form(f"praes_form_{wahl}"):
    titel = st.text_input("Titel der Präsentation", value=satz.get("titel") or "", max_chars=pv.MAX_TITEL)
    beschreibung = st.text_input("Beschreibung (optional)", value=satz.get("beschreibung") or "")
    edited = st.data_editor(
        folien.reset_index(drop=True),
        num_rows="dynamic",
        use_container_width=True,
        column_config={
            "titel": st.column_config.TextColumn("Titel der Folie", required=True, max_chars=pv.MAX_TITEL),
            "kernaussage": st.column_config.TextColumn("Kernaussage", max_chars=pv.MAX_KERNAUSSAGE),
            "url": st.column_config.TextColumn("Ansicht (Adresse)", required=True),
        },
        key=f"praes_folien_{wahl}",
    )
    speichern = st.form_submit_button("Speichern", type="primary", icon=":material/save:")

if speichern:
    rows = [
        {k: (None if pd.isna(v) else v) for k, v in r.items()}
        for r in edited.to_dict("records")
        if any(isinstance(v, str) and v.strip() for v in r.values())
    ]
    try:
        clean, clean_folien = pv.validate(
            data.connection(),
            {
                "titel": titel,
                "beschreibung": beschreibung,
                "id": None if wahl == NEU else wahl,
                "veroeffentlicht": False if wahl == NEU else bool(satz.get("veroeffentlicht")),
            },
            rows,
        )
    except pv.PraesentationInputError as exc:
        _fehler(exc)
    else:
        with data.writing() as con:
            sid = store.save(con, clean, clean_folien, wer)
        st.session_state["praes_meldung"] = f"Präsentation „{clean['titel']}“ gespeichert ({len(clean_folien)} Folien)."
        st.session_state["praes_wahl"] = sid
        st.rerun()

if wahl != NEU:
    st.header("Veröffentlichen, zeigen, herunterladen")
    c1, c2, c3 = st.columns(3)
    pub = bool(satz.get("veroeffentlicht"))
    c1.markdown("Status: **veröffentlicht**" if pub else "Status: **nicht veröffentlicht**")
    if c1.button("Zurückziehen" if pub else "Veröffentlichen", key="praes_pub"):
        with data.writing() as con:
            store.set_published(con, wahl, not pub, wer)
        st.session_state["praes_meldung"] = "Zurückgezogen." if pub else "Veröffentlicht."
        st.rerun()
    c2.page_link(
        "app_pages/praesentationsmodus.py",
        label="Im Präsentationsmodus zeigen",
        icon=":material/slideshow:",
        query_params={"p": str(wahl), "folie": "1"},
    )
    c3.download_button(
        "Als JSON exportieren",
        pv.to_json(satz, folien).encode("utf-8"),
        file_name=f"praesentation_{wahl}.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
    )
    d1, d2, d3 = st.columns(3)
    downloads.on_request(
        "PowerPoint",
        lambda: ui.pptx(wahl, ui.base_url()),
        subject=wahl,
        file_name=f"praesentation_{wahl}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="praes_pptx",
        container=d1,
        icon=":material/co_present:",
    )
    downloads.on_request(
        "PDF",
        lambda: ui.deck_pdf(wahl, ui.base_url()),
        subject=wahl,
        file_name=f"praesentation_{wahl}.pdf",
        mime="application/pdf",
        key="praes_pdf",
        container=d2,
    )
    if d3.button("Präsentation löschen", key="praes_del", icon=":material/delete:"):
        with data.writing() as con:
            store.delete(con, wahl, wer)
        st.session_state["praes_meldung"] = "Präsentation gelöscht (in den Versionen wiederherstellbar)."
        st.session_state.pop("praes_wahl", None)
        st.rerun()

st.header("Aus JSON importieren")
up = st.file_uploader("Präsentation (JSON)", type=["json"], key="praes_json")
if up is not None and st.button("Importieren", key="praes_import", icon=":material/upload:"):
    try:
        clean, clean_folien = pv.from_json(data.connection(), up.getvalue())
    except pv.PraesentationInputError as exc:
        _fehler(exc)
    else:
        with data.writing() as con:
            sid = store.save(con, clean, clean_folien, wer)
        st.session_state["praes_meldung"] = f"Präsentation „{clean['titel']}“ importiert ({len(clean_folien)} Folien)."
        st.session_state["praes_wahl"] = sid
        st.rerun()
