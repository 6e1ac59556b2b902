"""Whatever bytes arrive, reading and checking end in a report – never in an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialatlas import importer
from sozialatlas.store import db

META = {
    "name": "Fuzz",
    "lebenslage": "familie",
    "einheit": "Personen",
    "art": "anzahl",
    "polaritaet": "neutral",
    "quelle": "Q",
    "stand": "2020",
    "lizenz": "intern",
}
CELLS = [
    "16051",
    "16056",
    "16051000",
    "1.6051E+07",
    "16051.0",
    "Erfurt",
    "Sömmerda",
    "Lehesten",
    "Thüringen",
    "2019",
    "2020.0",
    "Jahr",
    "Wert",
    "AGS",
    "Name",
    "Zähler",
    "Nenner",
    "1.234,5",
    "12.5",
    "-3",
    "–",
    ".",
    "x",
    "",
    " ",
    "zwölf",
    "=1+1",
    '"',
    '"a;b"',
    "#DIV/0!",
    "1850",
    "2999",
    "\u00a0",
    "ä\u0308",
    "\x07",
    "<script>",
    "99999999999999999999",
    "1e309",
    "-0",
    "0,0",
    "Stand",
    "Hinweis",
    "Insgesamt",
]


@pytest.fixture(scope="module")
def fuzz_con(db_path):
    c = db.connect(db_path, read_only=True)
    yield c
    c.close()


def _check(con, data: bytes, name: str) -> None:
    report = importer.validate(con, importer.read_table(data, name), META)
    assert report.ok or report.problems
    for p in report.problems:
        assert isinstance(p.message, str) and p.message.strip()
    if report.ok:
        assert report.observations["schluessel"].str.startswith("16").all()
        assert report.observations["wert"].notna().any()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000), st.sampled_from(["a.csv", "a.xlsx", "a.txt", ""]))
def test_random_bytes_never_raise(fuzz_con, data, name):
    _check(fuzz_con, data, name)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.lists(st.sampled_from(CELLS), min_size=0, max_size=6), min_size=0, max_size=8),
    st.sampled_from([";", ",", "\t", "|"]),
    st.sampled_from(["utf-8", "cp1252", "utf-8-sig", "utf-16"]),
)
def test_random_tables_never_raise(fuzz_con, rows, sep, encoding):
    text = "\n".join(sep.join(r) for r in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _check(fuzz_con, data, "a.csv")
