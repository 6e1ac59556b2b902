"""200 % zoom (WCAG 1.4.4 / 1.4.10): a 1280×800 screen at 200 % is 640×400 CSS px at device scale 2.
The first control is not covered (the sidebar starts closed and opens and closes by keyboard) and nothing
scrolls sideways except data tables in their own scroll box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import wait_for_app

pytestmark = pytest.mark.browser

PAGES = ["kreisvergleich", "", "zeitreihen", "kleinraeumig"]

# Elements sticking out to the right of the viewport, other than inside a data table or its scroll box.
OVERFLOW = """() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    const main = document.querySelector('[data-testid="stMain"]');
    if (main && main.scrollWidth > main.clientWidth + 1) out.push('stMain scrollWidth ' + main.scrollWidth);
    const se = document.scrollingElement;
    if (se.scrollWidth > se.clientWidth + 1) out.push('document scrollWidth ' + se.scrollWidth);
    for (const e of (main || document.body).querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.right <= w + 1) continue;
        if (e.closest('table, .sa-tabelle, [data-testid="stTable"], [data-testid="stDataFrame"], '
                      + '[data-testid="stDataFrameResizable"]')) continue;
        // inside a box that scrolls by itself (a table wrapper): fine
        let p = e.parentElement, inner = false;
        while (p && p !== main) {
            const s = getComputedStyle(p);
            if ((s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden')
                && p.getBoundingClientRect().right <= w + 1) { inner = true; break; }
            p = p.parentElement;
        }
        if (!inner) out.push((e.getAttribute('data-testid') || e.tagName) + ' right=' + Math.round(r.right));
        if (out.length > 5) break;
    }
    return out;
}"""

FIRST_CONTROL_FREE = """() => {
    const c = document.querySelector('[data-testid="stMain"] [role="combobox"], [data-testid="stMain"] input,'
        + '[data-testid="stMain"] button, [data-testid="stMain"] summary, [data-testid="stMain"] a[href]');
    if (!c) return 'kein Bedienelement';
    c.scrollIntoView({block: 'center'});
    const r = c.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + Math.min(10, r.width / 2), r.top + r.height / 2);
    return hit && (hit === c || c.contains(hit) || hit.contains(c)) ? null
        : 'verdeckt von ' + (hit ? (hit.closest('[data-testid]')?.getAttribute('data-testid') || hit.tagName) : '?');
}"""


SIDEBAR_OPEN = """() => {
    const s = document.querySelector('[data-testid="stSidebar"]');
    if (!s) return false;
    const r = s.getBoundingClientRect();
    return r.width > 50 && r.right > 50 && getComputedStyle(s).visibility !== 'hidden';
}"""


@pytest.fixture
def zoomed(browser):
    ctx = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2, locale="de-DE")
    pg = ctx.new_page()
    yield pg
    ctx.close()


def test_200_percent_zoom_no_cover_no_sideways_scrolling(server, zoomed):
    page = zoomed
    problems = []
    for path in PAGES:
        page.goto(f"{server}/{path}")
        wait_for_app(page, 90_000)
        covered = page.evaluate(FIRST_CONTROL_FREE)
        if covered:
            problems.append(f"/{path}: erstes Bedienelement {covered}")
        sideways = page.evaluate(OVERFLOW)
        if sideways:
            problems.append(f"/{path}: waagerechtes Scrollen {sideways}")
    assert not problems, "\n".join(problems)


def test_200_percent_zoom_sidebar_opens_and_closes_by_keyboard(server, zoomed):
    page = zoomed
    page.goto(f"{server}/kreisvergleich")
    wait_for_app(page, 90_000)
    assert not page.evaluate(SIDEBAR_OPEN)  # starts closed: covers nothing
    for _ in range(30):
        if page.evaluate("() => document.activeElement?.closest('[data-testid=\"stExpandSidebarButton\"]') !== null"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Knopf zum Öffnen der Seitenleiste per Tab nicht erreichbar")
    page.keyboard.press("Enter")
    page.wait_for_function(SIDEBAR_OPEN)
    # close again, by keyboard: the close button is visible and reachable
    close = page.locator('[data-testid="stSidebarCollapseButton"] button')
    expect(close).to_be_visible()
    close.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => !({SIDEBAR_OPEN})()")
