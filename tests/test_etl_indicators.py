"""INKAR, GISD and seed-publication series: every published number arrives unchanged, every derived one
is recomputable from its counts, nothing is invented, and a missing raw file stops the ETL by name."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sozialatlas.errors import RawInputError
from sozialatlas.etl import gisd, inkar, seed
from sozialatlas.paths import DATA_DIR, OBS_DIR


def _obs(name: str) -> pd.DataFrame:
    return pd.read_csv(OBS_DIR / name, dtype=str, keep_default_na=False)


def _raw(raw_dir: Path, *parts: str, **kw) -> pd.DataFrame:
    return pd.read_csv(raw_dir.joinpath(*parts), dtype=str, keep_default_na=False, **kw)


@pytest.fixture(scope="module")
def ink():
    return pd.concat([_obs("inkar.csv"), _obs("inkar_gemeinden.csv")], ignore_index=True)


# --- seed publications -------------------------------------------------------------------------------


def test_thonsa_alle_12_mal_15_werte_gleich_der_rohdatei(raw_dir):
    raw = _raw(raw_dir, "seed_publications", "thonsa_kreisprofile_2019.csv")
    obs = _obs("thonsa.csv")
    assert len(raw) == 180 and len(obs) == 180
    assert obs["schluessel"].nunique() == 15 and set(obs["gebietsstand"]) == {"bis-2021-06-30"}
    assert "16056" in set(obs["schluessel"])
    m = raw.merge(
        obs, left_on=["ags", "indicator", "stand"], right_on=["schluessel", "indikator", "stand"], validate="one_to_one"
    )
    assert len(m) == 180
    assert (m["value"].str.replace(",", ".").astype(float) == m["wert"].astype(float)).all()
    assert (m["jahr"] == m["stand"].str[:4]).all()
    assert set(obs["quelle"]) == {"thonsa_2019"}


def test_lokosr_werte_gleich_der_rohdatei_und_land_als_land(raw_dir):
    raw = _raw(raw_dir, "seed_publications", "saalfeld_rudolstadt_2012_2015.csv")
    obs = _obs("lokosr.csv")
    assert len(obs) == len(raw)
    raw = raw.assign(
        schluessel=raw["ags"].replace({"16000": "16"}),
        indikator=raw["indicator"].map(lambda i: seed.LOKOSR_IDS.get(i, i)),
    )
    m = raw.merge(obs, on=["schluessel", "indikator", "stand"], validate="one_to_one")
    assert len(m) == len(raw)
    assert (m["value"].astype(float) == m["wert"].astype(float)).all()
    land = obs[obs["schluessel"] == "16"]
    assert set(land["ebene"]) == {"land"} and set(land["gebietsstand"]) == {"-"}
    assert obs.loc[obs["stand"] == "Schuljahr 2013/2014", "jahr"].tolist() == ["2014"]


def test_strategien_ziele_und_nennungen(raw_dir):
    st = pd.read_csv(DATA_DIR / "strategien.csv", dtype=str, keep_default_na=False)
    assert len(st) == 15 and st["ags"].is_unique
    assert st.loc[st["ags"] == "16056", "beschlossen_am"].item() == "2018-09-10"
    zi = pd.read_csv(DATA_DIR / "ziele.csv", dtype=str, keep_default_na=False)
    leb = set(pd.read_csv(DATA_DIR / "lebenslagen.csv", dtype=str)["id"])
    assert set(zi["lebenslage"]) == leb
    leer = zi[zi["nennungen_in_strategien"] == ""]
    assert leer["gruppiertes_ziel"].tolist() == ["Unterstützung von verschuldeten Menschen"]
    ne = pd.read_csv(DATA_DIR / "lebenslagen_in_strategien.csv", dtype=str, keep_default_na=False)
    assert set(ne["lebenslage"]) == leb
    assert ne.set_index("lebenslage").loc["migration", "nennungen_in_strategien"] == "6"


# --- INKAR -------------------------------------------------------------------------------------------


def _raw_inkar(raw_dir, series):
    df = _raw(raw_dir, inkar.INKAR_DIR, series.datei)
    df["kennziffer"] = df["kennziffer"].replace({inkar.EISENACH_ALT: inkar.EISENACH_NEU})
    return df


def test_inkar_kreisreihen_haben_22_kreise_und_die_rohwerte(raw_dir, ink):
    for s in inkar.KREIS_SERIES:
        got = ink[(ink["indikator"] == s.indikator) & (ink["ebene"] == "kreis")]
        assert got["schluessel"].nunique() == 22, s.indikator
        assert set(got["gebietsstand"]) == {"ab-2021-07-01"}
        raw = _raw_inkar(raw_dir, s)
        m = raw.merge(got, left_on=["kennziffer", "jahr"], right_on=["schluessel", "jahr"], validate="one_to_one")
        assert len(m) == len(raw) == len(got), s.indikator
        assert (m["wert_x"] == m["wert_y"]).all(), s.indikator
    erfurt = ink[(ink["indikator"] == "schuldnerquote") & (ink["schluessel"] == "16051") & (ink["jahr"] == "2004")]
    assert erfurt["wert"].item() == "14.7"


def test_kein_wert_erfunden_jede_nicht_abgeleitete_inkar_zahl_steht_in_der_rohdatei(raw_dir, ink):
    published = ink[ink["status"].isin(["ok", "fehlend"])]
    raw_rows = set()
    for s in inkar.KREIS_SERIES + inkar.GEMEINDE_SERIES:
        r = _raw_inkar(raw_dir, s)
        raw_rows |= set(zip([s.indikator] * len(r), r["kennziffer"], r["jahr"], r["wert"]))
    est = _raw(raw_dir, inkar.INKAR_DIR, inkar.EST_FILE)
    raw_rows |= set(zip(["einkommensteuer_je_ew"] * len(est), est["kennziffer"], est["jahr"], est["wert"]))
    iris = _raw(raw_dir, inkar.INKAR_DIR, inkar.IRIS_FILE, sep=";", skiprows=[1])
    for col in [c for c in iris.columns if c.startswith("q_einkst_bev")]:
        jahr = str(2000 + int(col[-2:])) if int(col[-2:]) < 50 else str(1900 + int(col[-2:]))
        raw_rows |= {
            ("einkommensteuer_je_ew", k, jahr, w.replace(",", ".")) for k, w in zip(iris["gemeindeve22"], iris[col])
        }
    got = set(zip(published["indikator"], published["schluessel"], published["jahr"], published["wert"]))
    assert got - raw_rows == set()


def test_arbeitslosenanteil_ist_zaehler_durch_nenner_mal_100_aus_den_zaehlungen(ink):
    a = ink[ink["indikator"] == "arbeitslosenanteil"]
    assert set(a["status"]) == {"abgeleitet"}
    assert set(a["ebene"]) == {"gemeinde", "kreis", "land"}
    q = a["zaehler"].astype(float) / a["nenner"].astype(float) * 100
    assert ((q - a["wert"].astype(float)).abs() < 1e-4).all()
    counts = ink[ink["indikator"].isin(["arbeitslose", "erwerbsfaehige_bevoelkerung"])]
    look = counts.set_index(["indikator", "ebene", "schluessel", "jahr"])["wert"]
    for r in a.sample(200, random_state=1).itertuples():
        assert look[("arbeitslose", r.ebene, r.schluessel, r.jahr)] == r.zaehler
        assert look[("erwerbsfaehige_bevoelkerung", r.ebene, r.schluessel, r.jahr)] == r.nenner
    # Gemeinde counts start in 2001 (working-age population), Kreis counts in 1995.
    assert a.loc[a["ebene"] == "gemeinde", "jahr"].min() == "2001"
    assert a.loc[a["ebene"] == "land", "jahr"].min() == "1995"


def test_landeswerte_sind_summen_aller_22_kreise(ink):
    for ind in inkar.LAND_SUM_INDICATORS:
        kreis = ink[(ink["indikator"] == ind) & (ink["ebene"] == "kreis") & (ink["wert"] != "")]
        land = ink[(ink["indikator"] == ind) & (ink["ebene"] == "land")].set_index("jahr")
        voll = kreis.groupby("jahr").filter(lambda g: len(g) == 22)
        sums = voll.groupby("jahr")["wert"].apply(lambda w: int(w.astype(float).sum()))
        assert sorted(land.index) == sorted(sums.index), ind
        assert all(int(land.loc[j, "wert"]) == s for j, s in sums.items()), ind
        assert set(land["status"]) == {"abgeleitet"} and set(land["gebietsstand"]) == {"-"}
    prozent = {
        "schuldnerquote",
        "bruttoverdienst",
        "haushaltseinkommen",
        "schulabgaenger_ohne_hauptschulabschluss",
        "anteil_beschaeftigte_ohne_berufsabschluss",
        "anteil_beschaeftigte_akad_abschluss",
    }
    assert ink[ink["indikator"].isin(prozent) & (ink["ebene"] == "land")].empty


def test_inkar_gemeinden_631_eisenach_neu_und_leere_zelle_bleibt_leer(ink):
    gem = ink[ink["ebene"] == "gemeinde"]
    assert gem["schluessel"].nunique() == 631
    assert "16063105" in set(gem["schluessel"]) and "16056000" not in set(gem["schluessel"])
    leer = ink[ink["status"] == "fehlend"]
    assert leer[["indikator", "schluessel", "jahr", "wert"]].values.tolist() == [
        ["arbeitslose", "16065089", "2020", ""]
    ]
    assert ink[
        (ink["indikator"] == "arbeitslosenanteil") & (ink["schluessel"] == "16065089") & (ink["jahr"] == "2020")
    ].empty


def test_einkommensteuer_192_verbaende_mit_vg250_schluesseln_bis_2022(raw_dir, ink):
    est = ink[ink["indikator"] == "einkommensteuer_je_ew"]
    vwg = _raw(raw_dir, *inkar.VWG_FILE.split("/"))
    assert set(est["schluessel"]) == set(vwg["ARS"])
    assert set(est["ebene"]) == {"gemeindeverband"}
    assert est["jahr"].min() == "1995" and est["jahr"].max() == "2022"
    assert est.groupby("jahr").size().eq(192).all()


def test_stand_nennt_den_bezugszeitpunkt(ink):
    s = ink.set_index(["indikator", "ebene", "schluessel", "jahr"])["stand"]
    assert s[("arbeitslose", "kreis", "16051", "2019")] == "2019 (Jahresdurchschnitt)"
    assert s[("erwerbsfaehige_bevoelkerung", "gemeinde", "16051000", "2019")] == "2019-12-31"
    assert s[("sv_beschaeftigte_wo", "kreis", "16051", "2019")] == "2019-06-30"


# --- GISD --------------------------------------------------------------------------------------------


def test_gisd_werte_wie_veroeffentlicht(raw_dir):
    obs = _obs("gisd.csv")
    for ebene, (datei, key, _, gs, n) in gisd.FILES.items():
        raw = _raw(raw_dir, gisd.GISD_DIR, datei)
        got = obs[obs["ebene"] == ebene]
        assert got["schluessel"].nunique() == n and set(got["gebietsstand"]) == {gs}
        m = raw.merge(got, left_on=[key, "year"], right_on=["schluessel", "jahr"], validate="one_to_one")
        assert len(m) == len(raw) == len(got)
        assert (m["gisd_score"] == m["wert"]).all()


# --- missing raw input ------------------------------------------------------------------------------


def test_fehlende_rohdatei_nennt_die_datei(raw_dir, tmp_path):
    shutil.copytree(raw_dir / "seed_publications", tmp_path / "seed_publications")
    (tmp_path / "seed_publications" / "thonsa_kreisprofile_2019.csv").unlink()
    with pytest.raises(RawInputError, match="thonsa_kreisprofile_2019.csv"):
        seed.run(tmp_path, tmp_path / "data", tmp_path / "geodata")
    with pytest.raises(RawInputError, match="inkar_TH_A_ArbeitslosigkeitKreis.csv"):
        inkar.run(tmp_path, tmp_path / "data", tmp_path / "geodata")
    with pytest.raises(RawInputError, match="GISD_Thueringen_Kreis.csv"):
        gisd.run(tmp_path, tmp_path / "data", tmp_path / "geodata")
    assert not (tmp_path / "data").exists()
