"""The static SVG map (sozialatlas.render.svgmap) as the default, the pydeck map behind a toggle.

    if svgmap.interactive():
        st.pydeck_chart(deck, …)                  # zoom, pan, click to select
    else:
        svgmap.show(keys, geoms, fill, titles, label="Karte: …", selected=[gebiet])   # one st.iframe

The toggle „Interaktive Karte (Zoom, Klick)“ is remembered in the session and in the URL
(`kartenart=interaktiv`), so a shared link opens the same kind of map. Without it, areas are selected with
the selectbox or the table beside the map — the SVG shows the selection as an outline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import shapely
import streamlit as st

from sozialatlas.render import svgmap
from sozialatlas.ui import data, urlstate
from sozialatlas.ui.plain import text

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
) -> None:
    """One frame holding the map; keys/geoms/fill/titles are aligned (one entry per area).

    st.html would be lighter, but its sanitiser (DOMPurify, HTML profile only) removes SVG entirely; an
    <img> of the SVG would lose the tooltips. So: st.iframe with the document as srcdoc, no script of
    ours, every text from data HTML-escaped (render.svgmap); the frame's title is the map's label."""
    keys = [str(k) for k in keys]
    proj = _projected(_fingerprint(keys, geoms), tuple(keys), list(geoms), float(width))
    # titles and label carry names from data: bidi/control characters removed here, escaped in render
    markup = svgmap.svg(
        proj,
        list(fill),
        [_plain_lines(t) for t in titles],
        label=text(label),
        selected=[str(s) for s in (selected or [])],
        max_height=max_height,
    )
    st.iframe(svgmap.document(markup), height="content", alt=text(label))


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
