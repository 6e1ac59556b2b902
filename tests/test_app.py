"""AppTest (headless Streamlit) of the pages a planner opens first."""

import json

import pytest

from sozialatlas.render import palettes
from sozialatlas.ui import htmltable


def _decks(at):
    if not at.get("deck_gl_json_chart"):  # the pydeck map is behind „Interaktive Karte (Zoom, Klick)“
        at.toggle(key="kartenart").set_value(True).run()
    return [json.loads(el.proto.json) for el in at.get("deck_gl_json_chart")]


def _kreis_table(at):
    """The region table beside the map (the legend is a table too, with a 'Wertebereich' column)."""
    tables = [t for t in htmltable.tables(at) if t.index.name == "Kreis"]
    assert len(tables) == 1
    return tables[0]


def _legend_table(at):
    """The Kreisvergleich legend: one HTML table (range as row header, number of Kreise)."""
    tables = [t for t in htmltable.tables(at) if str(t.index.name).startswith("Wertebereich")]
    assert len(tables) == 1
    return tables[0].assign(Kreise=tables[0]["Kreise"].astype(int))


def test_start_page_says_what_the_atlas_holds(apptest):
    at = apptest()
    assert not at.exception
    assert at.title[0].value == "Sozialatlas Thüringen"
    labels = {m.label: m.value for m in at.metric}
    assert labels["Kreise"] == "22 / 23"
    assert labels["Gemeinden"] == "631"
    captions = " ".join(c.value for c in at.caption)
    assert "© GeoBasis-DE / BKG" in captions


def test_kreisvergleich_draws_map_table_and_ranking(apptest):
    at = apptest("app_pages/kreisvergleich.py")
    assert not at.exception
    assert at.title[0].value == "Kreisvergleich"
    at.selectbox(key="lebenslage").set_value("oekonomie").run()
    at.selectbox(key="indikator").set_value("schuldnerquote").run()
    assert not at.exception
    decks = _decks(at)
    assert len(decks) == 1
    layer = decks[0]["layers"][0]
    assert layer["@@type"] == "GeoJsonLayer" and layer["pickable"] is True
    n_kreise = 22  # INKAR is published on the Gebietsstand since 01.07.2021
    assert len(layer["data"]["features"]) == n_kreise
    # The map needs nothing from the internet: the style is served by the app itself.
    assert decks[0]["mapStyle"] == "/app/static/blank-style.json"
    assert len(_kreis_table(at)) == n_kreise
    assert _legend_table(at)["Kreise"].sum() == n_kreise
    # the ranking: a server-drawn SVG (render/svgbars.py), no Vega chart on the first view
    from sozialatlas.render import svgbars

    ranking = [f.proto.srcdoc for f in at.get("iframe") if "sa-rangfolge" in f.proto.srcdoc]
    assert ranking and len(svgbars.read(ranking[0])) == n_kreise, "ranking chart missing"
    assert not at.get("vega_lite_chart")
    captions = " ".join(c.value for c in at.caption)
    assert "Quelle:" in captions and "Stand:" in captions and "© GeoBasis-DE / BKG" in captions


def test_kreise_without_data_read_keine_daten_never_zero(apptest, con):
    # ThOnSA 2019 profiles cover 15 of the 23 Kreise: the other 8 must read "keine Daten", not 0.
    at = apptest("app_pages/kreisvergleich.py")
    at.selectbox(key="lebenslage").set_value("oekonomie").run()
    at.selectbox(key="indikator").set_value("quote_bedarfsgemeinschaften").run()
    assert not at.exception
    table = _kreis_table(at)
    assert len(table) == 23
    wert = [c for c in table.columns if c.startswith("Wert")][0]
    missing = table[table[wert] == "keine Daten"]
    assert len(missing) == 8
    assert {"Erfurt", "Suhl", "Eichsfeld", "Gotha"} <= {n.split(",")[0] for n in missing.index}
    assert not (table[wert].isin(["0", "0,0", "0,00"])).any()
    layer = _decks(at)[0]["layers"][0]
    grey = [f for f in layer["data"]["features"] if f["properties"]["wert_text"] == "keine Daten"]
    assert len(grey) == 8 and all(
        f["properties"]["fill"][:3] == palettes.hex_to_rgba(palettes.KEINE_DATEN_FARBE)[:3] for f in grey
    )
    legend = _legend_table(at)
    assert legend.index[-1] == "keine Daten" and legend.iloc[-1]["Kreise"] == 8
    # the value shown equals the published one, with a decimal comma
    raw = con.execute(
        "SELECT wert FROM beobachtung WHERE indikator = 'quote_bedarfsgemeinschaften' AND schluessel = '16053'"
    ).fetchone()[0]
    jena = table.loc[[i for i in table.index if i.startswith("Jena")][0], wert]
    assert float(jena.replace(".", "").replace(",", ".")) == pytest.approx(raw)
