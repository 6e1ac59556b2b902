"""The import's building blocks: numbers, keys, year headers, region names, metadata."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sozialatlas import importer
from sozialatlas.importer import meta as importer_meta
from sozialatlas.importer.regions import RegionLookup, Regions, norm_name
from sozialatlas.importer.values import Missing, normalize_key, number_style, parse_number, year_of_header
from sozialatlas.render import formatting


@pytest.mark.parametrize(
    "text, comma, value",
    [
        ("1.234,5", True, 1234.5),
        ("1234,5", True, 1234.5),
        ("1234.5", True, 1234.5),
        ("1.234", True, 1234.0),
        ("1.234", False, 1.234),
        ("1,234.5", False, 1234.5),
        ("1,234.5", True, 1234.5),
        ("12,5 %", True, 12.5),
        ("−3,5", True, -3.5),
        ("1 234 567", True, 1234567.0),
        ("1\u00a0234,5", True, 1234.5),
        ("0,05", True, 0.05),
        ("1,5E+03", True, 1500.0),
        (",5", True, 0.5),
        ("12.345.678,9", True, 12345678.9),
    ],
)
def test_numbers_the_german_and_the_english_way(text, comma, value):
    assert parse_number(text, comma) == pytest.approx(value)


@pytest.mark.parametrize("text", ["zwölf", "1,2,3", "12..5", "1.2.3,4,5", "=A1", "#DIV/0!", "5 Personen"])
def test_text_that_is_no_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text", ["-", "–", ".", "x", "/", "…", "k.A.", "#NV"])
def test_statistics_symbols_mean_missing_never_zero(text):
    v = parse_number(text)
    assert isinstance(v, Missing) and v.hinweis


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 4))
def test_german_formatted_numbers_read_back(x, dez):
    shown = formatting.zahl(x, dez)
    assert parse_number(shown, True) == pytest.approx(round(x, dez), abs=10**-dez)


def test_number_style_is_decided_by_unambiguous_cells():
    assert number_style(["1.234", "12,5"]) is True
    assert number_style(["1.234", "12.5"]) is False
    assert number_style(["1.234", "7"]) is None


@pytest.mark.parametrize(
    "cell, key",
    [
        (16068, "16068"),
        (16068000.0, "16068000"),
        ("16068000.0", "16068000"),
        ("1.6068E+07", "16068000"),
        ("1,6068E+07", "16068000"),
        ("'16068", "16068"),
        (" 16 068 ", "16068"),
        ("1001", "01001"),
        ("1001000", "01001000"),
        ("16000", "16"),
        ("16000000", "16"),
        ("160680000000", "16068000"),
        ("160510000", "160510000"),
        ("16", "16"),
        ("Erfurt", None),
        (-5, None),
        (1.5, None),
        (None, None),
        (True, None),
    ],
)
def test_keys_excel_mangled_are_restored(cell, key):
    assert normalize_key(cell) == key


@pytest.mark.parametrize(
    "header, year",
    [
        ("2019", 2019),
        (2019, 2019),
        (2019.0, 2019),
        ("2019.0", 2019),
        ("Jahr 2019", 2019),
        ("31.12.2019", 2019),
        ("2019 (Jahresdurchschnitt)", 2019),
        ("Arbeitslose 2019", None),
        ("16051", None),
        ("Name", None),
    ],
)
def test_year_headers(header, year):
    assert year_of_header(header) == year


@pytest.mark.parametrize(
    "a, b",
    [
        ("Erfurt, Stadt", "Erfurt"),
        ("Stadt Erfurt", "Erfurt"),
        ("Landkreis Gotha", "Gotha"),
        ("Soemmerda", "Sömmerda"),
        ("KYFFHÄUSERKREIS", "Kyffhäuserkreis"),
        ("Saalfeld Rudolstadt", "Saalfeld-Rudolstadt"),
        ("Erfurt (kreisfreie Stadt)", "Erfurt"),
        ("Gotha, Landkreis", "Gotha"),
    ],
)
def test_region_names_match_regardless_of_spelling(a, b):
    assert norm_name(a) == norm_name(b)


def test_near_misses_get_a_suggestion_and_ambiguous_names_the_keys(con):
    regions = Regions.from_db(con)
    assert regions.by_name("Ilm Kreis", "kreis", "ab-2021-07-01").schluessel == "16070"
    with pytest.raises(RegionLookup, match="Meinten Sie „Unstrut-Hainich-Kreis“"):
        regions.by_name("Unstrut-Hainich", "kreis", "ab-2021-07-01")
    with pytest.raises(RegionLookup, match="gibt es 2-mal"):
        regions.by_name("Elxleben", "gemeinde", "2021-12-31")
    assert regions.by_name("Freistaat Thüringen", "kreis", "ab-2021-07-01").schluessel == "16"


def test_level_and_gebietsstand_follow_the_keys(con):
    meta = {
        "name": "X",
        "lebenslage": "familie",
        "einheit": "Anzahl",
        "art": "anzahl",
        "polaritaet": "neutral",
        "quelle": "Q",
        "stand": "2020",
        "lizenz": "intern",
    }

    def levels(text):
        r = importer.check(con, text.encode(), "a.csv", meta)
        assert r.ok, r.lines()
        return sorted(set(zip(r.observations["ebene"], r.observations["gebietsstand"])))

    assert levels("AGS;2020\n16051;1\n16063;2\n") == [("kreis", "ab-2021-07-01")]
    assert levels("AGS;2020\n16051;1\n16056;2\n") == [("kreis", "bis-2021-06-30")]
    assert levels("AGS;2020\n16051000;1\n") == [("gemeinde", "2021-12-31")]
    assert levels("AGS;2020\n160510000;1\n") == [("gemeindeverband", "2021-12-31")]
    assert levels("AGS;2020\n16051;1\n16;2\n") == [("kreis", "ab-2021-07-01"), ("land", "-")]
    assert levels("Gemeinde;2020\nAlperstedt;1\n") == [("gemeinde", "2021-12-31")]


def test_report_api_for_the_import_page(con):
    meta = {
        "name": "Y",
        "lebenslage": "Wohnen",
        "einheit": "Prozent",
        "art": "quote",
        "polaritaet": "höher besser",
        "quelle": "Amt",
        "stand": "31.12.2022",
        "lizenz": "intern",
    }
    table = importer.read_table("AGS;2021;2022\n16051;1,5;2,25\n".encode("cp1252"), "a.csv")
    assert table.readable and table.layout.kind == "breit"
    assert list(table.frame.columns) == ["AGS", "2021", "2022"] and list(table.frame.index) == [2]
    r = importer.validate(con, table, meta)
    assert r.ok and r.problems == []
    assert list(r.observations.columns) == importer.OBS_COLUMNS
    assert list(r.preview["name"]) == ["Erfurt", "Erfurt"]
    assert r.indikator["id"] == "y" and r.indikator["polaritaet"] == "hoeher_besser"
    assert r.indikator["lebenslage"] == "wohnen" and r.indikator["dezimalen"] == 2
    assert r.quelle_neu and r.quelle["id"] == "import-y" and set(r.observations["quelle"]) == {"import-y"}
    assert r.observations["stand"].tolist() == ["2022-12-31", "2022-12-31"]


def test_problem_text_names_row_and_column():
    p = importer.Problem(12, "2019", "„x“ ist keine Zahl.")
    assert str(p) == "Zeile 12, Spalte „2019“: „x“ ist keine Zahl."
    assert str(importer.Problem(None, None, "Datei leer.")) == "Datei leer."


def test_slug_follows_the_catalogue_id_rules():
    assert importer_meta.slug("Kinder in Bedarfsgemeinschaften (%)") == "kinder_in_bedarfsgemeinschaften"
    assert importer_meta.slug("Übergänge Schule–Beruf") == "uebergaenge_schule_beruf"
    assert importer_meta.slug("2. Klasse") == "i_2_klasse"
    assert importer_meta.slug("<script>alert(1)</script>") == "script_alert_1_script"


def test_excel_unicode_text_utf16_tab_separated_is_read(con):
    data = "AGS\tName\t2020\n16051\tErfurt\t1,5\n".encode("utf-16")
    table = importer.read_table(data, "Unicode-Text.txt")
    assert table.encoding == "UTF-16" and table.delimiter == "\t"
    r = importer.validate(
        con,
        table,
        {
            "name": "U",
            "lebenslage": "familie",
            "einheit": "Prozent",
            "art": "quote",
            "polaritaet": "neutral",
            "quelle": "Q",
            "stand": "2020",
            "lizenz": "x",
        },
    )
    assert r.ok and r.observations["wert"].tolist() == [1.5]


def test_missing_metadata_still_shows_the_preview(con):
    r = importer.check(con, b"AGS;2020\n16051;5\n", "a.csv", {})
    assert not r.ok and all(p.feld for p in r.problems)
    assert r.preview["name"].tolist() == ["Erfurt"] and r.preview["wert"].tolist() == [5.0]
