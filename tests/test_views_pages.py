"""AppTest of the Zeitreihen, Kreisprofil, Lebenslagen and Strategien pages: what a planner sees."""

import json

import pytest

from sozialatlas.render import formatting
from sozialatlas.ui import htmltable


def _num(text: str) -> float:
    return float(text.split(" ")[0].replace(".", "").replace(",", "."))


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def _values_table(at):
    """The Zeitreihen table (years × regions), an HTML table since it may hold all 22 Kreise."""
    return [t for t in htmltable.tables(at) if t.index.name == "Jahr"][0]


def _db(con, sql, *params):
    return con.execute(sql, list(params)).fetchone()[0]


# --- Zeitreihen -----------------------------------------------------------------------------------------------


def test_zeitreihen_default_shows_chart_table_and_thueringen_from_the_db(apptest, con):
    at = apptest("app_pages/zeitreihen.py")
    assert not at.exception
    assert at.title[0].value == "Zeitreihen"
    assert at.get("vega_lite_chart"), "chart missing"
    table = _values_table(at)
    assert "Thüringen" in table.columns and "Jena" in table.columns
    land = _db(con, "SELECT wert FROM beobachtung WHERE indikator='arbeitslosenanteil' AND ebene='land' AND jahr=2021")
    assert _num(table.loc["2021", "Thüringen"]) == pytest.approx(round(land, 1))
    assert "Quelle:" in _captions(at) and "Stand:" in _captions(at)
    assert at.get("download_button"), "downloads missing"


def test_zeitreihen_deep_link_restores_and_missing_reads_keine_daten(apptest):
    at = apptest(
        "app_pages/zeitreihen.py", {"indikator": "wahlbeteiligung_ltw", "kreise": "16063,16053", "gebietsstand": "22"}
    )
    assert not at.exception
    assert at.selectbox(key="indikator").value == "wahlbeteiligung_ltw"
    assert at.multiselect(key="kreise").value == ["16063", "16053"]
    table = _values_table(at)
    # the Wartburgkreis has no 2014 turnout on the 22-Kreise Gebietsstand: shown, never 0
    assert table.loc["2014", "Wartburgkreis"] == formatting.KEINE_DATEN
    assert table.loc["2019", "Wartburgkreis"] == "63,8"
    # a change is written back to the URL with the id, so the link can be shared
    at.selectbox(key="indikator").set_value("einwohner").run()
    assert at.query_params["indikator"] == "einwohner" and at.query_params["kreise"] == "16063,16053"
    assert at.query_params["gebietsstand"] == "22"


def test_zeitreihen_converts_onto_the_other_gebietsstand_and_says_so(apptest):
    at = apptest(
        "app_pages/zeitreihen.py", {"indikator": "bevoelkerung", "kreise": "16063", "gebietsstand": "ab-2021-07-01"}
    )
    assert not at.exception
    table = _values_table(at)
    assert table.loc["2019", "Wartburgkreis"] == "161.224 *"  # Eisenach 42.250 + Wartburgkreis 118.974
    assert any("Umgerechnet aus 23 Kreisen" in i.value for i in at.info)


# --- Kreisprofil ----------------------------------------------------------------------------------------------


def test_kreisprofil_deep_link_shows_the_kreis_with_db_values(apptest, con):
    at = apptest("app_pages/kreisprofil.py", {"kreis": "16053"})
    assert not at.exception
    assert at.selectbox(key="kreis").value == "16053"
    assert at.header[0].value == "Jena"
    tables = [t.value for t in at.table]
    oek = next(t for t in tables if "Arbeitslose je 100 Einwohner im erwerbsfähigen Alter" in t.index)
    row = oek.loc["Arbeitslose je 100 Einwohner im erwerbsfähigen Alter"]
    wert = _db(
        con,
        "SELECT wert FROM beobachtung WHERE indikator='arbeitslosenanteil' AND ebene='kreis' "
        "AND schluessel='16053' AND jahr=2021",
    )
    assert _num(row["Wert"]) == pytest.approx(round(wert, 1))
    assert row["Rang"] == "14 von 22"
    assert row["Vergleich mit Thüringen"].startswith("günstiger als Thüringen")
    # indicators other Kreise have (LoKoSR counts exist only for one Kreis) are named once, not as rows
    assert not (oek["Wert"] == formatting.KEINE_DATEN).any()
    assert any(c.value.startswith("Keine Daten für Jena") for c in at.caption)
    assert not oek["Wert"].isin(["0", "0,0", "0,00"]).any()
    gesundheit = next(t for t in tables if "Hausärzte je 10.000 Einwohner" in t.index)  # issue 9
    assert gesundheit.loc["Hausärzte je 10.000 Einwohner", "Rang"].endswith("von 22")
    buttons = at.get("download_button")
    assert buttons and "Steckbrief" in buttons[0].proto.label


