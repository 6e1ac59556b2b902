"""Start page: what the atlas holds (coverage, Stand, sources)."""

import streamlit as st

from sozialatlas.render import formatting
from sozialatlas.store import info
from sozialatlas.ui import common, data

st.title("Sozialatlas Thüringen")
st.markdown(
    "Kleinräumige Daten für die **integrierte Sozialplanung** in Thüringen: Armutsrisiken nach "
    "**Lebenslagen** lesen, Kreise vergleichen, Entwicklungen verfolgen. Alle Zahlen stammen aus "
    "öffentlichen amtlichen Quellen; jede Zahl trägt ihren **Stand** und ihre **Quelle**. "
    "Fehlende Werte werden als „keine Daten“ gezeigt, nie als 0."
)

con = data.connection()
s = info.summary(con)
c1, c2, c3, c4 = st.columns(4)
c1.metric(
    "Kreise",
    f"{s['regions']['kreis'].get('ab-2021-07-01', 0)} / {s['regions']['kreis'].get('bis-2021-06-30', 0)}",
    help="22 Kreise ab 01.07.2021 (Eisenach im Wartburgkreis), 23 Kreise bis 30.06.2021",
)
c2.metric("Gemeinden", formatting.zahl(s["regions"]["gemeinde"].get("2021-12-31", 0)), help="Gebietsstand 31.12.2021")
c3.metric("Indikatoren", formatting.zahl(s["indicators"]))
c4.metric("Werte", formatting.zahl(s["observations"]))

st.subheader("Indikatoren nach Lebenslagen")
cov = data.coverage()
for lebenslage, grp in cov.groupby("lebenslage", sort=False):
    with st.expander(f"{lebenslage} ({len(grp)} Indikatoren)"):
        st.dataframe(
            grp.assign(
                Zeitraum=[
                    f"{int(a)}–{int(b)}" if a == a and a != b else (str(int(a)) if a == a else "–")
                    for a, b in zip(grp["von"], grp["bis"])
                ]
            )[["indikator", "einheit", "ebenen", "Zeitraum", "quelle"]].rename(
                columns={"indikator": "Indikator", "einheit": "Einheit", "ebenen": "Ebenen", "quelle": "Quelle"}
            ),
            hide_index=True,
            width="stretch",
        )

st.page_link("app_pages/kreisvergleich.py", label="Zum Kreisvergleich", icon=":material/map:")
common.attribution([])
