"""„Vorschlag berechnen“ on „Planungsräume verwalten“ (max-p regionalisation, spopt).

Called by app_pages/planungsraeume.py in the tab „Neue Gliederung anlegen“, below the editor, with the Kreis
being edited (`area.kreis`, `area.gem`, `area.draft()`). A computed proposal is shown as a map with a table
(members, inhabitants, indicator values from shown Gemeinde values only) and can be taken over into the
draft (then edited and saved there) or saved directly through the same validated save path.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sozialatlas.areas import regionalisierung
from sozialatlas.render import compactmap, exports
from sozialatlas.ui import data, downloads
from sozialatlas.ui import planungsraeume as pr_ui
from sozialatlas.ui import smallarea as sa
from sozialatlas.ui.plain import frame, md, text
from sozialatlas.views import analysedaten as ad
from sozialatlas.views import planungsraum_editor as pe

LAYER = "vorschlag"
DEFAULT_INDIKATOREN = ("arbeitslosenanteil", "kinderarmut_sgb2_u15")


@data.cached(max_entries=16)
def _suggest(kreis: str, ids: tuple[str, ...], jahr: int, min_einwohner: int):
    try:
        return regionalisierung.suggest(
            data.connection(), kreis, list(ids), int(jahr), min_einwohner=int(min_einwohner)
        ), None
    except regionalisierung.VorschlagError as exc:
        return None, str(exc)


@data.cached()
def _years(ids: tuple[str, ...]) -> list[int]:
    sets = [set(ad.years(data.connection(), i, "gemeinde")) for i in ids]
    return sorted(set.intersection(*sets), reverse=True) if sets else []


def _take_over(area, mapping: pd.DataFrame) -> None:
    draft = area.draft()
    draft.clear()
    for ags, pr in zip(mapping["ags"], mapping["planungsraum"]):
        draft.m[str(ags)] = str(pr)
    st.session_state["vs_uebernommen"] = True


def _save(area, mapping: pd.DataFrame, beschreibung: str) -> None:
    name = st.session_state.get("vs_name", "")
    pr_ui.save(area, name, beschreibung, mapping)


def section(area) -> None:
    """Draw the proposal section for `area` (a sozialatlas.ui.planungsraeume.Area)."""
    st.divider()
    st.subheader("Vorschlag berechnen")
    st.markdown(
        "Fasst die Gemeinden des Kreises zu **zusammenhängenden** Planungsräumen zusammen, die jeweils eine "
        "**Mindesteinwohnerzahl** erreichen und sich in den gewählten Indikatoren möglichst **ähnlich** sind "
        "(Max-p-Regionalisierung, PySAL spopt). Der Vorschlag ist ein Ausgangspunkt: übernehmen, ändern, "
        "speichern."
    )
    inds = sa.indicators("gemeinde")
    names = dict(zip(inds["id"], inds["name"]))
    if "vs_indikatoren" not in st.session_state:
        st.session_state["vs_indikatoren"] = [i for i in DEFAULT_INDIKATOREN if i in names][:2] or list(names)[:1]
    ids = st.multiselect(
        "Ähnlich in (Indikatoren)", list(names), format_func=lambda i: text(names[i]), key="vs_indikatoren"
    )
    if not ids:
        st.info("Bitte mindestens einen Indikator wählen.")
        return
    years = _years(tuple(ids))
    if not years:
        st.warning("Die gewählten Indikatoren haben kein gemeinsames Jahr auf Gemeindeebene.")
        return
    c1, c2 = st.columns(2)
    jahr = c1.selectbox("Jahr", years, key="vs_jahr")
    min_ew = c2.number_input(
        "Mindesteinwohnerzahl je Planungsraum", min_value=500, max_value=500_000, value=5000, step=500, key="vs_min"
    )
    if st.button("Vorschlag berechnen", type="primary", key="vs_berechnen"):
        st.session_state["vs_auftrag"] = (area.kreis, tuple(ids), int(jahr), int(min_ew))
    job = st.session_state.get("vs_auftrag")
    if not job or job[0] != area.kreis:
        return
    with st.spinner("Vorschlag wird berechnet (einige Sekunden) …"):
        v, err = _suggest(*job)
    if err:
        st.error(md(err))
        return
    _show(area, v)


def _colours(g) -> dict:
    """Neighbouring suggested Planungsräume never share a colour (greedy colouring of their adjacency)."""
    parts = g.dissolve(by="planungsraum").geometry
    names = list(parts.index)
    colour: dict = {}
    for p in sorted(names, key=lambda n: -int(parts[n].touches(parts).sum())):
        taken = {colour[q] for q in names if q in colour and parts[p].touches(parts[q])}
        free = [c for c in pe.PR_FARBEN if c not in taken]
        colour[p] = free[0] if free else pe.PR_FARBEN[len(colour) % len(pe.PR_FARBEN)]
    return colour


def _show(area, v: regionalisierung.Vorschlag) -> None:
    st.success(
        f"Vorschlag: {len(v.regionen)} Planungsräume mit je mindestens {v.min_einwohner:,} Einwohnern "
        f"(Einwohner {v.jahr} bzw. nächstes Jahr mit Daten).".replace(",", ".")
    )
    for h in v.hinweise:
        st.caption(md(h))
    g = v.gemeinden
    colour = _colours(g)
    fill = [colour[p] for p in g["planungsraum"]]
    texts = [f"{text(n)}: {text(p)}" for n, p in zip(g["name"], g["planungsraum"])]
    deck = compactmap.deck(g["schluessel"].tolist(), list(g.geometry), fill, texts, layer_id=LAYER, view=area.view)
    st.pydeck_chart(deck, height=480, key="vs_karte")
    table = regionalisierung.export_table(v)
    st.dataframe(frame(table), hide_index=True, key="vs_tabelle")
    st.caption(
        "Werte der vorgeschlagenen Planungsräume nur aus gezeigten Gemeindewerten: Quoten aus summierten "
        "Zählern und Nennern, Anzahlen summiert; enthält ein Planungsraum eine gesperrte Gemeinde, bleibt er "
        "ohne Wert. Nach dem Speichern gilt die Geheimhaltung wie für jede Gliederung."
    )
    meta = {
        "Verfahren": "Max-p-Regionalisierung (PySAL spopt, MaxPHeuristic), Nachbarschaft: gemeinsame Grenze",
        "Mindesteinwohnerzahl": str(v.min_einwohner),
        "Ähnlichkeit": ", ".join(i["name"] for i in v.indikatoren) + " (z-standardisiert)",
        "Jahr": str(v.jahr),
        "Hinweise": " ".join(v.hinweise),
    }
    downloads.table_buttons(table, meta, basename=f"vorschlag_planungsraeume_{v.kreis}", key="vs_dl")
    st.download_button(
        "Zuordnung als CSV (für den CSV-Import)",
        lambda: exports.to_csv_bytes(v.mapping.rename(columns={"ags": "AGS", "planungsraum": "Planungsraum"})),
        file_name=exports.filename("vorschlag_zuordnung", v.kreis, ext="csv"),
        mime="text/csv",
        key="vs_csv_zuordnung",
        on_click="ignore",
    )
    c1, c2 = st.columns(2)
    c1.button(
        "In den Entwurf übernehmen (zum Bearbeiten)",
        key="vs_uebernehmen",
        on_click=_take_over,
        args=(area, v.mapping),
    )
    if st.session_state.pop("vs_uebernommen", False):
        st.info("Vorschlag in den Entwurf oben übernommen; dort bearbeiten und speichern.")
    with c2:
        st.text_input(
            "Name der Gliederung", value=f"Vorschlag max-p ({v.min_einwohner} EW)", key="vs_name", max_chars=120
        )
        beschreibung = (
            f"Vorschlag der Max-p-Regionalisierung: mindestens {v.min_einwohner} Einwohner je Planungsraum, "
            f"ähnlich in {', '.join(i['name'] for i in v.indikatoren)} ({v.jahr})."
        )
        st.button(
            "Vorschlag als Gliederung speichern",
            type="primary",
            key="vs_speichern",
            on_click=_save,
            args=(area, v.mapping, beschreibung),
        )
