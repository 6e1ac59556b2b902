"""Geheimhaltung stays local and bounded (issues 8, 13, 14): a Planungsraum affects only its own Kreis, a
value published anyway is never suppressed, the decomposition per Kreis gives the same cells as the
whole-Land computation, and a failed Planungsraum lookup is an error, never silent under-suppression."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from sozialatlas.areas import planungsraum
from sozialatlas.protection import privacy, smallarea
from sozialatlas.store import db, planungsraeume

EICHSFELD = "16061"
ERFURT = "16051000"


@pytest.fixture
def wcon(tmp_path):
    path = tmp_path / "sozialatlas.duckdb"
    db.build(path)
    con = db.connect(path, read_only=False)
    yield con
    con.close()


def shown(v: pd.DataFrame) -> int:
    return int(v["wert"].notna().sum())


@pytest.mark.parametrize(
    "pair",
    [
        ("16061021", "16061086"),  # Burgwalde (1) + Sickerode (3): the total 4 pins Burgwalde to 1
        ("16061039", "16061077"),  # Glasehausen (2) + Röhrig (2): the total 4 pins both
    ],
)
def test_one_small_planungsraum_stays_in_its_kreis(wcon, pair):
    """Issue 14, finding 4: one 2-Gemeinde Planungsraum in Eichsfeld blanked the Gemeinde map of Thüringen
    (12 of 631 shown, Erfurt gesperrt beside its published Kreis value)."""
    before = smallarea.values(wcon, "arbeitslose", 2021, rules=privacy.Rules()).set_index("schluessel")
    planungsraum.save(wcon, EICHSFELD, "Zwei Gemeinden", pd.DataFrame({"ags": list(pair), "planungsraum": "A"}))
    after = smallarea.values(wcon, "arbeitslose", 2021, rules=privacy.Rules()).set_index("schluessel")
    assert shown(after) >= 560
    erfurt = after.loc[ERFURT]
    assert not erfurt["gesperrt"] and erfurt["wert"] == erfurt["kreis_wert"]  # a kreisfreie Stadt = its Kreis
    changed = after.index[after["gesperrt"] != before["gesperrt"]]
    assert set(after.loc[changed, "kreis"]) <= {EICHSFELD}
    # … and what is shown is still safe: the Planungsraum itself is withheld or its members cannot be pinned
    pr = planungsraum.aggregate(
        wcon, planungsraeume.list_definitions(wcon, EICHSFELD)["id"].iloc[0], "arbeitslose", 2021
    )
    assert pr["gesperrt"].all() or pr["wert"].isna().all()


def test_value_published_anyway_is_never_suppressed():
    """Kreis A is one Gemeinde (a kreisfreie Stadt); Kreis B has only a 1 and a 0 (its total withheld). The
    Land total then discloses the 1 — suppressing the Stadt would not help (its Kreis value is published),
    so it stays visible and the cell is reported as not protectable by us."""
    values = {"stadt": 500, "p": 1, "z": 0}
    groups = {"kreis_a": {"stadt"}, "kreis_b": {"p", "z"}, "land": {"stadt", "p", "z"}}
    fixed = {"kreis_a", "kreis_b", "land"}
    whole = privacy.suppress_whole(values, groups, privacy.Rules(), fixed=fixed)
    assert "stadt" in whole.secondary  # the old whole-Land greedy hid a value published anyway
    sup = privacy.suppress(values, groups, privacy.Rules(), fixed=fixed)
    assert "stadt" not in sup.cells
    assert sup.unprotectable == ["p"]


CASES = [
    ("arbeitslose", 2021, "gemeinde"),
    ("arbeitslose", 2019, "gemeinde"),
    ("arbeitslose", 2015, "gemeinde"),
    ("arbeitslosenanteil", 2020, "gemeinde"),
    ("arbeitslosenanteil", 2017, "gemeinde"),
]


@pytest.mark.parametrize(("indikator", "jahr", "ebene"), CASES)
def test_decomposition_equals_whole_land_on_real_data(con, indikator, jahr, ebene):
    rules = privacy.Rules()
    ind = smallarea._indicator(con, indikator)
    raw = smallarea._raw(con, ind, jahr, ebene)
    counts = smallarea._count_values(raw, ind)
    groups, fixed = smallarea._groups(con, ind, jahr, ebene, raw, counts, rules)
    values = dict(zip(raw["schluessel"], counts))
    assert any(0 < v < rules.min_count for v in values.values())  # something to protect
    fast = privacy.suppress(values, groups, rules, fixed=fixed)
    whole = privacy.suppress_whole(values, groups, rules, fixed=fixed)
    assert fast.primary == whole.primary
    assert fast.secondary == whole.secondary
    assert fast.groups_withheld == whole.groups_withheld
    assert fast.unprotectable == whole.unprotectable


def test_failed_planungsraum_lookup_is_an_error(con, monkeypatch):
    """No broad except on the privacy path: without the Planungsräume as groups, differences between a
    Planungsraum and its Gemeinden could disclose small counts, so a failed lookup must stop the page."""

    def broken(*_a, **_k):
        raise duckdb.IOException("Datei nicht lesbar")

    monkeypatch.setattr(planungsraeume, "groups", broken)
    smallarea.clear_cache()
    with pytest.raises(duckdb.IOException):
        smallarea.values(con, "arbeitslose", 2021, rules=privacy.Rules())


def test_database_without_planungsraum_tables_is_handled_explicitly(wcon):
    with_tables = smallarea.values(wcon, "arbeitslose", 2021, rules=privacy.Rules())
    wcon.execute("DROP TABLE planungsraum_member")
    with pytest.raises(planungsraeume.PlanungsraumError, match="beschädigt"):
        planungsraeume.groups(wcon)
    wcon.execute("DROP TABLE planungsraum_definition")
    assert planungsraeume.groups(wcon) == {}
    without = smallarea.values(wcon, "arbeitslose", 2021, rules=privacy.Rules())
    assert len(without) == len(with_tables) == 631
