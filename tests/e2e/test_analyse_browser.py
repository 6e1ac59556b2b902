"""Real browser: a planner builds the Kernindex 2021 vs 2016 for the Gemeinden and sees the bivariate map with
its table; opens the LISA map for Kinderarmut; computes and saves a Planungsraum suggestion for
Saalfeld-Rudolstadt."""

from __future__ import annotations

import duckdb
import pytest
from playwright.sync_api import expect

from .conftest import artifacts, choose, wait_for_app

pytestmark = pytest.mark.browser

SLF = "16073"


def _visible_map(page):
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').filter(visible=True).first
    canvas.wait_for(state="visible", timeout=30_000)
    return canvas


def test_kernindex_2021_vs_2016_for_gemeinden_shows_bivariate_map_and_table(server, page):
    page.goto(server + "/sozialindex")
    wait_for_app(page, 90_000)
    page.get_by_text("Gemeinden", exact=True).click()
    wait_for_app(page, 60_000)
    expect(page.get_by_role("combobox", name="Vorlage")).to_have_value("Kernindex Armut")
    # the preset names what the Gemeinde level lacks, in German, and goes on with the rest
    expect(page.get_by_text("liegt auf Gemeindeebene nicht vor").first).to_be_visible()
    page.get_by_role("combobox", name="Jahr", exact=True).click()
    page.get_by_role("option", name="2021", exact=True).click()
    wait_for_app(page, 60_000)
    choose(page, "Vergleichsjahr (Dynamik)", "2016")
    wait_for_app(page, 60_000)
    heading = page.get_by_role("heading", name="Gesamtindex 2021 (Status) × 2016–2021 (Dynamik)")
    expect(heading).to_be_visible(timeout=60_000)
    _visible_map(page)
    # the 4×3 legend (Vega chart) and the table with every area's classes
    expect(page.locator('[data-testid="stVegaLiteChart"]').filter(visible=True).first).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').filter(visible=True).last
    expect(grid).to_be_visible()
    expect(grid).to_contain_text("Gesamtindex")
    expect(page.get_by_text("unvollständig (mindestens ein Eingangswert")).to_be_visible()
    # the view is a link
    assert "jahr=2021" in page.url and "von=2016" in page.url and "ebene=gemeinde" in page.url
    page.screenshot(path=str(artifacts() / "sozialindex_gesamtindex.png"), full_page=True)


def test_lisa_map_for_kinderarmut(server, page):
    page.goto(server + "/raeumliche-statistik?ebene=gemeinde&indikator=kinderarmut_sgb2_u15&jahr=2021")
    wait_for_app(page, 90_000)
    expect(page.get_by_role("heading", name="LISA-Cluster: Kinderarmut")).to_be_visible(timeout=60_000)
    _visible_map(page)
    expect(page.get_by_text("Moran's I", exact=True)).to_be_visible()
    expect(page.get_by_text("keine Ursachen").first).to_be_visible()
    legend = page.locator('[data-testid="stDataFrame"]').filter(visible=True).first
    expect(legend).to_contain_text("Hoch-Hoch")
    page.screenshot(path=str(artifacts() / "lisa_kinderarmut.png"), full_page=True)


def test_compute_and_save_a_suggestion_for_saalfeld_rudolstadt(admin_server, page):
    url, path = admin_server
    page.goto(url + "/planungsraeume?pr_kreis=" + SLF)
    wait_for_app(page, 90_000)
    page.get_by_role("tab", name="Neue Gliederung anlegen").click()
    wait_for_app(page)
    page.get_by_role("button", name="Vorschlag berechnen").click()
    wait_for_app(page, 120_000)
    expect(page.get_by_text("Planungsräume mit je mindestens 5.000 Einwohnern")).to_be_visible(timeout=120_000)
    _visible_map(page)
    # the table twin (a data grid draws its cells only once scrolled into view)
    page.get_by_text("Werte der vorgeschlagenen Planungsräume nur aus gezeigten").scroll_into_view_if_needed()
    grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="PR 01")
    expect(grid).to_have_count(1, timeout=30_000)
    expect(grid).to_contain_text("Einwohner")
    page.screenshot(path=str(artifacts() / "vorschlag_saalfeld_rudolstadt.png"))
    page.get_by_role("button", name="Vorschlag als Gliederung speichern").click()
    wait_for_app(page, 60_000)
    page.get_by_text("Vorschlag max-p (5000 EW)“ gespeichert").wait_for(timeout=30_000)
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "SELECT d.id, count(m.gemeinde_ags), count(DISTINCT m.planungsraum) FROM planungsraum_definition d "
            "JOIN planungsraum_member m ON m.definition_id = d.id WHERE d.kreis = ? AND d.name LIKE 'Vorschlag max-p%' "
            "GROUP BY d.id",
            [SLF],
        ).fetchall()
        n_gem = con.execute("SELECT count(*) FROM region WHERE ebene = 'gemeinde' AND kreis_ab = ?", [SLF]).fetchone()[
            0
        ]
    assert len(row) == 1 and row[0][1] == n_gem and row[0][2] >= 2
