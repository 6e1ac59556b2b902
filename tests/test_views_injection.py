"""Markdown injection from data (issue 14, item 2): imported names, units, sources, definitions, Hinweise,
Planungsraum names and admin names carry a Markdown image, a link, <img>, a bare URL, an e-mail address,
LaTeX, a Streamlit colour directive and a bidi override. Every page is opened on that data; every text
Streamlit renders as Markdown (headings, captions, alerts, labels, table cells and headers, expanders,
tabs, radio options, metric help) and every HTML element is scanned: nothing may become a link, an image,
HTML, a formula or a directive, and no bidi control may remain."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from sozialatlas import paths

from . import injection_helpers as inj

_MD = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
# Unescaped in Markdown source, these would be LaTeX or Streamlit directives.
_LIVE = re.compile(r"(?<!\\)(\$|:red\[)")
# GFM autolink literals, as Streamlit finds them: in the parsed text, i.e. after backslash escapes are resolved.
_AUTOLINK = re.compile(r"(?i)(https?://|www\.|[-.\w+]+@[-\w]+\.)")


@pytest.fixture(scope="module")
def injected(db_path, tmp_path_factory):
    info = inj.build(db_path, tmp_path_factory.mktemp("injektion"))
    assert inj.has_payload(info["path"])
    return info


def _app(info, page: str, query: dict, monkeypatch):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SOZIALATLAS_DB", str(info["path"]))
    monkeypatch.setenv("SOZIALATLAS_ADMIN_OPEN", "1")
    config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_sources(at) -> list[tuple[str, str]]:
    """(where, Markdown source) of everything the page renders as Markdown."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error", "toast"):
        out += [(kind, str(e.value)) for e in at.get(kind) if hasattr(e, "value")]
    for kind in ("expander", "tab"):
        out += [(kind, str(e.label)) for e in at.get(kind) if getattr(e, "label", None)]
    widgets = ("selectbox", "multiselect", "radio", "text_input", "text_area", "button", "checkbox", "toggle")
    widgets += ("slider", "select_slider", "number_input", "date_input", "file_uploader", "download_button")
    for kind in widgets:
        for w in at.get(kind):
            out += [(f"{kind} label", str(w.proto.label))]
            if getattr(w.proto, "help", ""):
                out.append((f"{kind} help", str(w.proto.help)))
            if kind == "radio":  # radio options are Markdown too
                out += [(kind, str(o)) for o in w.proto.options]
    for m in at.get("metric"):
        out += [("metric", str(m.proto.label)), ("metric help", str(m.proto.help))]
    for p in at.get("page_link"):
        out.append(("page_link", str(p.proto.label)))
    for t in at.get("table"):
        df = t.value
        cells = [str(c) for c in df.columns] + [str(i) for i in df.index] + [str(df.index.name or "")]
        cells += [str(v) for v in df.to_numpy().ravel() if isinstance(v, str)]
        out += [("table", c) for c in cells]
    return out


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        urls = ("src", "href", "srcset", "action", "formaction", "poster", "background", "style")
        if tag in ("a", "img", "script", "iframe") or any(k in urls and inj.EVIL_HOST in (v or "") for k, v in attrs):
            self.bad.append(f"<{tag} {attrs}>")


def rendered_problems(at) -> list[str]:
    bad = []
    for where, src in markdown_sources(at):
        if _BIDI.search(src):
            bad.append(f"{where}: bidi control in {src!r}")
        if "evil" not in src:
            continue  # the atlas's own text (e.g. the Kreisprofil outline as an inline SVG image)
        html = _MD.render(src)
        if "<a " in html or "<img" in html:
            bad.append(f"{where}: link/image/HTML from {src!r}")
        tokens = [t for t in _MD.parse(src) if t.type in ("html_block",)]
        inline = [
            c
            for t in _MD.parse(src)
            if t.children
            for c in t.children
            if c.type in ("html_inline", "link_open", "image")
        ]
        if tokens or inline:
            bad.append(f"{where}: Markdown/HTML syntax live in {src!r}")
        if inj.EVIL_HOST in src and _LIVE.search(src):
            bad.append(f"{where}: LaTeX/directive live in {src!r}")
        if "evil" in src and _AUTOLINK.search(re.sub(r"\\(.)", r"\1", src)):
            bad.append(f"{where}: autolink in {src!r}")
    for el in at.get("html"):
        p = _Tags()
        p.feed(str(el.proto.body))
        bad += [f"html: {t}" for t in p.bad if inj.EVIL_HOST in t]
        if _BIDI.search(str(el.proto.body)):
            bad.append("html: bidi control")
    return bad


def test_payload_would_be_caught_by_the_scan():
    """The scan itself: an unescaped payload is found (else the page test below could not fail)."""

    class Fake:
        def __init__(self, value):
            self.value = value

    class At:
        def get(self, kind):
            return [Fake(inj.PAYLOAD)] if kind == "caption" else []

    assert len(rendered_problems(At())) >= 4

    class Escaped(At):  # escaping alone is not enough: Streamlit autolinks the parsed text
        def get(self, kind):
            return [Fake(r"http\://evil\.example/x")] if kind == "caption" else []

    assert rendered_problems(Escaped()) == [r"caption: autolink in 'http\\://evil\\.example/x'"]


@pytest.mark.parametrize("visit", range(len(inj.visits({"indikator": "x", "definition": 1, "planungsraum": "p"}))))
def test_no_page_renders_data_as_markdown(injected, visit, monkeypatch):
    page, query = inj.visits(injected)[visit]
    at = _app(injected, page, query, monkeypatch)
    shown = " ".join(src for _, src in markdown_sources(at)) + " ".join(str(e.proto.body) for e in at.get("html"))
    shown += " ".join(d.value.to_string() for d in at.dataframe)  # plain-text grids (not Markdown)
    if page not in ("app_pages/start.py", "app_pages/strategien.py", "app_pages/import.py"):
        assert "evil" in shown, f"{page}: the payload is not on the page, the scan proves nothing"
    assert rendered_problems(at) == []
