"""Real browser: a planner opens a Kreisprofil from a link and takes the Steckbrief home."""

import pytest

from .conftest import artifacts, wait_for_app

pytestmark = pytest.mark.browser


def test_kreisprofil_deep_link_and_html_steckbrief(server, page):
    page.goto(server + "/kreisprofil?kreis=16053")
    wait_for_app(page, 60_000)
    # a fresh server first switches to st.navigation and reruns: wait for the profile itself
    page.get_by_role("heading", name="Jena", exact=True).first.wait_for(timeout=60_000)
    wait_for_app(page, 60_000)
    assert page.get_by_role("combobox", name="Kreis").input_value() == "Jena"
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
    page.locator('[data-testid="stTable"]').first.wait_for(timeout=60_000)
    wait_for_app(page, 60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    if path == "strategien":
        page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(state="visible", timeout=20_000)
    else:
        page.locator('[data-testid="stVegaLiteChart"], [data-testid="stMetric"]').first.wait_for(
            state="visible", timeout=20_000
        )
    page.screenshot(path=str(artifacts() / f"{path.split('?')[0]}.png"), full_page=True)
