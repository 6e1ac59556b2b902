"""Carrying Kreis values between 23 Kreise (bis 30.06.2021) and 22 Kreise (ab 01.07.2021)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sozialatlas.areas import gebietsstand as gs
from sozialatlas.protection import showable
from sozialatlas.store import queries

KREISE_23 = [
    "16051",
    "16052",
    "16053",
    "16054",
    "16055",
    "16056",
    "16061",
    "16062",
    "16063",
    "16064",
    "16065",
    "16066",
    "16067",
    "16068",
    "16069",
    "16070",
    "16071",
    "16072",
    "16073",
    "16074",
    "16075",
    "16076",
    "16077",
]
COUNT = {"id": "x", "name": "Zahl", "aggregation": "summe", "formel": None}
RATE = {"id": "q", "name": "Quote", "aggregation": "quote", "formel": "a / b × 100"}
INDEX = {"id": "i", "name": "Deprivationsindex", "aggregation": "keine", "formel": None}


def frame(werte, zaehler=None, nenner=None, keys=KREISE_23, stand="2020-12-31"):
    n = len(keys)
    return pd.DataFrame(
        {
            "schluessel": keys,
            "name": [f"Kreis {k}" for k in keys],
            "bez": "Landkreis",
            "flaeche_km2": np.arange(n, dtype=float) + 100,
            "wert": werte,
            "zaehler": zaehler if zaehler is not None else [np.nan] * n,
            "nenner": nenner if nenner is not None else [np.nan] * n,
            "status": "ok",
            "stand": stand,
            "hinweis": None,
            "beispiel": False,
            "quelle": "q1",
            "quelle_titel": "Quelle 1",
            "quelle_herausgeber": "Amt",
            "lizenz": "dl-de/by-2-0",
        }
    )


def row(df, key):
    return df[df["schluessel"] == key].iloc[0]


def test_counts_of_eisenach_and_wartburgkreis_are_summed():
    werte = [float(i * 10) for i in range(23)]
    out = gs.convert(frame(werte), COUNT, gs.AB)
    assert len(out) == 22 and gs.EISENACH not in set(out["schluessel"])
    wak = row(out, gs.WARTBURGKREIS)
    assert wak["wert"] == 50.0 + 80.0  # Eisenach (index 5) + old Wartburgkreis (index 8)
    assert wak["status"] == "umgerechnet"
    assert "Eisenach" in wak["hinweis"] and "summiert" in wak["hinweis"]
    assert wak["flaeche_km2"] == 105.0 + 108.0
    assert wak["stand"] == "2020-12-31"
    # the 21 other Kreise are the same territory: values and status unchanged
    jena = row(out, "16053")
    assert jena["wert"] == 20.0 and jena["status"] == "ok"


def test_rates_are_recomputed_from_summed_counts_never_averaged():
    zaehler = [50.0] * 23
    nenner = [100.0] * 23
    zaehler[5], nenner[5] = 10.0, 100.0  # Eisenach 10 %
    zaehler[8], nenner[8] = 300.0, 1000.0  # old Wartburgkreis 30 %
    werte = [z / n * 100 for z, n in zip(zaehler, nenner)]
    wak = row(gs.convert(frame(werte, zaehler, nenner), RATE, gs.AB), gs.WARTBURGKREIS)
    assert wak["wert"] == pytest.approx(310 / 1100 * 100)  # 28,18 %, not the mean 20 %
    assert (wak["zaehler"], wak["nenner"]) == (310.0, 1100.0)
    assert "neu berechnet" in wak["hinweis"]


def test_real_rates_match_the_published_22_kreise_values(con):
    # Wahlbeteiligung 2019 exists natively on both Gebietsstände: the conversion must reproduce it.
    for ind_id, jahr in (("wahlbeteiligung_ltw", 2019), ("bevoelkerungsdichte", 2021), ("einwohner", 2021)):
        ind = queries.indicator(con, ind_id)
        bis = showable.values(con, ind_id, "kreis", gs.BIS, jahr)
        native = showable.values(con, ind_id, "kreis", gs.AB, jahr)
        conv = gs.convert(bis, ind, gs.AB)
        assert list(conv["schluessel"]) == list(native["schluessel"])
        assert row(conv, gs.WARTBURGKREIS)["wert"] == pytest.approx(row(native, gs.WARTBURGKREIS)["wert"])
        assert list(conv.columns) == list(native.columns)


@pytest.mark.parametrize("ind", [INDEX, {**RATE, "aggregation": "keine"}])
def test_index_or_rate_without_counts_is_refused_with_a_reason(ind):
    with pytest.raises(gs.NotConvertible) as err:
        gs.convert(frame([1.0] * 23), ind, gs.AB)
    msg = str(err.value)
    assert "Index" in msg and "mitteln" in msg and ind["name"] in msg


def test_rate_with_missing_counts_for_one_part_is_refused():
    zaehler = [1.0] * 23
    zaehler[5] = np.nan
    with pytest.raises(gs.NotConvertible, match="Zähler und Nenner"):
        gs.convert(frame([1.0] * 23, zaehler, [1.0] * 23), RATE, gs.AB)


def test_missing_part_is_refused_not_treated_as_zero():
    werte = [1.0] * 23
    werte[5] = np.nan
    with pytest.raises(gs.NotConvertible, match="Eisenach"):
        gs.convert(frame(werte), COUNT, gs.AB)


def test_real_index_is_refused(con):
    ind = queries.indicator(con, "arbeitslosenquote")
    with pytest.raises(gs.NotConvertible):
        gs.values_on(con, "arbeitslosenquote", 2019, gs.AB)
    with pytest.raises(gs.NotConvertible):
        gs.convert(showable.values(con, "arbeitslosenquote", "kreis", gs.BIS, 2019), ind, gs.AB)


def test_22_to_23_leaves_eisenach_and_old_wartburgkreis_without_values():
    keys22 = [k for k in KREISE_23 if k != gs.EISENACH]
    out = gs.convert(frame([float(i) for i in range(22)], keys=keys22), COUNT, gs.BIS)
    assert list(out["schluessel"]) == KREISE_23
    for key in (gs.EISENACH, gs.WARTBURGKREIS):
        r = row(out, key)
        assert math.isnan(r["wert"])
        assert "nicht" in r["hinweis"] and "aufteilen" in r["hinweis"]
    assert row(out, gs.EISENACH)["name"] == "Eisenach"
    assert row(out, "16053")["wert"] == 2.0 and row(out, "16053")["status"] == "ok"
    with pytest.raises(gs.NotConvertible, match="aufgeteilt"):
        gs.convert(frame([1.0] * 22, keys=keys22), COUNT, gs.BIS, strict=True)


def test_values_on_native_converted_and_refused(con):
    native, note = gs.values_on(con, "einwohner", 2021, gs.BIS)
    assert note is None and len(native) == 23
    conv, note = gs.values_on(con, "arbeitslose", 2020, gs.BIS)
    assert len(conv) == 23 and "22 Kreisen" in note
    assert conv.loc[conv["schluessel"] == gs.EISENACH, "wert"].isna().all()
    assert conv.loc[conv["schluessel"] == gs.EISENACH, "name"].iloc[0] == "Eisenach"
    assert conv["wert"].notna().sum() == 21
    with pytest.raises(gs.NotConvertible, match="1990"):
        gs.values_on(con, "arbeitslose", 1990, gs.AB)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=23, max_size=23))
def test_land_total_of_a_count_is_unchanged_by_conversion(counts):
    vals = frame([float(c) for c in counts])
    out = gs.convert(vals, COUNT, gs.AB)
    assert out["wert"].sum() == vals["wert"].sum()
    assert len(out) == 22


def test_partial_keeps_the_21_unchanged_kreise_when_the_wartburgkreis_cannot_be_summed(con):
    with pytest.raises(gs.NotConvertible):
        gs.values_on(con, "quote_bedarfsgemeinschaften", 2018, gs.AB)
    vals, note = gs.values_on(con, "quote_bedarfsgemeinschaften", 2018, gs.AB, partial=True)
    assert len(vals) == 22 and "keinen Wert" in note
    wak = row(vals, gs.WARTBURGKREIS)
    assert math.isnan(wak["wert"]) and "Index" in wak["hinweis"]
    native = showable.values(con, "quote_bedarfsgemeinschaften", "kreis", gs.BIS, 2018)
    assert row(vals, "16053")["wert"] == row(native, "16053")["wert"]


def test_url_values_are_short_and_ids_are_accepted():
    assert gs.URL_VALUE[gs.BIS] == "23" and gs.from_url("23") == gs.BIS
    assert gs.from_url("ab-2021-07-01") == gs.AB
    with pytest.raises(KeyError):
        gs.from_url("24")
