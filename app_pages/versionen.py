"""Versionen (admin): every import and change, what it did, and rollback to any earlier state."""

import pandas as pd
import streamlit as st

from sozialatlas.errors import SozialatlasError
from sozialatlas.store import versions
from sozialatlas.ui import auth, data
from sozialatlas.ui.plain import frame as plain_frame
from sozialatlas.ui.plain import md
from sozialatlas.ui.plain import table as md_table

st.title("Versionen")
wer = auth.require_admin()

st.markdown(
    "Jeder Import und jede Änderung eigener Daten (Indikatoren, Werte, Planungsräume) ist eine Version. "
    "Zurücksetzen stellt den Stand nach einer früheren Version wieder her und ist selbst eine neue Version: "
    "es geht nichts verloren, auch ein Zurücksetzen lässt sich zurücknehmen. Die amtlichen Daten aus "
    "`data/` bleiben davon unberührt."
)

done = st.session_state.pop("versionen_ergebnis", None)
if done:
    st.success(f"Zurückgesetzt: neue Version {done}.")

con = data.connection()
liste = versions.list_versions(con)
if liste.empty:
    st.info("Noch keine Versionen: es wurden noch keine eigenen Daten importiert oder geändert.")
    st.stop()

rows = liste.to_dict("records")


def _wann(ts) -> str:
    return pd.Timestamp(ts).tz_localize("UTC").tz_convert("Europe/Berlin").strftime("%d.%m.%Y %H:%M")


aktuell = int(liste["id"].max())
table = pd.DataFrame(
    {
        "Version": [str(r["id"]) for r in rows],
        "Wann": [_wann(r["wann"]) for r in rows],
        "Wer": [r["wer"] for r in rows],
        "Was": [versions.title(r) for r in rows],
        "Datei": [r["datei"] or "–" for r in rows],
        "neu": [int(r["zeilen_neu"]) for r in rows],
        "geändert": [int(r["zeilen_geaendert"]) for r in rows],
        "entfernt": [int(r["zeilen_entfernt"]) for r in rows],
        "Status": [("aktuell; " if r["id"] == aktuell else "") + versions.status(r) for r in rows],
    }
)
st.caption("Zeilen neu/geändert/entfernt zählen Werte und Planungsraum-Zuordnungen, wie Leser sie sehen.")
# A real HTML table: screen readers get every cell; texts from data are shown as text.
st.table(md_table(table.set_index("Version")))

st.header("Einzelheiten")
by_id = {int(r["id"]): r for r in rows}
gewaehlt = st.selectbox(
    "Version", list(by_id), key="versionen_detail", format_func=lambda v: f"Version {v}: {versions.title(by_id[v])}"
)
row = by_id[int(gewaehlt)]
st.text(versions.summary(row))
for table_name in ("beobachtung", "indikator", "planungsraum_definition", "planungsraum_member"):
    added, removed = versions.changes(con, int(gewaehlt), table_name)
    if added.empty and removed.empty:
        continue
    label = versions.TABLE_TEXT.get(table_name, table_name)
    with st.expander(f"{label}: {len(added)} hinzugekommen, {len(removed)} ersetzt oder entfernt"):
        drop = [c for c in ("version_id", "beispiel", "geom") if c in added.columns]
        if not added.empty:
            st.caption("Hinzugekommen")
            st.dataframe(plain_frame(added.drop(columns=drop).head(500)), hide_index=True, width="stretch")
        if not removed.empty:
            st.caption("Ersetzt oder entfernt (bleibt in der Versionsgeschichte erhalten)")
            st.dataframe(plain_frame(removed.drop(columns=drop).head(500)), hide_index=True, width="stretch")

st.header("Zurücksetzen")
ziele = [0] + sorted((v for v in by_id if v < aktuell), reverse=True)
ziel = st.selectbox(
    "Zurücksetzen auf den Stand nach",
    ziele,
    key="versionen_ziel",
    format_func=lambda v: (
        "Ausgangsstand (nur Daten aus data/, keine eigenen)" if v == 0 else f"Version {v}: {versions.title(by_id[v])}"
    ),
)


def _ask() -> None:
    # Callbacks, not return values: a click survives a rerun that happens before the button's line.
    st.session_state["versionen_bestaetigen"] = int(st.session_state["versionen_ziel"])


def _answer(ja: bool) -> None:
    ziel = st.session_state.pop("versionen_bestaetigen", None)
    if ja and ziel is not None:
        st.session_state["versionen_ausfuehren"] = ziel


st.button("Zurücksetzen …", key="versionen_zuruecksetzen", on_click=_ask)

ausfuehren = st.session_state.pop("versionen_ausfuehren", None)
if ausfuehren is not None:
    try:
        with data.writing() as wcon:
            vid = versions.rollback(wcon, ausfuehren, wer)
    except SozialatlasError as exc:
        st.error("Nicht zurückgesetzt, die Datenbank ist unverändert: " + md(exc))
    else:
        st.session_state["versionen_ergebnis"] = vid
        st.rerun()

pending = st.session_state.get("versionen_bestaetigen")
if pending is not None:
    ziel_text = "den Ausgangsstand" if pending == 0 else f"den Stand nach Version {pending}"
    spaeter = [v for v in by_id if v > pending]
    nummern = sorted(spaeter)
    # "der Version 2", "der Versionen 2 und 3", "der Versionen 2, 3 und 4"
    welche = (
        "späterer Versionen"
        if not nummern
        else f"der Version {nummern[0]}"
        if len(nummern) == 1
        else "der Versionen " + ", ".join(str(v) for v in nummern[:-1]) + f" und {nummern[-1]}"
    )
    st.warning(
        f"Wirklich auf {ziel_text} zurücksetzen? Die Änderungen {welche} werden zurückgenommen. "
        "Das Zurücksetzen wird als neue Version gespeichert und lässt sich selbst wieder zurücknehmen."
    )
    c1, c2 = st.columns(2)
    c1.button("Ja, zurücksetzen", type="primary", key="versionen_ja", on_click=_answer, args=(True,))
    c2.button("Abbrechen", key="versionen_abbrechen", on_click=_answer, args=(False,))
