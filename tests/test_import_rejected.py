"""Malformed and hostile files: each gets its German message, and the database stays exactly as it was.

Every case runs the real command line (`python -m sozialatlas import …`, in-process for speed) against a
copy of the test database; before and after, every table's rows are hashed and the file bytes compared.
"""

from __future__ import annotations

import os
import random

import pytest

from tests.import_helpers import NEW_META, copy_db, fingerprint, run_inprocess, xlsx, zip_bytes

# ------------------------------------------------------------------------------------------ the files

WIDE = "AGS;Name;2019;2020\n16051;Erfurt;1.234;1.300\n16073;Saalfeld-Rudolstadt;512;530\n"


def _garbage(n: int, seed: int, with_nul: bool) -> bytes:
    rnd = random.Random(seed)
    data = bytes(rnd.randrange(0, 256) for _ in range(n))
    if not with_nul:
        data = data.replace(b"\x00", b"\x01")
    return data


def _entity_bomb() -> bytes:
    """A valid workbook whose sheet XML expands entities a billion times (\"billion laughs\")."""
    import io
    import zipfile

    good = xlsx([["AGS", 2019], ["16051", 5]])
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = laughs.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item.filename, data)
    return out.getvalue()


def _zip_bomb() -> bytes:
    # 3 MB of zeros compress to a few kB; the unpack limit is set to 1 MB for this case.
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * 3_000_000,
        }
    )


