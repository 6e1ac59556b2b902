"""The static SVG map (sozialatlas.render.svgmap) as the default, the pydeck map behind a toggle.

    if svgmap.interactive():
        st.pydeck_chart(deck, …)                  # zoom, pan, click to select
    else:
        svgmap.show(keys, geoms, fill, titles, label="Karte: …", selected=[gebiet])   # one st.iframe

The toggle „Interaktive Karte (Zoom, Klick)“ is remembered in the session and in the URL
(`kartenart=interaktiv`), so a shared link opens the same kind of map. Without it, areas are selected with
the selectbox or the table beside the map — the SVG shows the selection as an outline.

Frame or <img>: decided by measurement (benchmarks/browser.py --mit-img, 2 runs on a loaded machine):
the same SVG as an <img> data URI painted in 0.93–1.02× (cold) / 0.92–0.94× (warm) of the frame's time
on the bare floor page and 0.55–1.10× / 0.72–1.20× on Kleinräumig — no consistent gain beyond the noise
between runs, so the frame stays and with it the tooltip per area. With patterns=True the map hatches gesperrt and dots
keine Daten; legend() draws the matching legend.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
from collections.abc import Sequence

import shapely
import streamlit as st

from sozialatlas.render import svgmap
from sozialatlas.ui import data, urlstate
from sozialatlas.ui.plain import text

BENCH_ENV = "SOZIALATLAS_BENCH_KARTE"  # "img": the SVG as an <img> instead of the frame (benchmark only)
KEY = "kartenart"  # session key of the toggle and URL parameter
INTERAKTIV = "interaktiv"
LABEL = "Interaktive Karte (Zoom, Klick)"
HELP = (
    "Aus: eine schnelle, feste Karte (Tooltip beim Zeigen auf ein Gebiet); auswählen über die Liste oder "
    "die Tabelle. An: Karte zum Zoomen und Verschieben, ein Klick wählt ein Gebiet aus — auf Rechnern "
    "ohne Grafikbeschleunigung deutlich langsamer."
)


def interactive() -> bool:
    """Draw the toggle where the caller is; True = the pydeck map. A link may carry kartenart=interaktiv."""
    urlstate.seed("kartenart", lambda raw: raw == INTERAKTIV)
    on = st.toggle(LABEL, key=KEY, help=HELP)
    urlstate.publish("kartenart", INTERAKTIV if on else None)
    return bool(on)


def _fingerprint(keys: Sequence[str], geoms: Sequence) -> str:
    """Identity of a geometry set for the projection cache (a few ms; the projection costs ~50–150 ms)."""
    h = hashlib.blake2b(digest_size=16)
    for k, g in zip(keys, geoms):
        h.update(str(k).encode() + b"\0")
        h.update(shapely.to_wkb(g) if g is not None else b"-")
    return h.hexdigest()


@st.cache_data(show_spinner=False, max_entries=data.LARGE, ttl=data.TTL)
def _projected(fingerprint: str, keys: tuple, _geoms: list, width: float) -> svgmap.Projected:
    return svgmap.project(list(keys), _geoms, width=width)


def document_for(
    keys: Sequence,
    geoms: Sequence,
    fill: Sequence[str],
    titles: Sequence[str],
    *,
    label: str,
    selected: Sequence[str] | None = None,
    max_height: int = 560,
    width: float = 700.0,
    patterns: bool = False,
) -> str:
    """The finished HTML document of one map (what `show` puts into the frame's srcdoc).

    Cached per inputs (geometry fingerprint, colours, tooltips, selection): a rerun with the same view —
    a widget elsewhere on the page, a warm reload — reuses the string instead of assembling ~0.3 MB again."""
    keys = [str(k) for k in keys]
    return _document(
        _fingerprint(keys, geoms),
        tuple(keys),
        list(geoms),
        tuple(fill),
        tuple(_plain_lines(t) for t in titles),
        text(label),
        tuple(str(s) for s in (selected or [])),
        int(max_height),
        float(width),
        bool(patterns),
    )


@st.cache_data(show_spinner=False, max_entries=data.LARGE, ttl=data.TTL)
def _document(fingerprint, keys, _geoms, fill, titles, label, selected, max_height, width, patterns) -> str:
    # titles and label carry names from data: bidi/control characters removed by the caller, escaped in render
    proj = _projected(fingerprint, keys, _geoms, width)
    markup = svgmap.svg(
        proj, list(fill), list(titles), label=label, selected=list(selected), max_height=max_height, patterns=patterns
    )
    return svgmap.document(markup)


def show(
    keys: Sequence,
    geoms: Sequence,
    fill: Sequence[str],
    titles: Sequence[str],
    *,
    label: str,
    selected: Sequence[str] | None = None,
    max_height: int = 560,
    width: float = 700.0,
    patterns: bool = False,
) -> None:
    """One frame holding the map; keys/geoms/fill/titles are aligned (one entry per area).

    st.html would be lighter, but its sanitiser (DOMPurify, HTML profile only) removes SVG entirely; an
    <img> of the SVG would lose the tooltips. So: st.iframe with the document as srcdoc, no script of
    ours, every text from data HTML-escaped (render.svgmap); the frame's title is the map's label.
    patterns=True: gesperrt / keine Daten hatched / dotted (then show legend() beside it, which has the
    same patterns)."""
    doc = document_for(
        keys, geoms, fill, titles, label=label, selected=selected, max_height=max_height, width=width, patterns=patterns
    )
    if os.environ.get(BENCH_ENV) == "img":
        # benchmarks/browser.py --mit-img: the same SVG as an <img> (no tooltips, no hover outline)
        svg = doc[doc.index("<svg") : doc.rindex("</svg>") + 6]
        data64 = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        st.html(
            f'<img src="data:image/svg+xml;base64,{data64}" alt="{html.escape(text(label), quote=True)}" '
            f'style="display:block;width:100%;max-height:{int(max_height)}px">'
        )
        return
    st.iframe(doc, height="content", alt=text(label))


def legend(entries, *, einheit: str, gebiet_plural: str, direction: str, patterns: bool = False) -> None:
    """The legend under the map as one HTML table (render.svgmap.legend_html), patterns as on the map."""
    st.html(
        svgmap.legend_html(
            entries,
            einheit=text(einheit),
            gebiet_plural=gebiet_plural,
            caption=f"Legende: {text(direction)}",
            patterns=patterns,
        )
    )


def _plain_lines(value) -> str:
    """plain.text per line: keep the line breaks of a multi-line tooltip, clean each line."""
    return "\n".join(text(line) for line in str(value).split("\n"))


def titles_from(frame, lines: Sequence[str]) -> list[str]:
    """Tooltip texts from our own templates ('{name}', '2021: {wert_text}', …) and the frame's columns —
    the same lines the pydeck tooltip shows. Values are inserted as text, never interpreted."""
    out = []
    for row in frame.to_dict("records"):
        safe = {k: ("–" if v is None or (isinstance(v, float) and v != v) else v) for k, v in row.items()}
        out.append("\n".join(line.format_map(safe) for line in lines))
    return out
