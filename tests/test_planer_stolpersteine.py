"""What tripped planners up (issue 15) and what the app must do with the new data (issue 9): one
regression test per fault, through the view models and the pages (AppTest)."""

from __future__ import annotations

import colorsys
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sozialatlas import domain
from sozialatlas.areas import gebietsstand as gs
from sozialatlas.render import charts, exports, formatting
from sozialatlas.store import queries
from sozialatlas.ui import htmltable
from sozialatlas.views import katalog, profile, timeseries
from sozialatlas.views import kreisvergleich as kv
from sozialatlas.views import lebenslagen as lebenslagen_view

ALLE_22 = None  # filled lazily from the database


def _kreise_22(con) -> list[str]:
    return [
        k
        for (k,) in con.execute(
            "SELECT schluessel FROM region WHERE ebene = 'kreis' AND gebietsstand = ? ORDER BY schluessel", [gs.AB]
        ).fetchall()
    ]


def _open(apptest, page, query):
    at = apptest(page, query)
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- 15.1 Zeitreihen PNG/SVG with a gap --------------------------------------------------------------


def test_a_series_with_a_gap_exports_as_png_and_svg(con):
    # Landtag turnout has gaps (no 2015–2018 …): Altair writes them as NaN, which vl-convert refused
    long, _ = timeseries.series(con, "wahlbeteiligung_ltw", gs.AB, ["16051", "16063", "16073"])
    chart = timeseries.chart(long, einheit="Prozent", dezimalen=1)
    assert "NaN" in chart.to_json() or long["wert"].isna().any()
    spec = exports.chart_spec(chart)
    json.loads(spec)  # strict JSON
    assert "NaN" not in spec
    assert exports.chart_png(chart).startswith(b"\x89PNG")
    assert b"<svg" in exports.chart_svg(chart)[:400]


def test_a_chart_that_cannot_be_exported_raises_a_german_error():
    with pytest.raises(exports.ChartExportError, match="Die Grafik konnte nicht"):
        exports.chart_spec("{kein JSON")
    with pytest.raises(exports.ChartExportError, match="nicht als PNG"):
        exports.chart_png('{"mark": "gibtsnicht", "data": {"values": []}}')


# --- 15.2 provenance on every export -------------------------------------------------------------------


def test_zeitreihen_download_and_figure_carry_quelle_lizenz_stand(con):
    long, _ = timeseries.series(con, "sgb2_quote", gs.AB, ["16051"])
    table = timeseries.download_table(long, "Prozent", gs.AB, 1)
    assert {"Quelle", "Lizenz", "Stand"} <= set(table.columns)
    assert (table["Lizenz"] != "").all()
    assert all(s == "" or s[2] == "." or "(" in s or s[:4].isdigit() for s in table["Stand"])
    chart = charts.with_source(
        timeseries.chart(long, einheit="Prozent", dezimalen=1), "SGB-II-Quote", ["Quelle: INKAR; Lizenz: dl-de/by-2-0"]
    )
    assert "Lizenz: dl-de/by-2-0" in chart.to_json()


def test_legend_export_keeps_its_colour_direction_and_adds_the_source():
    from sozialatlas.render import mapclasses

    mc = mapclasses.build(
        [1.0, 2.0, 3.0, np.nan], mapclasses.ClassSettings("quantile", 3), polaritaet="hoeher_schlechter"
    )
    legend = charts.classes_legend(mc, einheit="Prozent", gebiet_plural="Kreise", title="Quote 2021")
    out = json.loads(exports.chart_spec(charts.with_source(legend, "Legende: Quote 2021", ["Quelle: X; Lizenz: Y"])))
    sub = " ".join(out["title"]["subtitle"])
    assert "Dunkle Farben = ungünstig" in sub and "Lizenz: Y" in sub


def test_kreisvergleich_csv_has_lizenz_and_always_a_thueringen_row(con):
    row = queries.indicator(con, "sgb2_quote")
    ind = kv.Indicator.from_row(row)
    vals, _, _ = kv.load(con, "sgb2_quote", 2021, gs.AB)
    for land in (None, {"wert": 6.7, "status": "ok", "stand": "2021-12-31", "quelle_titel": "INKAR", "lizenz": "L"}):
        e = kv.export_table(vals.assign(gesperrt=False), ind, jahr=2021, land=land)
        assert "Lizenz" in e.columns and (e["Lizenz"].iloc[:-1] != "").all()
        last = e.iloc[-1]
        assert last["Kreis"] == "Thüringen"
        assert last["Status"] == ("keine Daten" if land is None else "veröffentlicht")
        text = exports.to_csv_bytes(e).decode("utf-8-sig")
        assert "\r\n16;Thüringen;Land;" in text


