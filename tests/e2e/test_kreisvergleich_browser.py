"""Real browser: a planner opens Kreisvergleich, picks an indicator, sees map and table."""

import pytest

from .conftest import artifacts, choose, wait_for_app

pytestmark = pytest.mark.browser


def test_pick_indicator_and_see_map_and_table(server, page):
    page.goto(server + "/kreisvergleich")
    wait_for_app(page, 60_000)
    choose(page, "Lebenslage", "Ökonomische Situation/Arbeitsmarkt")
    choose(page, "Indikator", "Schuldnerquote")
    assert page.get_by_role("heading", name="Schuldnerquote").first.is_visible()
    # deck.gl draws into a canvas inside the map element
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible", timeout=20_000)
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    # one table row per Kreis (22 since 01.07.2021; INKAR has only that Gebietsstand)
    rows = page.locator('[data-testid="stTable"] tbody tr')
    assert rows.count() == 22
    text = page.locator('[data-testid="stTable"]').inner_text()
    assert "Wartburgkreis" in text and "Eisenach" not in text
    page.screenshot(path=str(artifacts() / "kreisvergleich.png"))
