"""axe-core (WCAG 2.1 A/AA) over every page of the admin and the public instance, as an accessibility tester
would run it: the page made as tall as its content (Streamlit scrolls inside its own container, and axe
checks contrast only in the visible part), every expander open, and the contrast rule re-run on its own
where a full run crashes on it. Serious and critical findings fail unless the Erklärung zur
Barrierefreiheit lists them by rule (sozialatlas.ui.a11y.VERBLEIBENDE_MAENGEL).

axe-core comes from the PyPI package axe-playwright-python (pinned in requirements-dev.txt); no network.
"""

from __future__ import annotations

import pytest

from sozialatlas.store import publish
from sozialatlas.ui import a11y, navigation
from tests.versions_helpers import copy_db

from .conftest import start_server, stop_server, wait_for_app

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def page_paths(public: bool) -> list[str]:
    # the default page lives at "/" ("/start" is not a route and opens Streamlit's "page not found" dialog)
    return [
        "" if url == "start" else url
        for file, _t, _i, url, admin in navigation.PAGES
        if not (admin and public) and (navigation.paths.ROOT / file).exists()
    ]


def open_everything(page) -> None:
    """Open every expander, then make the viewport as tall as the content so nothing is off-screen."""
    for _ in range(3):  # opening one may rerun the page and add more
        closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
        if closed.count() == 0:
            break
        page.evaluate(
            """() => document.querySelectorAll('[data-testid="stExpander"] details:not([open]) > summary')
                 .forEach(s => s.click())"""
        )
        wait_for_app(page)
    height = page.evaluate(
        """() => Math.max(...[document.scrollingElement,
               document.querySelector('[data-testid="stMain"]'),
               document.querySelector('[data-testid="stAppViewContainer"]'),
               document.querySelector('[data-testid="stMainBlockContainer"]')]
            .filter(Boolean).map(e => e.scrollHeight))"""
    )
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 50, 16000)})
    wait_for_app(page)


def run_axe(page, axe) -> tuple[list[dict], list[str]]:
    """All violations; the contrast rule re-run alone where the full run reports it as incomplete because
    it crashed (axe then silently skips the page's contrast)."""
    result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    violations = list(result.response["violations"])
    notes = []
    ids = {v["id"] for v in violations}
    errored = [
        r["id"]
        for r in result.response.get("incomplete", [])
        if any("error" in str(n.get("any", "")).lower() for n in r.get("nodes", []))
    ]
    if "color-contrast" not in ids:
        again = axe.run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
        violations += again.response["violations"]
        notes.append(f"color-contrast re-run ({'crashed before' if 'color-contrast' in errored else 'checked'})")
    return violations, notes


def audit(browser, url: str, paths: list[str]) -> dict[str, list[str]]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: dict[str, list[str]] = {}
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = ctx.new_page()
    try:
        for path in paths:
            page.set_viewport_size({"width": 1400, "height": 1000})
            page.goto(f"{url}/{path}")
            wait_for_app(page, 90_000)
            assert page.evaluate("document.documentElement.lang") == "de", path
            open_everything(page)
            violations, _ = run_axe(page, axe)
            for v in violations:
                if v["impact"] in BLOCKING:
                    targets = [str(n["target"]) for n in v["nodes"][:3]]
                    found.setdefault(v["id"], []).append(f"{path}: {v['impact']} {len(v['nodes'])}× {targets}")
    finally:
        ctx.close()
    return found


def assert_listed(found: dict[str, list[str]]) -> None:
    unlisted = {rule: where for rule, where in found.items() if rule not in a11y.VERBLEIBENDE_MAENGEL}
    assert not unlisted, "axe: ernste/kritische Befunde, nicht in der Erklärung:\n" + "\n".join(
        f"{rule}: {w}" for rule, where in unlisted.items() for w in where
    )


def test_axe_admin_instance(browser, db_path, tmp_path):
    path = copy_db(db_path, tmp_path, "admin.duckdb")
    proc, url = start_server(path, {"SOZIALATLAS_ADMIN_OPEN": "1"})
    try:
        found = audit(browser, url, page_paths(public=False))
    finally:
        stop_server(proc)
    assert_listed(found)


def test_axe_public_instance(browser, db_path, tmp_path):
    snap = tmp_path / "oeffentlich.duckdb"
    publish.write_snapshot(db_path, snap)
    proc, url = start_server(snap, {"SOZIALATLAS_PUBLIC": "1"})
    try:
        found = audit(browser, url, page_paths(public=True))
    finally:
        stop_server(proc)
    assert_listed(found)


def test_statement_lists_every_remaining_finding(browser, db_path):
    """The Erklärung names each rule the check tolerates, so a visitor learns what remains."""
    proc, url = start_server(db_path)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = ctx.new_page()
    try:
        page.goto(f"{url}/barrierefreiheit")
        wait_for_app(page, 90_000)
        text = page.locator('[data-testid="stMain"]').inner_text()
        for heading in (
            "Stand der Vereinbarkeit",
            "Nicht barrierefreie Inhalte",
            "Erstellung dieser Erklärung",
            "Feedback und Kontakt",
            "Schlichtungsverfahren",
        ):
            assert heading in text
        for rule in a11y.VERBLEIBENDE_MAENGEL:
            assert rule in text
        # every page links the statement
        page.goto(f"{url}/kreisvergleich")
        wait_for_app(page, 90_000)
        assert page.locator('[data-testid="stMain"] a[href$="barrierefreiheit"]').count() >= 1
    finally:
        ctx.close()
        stop_server(proc)
