"""Import (admin): a planner's own CSV/XLSX table as an indicator — check everything, then write one version."""

import hashlib

import pandas as pd
import streamlit as st

from sozialatlas import importer
from sozialatlas.errors import SozialatlasError
from sozialatlas.importer import meta as importer_meta
from sozialatlas.store import versions
from sozialatlas.ui import auth, data
from sozialatlas.ui.plain import frame as plain_frame
from sozialatlas.ui.plain import md

COLUMNS = {
    "indikator": "Indikator",
    "ebene": "Ebene",
    "schluessel": "Schlüssel",
    "name": "Gebiet",
    "gebietsstand": "Gebietsstand",
    "jahr": "Jahr",
    "stand": "Stand",
    "wert": "Wert",
    "zaehler": "Zähler",
    "nenner": "Nenner",
    "status": "Status",
    "quelle": "Quelle",
    "hinweis": "Hinweis",
    "wert_alt": "Wert bisher",
    "wert_neu": "Wert neu",
}

st.title("Import")
wer = auth.require_admin()

st.markdown(
    "Eine eigene Tabelle als Indikator übernehmen: **CSV** (Trennzeichen `;` `,` oder Tab, Dezimalkomma oder "
    "-punkt) oder **Excel (XLSX)**. Lange Form: eine Zeile je Gebiet und Jahr (`AGS; Jahr; Wert`), breite "
    "Form: eine Spalte je Jahr (`AGS; Name; 2021; 2022`). Die Datei wird vollständig geprüft; gespeichert "
    "wird erst nach „Importieren“, und jeder Import ist eine Version, die sich zurücknehmen lässt."
)

ergebnis = st.session_state.pop("import_ergebnis", None)
if ergebnis:
    st.success(f"Importiert als Version {ergebnis['version']}: {ergebnis['werte']} Werte.")
    st.text(f"Indikator: {ergebnis['name']}")
    c1, c2 = st.columns(2)
    c1.page_link("app_pages/kreisvergleich.py", label="Im Kreisvergleich ansehen", icon=":material/map:")
    c2.page_link("app_pages/versionen.py", label="Zu den Versionen", icon=":material/history:")

runde = st.session_state.setdefault("import_runde", 0)
datei = st.file_uploader("Tabelle (CSV oder XLSX, höchstens 20 MB)", type=["csv", "xlsx"], key=f"import_datei_{runde}")
if datei is None:
    st.stop()


def _session_cached(kind: str, key: tuple, compute):
    """One parsed table / one check per upload, kept in the session by the file's hash: a rerun for an
    unrelated widget neither hashes the bytes through st.cache_data nor re-reads or re-checks the file."""
    store = st.session_state.setdefault("import_cache", {})
    entry = store.get(kind)
    if entry is None or entry[0] != key:
        with st.spinner("Datei wird gelesen …" if kind == "tabelle" else "Datei wird geprüft …"):
            entry = (key, compute())
        store[kind] = entry
    return entry[1]


content = datei.getvalue()
digest = hashlib.sha256(content).hexdigest()
table = _session_cached("tabelle", (digest, None), lambda: importer.read_table(content, datei.name, None))
if len(table.sheets) > 1:
    sheet = st.selectbox("Tabellenblatt", table.sheets, key="import_blatt")
    table = _session_cached("tabelle", (digest, sheet), lambda: importer.read_table(content, datei.name, sheet))
st.text(table.describe())

st.header("Angaben zum Indikator")
modus = st.radio(
    "Indikator",
    ["neu", "vorhanden"],
    horizontal=True,
    key="import_modus",
    format_func={"neu": "Neuer Indikator", "vorhanden": "Vorhandenen Indikator ergänzen"}.get,
)
meta: dict = {}
if modus == "neu":
    ll = data.lebenslagen()
    c1, c2 = st.columns(2)
    meta["name"] = c1.text_input(
        "Name", key="import_name", max_chars=200, help="kurz und verständlich, z. B. „Kinder in Bedarfsgemeinschaften“"
    )
    meta["lebenslage"] = c2.selectbox(
        "Lebenslage", ll["id"], key="import_lebenslage", format_func=dict(zip(ll["id"], ll["name"])).get
    )
    c1, c2 = st.columns(2)
    meta["einheit"] = c1.text_input(
        "Einheit", key="import_einheit", max_chars=60, help="z. B. Prozent, Personen, je 1.000 Einwohner"
    )
    meta["polaritaet"] = c2.selectbox(
        "Wertungsrichtung",
        list(importer_meta.POLARITAETEN),
        key="import_polaritaet",
        format_func=importer_meta.POLARITAETEN.get,
    )
    # A required choice without a default: it decides sums over areas and the Geheimhaltung of small counts.
    meta["art"] = st.radio(
        "Art der Werte",
        list(importer_meta.ARTEN),
        index=None,
        key="import_art",
        format_func=importer_meta.ARTEN.get,
        help="Anzahlen werden über Gebiete summiert und kleine Fallzahlen (1 oder 2) gesperrt; Quoten und "
        "Indizes nicht. Im Zweifel „Anzahl“.",
    )
    vorschlag, grund = importer_meta.propose_art(meta["einheit"])
    if vorschlag is not None and meta["art"] != vorschlag:
        st.caption(md(grund))
    meta["definition"] = st.text_area("Definition (optional)", key="import_definition", max_chars=2000)
