"""Valid files as offices produce them import correctly: the stored values equal the file's numbers."""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.import_helpers import NEW_META, copy_db, fingerprint, run_inprocess, run_subprocess, xlsx


@pytest.fixture
def kopie(db_path, tmp_path):
    return copy_db(db_path, tmp_path)


def stored(db, indikator: str) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT ebene, schluessel, gebietsstand, jahr, stand, wert, zaehler, nenner, status, "
            "quelle, hinweis FROM beobachtung WHERE indikator = ? ORDER BY ALL",
            [indikator],
        ).fetchall()
    return {(r[1], r[3]): r for r in rows}


def indicator(db, indikator: str) -> dict | None:
    with duckdb.connect(str(db), read_only=True) as con:
        df = con.execute("SELECT * FROM indikator WHERE id = ?", [indikator]).df()
    return df.to_dict("records")[0] if len(df) else None


def test_windows_1252_semicolon_decimal_comma_wide_layout(kopie, tmp_path, capsys):
    text = (
        "Kinder in Bedarfsgemeinschaften nach Kreisen\r\n"
        "\r\n"
        "Kreis;Jahr 2021;Jahr 2022;Bemerkung\r\n"
        "Sömmerda;1.234,5;1.310,25;\r\n"
        "Kyffhäuserkreis;980;1.002,5;vorläufig\r\n"
        '"Erfurt, Stadt";12.345;12.001;\r\n'
        "Landkreis Saalfeld-Rudolstadt;2.001,75;1.999;\r\n"
        "Thüringen;50.000;51.000,5;\r\n"
    )
    f = tmp_path / "kinder.csv"
    f.write_bytes(text.encode("cp1252"))
    code, out, err = run_inprocess(
        capsys, "import", f, "--db", kopie, *NEW_META, "--id", "kinder_bg", "--einheit", "Personen"
    )
    assert code == 0, err
    assert "Windows-1252" in out and "Trennzeichen „;“" in out
    assert "Importiert: Version" in out and "10 Werte" in out
    got = stored(kopie, "kinder_bg")
    assert {k: v[5] for k, v in got.items()} == {
        ("16068", 2021): 1234.5,
        ("16068", 2022): 1310.25,
        ("16065", 2021): 980.0,
        ("16065", 2022): 1002.5,
        ("16051", 2021): 12345.0,
        ("16051", 2022): 12001.0,
        ("16073", 2021): 2001.75,
        ("16073", 2022): 1999.0,
        ("16", 2021): 50000.0,
        ("16", 2022): 51000.5,
    }
    assert got[("16068", 2021)][2] == "ab-2021-07-01" and got[("16", 2021)][:3] == ("land", "16", "-")
    assert got[("16068", 2021)][4] == "2021-12-31"  # Stand „31.12.“ completed per year
    assert got[("16065", 2022)][10] == "vorläufig" and got[("16068", 2022)][10] is None
    assert {v[9] for v in got.values()} == {"import-kinder_bg"}
    ind = indicator(kopie, "kinder_bg")
    assert ind["name"] == "Kinder in Bedarfsgemeinschaften" and ind["lebenslage"] == "familie"
    assert ind["polaritaet"] == "hoeher_schlechter" and ind["ebenen"] == "land;kreis"


GENESIS = (
    "GENESIS-Tabelle: 12411-0015\n"
    "Bevölkerung: Kreise, Stichtag\n"
    ";;2021;2022\n"
    "16051;Erfurt, kreisfreie Stadt;213692;214969\n"
    "16061;Eichsfeld, Landkreis;99537;99000\n"
    "16;Thüringen;2108863;2126846\n"
    "__________\n"
    "(C)opyright Statistisches Bundesamt (Destatis), 2023 | Stand: 12.05.2023 / 11:15:07\n"
)


