"""PDF reports in the app: the Kreisprofil page and the Kleinräumig Gemeinde profile offer their PDF (built
on demand), and the Monitoring view reads the same kept series loader."""

from __future__ import annotations

from sozialatlas import paths


def test_gemeinde_profile_offers_pdf_download(db_path):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=120)
    at.switch_page("app_pages/kleinraeumig.py")
    for k, v in {"ebene": "gemeinde", "kreis": "16073", "gebiet": "16073077"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    knopf = [b for b in at.button if b.label == "Gemeindeprofil als PDF erstellen"]
    assert len(knopf) == 1
    assert not [d for d in at.get("download_button") if "Gemeindeprofil" in d.proto.label]  # only on demand
    knopf[0].click().run()
    assert not at.exception
    dl = [d for d in at.get("download_button") if d.proto.label == "Gemeindeprofil als PDF herunterladen"]
    assert len(dl) == 1


def test_no_pdf_button_without_a_chosen_gemeinde(db_path):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=120)
    at.switch_page("app_pages/kleinraeumig.py")
    at.query_params["ebene"] = "gemeinde"
    at.query_params["kreis"] = "16073"
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Gemeindeprofil als PDF erstellen"]


def test_kreisprofil_pdf_and_monitoring_share_the_kept_loader(db_path):
    import io

    from pypdf import PdfReader
    from streamlit.testing.v1 import AppTest

    from sozialatlas.ui import praesentation as praes_ui

    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=180)
    at.switch_page("app_pages/kreisprofil.py")
    at.query_params["kreis"] = "16053"
    at.run()
    assert not at.exception
    [b for b in at.button if b.label == "Kreisprofil als PDF erstellen"][0].click().run()
    assert not at.exception
    assert [d for d in at.get("download_button") if d.proto.label == "Kreisprofil als PDF herunterladen"]
    at.switch_page("app_pages/monitoring.py").run()
    assert not at.exception
    # the PDF itself (same cached function the button used): text of Jena, not another Kreis
    blob = praes_ui.kreis_pdf("16053", "ab-2021-07-01", "02.12.2026", "© GeoBasis-DE / BKG", "")
    assert "Kreisprofil Jena" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(blob)).pages)
