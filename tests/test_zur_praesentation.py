"""„Zur Präsentation hinzufügen“ (sidebar on every atlas view, admin instance only): the shown view's
address becomes a Folie of a new or an existing Präsentation, checked with German errors, one version per
change, nothing written on error; the public instance has no such control."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from sozialatlas import paths, settings
from sozialatlas.store import db
from sozialatlas.store import praesentationen as store
from sozialatlas.ui import zur_praesentation as zp
from sozialatlas.views import praesentation as pv

PAGE = "app_pages/kreisvergleich.py"
LINK = {"indikator": "schuldnerquote", "jahr": "2019", "gebietsstand": "22"}


@pytest.fixture
def admin_db(db_path, tmp_path, monkeypatch):
    path = tmp_path / "admin.duckdb"
    shutil.copyfile(db_path, path)
    monkeypatch.setenv("SOZIALATLAS_DB", str(path))
    monkeypatch.setenv(settings.ADMIN_OPEN_ENV, "1")
    monkeypatch.delenv(settings.PUBLIC_ENV, raising=False)
    return path


def _decks(path):
    with duckdb.connect(str(path), read_only=True) as c:
        satz = c.execute("SELECT id, titel FROM praesentation_satz ORDER BY id").fetchall()
        folien = c.execute(
            "SELECT satz, nr, titel, kernaussage, url FROM praesentation_folie ORDER BY satz, nr"
        ).fetchall()
        n_versions = c.execute("SELECT count(*) FROM dataset_version").fetchone()[0]
    return satz, folien, n_versions


def _open(query: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=90)
    at.switch_page(PAGE)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _expander(at):
    found = [e for e in at.sidebar.expander if e.label == "Zur Präsentation hinzufügen"]
    return found[0] if found else None


def test_current_url_only_for_atlas_views():
    assert zp.current_url("kreisvergleich", {"indikator": "schuldnerquote", "jahr": "2019"}) == (
        "/kreisvergleich?indikator=schuldnerquote&jahr=2019"
    )
    assert zp.current_url("", {}) == "/start"  # the default page has the empty url_path
    for admin_or_mode in ("praesentationen", "import", "versionen", "praesentationsmodus", "ziele"):
        assert zp.current_url(admin_or_mode, {}) is None


def test_append_checks_only_the_new_folie_in_german(con):
    ok = {"titel": "Schulden", "kernaussage": "Süden höher.", "url": "/kreisvergleich?indikator=schuldnerquote"}
    with pytest.raises(pv.PraesentationInputError) as exc:
        pv.append_folie(con, None, [], ok, neuer_titel="  ")
    assert exc.value.fehler == ["Titel der neuen Präsentation fehlt."]
    bad = {"titel": "", "url": "/kreisvergleich?indikator=gibt_es_nicht"}
    satz = {"id": 7, "titel": "Kreistag", "veroeffentlicht": True}
    stored = [{"titel": "A", "kernaussage": "", "url": "/daten-quellen"}]
    with pytest.raises(pv.PraesentationInputError) as exc:
        pv.append_folie(con, satz, stored, bad)
    assert "Folie 2: Titel fehlt." in exc.value.fehler
    assert "Folie 2: Indikator „gibt_es_nicht“ ist unbekannt." in exc.value.fehler
    clean, alle = pv.append_folie(con, satz, stored, ok)
    assert clean == {"id": 7, "titel": "Kreistag", "beschreibung": None, "veroeffentlicht": True}  # stays published
    assert [f["titel"] for f in alle] == ["A", "Schulden"]
    full = stored * pv.MAX_FOLIEN
    with pytest.raises(pv.PraesentationInputError, match="Höchstens"):
        pv.append_folie(con, satz, full, ok)


def test_admin_adds_the_shown_view_to_a_new_then_an_existing_presentation(admin_db):
    at = _open(LINK)
    assert not at.exception
    exp = _expander(at)
    assert exp is not None, "Seitenleisten-Steuerung fehlt auf der Verwaltungsinstanz"
    _s0, _f0, versions_before = _decks(admin_db)

    # refused: a new Präsentation without a title — German message, nothing written
    at.text_input(key="zp_titel").input("Schuldnerquote 2019")
    _submit(at)
    assert not at.exception
    assert any("Titel der neuen Präsentation fehlt" in e.value for e in at.sidebar.error)
    assert _decks(admin_db)[0] == []

    at.text_input(key="zp_neu").input("Sozialraumkonferenz Jena")
    at.text_input(key="zp_titel").input("Schuldnerquote 2019")
    at.text_area(key="zp_kern").input("Im Süden höher.")
    _submit(at)
    assert not at.exception
    satz, folien, versions_after = _decks(admin_db)
    assert [t for _i, t in satz] == ["Sozialraumkonferenz Jena"]
    assert len(folien) == 1 and folien[0][2:4] == ("Schuldnerquote 2019", "Im Süden höher.")
    url = folien[0][4]
    assert url.startswith("/kreisvergleich?") and all(f"{k}={v}" in url for k, v in LINK.items())
    assert versions_after == versions_before + 1  # one version per change
    assert any("Folie 1 zu „Sozialraumkonferenz Jena“ hinzugefügt" in s.value for s in at.sidebar.success)

    # the same control, now with the existing Präsentation preselected, appends slide 2
    assert at.selectbox(key="zp_wahl").value == satz[0][0]
    at.text_input(key="zp_titel").input("Noch einmal")
    _submit(at)
    satz2, folien2, _v = _decks(admin_db)
    assert len(satz2) == 1 and [f[1] for f in folien2] == [1, 2]
    with db.connect(admin_db, read_only=True) as c:
        assert list(store.get(c, satz[0][0])[1]["titel"]) == ["Schuldnerquote 2019", "Noch einmal"]


def _submit(at):
    buttons = [b for b in at.sidebar.button if b.label == "Folie hinzufügen"]
    assert buttons, "Knopf „Folie hinzufügen“ fehlt"
    buttons[0].click().run()


def test_public_instance_has_no_such_control(db_path, monkeypatch):
    monkeypatch.setenv(settings.PUBLIC_ENV, "1")
    monkeypatch.delenv(settings.ADMIN_OPEN_ENV, raising=False)
    at = _open(LINK)
    assert not at.exception
    assert _expander(at) is None