CASES = [
    # id, file name, content, extra CLI args, environment, expected message fragments
    (
        "utf8-bom-mit-kaputten-bytes",
        "a.csv",
        b"\xef\xbb\xbfAGS;2019\n16051;5\nS\xf6mmerda;3\n",
        [],
        {},
        ["UTF-8-Kennung (BOM)", "„CSV UTF-8“"],
    ),
    (
        "falsche-kodierung-macroman",
        "a.csv",
        b"Kreis;2019\nErfurt;5\n" + b"S\x9ammerda;3\n",
        [],
        {},
        ["Zeile 3", "„Sšmmerda“", "Meinten Sie „Sömmerda“?"],
    ),
    (
        "gemischte-trennzeichen",
        "a.csv",
        b"AGS;2019;2020\n16051;1;2\n16052,3,4\n",
        [],
        {},
        ["Zeile 3", "nicht mit „;“ getrennt", "„,“", "dasselbe Trennzeichen"],
    ),
    (
        "dezimalkomma-in-kommadatei",
        "a.csv",
        b"AGS,2019\n16051,12,5\n16052,3\n",
        [],
        {},
        ["Zeile 2", "3 Zellen, die Kopfzeile nur 2", "Anführungszeichen"],
    ),
    (
        "unbekannter-kreisschluessel",
        "a.csv",
        b"AGS;2019\n16051;5\n16099;3\n",
        [],
        {},
        ["Zeile 3, Spalte „AGS“", "Kreisschlüssel „16099“ gibt es nicht", "22 Kreise, Gebietsstand ab 01.07.2021"],
    ),
    (
        "unbekannter-gemeindeschluessel",
        "a.csv",
        b"AGS;2019\n16051000;5\n16051999;3\n",
        [],
        {},
        ["Zeile 3", "Gemeindeschlüssel „16051999“ gibt es nicht", "Gebietsstand 31.12.2021"],
    ),
    (
        "schluessel-anderes-land",
        "a.csv",
        b"AGS;2019\n09162;5\n",
        [],
        {},
        ["Zeile 2", "„09162“ gibt es in Thüringen nicht", "beginnen mit 16"],
    ),
    ("verlorene-fuehrende-null", "a.csv", b"AGS;2019\n1001;5\n", [], {}, ["„01001“ gibt es in Thüringen nicht"]),
    (
        "eisenach-im-neuen-gebietsstand",
        "a.csv",
        b"AGS;2019\n16056;5\n16063;7\n",
        ["--gebietsstand", "ab-2021-07-01"],
        {},
        ["Zeile 2", "Eisenach (16056)", "„bis-2021-06-30“"],
    ),
    (
        "alte-gemeinde-vor-gebietsreform",
        "a.csv",
        b"AGS;2019\n16061004;5\n",
        [],
        {},
        ["16061004", "gibt es im Gebietsstand 31.12.2021 nicht mehr", "heute zu"],
    ),
    (
        "name-mit-tippfehler",
        "a.csv",
        b"Kreis;2019\nErfurt;5\nSaalfeld-Rudolstat;3\n",
        [],
        {},
        ["Zeile 3, Spalte „Kreis“", "„Saalfeld-Rudolstat“", "Meinten Sie „Saalfeld-Rudolstadt“?"],
    ),
    (
        "mehrdeutiger-gemeindename",
        "a.csv",
        b"Gemeinde;2019\nErfurt;5\nLehesten;3\n",
        ["--ebene", "gemeinde"],
        {},
        ["„Lehesten“ gibt es 2-mal", "16073046", "16074051", "Gemeindeschlüssel"],
    ),
    ("summenzeile", "a.csv", b"Kreis;2019\nErfurt;5\nInsgesamt;3\n", [], {}, ["Zeile 3", "Summenzeile", "„Thüringen“"]),
    (
        "verrutschte-namen",
        "a.csv",
        b"AGS;Name;2019\n16051;Gera;5\n",
        [],
        {},
        ["16051 gehört zu „Erfurt“", "„Gera“", "verrutscht"],
    ),
    (
        "doppelte-zeile",
        "a.csv",
        b"AGS;2019\n16051;5\n16052;6\n16051;5\n",
        [],
        {},
        ["Zeile 4", "16051, Jahr 2019 steht mehrfach", "zuerst in Zeile 2"],
    ),
    (
        "doppelte-jahresspalte",
        "a.csv",
        b"AGS;2019;2019.0\n16051;5;6\n",
        [],
        {},
        ["Das Jahr 2019 steht in zwei Spalten"],
    ),
    (
        "text-statt-zahl",
        "a.csv",
        "AGS;2019;2020\n16051;5;zwölf\n".encode(),
        [],
        {},
        ["Zeile 2, Spalte „2020“", "„zwölf“ ist keine Zahl", "z. B. 1.234,5"],
    ),
    (
        "negative-anzahl",
        "a.csv",
        b"AGS;2019\n16051;-5\n",
        [],
        {},
        ["Zeile 2, Spalte „2019“", "5 ist negativ", "Personen"],
    ),
    (
        "zaehler-groesser-nenner",
        "a.csv",
        "AGS;Jahr;Zähler;Nenner\n16051;2019;120;100\n".encode(),
        ["--einheit", "Prozent", "--art", "quote"],
        {},
        ["Zeile 2, Spalte „Zähler“", "(120) ist größer als der Nenner (100)"],
    ),
    (
        "nenner-null",
        "a.csv",
        "AGS;Jahr;Zähler;Nenner\n16051;2019;0;0\n".encode(),
        ["--einheit", "Prozent", "--art", "quote"],
        {},
        ["Spalte „Nenner“", "Nenner ist 0"],
    ),
    (
        "jahr-1850-als-spalte",
        "a.csv",
        b"AGS;1850;2019\n16051;5;6\n",
        [],
        {},
        ["Zeile 1, Spalte „1850“", "Jahr 1850 liegt außerhalb", "1990"],
    ),
    (
        "jahr-2999-als-zeile",
        "a.csv",
        b"AGS;Jahr;Wert\n16051;2019;5\n16051;2999;6\n",
        [],
        {},
        ["Zeile 3, Spalte „Jahr“", "Jahr 2999 liegt außerhalb"],
    ),
    (
        "jahr-kein-jahr",
        "a.csv",
        b"AGS;Jahr;Wert\n16051;neunzehn;5\n",
        [],
        {},
        ["Zeile 2, Spalte „Jahr“", "„neunzehn“ ist keine Jahreszahl"],
    ),
    ("leere-datei", "a.csv", b"", [], {}, ["leer (0 Byte)"]),
    ("nur-leerzeilen", "a.csv", b"\r\n \r\n;;;\r\n", [], {}, ["Datei ist leer (keine Zelle mit Inhalt)"]),
    ("nur-kopfzeile", "a.csv", b"AGS;Name;2019;2020\n", [], {}, ["nur die Kopfzeile, aber keine Datenzeilen"]),
    ("alle-werte-leer", "a.csv", b"AGS;2019;2020\n16051;;\n16052;;\n", [], {}, ["alle Wertezellen sind leer"]),
    ("nur-fehlend-zeichen", "a.csv", b"AGS;2019;2020\n16051;-;.\n", [], {}, ["keine Zahl, nur Zeichen"]),
    ("keine-gebietsspalte", "a.csv", b"Jahr;Wert\n2019;5\n", [], {}, ["Keine Spalte mit Gebietsschlüsseln"]),
    ("keine-jahre", "a.csv", b"AGS;Wert\n16051;5\n", [], {}, ["Weder eine Spalte „Jahr“", "„AGS;Jahr;Wert“"]),
    (
        "unbekanntes-tabellenblatt",
        "a.xlsx",
        xlsx([["AGS", 2019], ["16051", 5]], sheets={"Quellen": [["x"]]}),
        ["--sheet", "Daten"],
        {},
        ["Tabellenblatt „Daten“ gibt es in dieser Datei nicht", "„Tabelle1“, „Quellen“"],
    ),
    (
        "leeres-tabellenblatt",
        "a.xlsx",
        xlsx([["AGS", 2019], ["16051", 5]], sheets={"Leer": []}),
        ["--sheet", "Leer"],
        {},
        ["Tabellenblatt „Leer“ ist leer"],
    ),
    (
        "formeln-ohne-ergebnis",
        "a.xlsx",
        xlsx([["AGS", 2019], ["16051", "=1+1"], ["16052", "=B2*2"]]),
        [],
        {},
        ["Zellen B2, B3 enthalten Formeln ohne gespeichertes Ergebnis", "F9"],
    ),
    (
        "excel-fehlerwert",
        "a.xlsx",
        xlsx([["AGS", 2019], ["16051", "#DIV/0!"]]),
        [],
        {},
        ["Zeile 2, Spalte „2019“", "„#DIV/0!“ ist ein Excel-Fehlerwert"],
    ),
    (
        "datum-statt-zahl",
        "a.xlsx",
        xlsx([["AGS", 2019], ["16051", __import__("datetime").date(2019, 5, 1)]]),
        [],
        {},
        ["„01.05.2019“ ist ein Datum"],
    ),
    (
        "datei-zu-gross",
        "a.csv",
        WIDE.encode(),
        [],
        {"SOZIALATLAS_IMPORT_MAX_MB": "0.00005"},
        ["Die Datei ist 78 Byte groß; erlaubt sind höchstens 50 Byte"],
    ),
    (
        "zu-viele-zeilen",
        "a.csv",
        ("AGS;2019\n" + "16051;5\n" * 80).encode(),
        [],
        {"SOZIALATLAS_IMPORT_MAX_ROWS": "10"},
        ["81 Zeilen; erlaubt sind höchstens 10"],
    ),
    (
        "xlsx-zu-viele-zeilen",
        "a.xlsx",
        xlsx([["AGS", 2019]] + [[16051, 5]] * 80),
        [],
        {"SOZIALATLAS_IMPORT_MAX_ROWS": "10"},
        ["hat mehr als 10 Zeilen; erlaubt sind höchstens 10"],
    ),
    ("binaermuell-mit-nullbytes", "a.csv", _garbage(4000, 1, True), [], {}, ["Nullbyte", "keine Textdatei"]),
    ("binaermuell-ohne-nullbytes", "a.csv", _garbage(4000, 2, False), [], {}, ["Binärdaten"]),
    (
        "utf16-ohne-kennung",
        "a.txt",
        "AGS\t2019\n16051\t5\n".encode("utf-16-le"),
        [],
        {},
        ["UTF-16-Text ohne Kennung (BOM)", "„CSV UTF-8"],
    ),
    ("nullbyte-in-csv", "a.csv", b"AGS;2019\n16051;5\n16052;\x006\n", [], {}, ["Zeile 3", "Nullbyte"]),
    (
        "altes-xls",
        "a.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        [],
        {},
        ["alten Excel-Format (.xls), mit Kennwort verschlüsselt", "„Excel-Arbeitsmappe (*.xlsx)“"],
    ),
    (
        "ods",
        "a.ods",
        b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
        [],
        {},
        ["LibreOffice-Tabelle (.ods)"],
    ),
    ("kaputtes-xlsx", "a.xlsx", b"PK\x03\x04" + _garbage(3000, 3, True), [], {}, ["beschädigt", "kein gültiges ZIP"]),
    (
        "zip-ohne-excel",
        "a.xlsx",
        zip_bytes({"liesmich.txt": b"hallo"}),
        [],
        {},
        ["ZIP-Archiv, aber keine Excel-Arbeitsmappe"],
    ),
    (
        "zip-bombe",
        "a.xlsx",
        _zip_bomb(),
        [],
        {"SOZIALATLAS_IMPORT_MAX_UNPACKED_MB": "1"},
        ["würde entpackt 3 MB groß; erlaubt sind 1 MB"],
    ),
    ("xml-entity-bombe", "a.xlsx", _entity_bomb(), [], {}, ["beschädigt oder verschlüsselt"]),
    (
        "csv-injection-im-namen",
        "a.csv",
        b'Kreis;2019\n"=HYPERLINK(""http://x.example"";""Erfurt"")";5\n',
        [],
        {},
        ['„=HYPERLINK("http://x.example";"Erfurt")“ ist weder ein Thüringer Landkreis'],
    ),
    ("formel-als-zahl", "a.csv", b"AGS;2019\n16051;=1+1\n", [], {}, ["„=1+1“ ist eine Formel als Text"]),
    (
        "extrem-lange-zelle",
        "a.csv",
        ("Kreis;2019\n" + "A" * 100_000 + ";5\n").encode(),
        [],
        {},
        ["Zeile 2, Spalte „Kreis“", "100.000 Zeichen lang", "höchstens 1.000"],
    ),
    (
        "steuerzeichen-im-hinweis",
        "a.csv",
        b"AGS;Jahr;Wert;Hinweis\n16051;2019;5;ok\x1b[31mrot\x07\n",
        [],
        {},
        ["Zeile 2, Spalte „Hinweis“", "unsichtbare Steuerzeichen", "„ok\ufffd[31mrot\ufffd“"],
    ),
    ("ragged-zeile", "a.csv", b"AGS;2019\n16051;5;7;8\n", [], {}, ["Zeile 2", "4 Zellen, die Kopfzeile nur 2"]),
    (
        "falsche-ebene-erzwungen",
        "a.csv",
        b"AGS;2019\n16051;5\n",
        ["--ebene", "gemeinde"],
        {},
        ["„16051“ ist ein Kreisschlüssel, gewählt ist aber die Ebene Gemeinde"],
    ),
    (
        "wissenschaftliche-schreibweise-abgeschnitten",
        "a.csv",
        b"AGS;2019\n1,6068E+07;5\n",
        [],
        {},
        ["„16068000“ gibt es nicht", "wissenschaftlicher Schreibweise", "als Text formatieren"],
    ),
    (
        "werte-ohne-gebiet",
        "a.csv",
        b"AGS;Name;2019\n16051;Erfurt;5\n;;7\n",
        [],
        {},
        ["Zeile 3", "weder Gebietsschlüssel noch Gebietsname"],
    ),
]

