"""Kreisprofil as a real PDF (Typst): A4, tagged, German, every Lebenslage, values with decimal comma,
Quelle/Stand/Lizenz and the sources appendix; data text can never become Typst markup."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from sozialatlas.render import pdf
from sozialatlas.store import queries
from sozialatlas.views import bericht


@pytest.fixture(scope="module")
def jena_pdf(db_path):
    from sozialatlas.store import db

    con = db.connect(db_path)
    try:
        data = bericht.kreis_report_data(
            con, "16053", "ab-2021-07-01", erstellt="02.12.2026", geo_attribution="© GeoBasis-DE / BKG"
        )
        blob = pdf.compile_report("kreisprofil", data)
        lls = list(queries.lebenslagen(con)["name"])
    finally:
        con.close()
    reader = PdfReader(io.BytesIO(blob))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return blob, reader, re.sub(r"\s+", " ", text), lls, data


def test_pdf_has_kreis_every_lebenslage_and_sources(jena_pdf):
    blob, reader, text, lls, data = jena_pdf
    assert blob[:5] == b"%PDF-"
    assert "Kreisprofil Jena" in text
    for name in lls:
        assert name in text, f"Lebenslage-Überschrift {name!r} fehlt im PDF"
    assert "Quellen und Lizenzen" in text and "Methoden" in text
    assert "BBSR" in text or "INKAR" in text
    assert "GeoBasis-DE" in text
    assert "Quelle:" in text and "Stand:" in text and "Lizenz:" in text


def test_pdf_values_use_decimal_comma_and_keine_daten(jena_pdf):
    _blob, _reader, text, _lls, data = jena_pdf
    assert re.search(r"\b\d+,\d{1,2}\b", text), "keine Zahl mit Dezimalkomma im PDF"
    assert not re.search(r"\b\d+\.\d{1,2} (%|Prozent)", text), "Dezimalpunkt statt Komma"
    shown = [z["wert"] for ll in data["lebenslagen"] for z in ll["zeilen"]]
    assert "keine Daten" in shown and "0" not in shown  # missing is never 0
    # every value of the first section is printed as it is in the data
    first = next(ll for ll in data["lebenslagen"] if ll["zeilen"])
    for z in first["zeilen"][:3]:
        assert z["wert"] in text


def test_pdf_is_a4_tagged_german_with_page_numbers(jena_pdf):
    _blob, reader, text, _lls, _data = jena_pdf
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged PDF
    assert str(root.get("/Lang", "")).startswith("de")
    n = len(reader.pages)
    assert f"Seite 1 von {n}" in text and f"Seite {n} von {n}" in text
    assert reader.metadata.title == "Kreisprofil Jena"


def test_report_text_cannot_inject_typst_markup():
    data = {
        "titel": "Kreisprofil #let x = 1 ]] $a$ <b> *fett*",
        "untertitel": '#import "x.typ": *',
        "einleitung": ['#panic("boom")'],
        "geheimhaltung": None,
        "umriss": None,
        "umriss_alt": "",
        "erstellt": "",
        "fusszeile": "",
        "lebenslagen": [{"name": "Familie", "zeilen": [], "leer": '#read("/etc/passwd")'}],
        "monitoring": [],
        "methoden": [],
        "quellen": ["@referenz"],
        "url": None,
    }
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.compile_report("kreisprofil", data))).pages)
    assert '#panic("boom")' in text and "#let x = 1" in text and "/etc/passwd" in text


def test_sparkline_breaks_at_gaps_and_needs_two_values():
    assert pdf.sparkline_svg([1.0]) == ""
    assert pdf.sparkline_svg([None, 2.0, None]) == ""
    svg = pdf.sparkline_svg([1.0, 2.0, None, 3.0, 4.0])
    assert svg.count("M") == 2  # two separate segments: the missing year is not bridged


@pytest.fixture(scope="module")
def gemeinde_pdf(db_path):
    """A Gemeinde whose Arbeitslosenanteil is withheld (found in the protected data, not assumed)."""
    from sozialatlas.protection import smallarea
    from sozialatlas.store import db

    con = db.connect(db_path)
    try:
        from sozialatlas.views import kleinraeumig as kr

        jahr = kr.newest_year(queries.periods(con, "arbeitslosenanteil", "gemeinde"))  # what the report shows
        vals = smallarea.values(con, "arbeitslosenanteil", jahr, ebene="gemeinde")
        schluessel = sorted(vals.loc[vals["gesperrt"], "schluessel"])[0]
        row = {"jahr": jahr}
        data = bericht.gemeinde_report_data(
            con, schluessel, erstellt="02.12.2026", geo_attribution="© GeoBasis-DE / BKG"
        )
        blob = pdf.compile_report("gemeindeprofil", data)
        lls = list(queries.lebenslagen(con)["name"])
        name = vals.loc[vals["schluessel"] == schluessel, "name"].iloc[0]
    finally:
        con.close()
    reader = PdfReader(io.BytesIO(blob))
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))
    return blob, reader, text, lls, data, name, row


def test_gemeinde_pdf_has_name_lebenslagen_comma_gesperrt_and_sources(gemeinde_pdf):
    blob, reader, text, lls, data, name, row = gemeinde_pdf
    assert blob[:5] == b"%PDF-" and reader.metadata.title == f"Gemeindeprofil {name}"
    assert f"Gemeindeprofil {name}" in text.replace("- ", "-")
    for ll in lls:
        assert ll in text, f"Lebenslage-Überschrift {ll!r} fehlt"
    assert re.search(r"\b\d+,\d{1,2}\b", text), "keine Zahl mit Dezimalkomma"
    # the withheld Arbeitslosenanteil is printed as „gesperrt“, never as its number
    wanted = f"Arbeitslose je 100 Einwohner im erwerbsfähigen Alter ({row['jahr']})"
    zeile = next(z for ll in data["lebenslagen"] for z in ll["zeilen"] if z["name"] == wanted)
    assert zeile["wert"] == "gesperrt" and zeile["vergleich"] == "gesperrt"
    assert "gesperrt" in text and "Geheimhaltung" in text
    assert "Quellen und Lizenzen" in text and "Methoden" in text and "GeoBasis-DE" in text
    assert "Quelle:" in text and "Lizenz:" in text and "Stand:" in text
    assert "INKAR" in text or "BBSR" in text
    n = len(reader.pages)
    assert f"Seite {n} von {n}" in text
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1
    assert str(reader.trailer["/Root"].get("/Lang", "")).startswith("de")


def test_gemeinde_pdf_never_prints_a_withheld_number(db_path):
    """Every Gemeinde value in the report equals what protection.smallarea shows — gesperrt stays text."""
    from sozialatlas.protection import smallarea
    from sozialatlas.render import formatting
    from sozialatlas.store import db

    con = db.connect(db_path)
    try:
        from sozialatlas.views import kleinraeumig as kr

        jahr = kr.newest_year(queries.periods(con, "arbeitslosenanteil", "gemeinde"))
        vals = smallarea.values(con, "arbeitslosenanteil", jahr, ebene="gemeinde")
        g = vals[vals["gesperrt"]].iloc[0]
        calls = []

        def spy(i, j):
            calls.append((i, j))
            return smallarea.values(con, i, int(j), ebene="gemeinde")

        data = bericht.gemeinde_report_data(con, g["schluessel"], erstellt="x", geo_attribution="g", values_of=spy)
    finally:
        con.close()
    assert calls  # the values came through the protected path
    werte = [z["wert"] for ll in data["lebenslagen"] for z in ll["zeilen"]]
    assert formatting.GESPERRT in werte and "0" not in werte
