"""The Kreisvergleich page's Streamlit parts: widgets and URL state, cached data and view, the map, the
table beside it, the ranking (a static SVG, sozialatlas.render.svgbars) and the downloads.

Selection: the selectbox „Kreis hervorheben“, a click on the interactive map and „Aufheben“ all write
st.session_state[KREIS]. After every change the pydeck map gets a new key (a fresh mount): its own
selection state would otherwise linger — Streamlit dims every unselected Kreis on a map with an active
selection (the colours would no longer match the legend), and a stale selection could toggle the Kreis
away later. The page draws the selection itself (outline, bar border, table row).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from sozialatlas import paths
from sozialatlas.render import charts, classify, exports, mapclasses, svgbars
from sozialatlas.ui import a11y, common, data, downloads, htmltable, mapcontrols, state, svgmap, urlstate, views
from sozialatlas.ui.plain import md, text
from sozialatlas.views import kreisvergleich as kv
from sozialatlas.views import kreisvergleich_page as page

KREIS = page.KREIS
DOWNLOADS = "kv_herunterladen"  # session key of the (lazy) download expander


@data.cached(max_entries=data.LARGE)
def values_on(indikator: str, jahr: int, stand: str):
    """(values, note, refusal) — see sozialatlas.views.kreisvergleich.load."""
    return kv.load(data.connection(), indikator, int(jahr), stand)


@data.cached()
def kreise(stand: str):
    """schluessel → name of the Kreise of a Gebietsstand, sorted by name (for the selectbox)."""
    df = data.shapes("kreis", stand)[["schluessel", "name"]].sort_values("name")
    return dict(zip(df["schluessel"], df["name"]))


@data.cached()
def n_kreise(stand: str, kreistyp: str) -> int:
    """How many Kreise a Kreistyp filter leaves on a Gebietsstand (bounds the number of classes)."""
    shapes = data.shapes("kreis", stand)
    return int(kv.kreistyp_mask(shapes, kreistyp).sum())


@data.cached(max_entries=data.LARGE)
def view_for(
    indikator: str,
    jahr: int,
    stand: str,
    ind: kv.Indicator,
    settings: mapclasses.ClassSettings,
    vorher: int | None,
    kreistyp: str,
    messgroesse: str,
    selected: str | None,
) -> kv.View:
    """The view model of one view (a year change back and forth is answered from here: building it,
    classes, tables and tooltip frame, was the biggest part of a warm rerun after the charts)."""
    vals, _, _ = values_on(indikator, jahr, stand)
    before = values_on(indikator, int(vorher), stand)[0] if vorher else None
    return kv.build_view(
        vals,
        data.shapes("kreis", stand),
        ind,
        settings,
        jahr=jahr,
        land=data.land_value(indikator, jahr),
        before=before,
        vorher=vorher,
        land_before=data.land_value(indikator, int(vorher)) if vorher else None,
        kreistyp=kreistyp,
        messgroesse=messgroesse,
        selected=selected,
    )


@data.cached(max_entries=data.LARGE)
def ranking_document(view_key: tuple, titel: str) -> str:
    """The ranking picture as an HTML document for the iframe (cached with the view it shows)."""
    *args, selected = view_key
    return svgbars.document(page.ranking_svg(view_for(*args, selected), titel=titel, selected=selected, clean=text))


@data.cached()
def sources_meta(ids: tuple[str, ...], notes: tuple[str, ...]) -> pd.DataFrame:
    """The 'Quellen' sheet of the XLSX download (sources, boundary attribution, notes)."""
    return exports.sources_sheet(data.sources(ids), common.GEO_ATTRIBUTION, *notes)


# --- selection ------------------------------------------------------------------------------------------


def gen() -> int:
    return st.session_state.get("_kv_gen", 0)


def changed() -> None:
    st.session_state["_kv_gen"] = gen() + 1


def on_map(key: str) -> None:
    """A click on the selected Kreis (or next to every Kreis) clears the selection."""
    objs = ((st.session_state.get(key) or {}).get("selection") or {}).get("objects", {}).get(page.LAYER) or []
    feature = objs[0] if objs else {}
    picked = (feature.get("properties") or feature).get("schluessel")
    st.session_state[KREIS] = None if picked is None or picked == st.session_state.get(KREIS) else picked
    changed()


def clear() -> None:
    st.session_state[KREIS] = None
    changed()


# --- widgets and URL state ------------------------------------------------------------------------------


@dataclass
class Choice:
    lebenslage: str
    indikator: str
    row: dict
    ind: kv.Indicator
    jahr: int
    stand_url: str
    stand: str
    per: pd.DataFrame
    vorher: int | None = None
    messgroesse: str = "wert"
    kreistyp: str = "alle"
    settings: mapclasses.ClassSettings | None = None

    def url(self, selected: str | None = None) -> list[tuple[str, str | None]]:
        return page.url_pairs(
            lebenslage=self.lebenslage,
            indikator=self.indikator,
            stand_url=self.stand_url,
            jahr=self.jahr,
            vorher=self.vorher,
            messgroesse=self.messgroesse,
            kreistyp=self.kreistyp,
            selected=selected,
        )


def choose(problems: list[str]) -> Choice:
    """Draw Lebenslage, Indikator, Gebietsstand and Jahr; a link fills them on the first run. What a link
    asked for and the atlas does not have is appended to `problems`. The options follow in `options`."""
    inds, ll, lebenslage_of = common.kreis_indicators()
    q = st.query_params
    ll_name, ind_name = dict(zip(ll["id"], ll["name"])), dict(zip(inds["id"], inds["name"]))
    if "lebenslage" not in st.session_state and q.get("indikator") in lebenslage_of:
        # a link may name only the indicator: its Lebenslage follows from the catalogue
        st.session_state["lebenslage"] = lebenslage_of[q["indikator"]]
    state.choose(
        "lebenslage", list(ll["id"]), wish=q.get("lebenslage"), default=kv.START_LEBENSLAGE, what="Lebenslage",
        label=ll_name.get, problems=problems,
    )  # fmt: skip
    c1, c2, c3, c4 = st.columns([2, 3, 2, 1])
    lebenslage = c1.selectbox("Lebenslage", ll["id"], format_func=ll_name.get, key="lebenslage")
    auswahl = inds[inds["lebenslage"] == lebenslage]
    default = kv.default_indicator(views.completeness(), lebenslage, auswahl["id"])
    state.choose(
        "indikator", list(auswahl["id"]), wish=q.get("indikator"), default=default, what="Indikator",
        label=ind_name.get, problems=problems,
    )  # fmt: skip
    indikator = c2.selectbox("Indikator", auswahl["id"], format_func=ind_name.get, key="indikator")
    row = auswahl[auswahl["id"] == indikator].iloc[0].to_dict()

    per = data.periods(indikator, "kreis")
    jahre = kv.years(per)
    state.choose("jahr", jahre, wish=q.get("jahr"), default=kv.default_year(per), what="Jahr", problems=problems)
    jahr = int(c4.selectbox("Jahr", jahre, key="jahr"))

    # The Gebietsstand follows the source (no conversion) until the user or a link chooses one.
    if "gebietsstand" not in st.session_state:  # first run of the page: a link names it or not
        st.session_state["_kv_stand_gewaehlt"] = q.get("gebietsstand") in kv.STAND_BY_URL
        problems += [p for p in [page.stand_problem(q.get("gebietsstand"))] if p]
    urlstate.seed("gebietsstand", urlstate.choice(kv.STAND_BY_URL))
    if not st.session_state.get("_kv_stand_gewaehlt"):
        st.session_state["gebietsstand"] = kv.URL_BY_STAND[kv.native_stand(per, jahr)]
    stand_url = c3.radio(
        "Gebietsstand",
        list(kv.STAND_BY_URL),
        format_func=kv.STAND_LABEL.get,
        key="gebietsstand",
        on_change=lambda: st.session_state.update(_kv_stand_gewaehlt=True),
        help="Am 01.07.2021 kam die Stadt Eisenach zum Wartburgkreis (seitdem 22 Kreise). Liegt ein "
        "Jahr nur auf dem anderen Gebietsstand vor, wird umgerechnet, wo das ehrlich geht.",
    )
    return Choice(
        lebenslage, indikator, row, kv.Indicator.from_row(row), jahr, stand_url, kv.STAND_BY_URL[stand_url], per
    )


def options(c: Choice, problems: list[str]) -> None:
    """The expander with Vergleichsjahr, Kreistyp, classes and colours; fills c. The page draws it under
    the map (its values are needed before the map is built, its place is after it): the browser then
    meets the map before the slider and the other option widgets, whose JavaScript it loads one after
    another in page order (time to the painted map, benchmarks/browser.py)."""
    jahre = kv.years(c.per)
    frueher, ohne_vergleich = kv.comparison_years(c.indikator, jahre, c.jahr, views.brueche(c.indikator))
    q = st.query_params
    if "vergleich" not in st.session_state:
        problems += [p for p in [page.comparison_problem(q.get("vergleich"), frueher, ohne_vergleich)] if p]
    with st.expander("Vergleichsjahr, Kreistyp, Klassen und Farben"):
        o1, o2, o3 = st.columns(3)
        state.choose("vergleich", frueher, wish=q.get("vergleich"), nullable=True, what="Vergleichsjahr")
        c.vorher = o1.selectbox(
            "Veränderung gegenüber",
            frueher,
            index=None,
            key="vergleich",
            placeholder="kein Vergleichsjahr",
            disabled=not frueher,
            help="Zeigt in Tabelle und Profil die Veränderung seit diesem Jahr; Anzahlen auch in %.",
        )
        if ohne_vergleich:
            o1.caption(md(ohne_vergleich))
        if c.vorher:
            urlstate.seed("karte", urlstate.choice(kv.MESSGROESSEN))
            c.messgroesse = o2.radio(
                "Karte und Rangfolge zeigen",
                list(kv.MESSGROESSEN),
                key="karte",
                format_func=lambda m: f"Wert {c.jahr}" if m == "wert" else f"Veränderung seit {c.vorher}",
            )
        urlstate.seed("kreistyp", urlstate.choice(kv.KREISTYPEN))
        c.kreistyp = o3.radio("Kreistyp", list(kv.KREISTYPEN), format_func=kv.KREISTYPEN.get, key="kreistyp")
        c.settings = mapcontrols.class_controls("", n_regions=n_kreise(c.stand, c.kreistyp))


def refused(c: Choice, refusal: str, problems: list[str], where) -> None:
    """A view that cannot be shown honestly on this Gebietsstand: say so, keep the link, stop."""
    options(c, problems)  # drawn, so the chosen options (and their URL parameters) stay
    state.show_problems(where, problems)
    st.header(md(f"{c.ind.name} {c.jahr}"))
    st.warning(md(refusal))
    st.info(f"Bitte den Gebietsstand „{kv.STAND_LABEL[kv.URL_BY_STAND[kv.native_stand(c.per, c.jahr)]]}“ wählen.")
    for key, value in c.url()[:4]:
        urlstate.publish(key, value)
    st.stop()


def view(c: Choice, selected: str | None) -> tuple[kv.View, tuple]:
    """The cached view and its cache key; bad manual breaks fall back to quantiles with a message."""
    key = (c.indikator, c.jahr, c.stand, c.ind, c.settings, c.vorher, c.kreistyp, c.messgroesse, selected)
    try:
        return view_for(*key), key
    except classify.ClassificationError as err:
        st.error(f"{err} Die Karte zeigt stattdessen Quantile.")
        key = key[:4] + (mapcontrols.fallback(c.settings),) + key[5:]
        return view_for(*key), key


# --- drawing --------------------------------------------------------------------------------------------


def kreis_map(v: kv.View, c: Choice, *, selected: str | None, titel: str) -> None:
    """The map (static SVG by default, pydeck on request), its legend as a table, notes."""
    label = page.map_label(titel)
    # a static SVG by default (software WebGL costs seconds on PCs without GPU); the pydeck map on request
    interaktiv = svgmap.interactive()
    if not interaktiv:
        g = v.features
        svgmap.show(
            g["schluessel"],
            list(g.geometry),
            [v.fill[k] for k in g["schluessel"]],
            svgmap.titles_from(g.drop(columns="geometry"), kv.tooltip_lines(c.jahr, c.vorher)),
            label=label,
            selected=[selected] if selected else None,
        )
    else:
        key = f"karte_{gen()}"
        # an accessible name instead of MapLibre's "Map"; the table beside it holds the same values
        with a11y.map_region(label):
            st.pydeck_chart(
                kv.deck(v, jahr=c.jahr, vorher=c.vorher, selected=selected),
                height=560,
                key=key,
                on_select=lambda: on_map(key),
                selection_mode="single-object",
            )
    # the legend as one HTML table (no Arrow table: ≈ 1 MB less JavaScript); its export chart is built
    # only when a download asks for it
    entries = v.classes.entries("Kreise")
    svgmap.legend(entries, einheit=v.mess_einheit, gebiet_plural="Kreise", direction=v.classes.direction)
    for note in v.classes.notes + v.notes:
        st.caption(note)
    if v.geheimhaltung:
        st.caption(md(v.geheimhaltung))
    st.caption(page.map_caption(v, interaktiv))


def side_panel(v: kv.View, c: Choice, *, land, kreis_names: dict, selected: str | None, titel: str) -> None:
    """Thüringen value, the Kreis selectbox with its short profile, the table of all Kreise."""
    label, value, help_text = page.land_metric(land, c.ind, c.jahr)
    st.metric(label, value, help=md(help_text) if land else help_text)
    s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
    s1.selectbox(
        "Kreis hervorheben",
        list(kreis_names),
        format_func=kreis_names.get,
        index=None,
        key=KREIS,
        placeholder="Kreis wählen …",
        on_change=changed,
    )
    if selected:
        s2.button("Aufheben", on_click=clear, help="Auswahl des Kreises aufheben", key="kreis_aufheben")
        lines = kv.profile_lines(v, c.ind, selected, jahr=c.jahr, vorher=c.vorher, land=land)
        with st.container(border=True):
            st.markdown(f"**{md(kreis_names[selected])}**")
            for name, line in lines or []:
                st.text(f"{name}: {line}")
            if (paths.ROOT / "pages" / "kreisprofil.py").exists():
                st.page_link(
                    "app_pages/kreisprofil.py",
                    label=f"Kreisprofil {md(kreis_names[selected])}",
                    icon=":material/description:",
                    query_params={"kreis": selected},
                )
    # One HTML table, not st.table's Markdown cells (≈ 15× cheaper to paint; benchmarks/browser.py).
    htmltable.show(
        v.table,
        caption=f"{titel}: Kreise in Rangfolge",
        highlight=f"▶ {kreis_names[selected]}" if selected else None,
    )
    st.caption(page.table_caption(v))
    reasons = kv.gesperrt_reasons(v.vals[v.shown])
    if reasons:
        st.caption(md(reasons))


def ranking(v: kv.View, view_key: tuple, *, titel: str) -> list[str]:
    """The ranking as a static SVG (no Vega chunk on the page), its text alternative and the Kreise
    without a bar; returns those sentences (they go into the export charts' notes)."""
    st.iframe(ranking_document(view_key, titel), height="content", alt=text(page.ranking_title(titel)))
    a11y.chart_alt(page.ranking_summary(v))  # the key figures as text (WCAG 1.1.1)
    ohne_balken = kv.without_bar(v)
    for line in ohne_balken:
        st.caption(md(line))
    return ohne_balken


def downloads_section(
    v: kv.View, c: Choice, *, vals, land, note, titel: str, selected: str | None, ohne_balken: list[str]
) -> list[str]:
    """Table (CSV, XLSX with sources), ranking, legend and map (PNG/SVG, built on click); returns the
    source ids for the attribution."""
    ids = page.quelle_ids(vals, land, c.row.get("quelle"))
    # Lazy: the eight download buttons are sent only while the expander is open — closed, the page has
    # eight widgets fewer for the browser to draw before the map is painted (benchmarks/browser.py).
    box = st.expander("Herunterladen: Tabelle, Rangfolge, Legende, Karte", key=DOWNLOADS, on_change="rerun")
    if not box.open:
        return ids
    quellen = data.sources(tuple(sorted(set(ids))))
    geheim = [v.geheimhaltung] if v.geheimhaltung else []
    meta = sources_meta(tuple(sorted(set(ids))), tuple(([f"Hinweis: {note}"] if note else []) + geheim))
    basis = page.basename(c.indikator, c.jahr, c.stand_url, c.vorher)
    quelle_text = kv.source_lines(quellen, v.vals["stand"]) + ohne_balken + geheim
    with box:
        downloads.table_buttons(v.export, meta, basename=basis, key="kv_tabelle", sheet_name=f"{c.ind.name} {c.jahr}")

        # Export charts are built only when a download is clicked (a function, not a chart).
        def ranking_export():
            chart = kv.ranking_chart(
                v,
                c.ind,
                title=page.ranking_title(titel),
                selected=selected,
                jahr=page.ranking_year(c.jahr, c.vorher, c.messgroesse),
            )
            return charts.with_source(chart, page.ranking_title(titel), quelle_text)

        def legend_export():
            chart = charts.classes_legend(v.classes, einheit=v.mess_einheit, gebiet_plural="Kreise", title=titel)
            return charts.with_source(chart, f"Legende: {titel}", quelle_text)  # Quelle/Lizenz/Stand too

        def map_export():
            chart = charts.map_with_legend(
                charts.map_chart(v.features, [v.fill[k] for k in v.features["schluessel"]], selected=selected),
                charts.classes_legend(v.classes, einheit=v.mess_einheit, gebiet_plural="Kreise", standalone=False),
            )
            return charts.with_source(chart, titel, quelle_text + [common.GEO_ATTRIBUTION])

        downloads.chart_buttons(ranking_export, basename=f"{basis}_rangfolge", key="kv_rang", label="Rangfolge")
        downloads.chart_buttons(legend_export, basename=f"{basis}_legende", key="kv_legende", label="Legende")
        downloads.chart_buttons(map_export, basename=f"{basis}_karte", key="kv_karte", label="Karte")
    return ids


def publish(c: Choice, selected: str | None) -> None:
    for key, value in c.url(selected):
        urlstate.publish(key, value)
