"""INKAR 2024 (inkr extract), Gemeinderatswahlen, VG250-EW 2022: values equal the raw files, bad input stops."""

import hashlib
import random
import shutil

import pandas as pd
import pytest

from sozialatlas import paths
from sozialatlas.errors import RawInputError
from sozialatlas.etl import inkar2024
from sozialatlas.etl.pipeline import run_all

DATA = paths.DATA_DIR
RAW = inkar2024.RAW_DIR


def _obs(name):
    return pd.read_csv(DATA / "beobachtungen" / name, dtype=str, keep_default_na=False)


def _raw_all(raw_dir):
    parts = [
        pd.read_csv(raw_dir / RAW / inkar2024.DATA_FILE.format(b), dtype=str, keep_default_na=False)
        for b in sorted({s.bereich for s in inkar2024.SPECS})
    ]
    return pd.concat(parts, ignore_index=True)


def test_stichprobe_von_150_neuen_werten_gleich_der_rohdatei(raw_dir):
    obs = pd.concat([_obs("inkar2024.csv"), _obs("inkar2024_gemeinden.csv")], ignore_index=True)
    raw = _raw_all(raw_dir)
    ids = {s.id: s.kuerzel for s in inkar2024.SPECS}
    level = {"land": "Bundesländer", "kreis": "Kreise", "gemeinde": "Gemeinden"}
    look = {(r.raumbezug, r.kennziffer, r.zeitbezug, r.kuerzel): r.wert for r in raw.itertuples()}
    sample = random.Random(20240901).sample(range(len(obs)), 150)
    for i in sample:
        o = obs.iloc[i]
        key = o["schluessel"] + ("000" if o["ebene"] == "kreis" else "")
        raw_wert = look[(level[o["ebene"]], key, o["jahr"], ids[o["indikator"]])]
        assert float(raw_wert) == float(o["wert"]) and raw_wert == o["wert"], (o.to_dict(), raw_wert)
        assert o["quelle"] == "inkar_2024_inkr" and o["stand"]


def test_land_aus_landeszeilen_und_kreise_auf_22er_stand():
    obs = _obs("inkar2024.csv")
    assert set(obs.loc[obs["ebene"] == "land", "schluessel"]) == {"16"}
    kreis = obs[obs["ebene"] == "kreis"]
    assert set(kreis["gebietsstand"]) == {"ab-2021-07-01"} and kreis["schluessel"].nunique() == 22
    assert (kreis["zaehler"] == "").all() and (kreis["nenner"] == "").all()
    assert _obs("inkar2024_gemeinden.csv")["schluessel"].nunique() == 631


def test_brueche_aus_den_inkar_anmerkungen():
    b = pd.read_csv(DATA / "brueche.csv", dtype=str, keep_default_na=False)
    row = b[(b["indikator"] == "kinderarmut_sgb2_u15")]
    assert row.empty  # series starts 2016: no break inside it
    sgb = b[(b["indikator"] == "anteil_bg_mit_kindern") & (b["jahr"] == "2016")]
    assert "Ab dem Berichtsjahr 2016 wurde die Statistik umgestellt" in sgb["hinweis"].item()
    assert not b[(b["indikator"] == "pflegebeduerftige_je_100_ew") & (b["jahr"] == "2017")].empty


def test_katalog_passt_zu_den_inkar_metadaten(raw_dir):
    ind = pd.read_csv(DATA / "indikatoren.csv", dtype=str, keep_default_na=False).set_index("id")
    for r in inkar2024.catalogue_rows(raw_dir).itertuples():
        assert ind.loc[r.id, "definition"] == r.definition and ind.loc[r.id, "formel"] == r.formel
        assert ind.loc[r.id, "lizenz"] == "INKAR © BBSR Bonn 2024, dl-de/by-2-0"
        # the Lebenslage and Wertung set in SPECS are the ones the atlas shows
        assert (ind.loc[r.id, "lebenslage"], ind.loc[r.id, "polaritaet"]) == (r.lebenslage, r.polaritaet), r.id


