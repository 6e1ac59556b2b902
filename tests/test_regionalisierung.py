"""Planungsräume vorschlagen (max-p): contiguous, every region above the population floor, savable, and
its table discloses no withheld count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialatlas.areas import planungsraum, regionalisierung
from sozialatlas.protection import privacy, smallarea
from sozialatlas.store import db, unprotected

SLF = "16073"  # Saalfeld-Rudolstadt


@pytest.fixture(scope="module")
def wcon(tmp_path_factory):
    path = tmp_path_factory.mktemp("rg") / "sozialatlas.duckdb"
    db.build(path)
    con = db.connect(path, read_only=False)
    yield con
    con.close()


@pytest.fixture(scope="module")
def vorschlag(wcon):
    return regionalisierung.suggest(wcon, SLF, ["arbeitslosenanteil", "kinderarmut_sgb2_u15"], 2021)


def test_every_region_is_contiguous_and_reaches_the_floor(vorschlag):
    v = vorschlag
    assert len(v.regionen) >= 2
    assert (v.regionen["einwohner"] >= 5000).all()
    assert all(regionalisierung.contiguous(v.gemeinden).values())
    # every Gemeinde of the Kreis exactly once
    assert v.mapping["ags"].is_unique and len(v.mapping) == len(v.gemeinden)
    assert v.mapping["ags"].str.startswith(SLF).all()


def test_a_higher_floor_gives_fewer_larger_regions(wcon, vorschlag):
    big = regionalisierung.suggest(wcon, SLF, ["arbeitslosenanteil"], 2021, min_einwohner=20000)
    assert (big.regionen["einwohner"] >= 20000).all()
    assert len(big.regionen) < len(vorschlag.regionen)
    assert all(regionalisierung.contiguous(big.gemeinden).values())


def test_impossible_floor_and_bad_input_are_german_errors(wcon):
    with pytest.raises(regionalisierung.VorschlagError, match="nur .* Einwohner"):
        regionalisierung.suggest(wcon, SLF, ["arbeitslosenanteil"], 2021, min_einwohner=10_000_000)
    with pytest.raises(regionalisierung.VorschlagError, match="mindestens einen Indikator"):
        regionalisierung.suggest(wcon, SLF, [], 2021)
    with pytest.raises(regionalisierung.VorschlagError, match="ganze Zahl"):
        regionalisierung.suggest(wcon, SLF, ["arbeitslosenanteil"], 2021, min_einwohner=0)


def test_reproducible(wcon, vorschlag):
    again = regionalisierung.suggest(wcon, SLF, ["arbeitslosenanteil", "kinderarmut_sgb2_u15"], 2021)
    pd.testing.assert_frame_equal(again.mapping.reset_index(drop=True), vorschlag.mapping.reset_index(drop=True))


def test_region_values_come_only_from_shown_gemeinden(wcon, vorschlag):
    vals = smallarea.values(wcon, "arbeitslosenanteil", 2021, kreis=SLF).set_index("schluessel")
    for row in vorschlag.regionen.itertuples():
        members = vorschlag.mapping.loc[vorschlag.mapping["planungsraum"] == row.planungsraum, "ags"]
        sub = vals.loc[members]
        if sub["gesperrt"].any():
            assert np.isnan(row.arbeitslosenanteil) and "gesperrt" in row.arbeitslosenanteil__hinweis
        else:
            expected = sub["zaehler"].sum() / sub["nenner"].sum() * smallarea.factor(wcon, {"id": "arbeitslosenanteil"})
            assert row.arbeitslosenanteil == pytest.approx(expected)
    # an index without counts is never combined
    assert vorschlag.regionen["kinderarmut_sgb2_u15"].isna().all()


def test_saved_suggestion_is_a_planungsraum_definition(wcon, vorschlag):
    new_id = planungsraum.save(wcon, SLF, "Vorschlag max-p (Test)", vorschlag.mapping)
    m = planungsraum.members(wcon, new_id)
    assert set(m["ags"]) == set(vorschlag.mapping["ags"])
    agg = planungsraum.aggregate(wcon, new_id, "arbeitslosenanteil", 2021)
    assert len(agg) == len(vorschlag.regionen)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kreis=st.sampled_from(["16073", "16061", "16075"]),
    floor=st.sampled_from([3000, 5000, 8000]),
)
def test_suggestion_table_reveals_no_withheld_count(wcon, kreis, floor):
    """Gemeinde values, the suggested regions' totals and the Kreis/Land totals together: the audit finds
    no small count that follows from them."""
    ind = "arbeitslose"
    v = regionalisierung.suggest(wcon, kreis, [ind], 2021, min_einwohner=floor)
    raw = unprotected.small_area_rows(wcon, ind, 2021, "gemeinde", "2021-12-31").set_index("schluessel")
    cells = pd.to_numeric(raw["wert"], errors="coerce").fillna(0).to_dict()
    small = {k for k, x in cells.items() if 0 < x < privacy.Rules().min_count}
    shown_vals = smallarea.values(wcon, ind, 2021)
    shown = set(shown_vals.loc[shown_vals["wert"].notna(), "schluessel"])
    groups = [set(p.index) for _, p in raw.groupby("kreis")] + [set(cells)]
    published_regions = []
    for row in v.regionen.itertuples():
        members = set(v.mapping.loc[v.mapping["planungsraum"] == row.planungsraum, "ags"])
        if not np.isnan(getattr(row, ind)):
            assert members <= shown
            published_regions.append(members)
    assert not set(privacy.audit(cells, groups + published_regions, shown)) & small
    # the suggested totals add no bound a reader did not have already
    assert privacy.audit_intervals(cells, groups + published_regions, shown, small) == privacy.audit_intervals(
        cells, groups, shown, small
    )