else:
    inds = data.indicators()
    meta["id"] = st.selectbox(
        "Indikator", inds["id"], key="import_indikator", format_func=dict(zip(inds["id"], inds["name"])).get
    )
c1, c2, c3 = st.columns(3)
meta["quelle"] = c1.text_input(
    "Quelle",
    key="import_quelle",
    max_chars=300,
    help="woher die Zahlen stammen; bei einem vorhandenen Indikator die Kennung "
    "einer vorhandenen Quelle (leer: die Quelle des Indikators)",
)
meta["stand"] = c2.text_input(
    "Stand", key="import_stand", max_chars=100, help="z. B. 31.12.2023, 31.12. (je Jahr) oder 2023 (Jahresdurchschnitt)"
)
meta["lizenz"] = c3.text_input(
    "Lizenz", key="import_lizenz", max_chars=300, help="z. B. dl-de/by-2-0, CC BY 4.0 oder intern"
)
if modus == "vorhanden" and not meta["quelle"].strip():
    meta["quelle"] = str(inds.loc[inds["id"] == meta["id"], "quelle"].iloc[0] or "")

with st.expander("Ebene und Gebietsstand (sonst aus den Schlüsseln erkannt)"):
    c1, c2 = st.columns(2)
    ebene = c1.selectbox(
        "Ebene",
        [None, "kreis", "gemeinde", "gemeindeverband", "land"],
        key="import_ebene",
        format_func=lambda e: "automatisch erkennen" if e is None else versions.EBENE_TEXT[e],
    )
    gebietsstand = c2.selectbox(
        "Gebietsstand",
        [None, "ab-2021-07-01", "bis-2021-06-30"],
        key="import_gebietsstand",
        format_func={
            None: "automatisch erkennen",
            "ab-2021-07-01": "22 Kreise (ab 01.07.2021)",
            "bis-2021-06-30": "23 Kreise (bis 30.06.2021)",
        }.get,
    )

given = {k: v for k, v in meta.items() if v not in (None, "")}
report = _session_cached(
    "pruefung",
    (digest, table.sheet, tuple(sorted(given.items())), ebene, gebietsstand, data.version_key()),
    lambda: importer.validate(data.connection(), table, given, ebene=ebene, gebietsstand=gebietsstand),
)

st.header("Prüfung")
for hint in report.hints:
    st.info(md(hint), icon=":material/info:")
if report.problems:
    st.error(
        f"{len(report.problems)} Problem(e): so wird nichts gespeichert. Bitte die Datei oder die Angaben korrigieren."
    )
    problems = pd.DataFrame(
        {
            "Zeile": ["" if p.row is None else str(p.row) for p in report.problems],
            "Spalte": [p.column or (importer_meta.FIELDS.get(p.feld, (p.feld or "",))[0]) for p in report.problems],
            "Meldung": [p.message for p in report.problems],
        }
    )
    st.dataframe(
        problems,
        hide_index=True,
        width="stretch",
        column_config={"Meldung": st.column_config.TextColumn(width="large")},
    )
elif len(report.observations) == 0:
    st.warning("Die Datei enthält keine Werte.")
else:
    st.success(f"Keine Probleme: {len(report.observations)} Werte können importiert werden.")

if len(report.observations):
    st.header("Vorschau")
    st.caption(
        f"Die ersten {min(len(report.observations), importer.PREVIEW_ROWS)} von "
        f"{len(report.observations)} Werten, so wie sie gespeichert würden."
    )
    st.dataframe(plain_frame(report.preview.rename(columns=COLUMNS)), hide_index=True, width="stretch")
if len(report.changes):
    st.header("Diese vorhandenen Werte ändern sich")
    st.dataframe(plain_frame(report.changes.rename(columns=COLUMNS)), hide_index=True, width="stretch")


def _clicked() -> None:
    # A callback, not the button's return value: the click survives a rerun before this line.
    st.session_state["import_geklickt"] = True


if report.ok:
    st.button("Importieren", type="primary", key="import_los", on_click=_clicked)
if st.session_state.pop("import_geklickt", False) and report.ok:
    try:
        with data.writing() as con:
            vid = versions.apply_import(con, report.indikator, report.observations, wer, datei.name)
    except SozialatlasError as exc:
        st.error("Nicht importiert, die Datenbank ist unverändert: " + md(exc))
    else:
        st.session_state["import_ergebnis"] = {
            "version": vid,
            "name": report.indikator.get("name") or "",
            "werte": len(report.observations),
        }
        st.session_state["import_runde"] = runde + 1  # a fresh, empty upload field
        st.session_state.pop("import_cache", None)
        st.rerun()
