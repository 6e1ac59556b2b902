"""The one escaper for data text (sozialatlas.ui.plain): nothing from data becomes Markdown, a link, an image,
a formula, a Streamlit directive or HTML; bidi controls are gone; numbers stay readable."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st_

from sozialatlas.ui.plain import frame, md, table, text

PAYLOADS = [
    "![x](http://evil.example/t.png)",
    "[klick](http://evil.example/login)",
    '<img src="http://evil.example/t.png">',
    "http://evil.example/t.png",
    "www.evil.example",
    "x@evil.example",
    "$x^2$",
    ":red[rot] :material/home:",
    "**fett** _kursiv_ ~~weg~~ `code`",
    "# Überschrift",
    "1. Liste",
    "- Punkt",
    "&lt;b&gt; &#8238;",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_lose_their_syntax(payload):
    out = md(payload)
    for ch in "[]()<>$`*_~:#!&@":
        assert ch not in out.replace("\\" + ch, ""), (payload, out)  # every significant char escaped
    assert "http:" not in out and "www." not in out and "@e" not in out  # no autolink
    assert not out.startswith(("1.", "-", "#"))


def test_markdown_escape_as_before():
    # (a zero width space inside "://": Streamlit autolinks the parsed text, escapes alone do not stop it)
    assert md("<b>[x](http://a.b)</b> *k* $x$") == "\\<b\\>\\[x\\]\\(http\u200b\\://a\\.b\\)\\</b\\> \\*k\\* \\$x\\$"


def test_bidi_controls_and_line_breaks_are_removed():
    assert md("Ab\u202ecd\u2066e\u200f") == "Abcde"
    assert text("Name\n===\n\tx") == "Name === x"  # no setext heading, no code block
    assert text(None) == "" and text(float("nan")) == ""


def test_numbers_dates_and_names_stay_readable():
    assert [md(s) for s in ["7.010", "-3,5", "+1,2", "31.12.2023", "Saalfeld/Saale", "Größe"]] == [
        "7.010",
        "-3,5",
        "+1,2",
        "31.12.2023",
        "Saalfeld/Saale",
        "Größe",
    ]
    assert md("Saale-Orla-Kreis") == r"Saale\-Orla\-Kreis"


@given(st_.text())
def test_escaping_keeps_every_visible_character(s):
    out = md(s)
    unescaped = pd.Series([out]).str.replace(r"\\(.)", r"\1", regex=True)[0]
    assert unescaped.replace("\u200b", "") == text(s)


def test_table_escapes_cells_index_and_headers_but_not_numbers():
    df = pd.DataFrame({"Wert ($)": ["7.010", "![x](y)"], "n": [1, 2]}, index=pd.Index(["[a](b)", "c"], name="Ge_biet"))
    out = table(df)
    assert list(out.columns) == [r"Wert \(\$\)", "n"] and out.index.name == r"Ge\_biet"
    assert list(out.index) == [r"\[a\]\(b\)", "c"]
    assert list(out.iloc[:, 0]) == ["7.010", r"\!\[x\]\(y\)"] and list(out["n"]) == [1, 2]
    assert list(table(df, columns=[]).iloc[:, 0]) == ["7.010", "![x](y)"]
    assert frame(pd.DataFrame({"a": ["x\u202ey"]}))["a"][0] == "xy"
