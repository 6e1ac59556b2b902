"""Real browser: a planner opens Kleinräumig for a Kreis, sees its Gemeinden on map and table, clicks one."""

from __future__ import annotations

import math

import duckdb
import pytest
import shapely
from playwright.sync_api import expect

from sozialatlas.render import compactmap, formatting

from .conftest import artifacts, choose, wait_for_app

pytestmark = pytest.mark.browser

KREIS, KREIS_NAME = "16073", "Saalfeld-Rudolstadt"


def _merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def screen_point(view, box, lon: float, lat: float) -> tuple[float, float]:
    """Where deck.gl draws lon/lat in a map element `box` showing `view` (Web Mercator, 512 px world)."""
    scale = 512 * 2**view.zoom
    x = box["x"] + box["width"] / 2 + (lon - view.longitude) / 360 * scale
    y = box["y"] + box["height"] / 2 - (_merc_y(lat) - _merc_y(view.latitude)) / (2 * math.pi) * scale
    return x, y


def gemeinden(db_path, kreis: str) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "SELECT schluessel, name, geom FROM region WHERE ebene = 'gemeinde' AND kreis_ab = ?", [kreis]
        ).fetchall()
    return {k: (n, shapely.from_wkb(bytes(g))) for k, n, g in rows}


def click_area(page, view, geom, name: str, box=None) -> None:
    """Hover an area until its tooltip names it (the map is drawn and the point is right), then click.

    Headless chromium renders with the CPU: a click only counts as one if the pick on pointer-down is
    quick, so the maps clicked here are Kreis-sized."""
    if box is None:
        deck = page.locator('[data-testid="stDeckGlJsonChart"]').first
        deck.scroll_into_view_if_needed()  # the map sits below the map-type toggle: all of it on screen
        box = deck.bounding_box()
    p = geom.representative_point()
    x, y = screen_point(view, box, p.x, p.y)
    tooltip = page.locator(".deck-tooltip").filter(has_text=name)
    # deck.gl shows a tooltip on pointer movement; on a loaded machine the first frames (and the fitted
    # view) can take several seconds, so keep moving until the tooltip names the target, and never click
    # blindly: a click on a not yet fitted map would pick another area.
    for attempt in range(12):
        page.mouse.move(x + attempt % 2, y)
        try:
            tooltip.wait_for(state="visible", timeout=1500)
            break
        except Exception:  # noqa: BLE001 - not drawn yet: move again
            continue
    else:
        raise AssertionError(f"Die Karte zeigt {name} nicht an der erwarteten Stelle (kein Tooltip).")
    page.mouse.click(x + attempt % 2, y)
    # Streamlit sends the selection after a short debounce; the caller waits for what it shows (the profile)


def test_kreis_gemeinden_on_map_and_table_click_shows_profile(server, page, db_path):
    page.goto(server + "/kleinraeumig?kartenart=interaktiv")  # clicking on the map: the deck.gl map
    wait_for_app(page, 90_000)
    choose(page, "Kreis", KREIS_NAME)
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible", timeout=20_000)
    assert canvas.bounding_box()["width"] > 300
    gem = gemeinden(db_path, KREIS)
    # the table beside the map: one row per Gemeinde of the Kreis, each by name
    # (one accessible HTML table, sozialatlas.ui.htmltable — found by its header like a screen reader would)
    table = page.locator("table").filter(has=page.get_by_role("columnheader", name="Gemeinde", exact=True))
    assert len(gem) == 26
    expect(table.locator("tbody tr")).to_have_count(26)
    text = table.inner_text()
    assert all(name in text for name, _ in gem.values())

    # click Saalfeld/Saale on the map: its profile shows its own values against Kreis and Thüringen
    ags = next(k for k, (n, _) in gem.items() if n == "Saalfeld/Saale")
    view = compactmap.fit_view(shapely.union_all([g for _, g in gem.values()]).bounds)
    click_area(page, view, gem[ags][1], "Saalfeld/Saale")
    profil = page.get_by_text("Saalfeld/Saale — Profil")
    profil.wait_for(timeout=20_000)
    with duckdb.connect(str(db_path), read_only=True) as con:
        wert = con.execute(
            "SELECT wert FROM beobachtung WHERE indikator = 'arbeitslosenanteil' AND ebene = "
            "'gemeinde' AND schluessel = ? AND jahr = 2021",
            [ags],
        ).fetchone()[0]
    wait_for_app(page)  # the profile is computed after its heading is drawn
    profile_table = page.locator("table").filter(has=page.get_by_role("columnheader", name="Indikator", exact=True))
    profile_table.first.wait_for(timeout=30_000)
    prof = profile_table.first.inner_text()
    assert formatting.wert_mit_einheit(wert, "Prozent", 1) in prof
    assert "Arbeitslose je 100 Einwohner im erwerbsfähigen Alter" in prof and "Wahlbeteiligung" in prof
    assert "gebiet=" + ags in page.url
    page.set_viewport_size({"width": 1400, "height": 2400})
    wait_for_app(page)
    page.screenshot(path=str(artifacts() / "kleinraeumig_kreis_profil.png"))
