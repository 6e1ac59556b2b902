"""Pure modules behind Zeitreihen, Kreisprofil, Lebenslagen and Strategien (no Streamlit)."""

import html
import json
import math
import re

import pandas as pd
import pytest

from sozialatlas.areas import gebietsstand as gs
from sozialatlas.protection import showable
from sozialatlas.store import queries
from sozialatlas.views import lebenslagen as lv
from sozialatlas.views import profile, strategies, timeseries

# --- Zeitreihen -----------------------------------------------------------------------------------------------


def test_series_has_every_year_for_each_kreis_and_thueringen_from_the_db(con):
    long, notes = timeseries.series(con, "arbeitslosenanteil", gs.AB, ["16053", "16063"])
    assert notes == []
    jena = long[long["schluessel"] == "16053"].set_index("jahr")["wert"]
    land = long[long["schluessel"] == timeseries.LAND].set_index("jahr")["wert"]
    assert list(jena.index) == list(range(1995, 2022))
    db_jena = con.execute(
        "SELECT wert FROM beobachtung WHERE indikator='arbeitslosenanteil' AND ebene='kreis' "
        "AND schluessel='16053' AND jahr=2010"
    ).fetchone()[0]
    db_land = con.execute(
        "SELECT wert FROM beobachtung WHERE indikator='arbeitslosenanteil' AND ebene='land' AND jahr=2010"
    ).fetchone()[0]
    assert jena[2010] == db_jena and land[2010] == db_land


def test_series_on_23_kreise_leaves_eisenach_empty_with_a_note(con):
    long, notes = timeseries.series(con, "arbeitslosenanteil", gs.BIS, ["16056", "16053"])
    eis = long[long["schluessel"] == gs.EISENACH]
    assert len(eis) == 27 and eis["wert"].isna().all()
    assert any("aufteilen" in n for n in notes)
    wide = timeseries.wide_table(long, 1, ["Eisenach", "Jena"])
    assert (wide["Eisenach"] == "keine Daten").all()
    assert "0" not in set(wide["Eisenach"])


def test_series_marks_converted_values_and_states_refused_years(con):
    # Bevölkerung (ThOnSA, a count) exists only on 23 Kreise: on 22 Kreise the Wartburgkreis is summed.
    long, notes = timeseries.series(con, "bevoelkerung", gs.AB, ["16063", "16053"])
    wak = long[(long["schluessel"] == gs.WARTBURGKREIS) & (long["jahr"] == 2019)].iloc[0]
    parts = con.execute(
        "SELECT sum(wert) FROM beobachtung WHERE indikator='bevoelkerung' AND jahr=2019 "
        "AND schluessel IN ('16056','16063')"
    ).fetchone()[0]
    assert wak["wert"] == parts and wak["umgerechnet"]
    assert not long.loc[long["schluessel"] == "16053", "umgerechnet"].any()
    assert any("Umgerechnet aus 23 Kreisen" in n for n in notes)
    wide = timeseries.wide_table(long, 0, ["Wartburgkreis", "Jena"])
    assert wide.loc["2019", "Wartburgkreis"].endswith(timeseries.UMGERECHNET_MARK)
    # an index cannot be summed: the Wartburgkreis stays empty and the note says why
    long, notes = timeseries.series(con, "quote_bedarfsgemeinschaften", gs.AB, ["16063"])
    assert long.loc[long["schluessel"] == gs.WARTBURGKREIS, "wert"].isna().all()
    assert any("keinen Wert" in n for n in notes)


def test_chart_draws_thueringen_dashed_and_in_black(con):
    long, _ = timeseries.series(con, "arbeitslosenanteil", gs.AB, ["16053"])
    spec = timeseries.chart(long, einheit="Prozent", dezimalen=1).to_dict()
    line = spec["layer"][0]["encoding"]
    assert line["strokeDash"]["scale"]["domain"] == ["Kreis", "Thüringen"]
    assert line["strokeDash"]["scale"]["range"][1] != [1, 0]
    colour = line["color"]["scale"]
    assert colour["range"][colour["domain"].index("Thüringen")] == "#000000"
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_jahre_text():
    assert timeseries.jahre_text([2019, 2014, 2015, 2016]) == "2014–2016, 2019"
    assert timeseries.jahre_text([2020]) == "2020"