META_CASES = [
    (
        "metadaten-fehlen",
        ["--name", "Nur ein Name"],
        [
            "„Lebenslage“ fehlt",
            "„Einheit“ fehlt",
            "„Wertungsrichtung (Polarität)“ fehlt",
            "„Quelle“ fehlt",
            "„Stand“ fehlt",
            "„Lizenz“ fehlt",
        ],
    ),
    (
        "lebenslage-unbekannt",
        NEW_META + ["--lebenslage", "Freizeit"],
        ["Lebenslage „Freizeit“ gibt es nicht", "familie (Familie)"],
    ),
    (
        "polaritaet-unbekannt",
        NEW_META + ["--polaritaet", "gut"],
        ["Wertungsrichtung „gut“ ist nicht erlaubt", "hoeher_besser"],
    ),
    ("id-ungueltig", NEW_META + ["--id", "Kinder in BG!"], ["Kennung „Kinder in BG!“ ist ungültig"]),
    (
        "id-kollision-ohne-id",
        NEW_META + ["--name", "Arbeitslosenquote"],
        ["schon einen Indikator mit der Kennung „arbeitslosenquote“", "ausdrücklich angeben"],
    ),
    (
        "vorhandener-indikator-neue-quelle",
        ["--id", "arbeitslosenquote", "--quelle", "Eigene Zählung", "--stand", "2023"],
        ["Quelle „Eigene Zählung“ ist nicht bekannt", "„inkar_2024“"],
    ),
    ("steuerzeichen-im-namen", NEW_META + ["--name", "Kinder\x07 in BG"], ["enthält Steuerzeichen"]),
    ("name-zu-lang", NEW_META + ["--name", "N" * 300], ["300 Zeichen lang; erlaubt sind höchstens 200"]),
]


