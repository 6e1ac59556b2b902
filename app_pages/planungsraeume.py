"""Planungsräume verwalten (admin): group a Kreis's Gemeinden into Planungsräume, save, import, export, delete."""

import pandas as pd
import streamlit as st

from sozialatlas import settings
from sozialatlas.areas import planungsraum
from sozialatlas.errors import SozialatlasError
from sozialatlas.render import compactmap, exports, formatting, mapclasses
from sozialatlas.ui import auth, data, urlstate
from sozialatlas.ui import smallarea as sa
from sozialatlas.views import kleinraeumig as kr

LAYER = "gemeinden"
PR_LAYER = "planungsraeume"
# Okabe-Ito (colour-blind safe, qualitative) without black; names in tooltip and table carry the meaning too.
PR_FARBEN = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
FREI = "#f2f2f2"

st.title("Planungsräume verwalten")
wer = auth.require_admin()
st.markdown(
    "Ein Kreis fasst seine Gemeinden zu **Planungsräumen** zusammen (z. B. Sozialräume). Je Kreis können "
    "mehrere Gliederungen nebeneinander bestehen. Die Fläche eines Planungsraums ist die Vereinigung seiner "
    "Gemeinden; Anzahlen werden summiert, Quoten aus summierten Zählern und Nennern neu berechnet, "
    "Indizes lassen sich nicht zusammenfassen. Alle Werte durchlaufen die Geheimhaltung."
)


def _gen(name: str) -> int:
    return st.session_state.get(f"_pr_gen_{name}", 0)


def _bump(name: str) -> None:
    st.session_state[f"_pr_gen_{name}"] = _gen(name) + 1


kreise = sa.kreise()
urlstate.seed("pr_kreis", urlstate.choice(kreise))
if "pr_kreis" not in st.session_state:
    st.session_state["pr_kreis"] = (
        planungsraum.BEISPIEL_KREIS if planungsraum.BEISPIEL_KREIS in kreise else next(iter(kreise))
    )
kreis = st.selectbox("Kreis", list(kreise), format_func=kreise.get, key="pr_kreis")
urlstate.publish("pr_kreis", kreis)
gem = sa.shapes("gemeinde", kreis)
gem_name = dict(zip(gem["schluessel"], gem["name"]))
view = compactmap.fit_view(gem.total_bounds) if len(gem) else None

# --- saving (shared by the editor and the CSV import) -------------------------------------------------
# Writes run in button callbacks: they finish before the page is drawn, so it shows the new state at once.


def _save(name: str, beschreibung: str, mapping: pd.DataFrame) -> int | None:
    """Validate first (nothing is written on any problem), then write one change; German messages."""
    problems = planungsraum.validate_mapping(data.connection(), kreis, mapping, name=name)
    if problems:
        st.session_state["pr_fehler"] = problems
        return None
    try:
        with data.writing() as con:
            new_id = planungsraum.save(con, kreis, name, mapping, wer=wer, beschreibung=beschreibung)
    except SozialatlasError as exc:
        st.session_state["pr_fehler"] = [str(exc)]
        return None
    st.session_state["pr_gespeichert"] = (new_id, str(name).strip())
    st.session_state["pr_definition"] = new_id
    return new_id


def _problems() -> None:
    problems = st.session_state.pop("pr_fehler", None)
    if problems:
        st.error("Nicht gespeichert – bitte korrigieren:\n\n" + "\n".join(f"- {p}" for p in problems))


def _delete(definition_id: int) -> None:
    try:
        with data.writing() as con:
            planungsraum.delete(con, definition_id, wer=wer)
    except SozialatlasError as exc:
        st.session_state["pr_fehler"] = [f"Nicht gelöscht: {exc}"]
    else:
        st.session_state.pop("pr_definition", None)


