"""Unit tests (no Streamlit) of the Import page logic: what goes to the check, when a file is re-read or
re-checked, how the check reads and what the success message says."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sozialatlas.importer import meta as importer_meta
from sozialatlas.views import import_page as page


@dataclass
class Problem:
    row: int | None
    column: str | None
    feld: str | None
    message: str


def test_empty_fields_are_not_sent_so_the_check_names_them_as_missing():
    meta = {"name": "Kinder", "einheit": "", "art": None, "quelle": "Jugendamt"}
    assert page.given(meta) == {"name": "Kinder", "quelle": "Jugendamt"}


def test_the_check_is_redone_when_file_sheet_metadata_options_or_data_version_change():
    base = page.check_key("abc", None, {"name": "A", "stand": ""}, None, None, 1)
    assert base == page.check_key("abc", None, {"stand": "", "name": "A"}, None, None, 1)  # order, empties
    for other in (
        page.check_key("abd", None, {"name": "A"}, None, None, 1),
        page.check_key("abc", "Blatt 2", {"name": "A"}, None, None, 1),
        page.check_key("abc", None, {"name": "B"}, None, None, 1),
        page.check_key("abc", None, {"name": "A"}, "kreis", None, 1),
        page.check_key("abc", None, {"name": "A"}, None, "bis-2021-06-30", 1),
        page.check_key("abc", None, {"name": "A"}, None, None, 2),
    ):
        assert other != base


def test_a_rerun_for_another_widget_does_not_reread_the_file():
    store: dict = {}
    calls: list[int] = []

    def compute():
        calls.append(1)
        return f"Tabelle {len(calls)}"

    assert page.cached(store, "tabelle", ("abc", None), compute) == "Tabelle 1"
    assert page.cached(store, "tabelle", ("abc", None), compute) == "Tabelle 1"
    assert len(calls) == 1
    assert page.cached(store, "tabelle", ("neu", None), compute) == "Tabelle 2"  # another file
    assert page.cached(store, "pruefung", ("neu", None), compute) == "Tabelle 3"  # kinds are separate


def test_status_problems_first_then_empty_file_then_count():
    bad = page.status(2, 22)
    assert bad.kind == "error" and bad.text.startswith("2 Problem(e): so wird nichts gespeichert.")
    assert page.status(0, 0) == page.Status("warning", "Die Datei enthält keine Werte.")
    assert page.status(0, 22) == page.Status("success", "Keine Probleme: 22 Werte können importiert werden.")


def test_problem_table_names_row_and_column_or_the_form_field():
    t = page.problem_table(
        [
            Problem(3, "Wert", None, "„abc“ ist keine Zahl."),
            Problem(None, None, "lizenz", "Lizenz fehlt."),
            Problem(None, None, None, "Datei leer."),
        ]
    )
    assert list(t.columns) == ["Zeile", "Spalte", "Meldung"]
    assert t["Zeile"].tolist() == ["3", "", ""]
    assert t["Spalte"].tolist() == ["Wert", importer_meta.FIELDS["lizenz"][0], ""]
    assert page.problem_table([]).empty


def test_art_hint_only_while_the_choice_differs_from_the_unit():
    vorschlag, grund = importer_meta.propose_art("Prozent")
    assert vorschlag is not None
    assert page.art_hint("Prozent", None) == grund
    assert page.art_hint("Prozent", vorschlag) is None


def test_existing_indicator_without_quelle_takes_its_own_source():
    inds = pd.DataFrame({"id": ["schuldnerquote", "x"], "quelle": ["creditreform", None]})
    assert page.default_quelle({"id": "schuldnerquote"}, inds) == "creditreform"
    assert page.default_quelle({"id": "x"}, inds) == ""


def test_texts_and_options():
    e = page.ergebnis(7, {"name": None}, 22)
    assert e == {"version": 7, "name": "", "werte": 22}
    assert page.success_text(e) == "Importiert als Version 7: 22 Werte."
    assert page.preview_caption(5, 20) == "Die ersten 5 von 5 Werten, so wie sie gespeichert würden."
    assert page.preview_caption(500, 20).startswith("Die ersten 20 von 500")
    assert page.not_imported_text("X") == "Nicht importiert, die Datenbank ist unverändert: X"
    label = page.ebene_label({"kreis": "Kreise"})
    assert label(None) == "automatisch erkennen" and label("kreis") == "Kreise"
    assert page.EBENEN[0] is None and page.GEBIETSSTAENDE[0] is None  # „automatisch erkennen“ is the default
    assert set(page.GEBIETSSTAND_TEXT) == set(page.GEBIETSSTAENDE)
    assert page.MODI == {"neu": "Neuer Indikator", "vorhanden": "Vorhandenen Indikator ergänzen"}
