"""Real browser: a planner opens Kreisvergleich, picks an indicator, clicks a Kreis on the map, shares a link."""

import math
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from sozialatlas.render import maps
from sozialatlas.store import db, queries

from .conftest import artifacts, choose, wait_for_app

pytestmark = pytest.mark.browser


def _kreis_table(page):
    """The Kreis table beside the map: one HTML table (sozialatlas.render.htmltable)."""
    return page.locator(".sa-tabelle:not(.sa-legende)").filter(has_text="Rang")  # the legend is one too


def _table_text(page) -> str:
    return _kreis_table(page).inner_text()


def test_pick_indicator_and_see_map_and_table(server, page):
    page.goto(server + "/kreisvergleich")
    wait_for_app(page, 60_000)
    choose(page, "Lebenslage", "Ökonomische Situation/Arbeitsmarkt")
    # 27 indicators: the list is virtualised, so type to filter as a user would
    box = page.get_by_role("combobox", name="Indikator")
    box.click()
    box.fill("Schuldner")
    page.get_by_role("option", name="Schuldnerquote", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Schuldnerquote").first).to_be_visible()
    # the default map: one SVG drawn by the server (the deck.gl map is behind „Interaktive Karte“)
    canvas = page.frame_locator('[data-testid="stIFrame"][title^="Karte"]').locator("svg.sa-karte").first
    canvas.wait_for(state="visible", timeout=20_000)
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    # one table row per Kreis (22 since 01.07.2021; INKAR has only that Gebietsstand)
    rows = _kreis_table(page).locator("tbody tr")
    expect(rows).to_have_count(22)
    text = _table_text(page)
    assert "Wartburgkreis" in text and "Eisenach" not in text
    page.screenshot(path=str(artifacts() / "kreisvergleich.png"))


def _pixel(lon: float, lat: float, box: dict) -> tuple[float, float]:
    """Where deck.gl draws a point, from the initial view state (Web Mercator, 512 px world at zoom 0)."""
    view = maps.THUERINGEN_VIEW
    world = 512 * 2**view.zoom

    def project(lo, la):
        x = (lo + 180) / 360 * world
        y = (math.pi - math.log(math.tan(math.pi / 4 + math.radians(la) / 2))) / (2 * math.pi) * world
        return x, y

    x0, y0 = project(view.longitude, view.latitude)
    x, y = project(lon, lat)
    return box["x"] + box["width"] / 2 + (x - x0), box["y"] + box["height"] / 2 + (y - y0)


def _click_kreis(page, point, *, url_has: str | None = None, url_lacks: str | None = None):
    # a fresh map element after every selection change: wait for it and for deck.gl to draw
    root = page.locator('[data-testid="stDeckGlJsonChart"] .deck-events-root')
    root.wait_for(state="visible", timeout=20_000)
    root.evaluate("e => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    x, y = _pixel(point.x, point.y, root.bounding_box())
    # hover until deck.gl answers with a tooltip (the map is drawn and pickable), never click blindly
    tooltip = page.locator(".deck-tooltip")
    for attempt in range(12):
        page.mouse.move(x + attempt % 2, y)
        try:
            tooltip.filter(has_text="Stand").wait_for(state="visible", timeout=1500)
            break
        except Exception:  # noqa: BLE001 - not drawn yet: move again
            continue
    page.mouse.click(x + attempt % 2, y)
    # deck.gl reports a click only after its double-click window (300 ms); then the page reruns and
    # writes the selection into the URL
    if url_has:
        page.wait_for_function("s => location.search.includes(s)", arg=url_has, timeout=15_000)
    if url_lacks:
        page.wait_for_function("s => !location.search.includes(s)", arg=url_lacks, timeout=15_000)
    wait_for_app(page)


def test_click_a_kreis_on_the_map_selects_it_everywhere(server, page, db_path):
    con = db.connect(db_path, read_only=True)
    shapes = queries.shapes(con, "kreis", "ab-2021-07-01").set_index("schluessel")
    con.close()
    gotha = shapes.loc["16067", "geometry"].representative_point()
    # clicking on the map needs the interactive (deck.gl) map
    page.goto(server + "/kreisvergleich?indikator=schuldnerquote&jahr=2021&kartenart=interaktiv")
    wait_for_app(page, 60_000)
    assert "▶" not in _table_text(page)

    _click_kreis(page, gotha, url_has="kreis=16067")
    assert re.search(r"[?&]kreis=16067(&|$)", page.url), page.url
    row = _kreis_table(page).locator("tbody tr").filter(has_text="▶ Gotha")
    expect(row).to_have_count(1)
    # highlighted row (not only the marker): bold and coloured
    assert row.locator("th, td").first.evaluate("e => getComputedStyle(e).fontWeight") in ("700", "bold")
    expect(page.get_by_role("combobox", name="Kreis hervorheben")).to_have_value("Gotha")
    profile = " ".join(page.locator('[data-testid="stText"]').all_inner_texts())
    assert "Wert 2021: 9,59 %" in profile and "Rang: 5 von 22" in profile
    page.screenshot(path=str(artifacts() / "kreisvergleich_auswahl.png"))

    # clicking the same Kreis again clears the selection everywhere
    _click_kreis(page, gotha, url_lacks="kreis=")
    assert "kreis=" not in page.url
    assert "▶" not in _table_text(page)


def test_a_shared_link_opens_the_same_view(server, page):
    link = {
        "indikator": "arbeitslosenanteil",
        "gebietsstand": "22",
        "jahr": "2019",
        "vergleich": "2015",
        "kreistyp": "landkreise",
        "kreis": "16061",
        "klassen": "fisher_jenks",
        "k": "4",
        "farben": "divergierend",
    }
    page.goto(server + "/kreisvergleich?" + urlencode(link))
    wait_for_app(page, 60_000)
    expect(page.get_by_role("combobox", name="Indikator")).to_have_value(
        re.compile("^" + re.escape("Arbeitslose je 100"))
    )
    expect(page.get_by_role("combobox", name="Jahr")).to_have_value("2019")
    expect(page.get_by_role("combobox", name="Kreis hervorheben")).to_have_value("Eichsfeld")
    expect(page.get_by_role("heading", name=re.compile("2019")).first).to_be_visible()
    rows = _kreis_table(page).locator("tbody tr")
    expect(rows).to_have_count(17)  # Landkreise only
    text = _table_text(page)
    assert "▶ Eichsfeld" in text and "Veränderung seit 2015" in text and "Erfurt" not in text
    legend = page.locator(".sa-legende").filter(has_text="Wertebereich").inner_text()
    assert "keine Daten" in legend
    page.screenshot(path=str(artifacts() / "kreisvergleich_link.png"), full_page=True)
    # the URL in the address bar is still the shared view
    for k, v in link.items():
        assert f"{k}={v}" in page.url


def test_pick_a_kreis_and_see_it_marked_in_the_ranking_the_table_and_the_link(server, page):
    """The ranking is a static picture drawn by the server (no Vega chart, no Vega JavaScript): a Kreis
    picked in „Kreis hervorheben“ is marked in the ranking (▶, bold, outlined bar), the table and the link."""
    page.goto(server + "/kreisvergleich?indikator=schuldnerquote&jahr=2021&gebietsstand=22")
    wait_for_app(page, 60_000)
    ranking = page.frame_locator('[data-testid="stIFrame"][title^="Rangfolge"]').locator("svg.sa-rangfolge")
    ranking.wait_for(state="visible", timeout=20_000)
    names = ranking.locator('text[text-anchor="end"]')
    # the top bar is the highest value (Gera in 2021), with its value in German
    expect(names.first).to_have_text("Gera")
    expect(ranking).to_contain_text("11,05 %")
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(0)

    choose(page, "Kreis hervorheben", "Gera")
    page.wait_for_function("() => location.search.includes('kreis=16052')", timeout=15_000)
    wait_for_app(page)
    assert "▶ Gera" in _table_text(page)
    ranking = page.frame_locator('[data-testid="stIFrame"][title^="Rangfolge"]').locator("svg.sa-rangfolge")
    expect(ranking.locator('text[text-anchor="end"]').first).to_have_text("▶ Gera")
    expect(ranking.locator('rect[stroke-width="3"]')).to_have_count(1)
    page.screenshot(path=str(artifacts() / "kreisvergleich_rangfolge.png"), full_page=True)


def test_gesundheit_indicator_for_all_22_kreise_with_thueringen(server, page):
    """Issue 9: Gesundheit is no longer empty — a Hausärzte map of all 22 Kreise with a Thüringen value."""
    page.goto(server + "/kreisvergleich")
    wait_for_app(page, 60_000)
    choose(page, "Lebenslage", "Gesundheit")
    expect(page.get_by_role("combobox", name="Indikator")).to_have_value(re.compile("^" + re.escape("Hausärzte")))
    page.frame_locator('[data-testid="stIFrame"][title^="Karte"]').locator("svg.sa-karte").first.wait_for(
        state="visible", timeout=20_000
    )
    expect(_kreis_table(page).locator("tbody tr")).to_have_count(22)
    assert "keine Daten" not in _table_text(page)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Thüringen").first.inner_text()
    assert "keine Daten" not in metric and re.search(r"\d+,\d", metric)
    page.screenshot(path=str(artifacts() / "kreisvergleich_gesundheit.png"))


def test_an_outdated_link_says_what_was_not_found(server, page):
    """Issue 15.5: a rolled-back indicator, jahr=1800 and an unknown Kreis are named, not silently replaced."""
    page.goto(server + "/kreisvergleich?indikator=zurueckgenommen&jahr=1800&kreis=99999")
    wait_for_app(page, 60_000)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="aus dem Link")
    alert.first.wait_for(state="visible", timeout=30_000)
    text = alert.first.inner_text()
    assert "zurueckgenommen" in text and "1800" in text and "99999" in text and "gezeigt wird" in text
    # the page shows a real view and the address now names it
    expect(_kreis_table(page).locator("tbody tr")).to_have_count(22)
    page.wait_for_function("() => location.search.includes('indikator=kinderarmut_sgb2_u15')", timeout=15_000)
