"""Class breaks, legends and colours a planner can trust: the same breaks as mapclassify, counts that add
up, 'keine Daten' never in a colour class, readable labels, German input for manual breaks."""

import re

import mapclassify
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from sozialatlas.render import classify, mapclasses, palettes

MAPCLASSIFY = {
    "quantile": lambda y, k: mapclassify.Quantiles(y, k=k),
    "equal_interval": lambda y, k: mapclassify.EqualInterval(y, k=k),
    "fisher_jenks": lambda y, k: mapclassify.FisherJenks(y, k=k),
    "std_mean": lambda y, k: mapclassify.StdMean(y),
}


def _kreis_values(con, indikator, jahr):
    return con.execute(
        "SELECT wert FROM beobachtung WHERE indikator = ? AND ebene = 'kreis' AND jahr = ? "
        "AND gebietsstand = 'ab-2021-07-01' ORDER BY schluessel",
        [indikator, jahr],
    ).df()["wert"]


@pytest.mark.parametrize("scheme", list(MAPCLASSIFY))
@pytest.mark.parametrize("k", [3, 5, 7])
def test_breaks_equal_mapclassify_on_real_kreis_data(con, scheme, k):
    vals = _kreis_values(con, "schuldnerquote", 2021).to_numpy()
    assert len(vals) == 22
    ours = classify.classify(vals, scheme, k)
    ref = MAPCLASSIFY[scheme](vals, k)
    assert ours.bins == pytest.approx(list(ref.bins))
    assert list(ours.classes) == list(ref.yb)
    assert sum(ours.counts) == 22 and ours.missing == 0


@settings(max_examples=60, deadline=None)
# indicator values as published: at most two decimals (subnormal floats make mapclassify's Fisher-Jenks
# return unordered bins, which no real indicator has)
@given(
    values=hst.lists(
        hst.one_of(hst.none(), hst.integers(-(10**8), 10**8).map(lambda i: i / 100)), min_size=1, max_size=40
    ),
    scheme=hst.sampled_from(list(MAPCLASSIFY)),
    k=hst.integers(3, 7),
)
def test_counts_and_keine_daten_add_up_to_all_regions(values, scheme, k):
    vals = np.array([np.nan if v is None else v for v in values], dtype=float)
    cls = classify.classify(vals, scheme, k)
    assert sum(cls.counts) + cls.missing == len(vals)
    assert cls.missing == int(np.isnan(vals).sum())
    # a missing value is never put into a colour class
    assert all(c == -1 for c, v in zip(cls.classes, vals) if np.isnan(v))
    assert all(c >= 0 for c, v in zip(cls.classes, vals) if not np.isnan(v))
    present = vals[~np.isnan(vals)]
    if present.size and len(np.unique(present)) > 1 and scheme != "std_mean":
        assert cls.bins == pytest.approx(list(MAPCLASSIFY[scheme](present, min(k, len(np.unique(present)))).bins))


def _ranges(labels):
    """(low, high) per label as floats, for labels like '1,5 bis 3' / 'über 3 bis 4,2'."""
    out = []
    for lab in labels:
        nums = [
            float(n.replace(".", "").replace(",", ".").replace("\u2212", "-"))
            for n in re.findall(r"[-\u2212]?[\d.]+(?:,\d+)?", lab.split(" (")[0])
        ]
        out.append(nums)
    return out


def test_std_mean_labels_never_show_an_inverted_range():
    # one outlier: the lower σ bounds lie below the minimum, so the lowest classes are empty
    vals = [10, 11, 12, 12, 13, 14, 15, 60]
    cls = classify.classify(vals, "std_mean")
    assert cls.bins[0] < min(vals) and cls.counts[0] == 0
    labels = cls.labels(1)
    assert labels[0].startswith("bis ")  # not '10,0 bis -8,1'
    for nums in _ranges(labels):
        assert nums == sorted(nums)
    assert "Mittelwert ± 1 σ" in " ".join(labels)


def test_manual_breaks_in_german_and_kept_across_years():
    assert classify.parse_manual_breaks("5; 10,5; 1.250") == [5.0, 10.5, 1250.0]
    assert classify.parse_manual_breaks("2.5\n7") == [2.5, 7.0]
    assert classify.parse_manual_breaks("−3; 0") == [-3.0, 0.0]
    # the same breaks give the same legend whatever the data: breaks above the maximum stay
    cls = classify.classify([1, 2, 3, np.nan], "manual", manual=[2, 10, 20])
    assert cls.bins == [2, 10, 20] and cls.counts == [2, 1, 0] and cls.missing == 1
    # values above the highest break get their own class up to the maximum
    cls = classify.classify([1, 2, 30], "manual", manual=[2, 10])
    assert cls.bins == [2, 10, 30] and cls.labels(0)[-1] == "über 10 bis 30"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "mindestens eine"),
        ("5; abc", "„abc“ ist keine Zahl"),
        ("10; 5", "aufsteigend"),
        ("5; 5", "aufsteigend"),
        ("nan", "keine Zahl"),
        ("1;2;3;4;5;6;7;8", "Höchstens 7"),
    ],
)
def test_bad_manual_breaks_get_a_german_message(text, words):
    with pytest.raises(classify.ClassificationError) as err:
        classify.parse_manual_breaks(text)
    assert words in str(err.value)


def test_too_many_manual_classes_are_refused():
    with pytest.raises(classify.ClassificationError, match="Höchstens 7 Klassen"):
        classify.classify(list(range(100)), "manual", manual=[1, 2, 3, 4, 5, 6, 7])


