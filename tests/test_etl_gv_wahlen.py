"""Einwohner/Dichte (Gemeindeverzeichnis) and Wahlbeteiligung (Landtagswahlen) on Gemeinden 31.12.2021."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sozialatlas.errors import RawInputError
from sozialatlas.etl import gemeindeverzeichnis as gvz
from sozialatlas.etl import wahlen
from sozialatlas.paths import DATA_DIR, DEFAULT_RAW_DIR

GV_CSV = DATA_DIR / "beobachtungen" / "gemeindeverzeichnis.csv"
LTW_CSV = DATA_DIR / "beobachtungen" / "landtagswahlen.csv"
needs_raw = pytest.mark.skipif(not DEFAULT_RAW_DIR.is_dir(), reason="Rohdatenordner fehlt")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def gv() -> pd.DataFrame:
    return _read(GV_CSV)


@pytest.fixture(scope="module")
def ltw() -> pd.DataFrame:
    return _read(LTW_CSV)


@pytest.fixture(scope="module")
def gem21() -> pd.DataFrame:
    return gvz.load_gemeinden_2021(DEFAULT_RAW_DIR)


def _n(df, **kw):
    m = pd.Series(True, index=df.index)
    for k, v in kw.items():
        m &= df[k] == v
    return int(m.sum())


# ------------------------------------------------------------------ Gemeindeverzeichnis
def test_gv_counts_per_year_and_level(gv):
    for jahr in ("2017", "2021", "2022"):
        assert _n(gv, indikator="einwohner", ebene="gemeinde", jahr=jahr) == 631
        assert _n(gv, indikator="einwohner", ebene="kreis", gebietsstand="bis-2021-06-30", jahr=jahr) == 23
        assert _n(gv, indikator="einwohner", ebene="kreis", gebietsstand="ab-2021-07-01", jahr=jahr) == 22
        assert _n(gv, indikator="einwohner", ebene="land", jahr=jahr) == 1
    # 2023: Gemeinden merged or changed after 2021 stay without a value
    assert 590 <= _n(gv, indikator="einwohner", ebene="gemeinde", jahr="2023") < 631
    # one population reference date → one year; 31.12.2022 comes from the VG250-EW attributes (BKG)
    assert set(gv["jahr"]) == {"2017", "2021", "2022", "2023"}
    assert (gv["stand"] != "").all()
    assert set(gv.loc[gv["jahr"] == "2022", "quelle"]) == {"bkg_vg250ew_2022"}
    assert set(gv.loc[gv["jahr"] != "2022", "quelle"]) == {"destatis_gv100"}
    assert set(gv.loc[gv["ebene"] == "gemeinde", "gebietsstand"]) == {"2021-12-31"}


def test_gv_2021_values_are_the_published_ones(gv):
    raw = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2021)).set_index("ags")
    g = gv[(gv["ebene"] == "gemeinde") & (gv["jahr"] == "2021")]
    ew = g[g["indikator"] == "einwohner"].set_index("schluessel")
    assert ew.loc["16051000", "wert"] == raw.loc["16051000", "bev_txt"] == "213227"
    assert (ew["status"] == "ok").all()
    assert ew["wert"].astype(int).sum() == raw["bev"].sum()


def test_density_is_population_per_area(gv):
    d = gv[gv["indikator"] == "bevoelkerungsdichte"]
    ratio = d["zaehler"].astype(float) / d["nenner"].astype(float)
    # published densities are whole numbers, so allow half a unit of rounding
    assert ((d["wert"].astype(float) - ratio).abs() <= 0.5 + 1e-9).all()
    ew = gv[gv["indikator"] == "einwohner"].set_index(["ebene", "gebietsstand", "schluessel", "jahr"])["wert"]
    dz = d.set_index(["ebene", "gebietsstand", "schluessel", "jahr"])["zaehler"]
    assert (dz == ew.loc[dz.index]).all(), "density numerator is the Einwohner value"


def test_kreis_is_sum_of_its_gemeinden(gv, gem21):
    g = gv[(gv["indikator"] == "einwohner") & (gv["ebene"] == "gemeinde")]
    k = gv[(gv["indikator"] == "einwohner") & (gv["ebene"] == "kreis")]
    for col, gs in (("kreis_bis", "bis-2021-06-30"), ("kreis_ab", "ab-2021-07-01")):
        for jahr in ("2017", "2021"):
            s = g[g["jahr"] == jahr].merge(gem21[["ags", col]], left_on="schluessel", right_on="ags")
            sums = s.groupby(col)["wert"].apply(lambda v: v.astype(int).sum())
            kk = k[(k["jahr"] == jahr) & (k["gebietsstand"] == gs)].set_index("schluessel")
            for kreis, r in kk.iterrows():
                n_all = int((gem21[col] == kreis).sum())
                assert int((s[col] == kreis).sum()) == n_all, f"{kreis} {jahr}: Kreis needs all its Gemeinden"
                assert int(r["wert"]) == sums[kreis]
    # 2023: a Kreis whose area is unchanged is the sum of all its 2023 Gemeinden, merged ones included
    raw23 = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2023))
    sums23 = raw23.groupby(raw23["ags"].str[:5])["bev"].sum()
    k23 = k[(k["jahr"] == "2023") & (k["gebietsstand"] == "ab-2021-07-01")]
    assert 18 <= len(k23) <= 22
    for kreis, wert in zip(k23["schluessel"], k23["wert"]):
        assert int(wert) == sums23[kreis], kreis
    eis = k[(k["schluessel"] == "16056") & (k["jahr"] == "2021")]
    assert eis["wert"].tolist() == g[(g["schluessel"] == "16063105") & (g["jahr"] == "2021")]["wert"].tolist()


def test_2017_sums_all_old_gemeinden(gv):
    raw = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2017)).set_index("ags")
    e = gv[(gv["indikator"] == "einwohner") & (gv["ebene"] == "gemeinde") & (gv["jahr"] == "2017")]
    assert e["wert"].astype(int).sum() == raw["bev"].sum(), "every 2017 Gemeinde counted exactly once"
    suhl = e.set_index("schluessel").loc["16054000"]
    assert suhl["status"] == "umgerechnet"
    assert int(suhl["wert"]) == raw.loc[["16054000", "16070017", "16070046"], "bev"].sum()


def test_2023_changed_gemeinden_have_no_value(gv):
    raw23 = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2023)).set_index("ags")
    raw21 = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2021)).set_index("ags")
    e = gv[(gv["indikator"] == "einwohner") & (gv["ebene"] == "gemeinde") & (gv["jahr"] == "2023")]
    for ags, wert in zip(e["schluessel"], e["wert"]):
        # carried: the same Gemeinde, at most a small area correction (< 0.2 km²) since 2021
        assert ags in raw23.index and abs(raw23.loc[ags, "flaeche"] - raw21.loc[ags, "flaeche"]) < 0.2
        assert wert == raw23.loc[ags, "bev_txt"]
    # Dingelstädt took in Gemeinden after 2021: its 2023 figure is not the 2021 Gemeinde's
    assert "16061118" not in set(e["schluessel"])


def test_2023_kreise_missing_only_where_the_kreisgebiet_changed(gv, gem21):
    """2023 Kreis totals are the sums of the 31.12.2023 file's own Gemeinden; a Kreis is left out only when
    its territory changed since 31.12.2021 (Anrode dissolved, a part went to Dingelstädt in the Eichsfeld),
    because no published number describes its 2021 polygon. The Land has one territory: all 2023 Gemeinden."""
    raw21 = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2021))
    raw23 = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2023))
    # every 2023 Gemeinde lies in one of the 22 Kreise of 2021
    assert set(raw23["ags"].str[:5]) == set(gem21["kreis_ab"])
    fl21 = raw21.groupby(raw21["ags"].str[:5])["flaeche"].sum()
    fl23 = raw23.groupby(raw23["ags"].str[:5])["flaeche"].sum()
    changed = {k for k in fl21.index if abs(fl21[k] - fl23[k]) >= gvz.KREIS_FLAECHE_TOLERANZ_KM2}
    assert changed == {"16061", "16064"}
    e = gv[(gv["indikator"] == "einwohner") & (gv["jahr"] == "2023")]
    k23 = set(e.loc[(e["ebene"] == "kreis") & (e["gebietsstand"] == "ab-2021-07-01"), "schluessel"])
    assert k23 == set(gem21["kreis_ab"]) - changed
    assert e.loc[e["ebene"] == "land", "wert"].astype(int).item() == raw23["bev"].sum()
    # plausible against 31.12.2022 (BKG): no Kreis moves by more than 5 %
    k22 = gv[(gv["indikator"] == "einwohner") & (gv["jahr"] == "2022") & (gv["ebene"] == "kreis")]
    k22 = k22[k22["gebietsstand"] == "ab-2021-07-01"].set_index("schluessel")["wert"].astype(int)
    kk = e[(e["ebene"] == "kreis") & (e["gebietsstand"] == "ab-2021-07-01")].set_index("schluessel")["wert"]
    assert ((kk.astype(int) / k22.loc[kk.index] - 1).abs() < 0.05).all()
    # the ETL says why
    warnungen = gvz.build(DEFAULT_RAW_DIR, DATA_DIR)[1]["warnungen"]
    assert any("Kreisgebiet" in w and "16061" in w and "16064" in w for w in warnungen)


# ------------------------------------------------------------------ Landtagswahlen
def test_ltw_counts(ltw):
    for jahr in ("2014", "2019", "2024"):
        assert _n(ltw, ebene="land", jahr=jahr) == 1
    assert _n(ltw, ebene="gemeinde", jahr="2014") == 631
    assert _n(ltw, ebene="gemeinde", jahr="2019") == 631
    assert 500 < _n(ltw, ebene="gemeinde", jahr="2024") < 631
    assert _n(ltw, ebene="kreis", jahr="2019", gebietsstand="bis-2021-06-30") == 23
    assert _n(ltw, ebene="kreis", jahr="2019", gebietsstand="ab-2021-07-01") == 22
    assert _n(ltw, ebene="kreis", jahr="2024", gebietsstand="bis-2021-06-30") == 0
    assert {"stand"} and set(ltw.loc[ltw["jahr"] == "2024", "stand"]) == {"2024-09-01"}


@pytest.fixture(scope="module")
def raw_ltw():
    return {j: wahlen.read_ltw(DEFAULT_RAW_DIR / wahlen.LTW_FILE.format(j)) for j in (2014, 2019, 2024)}


@needs_raw
def test_land_equals_raw_l_row_and_sum_of_kreise(ltw, raw_ltw):
    for jahr, df in raw_ltw.items():
        land = df[df["sa"] == "L"].iloc[0]
        row = ltw[(ltw["ebene"] == "land") & (ltw["jahr"] == str(jahr))].iloc[0]
        assert int(row["nenner"]) == land["wb"] and int(row["zaehler"]) == land["w"]
        assert float(row["wert"]) == land["bet"]
        k = ltw[(ltw["ebene"] == "kreis") & (ltw["jahr"] == str(jahr)) & (ltw["gebietsstand"] == "ab-2021-07-01")]
        if len(k) == 22:  # only where every Kreis could be formed
            assert k["zaehler"].astype(int).sum() == land["w"]
            assert k["nenner"].astype(int).sum() == land["wb"]


def test_kreis_turnout_is_ratio_of_sums(ltw, gem21):
    k = ltw[ltw["ebene"] == "kreis"]
    assert (k["status"] == "abgeleitet").all()
    ratio = k["zaehler"].astype(int) / k["nenner"].astype(int) * 100
    assert ((k["wert"].astype(float) - ratio).abs() < 1e-4).all()
    g = ltw[ltw["ebene"] == "gemeinde"]
    for (jahr, gs), grp in k.groupby(["jahr", "gebietsstand"]):
        col = "kreis_bis" if gs == "bis-2021-06-30" else "kreis_ab"
        s = g[g["jahr"] == jahr].merge(gem21[["ags", col]], left_on="schluessel", right_on="ags")
        for _, r in grp.iterrows():
            part = s[s[col] == r["schluessel"]]
            if len(part) == int((gem21[col] == r["schluessel"]).sum()):
                # Wahlberechtigte add up exactly; Wähler add the gemeindeübergreifende Briefwahl on top
                assert int(r["nenner"]) == part["nenner"].astype(int).sum()
                assert int(r["zaehler"]) >= part["zaehler"].astype(int).sum()


@needs_raw
def test_unchanged_gemeinde_equals_raw_g_row(ltw, raw_ltw):
    g = ltw[(ltw["ebene"] == "gemeinde") & (ltw["status"] == "ok")]
    for jahr, df in raw_ltw.items():
        rows = df[df["sa"] == "G"].assign(ags=lambda d: "160" + d["kr"] + d["gem"]).set_index("ags")
        sample = g[g["jahr"] == str(jahr)].iloc[::25]
        assert len(sample) > 10
        for _, r in sample.iterrows():
            key = "16056000" if r["schluessel"] == "16063105" and jahr < 2021 else r["schluessel"]
            raw = rows.loc[key]
            assert int(r["nenner"]) == raw["wb"] and int(r["zaehler"]) == raw["w"]
            assert float(r["wert"]) == raw["bet"]


@needs_raw
def test_no_value_from_a_later_merged_gemeinde(ltw, raw_ltw):
    g24 = set(ltw[(ltw["ebene"] == "gemeinde") & (ltw["jahr"] == "2024")]["schluessel"])
    # results published for several Gemeinden together ("Großbockedra / Kleinbockedra") or merged ones
    for key in ("16074029", "16074046", "16061118", "16064074", "16063058", "16063037"):
        assert key not in g24
    raw21 = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2021)).set_index("ags")
    raw24 = gvz.read_gv(DEFAULT_RAW_DIR / gvz.GV_FILE.format(2024)).set_index("ags")
    for key in g24:
        assert raw24.loc[key, "flaeche"] == raw21.loc[key, "flaeche"]


def test_gemeinden_without_own_briefwahl_say_so(ltw):
    g = ltw[ltw["ebene"] == "gemeinde"]
    low = g[g["hinweis"].str.contains("Ohne (alle) Briefwähler", regex=False)]
    assert len(low) > 100
    # Erfurt counts its Briefwahl itself
    erfurt = g[(g["schluessel"] == "16051000")]
    assert not erfurt["hinweis"].str.contains("Briefwähler").any()


# ------------------------------------------------------------------ robustness / reproducibility
def _raw_copy(tmp_path: Path, skip: str) -> Path:
    raw = tmp_path / "raw"
    for folder in (gvz.GV_DIR, "tls_wahlen_thueringen_via_gerda", "bkg_vg250ew_2022_attribute_via_rki_gisd"):
        (raw / folder).mkdir(parents=True)
        for f in (DEFAULT_RAW_DIR / folder).iterdir():
            if f.name != skip and f.suffix in (".csv", ".xlsx"):
                (raw / folder / f.name).symlink_to(f)
    return raw


@needs_raw
@pytest.mark.parametrize(
    "module, missing",
    [
        (gvz, "gv_auszug_thueringen_2017-12-31.csv"),
        (wahlen, "Thueringen_2019_Landtag.xlsx"),
    ],
)
def test_missing_raw_file_names_it(tmp_path, module, missing):
    raw = _raw_copy(tmp_path, missing)
    with pytest.raises(RawInputError) as err:
        module.run(raw, DATA_DIR, tmp_path / "geodata")
    assert missing in str(err.value)


# Byte-for-byte reproduction is checked once for the whole ETL (tests/test_etl_pipeline.py, marked slow).