@pytest.fixture(scope="module")
def kopie(db_path, tmp_path_factory):
    path = copy_db(db_path, tmp_path_factory.mktemp("import_abgelehnt"))
    return path, fingerprint(path)


def _assert_rejected(code, err, expected, path, before):
    assert code == 2, err
    assert err.startswith("Import abgelehnt – es wurde nichts gespeichert."), err
    for fragment in expected:
        assert fragment in err, f"{fragment!r} fehlt in:\n{err}"
    assert "Traceback" not in err
    assert fingerprint(path) == before, "die Datenbank hat sich verändert"
    assert not list(path.parent.glob(path.name + ".*-*")), "Zwischendatei liegen geblieben"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_bad_file_is_rejected_with_its_german_message_and_changes_nothing(case, kopie, tmp_path, capsys, monkeypatch):
    _id, name, content, extra, env, expected = case
    path, before = kopie
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    f = tmp_path / name
    f.write_bytes(content)
    code, _out, err = run_inprocess(capsys, "import", f, "--db", path, *NEW_META, *extra)
    _assert_rejected(code, err, expected, path, before)


@pytest.mark.parametrize("case", META_CASES, ids=[c[0] for c in META_CASES])
def test_missing_or_invalid_metadata_is_rejected_and_changes_nothing(case, kopie, tmp_path, capsys):
    _id, args, expected = case
    path, before = kopie
    f = tmp_path / "gut.csv"
    f.write_bytes(WIDE.encode())
    code, _out, err = run_inprocess(capsys, "import", f, "--db", path, *args)
    _assert_rejected(code, err, expected, path, before)


