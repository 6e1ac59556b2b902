"""The public instance (SOZIALATLAS_PUBLIC=1) and published snapshots have no write path at all."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import duckdb
import pytest

from sozialatlas import paths, settings
from sozialatlas.store import db, publish, versions
from tests.versions_helpers import NEW_INDICATOR, copy_db, file_hash, kreis_values, table_hashes


@pytest.fixture(scope="module")
def admin_db(db_path, tmp_path_factory):
    """An admin database with one imported indicator."""
    path = copy_db(db_path, tmp_path_factory.mktemp("admin"), "admin.duckdb")
    with db.writing(path) as con:
        versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "Frau Planer", "kita.xlsx")
    return path


@pytest.fixture(scope="module")
def snapshot(admin_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("public") / "oeffentlich.duckdb"
    publish.write_snapshot(admin_db, out)
    return out


@pytest.fixture
def public(monkeypatch, snapshot):
    monkeypatch.setenv(settings.PUBLIC_ENV, "1")
    monkeypatch.setenv("SOZIALATLAS_DB", str(snapshot))
    return snapshot


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "sozialatlas", *map(str, args)],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, **(env or {})),
    )


# --- the snapshot -------------------------------------------------------------------------------


def test_snapshot_holds_the_current_state_and_says_what_it_is(admin_db, snapshot):
    assert not os.stat(snapshot).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), "file is read-only"
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        assert meta["snapshot"] == "ja" and meta["version"] == "1"
        assert meta["data_hash"] == db.data_hash() and meta["veroeffentlicht_am"]
        assert con.execute("SELECT count(*) FROM beobachtung WHERE version_id = 1").fetchone()[0] == 22
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        # history, replaced rows and who-did-what stay on the admin instance
        assert not {t for t in tables if t.endswith(("_historie", "_verdeckt"))}
        assert con.execute("SELECT count(*) FROM dataset_version").fetchone()[0] == 0
        assert versions.current_version(con) == 1
    finally:
        con.close()
    admin = table_hashes(admin_db)
    snap = table_hashes(snapshot)
    for t in ("beobachtung", "indikator", "region"):
        assert snap[t] == admin[t], t
    # same rows; only admin names and original file names are blanked (see the test below)
    for t in ("quelle", "planungsraum_definition"):
        assert snap[t][0] == admin[t][0], t


def test_cli_publish_writes_a_snapshot(admin_db, tmp_path):
    out = tmp_path / "pub.duckdb"
    r = run_cli("publish", "--db", admin_db, "--out", out)
    assert r.returncode == 0, r.stderr
    assert db.is_snapshot(out)


# --- nothing writes into a snapshot or on a public instance --------------------------------------


@pytest.mark.parametrize("public_env", ["1", ""])
def test_cli_import_and_build_against_a_snapshot_fail_in_german_and_change_nothing(snapshot, tmp_path, public_env):
    csv = tmp_path / "werte.csv"
    csv.write_text("AGS;Jahr;Wert\n16053;2023;1,5\n", encoding="utf-8")
    before = file_hash(snapshot)
    siblings = sorted(p.name for p in snapshot.parent.iterdir())
    env = {settings.PUBLIC_ENV: public_env}
    r = run_cli(
        "import",
        csv,
        "--db",
        snapshot,
        "--name",
        "Neu",
        "--lebenslage",
        "familie",
        "--einheit",
        "Prozent",
        "--art",
        "quote",
        "--polaritaet",
        "neutral",
        "--quelle",
        "Test",
        "--stand",
        "2023",
        "--lizenz",
        "intern",
        env=env,
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert "schreibgeschützt" in r.stderr
    r = run_cli("build", "--db", snapshot, env=env)
    assert r.returncode == 2 and "schreibgeschützt" in r.stderr
    assert file_hash(snapshot) == before
    assert sorted(p.name for p in snapshot.parent.iterdir()) == siblings, "nothing created beside it"


def test_library_writes_raise_on_a_public_instance(db_path, tmp_path, monkeypatch):
    path = copy_db(db_path, tmp_path)
    before = table_hashes(path)
    con = duckdb.connect(str(path))  # even a read-write connection opened behind the app's back
    monkeypatch.setenv(settings.PUBLIC_ENV, "1")
    try:
        with pytest.raises(settings.ReadOnlyError, match="öffentlich"):
            versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "x", "x.csv")
        with pytest.raises(settings.ReadOnlyError):
            versions.record_change(con, "x", "x", {})
        with pytest.raises(settings.ReadOnlyError):
            versions.rollback(con, 0, "x")
    finally:
        con.close()
    with pytest.raises(settings.ReadOnlyError):
        db.connect(path, read_only=False)
    with pytest.raises(settings.ReadOnlyError):
        with db.writing(path):
            pass
    with pytest.raises(settings.ReadOnlyError):
        db.build(path)
    with pytest.raises(settings.ReadOnlyError):
        publish.write_snapshot(path, tmp_path / "x.duckdb")
    assert table_hashes(path) == before


def test_planungsraum_save_raises_on_a_public_instance_and_writes_nothing(db_path, tmp_path, monkeypatch):
    planungsraum = pytest.importorskip("sozialatlas.areas.planungsraum")
    import pandas as pd

    path = copy_db(db_path, tmp_path)
    before = table_hashes(path)
    con = duckdb.connect(str(path))
    monkeypatch.setenv(settings.PUBLIC_ENV, "1")
    try:
        with pytest.raises(settings.ReadOnlyError):
            planungsraum.save(con, "16053", "Jena", pd.DataFrame({"ags": ["16053000"], "planungsraum": ["Jena"]}))
    finally:
        con.close()
    assert table_hashes(path) == before


def test_library_writes_into_a_snapshot_raise_even_without_the_public_setting(snapshot, tmp_path):
    copy = tmp_path / "snap.duckdb"
    copy.write_bytes(snapshot.read_bytes())
    before = table_hashes(copy)
    con = duckdb.connect(str(copy))
    try:
        with pytest.raises(settings.ReadOnlyError, match="Schnappschuss"):
            versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "x", "x.csv")
    finally:
        con.close()
    assert table_hashes(copy) == before
    with pytest.raises(publish.PublishError):
        publish.write_snapshot(copy, tmp_path / "again.duckdb")


# --- the app ---------------------------------------------------------------------------------------


def _public_app(monkeypatch):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def test_public_app_has_no_admin_pages(public, monkeypatch):
    at = _public_app(monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Sozialatlas Thüringen"
    for page in ("app_pages/import.py", "app_pages/versionen.py", "app_pages/planungsraeume.py"):
        with pytest.raises(ValueError, match="Could not find"):
            at.switch_page(page)
    at.switch_page("app_pages/kreisvergleich.py").run()
    assert not at.exception
    assert not at.get("file_uploader")


def test_admin_app_has_them(db_path, monkeypatch):
    monkeypatch.delenv(settings.PUBLIC_ENV, raising=False)
    monkeypatch.setenv("SOZIALATLAS_DB", str(db_path))
    at = _public_app(monkeypatch)
    at.switch_page("app_pages/import.py").run()
    assert not at.exception and at.title[0].value == "Import"


def test_public_app_without_snapshot_explains_and_builds_nothing(monkeypatch, tmp_path):
    missing = tmp_path / "fehlt.duckdb"
    monkeypatch.setenv(settings.PUBLIC_ENV, "1")
    monkeypatch.setenv("SOZIALATLAS_DB", str(missing))
    at = _public_app(monkeypatch)
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert "fehlt" in text and "publish" in text
    assert not missing.exists() and not list(tmp_path.iterdir())


def test_a_corrupt_snapshot_shows_a_german_page_without_paths(monkeypatch, tmp_path):
    broken = tmp_path / "oeffentlich.duckdb"
    broken.write_bytes(b"kein duckdb, abgeschnitten" * 500)
    monkeypatch.setenv(settings.PUBLIC_ENV, "1")
    monkeypatch.setenv("SOZIALATLAS_DB", str(broken))
    at = _public_app(monkeypatch)
    assert not at.exception, "no Streamlit error page"
    text = " ".join(e.value for e in at.error)
    assert "gerade nicht verfügbar" in text and str(tmp_path) not in text
    assert broken.read_bytes() == b"kein duckdb, abgeschnitten" * 500


def test_a_corrupt_admin_db_stops_the_app_with_the_recovery_steps(monkeypatch, tmp_path):
    broken = tmp_path / "verwaltung.duckdb"
    broken.write_bytes(b"kein duckdb" * 500)
    monkeypatch.delenv(settings.PUBLIC_ENV, raising=False)
    monkeypatch.setenv("SOZIALATLAS_DB", str(broken))
    at = _public_app(monkeypatch)
    assert not at.exception
    text = " ".join(e.value for e in at.error)
    assert "beschädigt" in text and "build --neu" in text
    assert broken.read_bytes() == b"kein duckdb" * 500 and not list(tmp_path.glob("*.defekt-*"))


def test_public_start_refuses_uploads_and_the_proxy_closes_metrics():
    """What can be checked without a proxy: the start path sets the upload limit to 0, the operations
    manual carries the proxy rules for the endpoints Streamlit cannot switch off."""
    start = (paths.ROOT / "start.sh").read_text(encoding="utf-8")
    assert "--server.maxUploadSize 0" in start
    betrieb = (paths.ROOT / "docs" / "BETRIEB.md").read_text(encoding="utf-8")
    assert "location /_stcore/metrics { return 404; }" in betrieb
    assert "location /_stcore/upload_file { return 403; }" in betrieb


def test_config_keeps_the_browser_at_home():
    import tomllib

    cfg = tomllib.loads((paths.ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["client"]["toolbarMode"] == "viewer"


def test_snapshot_strips_admin_names_and_original_file_names(db_path, tmp_path):
    """BETRIEB.md promises: who changed what stays on the admin instance (issue 14, item 8)."""
    path = copy_db(db_path, tmp_path, "verwaltung.duckdb")
    with db.writing(path) as con:
        versions.apply_import(con, NEW_INDICATOR, kreis_values(con), "Frau Geheimname", "kita_intern_2023.xlsx")
        con.execute(
            "INSERT INTO planungsraum_definition (id, kreis, name, beispiel, erstellt_von) "
            "VALUES (900, '16053', 'Mein', false, 'Frau Geheimname')"
        )
        con.execute("INSERT INTO planungsraum_member VALUES (900, 'Mitte', '16053000')")
        versions.record_change(con, "Frau Geheimname", "planungsraum_gespeichert", {"name": "Mein"})
    out = publish.write_snapshot(path, tmp_path / "oeffentlich.duckdb")["datei"]
    con = duckdb.connect(out, read_only=True)
    try:
        found = []
        for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND data_type = 'VARCHAR'"
        ).fetchall():
            n = con.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" LIKE \'%Geheimname%\' '
                f"OR \"{column}\" LIKE '%kita_intern%'"
            ).fetchone()[0]
            if n:
                found.append((table, column, n))
        assert found == []
        assert con.execute("SELECT count(*) FROM planungsraum_definition WHERE id = 900").fetchone()[0] == 1
    finally:
        con.close()
