"""Streamlit side of „Planungsräume verwalten“: write callbacks and the three tabs.

Writes run in button callbacks: they finish before the page is drawn, so it shows the new state at once.
The editor's state machine and every decision are in `sozialatlas.views.planungsraum_editor` (pure).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sozialatlas.areas import planungsraum
from sozialatlas.errors import SozialatlasError
from sozialatlas.render import compactmap, exports, mapclasses
from sozialatlas.ui import data
from sozialatlas.ui import smallarea as sa
from sozialatlas.ui.plain import md, text
from sozialatlas.ui.plain import table as md_table
from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views import kleinraeumig_page
from sozialatlas.views import planungsraum_editor as pe

LAYER = "gemeinden"
PR_LAYER = "planungsraeume"


class Area:
    """The Kreis being worked on: its Gemeinden, their names, the fitted map view, who is signed in."""

    def __init__(self, kreis: str, kreis_name: str, wer: str | None):
        self.kreis, self.kreis_name, self.wer = kreis, kreis_name, wer
        self.gem = sa.shapes("gemeinde", kreis)
        self.keys = list(self.gem["schluessel"])
        self.gem_name = dict(zip(self.gem["schluessel"], self.gem["name"]))
        self.view = compactmap.fit_view(self.gem.total_bounds) if len(self.gem) else None

    def draft(self) -> pe.Draft:
        return pe.Drafts(st.session_state.setdefault("pr_entwurf", {})).of(self.kreis)


# --- writes ----------------------------------------------------------------------------------------------


def save(area: Area, name: str, beschreibung: str, mapping: pd.DataFrame) -> int | None:
    """Validate first (nothing is written on any problem), then write one change; German messages."""
    problems = planungsraum.validate_mapping(data.connection(), area.kreis, mapping, name=name)
    if problems:
        st.session_state["pr_fehler"] = problems
        return None
    try:
        with data.writing() as con:
            new_id = planungsraum.save(con, area.kreis, name, mapping, wer=area.wer, beschreibung=beschreibung)
    except SozialatlasError as exc:
        st.session_state["pr_fehler"] = [str(exc)]
        return None
    st.session_state["pr_gespeichert"] = (new_id, str(name).strip())
    st.session_state["pr_definition"] = new_id
    return new_id


def delete(area: Area, definition_id: int) -> None:
    try:
        with data.writing() as con:
            planungsraum.delete(con, definition_id, wer=area.wer)
    except SozialatlasError as exc:
        st.session_state["pr_fehler"] = [f"Nicht gelöscht: {exc}"]
    else:
        st.session_state.pop("pr_definition", None)


def messages() -> None:
    """The result of the last write: problems (German, as a list) or the saved Gliederung."""
    saved = st.session_state.pop("pr_gespeichert", None)
    if saved:
        # After saving, show the result: its Planungsräume on the map with their values.
        st.session_state["pr_tab"] = pe.TABS[0]
        st.success(
            f"Gliederung „{md(saved[1])}“ gespeichert. Sie steht jetzt auch auf der Seite „Kleinräumig“ "
            "unter „Planungsräume“ zur Auswahl."
        )
    problems = st.session_state.pop("pr_fehler", None)
    if problems:
        st.error("Nicht gespeichert – bitte korrigieren:\n\n" + "\n".join(f"- {md(p)}" for p in problems))


# --- tab 1: saved Gliederungen ---------------------------------------------------------------------------


def saved_tab(area: Area) -> None:
    defs = sa.definitions(area.kreis)
    if defs.empty:
        st.info(
            f"Für {md(area.kreis_name)} ist noch keine Gliederung gespeichert: unter „Neue Gliederung anlegen“ "
            "Gemeinden zusammenfassen oder eine CSV-Datei importieren."
        )
        return
    st.table(md_table(pe.saved_table(defs)))
    labels = pe.definition_labels(defs)
    st.session_state["pr_definition"] = pe.pick(st.session_state.get("pr_definition"), list(labels))
    definition = st.selectbox(
        "Gliederung anzeigen", list(labels), format_func=lambda d: text(labels[d]), key="pr_definition"
    )
    d = defs[defs["id"] == definition].iloc[0]
    if d["beschreibung"]:
        st.caption(md(d["beschreibung"]))

    inds = sa.indicators("gemeinde")
    ids, names = list(inds["id"]), dict(zip(inds["id"], inds["name"]))
    c1, c2 = st.columns([3, 1])
    st.session_state["pr_indikator"] = pe.pick(st.session_state.get("pr_indikator"), ids, pe.DEFAULT_INDICATOR)
    indikator = c1.selectbox("Indikator", ids, format_func=lambda i: text(names[i]), key="pr_indikator")
    ind, jahre = sa.indicator("gemeinde", indikator), sa.years(indikator, "gemeinde")
    st.session_state["pr_jahr"] = pe.pick(st.session_state.get("pr_jahr"), jahre)
    jahr = int(c2.selectbox("Jahr", jahre, key="pr_jahr"))

    vals, refusal = sa.planungsraum_values(definition, indikator, jahr)
    shapes = sa.planungsraum_shapes(definition)
    if vals is None:
        st.warning(md(f"{kr.NICHT_AGGREGIERBAR.capitalize()}: {refusal}"))
        vals = kleinraeumig_page.not_aggregatable_values(shapes["planungsraum"], shapes["n_gemeinden"])
    rows = kr.rows_from_values(vals, "planungsraum")
    land = rows.land_wert.dropna()
    mc = mapclasses.build(
        rows.wert,
        mapclasses.ClassSettings(k=min(5, max(3, len(rows.keys)))),
        polaritaet=ind.polaritaet,
        dezimalen=ind.dezimalen,
        reference=float(land.iloc[0]) if len(land) else None,
        reference_comparable=not ind.is_count,
    )
    geom_of = dict(zip(shapes["planungsraum"], shapes.geometry))
    left, right = st.columns([1, 1])
    with left:
        deck = compactmap.deck(
            rows.keys,
            [geom_of.get(k) for k in rows.keys],
            kr.fill(rows, mc),
            kr.tooltip_texts(rows, ind),
            tooltip_footer=kr.tooltip_footer(rows, ind, with_kreis=False, kreis_label=area.kreis_name),
            view=area.view,
            layer_id=PR_LAYER,
        )
        st.pydeck_chart(
            deck,
            height=520,
            key=f"pr_ergebnis_{definition}",
            alt=text(
                f"Karte der Planungsräume von „{labels[definition]}“: {ind.name} {jahr}; "
                "die Werte stehen in der Tabelle daneben."
            ),
        )
        sa.legend(rows, mc, einheit=ind.einheit, gebiet_plural="Planungsräume")
    with right:
        table = kr.display_table(rows, ind, "planungsraum", with_kreis=False)
        n_of = dict(zip(shapes["planungsraum"], shapes["n_gemeinden"]))
        table.insert(1, "Gemeinden", [n_of.get(p, 0) for p in table["Planungsraum"]])
        st.table(md_table(table.set_index("Planungsraum")))
        st.caption("Anzahlen summiert, Quoten aus summierten Zählern und Nennern neu berechnet (nicht gemittelt).")

    b1, b2 = st.columns(2)
    b1.download_button(
        "Zuordnung als CSV (AGS → Planungsraum)",
        lambda: planungsraum.to_csv(data.connection(), definition),
        file_name=exports.filename("planungsraeume", area.kreis_name, labels[definition], ext="csv"),
        mime="text/csv",
        key="pr_csv_export",
        on_click="ignore",
        icon=":material/download:",
    )
    with b2.popover("Gliederung löschen", icon=":material/delete:"):
        st.markdown(f"„{md(labels[definition])}“ wird gelöscht; als Version bleibt die Änderung nachvollziehbar.")
        st.button("Endgültig löschen", type="primary", key="pr_loeschen", on_click=delete, args=(area, definition))


# --- tab 2: the editor -----------------------------------------------------------------------------------


def _on_map(area: Area, key: str) -> None:
    area.draft().toggle(sa.picked(key, LAYER), st.session_state.get("pr_aktuell"))
    sa.bump("pr_karte")
    sa.bump("pr_liste")


def _on_list(area: Area, key: str, current: str) -> None:
    area.draft().set_members(current, st.session_state.get(key) or [])
    sa.bump("pr_karte")


def _clear_draft(area: Area) -> None:
    area.draft().clear()
    sa.bump("pr_karte")
    sa.bump("pr_liste")


def _save_draft(area: Area) -> None:
    name, beschreibung = st.session_state.get("pr_name", ""), st.session_state.get("pr_beschreibung", "")
    if save(area, name, beschreibung, area.draft().mapping()):
        _clear_draft(area)
        st.session_state["pr_name"] = ""
        st.session_state["pr_beschreibung"] = ""


def editor_tab(area: Area) -> None:
    draft, keys = area.draft(), area.keys
    st.markdown(
        "1. Namen des Planungsraums eingeben, 2. seine Gemeinden **auf der Karte anklicken** (erneut "
        "klicken entfernt sie) oder in der Liste wählen, 3. nächsten Planungsraum benennen … 4. speichern."
    )
    st.session_state.setdefault("pr_aktuell", pe.ERSTER_NAME)
    current = st.text_input("Planungsraum, der gerade bearbeitet wird", key="pr_aktuell", max_chars=80).strip()
    left, right = st.columns([3, 2])
    with left:
        map_key = f"pr_karte_{sa.gen('pr_karte')}"
        st.pydeck_chart(
            compactmap.deck(
                keys,
                list(area.gem.geometry),
                draft.colours(keys),
                draft.tooltips(keys, area.gem_name),
                layer_id=LAYER,
                view=area.view,
                selected=draft.members(current, keys),
            ),
            height=520,
            key=map_key,
            on_select=lambda: _on_map(area, map_key),
            selection_mode="single-object",
            alt="Karte der Gemeinden des Kreises zum Anklicken; dieselbe Auswahl geht mit der Liste daneben.",
        )
        st.caption("Schwarz umrandet: die Gemeinden des Planungsraums, der gerade bearbeitet wird.")
    with right:
        if current:
            list_key = f"pr_liste_{sa.gen('pr_liste')}_{current}"
            st.multiselect(
                f"Gemeinden in „{md(current)}“",
                keys,
                format_func=lambda k: text(area.gem_name[k]),
                default=draft.members(current, keys),
                key=list_key,
                on_change=_on_list,
                args=(area, list_key, current),
                placeholder="Gemeinden wählen",
            )
        else:
            st.info("Bitte zuerst einen Namen für den Planungsraum eingeben.")
        if draft.m:
            st.table(md_table(draft.overview(area.gem_name).set_index("Planungsraum")))
            st.caption(draft.unassigned_text(keys))
    with st.container(border=True):
        st.text_input("Name der Gliederung", placeholder="z. B. Sozialräume 2024", max_chars=120, key="pr_name")
        st.text_area("Beschreibung (optional)", max_chars=1000, height=80, key="pr_beschreibung")
        st.button("Gliederung speichern", type="primary", key="pr_speichern", on_click=_save_draft, args=(area,))
    st.button("Entwurf verwerfen", on_click=_clear_draft, args=(area,), key="pr_verwerfen")


# --- tab 3: CSV import -----------------------------------------------------------------------------------


def _import_csv(area: Area) -> None:
    upload = st.session_state.get("pr_datei")
    if upload is None:
        st.session_state["pr_fehler"] = ["Bitte eine CSV-Datei wählen."]
        return
    try:
        mapping = planungsraum.from_csv(upload.getvalue())
    except planungsraum.PlanungsraumError as exc:
        st.session_state["pr_fehler"] = exc.problems
        return
    name, beschreibung = st.session_state.get("pr_csv_name", ""), st.session_state.get("pr_csv_beschreibung", "")
    save(area, name, beschreibung, mapping)


def csv_tab(area: Area) -> None:
    st.markdown(
        "Eine Tabelle mit den Spalten **AGS** (Gemeindeschlüssel, 8 Ziffern) und **Planungsraum**; "
        "Trennzeichen Semikolon oder Komma, UTF-8 oder Windows-1252. Weitere Spalten werden ignoriert. "
        "Die Datei wird vollständig geprüft; bei einem Fehler wird nichts gespeichert."
    )
    st.download_button(
        "Vorlage mit allen Gemeinden des Kreises",
        exports.to_csv_bytes(pe.template(area.keys, area.gem_name)),
        file_name=exports.filename("vorlage_planungsraeume", area.kreis_name, ext="csv"),
        mime="text/csv",
        key="pr_vorlage",
        on_click="ignore",
        icon=":material/download:",
    )
    with st.container(border=True):
        st.file_uploader("CSV-Datei", type=["csv", "txt"], key="pr_datei")
        st.text_input("Name der importierten Gliederung", key="pr_csv_name", max_chars=120)
        st.text_area("Beschreibung (optional)", key="pr_csv_beschreibung", max_chars=1000, height=80)
        st.button("Prüfen und speichern", type="primary", key="pr_import", on_click=_import_csv, args=(area,))