def test_legend_entries_end_with_keine_daten_and_add_up():
    vals = [1.0, 2.0, np.nan, 4.0, 8.0, np.nan, 3.0]
    mc = mapclasses.build(vals, mapclasses.ClassSettings("quantile", 3), polaritaet="hoeher_schlechter")
    entries = mc.entries("Kreise")
    assert entries[-1].label == "keine Daten" and entries[-1].count == 2
    assert entries[-1].colour == palettes.KEINE_DATEN_FARBE
    assert sum(e.count for e in entries) == len(vals)
    assert [f for f, v in zip(mc.fill, vals) if np.isnan(v)] == [palettes.KEINE_DATEN_FARBE] * 2
    assert palettes.KEINE_DATEN_FARBE not in mc.colours


@pytest.mark.parametrize("polaritaet, dark_end", [("hoeher_schlechter", "high"), ("hoeher_besser", "low")])
def test_sequential_colours_are_darkest_at_the_unfavourable_end(polaritaet, dark_end):
    mc = mapclasses.build([1, 2, 3, 4, 5, 6], mapclasses.ClassSettings("equal_interval", 3), polaritaet=polaritaet)
    lum = [sum(palettes.hex_to_rgba(c)[:3]) for c in mc.colours]
    assert (lum[-1] < lum[0]) == (dark_end == "high")
    assert "ungünstig" in mc.direction


@pytest.mark.parametrize("scheme", ["quantile", "equal_interval", "fisher_jenks", "std_mean"])
@pytest.mark.parametrize("k", [3, 4, 5, 6, 7])
def test_diverging_classes_split_at_the_thueringen_value(con, scheme, k):
    vals = _kreis_values(con, "arbeitslosenanteil", 2021).to_numpy()
    ref = 4.9
    mc = mapclasses.build(
        vals,
        mapclasses.ClassSettings(scheme, k, None, True),
        polaritaet="hoeher_schlechter",
        reference=ref,
        dezimalen=1,
    )
    assert mc.diverging and sum(mc.counts) == len(vals)
    odd = mc.k % 2 == 1
    # no class straddles the reference: every value below Thüringen is in a lower class than every value above
    below = [c for v, c in zip(vals, mc.classes) if v < ref]
    above = [c for v, c in zip(vals, mc.classes) if v > ref]
    assert max(below) <= min(above)
    if not odd:
        assert max(below) < min(above)
    # unfavourable side (above Thüringen for this indicator) is orange, the favourable side purple
    assert mc.colours[-1] in palettes.UNGUENSTIG_SEITE
    assert mc.colours[0] in palettes.GUENSTIG_SEITE
    assert "Thüringen" in mc.direction and "ungünstiger" in mc.direction


def test_diverging_without_thueringen_value_falls_back_and_says_so():
    mc = mapclasses.build(
        [1, 2, 3, 4], mapclasses.ClassSettings("quantile", 3, None, True), polaritaet="hoeher_besser", reference=None
    )
    assert not mc.diverging
    assert any("kein Wert" in n for n in mc.notes)


def test_diverging_for_counts_falls_back_because_the_land_value_is_a_sum():
    mc = mapclasses.build(
        [100, 200, 300],
        mapclasses.ClassSettings("quantile", 3, None, True),
        polaritaet="neutral",
        reference=600,
        reference_comparable=False,
    )
    assert not mc.diverging and any("Summe" in n for n in mc.notes)


def test_diverging_labels_are_symmetric_and_open_at_the_ends():
    mc = mapclasses.build(
        [1, 2, 3, 5, 6, 7, 9],
        mapclasses.ClassSettings("equal_interval", 5, None, True),
        polaritaet="neutral",
        reference=5,
        dezimalen=0,
    )
    assert mc.labels[0].startswith("unter ") and mc.labels[-1].startswith("über ")
    middle = mc.labels[len(mc.labels) // 2]
    lo, hi = _ranges([middle])[0]
    assert (lo + hi) / 2 == pytest.approx(5)


def test_negative_numbers_use_one_minus_sign_everywhere():
    """Fault 15.7: 'U+2011'/'-' and '−' were mixed; every label, table and axis writes U+2212."""
    from sozialatlas.render import formatting, mapclasses

    assert formatting.zahl(-1.25, 2) == "\u22121,25"
    assert formatting.zahl(-0.001, 1) == "0,0"  # no "−0,0"
    mc = mapclasses.build(
        [-3.0, -1.0, 0.5, 2.0, 4.0], mapclasses.ClassSettings("equal_interval", 4), polaritaet="neutral"
    )
    text = " ".join(mc.labels)
    assert "\u2212" in text and "-" not in text and "\u2011" not in text


def test_change_map_never_paints_an_improvement_in_the_neutral_colour():
    """Fault 15.7: a change map in diverging colours had a white '−1,6 bis 1,6' class holding 11
    improved Kreise; changes now have no middle class and the legend speaks of Zunahme/Abnahme."""
    from sozialatlas.render import mapclasses

    changes = [-3.0, -2.0, -1.5, -1.0, -0.5, -0.2, -0.1, 0.3, 1.2, 2.0, 3.1]
    for scheme in ("quantile", "equal_interval", "std_mean", "fisher_jenks"):
        mc = mapclasses.build(
            changes,
            mapclasses.ClassSettings(scheme, 5, None, True),
            polaritaet="hoeher_schlechter",
            reference=0.0,
            dezimalen=1,
            reference_phrase="0 (keine Veränderung)",
            change=True,
        )
        fill = mc.fill
        lower = {fill[i] for i, c in enumerate(changes) if c < 0}
        upper = {fill[i] for i, c in enumerate(changes) if c > 0}
        assert not lower & upper, scheme  # no colour holds both an improvement and a worsening
        assert palettes.MITTE_FARBE not in lower | upper, scheme  # never the neutral centre
        assert "Abnahme (günstiger)" in mc.direction and "keine Veränderung) (" not in mc.direction
