"""Accessibility (BITV 2.0 / WCAG 2.1 AA) fixes that Streamlit offers no setting for.

`install()` runs once per script run from app.py, before the page: a style sheet (focus indicator, caption
and chart text contrast, sidebar at 200 % zoom) and a small script that sets `<html lang="de">`, translates
Streamlit's own English labels, names maps and makes scrollable boxes reachable by keyboard. What remains
is listed in the Erklärung zur Barrierefreiheit (app_pages/barrierefreiheit.py).
"""

from __future__ import annotations

import html
import json
from contextlib import contextmanager

import streamlit as st

# One focus colour everywhere: the theme's primary colour, ≥ 3:1 against white and the sidebar grey.
FOCUS = "#08519c"
# Caption and other secondary text: 7.6:1 on white, 6.9:1 on the sidebar grey (WCAG 1.4.3 needs 4.5:1).
SECONDARY_TEXT = "#474a57"

# Streamlit's and MapLibre's English strings (aria-label, title, visible text) → German.
LABELS = {
    "Skip to main content": "Zum Inhalt springen",
    "Clear value": "Auswahl löschen",
    "Clear all": "Alles löschen",
    "Clear selection": "Auswahl aufheben",
    "Open": "Öffnen",
    "Close": "Schließen",
    "Main menu": "Hauptmenü",
    "App pages": "Seiten",
    "Fullscreen": "Vollbild",
    "Toggle fullscreen": "Vollbild ein/aus",
    "Close fullscreen": "Vollbild schließen",
    "Show data": "Daten anzeigen",
    "Show chart": "Diagramm anzeigen",
    "Download as CSV": "Als CSV herunterladen",
    "Download as PNG": "Als PNG herunterladen",
    "Search": "Suchen",
    "Page not found": "Seite nicht gefunden",
    "Map": "Karte",
    "Zoom in": "Vergrößern",
    "Zoom out": "Verkleinern",
    "Reset bearing to north": "Nach Norden ausrichten",
    "Drag to rotate map, click to reset north": "Ziehen dreht die Karte, Klick richtet nach Norden aus",
    "Collapse sidebar": "Seitenleiste schließen",
    "Expand sidebar": "Seitenleiste öffnen",
    "Close sidebar": "Seitenleiste schließen",
    "Open sidebar": "Seitenleiste öffnen",
    "Show more": "Mehr anzeigen",
    "Show less": "Weniger anzeigen",
    "Choose an option": "Bitte wählen",
    "No results": "Keine Treffer",
    "Running...": "Läuft …",
    "Copy to clipboard": "In die Zwischenablage kopieren",
}

CSS = f"""
<style>
/* 2.4.7 Focus Visible: one clear indicator on everything focusable, also after a rerun (Streamlit's own
   select frame turns grey then, while the input keeps the focus). */
:focus-visible {{ outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
[data-baseweb="select"] > div:focus-within,
[data-baseweb="input"]:focus-within,
[data-baseweb="textarea"]:focus-within,
[data-baseweb="base-input"]:focus-within {{
  outline: 3px solid {FOCUS} !important; outline-offset: 2px !important;
  box-shadow: 0 0 0 1px #ffffff !important;
}}
[data-testid="stSidebarNav"] a:focus, [data-testid="stPageLink"] a:focus,
[data-testid="stSkipToContent"]:focus, .maplibregl-ctrl button:focus, .maplibregl-canvas:focus,
[data-testid="stDeckGlJsonChart"] canvas:focus, summary:focus, [role="tab"]:focus,
[data-testid="stDownloadButton"] button:focus, [data-testid="stBaseButton-secondary"]:focus,
[data-testid="stBaseButton-primary"]:focus, [data-testid="stBaseButton-headerNoPadding"]:focus,
[tabindex="0"][data-sa-scrollbox]:focus {{
  outline: 3px solid {FOCUS} !important; outline-offset: 2px !important;
}}
/* 1.4.3 Contrast: captions, help and placeholder text are 60 % grey in Streamlit (3.88:1). */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
[data-testid="stWidgetLabel"] small, [data-testid="stMetricDelta"], [data-testid="stMetricLabel"],
[data-testid="stTooltipHoverTarget"] svg, [data-testid="stSidebarNavSeparator"],
[data-testid="stSidebarNavViewButton"], [data-testid="stHeadingDivider"] + *,
[data-baseweb="select"] [aria-selected] ~ div, [data-baseweb="select"] input::placeholder,
[data-baseweb="input"] input::placeholder, [data-testid="stSidebarNav"] span,
[data-testid="stNavSectionHeader"], [data-testid="stNavSectionHeader"] * {{
  color: {SECONDARY_TEXT} !important; opacity: 1 !important;
}}
[data-baseweb="select"] div[class*="placeholder"], [data-baseweb="select"] [id$="-placeholder"] {{
  color: {SECONDARY_TEXT} !important; opacity: 1 !important;
}}
/* Labels of disabled widgets: WCAG exempts inactive controls, but they must still be readable. */
[data-testid="stWidgetLabel"][disabled], [data-testid="stWidgetLabel"][disabled] * {{
  color: #5f6170 !important; opacity: 1 !important;
}}
/* The skip link is Streamlit's; keep it readable when it appears. */
[data-testid="stSkipToContent"]:focus {{ background: #ffffff !important; color: #000000 !important; }}
/* 1.4.10 Reflow: at 200 % zoom the sidebar is an overlay; its close button must always be visible and
   reachable (Streamlit shows it on hover only). */
[data-testid="stSidebarCollapseButton"] {{ display: inline-flex !important; visibility: visible !important; }}
[data-testid="stSidebarCollapseButton"] button {{ opacity: 1 !important; }}
/* The helper elements of this module take no room. */
[data-testid="stElementContainer"]:has(.sa-a11y-hidden) {{ display: none !important; }}
</style>
"""

