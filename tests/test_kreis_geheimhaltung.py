"""Geheimhaltung for Kreis values: imported small counts (a Jugendamt's cases per Kreis) read "gesperrt"
everywhere — Kreisvergleich (table, tooltip, legend, ranking, exports), Kreisprofil, Zeitreihen,
Lebenslagen — and cannot be computed back from the Land total or from the 23 → 22 conversion."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialatlas import paths
from sozialatlas.areas import gebietsstand
from sozialatlas.protection import kreisprivacy, privacy, showable
from sozialatlas.render import exports, formatting, palettes, svgbars
from sozialatlas.render.mapclasses import ClassSettings
from sozialatlas.store import db, queries, versions
from sozialatlas.ui import htmltable
from sozialatlas.ui.plain import md
from sozialatlas.views import kreisvergleich as kv
from sozialatlas.views import lebenslagen as lebenslagen_view
from sozialatlas.views import profile, timeseries
from tests.versions_helpers import copy_db, kreise

IND = "hze_faelle"
JAHR = 2020
BIS, AB = gebietsstand.BIS, gebietsstand.AB
EISENACH, SOEMMERDA, WARTBURGKREIS = "16056", "16068", "16063"
SMALL = {EISENACH: 1.0, SOEMMERDA: 2.0}
RULE = privacy.rules().beschreibung()


def _counts(keys: list[str], jahr: int) -> dict[str, float]:
    # distinct values of at least 20, in no particular order; the two small ones only in JAHR
    out = {k: float(20 + (i * 37 + jahr) % 61) for i, k in enumerate(keys)}
    if jahr == JAHR:
        out.update(SMALL)
    return out


@pytest.fixture(scope="module")
def small_db(db_path, tmp_path_factory):
    """A database copy with an imported count indicator on 23 Kreise: Eisenach 1, Sömmerda 2 in 2020, all
    other Kreise and 2019 larger, and the Land totals."""
    path = copy_db(db_path, tmp_path_factory.mktemp("kreis_geheim"), "geheim.duckdb")
    with db.writing(path) as con:
        keys = [k for k, _ in kreise(con, BIS)]
        rows = []
        for jahr in (2019, JAHR):
            counts = _counts(keys, jahr)
            rows += [
                {"ebene": "kreis", "schluessel": k, "gebietsstand": BIS, "jahr": jahr, "wert": v}
                for k, v in counts.items()
            ]
            rows.append(
                {"ebene": "land", "schluessel": "16", "gebietsstand": "-", "jahr": jahr, "wert": sum(counts.values())}
            )
        versions.apply_import(
            con,
            {
                "id": IND,
                "name": "Hilfen zur Erziehung (Fälle)",
                "lebenslage": "familie",
                "einheit": "Fälle",
                "polaritaet": "neutral",
                "quelle": "Jugendämter, eigene Erhebung",
                "stand": "2020-12-31",
                "lizenz": "intern",
                "aggregation": "summe",
                "dezimalen": 0,
                "definition": "Laufende Hilfen zur Erziehung am 31.12. (Fälle).",
            },
            pd.DataFrame(rows),
            "test",
            "hze.xlsx",
        )
    return path


@pytest.fixture
def small_con(small_db):
    c = db.connect(small_db, read_only=True)
    yield c
    c.close()


def _raw(con, stand=BIS, jahr=JAHR) -> dict[str, float]:
    return dict(
        con.execute(
            "SELECT schluessel, wert FROM beobachtung WHERE indikator = ? AND ebene = 'kreis' "
            "AND gebietsstand = ? AND jahr = ?",
            [IND, stand, jahr],
        ).fetchall()
    )


def _land(con, jahr=JAHR) -> float:
    return con.execute(
        "SELECT wert FROM beobachtung WHERE indikator = ? AND ebene = 'land' AND jahr = ?", [IND, jahr]
    ).fetchone()[0]


def _gesperrt(vals: pd.DataFrame) -> set[str]:
    return set(vals.loc[vals["status"].eq(formatting.GESPERRT), "schluessel"])


def _app(monkeypatch, small_db, page: str, query: dict):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SOZIALATLAS_DB", str(small_db))
    config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=90)
    at.switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


# --- what a reader can compute -----------------------------------------------------------------------------------


def _reader_learns(raw23: dict, shown23: dict, shown22: dict, land: float) -> tuple[list, bool, list]:
    """From the 23-Kreise view, the 22-Kreise view and the Land total: which hidden Kreise are computable,
    whether the sum of the two small counts is, and which small ones are pinned by bounds."""
    hidden = [k for k in raw23 if k not in shown23]
    groups = {"land": set(raw23)}
    if WARTBURGKREIS in shown22:  # the 22-Kreise Wartburgkreis is Eisenach + old Wartburgkreis
        groups["wak22"] = {EISENACH, WARTBURGKREIS}
    eqs = [g & set(hidden) for g in groups.values()]
    exact = privacy.recoverable(hidden, eqs)
    both = privacy.determined(hidden, eqs, set(SMALL))
    pinned = privacy.audit_intervals(raw23, groups, set(shown23), set(SMALL))
    assert pytest.approx(sum(raw23.values())) == land
    return exact, both, pinned


def test_the_imported_data_really_holds_the_small_counts(small_con):
    raw = _raw(small_con)
    assert raw[EISENACH] == 1 and raw[SOEMMERDA] == 2 and min(v for k, v in raw.items() if k not in SMALL) >= 20
    assert _land(small_con) == sum(raw.values())


def test_small_counts_and_a_third_kreis_are_gesperrt_and_nothing_can_be_computed_back(small_con):
    raw23 = _raw(small_con)
    v23, note = gebietsstand.values_on(small_con, IND, JAHR, BIS)
    v22, note22 = gebietsstand.values_on(small_con, IND, JAHR, AB, partial=True)
    assert note is None and note22
    g23 = _gesperrt(v23)
    assert set(SMALL) <= g23
    # Land − shown Kreise would give 1 + 2 (and with one small count gesperrt, that count itself)
    assert g23 - set(SMALL) - {WARTBURGKREIS}, "no third Kreis is secondarily gesperrt"
    for vals in (v23, v22):
        rows = vals[vals["status"].eq(formatting.GESPERRT)]
        assert rows["wert"].isna().all() and rows["zaehler"].isna().all() and rows["nenner"].isna().all()
        assert set(rows["hinweis"]) <= {privacy.rules().grund_fallzahl, privacy.GRUND_SEKUNDAER}
    by23 = v23.set_index("schluessel")
    assert by23.loc[EISENACH, "hinweis"] == by23.loc[SOEMMERDA, "hinweis"] == privacy.rules().grund_fallzahl
    shown23 = dict(zip(v23["schluessel"], v23["wert"]))
    shown23 = {k: w for k, w in shown23.items() if not np.isnan(w)}
    shown22 = {k: w for k, w in zip(v22["schluessel"], v22["wert"]) if not np.isnan(w)}
    assert all(shown23[k] == raw23[k] for k in shown23)  # what is shown is the real value
    exact, both, pinned = _reader_learns(raw23, shown23, shown22, _land(small_con))
    assert not exact and not both and not pinned


def test_converting_23_to_22_does_not_reveal_eisenach_through_the_wartburgkreis_sum(small_con):
    raw23 = _raw(small_con)
    v23, _ = gebietsstand.values_on(small_con, IND, JAHR, BIS)
    v22, _ = gebietsstand.values_on(small_con, IND, JAHR, AB, partial=True)
    wak22 = v22.set_index("schluessel").loc[WARTBURGKREIS]
    wak23 = v23.set_index("schluessel").loc[WARTBURGKREIS]
    if wak22["status"] == formatting.GESPERRT:
        assert np.isnan(wak22["wert"])
    else:
        # the sum is shown (from the real counts), so its other part must not be
        assert wak22["wert"] == raw23[EISENACH] + raw23[WARTBURGKREIS]
        assert wak23["status"] == formatting.GESPERRT and np.isnan(wak23["wert"])
    # the cached loader of Zeitreihen/Kreisprofil decides the same
    kvals = gebietsstand.KreisValues(small_con, [IND])
    for stand in (BIS, AB):
        a, _ = kvals.values_on(IND, JAHR, stand, partial=True)
        b, _ = gebietsstand.values_on(small_con, IND, JAHR, stand, partial=True)
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    assert _gesperrt(kvals.native(IND, JAHR, BIS)) == _gesperrt(v23)
    assert _gesperrt(showable.values(small_con, IND, "kreis", BIS, JAHR)) == _gesperrt(v23)
    # what small-area pages may show beside their values (Kreis and Land comparison)
    kreise_shown, land = kreisprivacy.comparison_values(small_con, IND, JAHR)
    assert land == _land(small_con) and not set(kreise_shown) & (_gesperrt(v23) | {EISENACH, WARTBURGKREIS})
    assert kreise_shown == {
        k: w for k, w in zip(v23["schluessel"], v23["wert"]) if not np.isnan(w) and k not in (EISENACH, WARTBURGKREIS)
    }


def test_kreisvergleich_page_reads_gesperrt_in_table_tooltip_legend_and_ranking(monkeypatch, small_db, small_con):
    at = _app(
        monkeypatch,
        small_db,
        "app_pages/kreisvergleich.py",
        # the tooltip fields are checked on the interactive (pydeck) map
        {"indikator": IND, "gebietsstand": "23", "jahr": str(JAHR), "kartenart": "interaktiv"},
    )
    v23, _ = gebietsstand.values_on(small_con, IND, JAHR, BIS)
    g23 = _gesperrt(v23)
    names = dict(zip(v23["schluessel"], v23["name"]))
    raw = _raw(small_con)
    table = [t for t in htmltable.tables(at) if t.index.name == "Kreis"][0]
    wert_col = [c for c in table.columns if c.startswith("Wert")][0]
    assert {n for n in table.index if table.loc[n, wert_col] == "gesperrt"} == {names[k] for k in g23}
    assert table.loc["Eisenach", wert_col] == "gesperrt" and table.loc["Sömmerda", wert_col] == "gesperrt"
    assert len([n for n in table.index if table.loc[n, wert_col] == "gesperrt"]) >= 3
    for n in (names[k] for k in g23):
        assert table.loc[n, "Rang"] == "–"
    # tooltip: plain text says gesperrt and why; no number of a gesperrt Kreis goes to the browser
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    feats = {f["properties"]["schluessel"]: f["properties"] for f in deck["layers"][0]["data"]["features"]}
    # the gesperrt fill is the palette's own, and no Kreis with a value (or 'keine Daten') shares it
    gesperrt_rgb = palettes.hex_to_rgba(palettes.GESPERRT_FARBE)[:3]
    for k in g23:
        p = feats[k]
        assert p["wert_text"] == "gesperrt" and p["klasse"] == "gesperrt"
        assert p["status_text"].startswith("gesperrt (Geheimhaltung) – ")
        assert p["fill"][:3] == gesperrt_rgb
        assert {key for key, v in p.items() if isinstance(v, (int, float))} <= {"lw"}  # line width only
    assert all(p["fill"][:3] != gesperrt_rgb for k, p in feats.items() if k not in g23)
    assert feats["16051"]["wert_text"] == formatting.wert_mit_einheit(raw["16051"], "Fälle", 0)
    # legend: its own entry with the count, apart from 'keine Daten'; the rule stated once
    legend = [t for t in htmltable.tables(at) if str(t.index.name).startswith("Wertebereich")][0]
    labels = list(legend.index)
    assert labels[-2:] == ["gesperrt (Geheimhaltung)", "keine Daten"]
    assert int(legend.iloc[-2]["Kreise"]) == len(g23) and int(legend.iloc[-1]["Kreise"]) == 0
    captions = [c.value for c in at.caption]
    assert sum("Fallzahlen von 1 bis 2 und alle Werte" in c for c in captions) == 1
    # ranking: no bar for a gesperrt Kreis, listed by name instead
    (doc,) = [f.proto.srcdoc for f in at.get("iframe") if "sa-rangfolge" in f.proto.srcdoc]
    rows = svgbars.read(doc)  # the ranking is a server-drawn SVG (render/svgbars.py)
    bars = {r["name"] for r in rows if r["balken"]}
    assert len(bars) == 23 - len(g23) and not {names[k] for k in g23} & bars
    assert {r["name"] for r in rows if r["wert"] == "gesperrt"} == {names[k] for k in g23}
    assert any(c.startswith("Gesperrt \\(Geheimhaltung, ohne Balken\\)") and "Eisenach" in c for c in captions)
    # the reason of every gesperrt Kreis under the table (the cell only says 'gesperrt')
    reason = next(c.replace("\\", "") for c in captions if c.startswith("Gesperrt\\: "))
    assert f"{privacy.rules().grund_fallzahl} – Eisenach, Sömmerda" in reason
    # the Land total is published (the sources publish it) and shown
    metric = at.metric[0]
    assert metric.value == formatting.wert_mit_einheit(_land(small_con), "Fälle", 0)
    # selected Eisenach: the short profile says gesperrt and why
    at.selectbox(key="kreis").set_value(EISENACH).run()
    texts = [t.value for t in at.text]
    assert f"Wert {JAHR}: gesperrt" in texts and "Vergleich: gesperrt" in texts
    assert f"Hinweis: {privacy.rules().grund_fallzahl}" in texts


def test_kreisvergleich_exports_have_an_empty_cell_status_and_hinweis(small_con):
    vals, note, refusal = kv.load(small_con, IND, JAHR, BIS)
    ind = kv.Indicator.from_row(queries.indicator(small_con, IND))
    before, _, _ = kv.load(small_con, IND, 2019, BIS)
    view = kv.build_view(
        vals,
        queries.shapes(small_con, "kreis", BIS),
        ind,
        ClassSettings(),
        jahr=JAHR,
        land=showable.land_value(small_con, IND, JAHR),
        before=before,
        vorher=2019,
        land_before=showable.land_value(small_con, IND, 2019),
    )
    g23 = _gesperrt(vals)
    exp = view.export.set_index("Schlüssel")
    wert_col = f"{ind.name} {JAHR} (Fälle)"
    change_cols = [c for c in exp.columns if c.startswith("Veränderung")]
    for k in g23:
        assert np.isnan(exp.loc[k, wert_col]) and pd.isna(exp.loc[k, "Rang (1 = höchster Wert)"])
        assert all(np.isnan(exp.loc[k, c]) for c in change_cols)
        assert exp.loc[k, "Status"] == "gesperrt (Geheimhaltung)" and exp.loc[k, "Hinweis"]
    csv = pd.read_csv(
        io.BytesIO(exports.to_csv_bytes(view.export)), sep=";", decimal=",", dtype=str, encoding="utf-8-sig"
    ).set_index("Schlüssel")
    assert pd.isna(csv.loc[EISENACH, wert_col]) and csv.loc[EISENACH, "Status"] == "gesperrt (Geheimhaltung)"
    assert view.table.loc["Eisenach", "Veränderung seit 2019 (%)"] == "gesperrt"
    assert view.geheimhaltung == RULE


def test_kreisprofil_zeitreihen_and_lebenslagen_never_show_the_small_counts(small_con):
    # Kreisprofil of Eisenach: the newest year reads gesperrt (no fallback to an older number)
    rows = profile.profile(small_con, EISENACH, BIS).set_index("indikator")
    r = rows.loc[IND]
    assert r["jahr"] == JAHR and r["status"] == "gesperrt" and np.isnan(r["wert"]) and pd.isna(r["rang"])
    assert r["vergleich"] == "gesperrt" and r["hinweis"] == privacy.rules().grund_fallzahl
    shown = profile.display_table(rows.reset_index()).set_index("Indikator").loc["Hilfen zur Erziehung (Fälle)"]
    assert shown["Wert"] == "gesperrt" and shown["Rang"] == "–"
    dl = profile.download_table(rows.reset_index()).set_index("Indikator").loc["Hilfen zur Erziehung (Fälle)"]
    assert np.isnan(dl["Wert"]) and dl["Status"] == "gesperrt (Geheimhaltung)"
    # Zeitreihen: the cells of both small Kreise in 2020 are gesperrt, 2019 is shown
    long, _notes = timeseries.series(small_con, IND, BIS, [EISENACH, SOEMMERDA])
    y = long[(long["jahr"] == JAHR) & long["schluessel"].isin(list(SMALL))]
    assert len(y) == 2 and y["wert"].isna().all() and (y["status"] == "gesperrt").all()
    wide = timeseries.wide_table(long, 0, ["Eisenach", "Sömmerda"])
    assert wide.loc[str(JAHR), "Eisenach"] == "gesperrt" and wide.loc[str(JAHR), "Sömmerda"] == "gesperrt"
    assert wide.loc["2019", "Eisenach"] != "gesperrt"
    dl = timeseries.download_table(long, "Fälle", BIS)
    assert dl.loc[dl["Status"] == "gesperrt (Geheimhaltung)", "Gebiet"].tolist() == ["Eisenach", "Sömmerda"]
    # Lebenslagen card: the range leaves gesperrt Kreise out and counts them
    spread = lebenslagen_view.kreis_spread(small_con, IND)
    assert spread["min_wert"] >= 20 and spread["n_gesperrt"] == len(
        _gesperrt(gebietsstand.values_on(small_con, IND, JAHR, BIS)[0])
    )


def test_pages_kreisprofil_zeitreihen_lebenslagen_read_gesperrt(monkeypatch, small_db):
    at = _app(monkeypatch, small_db, "app_pages/kreisprofil.py", {"kreis": EISENACH})
    # st.table cells, index and headers from data are Markdown-escaped (sozialatlas.ui.plain.table), so the
    # row is found under its escaped name; the reader sees „Hilfen zur Erziehung (Fälle)“.
    name = md("Hilfen zur Erziehung (Fälle)")
    fam = next(t.value for t in at.table if name in t.value.index)
    row = fam.loc[name]
    # the newest year reads gesperrt (no fallback to an older number), without rank or comparison
    assert row["Wert"] == "gesperrt" and str(JAHR) in row[md("Jahr (Stand)")]
    assert row["Rang"] == "–" and row[md("Vergleich mit Thüringen")] == "gesperrt"
    # a gesperrt indicator is a row of its own, not one of the names listed as „keine Daten“
    keine_daten = [c.value for c in at.caption if c.value.startswith(md("Keine Daten für"))]
    assert keine_daten and not any(name in c for c in keine_daten)
    assert any("Geheimhaltung" in c.value for c in at.caption)
    at = _app(
        monkeypatch,
        small_db,
        "app_pages/zeitreihen.py",
        {"indikator": IND, "gebietsstand": "23", "kreise": f"{EISENACH},{SOEMMERDA}"},
    )
    # the values table is an accessible HTML table now (sozialatlas.ui.htmltable), index = Jahr
    wide = next(t for t in htmltable.tables(at) if t.index.name == "Jahr")
    assert wide.loc[str(JAHR), "Eisenach"] == "gesperrt" and wide.loc[str(JAHR), "Sömmerda"] == "gesperrt"
    assert wide.loc["2019", "Eisenach"] not in ("gesperrt", formatting.KEINE_DATEN)
    at = _app(monkeypatch, small_db, "app_pages/lebenslagen.py", {"lebenslage": "familie", "indikator": IND})
    kreis_table = next(t for t in htmltable.tables(at) if t.index.name == "Kreis")
    wert_col = [c for c in kreis_table.columns if c.startswith("Wert")][0]
    assert kreis_table.loc["Eisenach", wert_col] == "gesperrt"
    assert any("gesperrt (Geheimhaltung)" in m.value for m in at.markdown)


# --- the decision itself ------------------------------------------------------------------------------------------

KEYS_22 = [
    "16051",
    "16052",
    "16053",
    "16054",
    "16055",
    "16061",
    "16062",
    "16063",
    "16064",
    "16065",
    "16066",
    "16067",
    "16068",
    "16069",
    "16070",
    "16071",
    "16072",
    "16073",
    "16074",
    "16075",
    "16076",
    "16077",
]
KEYS_23 = sorted(KEYS_22 + [EISENACH])


def _frame(values: dict, zaehler: bool = False, status=None, hinweis=None) -> pd.DataFrame:
    n = len(values)
    w = [float(v) for v in values.values()]
    return pd.DataFrame(
        {
            "schluessel": list(values),
            "wert": [np.nan] * n if zaehler else w,
            "zaehler": w if zaehler else [np.nan] * n,
            "status": status or ["ok"] * n,
            "hinweis": hinweis or [None] * n,
        }
    )


def test_two_small_counts_on_22_kreise_get_a_third_partner():
    values = {k: 30 + i for i, k in enumerate(KEYS_22)}
    values["16053"], values["16068"] = 1, 2
    d = kreisprivacy.decide({"aggregation": "summe"}, {AB: _frame(values)})
    assert {"16053", "16068"} <= set(d.cells) and len(d.cells) == 3
    assert not d.groups and not d.land_grund(sum(values.values()))


def test_rates_are_judged_by_their_counts_and_indices_are_left_alone():
    values = {k: 30 + i for i, k in enumerate(KEYS_22)}
    values["16053"] = 2
    d = kreisprivacy.decide({"aggregation": "quote"}, {AB: _frame(values, zaehler=True)})
    assert "16053" in d.cells
    assert not kreisprivacy.decide({"aggregation": "keine"}, {AB: _frame(values)}).any


def test_land_made_only_of_small_counts_is_gesperrt_too():
    values = {k: 0 for k in KEYS_22}
    values["16053"], values["16068"] = 1, 2
    d = kreisprivacy.decide({"aggregation": "summe"}, {AB: _frame(values)})
    assert d.land_grund(3) and kreisprivacy.protect_land({"wert": 3.0}, d)["status"] == "gesperrt"
    # a small Land count without Kreis values is gesperrt as well
    assert kreisprivacy.Decision(aggregation="summe").land_grund(2) == privacy.rules().grund_fallzahl


def test_a_kreis_the_source_withheld_is_protected_like_a_small_one():
    values = {k: 30 + i for i, k in enumerate(KEYS_22)}
    values["16053"] = np.nan
    status = ["fehlend" if k == "16053" else "ok" for k in values]
    hinweis = ["Geheimhaltung (Quelle)" if k == "16053" else None for k in values]
    d = kreisprivacy.decide({"aggregation": "summe"}, {AB: _frame(values, status=status, hinweis=hinweis)})
    assert d.cells and "16053" not in d.cells  # a partner is gesperrt, the masked Kreis stays 'keine Daten'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.integers(0, 2), st.integers(3, 400)), min_size=23, max_size=23), st.booleans())
def test_no_small_count_or_their_sum_can_be_recomputed_from_both_views_and_the_land(counts, on_23):
    keys, stand = (KEYS_23, BIS) if on_23 else (KEYS_22, AB)
    values = dict(zip(keys, counts))
    d = kreisprivacy.decide({"aggregation": "summe"}, {stand: _frame(values)})
    shown = {k for k in values if not d.grund(stand, k)}
    groups = {} if d.groups.get("land") else {"land": set(values)}
    if on_23 and not d.grund(AB, WARTBURGKREIS):  # the 22-Kreise Wartburgkreis = Eisenach + Wartburgkreis
        groups["wak22"] = {EISENACH, WARTBURGKREIS}
    small = {k for k, v in values.items() if 0 < v < 3}
    assert small <= set(d.cells)
    hidden = sorted(set(values) - shown)
    eqs = [g & set(hidden) for g in groups.values()]
    assert not set(privacy.recoverable(hidden, eqs)) & small
    assert not privacy.audit_intervals({k: float(v) for k, v in values.items()}, groups, shown, small)
    for g in groups.values():
        if g & small:
            assert not privacy.determined(hidden, eqs, g & small), (g, g & small)
