"""The Kreisvergleich view as data, for every indicator: missing is 'keine Daten' everywhere (table, tooltip,
legend count), never 0; conversion between the Gebietsstände is marked or refused with a reason."""

import math

import numpy as np
import pytest

from sozialatlas.protection import showable
from sozialatlas.render import mapclasses, palettes
from sozialatlas.store import queries
from sozialatlas.views import kreisvergleich as kv

STAENDE = ("ab-2021-07-01", "bis-2021-06-30")
ZERO_TEXTS = {"0", "0,0", "0,00", "0,000", "0 %", "0,0 %", "0,00 %"}


def _cases(con):
    """Every indicator with Kreis data × its latest year × both Gebietsstände."""
    inds = queries.indicators(con, "kreis")
    out = []
    for row in inds.to_dict("records"):
        jahr = int(
            con.execute(
                "SELECT max(jahr) FROM beobachtung WHERE indikator = ? AND ebene = 'kreis'", [row["id"]]
            ).fetchone()[0]
        )
        out += [(row, jahr, stand) for stand in STAENDE]
    return out


def _view(con, row, jahr, stand, **kw):
    vals, note, refusal = kv.load(con, row["id"], jahr, stand)
    if vals is None:
        return None, refusal
    ind = kv.Indicator.from_row(row)
    view = kv.build_view(
        vals,
        queries.shapes(con, "kreis", stand),
        ind,
        mapclasses.ClassSettings(),
        jahr=jahr,
        land=showable.land_value(con, row["id"], jahr),
        **kw,
    )
    return view, note


def test_every_indicator_shows_missing_as_keine_daten_in_table_tooltip_and_legend(con):
    cases = _cases(con)
    assert len(cases) >= 2 * 35
    checked_missing = 0
    for row, jahr, stand in cases:
        view, _ = _view(con, row, jahr, stand)
        n_regions = 22 if stand == "ab-2021-07-01" else 23
        if view is None:
            continue
        where = f"{row['id']} {jahr} {stand}"
        missing = view.vals["wert"].isna()
        assert len(view.vals) == n_regions, where
        # table: one row per Kreis; missing → 'keine Daten', no rank; nothing missing reads as 0
        wert_col = [c for c in view.table.columns if c.startswith("Wert")][0]
        by_name = view.table[wert_col]
        assert len(view.table) == n_regions, where
        for name, is_missing in zip(view.vals["name"], missing):
            assert (by_name[name] == "keine Daten") == is_missing, (where, name)
        assert not by_name[~by_name.eq("keine Daten")].isin(ZERO_TEXTS).any() or (view.vals["wert"] == 0).any(), where
        # tooltip
        tips = view.features.set_index("schluessel")
        for key, is_missing in zip(view.vals["schluessel"], missing):
            assert (tips.loc[key, "wert_text"] == "keine Daten") == is_missing, (where, key)
            if is_missing:
                assert tips.loc[key, "klasse"] == "keine Daten" and tips.loc[key, "status_text"] == "keine Daten"
        # legend: 'keine Daten' counted, colour classes hold only real values, all Kreise accounted for
        entries = view.classes.entries("Kreise")
        assert entries[-1].label == "keine Daten" and entries[-1].count == int(missing.sum()), where
        assert sum(e.count for e in entries) == n_regions, where
        # map: missing Kreise grey, no colour of a value class
        for key, is_missing in zip(view.vals["schluessel"], missing):
            assert (view.fill[key] == palettes.KEINE_DATEN_FARBE) == is_missing, (where, key)
        # export: numbers empty where missing, Status says so
        exp = view.export[view.export["Kreis"] != "Thüringen"]
        val_col = [
            c for c in exp.columns if c.endswith(f"{jahr}" + (f" ({row['einheit']})" if row["einheit"] else ""))
        ][0]
        assert exp[val_col].isna().tolist() == missing.tolist(), where
        assert (exp.loc[missing.to_numpy(), "Status"] == "keine Daten").all(), where
        checked_missing += int(missing.sum())
    assert checked_missing > 50  # the test looked at many real gaps (ThOnSA covers 15 of 23 Kreise …)


def test_change_against_an_earlier_year_never_invents_a_zero(con):
    row = queries.indicator(con, "einwohner")
    view, _ = _view(
        con,
        row,
        2023,
        "ab-2021-07-01",
        before=kv.load(con, "einwohner", 2017, "ab-2021-07-01")[0],
        vorher=2017,
        messgroesse="veraenderung",
    )
    v = view.vals.set_index("schluessel")
    # 2023 lacks some Kreise (an area correction): those have no change, not a change of 0
    gaps = int((v["wert"].isna() | v["wert_vorher"].isna()).sum())
    assert 0 < gaps < 22
    assert v["aenderung"].isna().sum() == gaps and v["aenderung_rel"].isna().sum() == gaps
    col = [c for c in view.table.columns if c.startswith("Veränderung seit 2017")][0]
    assert (view.table[col] == "keine Daten").sum() == gaps
    erfurt = v.loc["16051"]
    assert erfurt["aenderung_rel"] == pytest.approx(
        (erfurt["wert"] - erfurt["wert_vorher"]) / erfurt["wert_vorher"] * 100
    )
    # the change map shows per cent change for counts and counts its gaps as 'keine Daten'
    assert view.mess_einheit == "Prozent" and view.classes.missing == gaps


