"""AppTest of the Kleinräumig page: levels, URL state, table twin, gesperrt, profile, payload."""

from __future__ import annotations

import json

import pytest

from sozialatlas.ui import htmltable

PAGE = "app_pages/kleinraeumig.py"


def _open(apptest, query: dict):
    # the map specs are checked on the interactive (pydeck) map; tests/test_svgmap.py checks the SVG one
    at = apptest(PAGE, {"kartenart": "interaktiv", **query})
    assert not at.exception, [e.value for e in at.exception]
    return at


def _spec(at) -> dict:
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    return json.loads(decks[0].proto.json)


def _features(at) -> list:
    return _spec(at)["layers"][0]["data"]["features"]


def _area_table(at, label: str):
    return next(t for t in htmltable.tables(at) if t.index.name == label)


def test_kreis_view_shows_its_gemeinden_on_map_and_table(apptest, con):
    at = _open(apptest, {"kreis": "16073", "indikator": "arbeitslosenanteil", "jahr": "2021"})
    n = con.execute("SELECT count(*) FROM region WHERE ebene = 'gemeinde' AND kreis_ab = '16073'").fetchone()[0]
    assert len(_features(at)) == n == 26
    table = _area_table(at, "Gemeinde")
    assert len(table) == n and table["Kreis"].nunique() == 1 and table["Thüringen"].nunique() == 1
    q = at.query_params
    assert (q["kreis"], q["ebene"], q["indikator"], q["jahr"]) == ("16073", "gemeinde", "arbeitslosenanteil", "2021")
    assert q["klassen"] == "quantile"


def test_gesperrt_shows_as_gesperrt_in_table_tooltip_and_legend(apptest, con):
    at = _open(apptest, {"kreis": "16073", "indikator": "arbeitslosenanteil", "jahr": "2021"})
    table = _area_table(at, "Gemeinde")
    wert = table.columns[0]
    gesperrt = table[table[wert] == "gesperrt"]
    assert len(gesperrt) > 0 and gesperrt["Hinweis"].str.len().gt(0).all()
    texts = [f["t"] for f in _features(at) if f["t"].split("\n")[0].endswith(": gesperrt")]
    assert len(texts) == len(gesperrt)
    # the legend: one HTML table (no Arrow st.table), gesperrt with its count
    legend = next(t for t in htmltable.tables(at) if t.index.name == "Wertebereich (Prozent)")
    assert int(legend.loc["gesperrt (Geheimhaltung)", "Gemeinden"]) == len(gesperrt)


def test_all_thueringen_sends_631_gemeinden_within_the_payload_target(apptest):
    at = _open(apptest, {"kreis": "16", "indikator": "arbeitslosenanteil", "jahr": "2021"})
    decks = at.get("deck_gl_json_chart")
    assert len(_features(at)) == 631
    assert len(decks[0].proto.json.encode()) <= 250_000
    table = _area_table(at, "Gemeinde")
    assert len(table) == 631 and {"Kreis", "Kreiswert", "Thüringen"} <= set(table.columns)


def test_turnout_shows_the_postal_vote_note(apptest):
    at = _open(apptest, {"kreis": "16074", "indikator": "wahlbeteiligung_ltw", "jahr": "2019"})
    assert any("Briefwähler" in i.value for i in at.info)
    assert at.selectbox(key="kr_jahr").options == ["2024", "2019", "2014"]


def test_gemeindeverband_level_draws_verbaende_with_gisd(apptest, con):
    at = _open(apptest, {"ebene": "gemeindeverband", "kreis": "16073", "indikator": "gisd_score"})
    n = con.execute("SELECT count(*) FROM region WHERE ebene = 'gemeindeverband' AND kreis_ab = '16073'").fetchone()[0]
    assert len(_features(at)) == n and n > 1
    assert len(_area_table(at, "Gemeindeverband")) == n


def test_jena_bezirke_with_household_series(apptest):
    at = _open(apptest, {"ebene": "stadtbezirk", "indikator": "privathaushalte"})
    assert len(_features(at)) == 41
    jahre = at.selectbox(key="kr_jahr").options
    assert jahre[0] == "2016" and jahre[-1] == "2006"
    assert len(_area_table(at, "Statistischer Bezirk")) == 41


def test_planungsraeume_of_the_example_definition(apptest, con):
    at = _open(apptest, {"ebene": "planungsraum", "kreis": "16073", "indikator": "arbeitslose", "jahr": "2021"})
    n = con.execute(
        "SELECT count(DISTINCT planungsraum) FROM planungsraum_member m JOIN planungsraum_definition d "
        "ON d.id = m.definition_id WHERE d.kreis = '16073' AND d.beispiel"
    ).fetchone()[0]
    assert len(_features(at)) == n == 10
    table = _area_table(at, "Planungsraum")
    # counts are summed over the Gemeinden: the Planungsräume add up to the Kreis (nothing gesperrt here)
    werte = [int(v.split()[0].replace(".", "")) for v in table.iloc[:, 0]]
    kreis = con.execute(
        "SELECT sum(wert) FROM beobachtung WHERE indikator = 'arbeitslose' AND jahr = 2021 "
        "AND ebene = 'gemeinde' AND schluessel LIKE '16073%'"
    ).fetchone()[0]
    assert sum(werte) == kreis


def test_a_kreis_without_planungsraeume_says_so(apptest):
    at = _open(apptest, {"ebene": "planungsraum", "kreis": "16051"})
    assert any("noch keine Planungsraum-Gliederung" in i.value for i in at.info)


def test_link_with_gebiet_opens_its_profile_and_bad_values_are_ignored(apptest):
    at = _open(apptest, {"kreis": "16073", "gebiet": "16073077", "indikator": "arbeitslosenanteil", "jahr": "2021"})
    prof = next(t.value for t in at.table if t.value.index.name == "Indikator")
    assert {"Jahr", "Wert", "Kreis", "Thüringen", "Stand", "Quelle"} <= set(prof.columns)
    assert "Gemeindeanteil an der Einkommensteuer je Einwohner" in prof.index  # its Gemeindeverband's series
    bad = _open(apptest, {"kreis": "99999", "ebene": "bunt", "indikator": "gibtsnicht", "jahr": "1800", "gebiet": "x"})
    q = bad.query_params
    assert q["kreis"] == "16" and q["ebene"] == "gemeinde" and q["indikator"] == "arbeitslosenanteil"
    assert "gebiet" not in q
    # nothing unknown silently becomes the default: the page says what the link asked for (issue 15 hook)
    warning = " ".join(w.value for w in bad.warning).replace("\\", "")
    for asked in ("„bunt“", "„99999“", "„gibtsnicht“", "„1800“", "„x“"):
        assert asked in warning, (asked, warning)
    assert "gezeigt wird „Thüringen (alle Kreise)“" in warning
    assert not _open(apptest, {"kreis": "16073", "indikator": "arbeitslosenanteil"}).warning  # a good link: quiet


@pytest.mark.parametrize("kreis", ["16073", "16053"])
def test_profile_follows_the_selectbox(apptest, kreis):
    at = _open(apptest, {"kreis": kreis})
    box = at.selectbox(key="kr_gebiet")
    box.set_value(_first_key(at)).run()
    assert not at.exception
    assert any(t.value.index.name == "Indikator" for t in at.table)
    assert "gebiet" in at.query_params


def _first_key(at) -> str:
    return _features(at)[0]["k"]
