"""Real browser: a planner imports an XLSX, sees the indicator in the Kreisvergleich, rolls it back."""

from __future__ import annotations

import duckdb
import pytest
from playwright.sync_api import expect

from tests.versions_helpers import kreis_xlsx

from .conftest import artifacts, choose, fill, wait_for_app

pytestmark = pytest.mark.browser

NAME = "Betreuungsquote unter 3 Jahren (eigene Erhebung)"


def _indicator_options(page) -> list[str]:
    page.get_by_role("combobox", name="Indikator").click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return options


def test_import_xlsx_see_it_on_the_map_and_roll_it_back(admin_server, page):
    url, path = admin_server
    with duckdb.connect(str(path), read_only=True) as con:
        content, values = kreis_xlsx(con, jahr=2023, start=20.0)

    page.goto(url + "/import")
    wait_for_app(page, 60_000)
    page.locator('input[type="file"]').set_input_files(
        files=[
            {
                "name": "betreuung.xlsx",
                "buffer": content,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ]
    )
    page.get_by_text("Excel-Arbeitsmappe").first.wait_for(timeout=30_000)  # upload, then a rerun
    wait_for_app(page)
    # nothing may be imported before the metadata is complete: the report says what is missing
    expect(page.get_by_text("Problem(e)").first).to_be_visible()
    assert page.get_by_role("button", name="Importieren").count() == 0
    fill(page, "Name", NAME)
    fill(page, "Einheit", "Prozent")
    # the required choice count / rate / index (issue 14): a radio, like a user clicks it
    art = page.locator('[data-testid="stRadio"]').filter(has_text="Art der Werte")
    art.get_by_text("Quote oder Anteil", exact=False).first.click()
    wait_for_app(page)
    expect(art.get_by_role("radio", checked=True)).to_have_count(1)
    fill(page, "Quelle", "Jugendamt, Kita-Bedarfsplanung")
    fill(page, "Stand", "01.03.2023")
    fill(page, "Lizenz", "intern")
    expect(page.get_by_text("Keine Probleme: 22 Werte")).to_be_visible()
    page.screenshot(path=str(artifacts() / "import_vorschau.png"), full_page=True)
    page.get_by_role("button", name="Importieren").click()
    page.get_by_text("Importiert als Version 1").wait_for(timeout=30_000)
    wait_for_app(page)

    page.goto(url + "/kreisvergleich")
    wait_for_app(page, 60_000)
    choose(page, "Lebenslage", "Familie")
    choose(page, "Indikator", NAME)
    page.get_by_role("heading").filter(has_text=NAME).first.wait_for(state="visible", timeout=20_000)
    page.frame_locator('[data-testid="stIFrame"][title^="Karte"]').locator("svg.sa-karte").first.wait_for(
        state="visible", timeout=20_000
    )
    page.screenshot(path=str(artifacts() / "import_kreisvergleich.png"), full_page=True)
    # the table beside the map: st.table before issue 13, one HTML table since
    table = page.locator('[data-testid="stTable"], table').filter(has_text="Jena").first.inner_text()
    jena = values["16053"]
    assert f"{jena:.1f}".replace(".", ",") in table

    page.goto(url + "/versionen")
    wait_for_app(page, 60_000)
    expect(page.get_by_role("cell", name=f"Import: {NAME}")).to_be_visible()
    choose(page, "Zurücksetzen auf den Stand nach", "Ausgangsstand (nur Daten aus data/, keine eigenen)")
    page.get_by_role("button", name="Zurücksetzen …").click()
    page.get_by_text("Wirklich auf den Ausgangsstand zurücksetzen?").wait_for(timeout=20_000)
    wait_for_app(page)
    page.get_by_role("button", name="Ja, zurücksetzen").click()
    page.get_by_text("Zurückgesetzt: neue Version 2.").wait_for(timeout=30_000)
    wait_for_app(page)
    page.screenshot(path=str(artifacts() / "versionen_nach_ruecknahme.png"), full_page=True)

    page.goto(url + "/kreisvergleich")
    wait_for_app(page, 60_000)
    choose(page, "Lebenslage", "Familie")
    assert NAME not in _indicator_options(page)
