"""Real browser: a planner opens a Kreisprofil from a link and takes the Steckbrief home."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import artifacts, wait_for_app

pytestmark = pytest.mark.browser


def test_kreisprofil_deep_link_and_html_steckbrief(server, page):
    page.goto(server + "/kreisprofil?kreis=16053")
    wait_for_app(page, 60_000)
    # a fresh server first switches to st.navigation and reruns: wait for the profile itself
    page.get_by_role("heading", name="Jena", exact=True).first.wait_for(timeout=60_000)
    wait_for_app(page, 60_000)
    expect(page.get_by_role("combobox", name="Kreis")).to_have_value("Jena")
    # one table per Lebenslage with indicators, as real HTML tables
    assert page.locator('[data-testid="stTable"]').count() >= 6
    button = page.get_by_role("button", name="Steckbrief als HTML-Dokument")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=20_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("kreisprofil_16053")
    doc = open(download.path(), encoding="utf-8").read()
    assert "<h1>Kreisprofil Jena</h1>" in doc
    assert "Quelle: Indikatoren und Karten zur Raum- und Stadtentwicklung (INKAR)" in doc
    assert "<svg" in doc and "http://" not in doc.replace('xmlns="http://www.w3.org/2000/svg"', "")
    page.screenshot(path=str(artifacts() / "kreisprofil.png"), full_page=True)


@pytest.mark.parametrize("path", ["zeitreihen", "lebenslagen?lebenslage=oekonomie", "strategien"])
def test_view_pages_render_without_error(server, page, path):
    page.goto(f"{server}/{path}")
    wait_for_app(page, 60_000)
    # st.table or one HTML table (sozialatlas.render.htmltable)
    page.locator('[data-testid="stTable"], .sa-tabelle').first.wait_for(timeout=60_000)
    wait_for_app(page, 60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    if path == "strategien":
        page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(state="visible", timeout=20_000)
    else:
        page.locator('[data-testid="stVegaLiteChart"], [data-testid="stMetric"]').first.wait_for(
            state="visible", timeout=20_000
        )
    page.screenshot(path=str(artifacts() / f"{path.split('?')[0]}.png"), full_page=True)


def test_zeitreihen_png_of_a_series_with_gaps_downloads(server, page):
    """Issue 15.1: a series with gaps (Landtag turnout) used to download nothing, silently."""
    page.goto(server + "/zeitreihen?indikator=wahlbeteiligung_ltw&kreise=16051,16063,16073")
    wait_for_app(page, 60_000)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible", timeout=60_000)
    wait_for_app(page, 60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    for label, magic in (("Grafik als PNG", b"\x89PNG"), ("Grafik als SVG", b"<svg")):
        button = page.get_by_role("button", name=label)
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=30_000) as info:
            button.click()
        body = open(info.value.path(), "rb").read()
        assert magic in body[:400], label
        if label.endswith("SVG"):
            text = body.decode("utf-8")
            assert "Lizenz" in text and "Quelle" in text  # the figure carries its provenance
    assert page.locator('[data-testid="stAlert"]').filter(has_text="konnte nicht").count() == 0


def test_kleinraeumig_kinderarmut_for_gemeinden(server, page):
    """Issue 9: the new Gemeinde series (Kinderarmut 2022) on map and table, with suppression."""
    page.goto(server + "/kleinraeumig?ebene=gemeinde&kreis=16073&indikator=kinderarmut_sgb2_u15&jahr=2022")
    wait_for_app(page, 60_000)
    page.frame_locator('[data-testid="stIFrame"]').locator("svg.sa-karte").first.wait_for(
        state="visible", timeout=60_000
    )  # the default SVG map
    wait_for_app(page, 60_000)
    expect(page.get_by_role("combobox", name="Indikator")).to_have_value(re.compile("^" + re.escape("Kinderarmut")))
    expect(page.get_by_role("combobox", name="Jahr")).to_have_value("2022")
    assert page.locator('[data-testid="stException"]').count() == 0
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Saalfeld" in body or "Rudolstadt" in body
    assert "aus dem Link" not in body  # every part of the link was found
    page.screenshot(path=str(artifacts() / "kleinraeumig_kinderarmut.png"), full_page=True)


def test_kleinraeumig_year_box_follows_jena_bezirke(server, page):
    """Issue 15.3: after switching to Jena's Bezirke the year box said 2021 while map and table showed 2016."""
    page.goto(server + "/kleinraeumig?ebene=gemeinde&kreis=16053&indikator=arbeitslosenanteil&jahr=2021")
    wait_for_app(page, 60_000)
    page.get_by_role("combobox", name="Jahr").wait_for(timeout=60_000)
    expect(page.get_by_role("combobox", name="Jahr")).to_have_value("2021")
    page.get_by_text("Jena: statistische Bezirke", exact=True).click()
    wait_for_app(page, 60_000)
    page.wait_for_function("() => location.search.includes('ebene=stadtbezirk')", timeout=30_000)
    wait_for_app(page, 60_000)
    year = page.get_by_role("combobox", name="Jahr").input_value()
    page.get_by_role("combobox", name="Jahr").click()
    offered = [o.strip() for o in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    assert year in offered and "2021" not in offered
    # map title, table and address name the same year as the box
    page.wait_for_function("y => location.search.includes('jahr=' + y)", arg=year, timeout=15_000)
    assert year in page.locator('[data-testid="stMain"] h2, [data-testid="stMain"] h3').first.inner_text()