_SCRIPT = """
<script>
(function () {
  const LABELS = __LABELS__;
  const w = window;
  if (w.__saA11y) { w.__saA11y.apply(document.body); return; }
  function tr(s) {
    if (!s) return null;
    const k = s.trim();
    if (Object.prototype.hasOwnProperty.call(LABELS, k)) return LABELS[k];
    const more = /^View (\\d+) more$/.exec(k);  // the grouped sidebar navigation
    if (more) return more[1] + " weitere anzeigen";
    return k === "View less" ? "Weniger anzeigen" : null;
  }
  function fixEl(el) {
    for (const a of ["aria-label", "title", "placeholder", "alt"]) {
      const v = el.getAttribute && el.getAttribute(a);
      const t = tr(v);
      if (t) el.setAttribute(a, t);
    }
  }
  function fixText(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      const t = tr(n.nodeValue);
      if (t) n.nodeValue = t;
    }
  }
  function nameMaps() {
    document.querySelectorAll('[data-testid="stDeckGlJsonChart"]').forEach((m) => {
      const box = m.closest('[data-testid="stVerticalBlock"]');
      let label = "Karte";
      const marker = box && box.querySelector(".sa-map-name");
      if (marker) label = marker.textContent;
      if (m.getAttribute("aria-label") !== label) {
        m.setAttribute("role", "region");
        m.setAttribute("aria-label", label);
      }
      m.querySelectorAll("canvas").forEach((c) => {
        if (c.getAttribute("aria-label") !== label) { c.setAttribute("aria-label", label); c.setAttribute("role", "img"); }
      });
      m.querySelectorAll('[aria-label="Map"], .maplibregl-map').forEach((c) => c.setAttribute("aria-label", label));
    });
  }
  function scrollBoxes() {
    // 2.1.1 Keyboard: a fixed-height scroll box (st.container(height=…)) must be reachable to scroll it.
    const boxes = '[data-testid="stVerticalBlockBorderWrapper"], [data-testid="stVerticalBlock"], .sa-tabelle, .stHtml > div';
    document.querySelectorAll(boxes).forEach((b) => {
      const st = getComputedStyle(b);
      const y = (st.overflowY === "auto" || st.overflowY === "scroll") && b.scrollHeight > b.clientHeight + 2;
      const x = (st.overflowX === "auto" || st.overflowX === "scroll") && b.scrollWidth > b.clientWidth + 2;
      const scrolls = x || y;
      if (scrolls && !b.hasAttribute("tabindex")) {
        b.setAttribute("tabindex", "0");
        b.setAttribute("data-sa-scrollbox", "1");
        b.setAttribute("role", "region");
        const h = b.querySelector("h1, h2, h3, h4, caption, [data-testid='stCaptionContainer']");
        b.setAttribute("aria-label", "Rollbereich" + (h ? ": " + h.textContent.trim().slice(0, 80) : ""));
      }
    });
  }
  function navLists() {
    // Streamlit's grouped navigation nests each section (a div with a header and the links) directly in
    // the list element, which leaves the links without a list: make each section the list, named by its
    // header, and the outer element a plain container.
    document.querySelectorAll('[data-testid="stSidebarNavItems"]').forEach((ul) => {
      const sections = Array.from(ul.children).filter((c) => c.tagName !== "LI");
      if (!sections.length) return;
      if (ul.getAttribute("role") !== "none") ul.setAttribute("role", "none");
      sections.forEach((sec) => {
        if (sec.getAttribute("role") !== "list") sec.setAttribute("role", "list");
        const head = sec.querySelector('[data-testid="stNavSectionHeader"]');
        const name = head ? head.textContent.replace(/(expand|keyboard_arrow)_(more|less|up|down)/g, "").trim() : "";
        if (name && sec.getAttribute("aria-label") !== name) sec.setAttribute("aria-label", name);
        if (head && head.getAttribute("role") !== "presentation") head.setAttribute("role", "presentation");
      });
    });
  }
  function images() {
    // st.image has no alt parameter: name an image by its caption (or mark it as unnamed picture).
    document.querySelectorAll('[data-testid="stImage"] img:not([alt]), [data-testid="stImageContainer"] img:not([alt])').forEach((img) => {
      const fig = img.closest('[data-testid="stImage"], [data-testid="stFullScreenFrame"]');
      const cap = fig && fig.parentElement ? fig.parentElement.querySelector('[data-testid="stImageCaption"], [data-testid="caption"]') : null;
      img.setAttribute("alt", cap ? cap.textContent.trim() : "Abbildung");
    });
  }
  function sparklines() {
    // st.metric's sparkline is an unnamed SVG; the metric's value and delta say the same in text.
    document.querySelectorAll('[data-testid="stMetric"] svg').forEach((g) => {
      if (g.getAttribute("aria-hidden") !== "true") g.setAttribute("aria-hidden", "true");
    });
  }
  function translate(root) {
    if (root && root.nodeType === 3) {
      const t = tr(root.nodeValue);
      if (t) root.nodeValue = t;
    } else if (root && root.nodeType === 1) {
      fixEl(root);
      root.querySelectorAll("[aria-label], [title], [placeholder], [alt]").forEach(fixEl);
      fixText(root);
    }
  }
  let boxTimer = null;
  function apply(root) {
    if (document.documentElement.lang !== "de") document.documentElement.lang = "de";
    translate(root);
    nameMaps();
    navLists();
    images();
    sparklines();
    // scrollBoxes reads layout (getComputedStyle, scrollHeight): once the page has settled, not in every
    // frame while it is being built — forced layouts of a 631-row table delayed the map (issue 13).
    // 100 ms stays below the 150 ms of DOM quiet the browser tests wait for.
    clearTimeout(boxTimer);
    boxTimer = setTimeout(scrollBoxes, 100);
  }
  let pending = false;
  let added = new Set();
  const obs = new MutationObserver((records) => {
    // translate only what changed (walking the whole page's text in every frame cost as much as the map)
    for (const r of records) {
      if (r.type === "attributes") added.add(r.target);
      else r.addedNodes.forEach((n) => added.add(n));
    }
    if (pending) return;
    pending = true;
    // batch a rerun's burst of mutations into one pass
    requestAnimationFrame(() => {
      pending = false;
      const roots = added;
      added = new Set();
      roots.forEach((n) => { if (n.isConnected) translate(n); });
      apply(null);
    });
  });
  obs.observe(document.documentElement, { childList: true, subtree: true, attributes: true,
    attributeFilter: ["lang", "aria-label", "title", "placeholder"] });
  w.__saA11y = { apply };
  apply(document.body);
})();
</script>
<span class="sa-a11y-hidden" hidden></span>
"""


