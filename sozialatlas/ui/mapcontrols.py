"""Class controls and legend for choropleth maps — shared by Kreisvergleich and the Gemeinde maps.

Typical use (options in an expander, the legend under the map)::

    from sozialatlas.render import mapclasses
    from sozialatlas.ui import mapcontrols

    with st.expander("Kartendarstellung"):
        settings = mapcontrols.class_controls("gem_", n_regions=len(vals))
    mc = mapcontrols.classes(vals["wert"], settings, polaritaet=ind["polaritaet"],
                             reference=land_wert, dezimalen=dez)
    deck = maps.choropleth(shapes, mc.fill, [...])          # mc.fill is aligned with vals
    legend_chart = mapcontrols.legend(mc, einheit=einheit, gebiet_plural="Gemeinden")

URL parameters (with the key_prefix in front): `klassen` (quantile, equal_interval, fisher_jenks, std_mean,
manual), `k` (3–7), `grenzen` (manual breaks, e.g. `5;10,5;15`), `farben` (`sequenziell` or
`divergierend`). Opening a link with these parameters restores the classification.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sozialatlas.render import charts, classify, mapclasses
from sozialatlas.render.mapclasses import ClassSettings, MapClasses
from sozialatlas.ui import urlstate
from sozialatlas.ui.plain import md

__all__ = [
    "ClassSettings",
    "MapClasses",
    "class_controls",
    "classes",
    "legend",
    "legend_table",
    "FARBEN",
    "url_keys",
    "fallback",
]

FARBEN = {
    "sequenziell": "nach Wertung (hell = günstig, dunkel = ungünstig)",
    "divergierend": "um den Thüringen-Wert (zwei Farben)",
}


def url_keys(key_prefix: str = "") -> list[str]:
    """The URL parameters class_controls reads and writes."""
    return [key_prefix + k for k in ("klassen", "k", "grenzen", "farben")]


def class_controls(
    key_prefix: str = "",
    n_regions: int = 22,
    *,
    allow_diverging: bool = True,
    default_scheme: str = "quantile",
    default_k: int = 5,
) -> ClassSettings:
    """Draw the class widgets where the caller is (expander, sidebar, column) and return the choice.

    Bad manual breaks show a German error and change nothing: the last valid breaks stay in use (or,
    if there never were valid ones, the default scheme).
    """
    p = key_prefix
    k_scheme, k_k, k_breaks, k_colour = url_keys(p)
    k_max = max(classify.MIN_K, min(classify.MAX_K, n_regions))
    k_last_good = f"_{p}grenzen_gueltig"

    urlstate.seed(k_scheme, urlstate.choice(classify.SCHEMES))
    st.session_state.setdefault(k_scheme, default_scheme)
    scheme = st.selectbox(
        "Klassenbildung",
        list(classify.SCHEMES),
        format_func=classify.SCHEMES.get,
        key=k_scheme,
        help="Wie die Werte in Farbklassen eingeteilt werden. Quantile: gleich viele "
        "Gebiete je Klasse; gleiche Intervalle: gleich breite Wertebereiche; "
        "natürliche Brüche: Grenzen in den größten Lücken; Standardabweichung: "
        "Abstand zum Mittelwert; manuell: eigene Grenzen, z. B. für den Vergleich "
        "mehrerer Jahre.",
    )

    urlstate.seed(k_k, urlstate.integer(classify.MIN_K, classify.MAX_K))
    st.session_state.setdefault(k_k, min(default_k, k_max))
    if st.session_state[k_k] > k_max:
        st.session_state[k_k] = k_max
    fixed_k = scheme in ("std_mean", "manual")
    if k_max == classify.MIN_K:
        # Three or fewer areas: a choice of one class count is no choice.
        st.session_state[k_k] = k = classify.MIN_K
        st.caption(f"Anzahl Klassen: {k} (bei so wenigen Gebieten fest).")
    else:
        # A selectbox, not a slider: Streamlit's slider pulls in moment/numbro/sprintf, one more wave of
        # JavaScript before the map paints on every map page (benchmarks/browser.py); keyboard use is the same.
        k = st.selectbox(
            "Anzahl Klassen",
            list(range(classify.MIN_K, k_max + 1)),
            key=k_k,
            disabled=fixed_k,
            help="Bei Standardabweichung und manuellen Grenzen ergibt sich die Zahl der Klassen aus den Grenzen."
            if fixed_k
            else "3 bis 7 Klassen.",
        )

    manual: tuple[float, ...] | None = None
    if scheme == "manual":
        urlstate.seed(k_breaks, lambda raw: classify.format_breaks(classify.parse_manual_breaks(raw)))
        text = st.text_input(
            "Klassengrenzen",
            key=k_breaks,
            placeholder="z. B. 5; 10,5; 15",
            help="Obergrenzen der Klassen, mit Semikolon getrennt, aufsteigend; "
            "Dezimalkomma erlaubt. Werte über der höchsten Grenze bilden eine "
            "eigene Klasse.",
        )
        try:
            manual = tuple(classify.parse_manual_breaks(text))
            st.session_state[k_last_good] = manual
            urlstate.publish(k_breaks, classify.format_breaks(list(manual)))
        except classify.ClassificationError as err:
            manual = st.session_state.get(k_last_good)
            if text.strip():
                st.error(
                    f"{err} "
                    + (
                        "Die Karte zeigt weiter die letzten gültigen Grenzen."
                        if manual
                        else "Die Karte zeigt bis dahin Quantile."
                    )
                )
            else:
                st.info("Bitte Klassengrenzen eingeben, z. B. 5; 10,5; 15. Bis dahin zeigt die Karte Quantile.")
        if manual is None:
            scheme = "quantile"

    diverging = False
    if allow_diverging:
        urlstate.seed(k_colour, urlstate.choice(FARBEN))
        st.session_state.setdefault(k_colour, "sequenziell")
        farben = st.radio(
            "Farben",
            list(FARBEN),
            format_func=FARBEN.get,
            key=k_colour,
            horizontal=True,
            help="Divergierend: zwei Farben für unter und über dem Thüringen-Wert, "
            "je dunkler, desto größer der Abstand.",
        )
        diverging = farben == "divergierend"
        urlstate.publish(k_colour, farben)

    urlstate.publish(k_scheme, st.session_state[k_scheme])
    urlstate.publish(k_k, str(k))
    return ClassSettings(scheme=scheme, k=int(k), manual_breaks=manual, diverging=diverging)


def classes(
    values,
    settings: ClassSettings,
    *,
    polaritaet: str,
    reference: float | None = None,
    dezimalen: int | None = None,
    **kwargs,
) -> MapClasses:
    """mapclasses.build (same keywords), with a German error and quantiles if manual breaks do not fit
    the data (e.g. more than 7 classes)."""
    try:
        return mapclasses.build(
            values, settings, polaritaet=polaritaet, reference=reference, dezimalen=dezimalen, **kwargs
        )
    except classify.ClassificationError as err:
        st.error(f"{err} Die Karte zeigt stattdessen Quantile.")
        return mapclasses.build(
            values, fallback(settings), polaritaet=polaritaet, reference=reference, dezimalen=dezimalen, **kwargs
        )


def fallback(settings: ClassSettings) -> ClassSettings:
    """What the map shows when manual breaks cannot be used."""
    return ClassSettings("quantile", settings.k, None, settings.diverging)


def legend_table(mc: MapClasses, *, einheit: str = "", gebiet_plural: str = "Gebiete"):
    """The legend as a styled HTML table: colour, range, number of regions — screen readers read it too."""
    return legend_styler(mc.entries(gebiet_plural), einheit=einheit, gebiet_plural=gebiet_plural)


def legend_styler(entries, *, einheit: str = "", gebiet_plural: str = "Gebiete"):
    """Legend rows (label, count, colour) as a table whose first column shows the colour swatch."""
    # the unit comes from data (an import): escaped, st.table renders headers as Markdown
    head = f"Wertebereich ({md(einheit)})" if einheit else "Wertebereich"
    df = pd.DataFrame(
        {"Farbe": ["" for _ in entries], head: [e.label for e in entries], gebiet_plural: [e.count for e in entries]}
    )
    colours = [e.colour for e in entries]

    def paint(_col):
        return [f"background-color: {c}; border: 1px solid #555; min-width: 2.5em" for c in colours]

    return df.style.apply(paint, subset=["Farbe"]).hide(axis="index")


def legend(mc: MapClasses, *, einheit: str = "", gebiet_plural: str = "Gebiete", title: str | None = None):
    """Draw the legend (which end is favourable, classes with counts, 'keine Daten') and return it as an
    Altair chart with `title` (e.g. indicator and year) for exports.chart_png / chart_svg."""
    st.markdown(f"**Legende:** {mc.direction}")
    st.table(legend_table(mc, einheit=einheit, gebiet_plural=gebiet_plural))
    for note in mc.notes:
        st.caption(note)
    return charts.classes_legend(mc, einheit=einheit, gebiet_plural=gebiet_plural, title=title)