# --- Kreisprofil ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wert, land, pol, text",
    [
        (6.0, 5.0, "hoeher_schlechter", "ungünstiger als Thüringen (+1,0 Prozentpunkte)"),
        (4.0, 5.0, "hoeher_schlechter", "günstiger als Thüringen (−1,0 Prozentpunkte)"),
        (6.0, 5.0, "hoeher_besser", "günstiger als Thüringen (+1,0 Prozentpunkte)"),
        (4.0, 5.0, "hoeher_besser", "ungünstiger als Thüringen (−1,0 Prozentpunkte)"),
        (6.0, 5.0, "neutral", "über Thüringen (+1,0 Prozentpunkte)"),
        (4.0, 5.0, "neutral", "unter Thüringen (−1,0 Prozentpunkte)"),
        (5.0, 5.0, "neutral", "gleich Thüringen"),
    ],
)
def test_vergleich_follows_the_polarity(wert, land, pol, text):
    assert profile.vergleich(wert, land, pol, "Prozent", 1) == text


def test_vergleich_missing_and_counts():
    assert profile.vergleich(math.nan, 5.0, "neutral", "Prozent", 1) == "keine Daten"
    assert profile.vergleich(4.0, None, "neutral", "Prozent", 1).startswith("kein Vergleich")
    assert profile.vergleich(50.0, 1000.0, "neutral", "Personen", 0, "summe") == "5,0 % des Thüringen-Werts"


def test_profile_values_rank_and_land_equal_the_db(con):
    rows = profile.profile(con, "16053", gs.AB).set_index("indikator")
    r = rows.loc["arbeitslosenanteil"]
    assert r["jahr"] == 2021
    vals = showable.values(con, "arbeitslosenanteil", "kreis", gs.AB, 2021)
    assert r["wert"] == vals.loc[vals["schluessel"] == "16053", "wert"].iloc[0]
    assert r["rang"] == int((vals["wert"] > r["wert"]).sum() + 1) and r["n_kreise"] == 22
    assert r["land_wert"] == showable.land_value(con, "arbeitslosenanteil", 2021)["wert"]
    assert r["vergleich"].startswith("günstiger als Thüringen")  # 4,5 % vs 4,9 %, lower is better
    # ThOnSA figures (23 Kreise) carry over for an unchanged Kreis such as Jena
    assert rows.loc["quote_bedarfsgemeinschaften", "wert"] == pytest.approx(6.76)
    # an indicator without a value for Jena reads "keine Daten", never 0
    assert math.isnan(rows.loc["langzeitarbeitslose", "wert"])


def test_profile_of_eisenach_on_23_kreise(con):
    rows = profile.profile(con, "16056", gs.BIS).set_index("indikator")
    assert rows.loc["wahlbeteiligung_ltw", "wert"] == pytest.approx(61.5727, abs=1e-3)
    assert rows.loc["wahlbeteiligung_ltw", "n_kreise"] == 23
    # INKAR exists only for 22 Kreise: Eisenach has no value and the reason says why
    assert math.isnan(rows.loc["arbeitslosenanteil", "wert"])
    assert "aufteilen" in rows.loc["arbeitslosenanteil", "hinweis"]


def test_html_document_is_self_contained_escaped_and_cites_sources(con):
    rows = profile.profile(con, "16053", gs.AB)
    rows.loc[0, "name"] = "<script>alert(1)</script>"
    sources = queries.sources(con, sorted(rows["quelle"].dropna().unique()))
    land = con.execute("SELECT geom FROM region WHERE ebene='land'").fetchone()[0]
    kreis = con.execute(
        "SELECT geom FROM region WHERE ebene='kreis' AND schluessel='16053' AND gebietsstand='ab-2021-07-01'"
    ).fetchone()[0]
    svg = profile.outline_svg(kreis, land, title="Jena")
    doc = profile.html_document(
        rows,
        kreis_name="Jena",
        kreis_bez="Kreisfreie Stadt",
        stand_label="22 Kreise",
        lebenslagen=queries.lebenslagen(con),
        sources=sources,
        erstellt="21.11.2026",
        geo_attribution="© GeoBasis-DE / BKG",
        svg=svg,
    )
    assert "<script>" not in doc and html.escape("<script>alert(1)</script>") in doc
    assert "Kreisprofil Jena" in doc and "Quelle: Indikatoren und Karten zur Raum- und Stadtentwicklung" in doc
    assert "Lizenz:" in doc and "© GeoBasis-DE / BKG" in doc and "keine Daten" in doc
    assert "@media print" in doc and "<svg" in doc
    # nothing is loaded from elsewhere
    assert not re.search(r"(src|href)=\"(https?:)?//", doc) and "@import" not in doc and "url(" not in doc
    # every Lebenslage has a section — Gesundheit too, now with INKAR 2024 indicators (issue 9)
    assert all(f"{name}</h2>" in doc for name in queries.lebenslagen(con)["name"])
    assert "Hausärzte je 10.000 Einwohner" in doc


# --- Lebenslagen ----------------------------------------------------------------------------------------------


def _s(pairs):
    return pd.DataFrame(pairs, columns=["jahr", "wert"])


