"""Ziele und Monitoring: the traffic-light rule (incl. missing data and series breaks), goal links that
are checked before anything is written, and links that survive a rebuild and are versioned."""

from __future__ import annotations

import shutil

import pytest

from sozialatlas.store import db, versions
from sozialatlas.store import ziele as store
from sozialatlas.views import monitoring as mv


def light(series, **kw):
    kw.setdefault("richtung", "senken")
    kw.setdefault("dezimalen", 1)
    return mv.ampel(series, **kw)


def test_falling_value_with_goal_to_lower_is_on_course():
    a = light({2016: 10.0, 2018: 9.0, 2020: 8.0}, basisjahr=2016)
    assert a.status == "auf Kurs"
    assert "2016: 10,0 → 2020: 8,0" in a.regel  # the rule says which values it compared, German decimals


def test_rising_value_with_goal_to_lower_is_against():
    assert light({2016: 10.0, 2020: 11.0}, basisjahr=2016).status == "gegenläufig"
    assert light({2016: 10.0, 2020: 11.0}, basisjahr=2016, richtung="steigern").status == "auf Kurs"


def test_change_inside_tolerance_is_unchanged():
    # ±2 % of 10.0 = 0.2
    assert light({2016: 10.0, 2020: 10.15}, basisjahr=2016).status == "gleichbleibend"
    assert light({2016: 10.0, 2020: 9.75}, basisjahr=2016).status == "auf Kurs"


def test_missing_baseline_is_keine_daten_never_zero():
    a = light({2016: None, 2020: 5.0}, basisjahr=2016)
    assert a.status == "keine Daten" and "Basisjahr 2016" in a.regel
    assert light({2017: 4.0, 2020: 5.0}, basisjahr=2016).status == "keine Daten"


def test_no_value_after_baseline_is_keine_daten():
    a = light({2016: 10.0, 2018: None}, basisjahr=2016)
    assert a.status == "keine Daten" and "noch keinen Wert" in a.regel


def test_newest_value_is_used_past_gaps():
    # 2020 missing: compare with 2019, not with a zero
    a = light({2016: 10.0, 2019: 12.0, 2020: None}, basisjahr=2016)
    assert a.status == "gegenläufig" and a.aktuell_jahr == 2019


def test_series_break_between_baseline_and_now_is_not_compared():
    a = light({2014: 10.0, 2016: 5.0, 2020: 4.0}, basisjahr=2014, brueche={2016})
    assert a.status == "keine Daten"
    assert "Reihenbruch ab 2016" in a.regel
    # a baseline at or after the break is fine
    assert light({2014: 10.0, 2016: 5.0, 2020: 4.0}, basisjahr=2016, brueche={2016}).status == "auf Kurs"
    # a break before the baseline does not matter
    assert light({2016: 5.0, 2020: 4.0}, basisjahr=2016, brueche={2012}).status == "auf Kurs"


def test_target_value_sets_direction_and_reached():
    a = light({2016: 10.0, 2020: 7.5}, basisjahr=2016, zielwert=8.0, richtung="steigern")
    assert a.status == "auf Kurs" and "Zielwert" in a.regel and "erreicht" in a.regel
    # target above the baseline: a falling value is against the goal, whatever 'richtung' says
    assert light({2016: 10.0, 2020: 9.0}, basisjahr=2016, zielwert=12.0).status == "gegenläufig"


def test_breaks_are_read_from_inkar_notes():
    assert mv.breaks(["Reihenbruch ab 2016 laut INKAR (siehe Indikatorbeschreibung)", None, "x"]) == {2016}


def test_lights_differ_in_greyscale_and_carry_words():
    from sozialatlas.render import slides

    colours = [mv.FARBE[k] for k in (mv.AUF_KURS, mv.GLEICH, mv.GEGEN, mv.KEINE)]
    assert slides.min_lightness_gap(colours) >= 8
    assert set(mv.SYMBOL) == set(mv.FARBE)


def test_goal_without_baseline_is_refused_in_german(con):
    with pytest.raises(mv.MonitoringInputError, match="Basisjahr fehlt"):
        mv.validate_link(
            con, {"ziel": "Verhinderung von Altersarmut", "indikator": "schuldnerquote", "richtung": "senken"}
        )
    with pytest.raises(mv.MonitoringInputError, match="unbekannt"):
        mv.validate_link(con, {"ziel": "X", "indikator": "gibt_es_nicht", "basisjahr": 2016, "richtung": "senken"})
    with pytest.raises(mv.MonitoringInputError, match="keine Kreiswerte"):
        mv.validate_link(con, {"ziel": "X", "indikator": "schuldnerquote", "basisjahr": 1900, "richtung": "senken"})


@pytest.fixture
def admin_db(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("SOZIALATLAS_ADMIN_OPEN", "1")
    path = tmp_path / "admin.duckdb"
    shutil.copyfile(db_path, path)
    return path


def _some_year(con, ind):
    return int(
        con.execute("SELECT min(jahr) FROM beobachtung WHERE indikator = ? AND ebene = 'kreis'", [ind]).fetchone()[0]
    )


def test_link_is_versioned_survives_rebuild_and_shows_in_monitoring(admin_db):
    with db.writing(admin_db) as con:
        basis = _some_year(con, "schuldnerquote")
        link = mv.validate_link(
            con,
            {
                "lebenslage": "oekonomie",
                "ziel": "Verhinderung von Altersarmut",
                "indikator": "schuldnerquote",
                "basisjahr": basis,
                "richtung": "senken",
            },
        )
        store.save_link(con, link, "Test")
        assert versions.list_versions(con)["was"].iloc[0] == "zielbezug_gespeichert"
    db.build(admin_db)
    con = db.connect(admin_db)
    try:
        assert len(store.links(con)) == 1
        mon = mv.monitoring(con, "16053")
        assert list(mon["ziel"]) == ["Verhinderung von Altersarmut"]
        assert mon["status"].iloc[0] in (mv.AUF_KURS, mv.GLEICH, mv.GEGEN, mv.KEINE)
        assert str(basis) in mon["regel"].iloc[0]
    finally:
        con.close()
