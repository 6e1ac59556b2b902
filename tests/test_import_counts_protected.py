"""Imported counts never leave the library unprotected (issue 14, item 1).

Whether an import is a count used to be decided by matching the whole unit against a word list:
„Kinder (Anzahl)“ became an index (aggregation `keine`) and its 1s and 2s were shown. Now the planner
chooses count / rate / index explicitly, a unit that names a count can only be imported as a count, and a
count always gets aggregation `summe`, i.e. primary and secondary suppression.
"""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialatlas import importer
from sozialatlas.areas import gebietsstand
from sozialatlas.importer import meta as importer_meta
from sozialatlas.protection import smallarea
from sozialatlas.store import versions
from tests.versions_helpers import copy_db

KREIS_AB = "ab-2021-07-01"
COUNT_UNITS = [
    "Kinder (Anzahl)",
    "Kinder unter 6 Jahren",
    "Anzahl der Fälle",
    "Personen",
    "Haushalte",
    "Bedarfsgemeinschaften",
    "Fälle",
    "Personen über 65 Jahre",
]
OTHER_UNITS = ["Prozent", "je 1.000 Einwohner", "Index", "Punkte", "Euro je Einwohner", "Meter", "Grad", ""]


@pytest.mark.parametrize(
    ("einheit", "art"),
    [
        ("Kinder (Anzahl)", "anzahl"),
        ("Kinder unter 6 Jahren", "anzahl"),
        ("Anzahl der Fälle", "anzahl"),
        ("Personen über 65 Jahre", "anzahl"),
        ("Anteil der Kinder", "quote"),
        ("Kinder je 1.000 Einwohner", "quote"),
        ("Kinderarmutsquote", "quote"),
        ("Einwohner je km²", "index"),
        ("Euro je Einwohner", "index"),
        ("Meter", None),
    ],
)
def test_the_unit_is_read_word_by_word(einheit, art):
    assert importer_meta.art_from_unit(einheit) == art


@pytest.fixture(scope="module")
def work_db(db_path, tmp_path_factory):
    return copy_db(db_path, tmp_path_factory.mktemp("counts"), "counts.duckdb")


@pytest.fixture(scope="module")
def wcon(work_db):
    c = duckdb.connect(str(work_db))
    yield c
    c.close()


@pytest.fixture(scope="module")
def keys(wcon):
    kreise = [
        r[0]
        for r in wcon.execute(
            "SELECT schluessel FROM region WHERE ebene = 'kreis' AND gebietsstand = ? ORDER BY 1", [KREIS_AB]
        ).fetchall()
    ]
    gemeinden = [
        r[0]
        for r in wcon.execute(
            "SELECT schluessel FROM region WHERE ebene = 'gemeinde' AND schluessel LIKE '16061%' ORDER BY 1"
        ).fetchall()
    ]
    return {"kreis": kreise, "gemeinde": gemeinden}


def _meta(einheit: str, art: str | None) -> dict:
    m = {
        "name": "Zählwerte",
        "lebenslage": "familie",
        "einheit": einheit or "Anzahl",
        "polaritaet": "neutral",
        "quelle": "Jugendamt",
        "stand": "31.12.2021",
        "lizenz": "intern",
    }
    if art:
        m["art"] = art
    return m


def _shown(con, ebene: str) -> list[float]:
    """What the protected read path gives for the indicator: the numbers a page or export can show."""
    if ebene == "kreis":
        vals, _note = gebietsstand.values_on(con, "zaehlwerte", 2021, KREIS_AB)
    else:
        vals = smallarea.values(con, "zaehlwerte", 2021, ebene="gemeinde")
    return [float(v) for v in vals["wert"].dropna()]


def test_without_a_choice_nothing_is_imported_and_the_page_gets_a_proposal(con):
    r = importer.check(con, b"AGS;2021\n16051;1\n16052;2\n", "a.csv", _meta("Kinder (Anzahl)", None))
    assert not r.ok
    text = " ".join(r.lines())
    assert "Art der Werte" in text and "Vorschlag nach der Einheit „Kinder (Anzahl)“: Anzahl" in text
    assert importer_meta.propose_art("Stück Kinder")[0] == "anzahl"
    assert importer_meta.propose_art("Meter", [1, 2, 5])[0] == "anzahl"
    assert importer_meta.propose_art("Meter", [1.5, 2])[0] is None


def test_a_count_unit_cannot_be_imported_as_index(con):
    r = importer.check(con, b"AGS;2021\n16051;1\n16052;2\n", "a.csv", _meta("Kinder unter 6 Jahren", "index"))
    assert not r.ok
    assert any("bezeichnet eine Anzahl" in line for line in r.lines())


def test_whole_numbers_chosen_as_index_get_a_german_warning(con):
    r = importer.check(con, b"AGS;2021\n16051;1\n16052;2\n", "a.csv", _meta("Meter", "index"))
    assert r.ok
    assert any(h.startswith("Achtung: Alle Werte sind ganze Zahlen") for h in r.hints)


def test_store_refuses_a_new_indicator_without_an_explicit_aggregation(wcon, keys):
    import pandas as pd

    obs = pd.DataFrame(
        [{"ebene": "kreis", "schluessel": k, "gebietsstand": KREIS_AB, "jahr": 2021, "wert": 1} for k in keys["kreis"]]
    )
    ind = {k: v for k, v in _meta("Kinder (Anzahl)", None).items()}
    with pytest.raises(versions.ImportRejected, match="Anzahlen"):
        versions.apply_import(wcon, ind, obs, "t", "a.csv")


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    einheit=st.sampled_from(COUNT_UNITS + OTHER_UNITS),
    art=st.sampled_from(["anzahl", "quote", "index", None]),
    ebene=st.sampled_from(["kreis", "kreis", "gemeinde"]),
    data=st.data(),
)
def test_no_count_of_one_or_two_leaves_the_library_for_any_import(wcon, keys, einheit, art, ebene, data):
    n = len(keys[ebene])
    values = data.draw(
        st.lists(
            st.one_of(
                st.integers(0, 3), st.integers(0, 500), st.floats(0, 50, allow_nan=False).map(lambda x: round(x, 1))
            ),
            min_size=n,
            max_size=n,
        )
    )
    text = "AGS;2021\n" + "".join(f"{k};{str(v).replace('.', ',')}\n" for k, v in zip(keys[ebene], values))
    meta = _meta(einheit, art)
    report = importer.check(wcon, text.encode(), "werte.csv", meta)
    counts_by_unit = importer_meta.art_from_unit(meta["einheit"]) == "anzahl"
    if counts_by_unit and art != "anzahl":
        assert not report.ok, "a unit that names a count must not pass as rate or index"
        return
    if not report.ok:
        return
    if art == "anzahl":
        assert report.indikator["aggregation"] == "summe"
    before = versions.current_version(wcon)
    versions.apply_import(wcon, report.indikator, report.observations, "test", "werte.csv")
    try:
        shown = _shown(wcon, ebene)
    finally:
        versions.rollback(wcon, before, "test")  # the next example starts without the indicator
    if art == "anzahl" or counts_by_unit:
        assert not [v for v in shown if v in (1.0, 2.0)], (einheit, art, shown)
