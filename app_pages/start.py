"""Start page: what the atlas holds (coverage, Stand, sources)."""

import pandas as pd
import streamlit as st

from sozialatlas.render import formatting
from sozialatlas.store import info
from sozialatlas.ui import common, data, htmltable
from sozialatlas.ui.plain import md
from sozialatlas.views import lebenslagen as lebenslagen_view

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

st.header("Indikatoren nach Lebenslagen")
cov = data.coverage()
# All seven Lebenslagen, in their order — one without indicators says so instead of silently missing.
for ll in data.lebenslagen().itertuples():
    grp = cov[cov["lebenslage"] == ll.name]
    grp = grp[grp["id"].notna()] if "id" in grp else grp
    with st.expander(f"{md(ll.name)} ({len(grp)} Indikatoren)"):
        if grp.empty:
            st.info(lebenslagen_view.needed_data(ll.id), icon=":material/info:")
            continue
        htmltable.show(
            pd.DataFrame(
                {
                    "Indikator": grp["indikator"].to_numpy(),
                    "Einheit": grp["einheit"].fillna("").to_numpy(),
                    "Ebenen": [formatting.ebenen_text(e) for e in grp["ebenen"]],
                    "Zeitraum": [
                        f"{int(a)}–{int(b)}" if a == a and a != b else (str(int(a)) if a == a else "–")
                        for a, b in zip(grp["von"], grp["bis"])
                    ],
                    "Quelle": grp["quelle"].fillna("–").to_numpy(),
                }
            ),
            caption=f"{ll.name}: Indikatoren mit Ebenen, Zeitraum und Quelle",
            row_header="Indikator",
        )

st.page_link("app_pages/kreisvergleich.py", label="Zum Kreisvergleich", icon=":material/map:")
common.attribution([])
