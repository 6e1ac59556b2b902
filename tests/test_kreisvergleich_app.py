"""Kreisvergleich in headless Streamlit: every view is a URL (set → restored, changed → URL updated),
selection from the selectbox reaches table, map and profile, bad input changes nothing."""

import json

from sozialatlas.ui import htmltable

PAGE = "app_pages/kreisvergleich.py"

LINK = {
    "lebenslage": "oekonomie",
    "indikator": "arbeitslosenanteil",
    "gebietsstand": "22",
    "jahr": "2019",
    "vergleich": "2015",
    "karte": "veraenderung",
    "kreistyp": "landkreise",
    "kreis": "16061",
    "klassen": "fisher_jenks",
    "k": "4",
    "farben": "divergierend",
}


def _open(apptest, query):
    """Open the Kreisvergleich page with a URL query, as a browser does with a shared link."""
    from streamlit.testing.v1 import AppTest

    from sozialatlas import paths

    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=60)
    at.switch_page(PAGE)
    # the map specs are checked on the interactive (pydeck) map; tests/test_svgmap.py checks the SVG one
    for k, v in {"kartenart": "interaktiv", **query}.items():
        at.query_params[k] = v
    return at.run()


def _deck(at):
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def _kreis_table(at):
    return [t for t in htmltable.tables(at) if t.index.name == "Kreis"][0]


def _legend(at):
    """The legend under the map: one HTML table (range as row header, number of Kreise)."""
    (t,) = [t for t in htmltable.tables(at) if str(t.index.name).startswith("Wertebereich")]
    return t.assign(Kreise=t["Kreise"].astype(int))


def test_a_link_restores_the_view_exactly(apptest, db_path):
    at = _open(apptest, LINK)
    assert not at.exception, at.exception
    assert at.selectbox(key="indikator").value == "arbeitslosenanteil"
    assert at.selectbox(key="jahr").value == 2019
    assert at.radio(key="gebietsstand").value == "22"
    assert at.selectbox(key="vergleich").value == 2015
    assert at.radio(key="karte").value == "veraenderung"
    assert at.radio(key="kreistyp").value == "landkreise"
    assert at.selectbox(key="kreis").value == "16061"
    assert at.selectbox(key="klassen").value == "fisher_jenks"
    assert at.selectbox(key="k").value == 4
    assert at.radio(key="farben").value == "divergierend"
    # … and the page draws that view, not a default one
    assert any(h.value.endswith("2019, Veränderung seit 2015") for h in at.header)  # h2 under the h1
    table = _kreis_table(at)
    assert len(table) == 17 and "▶ Eichsfeld" in table.index  # Landkreise only, Eichsfeld selected
    assert any(c.startswith("Veränderung seit 2015") for c in table.columns)
    legend = _legend(at)
    assert legend["Kreise"].sum() == 17 and len(legend) == 4 + 1  # 4 classes + keine Daten
    deck = _deck(at)
    feats = {f["properties"]["schluessel"]: f["properties"] for f in deck["layers"][0]["data"]["features"]}
    assert feats["16061"]["lw"] == 4 and feats["16051"]["lw"] == 1  # selected Kreis outlined
    assert feats["16051"]["fill"][3] == 0  # Erfurt (Stadt) not in the selection
    texts = [t.value for t in at.text]
    assert any(t.startswith("Rang:") for t in texts) and any(t.startswith("Veränderung seit 2015") for t in texts)
    # the URL still names the same view (nothing dropped, nothing added)
    assert {k: at.query_params[k] for k in LINK} == LINK


