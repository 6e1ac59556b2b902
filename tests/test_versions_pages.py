"""AppTest of the admin pages: Import (check before write, then one version), Versionen (list, rollback
with confirmation) and the lock in front of them."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from sozialatlas import paths, settings
from tests.versions_helpers import copy_db, kreis_xlsx, table_hashes, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL = "<script>alert(1)</script>"


@pytest.fixture
def admin_db(db_path, tmp_path, monkeypatch):
    path = copy_db(db_path, tmp_path, "admin.duckdb")
    monkeypatch.setenv("SOZIALATLAS_DB", str(path))
    monkeypatch.delenv(settings.PUBLIC_ENV, raising=False)
    return path


@pytest.fixture
def open_admin(admin_db, monkeypatch):
    monkeypatch.setenv(settings.ADMIN_OPEN_ENV, "1")
    return admin_db


def app(page: str | None = None, secrets: dict | None = None):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=90)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def fill_new_indicator(at, name: str):
    at.text_input(key="import_name").set_value(name)
    at.text_input(key="import_einheit").set_value("Prozent")
    at.radio(key="import_art").set_value("quote")
    at.text_input(key="import_quelle").set_value("Jugendamt, eigene Erhebung")
    at.text_input(key="import_stand").set_value("31.12.2023")
    at.text_input(key="import_lizenz").set_value("intern")
    return at.run()


def marked_up(at) -> list[str]:
    """Every element whose text is rendered as Markdown."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def upload(at, content: bytes, name: str = "werte.xlsx"):
    at.file_uploader[0].set_value((name, content, XLSX)).run()
    assert not at.exception, at.exception
    return at


def test_a_bad_file_shows_every_problem_and_offers_no_import(open_admin):
    bad = xlsx_bytes([["AGS", "Jahr", "Wert"], ["16053", 2023, 1.5], ["99999", 2023, 2.0], ["16051", 2023, "viel"]])
    before = table_hashes(open_admin)
    at = upload(app("app_pages/import.py"), bad)
    at = fill_new_indicator(at, "Testindikator")
    problems = at.dataframe[0].value
    assert list(problems.columns) == ["Zeile", "Spalte", "Meldung"]
    assert set(problems["Zeile"]) >= {"3", "4"}, problems
    assert not [b for b in at.button if b.label == "Importieren"]
    assert table_hashes(open_admin) == before


def test_import_through_the_page_then_kreisvergleich_shows_it_then_rollback_removes_it(open_admin):
    con = duckdb.connect(str(open_admin), read_only=True)
    content, values = kreis_xlsx(con, start=30.0)
    con.close()
    at = upload(app("app_pages/import.py"), content)
    assert "Tabellenblatt „Daten“" in at.text[0].value
    # before the metadata is complete: a report, and no button
    assert not [b for b in at.button if b.label == "Importieren"]
    at = fill_new_indicator(at, EVIL)
    assert any("Keine Probleme: 22 Werte" in s.value for s in at.success)
    preview = at.dataframe[0].value
    assert len(preview) == 20 and "Gebiet" in preview.columns
    at.button(key="import_los").click().run()
    assert not at.exception, at.exception
    assert any("Importiert als Version 1" in s.value for s in at.success)
    assert f"Indikator: {EVIL}" in [t.value for t in at.text]  # st.text: the name as characters
    assert not at.file_uploader[0].value, "a fresh upload field after the import"
    assert not any("<script>" in m for m in marked_up(at)), "data text must not reach Markdown unescaped"

    at.switch_page("app_pages/kreisvergleich.py").run()
    at.selectbox(key="lebenslage").set_value("familie").run()
    assert EVIL in at.selectbox(key="indikator").options
    at.selectbox(key="indikator").set_value("script_alert_1_script").run()
    assert not at.exception, at.exception
    from sozialatlas.ui import htmltable

    kreise = [t for t in htmltable.tables(at) if any(str(i).startswith("Jena") for i in t.index)][0]
    jena = kreise.loc[[i for i in kreise.index if str(i).startswith("Jena")][0]]
    assert f"{values['16053']:.1f}".replace(".", ",") in " ".join(map(str, jena.values))

    at.switch_page("app_pages/versionen.py").run()
    assert not at.exception, at.exception
    table = at.table[0].value
    assert table.loc["1", "Was"].replace("\\", "") == f"Import: {EVIL}" and table.loc["1", "neu"] == 22
    assert not any("<script>" in m for m in marked_up(at))
    # a rollback asks first; "Abbrechen" changes nothing
    before = table_hashes(open_admin)
    at.selectbox(key="versionen_ziel").set_value(0).run()
    at.button(key="versionen_zuruecksetzen").click().run()
    assert any("Wirklich auf den Ausgangsstand zurücksetzen?" in w.value for w in at.warning)
    at.button(key="versionen_abbrechen").click().run()
    assert not at.warning and table_hashes(open_admin) == before
    at.button(key="versionen_zuruecksetzen").click().run()
    at.button(key="versionen_ja").click().run()
    assert not at.exception, at.exception
    assert any("Zurückgesetzt: neue Version 2" in s.value for s in at.success)
    assert at.table[0].value.loc["1", "Status"] == "zurückgenommen durch Version 2"

    at.switch_page("app_pages/kreisvergleich.py").run()
    at.selectbox(key="lebenslage").set_value("familie").run()
    assert EVIL not in at.selectbox(key="indikator").options