def test_kreisprofil_deep_link_to_eisenach_picks_the_23_kreise_gebietsstand(apptest):
    at = apptest("app_pages/kreisprofil.py", {"kreis": "16056"})
    assert not at.exception
    assert at.radio(key="gebietsstand").value == "bis-2021-06-30"
    assert at.header[0].value == "Eisenach"
    assert at.query_params["gebietsstand"] == "23" and at.query_params["kreis"] == "16056"


def test_kreisprofil_bad_link_falls_back_without_error(apptest):
    at = apptest("app_pages/kreisprofil.py", {"kreis": "99999"})
    assert not at.exception
    assert at.selectbox(key="kreis").value in {"16077", "16051"}  # first Kreis by name: Altenburger Land


# --- Lebenslagen ----------------------------------------------------------------------------------------------


def test_lebenslagen_cards_and_drill_down_to_gemeinden(apptest, con):
    at = apptest(
        "app_pages/lebenslagen.py", {"lebenslage": "oekonomie", "indikator": "arbeitslosenanteil", "kreis": "16063"}
    )
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    label = "Arbeitslose je 100 Einwohner im erwerbsfähigen Alter – Thüringen 2021"
    land = _db(con, "SELECT wert FROM beobachtung WHERE indikator='arbeitslosenanteil' AND ebene='land' AND jahr=2021")
    assert _num(metrics[label]) == pytest.approx(round(land, 1))
    assert metrics["Schuldnerquote – Thüringen"] == formatting.KEINE_DATEN
    gem = at.table[-1].value
    assert gem.index.name == "Gemeinde" and "Eisenach" in gem.index
    eis = _db(
        con,
        "SELECT wert FROM beobachtung WHERE indikator='arbeitslosenanteil' AND ebene='gemeinde' "
        "AND schluessel='16063105' AND jahr=2021",
    )
    wert_col = [c for c in gem.columns if c.startswith("Wert")][0]
    assert _num(gem.loc["Eisenach", wert_col]) == pytest.approx(round(eis, 1))


def test_gesundheit_now_shows_cards_with_thueringen_values(apptest):
    # issue 9: the Lebenslage that used to say "noch keine Indikatoren" has INKAR 2024 indicators
    at = apptest("app_pages/lebenslagen.py", {"lebenslage": "gesundheit"})
    assert not at.exception
    assert len(at.metric) >= 5
    assert sum(m.value != formatting.KEINE_DATEN for m in at.metric) >= 5
    assert not any("noch keine Indikatoren" in i.value for i in at.info)


def test_indicator_without_gemeinde_level_says_so(apptest):
    at = apptest("app_pages/lebenslagen.py", {"lebenslage": "oekonomie", "indikator": "schuldnerquote"})
    assert not at.exception
    assert any("nicht auf Gemeindeebene" in i.value for i in at.info)


# --- Strategien -----------------------------------------------------------------------------------------------


def test_strategien_map_table_goals(apptest):
    at = apptest("app_pages/strategien.py", {"lebenslage": "oekonomie"})
    assert not at.exception
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    features = deck["layers"][0]["data"]["features"]
    assert len(features) == 23
    coloured = [f for f in features if f["properties"]["titel"] != "keine Strategie im Bericht"]
    assert len(coloured) == 15
    assert {f["properties"]["name"] for f in coloured} >= {"Eisenach", "Jena", "Wartburgkreis"}
    status = at.table[0].value
    assert len(status) == 23 and (status["Strategie"] == "keine Strategie im Bericht").sum() == 8
    ziele = next(t.value for t in at.table if t.value.index.name == "Ziel")
    assert ziele.loc["Unterstützung von verschuldeten Menschen"].iloc[0] == "keine Angabe"
    assert "Quelle:" in _captions(at)