TABS = ["Gespeicherte Gliederungen", "Neue Gliederung anlegen", "CSV-Import"]
saved = st.session_state.pop("pr_gespeichert", None)
if saved:
    # After saving, show the result: its Planungsräume on the map with their values.
    st.session_state["pr_tab"] = TABS[0]
    st.success(
        f"Gliederung „{saved[1]}“ gespeichert. Sie steht jetzt auch auf der Seite „Kleinräumig“ "
        "unter „Planungsräume“ zur Auswahl."
    )
_problems()
tab_list, tab_new, tab_csv = st.tabs(TABS, key="pr_tab", on_change="rerun")


# --- saved definitions --------------------------------------------------------------------------------

with tab_list:
    defs = sa.definitions(kreis)
    if defs.empty:
        st.info(
            f"Für {kreise[kreis]} ist noch keine Gliederung gespeichert: unter „Neue Gliederung anlegen“ "
            "Gemeinden zusammenfassen oder eine CSV-Datei importieren."
        )
    else:
        st.table(
            pd.DataFrame(
                {
                    "Gliederung": [n + (" (Beispiel)" if b else "") for n, b in zip(defs["name"], defs["beispiel"])],
                    "Planungsräume": defs["n_planungsraeume"],
                    "Gemeinden": defs["n_gemeinden"],
                    "angelegt": [formatting.datum(str(a)[:10]) if pd.notna(a) else "–" for a in defs["erstellt_am"]],
                    "von": defs["erstellt_von"].fillna("–"),
                }
            ).set_index("Gliederung")
        )
        labels = {int(r.id): r.name + (" (Beispiel)" if r.beispiel else "") for r in defs.itertuples()}
        if st.session_state.get("pr_definition") not in labels:
            st.session_state["pr_definition"] = next(iter(labels))
        definition = st.selectbox("Gliederung anzeigen", list(labels), format_func=labels.get, key="pr_definition")
        d = defs[defs["id"] == definition].iloc[0]
        if d["beschreibung"]:
            st.caption(str(d["beschreibung"]))

        inds = sa.indicators("gemeinde")
        c1, c2 = st.columns([3, 1])
        if st.session_state.get("pr_indikator") not in set(inds["id"]):
            st.session_state["pr_indikator"] = "arbeitslose" if "arbeitslose" in set(inds["id"]) else inds["id"].iloc[0]
        indikator = c1.selectbox(
            "Indikator", inds["id"], format_func=dict(zip(inds["id"], inds["name"])).get, key="pr_indikator"
        )
        ind = sa.indicator("gemeinde", indikator)
        jahre = sa.years(indikator, "gemeinde")
        if st.session_state.get("pr_jahr") not in jahre:
            st.session_state["pr_jahr"] = jahre[0]
        jahr = int(c2.selectbox("Jahr", jahre, key="pr_jahr"))

        vals, refusal = sa.planungsraum_values(definition, indikator, jahr)
        shapes = sa.planungsraum_shapes(definition)
        if vals is None:
            st.warning(f"{kr.NICHT_AGGREGIERBAR.capitalize()}: {refusal}")
            vals = pd.DataFrame(
                {
                    "planungsraum": shapes["planungsraum"],
                    "wert": float("nan"),
                    "gesperrt": False,
                    "sperrgrund": "",
                    "hinweis": kr.NICHT_AGGREGIERBAR,
                    "n_gemeinden": shapes["n_gemeinden"],
                    "kreis_wert": float("nan"),
                    "land_wert": float("nan"),
                }
            )
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
                tooltip_footer=kr.tooltip_footer(rows, ind, with_kreis=False, kreis_label=kreise[kreis]),
                view=view,
                layer_id=PR_LAYER,
            )
            st.pydeck_chart(
                deck,
                height=520,
                key=f"pr_ergebnis_{definition}",
                alt=f"Karte der Planungsräume von „{labels[definition]}“: {ind.name} {jahr}; "
                "die Werte stehen in der Tabelle daneben.",
            )
            sa.legend(rows, mc, einheit=ind.einheit, gebiet_plural="Planungsräume")
        with right:
            table = kr.display_table(rows, ind, "planungsraum", with_kreis=False)
            n_of = dict(zip(shapes["planungsraum"], shapes["n_gemeinden"]))
            table.insert(1, "Gemeinden", [n_of.get(p, 0) for p in table["Planungsraum"]])
            st.table(table.set_index("Planungsraum"))
            st.caption("Anzahlen summiert, Quoten aus summierten Zählern und Nennern neu berechnet (nicht gemittelt).")

        b1, b2 = st.columns(2)
        b1.download_button(
            "Zuordnung als CSV (AGS → Planungsraum)",
            lambda: planungsraum.to_csv(data.connection(), definition),
            file_name=exports.filename("planungsraeume", kreise[kreis], labels[definition], ext="csv"),
            mime="text/csv",
            key="pr_csv_export",
            on_click="ignore",
            icon=":material/download:",
        )
        with b2.popover("Gliederung löschen", icon=":material/delete:"):
            st.markdown(f"„{labels[definition]}“ wird gelöscht; als Version bleibt die Änderung nachvollziehbar.")
            st.button("Endgültig löschen", type="primary", key="pr_loeschen", on_click=_delete, args=(definition,))