def test_genesis_flat_export_with_unlabeled_key_and_name_columns(kopie, tmp_path, capsys):
    f = tmp_path / "12411-0015.csv"
    f.write_bytes(GENESIS.encode("cp1252"))
    code, out, err = run_inprocess(capsys, "import", f, "--db", kopie, *NEW_META, "--id", "bev_genesis")
    assert code == 0, err
    assert "Zeile 7 („__________“) wurde als Fußnote übersprungen" in out
    assert {k: v[5] for k, v in stored(kopie, "bev_genesis").items()} == {
        ("16051", 2021): 213692.0,
        ("16051", 2022): 214969.0,
        ("16061", 2021): 99537.0,
        ("16061", 2022): 99000.0,
        ("16", 2021): 2108863.0,
        ("16", 2022): 2126846.0,
    }
    # The unlabeled name column is checked against the keys: shifted rows are caught.
    f.write_bytes(GENESIS.replace("Erfurt, kreisfreie Stadt", "Gera, kreisfreie Stadt").encode("cp1252"))
    code, _out, err = run_inprocess(capsys, "import", f, "--db", kopie, *NEW_META, "--id", "bev_genesis2")
    assert code == 2 and "Zeile 4, Spalte „Spalte 2“: Der Schlüssel 16051 gehört zu „Erfurt“" in err


def test_utf8_bom_long_layout_with_counts_on_gemeinden(kopie, tmp_path, capsys):
    text = (
        "\ufeffAGS,Gemeinde,Jahr,Wert,Zähler,Nenner,Stand,Hinweis\n"
        "16051000,Erfurt,2022,12.5,1250,10000,2022-12-31,\n"
        "16068001,Alperstedt,2022,,50,400,2022-12-31,aus Zähler und Nenner\n"
        '16068001,Alperstedt,2023,13.25,53,400,2023-12-31,"=HYPERLINK(""http://x"",""y"")"\n'
    )
    f = tmp_path / "quote.csv"
    f.write_bytes(text.encode("utf-8"))
    code, out, err = run_inprocess(
        capsys,
        "import",
        f,
        "--db",
        kopie,
        *NEW_META,
        "--id",
        "quote_test",
        "--einheit",
        "Prozent",
        "--art",
        "quote",
        "--stand",
        "2023-12-31",
    )
    assert code == 0, err
    assert "UTF-8 mit BOM" in out and "langes Format" in out
    got = stored(kopie, "quote_test")
    assert got[("16051000", 2022)][5:9] == (12.5, 1250.0, 10000.0, "ok")
    assert got[("16068001", 2022)][5:9] == (12.5, 50.0, 400.0, "abgeleitet")
    assert got[("16068001", 2023)][4] == "2023-12-31"
    # Text from the file is data: stored as given, never evaluated.
    assert got[("16068001", 2023)][10] == '=HYPERLINK("http://x","y")'
    assert got[("16051000", 2022)][2] == "2021-12-31"
    assert indicator(kopie, "quote_test")["ebenen"] == "gemeinde"


def test_xlsx_with_excel_number_keys_title_row_and_merged_header(kopie, tmp_path, capsys):
    rows = [
        ["Arbeitslose Jugendliche (Tabelle 4)", None, None, None],
        ["Schlüssel", "Name", "Anzahl", None],
        [None, None, 2020, 2021],
        [16051000.0, "Erfurt", 812, 790.0],
        [16053000, "Jena", 301, 299],
        ["1.6055E+07", "Weimar", 200, 210],
    ]
    data = xlsx(rows, merged=["A2:A3", "B2:B3", "C2:D2"], sheets={"Quellen": [["Jobcenter"]]})
    f = tmp_path / "jugend.xlsx"
    f.write_bytes(data)
    code, out, err = run_inprocess(capsys, "import", f, "--db", kopie, *NEW_META, "--id", "alo_jugend")
    assert code == 0, err
    assert "Tabellenblatt „Tabelle1“" in out and "Kopfzeile ist Zeile 3" in out
    assert "wissenschaftlicher Schreibweise" in out
    got = stored(kopie, "alo_jugend")
    assert {k: v[5] for k, v in got.items()} == {
        ("16051000", 2020): 812.0,
        ("16051000", 2021): 790.0,
        ("16053000", 2020): 301.0,
        ("16053000", 2021): 299.0,
        ("16055000", 2020): 200.0,
        ("16055000", 2021): 210.0,
    }


