"""Downloads a planner opens in Excel or puts on a slide: German CSV, XLSX with a Quellen sheet, no cell
ever runs as a formula, missing stays empty (never 0), charts as real PNG/SVG."""

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sozialatlas.render import charts, exports

NASTY = ['=HYPERLINK("http://x","klick")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _frame():
    return pd.DataFrame(
        {
            "Kreis": ["Jena", "Gera"] + NASTY,
            "Wert (Prozent)": [5.16, np.nan, -3.5, 1234.5, 0.0, 2.0, 3.0, 4.0],
            "Status": ["veröffentlicht", "keine Daten"] + ["veröffentlicht"] * 6,
        }
    )


def test_text_that_a_spreadsheet_would_run_is_quoted_numbers_are_not():
    out = exports.neutralise_formulas(_frame())
    assert list(out["Kreis"][2:]) == ["'" + t for t in NASTY]
    assert out["Kreis"][0] == "Jena"
    assert out["Wert (Prozent)"][2] == -3.5  # a negative number stays a number


def test_csv_is_german_and_keeps_missing_empty():
    data = exports.to_csv_bytes(_frame())
    assert data.startswith("\ufeff".encode())  # Excel reads umlauts
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Kreis;Wert (Prozent);Status"
    assert lines[1] == "Jena;5,16;veröffentlicht"
    assert lines[2] == "Gera;;keine Daten"  # empty, not 0
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text and "\n=" not in text
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["Wert (Prozent)"].tolist()[2:4] == [-3.5, 1234.5]
    assert all(not str(v).startswith(exports.FORMULA_START) for v in back["Kreis"])


def test_xlsx_has_data_and_quellen_sheet_and_no_formulas():
    meta = {"Quelle": "BBSR INKAR", "Stand": "2024", "Lizenz": "=dl-de/by-2-0"}
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(_frame(), meta, "Schuldnerquote 2021")))
    assert wb.sheetnames == ["Schuldnerquote 2021", "Quellen"]
    ws = wb["Schuldnerquote 2021"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Kreis", "Wert (Prozent)", "Status")
    assert rows[1] == ("Jena", 5.16, "veröffentlicht")
    assert rows[2][1] is None  # keine Daten: empty cell, not 0
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws.freeze_panes == "A2"
    quellen = {r[0]: r[1] for r in wb["Quellen"].iter_rows(min_row=2, values_only=True)}
    assert quellen == {"Quelle": "BBSR INKAR", "Stand": "2024", "Lizenz": "'=dl-de/by-2-0"}


def test_xlsx_sheet_name_is_made_valid():
    wb = openpyxl.load_workbook(
        io.BytesIO(
            exports.to_xlsx_bytes(
                _frame(),
                pd.DataFrame({"Quelle": ["x"], "Stand": ["y"], "Lizenz": ["z"]}),
                "Arbeitslose je 100 Einwohner im erwerbsfähigen Alter [2021]/x",
            )
        )
    )
    assert len(wb.sheetnames[0]) <= 31 and "/" not in wb.sheetnames[0] and "[" not in wb.sheetnames[0]
    assert [c.value for c in wb["Quellen"][1]] == ["Quelle", "Stand", "Lizenz"]


def _ranking():
    df = pd.DataFrame({"schluessel": ["1", "2", "3"], "name": ["Jena", "Gera", "Suhl"], "wert": [1234.5, 7.25, np.nan]})
    return charts.ranking(
        df,
        einheit="Prozent",
        dezimalen=1,
        land_wert=100.0,
        colour_of={"1": "#993404", "2": "#ffffd4"},
        title="Rangfolge",
    )


def test_chart_png_and_svg_are_rendered_locally():
    png = exports.chart_png(_ranking())
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    svg = exports.chart_svg(_ranking()).decode()
    assert svg.lstrip().startswith("<svg")
    assert "Jena" in svg and "Suhl" not in svg  # no data: not drawn as a 0 bar
    assert "Thüringen" in svg
    assert "1.200,0" in svg or "1.000,0" in svg  # German axis numbers


@pytest.mark.parametrize(
    "parts, name",
    [
        (("Kreisvergleich", "Schuldnerquote", 2021), "kreisvergleich_schuldnerquote_2021.csv"),
        (("Größe/Übersicht", None, "a b"), "groesse_uebersicht_a_b.csv"),
    ],
)
def test_filenames_are_plain_ascii(parts, name):
    assert exports.filename(*parts, ext="csv") == name
