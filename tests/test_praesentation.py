"""Präsentationen: checked Folien (German errors, nothing written), JSON round trip, versions, survival
of a rebuild, publication into the snapshot, PowerPoint with one slide per view, greyscale-safe maps."""

from __future__ import annotations

import io
import json
import shutil

import duckdb
import pytest

from sozialatlas.render import slides
from sozialatlas.store import db, publish, versions
from sozialatlas.store import praesentationen as store
from sozialatlas.views import praesentation as pv
from sozialatlas.views import praesentation_export as pe

FOLIEN = [
    {
        "titel": "Schuldnerquote 2019",
        "kernaussage": "Im Süden höher.",
        "url": "http://localhost:8501/kreisvergleich?indikator=schuldnerquote&jahr=2019&gebietsstand=22",
    },
    {"titel": "Entwicklung in Jena", "kernaussage": "", "url": "/zeitreihen?indikator=schuldnerquote&kreise=16053"},
    {"titel": "Daten und Quellen", "kernaussage": "Alles amtlich.", "url": "/daten-quellen"},
]


@pytest.fixture
def admin_db(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("SOZIALATLAS_ADMIN_OPEN", "1")
    path = tmp_path / "admin.duckdb"
    shutil.copyfile(db_path, path)
    return path


def _count(path) -> int:
    with duckdb.connect(str(path), read_only=True) as c:
        return c.execute("SELECT count(*) FROM praesentation_satz").fetchone()[0]


def test_validate_cleans_links_to_atlas_paths(con):
    satz, folien = pv.validate(con, {"titel": " Sozialraumkonferenz "}, FOLIEN)
    assert satz["titel"] == "Sozialraumkonferenz"
    assert folien[0]["url"] == "/kreisvergleich?indikator=schuldnerquote&jahr=2019&gebietsstand=22"
    assert [f["titel"] for f in folien] == [f["titel"] for f in FOLIEN]


@pytest.mark.parametrize(
    "url, message",
    [
        ("/kreisvergleich?indikator=gibt_es_nicht&jahr=2019", "Indikator „gibt_es_nicht“ ist unbekannt"),
        ("/gibtsnicht?indikator=schuldnerquote", "die Seite „gibtsnicht“ gibt es im Atlas nicht"),
        ("javascript:alert(1)", "kein Link des Atlas"),
        ("/kreisvergleich?indikator=schuldnerquote&jahr=1850", "im Jahr 1850 keine Kreiswerte"),
        ("/kreisprofil?kreis=99999", "Kreis „99999“ ist unbekannt"),
        ("", "Adresse fehlt"),
    ],
)
def test_bad_json_is_refused_in_german_and_writes_nothing(admin_db, url, message):
    body = json.dumps({"format": pv.JSON_FORMAT, "titel": "Test", "folien": [FOLIEN[0], {"titel": "B", "url": url}]})
    before = _count(admin_db)
    with db.writing(admin_db) as con:
        with pytest.raises(pv.PraesentationInputError) as exc:
            pv.from_json(con, body)
    assert any(message in f and f.startswith("Folie 2") for f in exc.value.fehler), exc.value.fehler
    assert _count(admin_db) == before


def test_not_json_and_foreign_json_are_refused(con):
    with pytest.raises(pv.PraesentationInputError, match="kein gültiges JSON"):
        pv.from_json(con, b"{kaputt")
    with pytest.raises(pv.PraesentationInputError, match="keine Präsentation"):
        pv.from_json(con, json.dumps({"hallo": 1}))


def test_json_round_trip(con):
    satz, folien = pv.validate(con, {"titel": "Runde"}, FOLIEN)
    again = pv.from_json(con, pv.to_json(satz, folien))
    assert again == (satz, folien)


def test_save_is_a_version_survives_rebuild_and_is_published_only_when_marked(admin_db, tmp_path, monkeypatch):
    with db.writing(admin_db) as con:
        satz, folien = pv.validate(con, {"titel": "Kreistag März"}, FOLIEN)
        sid = store.save(con, satz, folien, "Planerin")
        entwurf = store.save(con, {"titel": "Entwurf"}, folien[:1], "Planerin")
        store.set_published(con, sid, True, "Planerin")
        assert versions.list_versions(con)["was"].iloc[0] == "praesentation_gespeichert"
    db.build(admin_db)  # user data survives a rebuild
    with db.connect(admin_db) as con:
        got = store.get(con, sid)
        assert got is not None and list(got[1]["titel"]) == [f["titel"] for f in FOLIEN]
        assert bool(got[0]["veroeffentlicht"])
    with db.writing(admin_db) as con:  # rollback to before the publication restores the draft state
        vid = int(
            con.execute("SELECT max(id) FROM dataset_version WHERE was = 'praesentation_gespeichert'").fetchone()[0]
        )
        versions.rollback(con, vid - 1, "Test")
        assert not bool(store.get(con, sid)[0]["veroeffentlicht"])
        store.set_published(con, sid, True, "Planerin")
    out = tmp_path / "oeffentlich.duckdb"
    publish.write_snapshot(admin_db, out)
    with duckdb.connect(str(out), read_only=True) as con:
        public = store.list_all(con, nur_veroeffentlicht=True)
        assert list(public["id"]) == [sid] and entwurf not in set(public["id"])
    monkeypatch.setenv("SOZIALATLAS_PUBLIC", "1")
    with duckdb.connect(str(out), read_only=True) as con:
        with pytest.raises(Exception):
            store.save(con, satz, folien, "x")


def test_pptx_has_one_slide_per_view_with_picture_title_notes(con):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    satz, folien = pv.validate(con, {"titel": "PPTX"}, FOLIEN)
    blob = pe.pptx_bytes(con, satz, folien, "http://atlas.example")
    prs = Presentation(io.BytesIO(blob))
    assert len(prs.slides) == len(FOLIEN)
    for f, s in zip(folien, prs.slides):
        texts = [sh.text_frame.text for sh in s.shapes if sh.has_text_frame]
        assert f["titel"] in texts
        assert any(t.startswith("Quelle") for t in texts) or f["url"] == "/daten-quellen"
        notes = s.notes_slide.notes_text_frame.text
        assert "http://atlas.example" + f["url"] in notes
    pics = [[sh for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE] for s in prs.slides]
    assert len(pics[0]) == 1 and len(pics[1]) == 1  # map, chart
    from PIL import Image

    img = Image.open(io.BytesIO(pics[0][0].image.blob))
    assert img.width >= 1200 and img.height >= 800  # beamer resolution
    assert any("Im Süden höher." in sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)


def test_map_slide_has_named_kreise_legend_and_greyscale_distinct_classes(con):
    s = pv.slide(con, {"titel": "T", "kernaussage": "K", "url": FOLIEN[0]["url"]})
    assert s.spec is not None and s.legende and s.quelle.startswith("Quelle:") and s.stand.startswith("Stand:")
    assert slides.min_lightness_gap([c for c, _l in s.legende]) >= 8
    svg = slides.svg(s.spec)
    assert "Erfurt" in svg and "Eichsfeld" in svg  # names where they fit
    assert all("," in lab or "keine Daten" in lab or "gesperrt" in lab for _c, lab in s.legende)  # decimal comma


def test_pdf_of_presentation_has_a_page_per_slide(con):
    from pypdf import PdfReader

    satz, folien = pv.validate(con, {"titel": "PDF"}, FOLIEN)
    reader = PdfReader(io.BytesIO(pe.pdf_bytes(con, satz, folien)))
    assert len(reader.pages) == len(FOLIEN)
    assert "Schuldnerquote 2019" in reader.pages[0].extract_text()


def test_kleinraeumig_slide_shows_gemeinden_with_the_pages_geheimhaltung(con):
    from sozialatlas.protection import smallarea
    from sozialatlas.render import palettes

    url = "/kleinraeumig?ebene=gemeinde&kreis=16073&indikator=arbeitslosenanteil&jahr=2021"
    s = pv.slide(con, {"titel": "Saalfeld-Rudolstadt", "kernaussage": "", "url": url})
    prot = smallarea.values(con, "arbeitslosenanteil", 2021, ebene="gemeinde")
    prot = prot[prot["kreis"] == "16073"]
    n_gesperrt = int(prot["gesperrt"].sum())
    assert n_gesperrt > 0  # the case the test is about: withheld Gemeinden exist here
    assert s.spec is not None and "Gemeinden in Saalfeld-Rudolstadt" in s.legende_titel
    assert (palettes.GESPERRT_FARBE, f"gesperrt (Geheimhaltung) ({n_gesperrt})") in s.legende
    assert sum(int(lab.rsplit("(", 1)[1].rstrip(")")) for _c, lab in s.legende) == len(prot)
    farbe = {f["properties"]["name"]: f["properties"]["farbe"] for f in s.spec["layer"][0]["data"]["values"]}
    for r in prot.itertuples():  # every withheld Gemeinde is drawn in the gesperrt grey, never in a class
        assert (farbe[r.name] == palettes.GESPERRT_FARBE) == bool(r.gesperrt), r.name
    assert any("gesperrt" in h for h in s.hinweise)
    assert s.quelle.startswith("Quelle:") and s.stand.startswith("Stand:")
    assert slides.min_lightness_gap([c for c, _l in s.legende if not _l.startswith("keine")]) >= 8
    assert "Saalfeld" in slides.svg(s.spec)  # names where they fit


def test_kleinraeumig_slide_of_all_thueringen_and_planungsraum_text_slide(con):
    s = pv.slide(con, {"titel": "T", "kernaussage": "", "url": "/kleinraeumig?ebene=gemeinde"})
    assert s.spec is not None and "Gemeinden in Thüringen" in s.legende_titel
    assert len(s.spec["layer"][0]["data"]["values"]) == 631
    pr = pv.slide(con, {"titel": "T", "kernaussage": "", "url": "/kleinraeumig?ebene=planungsraum&kreis=16073"})
    assert pr.spec is None and any("/kleinraeumig?ebene=planungsraum" in h for h in pr.hinweise)


def test_sozialindex_slide_shows_the_status_map_with_unvollstaendig_for_withheld_inputs(con):
    from sozialatlas.views import analysedaten

    s = pv.slide(con, {"titel": "Sozialindex", "kernaussage": "", "url": "/sozialindex?ebene=gemeinde&kreis=16073"})
    assert s.spec is not None and s.legende_titel.startswith("Statusindex")
    counts = {lab.rsplit(" (", 1)[0]: int(lab.rsplit("(", 1)[1].rstrip(")")) for _c, lab in s.legende}
    preset = analysedaten.resolve_preset(con, analysedaten.KERNINDEX, "gemeinde")
    jahr = int(s.legende_titel.split()[1])
    w = analysedaten.wide(con, list(preset.ids), "gemeinde", jahr)
    mine = w.kreis.eq("16073")
    incomplete = (w.werte.isna() | w.sperre.ne("")).any(axis=1)[mine]
    assert sum(counts.values()) == int(mine.sum())
    assert counts["unvollständig"] == int(incomplete.sum()) > 0  # gesperrt inputs give no index, never a class
    assert slides.min_lightness_gap([c for c, _l in s.legende]) >= 8
    assert s.quelle.startswith("Quelle:") and s.stand.startswith("Stand:")
