"""Unit tests (no Streamlit) of the Lebenslagen page logic: what a card says, which indicator the drill-down
opens on, the texts of the Kreis and Gemeinde tables, and that data text always goes through the escaper."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.render import formatting
from sozialatlas.views import lebenslagen_page as page
from sozialatlas.views.lebenslagen_page import LebenslagenState as S


def esc(s: str) -> str:
    """A visible escaper: every data-derived part must come out wrapped."""
    return f"⟨{s}⟩"


def _card(**kw):
    c = {
        "id": "arbeitslosenanteil",
        "name": "Arbeitslose",
        "einheit": "%",
        "dezimalen": 1,
        "polaritaet": "hoeher_schlechter",
        "definition": "Arbeitslose je 100",
        "land_wert": 5.25,
        "land_jahr": 2021,
        "land_stand": "2022-06-30",
        "land_reihe": pd.DataFrame({"wert": [6.0, 5.5, 5.25]}),
        "trend": {"differenz": -0.75, "von_jahr": 2017, "richtung": "↓", "text": "gesunken"},
        "spread": {
            "min_wert": 3.0,
            "max_wert": 8.0,
            "min_name": "Jena",
            "max_name": "Gera",
            "n": 22,
            "n_kreise": 22,
            "n_gesperrt": 0,
            "jahr": 2021,
            "stand": "30.06.2022",
            "gebietsstand": gebietsstand.AB,
            "quelle_titel": "BA",
        },
        "ebenen": ["land", "kreis", "gemeinde"],
        "quelle_titel": "BA",
        "quelle": "ba",
        "bruch_text": None,
    }
    c.update(kw)
    return c


def test_the_address_words():
    assert S.params() == ["lebenslage", "indikator", "kreis"]
    assert page.shown("familie").to_query() == {"lebenslage": "familie", "indikator": None, "kreis": None}


def test_metric_shows_the_thueringen_value_and_a_falling_share_as_good_news():
    m = page.metric(_card(), esc)
    assert m.label == "⟨Arbeitslose⟩ – Thüringen 2021"
    assert m.value == formatting.wert_mit_einheit(5.25, "%", 1)
    assert m.delta.startswith("-0,8") and m.delta.endswith("seit 2017")  # ASCII minus for Streamlit's arrow
    assert m.delta_color == "inverse"  # higher is worse: a fall is drawn green
    assert m.delta_arrow == "auto" and m.chart_data == [6.0, 5.5, 5.25] and m.help == "⟨Arbeitslose je 100⟩"


def test_metric_without_thueringen_value_reads_keine_daten_never_zero():
    m = page.metric(_card(land_wert=None, trend=None, land_reihe=pd.DataFrame({"wert": []})), esc)
    assert m.value == formatting.KEINE_DATEN and m.label == "⟨Arbeitslose⟩ – Thüringen"
    assert m.delta is None and m.delta_arrow == "off" and m.chart_data is None


def test_card_lines_escape_data_and_say_where_the_data_are_instead():
    lines = page.card_lines(_card(bruch_text="Reihenbruch 2016."), esc)
    assert lines[0] == "**⟨Reihenbruch 2016.⟩**"
    assert lines[1] == "**Entwicklung:** ⟨gesunken⟩"
    assert lines[2].startswith("**Kreise 2021:** ⟨3,0 %⟩ (⟨Jena⟩) bis ⟨8,0 %⟩ (⟨Gera⟩); 22 von 22 Kreisen mit Wert")
    assert lines[3] == "Stand: ⟨30.06.2022⟩ · Quelle: ⟨BA⟩"
    no_kreis = page.card_lines(_card(spread=None, trend=None, ebenen=["gemeinde"], land_wert=None), esc)
    assert no_kreis[0] == "**Thüringen:** keine Daten."
    assert no_kreis[1].startswith("**Kreise:** keine Daten (vorhanden auf Ebene: ⟨")
    assert no_kreis[2].startswith("Stand: ⟨")


def test_spread_counts_gesperrt_kreise_instead_of_showing_them():
    sp = dict(_card()["spread"], n=1, n_gesperrt=2)
    assert (
        page.spread_line(_card(spread=sp)) == "**Kreise 2021:** nur Jena mit Wert (3,0 %); 2 gesperrt (Geheimhaltung)"
    )
    sp0 = dict(sp, n=0)
    assert page.spread_line(_card(spread=sp0)) == "**Kreise 2021:** kein Kreis mit Wert; 2 gesperrt (Geheimhaltung)"


def test_drill_down_offers_only_indicators_with_kreis_values_and_opens_on_a_complete_one():
    cards = [_card(id="a", spread=None), _card(id="b"), _card(id="c")]
    assert [c["id"] for c in page.drill_down_cards(cards)] == ["b", "c"]
    completeness = pd.DataFrame({"indikator": ["b", "c"], "jahr_komplett": [np.nan, 2022.0], "n_jahre": [9, 2]})
    assert page.default_indicator(completeness, "wohnen", ["b", "c"]) == "c"  # not the alphabetically first
    assert page.default_indicator(completeness, "wohnen", []) is None


def test_kreis_table_texts_and_links():
    assert page.kreis_heading("Arbeitslose", 2021, esc) == "⟨Arbeitslose⟩: Kreise 2021"
    sp = dict(_card()["spread"], stand="2022-06-30 / 2021-12-31")
    assert page.kreis_caption(sp, esc) == (
        "22 Kreise (ab 01.07.2021) · Stand: ⟨30.06.2022 / 31.12.2021⟩ · Quelle: ⟨BA⟩"
    )
    vals = pd.DataFrame(
        {"name": ["Eisenach", "Jena"], "status": ["gesperrt", "veröffentlicht"], "hinweis": ["kleine Fallzahl", None]}
    )
    assert page.gesperrt_text(vals, "Regeln.") == "Eisenach: kleine Fallzahl. Regeln."
    assert page.gesperrt_text(vals.iloc[1:], "Regeln.") is None
    q = page.links("sgb2_quote", "16056", gebietsstand.BIS)
    assert q["kreisprofil"] == {"kreis": "16056", "gebietsstand": "23"}
    assert q["zeitreihen"] == {"indikator": "sgb2_quote", "gebietsstand": "23", "kreise": "16056"}


def test_gemeinde_texts():
    text = page.no_gemeinde_level_text("Schuldnerquote", ["land", "kreis"], esc)
    assert text.startswith("„⟨Schuldnerquote⟩“ liegt nicht auf Gemeindeebene vor")
    assert text.endswith("Für die Gemeinden gibt es daher keine Daten.")
    gem = pd.DataFrame(
        {"wert": [1.0, np.nan, 2.0], "quelle_titel": ["BA", "BA", None], "hinweis": ["", None, "geschätzt"]}
    )
    assert page.gemeinde_caption(gem, 2021, "30.06.2022", esc) == (
        "3 Gemeinden (Gebietsstand 31.12.2021), 2 mit Wert für 2021. Stand: ⟨30.06.2022⟩ · Quelle: ⟨BA⟩"
    )
    assert page.gemeinde_hinweise(gem) == [formatting.nutzer_hinweis("geschätzt")]