# --- 15.5 deep links that name what does not exist -----------------------------------------------------


def test_kreisvergleich_link_with_unknown_values_says_what_is_shown_instead(apptest):
    at = _open(
        apptest, "app_pages/kreisvergleich.py", {"indikator": "zurueckgenommen_x", "jahr": "1800", "kreis": "99999"}
    )
    text = " ".join(w.value for w in at.warning)
    assert "zurueckgenommen" in text and "1800" in text and "99999" in text
    assert "gezeigt wird" in text
    # and it still shows a real view
    assert at.selectbox(key="indikator").value == "kinderarmut_sgb2_u15"


def test_zeitreihen_link_with_unknown_kreis_and_indicator_warns(apptest):
    at = _open(apptest, "app_pages/zeitreihen.py", {"indikator": "weg", "kreise": "16051,99999"})
    text = " ".join(w.value for w in at.warning)
    assert "weg" in text and "99999" in text
    assert at.multiselect(key="kreise").value == ["16051"]


# --- 15.6 Zeitreihen: all 22 Kreise, distinguishable colours, readable axes -----------------------------


def test_zeitreihen_shows_all_22_kreise_as_small_multiples(apptest, con):
    at = _open(apptest, "app_pages/zeitreihen.py", {"indikator": "sgb2_quote", "kreise": ",".join(_kreise_22(con))})
    assert len(at.multiselect(key="kreise").value) == 22  # not cut to 7
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert "facet" in spec
    assert any("22 Kreise" in c.value for c in at.caption)


def _lab(hex_colour: str):
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = lin(r), lin(g), lin(b)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_line_colours_are_far_apart_and_axis_text_is_large_enough(con):
    cols = timeseries.KREIS_FARBEN
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            la, lb = _lab(a), _lab(b)
            assert np.linalg.norm(np.subtract(la, lb)) > 25, (a, b)  # Erfurt/Saalfeld were ≈ 15 apart
        h, light, s = colorsys.rgb_to_hls(*(int(a[i : i + 2], 16) / 255 for i in (1, 3, 5)))
        assert light < 0.75  # no pale yellow on white
    long, _ = timeseries.series(con, "sgb2_quote", gs.AB, ["16051", "16073"])
    spec = timeseries.chart(long, einheit="Prozent", dezimalen=1).to_dict()
    axes = [layer["encoding"][ch]["axis"] for layer in spec["layer"][:2] for ch in ("x", "y")]
    assert all(a["labelFontSize"] >= 13 and a["titleFontSize"] >= 13 for a in axes)


# --- 15.7 Kreisvergleich: ranking chart and tooltip -----------------------------------------------------


def test_ranking_tooltip_names_rank_and_year_and_axis_labels_do_not_overlap():
    df = pd.DataFrame({"schluessel": ["1", "2", "3"], "name": ["Jena", "Gera", "Suhl"], "wert": [12.0, 10.0, np.nan]})
    spec = charts.ranking(df, einheit="Prozent", dezimalen=2, land_wert=None, colour_of={}, jahr=2021).to_dict()
    bars = spec["layer"][0]
    titles = [t["title"] for t in bars["encoding"]["tooltip"]]
    assert "Jahr" in titles and any(t.startswith("Rang") for t in titles)
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {v["rang"] for v in values} == {"1 von 2", "2 von 2"}
    assert {v["jahr"] for v in values} == {"2021"}
    axis = bars["encoding"]["x"]["axis"]
    assert axis["labelOverlap"] in ("greedy", True) and axis["tickCount"] <= 6


# --- 15.8 formats ------------------------------------------------------------------------------------------


def test_counts_are_whole_numbers_in_csv_and_xlsx_uses_the_indicators_decimals():
    df = pd.DataFrame({"Kreis": ["A", "B"], "Einwohner": [5.0, 111463.0], "Quote (Prozent)": [6.6, np.nan]})
    df.attrs[exports.DEZIMALEN_ATTR] = {"Quote (Prozent)": 2}
    lines = exports.to_csv_bytes(df).decode("utf-8-sig").split("\r\n")
    assert lines[1] == "A;5;6,6" and lines[2] == "B;111463;"
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(df, {"Quelle": "x"}))).active
    assert ws["B2"].number_format == "#,##0" and ws["C2"].number_format == "#,##0.00"
    assert ws["C2"].value == 6.6  # still a number


