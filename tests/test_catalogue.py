"""The hand-maintained catalogue: the seven Lebenslagen, known sources, and its fit with the observations."""

import shutil

import pandas as pd
import pytest

from sozialatlas.paths import DATA_DIR, OBS_DIR
from sozialatlas.store import catalogue

# Series written by another ETL step; until their files exist they may lack observations.
FREMDE_REIHEN = {
    "gemeindeverzeichnis.csv": {"einwohner", "bevoelkerungsdichte"},
    "landtagswahlen.csv": {"wahlbeteiligung_ltw"},
}


def _noch_nicht_geladen() -> set[str]:
    return {i for datei, ids in FREMDE_REIHEN.items() if not (OBS_DIR / datei).exists() for i in ids}


def test_genau_die_sieben_lebenslagen_in_der_vorgegebenen_reihenfolge():
    leb = catalogue.load_lebenslagen(DATA_DIR)
    assert list(leb["id"]) == ["familie", "bildung", "wohnen", "gesundheit", "oekonomie", "teilhabe", "migration"]
    assert list(leb["name"]) == [
        "Familie",
        "Bildung und Betreuung",
        "Wohnen",
        "Gesundheit",
        "Ökonomische Situation/Arbeitsmarkt",
        "Gesellschaftliche Teilhabe/Zusammenleben im Sozialraum",
        "Migration",
    ]
    assert (leb["beschreibung"].str.count(r"\.") >= 2).all()


def test_quellen_enthalten_alle_im_projekt_genutzten_ids():
    ids = set(catalogue.load_quellen(DATA_DIR)["id"])
    assert {
        "bkg_vg250_2016",
        "bkg_vg5000_2021",
        "bkg_vg250ew_2022",
        "inkar_2024",
        "gisd_2025",
        "thonsa_2019",
        "lokosr_2015",
        "destatis_gv100",
        "tls_ltw",
        "jena_statbez",
    } <= ids


def test_katalog_und_beobachtungen_passen_zusammen():
    assert catalogue.validate(DATA_DIR, optional=_noch_nicht_geladen()) == []


def test_jede_beobachtung_hat_stand_und_quelle_und_bekannten_indikator():
    obs = catalogue.load_beobachtungen(DATA_DIR)
    assert len(obs) > 50_000
    assert (obs["stand"].str.strip() != "").all()
    assert (obs["quelle"].str.strip() != "").all()
    assert set(obs["indikator"]) <= set(catalogue.load_indikatoren(DATA_DIR)["id"])


def test_jeder_indikator_hat_beobachtungen():
    ohne = set(catalogue.load_indikatoren(DATA_DIR)["id"]) - set(catalogue.load_beobachtungen(DATA_DIR)["indikator"])
    assert ohne <= _noch_nicht_geladen()


def test_abgeleitete_und_quoten_indikatoren_nennen_ihre_rechnung():
    ind = catalogue.load_indikatoren(DATA_DIR).set_index("id")
    assert ind.loc["arbeitslosenanteil", "abgeleitet"] == "ja"
    assert ind.loc["arbeitslosenanteil", ["zaehler", "nenner"]].tolist() == [
        "arbeitslose",
        "erwerbsfaehige_bevoelkerung",
    ]
    assert "×" in ind.loc["arbeitslosenanteil", "formel"]
    assert (ind.loc[ind["aggregation"] == "quote", "formel"] != "").all()
    assert ind.loc["wahlbeteiligung_ltw", "formel"] == "Wähler / Wahlberechtigte × 100"


@pytest.fixture
def kopie(tmp_path):
    for name in ("lebenslagen.csv", "quellen.csv", "indikatoren.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    (tmp_path / "beobachtungen").mkdir()
    shutil.copy(OBS_DIR / "thonsa.csv", tmp_path / "beobachtungen" / "thonsa.csv")
    return tmp_path


def _edit(path, fn):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(df)
    df.to_csv(path, index=False)


def test_validate_meldet_fehler_im_katalog_auf_deutsch(kopie):
    def verderben(df):
        df.loc[df["id"] == "quote_asylblg", "lebenslage"] = "zuwanderung"
        df.loc[df["id"] == "bev_unter18", "polaritaet"] = "gut"
        df.loc[df["id"] == "bev_65plus", "aggregation"] = "mittel"
        df.loc[df["id"] == "bevoelkerung", "quelle"] = "unbekannt_2020"

    _edit(kopie / "indikatoren.csv", verderben)
    text = "\n".join(catalogue.validate(kopie, optional=set(catalogue.load_indikatoren(kopie)["id"])))
    assert "unbekannte Lebenslage 'zuwanderung'" in text
    assert "Polarität 'gut'" in text
    assert "Aggregation 'mittel'" in text
    assert "unbekannte Quelle 'unbekannt_2020'" in text


def test_validate_meldet_beobachtungen_ohne_katalog_stand_oder_quelle(kopie):
    def verderben(df):
        df.loc[0, "indikator"] = "erfundener_indikator"
        df.loc[1, "stand"] = ""
        df.loc[2, "quelle"] = ""

    _edit(kopie / "beobachtungen" / "thonsa.csv", verderben)
    text = "\n".join(catalogue.validate(kopie, optional=set(catalogue.load_indikatoren(kopie)["id"])))
    assert "Indikator 'erfundener_indikator'" in text
    assert "ohne Stand" in text
    assert "ohne Quelle" in text


def test_validate_meldet_katalogindikator_ohne_beobachtungen(kopie):
    problems = catalogue.validate(kopie)
    assert "indikatoren.csv: Indikator 'gisd_score' hat keine Beobachtungen." in problems
    assert not any("'bevoelkerung' hat keine" in p for p in problems)
