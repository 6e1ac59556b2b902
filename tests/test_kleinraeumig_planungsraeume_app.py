"""AppTest of the admin page Planungsräume verwalten, on a copy of the test database."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from sozialatlas import paths

PAGE = "app_pages/planungsraeume.py"
KREIS = "16073"
DREI = ["16073077", "16073074", "16073005"]  # Saalfeld/Saale, Rudolstadt, Bad Blankenburg


@pytest.fixture
def admin_db(db_path, tmp_path, monkeypatch):
    path = tmp_path / "admin.duckdb"
    shutil.copyfile(db_path, path)
    monkeypatch.setenv("SOZIALATLAS_DB", str(path))
    monkeypatch.setenv("SOZIALATLAS_ADMIN_OPEN", "1")
    return path


def _app(query: dict | None = None):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _errors(at) -> str:
    """The error messages as read (names from data and files are Markdown-escaped on the page)."""
    return " ".join(e.value for e in at.error).replace("\\", "")


def _definitions(path) -> list:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT name FROM planungsraum_definition ORDER BY id").fetchall()


def _arbeitslose(path, keys) -> float:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT sum(wert) FROM beobachtung WHERE indikator = 'arbeitslose' AND jahr = 2021 "
            "AND ebene = 'gemeinde' AND list_contains(?, schluessel)",
            [keys],
        ).fetchone()[0]


def test_group_three_gemeinden_save_and_see_the_summed_value(admin_db):
    at = _app({"pr_kreis": KREIS})
    at.text_input(key="pr_aktuell").input("Saaletal").run()
    liste = next(m for m in at.multiselect if m.label == "Gemeinden in „Saaletal“")
    liste.set_value(DREI).run()
    at.text_input(key="pr_name").input("Sozialräume 2024").run()
    at.button(key="pr_speichern").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert ("Sozialräume 2024",) in _definitions(admin_db)
    assert any("„Sozialräume 2024“ gespeichert" in s.value for s in at.success)
    table = next(t.value for t in at.table if t.value.index.name == "Planungsraum")
    assert list(table.index) == ["Saaletal"] and int(table["Gemeinden"].iloc[0]) == 3
    summe = int(_arbeitslose(admin_db, DREI))
    assert table.iloc[0, 1] == f"{summe:,}".replace(",", ".")  # unit in the header: "Wert (Personen)"
    # the same definition is offered on the public-facing page
    at.switch_page("app_pages/kleinraeumig.py").run()
    at.radio(key="kr_ebene").set_value("planungsraum").run()
    assert any("Sozialräume 2024" in str(o) for o in at.selectbox(key="kr_definition").options)


def test_problems_are_listed_in_german_and_nothing_is_written(admin_db):
    before = _definitions(admin_db)
    at = _app({"pr_kreis": KREIS})
    at.text_input(key="pr_name").input("").run()
    at.button(key="pr_speichern").click().run()
    text = _errors(at)
    assert "Nicht gespeichert" in text and "Namen" in text
    assert _definitions(admin_db) == before


def test_csv_import_with_errors_names_the_lines_and_writes_nothing(admin_db):
    before = _definitions(admin_db)
    at = _app({"pr_kreis": KREIS})
    bad = "AGS;Planungsraum\n16073077;Nord\n16051000;Nord\n1234;Süd\n".encode()
    at.file_uploader(key="pr_datei").set_value(("raeume.csv", bad, "text/csv")).run()
    at.text_input(key="pr_csv_name").input("Aus Datei").run()
    at.button(key="pr_import").click().run()
    text = _errors(at)
    assert "Zeile 4" in text and "kein Gemeindeschlüssel" in text
    assert _definitions(admin_db) == before


def test_csv_import_of_another_kreis_is_refused(admin_db):
    before = _definitions(admin_db)
    at = _app({"pr_kreis": KREIS})
    other = b"AGS;Planungsraum\n16073077;Nord\n16051000;Nord\n"
    at.file_uploader(key="pr_datei").set_value(("raeume.csv", other, "text/csv")).run()
    at.text_input(key="pr_csv_name").input("Aus Datei").run()
    at.button(key="pr_import").click().run()
    text = _errors(at)
    assert "Zeile 3" in text and "gehört nicht zu Saalfeld-Rudolstadt" in text
    assert _definitions(admin_db) == before


def test_csv_import_then_export_then_delete(admin_db):
    at = _app({"pr_kreis": KREIS})
    good = "AGS;Planungsraum\n16073077;Nord\n16073074;Nord\n16073005;Süd\n".encode("cp1252")
    at.file_uploader(key="pr_datei").set_value(("raeume.csv", good, "text/csv")).run()
    at.text_input(key="pr_csv_name").input("Aus Datei").run()
    at.button(key="pr_import").click().run()
    assert not at.error, [e.value for e in at.error]
    assert ("Aus Datei",) in _definitions(admin_db)
    table = next(t.value for t in at.table if t.value.index.name == "Planungsraum")
    assert sorted(table.index) == ["Nord", "Süd"]
    at.button(key="pr_loeschen").click().run()
    assert ("Aus Datei",) not in _definitions(admin_db)


def test_unknown_kreis_in_the_link_is_named_not_silently_replaced(admin_db):
    at = _app({"pr_kreis": "16999"})
    assert at.selectbox(key="pr_kreis").value == KREIS  # the example Kreis is shown …
    assert any("„16999“" in w.value and "gezeigt wird" in w.value for w in at.warning)  # … and said why
    assert at.query_params["pr_kreis"] == KREIS
