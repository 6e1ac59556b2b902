"""Keyboard only, on Kreisvergleich: choose Lebenslage, Indikator, Jahr and Kreis, reach the table and the
downloads — and after every choice (each one reruns the page) the focused control shows a visible focus
indicator (computed outline or box-shadow on it or its frame), as WCAG 2.4.7 requires."""

from __future__ import annotations

import pytest

from .conftest import wait_for_app

pytestmark = pytest.mark.browser

# The focused element or one of its frames (Streamlit's select draws its frame on an ancestor) carries an
# outline of ≥ 2 px or a non-empty box-shadow in a colour that is not transparent.
FOCUS_VISIBLE = """() => {
    let e = document.activeElement;
    if (!e || e === document.body) return null;
    const who = (e.getAttribute('aria-label') || e.getAttribute('role') || e.tagName) + '';
    for (let i = 0; e && i < 4; i++, e = e.parentElement) {
        const s = getComputedStyle(e);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
            && !/rgba\\(.*, 0\\)$/.test(s.outlineColor) && s.outlineColor !== 'transparent';
        const shadow = s.boxShadow && s.boxShadow !== 'none' && !/rgba\\(0, 0, 0, 0\\)/.test(s.boxShadow);
        if (outline || shadow) return {who, outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
                                       shadow: s.boxShadow};
    }
    return {who, outline: null};
}"""


def tab_to(page, predicate_js: str, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab until the focused element matches, like a keyboard user; fails when it is unreachable."""
    for _ in range(limit):
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({predicate_js}); }}"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"mit der Tabulatortaste nicht erreichbar: {predicate_js}")


def assert_focus_visible(page, step: str) -> None:
    found = page.evaluate(FOCUS_VISIBLE)
    assert found and found.get("outline") is not None, f"kein sichtbarer Fokus nach {step}: {found}"


def combobox(label: str) -> str:
    return f"e.getAttribute('role') === 'combobox' && e.getAttribute('aria-label') === {label!r}"


def choose_by_keyboard(page, label: str, option_text: str) -> None:
    tab_to(page, combobox(label))
    assert_focus_visible(page, f"Tab zu {label}")
    page.keyboard.press("ArrowDown")  # opens the list
    page.get_by_role("option").first.wait_for()
    for _ in range(80):  # arrow down to the option, as a screen-reader user hears them one by one
        current = page.evaluate(
            """() => { const id = document.activeElement.getAttribute('aria-activedescendant');
                       const o = id && document.getElementById(id); return o ? o.textContent : null; }"""
        )
        if current == option_text:
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"{option_text} in {label} per Pfeiltaste nicht erreichbar")
    page.keyboard.press("Enter")
    wait_for_app(page)
    shown = page.get_by_role("combobox", name=label).locator("xpath=..").inner_text()
    assert option_text in shown or page.locator(f'[aria-label="{label}"]').input_value() == option_text
    # after the rerun the focus is still on the control and still visible
    active = page.evaluate("() => document.activeElement && document.activeElement.getAttribute('aria-label')")
    assert active == label, f"Fokus nach der Auswahl in {label} verloren: {active}"
    assert_focus_visible(page, f"Auswahl in {label}")


def test_kreisvergleich_by_keyboard_only(server, page):
    page.goto(server + "/kreisvergleich")
    wait_for_app(page, 90_000)
    page.locator("body").press("Tab")  # first Tab lands on the skip link
    assert page.evaluate("() => document.activeElement.textContent") == "Zum Inhalt springen"
    assert_focus_visible(page, "Tab zum Sprunglink")

    choose_by_keyboard(page, "Lebenslage", "Ökonomische Situation/Arbeitsmarkt")
    choose_by_keyboard(page, "Indikator", "Schuldnerquote")
    choose_by_keyboard(page, "Jahr", "2019")
    page.wait_for_function("() => location.search.includes('indikator=schuldnerquote')")
    choose_by_keyboard(page, "Kreis hervorheben", "Jena")
    # the view is a link: the choices reach the address (written at the end of the rerun)
    page.wait_for_function("() => location.search.includes('kreis=16053') && location.search.includes('jahr=2019')")

    # onward to the table (a real HTML table is not focusable itself: reach the next control after it, the
    # download expander, and check the table now has Jena marked) and the downloads
    tab_to(page, "e.tagName === 'SUMMARY' && e.textContent.includes('Herunterladen')")
    assert_focus_visible(page, "Tab zu den Downloads")
    assert (
        page.locator(".sa-tabelle, [data-testid='stTable']").filter(has_text="Rang").filter(has_text="▶ Jena").count()
    )
    page.keyboard.press("Enter")
    wait_for_app(page)
    tab_to(page, "e.tagName === 'BUTTON' && e.closest('[data-testid=\"stDownloadButton\"]') !== null")
    assert_focus_visible(page, "Tab zum ersten Download")
    with page.expect_download() as dl:
        page.keyboard.press("Enter")
    assert dl.value.suggested_filename.endswith((".csv", ".xlsx"))