def test_second_sheet_and_names_with_umlaut_variants(kopie, tmp_path, capsys):
    data = xlsx(
        [["nichts"]],
        sheets={
            "Daten": [["Kreis", "2019"], ["Soemmerda", 3], ["WEIMARER LAND", 4], ["Eisenach", 5], ["Wartburgkreis", 6]]
        },
    )
    f = tmp_path / "blatt.xlsx"
    f.write_bytes(data)
    code, out, err = run_inprocess(
        capsys, "import", f, "--db", kopie, *NEW_META, "--id", "blatt_test", "--sheet", "Daten"
    )
    assert code == 0, err
    got = stored(kopie, "blatt_test")
    # Eisenach as a Kreis of its own: the 23-Kreise Gebietsstand.
    assert {(k, v[2]) for k, v in got.items()} == {
        (("16068", 2019), "bis-2021-06-30"),
        (("16071", 2019), "bis-2021-06-30"),
        (("16056", 2019), "bis-2021-06-30"),
        (("16063", 2019), "bis-2021-06-30"),
    }


def test_script_tags_in_the_name_are_stored_as_plain_text(kopie, tmp_path, capsys):
    f = tmp_path / "x.csv"
    f.write_bytes(b"AGS;2020\n16051;1\n")
    name = "<script>alert(1)</script>"
    code, _out, err = run_inprocess(capsys, "import", f, "--db", kopie, *NEW_META, "--name", name, "--id", "skript")
    assert code == 0, err
    assert indicator(kopie, "skript")["name"] == name


def test_adding_years_to_an_existing_indicator_reports_and_replaces_changed_values(kopie, tmp_path, capsys):
    before = stored(kopie, "arbeitslosenquote")
    assert before[("16052", 2019)][5] == 8.1
    f = tmp_path / "alq.csv"
    f.write_bytes(b"AGS;2019;2023\n16052;8,1;7,9\n16055;9,9;6,0\n")
    code, out, err = run_inprocess(
        capsys,
        "import",
        f,
        "--db",
        kopie,
        "--id",
        "arbeitslosenquote",
        "--quelle",
        "thonsa_2019",
        "--stand",
        "Jahresdurchschnitt",
        "--gebietsstand",
        "bis-2021-06-30",
        "--dry-run",
    )
    assert code == 0, err
    assert "2 der 4 Werte ersetzen vorhandene, davon ändern sich 1" in out
    assert "1 vorhandene Werte würden sich ändern" in out
    assert stored(kopie, "arbeitslosenquote") == before  # dry run
    code, out, err = run_inprocess(
        capsys,
        "import",
        f,
        "--db",
        kopie,
        "--id",
        "arbeitslosenquote",
        "--quelle",
        "thonsa_2019",
        "--stand",
        "Jahresdurchschnitt",
        "--gebietsstand",
        "bis-2021-06-30",
        "--wer",
        "Test",
    )
    assert code == 0, err
    after = stored(kopie, "arbeitslosenquote")
    assert after[("16055", 2019)][5] == 9.9 and after[("16055", 2023)][4] == "2023 (Jahresdurchschnitt)"
    assert after[("16052", 2023)][5] == 7.9
    assert len(after) == len(before) + 2
    assert indicator(kopie, "arbeitslosenquote")["name"] == "Arbeitslosenquote im Jahresdurchschnitt"


