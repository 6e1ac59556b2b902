"""Real browser against a public instance: every request stays on the local server, admin URLs do not
exist, and text from data is shown as text (an indicator named like a script stays characters)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from sozialatlas.store import db, publish, versions
from sozialatlas.ui import navigation
from tests.versions_helpers import NEW_INDICATOR, copy_db, kreis_values

from .conftest import artifacts, choose, start_server, wait_for_app

pytestmark = pytest.mark.browser

EVIL = "<script>alert(1)</script>"
SERVER_PID: dict[str, int] = {}
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def public_server(db_path, tmp_path_factory):
    d = tmp_path_factory.mktemp("public_e2e")
    admin = copy_db(db_path, d, "admin.duckdb")
    with db.writing(admin) as con:
        versions.apply_import(
            con,
            dict(NEW_INDICATOR, name=EVIL, definition="**fett** [Link](https://example.org)"),
            kreis_values(con),
            "test",
            "boese.xlsx",
        )
    snap = d / "oeffentlich.duckdb"
    publish.write_snapshot(admin, snap)
    proc, url = start_server(snap, {"SOZIALATLAS_PUBLIC": "1", "SOZIALATLAS_ADMIN_OPEN": "1"})
    SERVER_PID[url] = proc.pid
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def public_pages() -> list[str]:
    return [
        url for file, _t, _i, url, admin in navigation.PAGES if not admin and (navigation.paths.ROOT / file).exists()
    ]


def test_every_public_page_talks_only_to_the_local_server(public_server, page):
    requests, dialogs = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url_path in public_pages():
        page.goto(f"{public_server}/{url_path}")
        wait_for_app(page, 60_000)
        assert page.locator('[data-testid="stException"]').count() == 0, url_path
    # the interactive map loads most (style, fonts, deck.gl): it must ask nothing outside either
    page.goto(public_server + "/kreisvergleich?kartenart=interaktiv")
    wait_for_app(page, 60_000)
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(state="visible", timeout=20_000)
    # the map has asked for its style and glyph fonts once its canvas is drawn and the fonts are loaded
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    here = urlparse(public_server).netloc
    outside = sorted(
        {u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != here}
    )
    assert not outside, outside
    assert all(urlparse(u).scheme in ("http", "https", "ws", "wss", "data", "blob") for u in requests)
    assert len(requests) > 10
    assert not dialogs


def test_admin_urls_do_not_exist_on_the_public_instance(public_server, page):
    for url_path in ("import", "versionen", "planungsraeume"):
        page.goto(f"{public_server}/{url_path}")
        wait_for_app(page, 60_000)
        assert page.locator('input[type="file"]').count() == 0
        assert page.get_by_role("heading", name="Import").count() == 0
        assert page.get_by_role("heading", name="Versionen").count() == 0
    links = page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
    assert links and not {"Import", "Versionen", "Planungsräume verwalten"} & {t.strip() for t in links}


def test_a_name_from_data_is_shown_as_text_never_run(public_server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(public_server + "/kreisvergleich")
    wait_for_app(page, 60_000)
    choose(page, "Lebenslage", "Familie")
    choose(page, "Indikator", EVIL)
    expect(page.get_by_role("heading", name=f"{EVIL} 2023")).to_be_visible()
    page.screenshot(path=str(artifacts() / "public_script_name.png"))
    page.goto(public_server + "/daten-quellen")
    wait_for_app(page, 60_000)
    assert not dialogs
    assert page.evaluate("() => window.__xss === undefined")


def test_markdown_in_data_text_is_not_interpreted(public_server, page):
    page.goto(public_server + "/kreisvergleich")
    wait_for_app(page, 60_000)
    choose(page, "Lebenslage", "Familie")
    choose(page, "Indikator", EVIL)
    assert page.get_by_text("**fett** [Link](https://example.org)").count() >= 1
    # exact: Streamlit's own heading anchors are links named "Link to heading"
    assert not page.get_by_role("link", name="Link", exact=True).count(), "Markdown from data became a link"


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


PUT = """async ([session, n, mb]) => {
    const xsrf = (document.cookie.match(/(?:^|; )_streamlit_xsrf=([^;]*)/) || [])[1] || "";
    const body = new Uint8Array(mb * 1024 * 1024).fill(65);
    const out = [];
    for (let i = 0; i < n; i++) {
        const form = new FormData();
        form.append("file", new Blob([body]), "gross.bin");
        const r = await fetch(`/_stcore/upload_file/${session}/datei-${i}`,
            {method: "PUT", body: form, headers: {"X-Xsrftoken": decodeURIComponent(xsrf)}, credentials: "same-origin"});
        out.push([r.status, (await r.text()).slice(0, 120)]);
    }
    return out;
}"""


def test_uploads_are_refused_on_the_public_instance_and_memory_stays_flat(public_server, page):
    """Issue 14, item 3: PUT /_stcore/upload_file/<own session>/<any id> used to store 19 MB per call."""
    frames: list[bytes] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())),
    )
    page.goto(public_server + "/")
    wait_for_app(page, 60_000)
    candidates = list(dict.fromkeys(m.decode() for f in frames for m in UUID.findall(f)))
    assert candidates, "the session id comes with the first messages"
    # The own session: the candidate the server does not reject as an unknown session (HTTP 400).
    probe = {c: page.evaluate(PUT, [c, 1, 0]) for c in candidates}
    session = next((c for c, r in probe.items() if r[0][0] != 400), None)
    assert session is not None, probe
    pid = SERVER_PID[public_server]
    before = _rss_mb(pid)
    results = page.evaluate(PUT, [session, 6, 8])
    after = _rss_mb(pid)
    assert all(status == 413 for status, _text in results), results
    assert after - before < 30, f"RSS grew by {after - before:.0f} MB for 6 × 8 MB refused uploads"
