"""Drawing and widget state of the Import page (the decisions are in sozialatlas.views.import_page).

Session keys: `import_runde` (a fresh upload field after each import), `import_cache` (parsed table and
check per upload), `import_ergebnis` (the success message across the rerun), `import_geklickt`; widgets
`import_datei_<runde>`, `import_blatt`, `import_modus`, `import_name` … `import_gebietsstand`, `import_los`.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from sozialatlas import importer
from sozialatlas.errors import SozialatlasError
from sozialatlas.importer import meta as importer_meta
from sozialatlas.store import versions
from sozialatlas.ui import data
from sozialatlas.ui.plain import frame as plain_frame
from sozialatlas.ui.plain import md
from sozialatlas.views import import_page as page


def last_result() -> None:
    """The success message of the import just made (kept across the rerun that empties the form)."""
    ergebnis = st.session_state.pop("import_ergebnis", None)
    if ergebnis:
        st.success(page.success_text(ergebnis))
        st.text(f"Indikator: {ergebnis['name']}")
        c1, c2 = st.columns(2)
        c1.page_link("app_pages/kreisvergleich.py", label="Im Kreisvergleich ansehen", icon=":material/map:")
        c2.page_link("app_pages/versionen.py", label="Zu den Versionen", icon=":material/history:")


def upload():
    runde = st.session_state.setdefault("import_runde", 0)
    return st.file_uploader(page.UPLOAD_LABEL, type=page.UPLOAD_TYPES, key=f"import_datei_{runde}")


def _cached(kind: str, key: tuple, compute):
    store = st.session_state.setdefault("import_cache", {})
    entry = store.get(kind)
    if entry is not None and entry[0] == key:
        return entry[1]
    with st.spinner(page.SPINNER[kind]):
        return page.cached(store, kind, key, compute)


def read(datei) -> tuple[Any, str]:
    """The parsed table (with a sheet choice for a workbook of several) and the file's hash."""
    content = datei.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    table = _cached("tabelle", (digest, None), lambda: importer.read_table(content, datei.name, None))
    if len(table.sheets) > 1:
        sheet = st.selectbox("Tabellenblatt", table.sheets, key="import_blatt")
        table = _cached("tabelle", (digest, sheet), lambda: importer.read_table(content, datei.name, sheet))
    st.text(table.describe())
    return table, digest


def _new_indicator(meta: dict) -> None:
    ll = data.lebenslagen()
    c1, c2 = st.columns(2)
    meta["name"] = c1.text_input("Name", key="import_name", max_chars=200, help=page.HELP["name"])
    meta["lebenslage"] = c2.selectbox(
        "Lebenslage", ll["id"], key="import_lebenslage", format_func=dict(zip(ll["id"], ll["name"])).get
    )
    c1, c2 = st.columns(2)
    meta["einheit"] = c1.text_input("Einheit", key="import_einheit", max_chars=60, help=page.HELP["einheit"])
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
        help=page.HELP["art"],
    )
    hint = page.art_hint(meta["einheit"], meta["art"])
    if hint:
        st.caption(md(hint))
    meta["definition"] = st.text_area("Definition (optional)", key="import_definition", max_chars=2000)


def metadata_form() -> tuple[dict, str | None, str | None]:
    """The metadata of the indicator and of the new values, plus the optional Ebene and Gebietsstand."""
    st.header("Angaben zum Indikator")
    modus = st.radio("Indikator", list(page.MODI), horizontal=True, key="import_modus", format_func=page.MODI.get)
    meta: dict = {}
    if modus == "neu":
        _new_indicator(meta)
    else:
        inds = data.indicators()
        meta["id"] = st.selectbox(
            "Indikator", inds["id"], key="import_indikator", format_func=dict(zip(inds["id"], inds["name"])).get
        )
    c1, c2, c3 = st.columns(3)
    meta["quelle"] = c1.text_input("Quelle", key="import_quelle", max_chars=300, help=page.HELP["quelle"])
    meta["stand"] = c2.text_input("Stand", key="import_stand", max_chars=100, help=page.HELP["stand"])
    meta["lizenz"] = c3.text_input("Lizenz", key="import_lizenz", max_chars=300, help=page.HELP["lizenz"])
    if modus == "vorhanden" and not meta["quelle"].strip():
        meta["quelle"] = page.default_quelle(meta, inds)
    with st.expander(page.OPTIONAL_EXPANDER):
        c1, c2 = st.columns(2)
        ebene = c1.selectbox(
            "Ebene", page.EBENEN, key="import_ebene", format_func=page.ebene_label(versions.EBENE_TEXT)
        )
        stand = c2.selectbox(
            "Gebietsstand", page.GEBIETSSTAENDE, key="import_gebietsstand", format_func=page.GEBIETSSTAND_TEXT.get
        )
    return meta, ebene, stand


def check(table, digest: str, meta: dict, ebene: str | None, stand: str | None):
    key = page.check_key(digest, table.sheet, meta, ebene, stand, data.version_key())
    given = page.given(meta)
    return _cached(
        "pruefung",
        key,
        lambda: importer.validate(data.connection(), table, given, ebene=ebene, gebietsstand=stand),
    )


def show_report(report) -> None:
    st.header("Prüfung")
    for hint in report.hints:
        st.info(md(hint), icon=":material/info:")
    s = page.status(len(report.problems), len(report.observations))
    getattr(st, s.kind)(s.text)
    if report.problems:
        st.dataframe(
            page.problem_table(report.problems),
            hide_index=True,
            width="stretch",
            column_config={"Meldung": st.column_config.TextColumn(width="large")},
        )
    if len(report.observations):
        st.header("Vorschau")
        st.caption(page.preview_caption(len(report.observations), importer.PREVIEW_ROWS))
        st.dataframe(plain_frame(report.preview.rename(columns=page.COLUMNS)), hide_index=True, width="stretch")
    if len(report.changes):
        st.header(page.CHANGES_HEADING)
        st.dataframe(plain_frame(report.changes.rename(columns=page.COLUMNS)), hide_index=True, width="stretch")


def _clicked() -> None:
    # A callback, not the button's return value: the click survives a rerun before this line.
    st.session_state["import_geklickt"] = True


def import_button(report, datei, wer: str) -> None:
    """„Importieren“ (only for a clean check): one version, then a fresh form with the success message."""
    if report.ok:
        st.button("Importieren", type="primary", key="import_los", on_click=_clicked)
    if not (st.session_state.pop("import_geklickt", False) and report.ok):
        return
    try:
        with data.writing() as con:
            vid = versions.apply_import(con, report.indikator, report.observations, wer, datei.name)
    except SozialatlasError as exc:
        st.error(page.not_imported_text(md(exc)))
        return
    st.session_state["import_ergebnis"] = page.ergebnis(vid, report.indikator, len(report.observations))
    st.session_state["import_runde"] = st.session_state.get("import_runde", 0) + 1  # a fresh, empty upload field
    st.session_state.pop("import_cache", None)
    st.rerun()