def test_metadata_from_a_json_or_toml_file_options_win(kopie, tmp_path, capsys):
    f = tmp_path / "x.csv"
    f.write_bytes(b"AGS;2020\n16051;1\n")
    meta = {
        "id": "aus_json",
        "name": "Aus JSON",
        "lebenslage": "Wohnen",
        "einheit": "Haushalte",
        "art": "anzahl",
        "polaritaet": "höher ist schlechter",
        "quelle": "Sozialamt",
        "stand": "31.12.2020",
        "lizenz": "intern",
    }
    (tmp_path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    code, _out, err = run_inprocess(
        capsys, "import", f, "--db", kopie, "--meta", tmp_path / "meta.json", "--name", "Aus Optionen"
    )
    assert code == 0, err
    ind = indicator(kopie, "aus_json")
    assert (ind["name"], ind["lebenslage"], ind["polaritaet"]) == ("Aus Optionen", "wohnen", "hoeher_schlechter")
    (tmp_path / "meta.toml").write_text(
        'id = "aus_toml"\nname = "Aus TOML"\nlebenslage = "bildung"\n'
        'einheit = "Plätze"\nart = "anzahl"\npolaritaet = "neutral"\nquelle = "Schulamt"\n'
        'stand = "2020"\nlizenz = "intern"\n',
        encoding="utf-8",
    )
    code, out, err = run_inprocess(capsys, "import", f, "--db", kopie, "--meta", tmp_path / "meta.toml", "--dry-run")
    assert code == 0, err
    assert "„Aus TOML“ (neuer Indikator „aus_toml“)" in out


# ------------------------------------------------------------------------------ the real command line


def test_cli_subprocess_exit_codes_0_and_2(kopie, tmp_path):
    good, bad = tmp_path / "gut.csv", tmp_path / "schlecht.csv"
    good.write_bytes(b"AGS;Name;2020\n16051;Erfurt;5\n")
    bad.write_bytes(b"AGS;Name;2020\n16051;Erfurt;5\n16099;Nirgendwo;7\n")
    before = fingerprint(kopie)
    r = run_subprocess("import", bad, "--db", kopie, *NEW_META, "--id", "sub_test")
    assert r.returncode == 2, r.stderr
    assert "Zeile 3, Spalte „AGS“: Den Kreisschlüssel „16099“ gibt es nicht" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert fingerprint(kopie) == before
    r = run_subprocess("import", good, "--db", kopie, *NEW_META, "--id", "sub_test")
    assert r.returncode == 0, r.stderr
    assert "Importiert: Version" in r.stdout and "1 Werte" in r.stdout
    assert stored(kopie, "sub_test")[("16051", 2020)][5] == 5.0


def test_cli_subprocess_internal_error_exits_1_without_trace(tmp_path):
    broken = tmp_path / "ohne_tabellen.duckdb"
    duckdb.connect(str(broken)).close()  # a database, but without the atlas tables
    f = tmp_path / "x.csv"
    f.write_bytes(b"AGS;2020\n16051;5\n")
    r = run_subprocess("import", f, "--db", broken, *NEW_META)
    assert r.returncode == 1, r.stderr
    assert "Interner Fehler" in r.stderr and "nichts gespeichert" in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_help_documents_layouts_metadata_and_exit_codes():
    r = run_subprocess("import", "--help")
    assert r.returncode == 0
    for text in ("AGS;Jahr;Wert", "--meta", "--dry-run", "--lebenslage", "Exit-Codes", "abgelehnt"):
        assert text in r.stdout


def test_import_of_a_missing_file_or_database_says_so(tmp_path, capsys, db_path):
    code, _out, err = run_inprocess(capsys, "import", tmp_path / "fehlt.csv", "--db", db_path, *NEW_META)
    assert code == 2 and "gibt es nicht" in err
    f = tmp_path / "x.csv"
    f.write_bytes(b"AGS;2020\n16051;5\n")
    code, _out, err = run_inprocess(capsys, "import", f, "--db", tmp_path / "nirgends.duckdb", *NEW_META)
    assert code == 2 and "fehlt" in err and "python -m sozialatlas build" in err


def test_publish_writes_a_snapshot_or_says_it_is_not_available(kopie, tmp_path, capsys):
    import importlib.util

    out = tmp_path / "oeffentlich.duckdb"
    code, stdout, err = run_inprocess(capsys, "publish", "--out", out, "--db", kopie)
    if importlib.util.find_spec("sozialatlas.store.publish") is None:
        assert code == 2 and "noch nicht verfügbar" in err
    else:
        assert code == 0, err
        assert out.exists() and f"Schnappschuss geschrieben: {out}" in stdout