def test_trend_wording_follows_polarity_and_window():
    s = _s([(2010, 9.0), (2016, 6.0), (2018, 5.5), (2021, 5.0)])
    t = lv.trend(s, "hoeher_schlechter", einheit="Prozent", dezimalen=1)
    assert t["richtung"] == "↓" and t["wertung"] == "günstige Entwicklung" and t["von_jahr"] == 2016
    assert "von 6,0 % (2016) auf 5,0 % (2021)" in t["text"]
    assert lv.trend(s, "hoeher_besser")["wertung"] == "ungünstige Entwicklung"
    assert lv.trend(s, "neutral")["wertung"] == "ohne Wertung"
    assert lv.trend(_s([(2010, 1.0), (2021, 2.0)]), "neutral") is None  # nothing within five years
    assert lv.trend(_s([(2020, 2.0), (2021, 2.0)]), "neutral", dezimalen=1)["richtung"] == "→"


def test_card_spread_names_the_kreise_with_min_and_max(con):
    ind = queries.indicator(con, "schuldnerquote")
    c = lv.card(con, ind)
    vals = showable.values(con, "schuldnerquote", "kreis", gs.AB, 2021)
    assert c["spread"]["jahr"] == 2021 and c["spread"]["n"] == 22
    assert c["spread"]["min_wert"] == vals["wert"].min()
    assert c["spread"]["max_name"] == vals.loc[vals["wert"].idxmax(), "name"]
    assert c["land_wert"] is None and c["trend"] is None  # no Thüringen value published


def test_gemeinden_of_a_kreis(con):
    gem = lv.gemeinden(con, "arbeitslosenanteil", "16063", gs.AB, 2021)
    assert "Eisenach" in set(gem["name"])
    eis = lv.gemeinden(con, "arbeitslosenanteil", "16056", gs.BIS, 2021)
    assert list(eis["name"]) == ["Eisenach"]
    n = con.execute("SELECT count(*) FROM region WHERE ebene='gemeinde' AND kreis_ab='16063'").fetchone()[0]
    assert len(gem) == n


def test_gesundheit_has_indicators_and_a_lebenslage_without_any_would_say_so(con):
    # issue 9: Gesundheit is no longer empty (Ärzte, Pflege, Krankenhausbetten from INKAR 2024)
    assert len(lv.indicators_of(con, "gesundheit")) >= 5
    assert "Schuleingangsuntersuchungen" in lv.needed_data("gesundheit")


# --- Strategien -----------------------------------------------------------------------------------------------


def test_strategies_on_23_kreise(con):
    s = strategies.strategies(con)
    assert len(s) == 15
    assert s.set_index("kreis").loc["Jena", "beschlossen_text"] == "20.03.2019"
    status = strategies.kreis_status(con)
    assert len(status) == 23 and status["hat_strategie"].sum() == 15
    assert status.set_index("name").loc["Eisenach", "hat_strategie"]
    assert (status.loc[~status["hat_strategie"], "titel"] == strategies.KEINE_STRATEGIE).all()


def test_lost_goal_count_stays_keine_angabe(con):
    t = strategies.goals_table(strategies.goals(con, "oekonomie")).set_index("Ziel")
    assert t.loc["Unterstützung von verschuldeten Menschen", "Strategien, die es nennen"] == "keine Angabe"
    assert t.loc["Abbau und Vermeidung von Langzeitarbeitslosigkeit", "Strategien, die es nennen"] == "15"
    chart = strategies.bar_chart(
        strategies.goals(con, "oekonomie"), label="ziel", count="nennungen", total=15, title="t"
    ).to_dict()
    drawn = {r["ziel"] for r in chart["datasets"][next(iter(chart["datasets"]))]}
    assert "Unterstützung von verschuldeten Menschen" not in drawn  # not drawn as 0


def test_monitoring_indicators_per_lebenslage(con):
    mon = strategies.monitoring_indicators(con)
    assert "Schuldnerquote" in set(mon.loc[mon["lebenslage"] == "oekonomie", "indikator"])
    assert not mon.loc[mon["lebenslage"] == "gesundheit"].empty  # issue 9: Gesundheit has indicators
    json.dumps(list(mon["ebenen"]))


def test_profile_download_keeps_missing_values_empty(con):
    from sozialatlas.render import exports

    rows = profile.profile(con, "16053", gs.AB)
    t = profile.download_table(rows)
    assert len(t) == len(rows)
    miss = t[t["Indikator"] == "Langzeitarbeitslose"].iloc[0]
    assert pd.isna(miss["Wert"]) and miss["Status"] == "keine Daten"
    csv = exports.to_csv_bytes(t).decode("utf-8-sig")
    assert ";Langzeitarbeitslose;Personen;;;keine Daten;" in csv  # no year, no value: empty cells, not 0