# --- editor: click or pick Gemeinden ------------------------------------------------------------------


def _mapping() -> dict:
    """AGS → Planungsraum of the definition being drawn, per Kreis (a Kreis change keeps the other's draft)."""
    return st.session_state.setdefault("pr_entwurf", {}).setdefault(kreis, {})


def _on_map(key: str) -> None:
    objs = ((st.session_state.get(key) or {}).get("selection") or {}).get("objects", {}).get(LAYER) or []
    ags = (objs[0].get("properties") or objs[0]).get("k") if objs else None
    current = (st.session_state.get("pr_aktuell") or "").strip()
    if ags and current:
        m = _mapping()
        if m.get(ags) == current:
            del m[ags]
        else:
            m[ags] = current
    _bump("karte")
    _bump("liste")


def _on_list(key: str, current: str) -> None:
    m = _mapping()
    chosen = set(st.session_state.get(key) or [])
    for ags in [a for a, p in m.items() if p == current and a not in chosen]:
        del m[ags]
    for ags in chosen:
        m[ags] = current
    _bump("karte")


def _clear_draft() -> None:
    st.session_state.setdefault("pr_entwurf", {})[kreis] = {}
    _bump("karte")
    _bump("liste")


def _save_draft() -> None:
    m = _mapping()
    mapping = pd.DataFrame({"ags": list(m), "planungsraum": list(m.values())})
    if _save(st.session_state.get("pr_name", ""), st.session_state.get("pr_beschreibung", ""), mapping):
        _clear_draft()
        st.session_state["pr_name"] = ""
        st.session_state["pr_beschreibung"] = ""


