"""Unit tests (no Streamlit) of the Zeitreihen page logic: what a link opens, what the page says, the downloads."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.views import timeseries
from sozialatlas.views import zeitreihen_page as page
from sozialatlas.views.zeitreihen_page import ZeitreihenState as S

LL = {"arbeitslosenanteil": "oekonomie", "sgb2_quote": "oekonomie", "kinderarmut": "familie"}
NAMES = {"arbeitslosenanteil": "Arbeitslosenanteil", "sgb2_quote": "SGB-II-Quote", "kinderarmut": "Kinderarmut"}
KREISE = {"16051": "Erfurt", "16053": "Jena", "16063": "Wartburgkreis", "16065": "Kyffhäuserkreis", "16077": "Alt"}


def _long(rows):
    cols = ["jahr", "schluessel", "wert", "status", "hinweis", "quelle_titel", "lizenz", "umgerechnet"]
    return pd.DataFrame(rows, columns=cols)


# --- URL state ------------------------------------------------------------------------------------------------


def test_the_address_words_and_all_kreise_written_as_alle():
    assert S.params() == ["indikator", "gebietsstand", "kreise"]
    all_five = page.shown("sgb2_quote", gebietsstand.AB, list(KREISE), n_offered=5)
    assert all_five.to_query() == {"indikator": "sgb2_quote", "gebietsstand": "22", "kreise": "alle"}
    two = page.shown("sgb2_quote", gebietsstand.BIS, ["16053", "16051"], n_offered=23)
    assert two.to_query() == {"indikator": "sgb2_quote", "gebietsstand": "23", "kreise": "16053,16051"}
    assert page.shown("sgb2_quote", gebietsstand.AB, [], n_offered=22).to_query()["kreise"] is None  # removed


# --- what a link opens ----------------------------------------------------------------------------------------


def test_a_known_indicator_from_the_link_is_taken_without_a_warning():
    assert page.link_indicator("kinderarmut", LL, NAMES) == page.Resolved("kinderarmut")
    assert page.link_indicator(None, LL, NAMES) == page.Resolved("arbeitslosenanteil")  # the default


def test_an_unknown_indicator_shows_the_default_and_names_both():
    r = page.link_indicator("weg", LL, NAMES)
    assert r.value == "arbeitslosenanteil"
    assert r.problem == (
        "Indikator „weg“ aus dem Link gibt es (nicht mehr) auf Kreisebene; gezeigt wird „Arbeitslosenanteil“."
    )


def test_without_the_default_indicator_the_lebenslage_decides():
    r = page.link_indicator("weg", {"kinderarmut": "familie"}, NAMES)
    assert r.value is None and "weg" in r.problem


def test_a_new_lebenslage_opens_on_its_complete_indicator_and_keeps_a_fitting_one():
    completeness = pd.DataFrame(
        {"indikator": ["a_alt", "b_neu"], "jahr_komplett": [2015.0, 2022.0], "n_jahre": [10, 3]}
    )
    assert page.indicator_in("teilhabe", "kinderarmut", ["a_alt", "b_neu"], completeness) == "b_neu"
    assert page.indicator_in("teilhabe", "a_alt", ["a_alt", "b_neu"], completeness) == "a_alt"  # kept


def test_gebietsstand_from_the_link():
    assert page.link_stand("23").value == gebietsstand.BIS
    assert page.link_stand(gebietsstand.AB) == page.Resolved(gebietsstand.AB)  # the id itself, no warning
    assert page.link_stand(None) == page.Resolved(None)
    bad = page.link_stand("24")
    assert bad.value is None and bad.problem == "Gebietsstand „24“ aus dem Link gibt es nicht (22 oder 23)."
    assert page.default_stand([gebietsstand.BIS]) == gebietsstand.BIS
    assert page.default_stand([]) == gebietsstand.AB


def test_kreise_from_the_link_keep_order_and_name_the_unknown():
    assert page.link_kreise("16063, 16053,16063", KREISE, gebietsstand.AB) == page.Resolved(["16063", "16053"])
    assert page.link_kreise("alle", KREISE, gebietsstand.AB).value == list(KREISE)
    assert page.link_kreise("", KREISE, gebietsstand.AB) == page.Resolved(None)
    some = page.link_kreise("16051,99999", KREISE, gebietsstand.AB)
    assert some.value == ["16051"]
    assert some.problem == (
        "Kreis „99999“ aus dem Link gibt es auf dem Gebietsstand „22 Kreise (ab 01.07.2021)“ nicht; "
        "gezeigt werden die übrigen."
    )
    none = page.link_kreise("16056,99999", KREISE, gebietsstand.AB)
    assert none.value is None and none.problem.startswith("Kreise „16056, 99999“")
    assert none.problem.endswith("gezeigt wird die Standardauswahl.")


def test_default_kreise_and_a_gebietsstand_change_drops_eisenach():
    assert page.default_kreise(KREISE) == ["16051", "16053", "16063", "16065"]
    assert page.default_kreise({"16077": "Alt"}) == []
    assert page.still_offered(["16056", "16053"], KREISE) == ["16053"]


# --- texts ----------------------------------------------------------------------------------------------------


def test_heading_and_definition_with_formula():
    assert page.heading("Arbeitslose", gebietsstand.BIS) == "Arbeitslose – 23 Kreise (bis 30.06.2021)"
    ind = {"definition": "Anteil der Arbeitslosen.", "formel": "a / b * 100"}
    assert page.definition_caption(ind) == "Anteil der Arbeitslosen. Formel: a / b * 100."
    assert page.definition_caption({"definition": None, "formel": np.nan}) == ""
    assert page.chart_title("Einwohner", "") == "Einwohner" and page.chart_title("Quote", "%") == "Quote (%)"
    assert page.dezimalen({"dezimalen": np.nan}) is None and page.dezimalen({"dezimalen": 1.0}) == 1


def test_no_data_text_says_when_the_values_are_gesperrt_not_zero():
    gesperrt = _long([[2020, "16056", np.nan, "gesperrt", "kleine Fallzahl", "Q", "L", False]])
    assert not page.has_values(gesperrt)
    assert page.no_data_text(gesperrt, gebietsstand.BIS).endswith("; vorhandene Werte sind gesperrt (Geheimhaltung).")
    assert page.no_data_text(_long([]), gebietsstand.AB) == (
        "Für diese Auswahl liegen keine Daten vor (22 Kreise (ab 01.07.2021))."
    )


def test_chart_captions_name_missing_thueringen_single_year_and_small_multiples():
    long = _long(
        [[2021, "16053", 5.0, "veröffentlicht", None, "Q", "L", False], [2021, "16", np.nan, "", None, "Q", "L", False]]
    )
    texts = page.chart_captions(long, n_kreise=1)
    assert "Für Thüringen insgesamt liegt für diesen Indikator kein Wert vor (keine Daten)." in texts
    assert "Dieser Indikator liegt nur für ein Jahr vor (2021)." in texts
    many = page.chart_captions(long, n_kreise=timeseries.MAX_LINIEN + 1)
    assert many[0].startswith(f"{timeseries.MAX_LINIEN + 1} Kreise: je Kreis ein kleines Diagramm")
    land_only = _long(
        [[2020, "16", 3.0, "", None, "Q", "L", False], [2021, "16053", np.nan, "", None, "Q", "L", False]]
    )
    assert page.chart_captions(land_only, n_kreise=1) == ["Für die gewählten Kreise liegen keine Daten vor."]


def test_gesperrt_caption_lists_each_reason_once():
    long = _long(
        [
            [2020, "16056", np.nan, "gesperrt", "kleine Fallzahl", "Q", "L", False],
            [2020, "16068", np.nan, "gesperrt", "kleine Fallzahl", "Q", "L", False],
            [2019, "16056", 4.0, "veröffentlicht", None, "Q", "L", False],
        ]
    )
    assert page.gesperrt_caption(long, "Regeln.") == "Gesperrt: kleine Fallzahl. Regeln."
    assert page.gesperrt_caption(long.iloc[2:], "Regeln.") is None


def test_download_sheet_carries_quelle_lizenz_stand_and_breaks():
    long = _long(
        [
            [2020, "16053", 4.0, "", None, "INKAR", "dl-de/by-2-0", False],
            [2021, "16053", 5.0, "", None, "BA-Statistik", "dl-de/by-2-0", False],
        ]
    )
    ind = {"name": "Quote", "definition": None, "einheit": "%"}
    meta = page.download_meta(
        ind, gebietsstand.AB, ["Jena"], long, ["2019: umgerechnet."], ["Reihenbruch 2016."], "31.12.2023", "2026-01-05"
    )
    assert meta["Quelle"] == "BA-Statistik; INKAR" and meta["Lizenz"] == "dl-de/by-2-0"
    assert meta["Definition"] == "" and meta["Erstellt"] == "05.01.2026"
    assert meta["Hinweise"] == "2019: umgerechnet. Reihenbruch 2016."
    lines = page.herkunft(meta, ["Reihenbruch 2016.", "Reihenbruch 2018.", "Reihenbruch 2020."])
    assert lines[:2] == ["Quelle: BA-Statistik; INKAR; Lizenz: dl-de/by-2-0", "Stand der Daten: 31.12.2023"]
    assert len(lines) == 4  # at most two breaks on the figure
    assert page.basename("sgb2_quote", gebietsstand.BIS) == "zeitreihe_sgb2_quote_23_kreise"
