"""Dataset versions: imports and changes are versions, any earlier state comes back, nothing is lost,
user data survives a rebuild, and a failed or killed write changes nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pandas as pd
import pytest

from sozialatlas import paths
from sozialatlas.store import db, versions
from tests.versions_helpers import NEW_INDICATOR, copy_db, kreis_values, table_hashes

JENA = "16053"


@pytest.fixture
def path(db_path, tmp_path):
    return copy_db(db_path, tmp_path)


@pytest.fixture
def con(path):
    c = duckdb.connect(str(path))
    yield c
    c.close()


def one(con, sql, params=()):
    row = con.execute(sql, list(params)).fetchone()
    return row[0] if row else None


def official(con, indikator="schuldnerquote", jahr=2021, key=JENA):
    return one(
        con,
        "SELECT wert FROM beobachtung WHERE indikator = ? AND jahr = ? AND schluessel = ? AND ebene = 'kreis'",
        [indikator, jahr, key],
    )


def test_import_of_a_new_indicator_is_a_version_with_who_when_what_and_counts(con):
    obs = kreis_values(con)
    vid = versions.apply_import(con, NEW_INDICATOR, obs, "Frau Planer", "kita.xlsx")
    v = versions.list_versions(con).iloc[0]
    assert v["id"] == vid and v["wer"] == "Frau Planer" and v["datei"] == "kita.xlsx" and v["art"] == "import"
    assert (v["zeilen_neu"], v["zeilen_geaendert"], v["zeilen_entfernt"]) == (22, 0, 0)
    assert "Testquote Kinderbetreuung" in v["was"]
    ind_id = one(con, "SELECT id FROM indikator WHERE name = ?", [NEW_INDICATOR["name"]])
    assert one(con, "SELECT count(*) FROM beobachtung WHERE indikator = ? AND version_id = ?", [ind_id, vid]) == 22
    # Quelle, Lizenz and Stand travel with the values, so every figure can say where it comes from
    q = con.execute(
        "SELECT q.titel, q.lizenz FROM quelle q JOIN indikator i ON i.quelle = q.id WHERE i.id = ?", [ind_id]
    ).fetchone()
    assert q == ("Jugendamt Musterkreis, eigene Erhebung", "intern")
    assert one(con, "SELECT DISTINCT stand FROM beobachtung WHERE indikator = ?", [ind_id]) == "2023-12-31"


def test_replacing_official_values_counts_as_changed_and_a_rollback_brings_them_back(con):
    before = official(con)
    assert before is not None
    obs = kreis_values(con, jahr=2021, start=99.0).assign(stand="2021")
    vid = versions.apply_import(con, {"id": "schuldnerquote"}, obs, "admin", "korrektur.csv")
    v = versions.list_versions(con).iloc[0]
    assert (v["zeilen_neu"], v["zeilen_geaendert"], v["zeilen_entfernt"]) == (0, 22, 0)
    assert official(con) != before
    # exactly one row per key stays visible: queries never see duplicates
    assert (
        one(
            con,
            "SELECT count(*) FROM beobachtung WHERE indikator = 'schuldnerquote' AND jahr = 2021 "
            "AND ebene = 'kreis' AND schluessel = ?",
            [JENA],
        )
        == 1
    )
    versions.rollback(con, vid - 1, "admin")
    assert official(con) == before
    assert one(con, "SELECT count(*) FROM beobachtung_verdeckt") == 0


def test_rollback_to_any_earlier_version_and_the_rollback_itself_can_be_undone(con):
    a = versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "a", "a.xlsx")
    b = versions.apply_import(
        con, dict(NEW_INDICATOR, name="Zweiter Testindikator"), kreis_values(con, start=50), "b", "b.xlsx"
    )

    def names():
        return {r[0] for r in con.execute("SELECT name FROM indikator WHERE version_id IS NOT NULL").fetchall()}

    assert names() == {"Testquote Kinderbetreuung", "Zweiter Testindikator"}

    r1 = versions.rollback(con, a, "admin")
    assert names() == {"Testquote Kinderbetreuung"}
    r2 = versions.rollback(con, a - 1, "admin")
    assert names() == set()
    assert one(con, "SELECT count(*) FROM beobachtung WHERE version_id IS NOT NULL") == 0
    versions.rollback(con, b, "admin")  # "undo the undo": the state after b is back, values included
    assert names() == {"Testquote Kinderbetreuung", "Zweiter Testindikator"}
    assert one(con, "SELECT count(*) FROM beobachtung WHERE version_id IS NOT NULL") == 44

    listed = versions.list_versions(con).set_index("id")
    assert listed.loc[r1, "zurueck_auf"] == a and listed.loc[r1, "zeilen_entfernt"] == 22
    assert listed.loc[b, "zurueckgenommen_von"] == r1
    assert listed.loc[r2, "art"] == "ruecknahme"
    with pytest.raises(versions.VersionError):
        versions.rollback(con, versions.current_version(con), "admin")


def test_nothing_is_lost_every_value_ever_imported_stays_in_the_history(con):
    v1 = versions.apply_import(con, NEW_INDICATOR, kreis_values(con, start=1), "a", "v1.xlsx")
    ind = one(con, "SELECT id FROM indikator WHERE version_id = ?", [v1])
    v2 = versions.apply_import(con, {"id": ind, "stand": "2024-01-31"}, kreis_values(con, start=2), "a", "v2.xlsx")
    versions.rollback(con, 0, "a")
    # both generations of values are in the history with the versions they were valid for
    hist = con.execute(
        "SELECT wert, gueltig_ab, gueltig_bis FROM beobachtung_historie WHERE indikator = ? AND schluessel = ?",
        [ind, JENA],
    ).fetchall()
    assert sorted(hist) == sorted([(1.2, v1, v2), (2.2, v2, v2 + 1)])  # Jena is the third Kreis
    added, removed = versions.changes(con, v2, "beobachtung")
    assert len(added) == 22 and len(removed) == 22


def test_record_change_versions_the_planungsraum_tables(con):
    con.execute("INSERT INTO planungsraum_definition (id, kreis, name, beispiel) VALUES (900, '16053', 'Test', false)")
    con.execute("INSERT INTO planungsraum_member VALUES (900, 'Mitte', '16053000')")
    vid = versions.record_change(con, "planer", "Planungsräume Jena gespeichert", {"name": "Test"})
    v = versions.list_versions(con).iloc[0]
    assert v["id"] == vid and v["art"] == "aenderung" and v["zeilen_neu"] == 2
    versions.rollback(con, vid - 1, "planer")
    assert one(con, "SELECT count(*) FROM planungsraum_definition WHERE id = 900") == 0
    # the example Gliederung that the build puts in is the starting state: a rollback keeps it
    assert one(con, "SELECT count(*) FROM planungsraum_definition WHERE beispiel") >= 1


def test_a_rejected_import_changes_nothing(path):
    before = table_hashes(path)
    con = duckdb.connect(str(path))
    try:
        bad_key = kreis_values(con)
        bad_key.loc[0, "schluessel"] = "99999"
        with pytest.raises(versions.ImportRejected, match="unbekannt"):
            versions.apply_import(con, NEW_INDICATOR, bad_key, "a", "x.csv")
        doubled = pd.concat([kreis_values(con)] * 2)
        with pytest.raises(versions.ImportRejected, match="doppelt"):
            versions.apply_import(con, NEW_INDICATOR, doubled, "a", "x.csv")
        with pytest.raises(versions.ImportRejected, match="Lebenslage"):
            versions.apply_import(con, dict(NEW_INDICATOR, lebenslage="gibtsnicht"), kreis_values(con), "a", "x")
    finally:
        con.close()
    assert table_hashes(path) == before


def test_an_error_half_way_through_rolls_everything_back(path, monkeypatch):
    before = table_hashes(path)

    def boom(*_a, **_k):
        raise RuntimeError("Stromausfall")

    monkeypatch.setattr(versions, "_sync_history", boom)  # after the rows are written, before the commit
    with pytest.raises(RuntimeError):
        with db.writing(path) as con:
            versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "a", "x.xlsx")
    assert table_hashes(path) == before
    con = duckdb.connect(str(path))
    try:
        with pytest.raises(RuntimeError):
            versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "a", "x.xlsx")
    finally:
        con.close()
    assert table_hashes(path) == before


KILL_SCRIPT = textwrap.dedent("""
    import sys
    import time
    import pandas as pd
    from sozialatlas.store import db
    from sozialatlas.store import versions
    path, mode = sys.argv[1], sys.argv[2]
    ind = {"name": "Großer Import", "lebenslage": "wohnen", "einheit": "Prozent", "polaritaet": "neutral",
           "quelle": "Test", "stand": "2020", "lizenz": "intern", "aggregation": "keine"}

    def pause():
        print("IMPORT-PAUSE", file=sys.stderr, flush=True)
        time.sleep(60)

    versions.after_rows_written = pause

    def big(con):
        keys = [r[0] for r in con.execute(
            "SELECT schluessel FROM region WHERE ebene = 'gemeinde' AND gebietsstand = '2021-12-31'").fetchall()]
        return pd.DataFrame([{"ebene": "gemeinde", "schluessel": k, "gebietsstand": "2021-12-31", "jahr": j,
                              "wert": j / 100} for k in keys for j in range(1990, 2026)])

    if mode == "direkt":
        con = db.connect(path, read_only=False)
        versions.apply_import(con, ind, big(con), "kill", "gross.csv")
        con.close()
    else:
        with db.writing(path) as con:
            versions.apply_import(con, ind, big(con), "kill", "gross.csv")
