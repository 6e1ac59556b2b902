"""Sozialindex: the method on a hand-computed example, polarity, unvollständig, breaks, presets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sozialatlas.views import analysedaten as ad
from sozialatlas.views import sozialindex as si

KEYS = ["a", "b", "c", "d", "e"]
A = si.Input("A", "Armut A", "hoeher_schlechter")
B = si.Input("B", "Beschäftigung B", "hoeher_besser")


def frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols, index=KEYS, dtype=float)


def test_hand_computed_five_area_index():
    # A = 1..5: mean 3, population sd √2 → z_A = (−2, −1, 0, 1, 2)/√2
    # B = 10,10,20,30,30 (higher is better): mean 20, sd √80 → aligned z_B = (10, 10, 0, −10, −10)/√80
    # S = (z_A + z_B)/2 = (−0.148091, 0.205461, 0, −0.205461, 0.148091); mean 0, sd 0.160181
    # I = S / 0.160181 = (−0.92452, 1.28268, 0, −1.28268, 0.92452)
    res = si.compute(frame(A=[1, 2, 3, 4, 5], B=[10, 10, 20, 30, 30]), [A, B])
    t = res.table
    assert t["z_A"].round(5).tolist() == [-1.41421, -0.70711, 0.0, 0.70711, 1.41421]
    assert t["z_B"].round(5).tolist() == [1.11803, 1.11803, 0.0, -1.11803, -1.11803]
    assert t["index"].round(4).tolist() == [-0.9245, 1.2827, 0.0, -1.2827, 0.9245]
    assert t["klasse"].tolist() == ["mittel", "niedrig", "mittel", "hoch", "mittel"]
    # b: A contributes −0.354, B +0.559 → B drives it, unfavourably
    assert t.loc["b", "treiber"] == "Beschäftigung B" and t.loc["b", "treiber_richtung"] == "ungünstig"
    assert t.loc["e", "treiber"] == "Armut A"
    assert res.n_referenz == 5


def test_weights_change_the_index():
    equal = si.compute(frame(A=[1, 2, 3, 4, 5], B=[10, 10, 20, 30, 30]), [A, B]).table["index"]
    heavy = si.compute(
        frame(A=[1, 2, 3, 4, 5], B=[10, 10, 20, 30, 30]), [A, si.Input("B", B.name, B.polaritaet, 3.0)]
    ).table["index"]
    assert not np.allclose(equal, heavy)
    # with B weighted 3: S = (z_A + 3 z_B)/4, so area a (good A, bad B) is now worse than average
    assert heavy["a"] > 0 > equal["a"]


def test_polarity_flips_the_sign():
    x = frame(A=[1, 2, 3, 4, 8])
    worse = si.compute(x, [si.Input("A", "A", "hoeher_schlechter")]).table
    better = si.compute(x, [si.Input("A", "A", "hoeher_besser")]).table
    assert np.allclose(worse["z_A"], -better["z_A"])
    assert np.allclose(worse["index"], -better["index"])
    assert worse.loc["e", "klasse"] == "sehr niedrig" and better.loc["e", "klasse"] == "hoch"


def test_suppressed_input_makes_the_area_unvollstaendig():
    x = frame(A=[1, 2, np.nan, 4, 5], B=[10, 10, 20, np.nan, 30])
    sperre = pd.DataFrame({"A": ["", "", "Fallzahl unter 3 (Geheimhaltung)", "", ""], "B": [""] * 5}, index=KEYS)
    t = si.compute(x, [A, B], sperre=sperre).table
    assert t.loc["c", "klasse"] == si.UNVOLLSTAENDIG and math.isnan(t.loc["c", "index"])
    assert t.loc["c", "fehlend"] == "Armut A (gesperrt)"
    assert t.loc["d", "klasse"] == si.UNVOLLSTAENDIG and t.loc["d", "fehlend"] == "Beschäftigung B (keine Daten)"
    # never averaged over fewer inputs: c has a valid B but still no index, and no treiber
    assert not t.loc["c", "vollstaendig"] and pd.isna(t.loc["c", "treiber"])
    assert t["vollstaendig"].sum() == 3


def test_neutral_indicator_is_refused_in_german():
    with pytest.raises(si.SozialindexError, match="keine Wertungsrichtung"):
        si.compute(frame(A=[1, 2, 3, 4, 5]), [si.Input("A", "Einwohner", "neutral")])
    with pytest.raises(si.SozialindexError, match="mindestens einen"):
        si.compute(frame(A=[1, 2, 3, 4, 5]), [])
    with pytest.raises(si.SozialindexError, match="positive Zahl"):
        si.compute(frame(A=[1, 2, 3, 4, 5]), [si.Input("A", "A", "hoeher_besser", 0)])


def test_reference_thueringen_vs_shown():
    x = frame(A=[1, 2, 3, 4, 50])
    shown = pd.Series([True, True, True, True, False], index=KEYS)
    only_shown = si.compute(x, [A], referenz=shown).table
    assert only_shown.loc[["a", "b", "c", "d"], "index"].round(4).tolist() == [-1.3416, -0.4472, 0.4472, 1.3416]


def test_dynamics_classes_and_break_refusal():
    t0 = frame(A=[5, 5, 5, 5, 5])
    t1 = frame(A=[3, 5, 5, 5, 9])
    # change −2, 0, 0, 0, +4: mean 0,4, sd 1,9596 → I = −1,22, −0,20 (×3), +1,84
    d = si.compute(si.change(t1, t0), [A], klassen="dynamik").table
    assert d["klasse"].tolist() == ["positiv", "stabil", "stabil", "stabil", "negativ"]
    assert si.break_refusal([A], {"A": [2016]}, 2016, 2021) is None  # a break at the start is fine
    text = si.break_refusal([A], {"A": [2018]}, 2016, 2021)
    assert text and "Reihenbruch ab 2018" in text and "nicht berechnet" in text


def test_gesamt_matrix_text():
    s = pd.Series(["hoch", si.UNVOLLSTAENDIG, "sehr niedrig"])
    d = pd.Series(["negativ", "stabil", "positiv"])
    assert si.gesamt(s, d).tolist() == [
        "Status hoch / Dynamik negativ",
        si.UNVOLLSTAENDIG,
        "Status sehr niedrig / Dynamik positiv",
    ]


def test_kernindex_resolves_from_the_catalogue_and_names_what_is_missing(con, monkeypatch):
    kreis = ad.resolve_preset(con, ad.KERNINDEX, "kreis", 2021)
    assert "arbeitslosenanteil" in kreis.ids
    gem = ad.resolve_preset(con, ad.KERNINDEX, "gemeinde", 2021)
    assert "arbeitslosenanteil" in gem.ids
    for i in set(ad.KERNINDEX_IDS) - set(gem.ids):
        assert any("fehlt in diesem Index" in h for h in gem.hinweise), i
    monkeypatch.setattr(ad, "KERNINDEX_IDS", ("gibt_es_nicht", "arbeitslosenanteil"))
    p = ad.resolve_preset(con, ad.KERNINDEX, "gemeinde", 2021)
    assert p.ids == ["arbeitslosenanteil"]
    assert p.hinweise == ["„gibt_es_nicht“ ist (noch) nicht im Indikatorenkatalog und fehlt in diesem Index."]


def test_gesperrt_gemeinden_are_unvollstaendig_in_the_real_index(con):
    ids = ad.resolve_preset(con, ad.KERNINDEX, "gemeinde", 2021).ids
    cat = ad.catalogue(con).set_index("id")
    inputs = [ad.to_input({**cat.loc[i].to_dict(), "id": i}) for i in ids]
    w = ad.wide(con, ids, "gemeinde", 2021)
    t = si.compute(w.werte, inputs, sperre=w.sperre).table
    gesperrt = w.sperre.ne("").any(axis=1)
    assert len(t) == 631 and gesperrt.any()
    assert (t.loc[gesperrt, "klasse"] == si.UNVOLLSTAENDIG).all()
    assert t.loc[gesperrt, "fehlend"].str.contains("gesperrt").all()
    assert t.loc[~gesperrt & w.werte.notna().all(axis=1), "index"].notna().all()
