"""Streamlit layer of Präsentationen, Präsentationsmodus, PDF reports and Monitoring: cached data,
the fullscreen slide (HTML/CSS, sizes for a 1920×1080 beamer) and the keyboard navigation."""

from __future__ import annotations

import base64
import html
from datetime import date
from urllib.parse import urlencode

import streamlit as st

from sozialatlas import settings
from sozialatlas.render import formatting, slides
from sozialatlas.store import praesentationen as store
from sozialatlas.store import ziele as ziele_store
from sozialatlas.ui import common, data, downloads
from sozialatlas.views import bericht, monitoring, praesentation, praesentation_export

# Streamlit chrome hidden in the Präsentationsmodus: one slide fills the screen.
FULLSCREEN_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
header, footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding: 8px 28px 0 28px !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] { background: #ffffff; }
.folie { display: grid; grid-template-rows: auto 1fr auto auto; height: calc(100vh - 78px); gap: 6px;
         font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #000; }
.folie h1.folie-titel { font-size: 46px; line-height: 1.15; margin: 0; padding: 0; font-weight: 700; }
.folie-inhalt { display: grid; grid-template-columns: minmax(0, 1fr) minmax(340px, 30%); gap: 24px; min-height: 0; }
.folie-bild { min-height: 0; display: flex; align-items: center; justify-content: center; }
.folie-bild img { max-width: 100%; max-height: 100%; object-fit: contain; }
.folie-legende { font-size: 26px; line-height: 1.3; overflow: hidden; }
.folie-legende h2 { font-size: 28px; margin: 0 0 12px 0; font-weight: 700; }
.folie-legende ul { list-style: none; margin: 0; padding: 0; }
.folie-legende li { display: flex; align-items: center; gap: 14px; margin: 6px 0; font-size: 26px; }
.folie-legende .swatch { flex: none; width: 44px; height: 30px; border: 2px solid #222; }
.folie-legende p.hinweis { font-size: 24px; color: #222; margin: 10px 0 0 0; }
.folie-zeilen { font-size: 26px; } .folie-zeilen li { margin: 8px 0; }
.folie p.kernaussage { font-size: 32px; font-weight: 700; margin: 0; }
.folie p.folie-quelle { font-size: 24px; color: #222; margin: 0; display: flex; gap: 24px; }
.folie p.folie-quelle .nr { margin-left: auto; font-weight: 700; white-space: nowrap; }
.st-key-folie_nav button p { font-size: 24px !important; }
</style>
"""


def fullscreen() -> None:
    st.html(FULLSCREEN_CSS)


def is_public() -> bool:
    return settings.is_public()


@data.cached(show_spinner=False)
def decks(nur_veroeffentlicht: bool):
    return store.list_all(data.connection(), nur_veroeffentlicht)


@data.cached(show_spinner=False)
def deck(satz_id: int):
    return store.get(data.connection(), satz_id)


@data.cached(max_entries=data.LARGE, show_spinner="Folie wird vorbereitet …")
def slide_html(titel: str, kernaussage: str, url: str, nr: int, n: int) -> str:
    s = praesentation.slide(data.connection(), {"titel": titel, "kernaussage": kernaussage, "url": url})
    return render_slide(s, nr, n)


def render_slide(s: praesentation.Slide, nr: int, n: int) -> str:
    e = html.escape
    if s.spec:
        pic = base64.b64encode(slides.svg(s.spec).encode("utf-8")).decode("ascii")
        bild = f'<img src="data:image/svg+xml;base64,{pic}" alt="{e(s.legende_titel or s.titel)}">'
    else:
        items = "".join(
            f'<li><span class="swatch" style="display:inline-block;width:30px;height:22px;border:2px solid #222;'
            f'background:{e(c)}"></span> <strong>{e(lab)}</strong>: {e(t)}</li>'
            for c, lab, t in s.zeilen
        )
        bild = f'<ul class="folie-zeilen">{items}</ul>' if items else ""
    legend = "".join(
        f'<li><span class="swatch" style="background:{e(c)}"></span><span>{e(lab)}</span></li>' for c, lab in s.legende
    )
    hinweise = "".join(f'<p class="hinweis">{e(h)}</p>' for h in s.hinweise if h)
    quelle = " · ".join(x for x in (s.quelle, s.stand) if x)
    return (
        f'<div class="folie" role="region" aria-label="Folie {nr} von {n}">'
        f'<h1 class="folie-titel">{e(s.titel)}</h1>'
        f'<div class="folie-inhalt"><div class="folie-bild">{bild}</div>'
        f'<aside class="folie-legende" aria-label="Legende">'
        + (f"<h2>{e(s.legende_titel)}</h2>" if s.legende_titel else "")
        + f"<ul>{legend}</ul>{hinweise}</aside></div>"
        + (f'<p class="kernaussage">{e(s.kernaussage)}</p>' if s.kernaussage else "<p></p>")
        + f'<p class="folie-quelle"><span>{e(quelle)}</span><span class="nr">{nr} / {n}</span></p></div>'
    )


@data.cached(max_entries=8, show_spinner="PowerPoint wird erstellt …")
def pptx(satz_id: int, base_url: str) -> bytes:
    satz, folien = store.get(data.connection(), satz_id)
    return praesentation_export.pptx_bytes(data.connection(), satz, folien, base_url)


@data.cached(max_entries=8, show_spinner="PDF wird erstellt …")
def deck_pdf(satz_id: int, base_url: str) -> bytes:
    satz, folien = store.get(data.connection(), satz_id)
    return praesentation_export.pdf_bytes(data.connection(), satz, folien, base_url)


@st.cache_resource(max_entries=2, ttl=data.TTL, show_spinner=False)
def _reihen(version, stand: str) -> monitoring.Reihen:
    # One loader per database file and Gebietsstand, kept (not copied like st.cache_data): the protected
    # series do not depend on the Kreis, so every later Kreisprofil PDF reuses what earlier ones protected.
    # Small: 22 values per indicator and year.
    return monitoring.Reihen.load(data.connection(), stand, list(data.indicators("kreis")["id"]))


def reihen(stand: str) -> monitoring.Reihen:
    return _reihen(data.version_key(), stand)


@data.cached(max_entries=8, show_spinner="Kreisprofil als PDF wird erstellt …")
def kreis_pdf(schluessel: str, stand: str, erstellt: str, geo_attribution: str, url: str) -> bytes:
    return bericht.kreis_report_pdf(
        data.connection(),
        schluessel,
        stand,
        erstellt=erstellt,
        geo_attribution=geo_attribution,
        url=url,
        with_monitoring=True,
        reihen=reihen(stand),
    )


@data.cached(max_entries=8, show_spinner="Gemeindeprofil als PDF wird erstellt …")
def gemeinde_pdf(schluessel: str, erstellt: str, geo_attribution: str, url: str) -> bytes:
    from sozialatlas.ui import smallarea

    # the Kleinräumig page's cached protected values of the whole level: no Gemeinde is protected twice
    return bericht.gemeinde_report_pdf(
        data.connection(),
        schluessel,
        erstellt=erstellt,
        geo_attribution=geo_attribution,
        url=url,
        values_of=lambda indikator, jahr: smallarea.values(indikator, int(jahr), "gemeinde"),
    )


def gemeinde_pdf_button(schluessel: str) -> None:
    """„Gemeindeprofil als PDF“ under the Gemeinde profile of the Kleinräumig page: built on demand."""
    link = base_url() + "/kleinraeumig?" + urlencode({"ebene": "gemeinde", "gebiet": schluessel})
    downloads.on_request(
        "Gemeindeprofil als PDF",
        lambda: gemeinde_pdf(schluessel, formatting.datum(date.today().isoformat()), common.GEO_ATTRIBUTION, link),
        subject=schluessel,
        file_name=f"gemeindeprofil_{schluessel}.pdf",
        mime="application/pdf",
        key="gemeinde_pdf",
    )


@data.cached(show_spinner="Monitoring wird berechnet …")
def kreis_monitoring(schluessel: str, stand: str):
    return monitoring.monitoring(data.connection(), schluessel, stand, reihen=reihen(stand))


@data.cached(show_spinner=False)
def goals():
    return ziele_store.goals(data.connection())


@data.cached(show_spinner=False)
def links():
    return ziele_store.links(data.connection())


def base_url() -> str:
    """The address the atlas is reached at (for deep links in exports)."""
    try:
        return str(st.context.url).split("?")[0].rsplit("/", 1)[0]
    except Exception:  # noqa: BLE001 - no request context (AppTest): links stay relative
        return ""
