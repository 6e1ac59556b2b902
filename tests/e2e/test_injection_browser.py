"""Real browser (issue 14, item 2): with attack texts in an imported indicator, its Hinweise, a Planungsraum
and the admin name, every page is opened; the browser makes no request to another host and shows no
image or link whose address comes from the data."""

from __future__ import annotations

from urllib.parse import urlencode, urlparse

import pytest

from sozialatlas.ui import navigation

from .. import injection_helpers as inj
from .conftest import start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

URL_PATH = {file: url for file, _title, _icon, url, _admin in navigation.PAGES}


@pytest.fixture(scope="module")
def injected_server(db_path, tmp_path_factory):
    info = inj.build(db_path, tmp_path_factory.mktemp("injektion_browser"))
    proc, url = start_server(info["path"], {"SOZIALATLAS_ADMIN_OPEN": "1"})
    yield url, info
    stop_server(proc)


def test_no_page_loads_or_links_anything_from_the_data(injected_server, page):
    url, info = injected_server
    local = urlparse(url).netloc
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).netloc not in ("", local) else None)
    seen_payload = 0
    for file, query in inj.visits(info):
        page.goto(f"{url}/{URL_PATH[file]}" + (f"?{urlencode(query)}" if query else ""))
        wait_for_app(page, 120_000)
        if file.endswith("planungsraeume.py"):  # the saved Gliederung with its Planungsraum names
            page.get_by_role("tab", name="Gespeicherte Gliederungen").click()
            wait_for_app(page)
        from_data = page.evaluate(
            """(host) => [...document.querySelectorAll('img[src], a[href], [srcset], iframe, source')]
                .map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('srcset') || '')
                .filter(u => u.includes(host))""",
            inj.EVIL_HOST,
        )
        assert from_data == [], (file, from_data)
        seen_payload += page.locator("body").inner_text().count(inj.EVIL_HOST)
    assert outside == [], outside
    assert seen_payload > 20  # the texts are on the pages (as text), so the checks above could fail