def test_kreistyp_filter_compares_like_with_like(con):
    row = queries.indicator(con, "schuldnerquote")
    view, _ = _view(con, row, 2021, "ab-2021-07-01", kreistyp="staedte")
    assert int(view.shown.sum()) == 5 and len(view.table) == 5
    assert sum(e.count for e in view.classes.entries()) == 5
    assert set(view.table.index) == {"Erfurt", "Gera", "Jena", "Suhl", "Weimar"}
    landkreis = view.vals.loc[view.vals["bez"] == "Landkreis", "schluessel"].iloc[0]
    assert view.fill[landkreis] == kv.NICHT_AUSGEWAEHLT
    assert view.features.set_index("schluessel").loc[landkreis, "klasse"] == kv.NOT_IN_SELECTION
    # the profile ranks the selected Kreis among the Kreise in the table, as the table does
    lines = dict(kv.profile_lines(view, kv.Indicator.from_row(row), "16053", jahr=2021, vorher=None, land=None))
    assert lines["Rang"] == f"{view.table.index.get_loc('Jena') + 1} von 5 kreisfreien Städten (1 = höchster Wert)"


def test_counts_on_23_kreise_are_summed_onto_22_and_marked(con):
    # Bevölkerung 2019 is published for 23 Kreise; on 22 the Wartburgkreis includes Eisenach
    row = queries.indicator(con, "bev_65plus")
    view, note = _view(con, row, 2019, "ab-2021-07-01")
    src = (
        con.execute(
            "SELECT schluessel, wert FROM beobachtung WHERE indikator = 'bev_65plus' AND jahr = 2019 "
            "AND ebene = 'kreis'"
        )
        .df()
        .set_index("schluessel")["wert"]
    )
    wak = view.vals.set_index("schluessel").loc["16063"]
    assert wak["status"] == "umgerechnet"
    assert wak["wert"] == pytest.approx(src["16056"] + src["16063"])
    assert note and "Umgerechnet" in note
    assert "umgerechnet" in view.table.loc["Wartburgkreis"].tolist()


def test_a_rate_without_counts_is_refused_for_the_merged_kreis(con):
    assert queries.indicator(con, "quote_bedarfsgemeinschaften")["id"] == "quote_bedarfsgemeinschaften"
    vals, note, refusal = kv.load(con, "quote_bedarfsgemeinschaften", 2018, "ab-2021-07-01")
    assert refusal is None and note
    wak = vals.set_index("schluessel").loc["16063"]
    assert math.isnan(wak["wert"])
    reasons = kv.refusals(vals)
    assert reasons and "Kein Wert" in reasons[0]


def test_22_kreise_values_cannot_be_split_onto_23(con):
    row = queries.indicator(con, "schuldnerquote")
    view, note = _view(con, row, 2021, "bis-2021-06-30")
    v = view.vals.set_index("schluessel")
    assert np.isnan(v.loc["16056", "wert"]) and np.isnan(v.loc["16063", "wert"])
    assert v["wert"].notna().sum() == 21
    assert "aufteilen" in note
    assert view.table.loc["Eisenach"].iloc[0] == "keine Daten"


def test_profile_of_the_selected_kreis(con):
    row = queries.indicator(con, "arbeitslosenanteil")
    land = showable.land_value(con, "arbeitslosenanteil", 2021)
    view, _ = _view(
        con,
        row,
        2021,
        "ab-2021-07-01",
        selected="16053",
        before=kv.load(con, "arbeitslosenanteil", 2015, "ab-2021-07-01")[0],
        vorher=2015,
    )
    lines = dict(kv.profile_lines(view, kv.Indicator.from_row(row), "16053", jahr=2021, vorher=2015, land=land))
    jena = view.vals.set_index("schluessel").loc["16053"]
    rank = int((view.vals["wert"] > jena["wert"]).sum()) + 1
    assert lines["Rang"].startswith(f"{rank} von 22")
    assert lines["Thüringen"].startswith("4,")
    assert ("günstiger als Thüringen" in lines["Vergleich"]) == (jena["wert"] < land["wert"])
    assert "Prozentpunkte" in lines["Veränderung seit 2015"]
    assert "▶ Jena" in view.table.index


def test_diverging_map_around_thueringen(con):
    row = queries.indicator(con, "arbeitslosenanteil")
    vals, _, _ = kv.load(con, "arbeitslosenanteil", 2021, "ab-2021-07-01")
    view = kv.build_view(
        vals,
        queries.shapes(con, "kreis", "ab-2021-07-01"),
        kv.Indicator.from_row(row),
        mapclasses.ClassSettings("quantile", 5, None, True),
        jahr=2021,
        land=showable.land_value(con, "arbeitslosenanteil", 2021),
    )
    assert view.classes.diverging and view.reference == pytest.approx(
        showable.land_value(con, "arbeitslosenanteil", 2021)["wert"]
    )
    assert "Thüringen-Wert" in view.classes.direction


def test_map_spec_is_clickable_fast_and_plain_text(con):
    import json

    row = queries.indicator(con, "schuldnerquote")
    view, _ = _view(con, row, 2021, "ab-2021-07-01", selected="16067")
    deck = kv.deck(view, jahr=2021, vorher=None, selected="16067")
    spec = json.loads(deck.to_json())
    layer = spec["layers"][0]
    assert layer["pickable"] is True and layer["id"] == "kreise"
    # outlines are not pickable: without a GPU their picking pass outlasts deck.gl's click window
    assert layer["_subLayerProps"] == {"polygons-stroke": {"pickable": False}}
    # Streamlit reads the tooltip from the deck, not from its JSON
    assert "html" not in deck._tooltip and deck._tooltip["text"].startswith("{name}\n2021: {wert_text}")
    lw = {f["properties"]["schluessel"]: f["properties"]["lw"] for f in layer["data"]["features"]}
    assert lw["16067"] > 1 and set(v for k, v in lw.items() if k != "16067") == {1}