def test_without_a_password_the_admin_pages_stay_locked_and_say_how_to_open_them(admin_db, monkeypatch):
    monkeypatch.delenv(settings.ADMIN_OPEN_ENV, raising=False)
    for page in ("app_pages/import.py", "app_pages/versionen.py"):
        at = app(page)
        text = " ".join(w.value for w in at.warning)
        # plain German whom to ask (issue 15.10) — no shell commands for office staff
        assert "wenden Sie sich an" in text and "docs/BETRIEB.md" in text
        assert "python -c" not in text and "SOZIALATLAS_ADMIN_OPEN" not in text and "`" not in text
        assert not at.file_uploader and not at.table


def test_password_login(admin_db, monkeypatch):
    monkeypatch.delenv(settings.ADMIN_OPEN_ENV, raising=False)
    monkeypatch.setattr(settings, "LOGIN_THROTTLE", settings.LoginThrottle())
    secret = {"admin": {"password_sha256": hashlib.sha256(b"geheim 123").hexdigest()}}
    at = app("app_pages/import.py", secrets=secret)
    assert not at.file_uploader
    assert any("alten Format" in w.value for w in at.warning), "old password entries get a German warning"
    at.text_input(key="admin_name").set_value("Frau Planer")
    at.text_input(key="admin_passwort").set_value("falsch")
    at.button[0].click().run()
    assert any("falsch" in e.value for e in at.error) and not at.file_uploader
    at.text_input(key="admin_passwort").set_value("geheim 123")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.file_uploader, "the import page opens after the right password"
    at.switch_page("app_pages/versionen.py").run()
    assert not at.warning or "password" not in at.warning[0].value


def test_scrypt_login_with_the_cli_entry_and_old_entries_still_read_with_a_warning(capsys, monkeypatch):
    import io

    from sozialatlas import cli

    monkeypatch.setattr("sys.stdin", io.StringIO("ein langes Passwort\n"))
    assert cli.main(["passwort", "--stdin"]) == 0
    out = capsys.readouterr().out
    assert "ein langes Passwort" not in out
    entry = out.split('password_scrypt = "')[1].split('"')[0]
    admin = {"password_scrypt": entry}
    assert settings.check_password("ein langes Passwort", admin) and not settings.check_password("ein langes", admin)
    assert settings.password_configured(admin) and settings.password_deprecation(admin) is None
    # salted: the same password gives another entry each time
    assert settings.hash_password("x") != settings.hash_password("x")
    old = {"password_sha256": hashlib.sha256(b"geheim").hexdigest()}
    assert settings.check_password("geheim", old)
    assert "alten Format" in (settings.password_deprecation(old) or "")