""")


@pytest.mark.parametrize("mode", ["direkt", "kopie"])
def test_kill_minus_9_inside_the_import_leaves_the_database_exactly_as_before(path, mode):
    before = table_hashes(path)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(path), mode], cwd=paths.ROOT, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.time() + 60
        line = ""
        while "IMPORT-PAUSE" not in line and time.time() < deadline:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "import ended before the pause"
        assert "IMPORT-PAUSE" in line
        # the rows are written inside the open transaction now
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert table_hashes(path) == before
    # and the database works on: the next import succeeds (and cleans up what the killed one left)
    with db.writing(path) as con:
        versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "a", "x.xlsx")
    assert not list(path.parent.glob(path.name + ".schreiben-*"))


def test_two_writers_at_once_both_land(path):
    """The second import waits for the first (lock) instead of overwriting it with an older copy."""
    script = textwrap.dedent("""
        import sys
        import time
        import pandas as pd
        from sozialatlas.store import db
        from sozialatlas.store import versions
        from tests.versions_helpers import NEW_INDICATOR, kreis_values
        if sys.argv[2] == "Langsam":
            def pause():
                print("IMPORT-PAUSE", file=sys.stderr, flush=True)
                time.sleep(2)
            versions.after_rows_written = pause
        with db.writing(sys.argv[1]) as con:
            versions.apply_import(con, dict(NEW_INDICATOR, name=sys.argv[2]), kreis_values(con), "p", "p.csv")
    """)
    slow = subprocess.Popen(
        [sys.executable, "-c", script, str(path), "Langsam"],
        cwd=paths.ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert "IMPORT-PAUSE" in slow.stderr.readline()
    fast = subprocess.run(
        [sys.executable, "-c", script, str(path), "Schnell"], cwd=paths.ROOT, capture_output=True, text=True, timeout=60
    )
    slow.wait(60)
    assert slow.returncode == 0 and fast.returncode == 0, fast.stderr
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert {r[0] for r in con.execute("SELECT name FROM indikator WHERE version_id IS NOT NULL").fetchall()} == {
            "Langsam",
            "Schnell",
        }
        assert one(con, "SELECT count(*) FROM dataset_version") == 2
    finally:
        con.close()


def test_a_rebuild_keeps_everything_user_made_and_takes_new_official_data(db_path, tmp_path):
    """data/ changes (a corrected official value); the rebuilt database has it, and all user data."""
    path = copy_db(db_path, tmp_path)
    con = duckdb.connect(str(path))
    own = versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "a", "a.xlsx")
    override = versions.apply_import(
        con, {"id": "schuldnerquote"}, kreis_values(con, jahr=2021, start=99.0).assign(stand="2021"), "a", "b.csv"
    )
    con.execute("INSERT INTO planungsraum_definition (id, kreis, name, beispiel) VALUES (900, '16053', 'Mein', false)")
    con.execute("INSERT INTO planungsraum_member VALUES (900, 'Mitte', '16053000')")
    pr = versions.record_change(con, "a", "Planungsräume gespeichert", {})
    n_versions = one(con, "SELECT count(*) FROM dataset_version")
    n_hist = one(con, "SELECT count(*) FROM beobachtung_historie")
    con.close()

    data_dir = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data_dir)
    inkar = data_dir / "beobachtungen" / "inkar.csv"
    lines = inkar.read_text(encoding="utf-8").splitlines(keepends=True)
    head = lines[0].rstrip("\n").split(",")
    idx = {c: i for i, c in enumerate(head)}

    def is_target(cells, jahr, key):
        return (
            cells[idx["indikator"]] == "schuldnerquote"
            and cells[idx["ebene"]] == "kreis"
            and cells[idx["jahr"]] == jahr
            and cells[idx["schluessel"]] == key
        )

    changed = 0
    for i, line in enumerate(lines[1:], 1):
        cells = line.rstrip("\n").split(",")
        if is_target(cells, "2021", "16051") or is_target(cells, "2020", JENA):
            cells[idx["wert"]] = "77.7"
            lines[i] = ",".join(cells) + "\n"
            changed += 1
    assert changed == 2
    inkar.write_text("".join(lines), encoding="utf-8")

    db.build(path, data_dir=data_dir)
    con = duckdb.connect(str(path))
    try:
        assert one(con, "SELECT count(*) FROM dataset_version") == n_versions
        assert one(con, "SELECT count(*) FROM beobachtung_historie") == n_hist
        assert one(con, "SELECT count(*) FROM beobachtung WHERE version_id = ?", [own]) == 22
        assert official(con, jahr=2020) == 77.7  # new official value where the user changed nothing
        assert official(con, jahr=2021, key="16051") == 99.0  # the user's value still wins over the new one
        assert one(con, "SELECT name FROM planungsraum_definition WHERE id = 900") == "Mein"
        # rolling back the user's correction reveals the NEW official value, not the old one
        versions.rollback(con, override - 1, "a")
        assert official(con, jahr=2021, key="16051") == 77.7
        assert one(con, "SELECT count(*) FROM planungsraum_definition WHERE id = 900") == 0
        assert pr > override
    finally:
        con.close()


def test_build_of_an_unreadable_file_refuses_and_only_neu_sets_it_aside(tmp_path):
    path = tmp_path / "kaputt.duckdb"
    path.write_bytes(b"kein duckdb" * 100)
    with pytest.raises(db.CorruptDatabase) as exc:
        db.build(path)
    text = str(exc.value)
    assert "beschädigt" in text and "build --neu" in text and "zurücklegen" in text
    assert path.read_bytes() == b"kein duckdb" * 100 and not list(tmp_path.glob("*.defekt-*"))
    db.build(path, neu=True)
    assert db.is_current(path)
    assert [p.name.startswith("kaputt.duckdb.defekt-") for p in tmp_path.iterdir()].count(True) == 1


def test_a_truncated_admin_db_with_user_data_is_never_silently_rebuilt(db_path, tmp_path, capsys):
    from tests.import_helpers import run_inprocess

    path = copy_db(db_path, tmp_path, "verwaltung.duckdb")
    with db.writing(path) as con:
        versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "a", "a.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    before = path.read_bytes()
    with pytest.raises(db.CorruptDatabase):
        db.ensure(path)
    code, _out, err = run_inprocess(capsys, "build", "--db", path)
    assert code == 2 and "Verwaltungsdatenbank" in err and "--neu" in err
    assert path.read_bytes() == before, "the damaged file stays where it is, byte for byte"
    code, _out, err = run_inprocess(capsys, "build", "--db", path, "--neu")
    assert code == 0, err
    assert "nicht lesbar" in err
    aside = list(tmp_path.glob("verwaltung.duckdb.defekt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == before


def test_unchanged_rows_are_not_counted_and_the_version_list_reads_well(con):
    obs = kreis_values(con)
    versions.apply_import(con, NEW_INDICATOR, obs, "a", "a.xlsx")
    ind = one(con, "SELECT id FROM indikator WHERE version_id IS NOT NULL")
    obs2 = obs.copy()
    obs2.loc[0, "wert"] = 1234.5
    versions.apply_import(con, {"id": ind, "stand": "2023-12-31"}, obs2, "a", "b.xlsx")
    row = versions.list_versions(con).iloc[0].to_dict()
    assert (row["zeilen_neu"], row["zeilen_geaendert"], row["zeilen_entfernt"]) == (0, 1, 0)
    assert versions.summary(row) == "Werte: 1 geändert (Kreise; Jahr 2023)"
    assert versions.status(row) == "gültig"


def test_rebuild_and_publish_whatever_the_files_are_called(db_path, tmp_path):
    """A database file's name is also its catalogue name in DuckDB; it must not clash with ours."""
    from sozialatlas.store import publish

    path = copy_db(db_path, tmp_path, "alte_datenbank.duckdb")
    with db.writing(path) as con:
        versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "a", "a.xlsx")
    db.build(path)
    assert not list(tmp_path.glob("*.defekt-*"))
    out = publish.write_snapshot(path, tmp_path / "verwaltung.duckdb")
    assert out["version"] == "1"
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert one(con, "SELECT count(*) FROM beobachtung WHERE version_id = 1") == 22
    finally:
        con.close()
