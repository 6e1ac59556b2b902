"""Präsentationsmodus on the public instance at 1920×1080 (keyboard navigation, sizes, nothing below the
fold) and an admin linking a goal to an indicator and finding it in the Monitoring view."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

from sozialatlas.store import db, publish
from sozialatlas.store import praesentationen as store
from sozialatlas.views import praesentation as pv
from tests.e2e.conftest import artifacts, start_server, stop_server, wait_for_app

FOLIEN = [
    {
        "titel": "Schuldnerquote 2019",
        "kernaussage": "Im Süden höher.",
        "url": "/kreisvergleich?indikator=schuldnerquote&jahr=2019&gebietsstand=22",
    },
    {
        "titel": "Schuldnerquote in Jena und Gera",
        "kernaussage": "Beide über dem Land.",
        "url": "/zeitreihen?indikator=schuldnerquote&kreise=16053,16052",
    },
    {
        "titel": "Schuldnerquote 2018",
        "kernaussage": "Deutliche Unterschiede.",
        "url": "/kreisvergleich?indikator=schuldnerquote&jahr=2018",
    },
]


@pytest.fixture(scope="module")
def public_deck(db_path, tmp_path_factory):
    d = tmp_path_factory.mktemp("praes")
    admin = d / "admin.duckdb"
    shutil.copyfile(db_path, admin)
    old = os.environ.get("SOZIALATLAS_ADMIN_OPEN")
    os.environ["SOZIALATLAS_ADMIN_OPEN"] = "1"
    try:
        with db.writing(admin) as con:
            satz, folien = pv.validate(con, {"titel": "Sozialraumkonferenz"}, FOLIEN)
            sid = store.save(con, satz, folien, "Test")
            store.set_published(con, sid, True, "Test")
            store.save(con, {"titel": "Geheimer Entwurf"}, folien[:1], "Test")
        snap = d / "oeffentlich.duckdb"
        publish.write_snapshot(admin, snap)
    finally:
        if old is None:
            os.environ.pop("SOZIALATLAS_ADMIN_OPEN", None)
        else:
            os.environ["SOZIALATLAS_ADMIN_OPEN"] = old
    proc, url = start_server(snap, {"SOZIALATLAS_PUBLIC": "1", "SOZIALATLAS_ADMIN_OPEN": ""})
    yield url, sid
    stop_server(proc)


SIZES = """() => {
  const px = (el) => el ? parseFloat(getComputedStyle(el).fontSize) : 0;
  const box = (el) => el ? el.getBoundingClientRect() : null;
  const title = document.querySelector('.folie h1.folie-titel');
  const legend = [...document.querySelectorAll('.folie-legende li, .folie-legende h2')];
  const quelle = document.querySelector('.folie p.folie-quelle');
  const nr = document.querySelector('.folie .nr');
  const img = document.querySelector('.folie-bild img');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  return {
    title: title && title.textContent, titlePx: px(title),
    legendMinPx: Math.min(...legend.map(px)), legendN: legend.length,
    legendBottom: Math.max(...legend.map(e => box(e).bottom)),
    quellePx: px(quelle), quelleBottom: box(quelle) && box(quelle).bottom, quelleText: quelle && quelle.textContent,
    nr: nr && nr.textContent, imgW: img ? box(img).width : 0, imgH: img ? box(img).height : 0,
    innerH: window.innerHeight, innerW: window.innerWidth,
    scrollable: document.scrollingElement.scrollHeight > window.innerHeight + 1,
    sidebarShown: !!sidebar && getComputedStyle(sidebar).display !== 'none',
  };
}"""


def _wait_slide(page, nr: int, n: int) -> None:
    page.wait_for_function(
        f"() => (document.querySelector('.folie .nr') || {{}}).textContent === '{nr} / {n}'", timeout=60_000
    )
    wait_for_app(page, timeout=60_000)


def test_public_presentation_by_keyboard_at_1920(browser, public_deck):
    url, sid = public_deck
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE")
    page = ctx.new_page()
    try:
        page.goto(f"{url}/praesentationsmodus")
        wait_for_app(page, timeout=60_000)
        body = page.inner_text("body")
        assert "Sozialraumkonferenz" in body and "Geheimer Entwurf" not in body  # only published ones
        page.goto(f"{url}/praesentationsmodus?p={sid}&folie=1")
        _wait_slide(page, 1, 3)
        seen = []
        for key, nr in [(None, 1), ("ArrowRight", 2), ("Space", 3), ("Home", 1), ("End", 3), ("ArrowLeft", 2)]:
            if key:
                page.keyboard.press(key)
                _wait_slide(page, nr, 3)
            m = page.evaluate(SIZES)
            page.screenshot(path=str(artifacts() / f"praesentation_folie_{nr}.png"))
            assert m["title"] == FOLIEN[nr - 1]["titel"]
            assert m["titlePx"] >= 40, m
            assert m["legendN"] >= 2 and m["legendMinPx"] >= 24, m
            assert m["quellePx"] >= 24 and m["quelleText"].startswith("Quelle"), m
            assert m["legendBottom"] <= m["innerH"] and m["quelleBottom"] <= m["innerH"], m  # no scrolling needed
            assert not m["scrollable"], m
            assert not m["sidebarShown"], m
            assert m["imgH"] >= 700 or m["imgW"] >= 1100, m  # the map/chart is as large as the screen allows
            seen.append(m["nr"])
        assert seen == ["1 / 3", "2 / 3", "3 / 3", "1 / 3", "3 / 3", "2 / 3"]
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('.folie')", timeout=60_000)
        wait_for_app(page)
        assert "Sozialraumkonferenz" in page.inner_text("body")
    finally:
        ctx.close()


def test_admin_links_goal_and_sees_it_in_monitoring(browser, admin_server):
    url, _path = admin_server
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = ctx.new_page()
    try:
        page.goto(f"{url}/ziele")
        wait_for_app(page, timeout=60_000)
        page.get_by_role("combobox", name="Ziel", exact=True).click()
        page.keyboard.type("Altersarmut")  # the option list is long: filter it like a user
        page.get_by_role("option", name="Ökonomische Situation/Arbeitsmarkt: Verhinderung von Altersarmut").click()
        page.get_by_role("combobox", name="Indikator").click()
        page.keyboard.type("Schuldnerquote")
        page.get_by_role("option", name="Schuldnerquote", exact=True).click()
        # a goal without a baseline is refused, nothing saved
        page.get_by_role("button", name="Verknüpfen").click()
        expect(page.get_by_text("Basisjahr fehlt").first).to_be_visible(timeout=30_000)
        page.get_by_label("Basisjahr", exact=True).fill("2016")
        page.get_by_role("button", name="Verknüpfen").click()
        page.get_by_text("Verknüpft: Verhinderung von Altersarmut").wait_for(timeout=60_000)
        page.goto(f"{url}/monitoring?kreis=16053")
        wait_for_app(page, timeout=60_000)
        page.get_by_text("Verhinderung von Altersarmut").first.wait_for(timeout=60_000)
        expect(page.get_by_text("Indikator: Schuldnerquote").first).to_be_visible(timeout=30_000)
        body = page.inner_text("body")
        assert "Indikator: Schuldnerquote" in body
        assert any(w in body for w in ("auf Kurs", "gleichbleibend", "gegenläufig", "keine Daten"))
        assert "2016" in body
        page.screenshot(path=str(artifacts() / "monitoring_jena.png"), full_page=True)
    finally:
        ctx.close()


def test_admin_adds_deep_linked_view_to_new_presentation_and_shows_it(browser, admin_server):
    url, _path = admin_server
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = ctx.new_page()
    try:
        page.goto(f"{url}/kreisvergleich?indikator=schuldnerquote&jahr=2019&gebietsstand=22")
        wait_for_app(page, timeout=90_000)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Zur Präsentation hinzufügen").click()
        sidebar.get_by_role("textbox", name="Titel einer neuen Präsentation", exact=True).fill(
            "Kreistag Sozialausschuss"
        )
        sidebar.get_by_role("textbox", name="Titel der Folie", exact=True).fill("Schuldnerquote 2019 im Vergleich")
        sidebar.get_by_role("textbox", name="Kernaussage", exact=True).fill("Der Süden liegt über dem Land.")
        sidebar.get_by_role("textbox", name="Kernaussage", exact=True).press("Tab")
        # each text box commits on leaving it (a rerun): under load the click must not race those reruns
        wait_for_app(page)
        expect(sidebar.get_by_role("textbox", name="Titel der Folie", exact=True)).to_have_value(
            "Schuldnerquote 2019 im Vergleich"
        )
        sidebar.get_by_role("button", name="Folie hinzufügen").click()
        sidebar.get_by_text("Folie 1 zu „Kreistag Sozialausschuss“ hinzugefügt").wait_for(timeout=60_000)
        wait_for_app(page)
        sidebar.get_by_role("link", name="Im Präsentationsmodus zeigen").click()
        _wait_slide(page, 1, 1)
        assert page.inner_text(".folie h1.folie-titel") == "Schuldnerquote 2019 im Vergleich"
        assert "Der Süden liegt über dem Land." in page.inner_text(".folie")
        expect(page.locator(".folie-bild img")).to_have_count(1)  # the Kreisvergleich map, not a text slide
        assert page.inner_text(".folie-legende h2").startswith("Schuldnerquote 2019")
        page.screenshot(path=str(artifacts() / "praesentation_aus_seitenleiste.png"))
    finally:
        ctx.close()