def test_siedlungsstruktur_liegt_bei_teilhabe():
    """All INKAR Siedlungsstruktur indicators are Teilhabe (Bevölkerungsverteilung im Raum: Wege zu
    wohnortnahen Angeboten, Mobilität), neutral, and say why in their definition."""
    ind = pd.read_csv(DATA / "indikatoren.csv", dtype=str, keep_default_na=False).set_index("id")
    sie = [s for s in inkar2024.SPECS if s.bereich == inkar2024.SIE]
    assert {s.id for s in sie} >= {"einwohnerdichte_inkar", "anteil_ew_duenn_besiedelt", "anteil_bev_oberzentren"}
    for s in sie:
        assert ind.loc[s.id, "lebenslage"] == "teilhabe" and ind.loc[s.id, "polaritaet"] == "neutral", s.id
    for i in ("einwohnerdichte_inkar", "anteil_ew_duenn_besiedelt"):
        d = ind.loc[i, "definition"]
        assert "Wertung: Der Lebenslage Teilhabe zugeordnet" in d and "wohnortnahe" in d
        assert "Mobilität" in d and d.endswith("Ohne Wertung.")


def test_gemeinderatswahl_gleich_der_rohdatei(raw_dir):
    from sozialatlas.etl import gemeinderatswahlen as g

    units = g.read_2019(raw_dir / g.FILE.format(2019)).set_index("ags")
    obs = _obs("gemeinderatswahlen.csv")
    ok = obs[(obs["jahr"] == "2019") & (obs["status"] == "ok") & (obs["hinweis"] == "")]
    assert len(ok) > 500
    for r in ok.itertuples():
        assert r.wert == units.loc[r.schluessel, "bet"] and int(r.zaehler) == units.loc[r.schluessel, "w"]


def test_vg250ew_2022_alle_gemeinden_und_kreise():
    obs = _obs("gemeindeverzeichnis.csv")
    e = obs[(obs["indikator"] == "einwohner") & (obs["jahr"] == "2022")]
    assert (e["ebene"] == "gemeinde").sum() == 631
    assert ((e["ebene"] == "kreis") & (e["gebietsstand"] == "ab-2021-07-01")).sum() == 22
    assert (
        e.loc[e["ebene"] == "land", "wert"].astype(int).item()
        == e.loc[e["ebene"] == "gemeinde", "wert"].astype(int).sum()
    )


def _bad_copy(raw_dir, tmp_path, mutate):
    bad = tmp_path / "raw"
    bad.mkdir()
    for d in raw_dir.iterdir():
        (bad / d.name).symlink_to(d)
    (bad / RAW).unlink()
    shutil.copytree(raw_dir / RAW, bad / RAW)
    for f in (bad / RAW).iterdir():
        f.chmod(0o644)
    mutate(bad / RAW)
    return bad


def _replace(path, old, new, count=1):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")


CASES = {
    "fehlende_datei": (lambda d: (d / "inkar2024_TH_bildung.csv").unlink(), "inkar2024_TH_bildung.csv", "fehlt"),
    "umbenannte_spalte": (
        lambda d: _replace(d / "inkar2024_TH_wirtschaft.csv", "kuerzel", "kurzzeichen"),
        "inkar2024_TH_wirtschaft.csv",
        "Zeile 1",
    ),
    "keine_zahl": (
        lambda d: (
            _replace(d / "inkar2024_TH_sozialleistungen.csv", ",a_ALGII_SGBII,49.45", ",a_ALGII_SGBII,49.45", 0)
            or _replace(d / "inkar2024_TH_sozialleistungen.csv", ",q_SGBII,", ",q_SGBII,x", 1)
        ),
        "inkar2024_TH_sozialleistungen.csv",
        "keine Zahl",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fehlerhafte_rohdaten_stoppen_mit_datei_und_zeile(raw_dir, tmp_path, case):
    mutate, datei, text = CASES[case]
    bad = _bad_copy(raw_dir, tmp_path, mutate)
    with pytest.raises(RawInputError) as err:
        inkar2024.build(bad)
    msg = str(err.value)
    assert datei in msg and text in msg
    if case == "keine_zahl":
        assert "Zeile " in msg


@pytest.mark.slow
def test_fehler_im_pipeline_lauf_aendert_data_nicht(raw_dir, tmp_path):
    bad = _bad_copy(raw_dir, tmp_path, CASES["keine_zahl"][0])
    out_data, out_geo = tmp_path / "data", tmp_path / "geodata"
    shutil.copytree(DATA, out_data)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out_data.rglob("*")) if p.is_file()}
    with pytest.raises(RawInputError) as err:
        run_all(bad, out_data, out_geo, log=lambda _t: None)
    assert "inkar2024_TH_sozialleistungen.csv" in str(err.value)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out_data.rglob("*")) if p.is_file()}
    assert before == after
