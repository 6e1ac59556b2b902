"""Unit tests (no Streamlit) of the Kreisprofil page logic: which Gebietsstand a link opens, what a bad link
says, the sections per Lebenslage and the download sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.views import kreisprofil_page as page
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views.kreisprofil_page import KreisprofilState as S

AB, BIS = gebietsstand.AB, gebietsstand.BIS
KEYS = {AB: {"16053", "16063"}, BIS: {"16053", "16063", "16056"}}
LEBENSLAGEN = pd.DataFrame({"id": ["familie", "oekonomie", "teilhabe"], "name": ["Familie", "Ökonomie", "Teilhabe"]})


def _row(name, lebenslage, wert, status="veröffentlicht", hinweis=None, umgerechnet=False, quelle="inkar"):
    return {
        "name": name,
        "lebenslage": lebenslage,
        "wert": wert,
        "status": status,
        "land_status": "veröffentlicht",
        "einheit": "%",
        "dezimalen": 1,
        "umgerechnet": umgerechnet,
        "jahr": 2021,
        "stand": "2023-12-31",
        "land_wert": 5.0,
        "vergleich": "günstiger als Thüringen",
        "rang": 3,
        "n_kreise": 22,
        "quelle_titel": "INKAR",
        "quelle": quelle,
        "hinweis": hinweis,
    }


def test_the_address_words():
    assert S.params() == ["kreis", "gebietsstand"]
    assert page.shown("16056", BIS).to_query() == {"kreis": "16056", "gebietsstand": "23"}


def test_a_link_to_eisenach_opens_the_23_kreise_gebietsstand_unless_the_link_names_one():
    assert page.stand_for("16056", None, KEYS, stand_in_link=False) == BIS
    assert page.stand_for("16056", AB, KEYS, stand_in_link=False) == BIS
    assert page.stand_for("16056", AB, KEYS, stand_in_link=True) == AB  # the user chose; Eisenach then drops out
    assert page.stand_for("16053", None, KEYS, stand_in_link=False) is None  # default comes later
    assert page.stand_for("99999", BIS, KEYS, stand_in_link=False) == BIS


def test_a_bad_link_names_the_kreis_and_what_is_shown_instead():
    known = KEYS[BIS]
    assert page.kreis_problem("99999", known, "Altenburger Land") == (
        "Der Kreis „99999“ aus dem Link gibt es nicht; gezeigt wird „Altenburger Land“."
    )
    assert page.kreis_problem("16053", known, "Jena") is None
    assert page.kreis_problem(None, known, "Jena") is None
    assert page.link_stand("21").problem == "Gebietsstand „21“ aus dem Link gibt es nicht (22 oder 23)."


def test_coverage_text_counts_values_and_mentions_gesperrt_only_when_there_is_one():
    rows = pd.DataFrame([_row("A", "familie", 1.0), _row("B", "familie", np.nan, status=None)])
    assert page.coverage_text(rows) == (
        "**1 von 2** Indikatoren des Atlas haben einen Wert für diesen Kreis; die übrigen zeigen „keine Daten“."
    )
    rows.loc[1, "status"] = "gesperrt"
    assert page.has_gesperrt(rows) and page.coverage_text(rows).endswith("„keine Daten“ oder „gesperrt“.")


def test_sections_follow_the_data_not_a_fixed_membership():
    rows = pd.DataFrame(
        [
            _row("Kinderarmut", "familie", 12.3, hinweis="neu ab 2016", umgerechnet=True),
            _row("LoKoSR-Fälle", "familie", np.nan, status=None),
            _row("Wahlbeteiligung", "oekonomie", np.nan, status=None),
            # an indicator moved to Teilhabe shows under Teilhabe, because the data say so
            _row("Bodenrichtwert", "teilhabe", 80.0),
        ]
    )
    fam, oek, teil = page.sections(rows, LEBENSLAGEN)
    assert list(fam.table.index) == ["Kinderarmut"] and fam.table.loc["Kinderarmut", "Wert"].endswith(" *")
    assert fam.ohne == ["LoKoSR-Fälle"]
    assert fam.hinweise == ["* umgerechnet auf den gewählten Gebietsstand.", "Kinderarmut: neu ab 2016"]
    assert oek.table is None and oek.ohne == ["Wahlbeteiligung"]  # then the page says „kein Wert … (keine Daten)“
    assert list(teil.table.index) == ["Bodenrichtwert"]
    empty = page.sections(rows.iloc[:0], LEBENSLAGEN)
    assert [s.needed for s in empty] == [lebenslagen_view.needed_data(i) for i in LEBENSLAGEN["id"]]


def test_texts_around_the_tables():
    assert page.no_value_text("Jena") == "Für Jena liegt in dieser Lebenslage kein Wert vor (keine Daten)."
    assert page.ohne_text("Jena", ["A", "B"]) == "Keine Daten für Jena: A, B."
    assert page.hinweise_label("Familie", 2) == "Hinweise zu Familie (2)"
    assert page.outline_alt("Jena") == "Umrisskarte Thüringens, Jena hervorgehoben"


def test_downloads_cite_only_sources_of_shown_values():
    rows = pd.DataFrame([_row("A", "familie", 1.0, quelle="inkar"), _row("B", "familie", np.nan, quelle="lokosr")])
    assert page.cited_sources(rows) == ["inkar"]
    assert page.basename("16053", AB) == "kreisprofil_16053_22_kreise"
    assert page.link("16056", BIS) == "/kreisprofil?kreis=16056&gebietsstand=23"
    sources = pd.DataFrame([{"titel": "INKAR", "herausgeber": "BBSR", "lizenz": "dl-de/by-2-0"}])
    meta = page.download_meta("16053", "Jena", AB, sources, "05.01.2026")
    assert meta["Kreis"] == "Jena (16053)" and meta["Quelle"] == "INKAR (BBSR)"
    assert meta["Lizenz"] == "INKAR: dl-de/by-2-0" and meta["Gebietsstand"] == gebietsstand.LABEL[AB]


# --- the page with the real data (AppTest) ----------------------------------------------------------------


def test_page_warns_about_an_unknown_kreis_and_not_about_eisenach(apptest):
    at = apptest("app_pages/kreisprofil.py", {"kreis": "99999", "gebietsstand": "24"})
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "99999" in text and "gezeigt wird" in text and "24" in text
    at = apptest("app_pages/kreisprofil.py", {"kreis": "16056"})
    assert not at.exception and not at.warning
    assert at.header[0].value == "Eisenach"