def test_failed_logins_slow_down_the_whole_server_and_are_logged_without_the_password(caplog):
    waits = []
    throttle = settings.LoginThrottle(sleep=waits.append)
    admin = {"password_scrypt": settings.hash_password("richtig richtig")}
    with caplog.at_level("WARNING", logger="sozialatlas.anmeldung"):
        for _ in range(5):
            assert not throttle.attempt("Mallory", "geraten-123", admin)
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0], "every failure in a row doubles the wait"
    assert "geraten-123" not in caplog.text and caplog.text.count("Fehlgeschlagene Anmeldung") == 5
    assert "Mallory" in caplog.text
    assert throttle.attempt("Frau Planer", "richtig richtig", admin) and throttle.delay() == 0


def test_parallel_sessions_share_one_throttle():
    """Ten sessions guessing at once wait in one queue: the total wait grows like one session's."""
    import threading

    waits = []
    throttle = settings.LoginThrottle(sleep=waits.append, max_delay=1000)
    admin = {"password": "x" * 12}
    threads = [threading.Thread(target=throttle.attempt, args=("n", "falsch", admin)) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == [0.5 * 2**i for i in range(10)]


def test_password_check():
    h = hashlib.sha256(b"geheim").hexdigest()
    assert settings.check_password("geheim", {"password_sha256": h})
    assert settings.check_password("geheim", {"password_sha256": h.upper()})
    assert not settings.check_password("Geheim", {"password_sha256": h})
    assert settings.check_password("klartext", {"password": "klartext"})
    assert not settings.check_password("", {"password": ""})
    assert not settings.check_password("x", {})
    assert not settings.password_configured({"password_sha256": " "})


def test_values_for_an_existing_indicator_from_the_second_sheet(open_admin):
    con = duckdb.connect(str(open_admin), read_only=True)
    rows = [["AGS", "Jahr", "Wert"]] + [
        [k, 2024, 1.0 + i / 10]
        for i, (k, _n) in enumerate(
            con.execute(
                "SELECT schluessel, name FROM region WHERE ebene = 'kreis' AND gebietsstand = 'ab-2021-07-01' "
                "ORDER BY 1"
            ).fetchall()
        )
    ]
    con.close()
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Hinweise"
    wb.active.append(["Diese Mappe enthält Werte auf dem zweiten Blatt."])
    ws = wb.create_sheet("Werte 2024")
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)

    at = upload(app("app_pages/import.py"), buf.getvalue(), "zwei_blaetter.xlsx")
    at.selectbox(key="import_blatt").set_value("Werte 2024").run()
    assert "Werte 2024" in at.text[0].value
    at.radio(key="import_modus").set_value("vorhanden").run()
    at.selectbox(key="import_indikator").set_value("schuldnerquote").run()
    at.text_input(key="import_stand").set_value("31.12.2024").run()
    assert any("Keine Probleme: 22 Werte" in s.value for s in at.success), [e.value for e in at.error]
    at.button(key="import_los").click().run()
    assert any("Importiert als Version 1" in s.value for s in at.success)
    at.switch_page("app_pages/versionen.py").run()
    # (cells from data are Markdown-escaped by sozialatlas.ui.plain.table; the reader sees the plain text)
    assert at.table[0].value.loc["1", "Was"].replace("\\", "") == "Import: Schuldnerquote (Werte ergänzt)"


def test_markdown_escape():
    from sozialatlas.ui.plain import md

    # zero width space in "://": Streamlit autolinks the parsed text (tests/test_views_plain.py)
    assert md("<b>[x](http://a.b)</b> *k* $x$") == "\\<b\\>\\[x\\]\\(http\u200b\\://a\\.b\\)\\</b\\> \\*k\\* \\$x\\$"


def test_with_single_sign_on_configured_the_pages_wait_for_the_login(admin_db, monkeypatch):
    monkeypatch.delenv(settings.ADMIN_OPEN_ENV, raising=False)
    auth = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "sozialatlas",
        "client_secret": "geheim",
        "server_metadata_url": "https://login.example/.well-known/openid-configuration",
    }
    at = app("app_pages/import.py", secrets={"auth": auth, "admin": {"password": "wird nicht benutzt"}})
    assert [b.label for b in at.button] == ["Anmelden"]
    assert not at.file_uploader and not at.text_input
