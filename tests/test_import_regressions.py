"""Regressions of issues 8 and 14 in the import path: each test failed on the code before the fix."""

from __future__ import annotations

import json
import threading

import duckdb
import pytest

from sozialatlas import importer
from sozialatlas.store import db, versions
from tests.import_helpers import xlsx
from tests.versions_helpers import copy_db


@pytest.fixture
def path(db_path, tmp_path):
    return copy_db(db_path, tmp_path)


def test_values_for_einwohner_keep_its_ebenen_and_do_not_change_the_catalogue(path):
    with duckdb.connect(str(path), read_only=True) as con:
        stored = con.execute("SELECT ebenen FROM indikator WHERE id = 'einwohner'").fetchone()[0]
        report = importer.check(
            con,
            b"AGS;Jahr;Wert\n16051;2024;215000\n",
            "ew.csv",
            {"id": "einwohner", "quelle": "destatis_gv100", "stand": "2024"},
        )
    assert report.ok, report.lines()
    assert stored == "gemeinde;kreis;land"  # not in EBENEN order: the set is what counts
    assert report.indikator["ebenen"] == stored
    with db.writing(path) as con:
        vid = versions.apply_import(con, report.indikator, report.observations, "t", "ew.csv")
        assert con.execute("SELECT ebenen FROM indikator WHERE id = 'einwohner'").fetchone()[0] == stored
        details = json.loads(con.execute("SELECT details FROM dataset_version WHERE id = ?", [vid]).fetchone()[0])
    assert "indikator" not in details["tabellen"], "the catalogue entry did not change"


def test_a_new_level_is_added_to_ebenen_in_the_one_order(path):
    import pandas as pd

    with db.writing(path) as con:
        gv = con.execute("SELECT min(schluessel) FROM region WHERE ebene = 'gemeindeverband'").fetchone()[0]
        obs = pd.DataFrame(
            [{"ebene": "gemeindeverband", "schluessel": gv, "gebietsstand": "2021-12-31", "jahr": 2030, "wert": 5}]
        )
        versions.apply_import(con, {"id": "einwohner", "quelle": "destatis_gv100", "stand": "2024"}, obs, "t", "x")
        got = con.execute("SELECT ebenen FROM indikator WHERE id = 'einwohner'").fetchone()[0]
    assert got == "land;kreis;gemeindeverband;gemeinde"


def test_a_sheet_name_with_a_comma_is_quoted_as_it_is(con, monkeypatch):
    monkeypatch.setenv("SOZIALATLAS_IMPORT_MAX_ROWS", "5")
    rows = [["AGS", "2021"]] + [["16051", i] for i in range(70)]
    table = importer.read_table(xlsx(rows, title="Daten, Kreise 2021"), "a.xlsx")
    text = " ".join(str(p) for p in table.problems)
    assert "„Daten, Kreise 2021“" in text, text


def _meta(lebenslage: str, einheit: str, art: str) -> dict:
    return {
        "id": "gleichzeitig",
        "name": "Gleichzeitig",
        "lebenslage": lebenslage,
        "einheit": einheit,
        "art": art,
        "polaritaet": "neutral",
        "quelle": f"Quelle {lebenslage}",
        "stand": "2021",
        "lizenz": "intern",
    }


