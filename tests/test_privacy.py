"""Geheimhaltung: small counts are hidden and cannot be computed back from anything published."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialatlas.protection import privacy
from sozialatlas.protection.privacy import Rules

SUMME = {"aggregation": "summe"}
QUOTE = {"aggregation": "quote"}


def table(values: dict, **extra) -> pd.DataFrame:
    df = pd.DataFrame({"schluessel": list(values), "wert": [float(v) for v in values.values()]})
    for col, vals in extra.items():
        df[col] = vals
    return df


def published_view(values: dict, groups: dict, sup: privacy.Suppression):
    """What a reader sees: the shown cells and the totals of the aggregates not withheld."""
    shown = {k for k in values if k not in sup.cells and not pd.isna(values[k])}
    pub = {n: g for n, g in groups.items() if n not in sup.groups_withheld}
    return shown, pub


# --------------------------------------------------------------------------------------- rules


def test_rules_defaults_and_environment(monkeypatch):
    monkeypatch.delenv(privacy.ENV_MIN_COUNT, raising=False)
    monkeypatch.delenv(privacy.ENV_MIN_POPULATION, raising=False)
    assert privacy.rules() == Rules(3, 300)
    monkeypatch.setenv(privacy.ENV_MIN_COUNT, "5")
    monkeypatch.setenv(privacy.ENV_MIN_POPULATION, "1000")
    assert privacy.rules() == Rules(5, 1000)
    assert privacy.rules().grund_fallzahl == "Fallzahl unter 5 (Geheimhaltung)"


@pytest.mark.parametrize("raw", ["drei", "2.5", "2", "-1"])
def test_bad_environment_value_gives_german_error(monkeypatch, raw):
    monkeypatch.setenv(privacy.ENV_MIN_COUNT, raw)
    with pytest.raises(privacy.RulesError, match="SOZIALATLAS_MIN_FALLZAHL"):
        privacy.rules()


# --------------------------------------------------------------------------------------- primary rules


def test_small_counts_hidden_zero_and_three_shown():
    values = {"a": 0, "b": 1, "c": 2, "d": 3, "e": 50, "f": 60}
    out = privacy.protect(table(values), indikator=SUMME, rules=Rules())
    by = out.set_index("schluessel")
    assert by.loc["b", "sperrgrund"] == "Fallzahl unter 3 (Geheimhaltung)"
    assert by.loc["c", "gesperrt"] and np.isnan(by.loc["c", "wert"])
    # 0 is shown on purpose (documented in privacy): it names nobody.
    assert not by.loc["a", "gesperrt"] and by.loc["a", "wert"] == 0
    assert not by.loc["d", "gesperrt"] and by.loc["d", "wert"] == 3
    assert list(out["schluessel"]) == list(values)  # same rows, same order


def test_rate_hidden_for_small_population_and_small_numerator():
    t = pd.DataFrame(
        {
            "schluessel": ["a", "b", "c"],
            "wert": [10.0, 2.0, 5.0],
            "zaehler": [30.0, 2.0, 15.0],
            "nenner": [300.0, 100.0, 300.0],
            "einwohner": [299.0, 5000.0, 300.0],
        }
    )
    out = privacy.protect(t, indikator=QUOTE, rules=Rules()).set_index("schluessel")
    assert out.loc["a", "sperrgrund"] == "Quote nicht ausgewiesen: weniger als 300 Einwohner"
    assert out.loc["b", "sperrgrund"] == "Fallzahl unter 3 (Geheimhaltung)"
    assert out.loc[["a", "b"], ["wert", "zaehler", "nenner"]].isna().all().all()
    assert out.loc["c", "wert"] == 5.0 and not out.loc["c", "gesperrt"]


def test_secondary_suppression_in_a_published_total():
    values = {"a": 1, "b": 7, "c": 5, "d": 0, "e": 40}
    groups = {"kreis": set(values)}
    out = privacy.protect(table(values), indikator=SUMME, rules=Rules(), groups=groups, fixed={"kreis"})
    by = out.set_index("schluessel")
    # the smallest partner that is not small itself (5), never the 0
    assert by.loc["c", "sperrgrund"] == privacy.GRUND_SEKUNDAER
    assert not by.loc["d", "gesperrt"]
    assert out["gesperrt"].sum() == 2


def test_planungsraum_total_of_small_cells_is_withheld():
    values = {"a": 1, "b": 1, "c": 9, "d": 20}
    groups = {"pr1": {"a", "b"}, "pr2": {"c", "d"}, "kreis": set(values)}
    sup = privacy.suppress(values, groups, Rules(), fixed={"kreis"})
    assert sup.groups_withheld["pr1"] == "Fallzahl unter 3 (Geheimhaltung)"
    shown, pub = published_view(values, groups, sup)
    # pr1 = kreis − pr2 must not be computable either
    assert privacy.audit_aggregates(values, pub, shown, {"pr1": groups["pr1"]}) == []


# --------------------------------------------------------------------------------------- the audit can fail


def test_audit_detects_a_leaky_publication():
    values = {"a": 2, "b": 10, "c": 11, "d": 12}
    # only the small cell hidden, Kreis total published: a = total − b − c − d
    assert privacy.audit(values, [set(values)], {"b", "c", "d"}) == ["a"]
    # two hidden cells, but a Planungsraum {a, c} minus the shown c gives a back (and then b)
    assert privacy.audit(values, [set(values), {"a", "c"}], {"c", "d"}) == ["a", "b"]
    # a Planungsraum {a, b} beside a hidden pair in the Kreis: both determined via the difference
    assert privacy.audit(values, [set(values), {"a", "b"}], {"c"}) == ["d"]
    # safe: two unknowns in every published total
    assert privacy.audit(values, [set(values)], {"c", "d"}) == []


def test_interval_audit_detects_bounds_disclosure():
    # 2 + 2 = 4 with both cells known to be 1 or 2: both must be 2
    values = {"a": 2, "b": 2, "c": 40}
    assert privacy.audit(values, [{"a", "b", "c"}], {"c"}) == []  # linear algebra alone misses it …
    assert privacy.audit_intervals(values, [{"a", "b", "c"}], {"c"}, {"a", "b"}) == ["a", "b"]  # … bounds don't
    # 1 + secondary 3 = 4: the secondary cell is known to be >= 3, so a = 1
    values = {"a": 1, "s": 3, "c": 40}
    assert privacy.audit_intervals(values, [set(values)], {"c"}, {"a"}) == ["a"]
    assert privacy.suppress(values, {"k": set(values)}, Rules()).cells != {"a", "s"}


def test_suppression_without_secondary_step_would_leak():
    """The property test below is not vacuous: primary suppression alone fails the same audit."""
    values = {"a": 1, "b": 7, "c": 5, "d": 0, "e": 40}
    primary_only = {k for k, v in values.items() if 0 < v < 3}
    assert privacy.audit(values, [set(values)], set(values) - primary_only) == ["a"]


# --------------------------------------------------------------------------------------- exactness of the rank test


def exact_recoverable(unknowns, equations):
    """Reference: Gauss–Jordan elimination over the rationals."""
    idx = {k: i for i, k in enumerate(unknowns)}
    rows = [[Fraction(1 if k in eq else 0) for k in unknowns] for eq in equations if set(eq) & set(idx)]
    col_pivot = {}
    for r in rows:
        r = r[:]
        for c, pr in col_pivot.items():
            if r[c] != 0:
                f = r[c] / pr[c]
                r = [x - f * y for x, y in zip(r, pr)]
        piv = next((c for c, x in enumerate(r) if x != 0), None)
        if piv is None:
            continue
        for c, pr in list(col_pivot.items()):  # keep reduced form
            if pr[piv] != 0:
                f = pr[piv] / r[piv]
                col_pivot[c] = [x - f * y for x, y in zip(pr, r)]
        col_pivot[piv] = r
    out = []
    for k in unknowns:
        i = idx[k]
        # e_i in row space iff it equals a combination: in reduced form, the pivot row of i has no other
        # non-pivot entries
        if i in col_pivot:
            row = col_pivot[i]
            if all(row[j] == 0 for j in range(len(unknowns)) if j != i and j not in col_pivot):
                if all(row[j] == 0 for j in col_pivot if j != i):
                    out.append(k)
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 9).flatmap(
        lambda n: st.tuples(
            st.just([f"x{i}" for i in range(n)]),
            st.lists(st.sets(st.sampled_from([f"x{i}" for i in range(n)]), min_size=1), max_size=8),
        )
    )
)
def test_rank_test_equals_exact_rational_elimination(case):
    unknowns, eqs = case
    assert sorted(privacy.recoverable(unknowns, eqs)) == sorted(exact_recoverable(unknowns, eqs))


# --------------------------------------------------------------------------------------- property: nothing leaks

small_heavy = st.one_of(st.integers(0, 2), st.integers(0, 2), st.integers(3, 12), st.integers(13, 400))


@st.composite
def publications(draw):
    """A random Land: Gemeinden in Kreise, random Planungsräume over the Gemeinden of a Kreis (several
    definitions, so they overlap), the Land total, some cells without data."""
    n = draw(st.integers(2, 14))
    keys = [f"g{i:02d}" for i in range(n)]
    values = {k: draw(small_heavy) for k in keys}
    for k in draw(st.sets(st.sampled_from(keys), max_size=2)):
        values[k] = float("nan")
    n_kreise = draw(st.integers(1, min(4, n)))
    kreis_of = {k: draw(st.integers(0, n_kreise - 1)) for k in keys}
    groups, fixed = {}, set()
    for kr in range(n_kreise):
        members = {k for k in keys if kreis_of[k] == kr}
        if members:
            groups[("kreis", kr)] = members
            fixed.add(("kreis", kr))
    groups[("land",)] = set(keys)
    fixed.add(("land",))
    for d in range(draw(st.integers(0, 3))):
        kr = draw(st.integers(0, n_kreise - 1))
        members = sorted(k for k in keys if kreis_of[k] == kr)
        if not members:
            continue
        labels = draw(st.lists(st.integers(0, 3), min_size=len(members), max_size=len(members)))
        for lab in set(labels):
            groups[("pr", d, lab)] = {m for m, x in zip(members, labels) if x == lab}
    return values, groups, fixed


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications(), st.sampled_from([Rules(3, 300), Rules(5, 300)]))
def test_no_suppressed_count_can_be_reconstructed(pub, rules):
    values, groups, fixed = pub
    sup = privacy.suppress(values, groups, rules, fixed=fixed)
    shown, published = published_view(values, groups, sup)
    # every small non-zero count is hidden …
    assert {k for k, v in values.items() if not pd.isna(v) and 0 < v < rules.min_count} <= sup.cells
    # … secondary cells are never small or 0 (the reader's bound x >= min_count holds) …
    assert all(values[k] >= rules.min_count for k in sup.secondary)
    safe = set(sup.unprotectable)
    # … no hidden count follows from the shown cells and published totals (sums and differences) …
    leaked = set(privacy.audit(values, published, shown)) & sup.cells
    assert leaked <= safe
    # … nor from them together with what a reader knows about hidden cells …
    assert set(privacy.audit_intervals(values, published, shown, sup.primary, rules)) <= safe
    # … nor is a withheld small aggregate computable.
    small = {n: g for n, g in groups.items() if sup.groups_withheld.get(n) == rules.grund_fallzahl}
    assert not privacy.audit_aggregates(values, published, shown, small) or safe
    # Only totals the source publishes itself can make a cell unprotectable; without them, never.
    if sup.unprotectable:
        free = privacy.suppress(values, groups, rules, fixed=())
        assert free.unprotectable == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(publications())
def test_protect_table_matches_suppression_and_hides_values(pub):
    values, groups, fixed = pub
    out = privacy.protect(table(values), indikator=SUMME, rules=Rules(), groups=groups, fixed=fixed)
    hidden = set(out.loc[out["gesperrt"], "schluessel"])
    assert out.loc[out["gesperrt"], "wert"].isna().all()
    shown = set(out.loc[out["wert"].notna(), "schluessel"])
    gr = out.attrs["gruppen"]
    published = {g: groups[g] for g, s in zip(gr["gruppe"], gr["gesperrt"]) if not s}
    assert not (set(privacy.audit(values, published, shown)) & hidden) or out.attrs["nicht_schuetzbar"]
    # no shown value is a small count
    assert not any(0 < v < 3 for v in out["wert"].dropna())


def test_masked_source_cell_is_not_computable_from_the_total():
    """Jena publishes small counts as 0; with the city total, a single masked Bezirk would follow."""
    values = {"a": float("nan"), "b": 40, "c": 25, "d": 9}
    groups = {"jena": set(values)}
    plain = privacy.suppress(values, groups, Rules(), fixed={"jena"})
    assert plain.cells == set()  # without knowing it is a secret, nothing would be done
    sup = privacy.suppress(values, groups, Rules(), fixed={"jena"}, masked={"a"})
    assert sup.secondary == {"d"}
    shown = {k for k in values if k not in sup.cells and k != "a"}
    assert "a" not in privacy.audit(values, groups, shown)


def test_unprotectable_reported_when_only_fixed_totals_disclose():
    # a fixed total of one small cell and one 3: 1 + x = 4 with x >= 3 → cannot be protected by us
    values = {"a": 1, "b": 3}
    sup = privacy.suppress(values, {"k": {"a", "b"}}, Rules(), fixed={"k"})
    assert sup.unprotectable == ["a"]
    assert privacy.suppress(values, {"k": {"a", "b"}}, Rules()).groups_withheld == {"k": privacy.GRUND_SEKUNDAER}