def test_each_problem_is_one_line_naming_row_and_column(kopie, tmp_path, capsys):
    path, before = kopie
    f = tmp_path / "viele.csv"
    f.write_bytes(b"AGS;2019;2020\n16051;5;k\n16099;1;2\n16052;-1;zwei\n")
    code, _out, err = run_inprocess(capsys, "import", f, "--db", path, *NEW_META)
    lines = err.splitlines()
    assert lines[0].endswith("4 Problem(e):")
    assert [ln.split(":")[0] for ln in lines[1:5]] == [
        "Zeile 2, Spalte „2020“",
        "Zeile 3, Spalte „AGS“",
        "Zeile 4, Spalte „2019“",
        "Zeile 4, Spalte „2020“",
    ]
    _assert_rejected(code, err, [], path, before)


def test_a_public_instance_refuses_to_import(kopie, tmp_path, capsys, monkeypatch):
    path, before = kopie
    monkeypatch.setenv("SOZIALATLAS_PUBLIC", "1")
    f = tmp_path / "gut.csv"
    f.write_bytes(WIDE.encode())
    code, out, err = run_inprocess(capsys, "import", f, "--db", path, *NEW_META)
    assert code == 2 and "öffentlich und schreibgeschützt" in err and out == ""
    assert fingerprint(path) == before


LENIENT = [
    # Files that are readable after all: a dry run shows the hint and writes nothing.
    (
        "xlsx-die-eigentlich-csv-ist",
        "bericht.xlsx",
        WIDE.encode("cp1252"),
        ["heißt wie eine Excel-Datei, ist aber eine CSV-Textdatei"],
    ),
    (
        "csv-die-eigentlich-xlsx-ist",
        "bericht.csv",
        xlsx([["AGS", "Name", 2019], [16051, "Erfurt", 5]]),
        ["ist eine Excel-Arbeitsmappe (xlsx), obwohl ihr Name anders endet"],
    ),
    (
        "titelzeilen-und-fussnoten",
        "a.csv",
        ("Tabelle 3: Kinder in Bedarfsgemeinschaften\n\n" + WIDE + "Quelle: Jobcenter, eigene Berechnung\n").encode(),
        ["Kopfzeile ist Zeile 3", "Zeile 6 („Quelle: Jobcenter, eigene Berechnung“) wurde als Fußnote übersprungen"],
    ),
    ("statistik-zeichen", "a.csv", b"AGS;2019;2020\n16051;-;5\n16052;.;6\n", ["Zellen enthalten „–“", "genau null"]),
]


@pytest.mark.parametrize("case", LENIENT, ids=[c[0] for c in LENIENT])
def test_readable_oddities_are_explained_and_a_dry_run_writes_nothing(case, kopie, tmp_path, capsys):
    _id, name, content, expected = case
    path, before = kopie
    f = tmp_path / name
    f.write_bytes(content)
    code, out, err = run_inprocess(capsys, "import", f, "--db", path, *NEW_META, "--dry-run")
    assert code == 0, err
    for fragment in expected:
        assert fragment in out, out
    assert "Probelauf" in out and "nichts gespeichert" in out
    assert fingerprint(path) == before


def test_the_suite_has_at_least_thirty_hostile_files():
    assert len(CASES) + len(META_CASES) + len(LENIENT) >= 30
    assert len({c[0] for c in CASES}) == len(CASES)


def test_limits_default_to_20_mb_50000_rows_and_500000_cells(monkeypatch):
    from sozialatlas import importer

    for k in ("SOZIALATLAS_IMPORT_MAX_MB", "SOZIALATLAS_IMPORT_MAX_ROWS", "SOZIALATLAS_IMPORT_MAX_CELLS"):
        monkeypatch.delenv(k, raising=False)
    assert importer.max_bytes() == 20_000_000
    assert importer.max_rows() == 50_000
    assert importer.max_cells() == 500_000
    assert os.environ.get("SOZIALATLAS_IMPORT_MAX_UNPACKED_MB") is None