def test_two_imports_creating_the_same_new_indicator_the_second_rewrites_nothing(path):
    """Both are checked as „neuer Indikator“ before either writes; the write re-checks under the lock."""
    metas = [_meta("familie", "Personen", "anzahl"), _meta("wohnen", "Prozent", "quote")]
    checked = threading.Barrier(2)
    results: dict[int, object] = {}

    def run(i: int) -> None:
        with duckdb.connect(str(path), read_only=True) as con:
            report = importer.check(con, b"AGS;2021\n16051;10\n16052;20\n", "a.csv", metas[i])
        assert report.ok and report.neu, report.lines()
        checked.wait(30)
        try:
            with db.writing(path) as con:
                results[i] = versions.apply_import(con, report.indikator, report.observations, f"p{i}", "a.csv")
        except versions.ImportRejected as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    won = [i for i, r in results.items() if isinstance(r, int)]
    lost = [i for i, r in results.items() if isinstance(r, versions.ImportRejected)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "inzwischen ein anderer Import angelegt" in str(results[lost[0]])
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "SELECT lebenslage, einheit, aggregation, quelle FROM indikator WHERE id = 'gleichzeitig'"
        ).fetchone()
        n_versions = con.execute("SELECT count(*) FROM dataset_version").fetchone()[0]
    winner = metas[won[0]]
    assert row == (
        winner["lebenslage"],
        winner["einheit"],
        "summe" if winner["art"] == "anzahl" else "keine",
        "import-gleichzeitig",
    )
    assert n_versions == 1


def test_a_full_disk_ends_in_a_german_sentence_and_changes_nothing(path, tmp_path, monkeypatch, capsys):
    import errno
    import shutil

    from tests.import_helpers import NEW_META, fingerprint, run_inprocess

    before = fingerprint(path)
    f = tmp_path / "werte.csv"
    f.write_bytes(b"AGS;2021\n16051;10\n16052;20\n")

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    code, _out, err = run_inprocess(capsys, "import", f, "--db", path, *NEW_META)
    assert code == 2, err
    assert "kein Platz mehr frei" in err and "nichts gespeichert" in err and "Traceback" not in err
    monkeypatch.undo()

    class FullCon:
        """DuckDB's C++ core reports a full disk as an IOException at the checkpoint."""

        def __init__(self, con):
            self._con = con

        def execute(self, sql, *a):
            if sql.strip().upper() == "CHECKPOINT":
                raise duckdb.IOException('IO Error: Could not write file "x": No space left on device')
            return self._con.execute(sql, *a)

        def __getattr__(self, name):
            return getattr(self._con, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._con.close()

    real_connect = duckdb.connect
    monkeypatch.setattr(db.duckdb, "connect", lambda *a, **k: FullCon(real_connect(*a, **k)))
    code, _out, err = run_inprocess(capsys, "import", f, "--db", path, *NEW_META)
    monkeypatch.undo()
    assert code == 2 and "kein Platz mehr frei" in err, err
    assert fingerprint(path) == before
    assert not list(path.parent.glob(path.name + ".schreiben-*"))


def test_a_semicolon_csv_with_hyperlink_formulas_is_read_as_semicolon(con):
    text = (
        "AGS;Name;Link;2021\n"
        '16051;Erfurt;=HYPERLINK("https://statistik.example/a,b","Quelle, Amt");1,5\n'
        '16052;Gera;=HYPERLINK("https://statistik.example/c","Bericht, Teil 2");2,5\n'
        '16053;Jena;=HYPERLINK("https://statistik.example/d,e,f","x, y, z");3,5\n'
    )
    table = importer.read_table(text.encode(), "links.csv")
    assert table.delimiter == ";" and table.columns == ["AGS", "Name", "Link", "2021"], table.problems[:3]
    assert not table.problems


@pytest.mark.parametrize("field", ["name", "einheit", "quelle"])
def test_bidi_controls_are_refused_in_metadata_and_cells(con, field):
    meta = {
        "name": "Kinder",
        "lebenslage": "familie",
        "einheit": "Personen",
        "art": "anzahl",
        "polaritaet": "neutral",
        "quelle": "Amt",
        "stand": "2021",
        "lizenz": "intern",
    }
    meta[field] = meta[field] + "\u202etxt.exe"
    r = importer.check(con, b"AGS;2021\n16051;10\n", "a.csv", meta)
    assert not r.ok and any("Steuerzeichen" in line for line in r.lines())
    r = importer.check(
        con, "AGS;Hinweis;2021\n16051;vorl\u202eäufig;10\n".encode(), "a.csv", dict(meta, **{field: "X"})
    )
    assert not r.ok and any("Steuerzeichen" in line for line in r.lines())