def test_dates_ebenen_publishers_and_internal_notes_as_users_read_them():
    assert formatting.datum("2023-12-31") == "31.12.2023"
    assert formatting.ebenen_text("gemeinde, kreis, land") == "Land, Kreis, Gemeinde"
    assert formatting.ebenen_text("land;kreis;gemeinde") == "Land, Kreis, Gemeinde"
    assert formatting.quelle_text("Stadt Jena, Sozialamt", "keine Angabe") == "Stadt Jena, Sozialamt"
    assert formatting.quelle_text("INKAR", "BBSR") == "INKAR (BBSR)"
    assert formatting.nutzer_hinweis("IRIS-Export des BBSR (Dezimalkomma in Punkt umgesetzt)") == ""
    assert formatting.nutzer_hinweis("Reihenbruch ab 2016") == "Reihenbruch ab 2016"


def test_no_internal_etl_note_reaches_a_kreisprofil(con):
    rows = profile.profile(con, "16073", gs.AB)
    notes = " ".join(h for h in rows["hinweis"] if isinstance(h, str))
    assert "IRIS-Export" not in notes and "Dezimalkomma in Punkt" not in notes


# --- 15.9 Daten & Quellen readable in full -------------------------------------------------------------


def test_daten_und_quellen_shows_every_definition_in_full(apptest, con):
    at = _open(apptest, "app_pages/daten_quellen.py", {})
    assert not at.dataframe  # no canvas grid that cuts text off
    shown = htmltable.tables(at)
    inds = queries.indicators(con)
    longest = max((d for d in inds["definition"] if isinstance(d, str)), key=len)
    assert any(longest in set(t["Definition"]) for t in shown if "Definition" in t)
    ebenen = {e for t in shown if "Ebenen" in t for e in t["Ebenen"]}
    assert not any("kreis" in e or "gemeinde" in e for e in ebenen)  # German words, not ids
    assert "Land, Kreis, Gemeinde" in ebenen


def test_catalogue_table_lists_ebenen_in_their_one_order():
    inds = pd.DataFrame(
        {
            "name": ["A"],
            "einheit": ["Prozent"],
            "definition": ["lang " * 80],
            "formel": [None],
            "abgeleitet": [False],
            "polaritaet": ["hoeher_schlechter"],
            "ebenen": ["gemeinde;land;kreis"],
            "quelle_titel": ["Q"],
            "lizenz": ["L"],
        }
    )
    t = katalog.indicator_table(inds)
    assert t.loc[0, "Ebenen"] == "Land, Kreis, Gemeinde" and t.loc[0, "Definition"] == "lang " * 80


# --- issue 9: the app follows the new data ---------------------------------------------------------------


def test_kreisvergleich_opens_on_a_complete_current_indicator(apptest):
    at = _open(apptest, "app_pages/kreisvergleich.py", {})
    assert at.selectbox(key="indikator").value == "kinderarmut_sgb2_u15"
    assert at.selectbox(key="jahr").value == 2022
    table = [t for t in htmltable.tables(at) if t.index.name == "Kreis"][0]
    assert len(table) == 22 and not table.isin([formatting.KEINE_DATEN]).any().any()
    assert [m.value for m in at.metric][0] != formatting.KEINE_DATEN  # Thüringen has a value


def test_every_lebenslage_opens_on_a_complete_indicator(con):
    comp = queries.kreis_completeness(con)
    inds = queries.indicators(con, "kreis")
    for ll in domain.LEBENSLAGEN:
        offered = inds.loc[inds["lebenslage"] == ll, "id"]
        assert len(offered), ll  # all seven have Kreis indicators
        chosen = kv.default_indicator(comp, ll, offered)
        assert comp.set_index("indikator").loc[chosen, "jahr_komplett"] >= 2018, (ll, chosen)
        first = sorted(offered, key=lambda i: inds.set_index("id").loc[i, "name"])[0]
        if ll == "teilhabe":
            assert chosen != first or pd.notna(comp.set_index("indikator").loc[first, "jahr_komplett"])


def test_change_across_a_series_break_and_for_gisd_is_refused(con):
    brueche = queries.brueche(con, "sgb2_quote")
    assert 2011 in set(brueche["jahr"])
    jahre = list(range(2021, 2006, -1))
    ok, why = kv.comparison_years("sgb2_quote", jahre, 2021, brueche)
    assert min(ok) >= 2011 and "Reihenbruch 2011" in why and "nicht vergleichbar" in why
    ok, why = kv.comparison_years("gisd_score", jahre, 2021, queries.brueche(con, "gisd_score"))
    assert ok == [] and "neu skaliert" in why


def test_kreisvergleich_link_across_a_break_warns_in_german(apptest):
    at = _open(apptest, "app_pages/kreisvergleich.py", {"indikator": "sgb2_quote", "jahr": "2021", "vergleich": "2008"})
    assert any("Reihenbruch 2011" in w.value for w in at.warning)
    assert at.selectbox(key="vergleich").value is None


