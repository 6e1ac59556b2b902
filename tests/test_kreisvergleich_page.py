"""The Kreisvergleich ranking as a server-drawn SVG (render.svgbars) and the page's texts
(views.kreisvergleich_page): what a planner reads in the picture, without a browser."""

import math
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from sozialatlas.protection import showable
from sozialatlas.render import formatting, mapclasses, svgbars
from sozialatlas.store import queries
from sozialatlas.views import kreisvergleich as kv
from sozialatlas.views import kreisvergleich_page as page

NS = {"s": "http://www.w3.org/2000/svg"}
AB = "ab-2021-07-01"


def _svg(bars, **kw):
    args = dict(title="Rangfolge: Test 2021", description="Beschreibung", einheit="%", dezimalen=1)
    return svgbars.ranking_svg(bars, **(args | kw))


def _root(markup: str) -> ET.Element:
    return ET.fromstring(markup)


BARS = [
    svgbars.Bar("a", "Arnstadt", 5.3, "#fdae6b"),
    svgbars.Bar("b", "Bad Berka", 12.0, "#7f2704"),
    svgbars.Bar("c", "Camburg", None, "#ffffff"),
    svgbars.Bar("d", "Dornburg", None, "#dfdbda", formatting.GESPERRT),
    svgbars.Bar("e", "Eisenberg", 8.5, "#e6550d"),
]


def test_bars_sorted_highest_first_values_in_german_and_no_data_listed_not_zero():
    rows = svgbars.read(_svg(BARS))
    assert [r["name"] for r in rows] == ["Bad Berka", "Eisenberg", "Arnstadt", "Camburg", "Dornburg"]
    assert [r["wert"] for r in rows] == ["12,0 %", "8,5 %", "5,3 %", "keine Daten", "gesperrt"]
    assert [r["balken"] for r in rows] == [True, True, True, False, False]
    root = _root(_svg(BARS))
    assert len(root.findall(".//s:rect", NS)) == 3  # no bar of length 0 for Camburg or Dornburg
    assert not any((t.text or "").startswith("0,0 ") for t in root.iter("{http://www.w3.org/2000/svg}text"))


def test_bar_lengths_are_proportional_and_start_at_zero():
    rects = {r.find("s:title", NS).text.split(":")[0]: r for r in _root(_svg(BARS)).findall(".//s:rect", NS)}
    x = {k: float(r.get("x")) for k, r in rects.items()}
    w = {k: float(r.get("width")) for k, r in rects.items()}
    assert len(set(x.values())) == 1  # one zero line
    assert w["Bad Berka"] / w["Arnstadt"] == pytest.approx(12.0 / 5.3, rel=0.02)
    assert "Rang 1 von 3" in rects["Bad Berka"].find("s:title", NS).text


def test_negative_changes_extend_left_of_the_zero_line():
    bars = [svgbars.Bar("a", "A", -1.5, "#111111"), svgbars.Bar("b", "B", 2.0, "#222222")]
    markup = _svg(bars, einheit="Prozentpunkte")
    rects = {r.find("s:title", NS).text[0]: r for r in _root(markup).findall(".//s:rect", NS)}
    zero = float(rects["B"].get("x"))
    assert float(rects["A"].get("x")) + float(rects["A"].get("width")) == pytest.approx(zero, abs=0.2)
    assert [r["wert"] for r in svgbars.read(markup)] == ["2,0 Prozentpunkte", "−1,5 Prozentpunkte"]