def script() -> str:
    # DOMPurify (st.html) drops a script whose text contains "<" followed by a letter or "/": keep it out.
    return _SCRIPT.replace("__LABELS__", json.dumps(LABELS, ensure_ascii=False))


def install() -> None:
    """Style sheet and script; call once per run from app.py before the page runs."""
    st.html(CSS)
    st.html(script(), unsafe_allow_javascript=True)


@contextmanager
def map_region(label: str):
    """A map with an accessible name: `with a11y.map_region("Karte: …"): st.pydeck_chart(…)`.

    The name is written into a hidden marker next to the map; the script sets it as aria-label on the map
    (MapLibre and deck.gl only call it "Map")."""
    with st.container():
        from sozialatlas.ui.plain import text  # labels carry data names: no bidi controls

        st.html(f'<span class="sa-map-name sa-a11y-hidden" hidden>{html.escape(text(label))}</span>')
        yield


def svg_image(container, svg: str, *, alt: str, caption: str | None = None, width: int = 220) -> None:
    """An SVG picture with a real alt text (st.image gives its <img> none, WCAG 1.1.1, axe: critical)."""
    import base64

    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    container.markdown(
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt, quote=True)}" width="{int(width)}">',
        unsafe_allow_html=True,
    )
    if caption:
        from sozialatlas.ui.plain import md

        container.caption(md(caption))


def chart_alt(text: str) -> None:
    """A chart's text alternative with its key figures, visible below it (WCAG 1.1.1)."""
    from sozialatlas.ui.plain import md

    st.caption(md(text))


def footer() -> None:
    """A link to the Erklärung zur Barrierefreiheit at the end of every page."""
    from sozialatlas import paths

    if not (paths.ROOT / "app_pages" / "barrierefreiheit.py").exists():
        return
    st.divider()
    st.page_link(
        "app_pages/barrierefreiheit.py", label="Erklärung zur Barrierefreiheit", icon=":material/accessibility:"
    )


# Findings of the automated check (tests/e2e/test_a11y_axe.py) that the app cannot fix because Streamlit
# produces them; the test fails on any serious or critical axe rule not listed here, and the Erklärung
# lists every entry. axe rule id → (what a visitor notices, why it remains).
VERBLEIBENDE_MAENGEL: dict[str, tuple[str, str]] = {}

KONTAKT_SCHLUESSEL = "barrierefreiheit"


def kontakt() -> dict[str, str]:
    """The feedback contact from `[barrierefreiheit]` in .streamlit/secrets.toml (empty when not set)."""
    try:
        raw = st.secrets.get(KONTAKT_SCHLUESSEL) or {}
    except Exception:  # noqa: BLE001 - no or unreadable secrets.toml: the page says the contact is missing
        return {}
    return {k: str(v) for k, v in dict(raw).items() if v}
