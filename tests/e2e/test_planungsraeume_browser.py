"""Real browser (admin): a planner groups three Gemeinden into a Planungsraum — one by clicking the map, two in
the list — saves it, and sees it on the map with the summed value."""

from __future__ import annotations

import duckdb
import pytest
from playwright.sync_api import expect

from sozialatlas.render import formatting

from .conftest import artifacts, fill, wait_for_app
from .test_kleinraeumig_browser import KREIS, gemeinden

pytestmark = pytest.mark.browser

PR = "Saaletal"


def test_create_planungsraum_from_three_gemeinden_and_see_its_sum(admin_server, page):
    url, path = admin_server
    gem = gemeinden(path, KREIS)
    by_name = {n: k for k, (n, _) in gem.items()}
    drei = ["Saalfeld/Saale", "Rudolstadt", "Bad Blankenburg"]
    with duckdb.connect(str(path), read_only=True) as con:
        werte = dict(
            con.execute(
                "SELECT schluessel, wert FROM beobachtung WHERE indikator = 'arbeitslose' AND ebene = 'gemeinde' "
                "AND jahr = 2021 AND list_contains(?, schluessel)",
                [[by_name[n] for n in drei]],
            ).fetchall()
        )
    assert len(werte) == 3 and all(v >= 3 for v in werte.values())

    page.goto(url + "/planungsraeume?pr_kreis=" + KREIS)
    wait_for_app(page, 90_000)
    page.get_by_role("tab", name="Neue Gliederung anlegen").click()
    wait_for_app(page)
    fill(page, "Planungsraum, der gerade bearbeitet wird", PR)

    # the three Gemeinden from the list, as a keyboard user would (clicking Gemeinden on a map is covered
    # by the Kleinräumig browser test; here the map only has to show the result)
    editor_map = page.locator('[data-testid="stDeckGlJsonChart"]').filter(visible=True).first
    editor_map.wait_for(state="visible", timeout=20_000)
    liste = page.get_by_role("combobox", name=f"Gemeinden in „{PR}“")
    for name in drei:
        liste.click()
        page.keyboard.type(name)  # the option list is virtual: filter it like a user typing
        page.get_by_role("option", name=name, exact=True).click()
        wait_for_app(page)
        page.keyboard.press("Escape")
    chosen = page.locator('[data-testid="stMultiSelect"]').filter(visible=True).first
    expect(chosen).to_contain_text("Saalfeld/Saale")
    entwurf = page.locator('[data-testid="stTable"]').filter(visible=True).last.inner_text()
    assert PR in entwurf and all(n in entwurf for n in drei)

    fill(page, "Name der Gliederung", "Sozialräume 2024 (Test)")
    page.get_by_role("button", name="Gliederung speichern").click()
    wait_for_app(page)
    page.get_by_text("Gliederung „Sozialräume 2024 (Test)“ gespeichert").wait_for(timeout=20_000)

    # the saved definition: its Planungsraum on the map, with the sum of the three Gemeinden
    assert page.get_by_role("tab", name="Gespeicherte Gliederungen").get_attribute("aria-selected") == "true"
    result_map = page.locator('[data-testid="stDeckGlJsonChart"] canvas').filter(visible=True).first
    result_map.wait_for(state="visible", timeout=20_000)
    table = (
        page.locator('[data-testid="stTable"]')
        .filter(has=page.get_by_role("columnheader", name="Planungsraum", exact=True))
        .filter(visible=True)
    )
    row = table.locator("tbody tr").filter(has_text=PR)
    expect(row).to_have_count(1, timeout=30_000)  # the saved view renders after the save rerun
    wait_for_app(page)
    summe = formatting.zahl(sum(werte.values()), 0)
    assert summe in row.inner_text(), (summe, row.inner_text())
    page.set_viewport_size({"width": 1400, "height": 1800})
    wait_for_app(page)
    page.screenshot(path=str(artifacts() / "planungsraeume_gespeichert.png"))