def test_thueringen_reference_line_is_drawn_and_labelled():
    root = _root(_svg(BARS, reference=9.1))
    dashed = [ln for ln in root.findall("s:line", NS) if ln.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert any(t.text == "Thüringen: 9,1 %" for t in root.findall("s:text", NS))
    assert not [ln for ln in _root(_svg(BARS)).findall("s:line", NS) if ln.get("stroke-dasharray")]


def test_selected_bar_is_marked_by_text_and_outline_not_only_colour():
    markup = _svg(BARS, selected="e")
    (row,) = [r for r in svgbars.read(markup) if r["ausgewaehlt"]]
    assert row["name"] == "Eisenberg"
    rect = next(r for r in _root(markup).findall(".//s:rect", NS) if r.find("s:title", NS).text.startswith("Eisen"))
    assert rect.get("stroke-width") == "3"


def test_picture_is_one_accessible_image_and_data_text_is_escaped():
    evil = [svgbars.Bar("x", '<script>alert(1)</script>"', 1.0, "#000000")]
    markup = _svg(evil, title="Rangfolge: <b>", description="Höchster Wert … & mehr")
    root = _root(markup)  # well-formed: the name did not break out of its element
    assert root.get("role") == "img" and root.get("aria-labelledby") == "t d"
    assert root.find("s:title", NS).text == "Rangfolge: <b>"
    assert root.find("s:desc", NS).text == "Höchster Wert … & mehr"
    assert "<script" not in markup
    doc = svgbars.document(markup)
    assert doc.startswith("<!doctype html>") and 'lang="de"' in doc and "<script" not in doc


def test_nothing_to_rank_still_draws_the_names():
    rows = svgbars.read(_svg([svgbars.Bar("a", "A", None), svgbars.Bar("b", "B", math.nan)]))
    assert [r["wert"] for r in rows] == ["keine Daten", "keine Daten"]


def test_nice_ticks():
    assert svgbars.nice_ticks(0, 11.05) == [0, 2.5, 5, 7.5, 10, 12.5]
    assert svgbars.nice_ticks(-2.7, 0) == [-3, -2, -1, 0]


# --- the page's texts and the ranking of a real view ---------------------------------------------------


def _view(con, indikator, jahr, stand=AB, selected=None):
    vals, _, _ = kv.load(con, indikator, jahr, stand)
    row = queries.indicators(con, "kreis").set_index("id").loc[indikator].to_dict() | {"id": indikator}
    ind = kv.Indicator.from_row(row)
    land = showable.land_value(con, indikator, jahr)
    view = kv.build_view(
        vals,
        queries.shapes(con, "kreis", stand),
        ind,
        mapclasses.ClassSettings(),
        jahr=jahr,
        land=land,
        selected=selected,
    )
    return view, ind


def test_ranking_of_a_real_view_matches_the_table_and_marks_the_selection(con):
    view, ind = _view(con, "schuldnerquote", 2021, selected="16052")
    titel = page.title(ind, 2021, None, "wert")
    markup = page.ranking_svg(view, titel=titel, selected="16052")
    rows = svgbars.read(markup)
    assert len(rows) == 22 and rows[0]["name"] == "Gera" and rows[0]["ausgewaehlt"]
    table = view.table
    wert = [c for c in table.columns if c.startswith("Wert")][0]
    assert [r["wert"] for r in rows] == [formatting.wert_mit_einheit(v, "%", 2) for v in sorted(
        view.vals["messwert"], reverse=True)]  # fmt: skip
    assert table[wert].iloc[0].startswith(rows[0]["wert"].split(" ")[0])
    assert _root(markup).find("s:title", NS).text == "Rangfolge: Schuldnerquote 2021"


def test_kreise_without_data_are_listed_in_the_ranking_as_keine_daten(con):
    jahre = kv.years(queries.periods(con, "quote_bedarfsgemeinschaften", "kreis"))
    view, _ = _view(con, "quote_bedarfsgemeinschaften", max(jahre), stand="bis-2021-06-30")
    rows = svgbars.read(page.ranking_svg(view, titel="x", selected=None))
    missing = [r for r in rows if not r["balken"]]
    assert missing and all(r["wert"] == "keine Daten" for r in missing)
    assert rows[-len(missing) :] == missing  # at the end


def test_page_texts():
    ind = kv.Indicator.from_row(
        {"id": "x", "name": "Quote", "einheit": "%", "dezimalen": 1, "polaritaet": "hoch_ungünstig", "art": "quote"}
    )
    assert page.title(ind, 2021, 2015, "veraenderung") == "Quote 2021, Veränderung seit 2015"
    assert page.title(ind, 2021, 2015, "wert") == "Quote 2021"
    label, value, help_text = page.land_metric(None, ind, 2021)
    assert value == "keine Daten" and "kein Wert" in help_text
    land = {"status": "gesperrt", "hinweis": "Fallzahl unter 3", "quelle_titel": "Q"}
    assert page.land_metric(land, ind, 2021)[1] == "gesperrt"
    land = {"status": "ok", "wert": 9.06, "stand": "2021-12-31", "quelle_titel": "Q"}
    assert page.land_metric(land, ind, 2021)[1:] == ("9,1 %", "Stand: 31.12.2021; Quelle: Q")
    assert page.definition_caption({"definition": "D.", "formel": "a/b"}) == "D. Formel: a/b."
    assert page.comparison_problem("2008", [2015, 2019], "Bruch") .startswith("Vergleichsjahr „2008“")  # fmt: skip
    assert page.comparison_problem("2015", [2015], None) is None
    assert "22 oder 23" in page.stand_problem("24") and page.stand_problem("22") is None
    pairs = dict(page.url_pairs(lebenslage="l", indikator="i", stand_url="22", jahr=2021, vorher=None,
                                messgroesse="wert", kreistyp="alle", selected=None))  # fmt: skip
    assert pairs["vergleich"] is None and pairs["karte"] is None and pairs["jahr"] == "2021"
    vals = pd.DataFrame({"quelle": ["a", None, "a"]})
    assert page.quelle_ids(vals, {"quelle": "b"}, None) == ["a", "b"]
