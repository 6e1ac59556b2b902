"""The HTML table beside the maps: readable by screen readers, escaped, the same values as the view."""

from __future__ import annotations

import pandas as pd
import pytest

from sozialatlas.render import htmltable


def _df():
    return pd.DataFrame(
        {
            "Gemeinde": ["Saalfeld/Saale", "<script>alert(1)</script>", "Kaulsdorf & Co"],
            "Wert (%)": ["1.234,5", "gesperrt", "keine Daten"],
            "Hinweis": ["", "kleine Fallzahl", "umgerechnet"],
        }
    )


def test_caption_scopes_and_round_trip():
    text = htmltable.to_html(_df(), caption="Arbeitslosenanteil 2021 — Gemeinden", height=560)
    assert text.count("<caption>") == 1
    assert text.count('<th scope="col">') == 3
    assert text.count('<th scope="row">') == 3  # the Gemeinde names head their rows
    # a scrollable region a keyboard can reach, named like the table
    assert 'tabindex="0"' in text and 'role="region"' in text and "max-height:560px" in text
    back = htmltable.read(text)
    assert back.attrs["caption"] == "Arbeitslosenanteil 2021 — Gemeinden"
    assert back.index.name == "Gemeinde"
    assert back.loc["Saalfeld/Saale", "Wert (%)"] == "1.234,5"
    assert back.loc["Kaulsdorf & Co", "Hinweis"] == "umgerechnet"
    assert list(back.index) == list(_df()["Gemeinde"])  # order kept (rank order of the view)


def test_names_from_data_are_text_never_markup():
    text = htmltable.to_html(_df(), caption='Titel mit <b>"Zeichen"</b>')
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<b>" not in text
    assert "<script>alert(1)</script>" in htmltable.read(text).index


def test_numbers_right_aligned_text_left():
    text = htmltable.to_html(_df(), caption="T")
    assert '<td class="num">1.234,5</td>' in text
    assert "<td>gesperrt</td>" in text and "<td>keine Daten</td>" in text


def test_highlight_marks_row_not_only_by_colour():
    df = pd.DataFrame({"Wert": ["1", "2"]}, index=pd.Index(["Jena", "▶ Gera"], name="Kreis"))
    text = htmltable.to_html(df, caption="T", highlight="▶ Gera")
    back = htmltable.read(text)
    assert back.index.name == "Kreis"  # a named index heads the rows
    assert back.attrs["markiert"] == ["▶ Gera"]
    assert text.count('aria-current="true"') == 1
    assert "max-height" not in text  # no height: no scroll region


def test_missing_caption_is_an_error():
    with pytest.raises(ValueError, match="Beschriftung"):
        htmltable.to_html(_df(), caption="")