with tab_new:
    m = _mapping()
    st.markdown(
        "1. Namen des Planungsraums eingeben, 2. seine Gemeinden **auf der Karte anklicken** (erneut "
        "klicken entfernt sie) oder in der Liste wählen, 3. nächsten Planungsraum benennen … 4. speichern."
    )
    st.session_state.setdefault("pr_aktuell", "Planungsraum 1")
    current = st.text_input("Planungsraum, der gerade bearbeitet wird", key="pr_aktuell", max_chars=80).strip()
    names = sorted(set(m.values()))
    colour_of = {p: PR_FARBEN[i % len(PR_FARBEN)] for i, p in enumerate(names)}
    keys = list(gem["schluessel"])
    fill = [colour_of.get(m.get(k), FREI) for k in keys]
    texts = [
        f"{gem_name[k]}: {m[k]}" if k in m else f"{gem_name[k]}: noch keinem Planungsraum zugeordnet" for k in keys
    ]
    left, right = st.columns([3, 2])
    with left:
        map_key = f"pr_karte_{_gen('karte')}"
        st.pydeck_chart(
            compactmap.deck(
                keys,
                list(gem.geometry),
                fill,
                texts,
                layer_id=LAYER,
                view=view,
                selected=[k for k in keys if current and m.get(k) == current],
            ),
            height=520,
            key=map_key,
            on_select=lambda: _on_map(map_key),
            selection_mode="single-object",
            alt="Karte der Gemeinden des Kreises zum Anklicken; dieselbe Auswahl geht mit der Liste daneben.",
        )
        st.caption("Schwarz umrandet: die Gemeinden des Planungsraums, der gerade bearbeitet wird.")
    with right:
        if current:
            list_key = f"pr_liste_{_gen('liste')}_{current}"
            st.multiselect(
                f"Gemeinden in „{current}“",
                keys,
                format_func=gem_name.get,
                default=[k for k in keys if m.get(k) == current],
                key=list_key,
                on_change=_on_list,
                args=(list_key, current),
                placeholder="Gemeinden wählen",
            )
        else:
            st.info("Bitte zuerst einen Namen für den Planungsraum eingeben.")
        if m:
            overview = pd.DataFrame(
                {
                    "Planungsraum": names,
                    "Gemeinden": [sum(1 for p in m.values() if p == n) for n in names],
                    "Namen": [", ".join(sorted(gem_name[a] for a, p in m.items() if p == n)) for n in names],
                }
            )
            st.table(overview.set_index("Planungsraum"))
            frei = [gem_name[k] for k in keys if k not in m]
            st.caption(
                f"Noch ohne Planungsraum: {len(frei)} von {len(keys)} Gemeinden"
                + (" (erlaubt: sie gehören dann zu keinem Planungsraum)." if frei else ".")
            )
    with st.container(border=True):
        st.text_input("Name der Gliederung", placeholder="z. B. Sozialräume 2024", max_chars=120, key="pr_name")
        st.text_area("Beschreibung (optional)", max_chars=1000, height=80, key="pr_beschreibung")
        st.button("Gliederung speichern", type="primary", key="pr_speichern", on_click=_save_draft)
    st.button("Entwurf verwerfen", on_click=_clear_draft, key="pr_verwerfen")


# --- CSV import ---------------------------------------------------------------------------------------


def _import_csv() -> None:
    upload = st.session_state.get("pr_datei")
    if upload is None:
        st.session_state["pr_fehler"] = ["Bitte eine CSV-Datei wählen."]
        return
    try:
        mapping = planungsraum.from_csv(upload.getvalue())
    except planungsraum.PlanungsraumError as exc:
        st.session_state["pr_fehler"] = exc.problems
        return
    _save(st.session_state.get("pr_csv_name", ""), st.session_state.get("pr_csv_beschreibung", ""), mapping)


with tab_csv:
    st.markdown(
        "Eine Tabelle mit den Spalten **AGS** (Gemeindeschlüssel, 8 Ziffern) und **Planungsraum**; "
        "Trennzeichen Semikolon oder Komma, UTF-8 oder Windows-1252. Weitere Spalten werden ignoriert. "
        "Die Datei wird vollständig geprüft; bei einem Fehler wird nichts gespeichert."
    )
    vorlage = pd.DataFrame({"AGS": keys, "Gemeinde": [gem_name[k] for k in keys], "Planungsraum": ""})
    st.download_button(
        "Vorlage mit allen Gemeinden des Kreises",
        exports.to_csv_bytes(vorlage),
        file_name=exports.filename("vorlage_planungsraeume", kreise[kreis], ext="csv"),
        mime="text/csv",
        key="pr_vorlage",
        on_click="ignore",
        icon=":material/download:",
    )
    with st.container(border=True):
        st.file_uploader("CSV-Datei", type=["csv", "txt"], key="pr_datei")
        st.text_input("Name der importierten Gliederung", key="pr_csv_name", max_chars=120)
        st.text_area("Beschreibung (optional)", key="pr_csv_beschreibung", max_chars=1000, height=80)
        st.button("Prüfen und speichern", type="primary", key="pr_import", on_click=_import_csv)

if settings.is_public():  # pragma: no cover - auth.require_admin stops before; belt and braces
    st.stop()
