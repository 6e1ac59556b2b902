"""Kreisprofil (Steckbrief): every indicator of one Kreis by Lebenslage, compared with Thüringen."""

from datetime import date

import streamlit as st

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy
from sozialatlas.render import formatting
from sozialatlas.ui import a11y, common, data, downloads, urlstate, views
from sozialatlas.ui import praesentation as praes_ui
from sozialatlas.ui.plain import md
from sozialatlas.ui.plain import table as md_table
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views import profile

st.title("Kreisprofil")
st.caption(
    "Alle Indikatoren eines Kreises nach Lebenslagen: der neueste Wert mit Stand und Quelle, der "
    "Thüringen-Wert desselben Jahres, die Abweichung in Wertungsrichtung und der Rang unter den "
    f"Kreisen ({profile.RANG_HINWEIS}). Als Steckbrief zum Weitergeben herunterladbar."
)

alle = {s: views.kreise(s) for s in gebietsstand.STAENDE}
all_keys = set(alle[gebietsstand.AB]["schluessel"]) | set(alle[gebietsstand.BIS]["schluessel"])

# ?kreis=16053 (the Kreisvergleich links here); Eisenach exists only on the 23-Kreise Gebietsstand.
urlstate.seed("kreis", urlstate.choice(sorted(all_keys)))
urlstate.seed("gebietsstand", gebietsstand.from_url)
if st.session_state.get("kreis") not in set(alle[st.session_state.get("gebietsstand", gebietsstand.AB)]["schluessel"]):
    if st.session_state.get("kreis") in all_keys and "gebietsstand" not in st.query_params:
        st.session_state["gebietsstand"] = gebietsstand.BIS
views.init("gebietsstand", gebietsstand.AB)

c1, c2 = st.columns([1, 2])
stand = c1.radio(
    "Gebietsstand",
    list(gebietsstand.STAENDE),
    format_func=gebietsstand.LABEL.get,
    key="gebietsstand",
    help="Bis 30.06.2021 war Eisenach kreisfrei; seit 01.07.2021 gehört es zum Wartburgkreis.",
)
kreise = alle[stand]
names = dict(zip(kreise["schluessel"], kreise["name"]))
if st.session_state.get("kreis") not in names:
    st.session_state.pop("kreis", None)
kreis = c2.selectbox("Kreis", list(names), format_func=names.get, key="kreis")
urlstate.publish("kreis", kreis)
urlstate.publish("gebietsstand", gebietsstand.URL_VALUE[stand])

info = kreise[kreise["schluessel"] == kreis].iloc[0]
rows = views.kreis_profile(kreis, stand)
lebenslagen = data.lebenslagen()

head, pic = st.columns([3, 1])
with head:
    st.header(md(info["name"]))
    st.markdown(f"{md(info['bez'])} · Schlüssel {kreis} · {gebietsstand.LABEL[stand]}")
    mit = int(rows["wert"].notna().sum())
    gesperrt = bool(rows["status"].eq(formatting.GESPERRT).any() or rows["land_status"].eq(formatting.GESPERRT).any())
    st.markdown(
        f"**{mit} von {len(rows)}** Indikatoren des Atlas haben einen Wert für diesen Kreis; "
        "die übrigen zeigen „keine Daten“" + (" oder „gesperrt“." if gesperrt else ".")
    )
    if gesperrt:
        st.caption(md(privacy.rules().beschreibung()))
svg = views.outline_svg(kreis, stand, f"Lage von {info['name']} in Thüringen")
if svg:
    a11y.svg_image(
        pic,
        svg,
        alt=f"Umrisskarte Thüringens, {info['name']} hervorgehoben",
        caption=f"{info['name']} (hervorgehoben) in Thüringen",
    )

for ll in lebenslagen.itertuples():
    grp = rows[rows["lebenslage"] == ll.id]
    st.subheader(md(ll.name))
    if grp.empty:
        st.info(lebenslagen_view.needed_data(ll.id), icon=":material/info:")
        continue
    has = grp[profile.with_value(grp)]
    if has.empty:
        st.info(f"Für {md(info['name'])} liegt in dieser Lebenslage kein Wert vor (keine Daten).")
    else:
        table = profile.display_table(has)
        st.table(md_table(table.set_index("Indikator")))
    ohne = grp.loc[~profile.with_value(grp), "name"].tolist()
    if ohne:
        # indicators other Kreise have (ThOnSA, Jena): named once, not as rows of "keine Daten"
        st.caption(md(f"Keine Daten für {info['name']}: {', '.join(ohne)}."))
    hinweise = [f"{n}: {h}" for n, h in zip(grp["name"], grp["hinweis"]) if isinstance(h, str)]
    if grp["umgerechnet"].any():
        hinweise.insert(0, "* umgerechnet auf den gewählten Gebietsstand.")
    if hinweise:
        with st.expander(f"Hinweise zu {md(ll.name)} ({len(hinweise)})"):
            for h in hinweise:
                st.text(h)

st.header("Herunterladen")
# Sources of the figures shown (a row without a value cites nothing).
quellen = sorted({q for q in rows.loc[rows["wert"].notna(), "quelle"].dropna()})
sources = data.sources(tuple(quellen))
doc = profile.html_document(
    rows,
    kreis_name=info["name"],
    kreis_bez=info["bez"] or "",
    stand_label=gebietsstand.LABEL[stand],
    lebenslagen=lebenslagen,
    sources=sources,
    erstellt=formatting.datum(date.today().isoformat()),
    geo_attribution=common.GEO_ATTRIBUTION,
    svg=svg,
)
st.download_button(
    "Steckbrief als HTML-Dokument",
    doc.encode("utf-8"),
    file_name=f"kreisprofil_{kreis}_{gebietsstand.URL_VALUE[stand]}_kreise.html",
    mime="text/html",
    key="steckbrief_html",
    on_click="ignore",
    icon=":material/download:",
)
st.caption("Das Dokument ist in sich abgeschlossen (keine externen Inhalte) und druckfreundlich.")
# Kreisprofil as a real PDF (Typst; A4, Lebenslagen, Trend, Monitoring, Quellen): built on demand, it takes seconds.
downloads.on_request(
    "Kreisprofil als PDF",
    lambda: praes_ui.kreis_pdf(
        kreis,
        stand,
        formatting.datum(date.today().isoformat()),
        common.GEO_ATTRIBUTION,
        praes_ui.base_url() + f"/kreisprofil?kreis={kreis}&gebietsstand={gebietsstand.URL_VALUE[stand]}",
    ),
    subject=(kreis, stand),
    file_name=f"kreisprofil_{kreis}_{gebietsstand.URL_VALUE[stand]}_kreise.pdf",
    mime="application/pdf",
    key="steckbrief_pdf",
)
meta = {
    "Kreis": f"{info['name']} ({kreis})",
    "Gebietsstand": gebietsstand.LABEL[stand],
    "Quelle": "; ".join(f"{r.titel} ({r.herausgeber})" for r in sources.itertuples()),
    "Lizenz": "; ".join(f"{r.titel}: {r.lizenz}" for r in sources.itertuples()),
    "Stand": "je Indikator in der Spalte Stand",
    "Erstellt": formatting.datum(date.today().isoformat()),
}
downloads.table_buttons(
    profile.download_table(rows),
    meta,
    key="kp_tab",
    sheet_name="Kreisprofil",
    basename=f"kreisprofil_{kreis}_{gebietsstand.URL_VALUE[stand]}_kreise",
)

common.attribution(quellen)