def test_23_kreise_view_of_an_inkar_2024_indicator_says_there_is_no_conversion(apptest):
    at = _open(apptest, "app_pages/kreisvergleich.py", {"indikator": "sgb2_quote", "gebietsstand": "23"})
    assert any("nur für die 22 Kreise" in w.value and "nicht möglich" in w.value for w in at.warning)
    assert not htmltable.tables(at)


def test_kreisprofil_ranks_of_22_with_a_thueringen_value_where_the_source_has_them(con):
    rows = profile.profile(con, "16073", gs.AB)
    inkr = rows[(rows["quelle"] == "inkar_2024_inkr") & rows["wert"].notna()]
    assert len(inkr) >= 30
    assert (inkr["n_kreise"] == 22).mean() > 0.9
    assert inkr["land_wert"].notna().mean() > 0.9
    # einwohner: 2023 lacks some Kreise, so the profile shows the complete year 2022 (rank of 22)
    ew = rows.set_index("indikator").loc["einwohner"]
    assert ew["n_kreise"] == 22 and pd.notna(ew["land_wert"])


def test_sparkline_and_trend_never_span_a_series_break(con):
    ind = queries.indicator(con, "sgb2_quote")
    card = lebenslagen_view.card(con, ind)
    assert card["land_reihe"]["jahr"].min() >= 2011
    assert card["bruch_text"] and "Reihenbruch 2011" in card["bruch_text"]


def test_start_and_lebenslagen_list_all_seven(apptest):
    at = _open(apptest, "app_pages/start.py", {})
    labels = [e.label for e in at.expander]
    assert sum(1 for lab in labels if "Indikatoren)" in lab) == 7
    at = _open(apptest, "app_pages/lebenslagen.py", {})
    assert len(at.radio(key="lebenslage").options) == 7


def test_landtag_turnout_per_gemeinde_carries_the_postal_vote_warning(apptest):
    at = _open(
        apptest,
        "app_pages/lebenslagen.py",
        {"lebenslage": "teilhabe", "indikator": "wahlbeteiligung_ltw", "kreis": "16073"},
    )
    assert any("Briefwähler" in w.value and "Gemeinderatswahl" in w.value for w in at.warning)


def test_landtag_turnout_map_of_gemeinden_warns_about_postal_votes(apptest):
    # without the postal votes most Gemeinden read ≈ 8 points too low: the map never stands without the warning
    at = _open(apptest, "app_pages/kleinraeumig.py", {"indikator": "wahlbeteiligung_ltw", "jahr": "2019"})
    assert any("Briefw" in w.value for w in at.warning)
    at = _open(apptest, "app_pages/kleinraeumig.py", {"indikator": "arbeitslosenanteil", "jahr": "2021"})
    assert not any("Briefw" in w.value for w in at.warning)


# --- 15.4 Import: mixed names and keys; shares above 100 % -------------------------------------------


def _import_meta(einheit: str, art: str = "quote") -> dict:
    return {
        "name": "Teilhabequote Test",
        "lebenslage": "teilhabe",
        "einheit": einheit,
        "art": art,
        "polaritaet": "hoeher_besser",
        "quelle": "Jugendamt Test",
        "stand": "2021-12-31",
        "lizenz": "intern",
    }


def test_a_gebiet_column_mixing_names_and_keys_accepts_jenas_key(con):
    from sozialatlas import importer

    data = b"Kreis;2021\nErfurt;10,5\n16053;11,5\nWeimar;12,5\n"
    report = importer.check(con, data, "gemischt.csv", _import_meta("Prozent"))
    assert not report.problems, [p.message for p in report.problems]
    assert set(report.observations["schluessel"]) == {"16051", "16053", "16055"}


def test_a_share_in_percent_above_100_is_refused_with_row_and_column(con):
    from sozialatlas import importer

    data = b"AGS;Jahr;Anteil in %\n16051;2021;40,5\n16052;2021;140\n"
    report = importer.check(con, data, "anteil.csv", _import_meta("Prozent"))
    msgs = [(p.row, p.column, p.message) for p in report.problems]
    assert any(col == "Anteil in %" and "140" in msg and "0 bis 100" in msg for _, col, msg in msgs), msgs
    # a change rate in per cent may exceed 100: no share, no refusal
    ok = importer.check(con, b"AGS;2021\n16051;140\n", "v.csv", _import_meta("Veränderung in Prozent"))
    assert not any("0 bis 100" in p.message for p in ok.problems)