def test_changing_widgets_updates_the_url(apptest):
    at = _open(apptest, {"indikator": "schuldnerquote"})
    assert at.query_params["indikator"] == "schuldnerquote" and at.query_params["lebenslage"] == "oekonomie"
    assert at.query_params["jahr"] == "2021" and at.query_params["gebietsstand"] == "22"
    assert "kreis" not in at.query_params and "vergleich" not in at.query_params
    at.selectbox(key="jahr").set_value(2018).run()
    at.selectbox(key="kreis").set_value("16053").run()
    at.selectbox(key="klassen").set_value("equal_interval").run()
    at.selectbox(key="k").set_value(6).run()
    at.selectbox(key="vergleich").set_value(2010).run()
    assert not at.exception
    q = at.query_params
    assert (q["jahr"], q["kreis"], q["klassen"], q["k"], q["vergleich"]) == (
        "2018",
        "16053",
        "equal_interval",
        "6",
        "2010",
    )
    assert "▶ Jena" in _kreis_table(at).index
    # the same query in a new session gives the same view
    again = _open(apptest, dict(q))
    assert _kreis_table(again).equals(_kreis_table(at))
    assert _legend(again).equals(_legend(at))
    # clearing the selection removes it from the URL
    at.button(key="kreis_aufheben").click().run()
    assert "kreis" not in at.query_params and at.selectbox(key="kreis").value is None
    assert not any(str(i).startswith("▶") for i in _kreis_table(at).index)


def test_bad_url_values_are_ignored_and_corrected(apptest):
    at = _open(
        apptest,
        {
            "indikator": "gibtsnicht",
            "jahr": "1800",
            "kreis": "99999",
            "klassen": "x",
            "k": "12",
            "gebietsstand": "24",
            "farben": "bunt",
        },
    )
    assert not at.exception
    assert not at.error
    q = at.query_params
    assert q["indikator"] != "gibtsnicht" and q["jahr"] != "1800" and "kreis" not in q
    assert q["klassen"] == "quantile" and q["k"] == "5" and q["gebietsstand"] in ("22", "23")


def test_manual_breaks_from_the_url_and_bad_input_changes_nothing(apptest):
    at = _open(apptest, {"indikator": "schuldnerquote", "jahr": "2021", "klassen": "manual", "grenzen": "7;8,5;10"})
    assert not at.exception
    assert at.text_input(key="grenzen").value == "7; 8,5; 10"
    legend = _legend(at)
    labels = list(legend.index)
    assert labels[:3] == ["5,16 bis 7,00", "über 7,00 bis 8,50", "über 8,50 bis 10,00"]
    assert legend["Kreise"].sum() == 22
    before = _deck(at)
    at.text_input(key="grenzen").input("7; acht").run()
    assert at.error and "„acht“ ist keine Zahl" in at.error[0].value
    assert _legend(at).equals(legend)  # the map keeps the last valid breaks
    assert _deck(at)["layers"][0]["data"] == before["layers"][0]["data"]
    assert at.query_params["grenzen"] == "7; 8,5; 10"


def test_selecting_on_23_kreise_and_switching_to_22_drops_eisenach(apptest):
    at = _open(apptest, {"indikator": "einwohner", "gebietsstand": "23", "jahr": "2021", "kreis": "16056"})
    assert at.selectbox(key="kreis").value == "16056"
    assert "▶ Eisenach" in _kreis_table(at).index
    at.radio(key="gebietsstand").set_value("22").run()
    assert not at.exception
    assert at.selectbox(key="kreis").value is None and "kreis" not in at.query_params
    assert len(_kreis_table(at)) == 22


def test_indicator_published_on_23_kreise_opens_on_23_and_offers_22_with_a_note(apptest):
    at = _open(apptest, {"indikator": "quote_bedarfsgemeinschaften"})
    assert at.radio(key="gebietsstand").value == "23"  # the source's own Gebietsstand first
    assert len(_kreis_table(at)) == 23 and not at.info
    at.radio(key="gebietsstand").set_value("22").run()
    assert not at.exception
    table = _kreis_table(at)
    assert len(table) == 22 and table.loc["Wartburgkreis"].iloc[0] == "keine Daten"
    assert at.info and "Übernommen aus 23 Kreisen" in at.info[0].value
    assert any("Kein Wert" in c.value for c in at.caption)


def test_downloads_are_offered_when_the_expander_is_opened(apptest):
    at = _open(apptest, {"indikator": "schuldnerquote"})
    # closed (the default): no download widgets are sent to the browser at all
    assert at.expander and not at.get("download_button")
    at.session_state["kv_herunterladen"] = True  # what opening the expander does
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    for expected in (
        "Tabelle als CSV",
        "Tabelle als Excel",
        "Rangfolge als PNG",
        "Rangfolge als SVG",
        "Legende als PNG",
        "Karte als PNG",
        "Karte als SVG",
    ):
        assert expected in labels
