"""Floor page for benchmarks/browser.py: only the project's SVG map in the same st.iframe, nothing else.

What any Streamlit page showing this map can reach at best — Streamlit's own start-up (bundle, websocket,
first script run) plus the frame: the gap between this page and Kleinräumig is the page's overhead, the
gap between this page and folium is Streamlit itself versus the map route.

Same DuckDB, same protected values, same overview geometry, classes (quantiles, 5) and tooltips as
Kleinräumig for all Thüringen (631 Gemeinden); the document is built once per server (cache_resource)
with the project's own code (sozialatlas.ui.svgmap.document_for), so every run only sends the frame.
The frame sits in the left of two equal columns of a wide page, as on Kleinräumig.

URL: / (Gemeinden, arbeitslosenanteil 2021); /?als=img: the same SVG as an <img> data URI in st.html
instead of the frame (no tooltips) — to decide by measurement whether the frame itself costs time.
"""

import base64

import streamlit as st

from sozialatlas.render import mapclasses
from sozialatlas.ui import smallarea as sa
from sozialatlas.ui import svgmap
from sozialatlas.views import kleinraeumig as kr

INDIKATOR, JAHR, EBENE = "arbeitslosenanteil", 2021, "gemeinde"
LABEL = "Karte: Streamlit-Boden"

st.set_page_config(layout="wide")


@st.cache_resource(show_spinner=False)
def document() -> str:
    ind = sa.indicator(EBENE, INDIKATOR)
    rows = kr.rows_from_values(sa.values(INDIKATOR, JAHR, EBENE, kr.THUERINGEN), EBENE)
    land = rows.land_wert.dropna()
    mc = mapclasses.build(
        rows.wert,
        mapclasses.ClassSettings(),
        polaritaet=ind.polaritaet,
        reference=float(land.iloc[0]) if len(land) else None,
        dezimalen=ind.dezimalen,
        reference_comparable=not ind.is_count,
    )
    shapes = sa.overview_shapes(EBENE)
    geom_of = dict(zip(shapes["schluessel"].astype(str), shapes.geometry))
    return svgmap.document_for(
        rows.keys,
        [geom_of.get(k) for k in rows.keys],
        kr.fill(rows, mc),
        kr.tooltip_texts(rows, ind),
        label=LABEL,
    )


left, _right = st.columns([1, 1])
with left:
    if st.query_params.get("als") == "img":
        doc = document()
        svg = doc[doc.index("<svg") : doc.rindex("</svg>") + 6]
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        st.html(f'<img src="data:image/svg+xml;base64,{data}" alt="{LABEL}" style="width:100%;max-height:560px">')
    else:
        st.iframe(document(), height="content", alt=LABEL)
