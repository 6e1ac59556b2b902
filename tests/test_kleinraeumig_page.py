"""Unit tests (no Streamlit) of the page logic behind Kleinräumig and Planungsräume verwalten: URL state,
choice resolution, defaults, notices, the draft editor."""

from __future__ import annotations

import pandas as pd
import pytest

from sozialatlas.views import kleinraeumig as kr
from sozialatlas.views import kleinraeumig_page as page
from sozialatlas.views import pagestate
from sozialatlas.views import planungsraum_editor as pe
from sozialatlas.views.kleinraeumig_page import KleinraeumigState as S
from sozialatlas.views.kreisvergleich import Indicator

IND = Indicator("arbeitslose", "Arbeitslose", "Personen", 0, "hoeher_schlechter", "summe")

# --- URL state ------------------------------------------------------------------------------------------


def test_state_parses_types_and_round_trips():
    s = S.parse({"ebene": "gemeinde", "kreis": "16073", "jahr": "2021", "definition": "3", "gebiet": ""})
    assert (s.ebene, s.kreis, s.jahr, s.definition, s.gebiet, s.problems) == ("gemeinde", "16073", 2021, 3, None, ())
    assert S.parse(s.to_query()) == s
    assert s.to_query()["gebiet"] is None  # None removes the parameter from the address


def test_state_with_a_non_number_reports_it_instead_of_silently_dropping():
    s = S.parse({"jahr": "zwanzig", "definition": "1x"})
    assert s.jahr is None and s.definition is None
    assert s.problems == (
        "Das Jahr „zwanzig“ aus dem Link ist keine Zahl.",
        "Die Planungsraum-Gliederung „1x“ aus dem Link ist keine Zahl.",
    )


def test_params_are_the_documented_url_words():
    assert S.params() == ["ebene", "kreis", "indikator", "jahr", "definition", "gebiet"]
    assert pe.PlanungsraeumeState.params() == ["pr_kreis"]
    assert S.KEYS["jahr"] == "kr_jahr"


# --- resolving one choice ---------------------------------------------------------------------------------


def test_a_valid_wish_from_the_link_is_taken():
    assert pagestate.resolve(["a", "b"], wish="b") == pagestate.Resolved("b")
    assert pagestate.resolve([2024, 2021], wish="2021").value == 2021  # ids in a URL are text


def test_an_unknown_wish_shows_the_default_and_says_so():
    r = pagestate.resolve(["16", "16073"], wish="99999", default="16", what="Der Kreis", label={"16": "Thüringen"}.get)
    assert r.value == "16"
    assert r.problem == "Der Kreis „99999“ aus dem Link gibt es hier nicht; gezeigt wird „Thüringen“."


def test_unknown_wish_on_a_nullable_choice_selects_nothing():
    r = pagestate.resolve(["x1"], wish="x", nullable=True, what="Das Gebiet")
    assert r.value is None and "keine Auswahl" in r.problem


def test_the_session_value_wins_and_a_stale_one_changes_silently():
    assert pagestate.resolve(["a", "b"], current="a", wish="b").value == "a"
    stale = pagestate.resolve(["a", "b"], current="z", wish="z", default="b")
    assert stale == pagestate.Resolved("b")  # the user picked it earlier, no message
    assert pagestate.resolve(["a"], current=None, nullable=True) == pagestate.Resolved(None)


def test_default_not_offered_falls_back_to_the_first_option():
    assert pagestate.resolve(["x", "y"], default="nicht da").value == "x"
    assert pagestate.resolve([], default="a").value is None


# --- Kleinräumig decisions ------------------------------------------------------------------------------


def test_kreis_options_and_defaults_per_level():
    assert page.kreis_options("gemeinde", ["16073"]) == [kr.THUERINGEN, "16073"]
    assert page.kreis_options("planungsraum", ["16051", "16073"]) == ["16051", "16073"]
    assert page.default_kreis("gemeinde", ["16", "16051"], []) == kr.THUERINGEN
    assert page.default_kreis("planungsraum", ["16051", "16073"], ["16073"]) == "16073"
    assert page.default_kreis("planungsraum", ["16051", "16073"], []) == "16051"
    assert page.kreis_label({"16051": "Erfurt"})(kr.THUERINGEN) == "Thüringen (alle Kreise)"


def _rows(**cols) -> kr.Rows:
    n = len(cols.get("wert", [1.0]))
    vals = pd.DataFrame(
        {
            "schluessel": [f"k{i}" for i in range(n)],
            "name": [f"G{i}" for i in range(n)],
            "wert": cols.get("wert", [1.0] * n),
            "gesperrt": False,
            "hinweis": cols.get("hinweis", [""] * n),
            "status": cols.get("status", [""] * n),
        }
    )
    return kr.rows_from_values(vals, "gemeinde")


def test_notices_in_order_with_data_text_marked():
    rows = _rows(wert=[1.0, 2.0], hinweis=["ohne Briefwähler", ""], status=["", "umgerechnet"])
    out = page.notices(rows, ebene="planungsraum", kreis="16073", plural="Gemeinden", refusal="Index")
    assert [n.kind for n in out] == ["caption", "warning", "info", "caption"]
    assert out[1].from_data and out[1].text == "Nicht aggregierbar: Index"
    assert "Bei 1 Gemeinden fehlen (alle) Briefwähler" in out[2].text
    assert page.notices(_rows(), ebene="gemeinde", kreis=kr.JENA, plural="Gemeinden", refusal=None)[0].text == (
        page.JENA_HINWEIS
    )
    assert page.notices(_rows(), ebene="gemeinde", kreis="16073", plural="Gemeinden", refusal=None) == []


def test_not_aggregatable_rows_say_so_and_show_no_number():
    vals = page.not_aggregatable_values(["Nord", "Süd"], [3, 4])
    rows = kr.rows_from_values(vals, "planungsraum")
    assert rows.grund == [kr.NICHT_AGGREGIERBAR] * 2 and rows.wert.isna().all()
    assert list(vals["n_gemeinden"]) == [3, 4]


def test_title_caption_profile_and_sources():
    assert page.title(IND, 2021, "Gemeinden", "Thüringen") == "Arbeitslose 2021 — Gemeinden, Thüringen"
    assert page.definition_caption({"definition": " Anzahl ", "formel": "a/b"}) == "Anzahl Formel: a/b."
    assert page.definition_caption({"definition": float("nan"), "formel": None}) == ""
    vals = pd.DataFrame({"planungsraum": ["Nord"], "wert": [7.0], "gesperrt": [False], "hinweis": [""]})
    rows = kr.rows_from_values(vals, "planungsraum")
    members = pd.DataFrame({"planungsraum": ["Nord", "Nord"], "gemeinde": ["A", None], "ags": ["1", "2"]})
    assert page.planungsraum_profile(rows, "Nord", members, IND, 2021) == [
        "Arbeitslose 2021: 7 Personen",
        "Gemeinden (2): A, 2",
    ]
    assert page.quelle_ids(pd.DataFrame({"quelle": ["b", None, "a"]}), float("nan")) == ["a", "b"]
    q = pd.DataFrame(
        {"id": ["a"], "titel": ["T"], "herausgeber": ["H"], "lizenz": ["L"], "stand": ["S"], "referenz": [""]}
    )
    meta = page.sources_meta(q, "Karten: BKG")
    assert list(meta["Quelle"]) == ["T", "Karten: BKG", page.GEHEIMHALTUNG_META]
    assert page.licences(q) == "L"


def test_definition_labels_mark_the_example():
    defs = pd.DataFrame({"id": [1, 2], "name": ["VG", "Eigene"], "beispiel": [True, False]})
    assert page.definition_labels(defs) == {1: "VG (Beispiel)", 2: "Eigene"}


# --- the Planungsraum draft editor ----------------------------------------------------------------------


@pytest.fixture
def draft():
    return pe.Drafts({}).of("16073")


def test_click_adds_again_removes_and_moves_between_planungsraeume(draft):
    draft.toggle("A", "Nord")
    draft.toggle("B", " Nord ")
    assert draft.m == {"A": "Nord", "B": "Nord"}
    draft.toggle("A", "Nord")  # second click removes
    assert draft.m == {"B": "Nord"}
    draft.toggle("B", "Süd")  # a Gemeinde belongs to one Planungsraum: the click moves it
    assert draft.m == {"B": "Süd"}


def test_click_without_a_name_or_area_changes_nothing(draft):
    draft.toggle("A", "")
    draft.toggle(None, "Nord")
    assert draft.m == {}


def test_list_replaces_the_members_of_the_current_planungsraum_only(draft):
    draft.set_members("Nord", ["A", "B"])
    draft.set_members("Süd", ["C"])
    draft.set_members("Nord", ["B", "D"])
    assert draft.m == {"B": "Nord", "C": "Süd", "D": "Nord"}
    assert draft.members("Nord", ["A", "B", "C", "D"]) == ["B", "D"]
    assert draft.members("", ["A", "B"]) == []


def test_drafts_are_kept_per_kreis_and_cleared():
    store: dict = {}
    pe.Drafts(store).of("16073").set_members("Nord", ["A"])
    pe.Drafts(store).of("16051").set_members("Ost", ["X"])
    assert store == {"16073": {"A": "Nord"}, "16051": {"X": "Ost"}}
    pe.Drafts(store).of("16073").clear()
    assert store == {"16073": {}, "16051": {"X": "Ost"}}


def test_draft_views_colours_tooltips_overview_and_mapping(draft):
    draft.set_members("Nord", ["A", "B"])
    draft.set_members("Ost", ["C"])
    keys, names = ["A", "B", "C", "D"], {"A": "Aue", "B": "Berg", "C": "Chor", "D": "Dorf"}
    assert draft.colours(keys) == [pe.PR_FARBEN[0], pe.PR_FARBEN[0], pe.PR_FARBEN[1], pe.FREI]
    assert draft.tooltips(keys, names)[3] == "Dorf: noch keinem Planungsraum zugeordnet"
    ov = draft.overview(names)
    assert ov.to_dict("list") == {"Planungsraum": ["Nord", "Ost"], "Gemeinden": [2, 1], "Namen": ["Aue, Berg", "Chor"]}
    assert draft.unassigned_text(keys) == (
        "Noch ohne Planungsraum: 1 von 4 Gemeinden (erlaubt: sie gehören dann zu keinem Planungsraum)."
    )
    assert draft.unassigned_text(["A"]) == "Noch ohne Planungsraum: 0 von 1 Gemeinden."
    m = draft.mapping()
    assert sorted(zip(m["ags"], m["planungsraum"])) == [("A", "Nord"), ("B", "Nord"), ("C", "Ost")]


def test_planungsraeume_page_choices():
    assert pe.default_kreis(["16051", "16073"], "16073") == "16073"
    assert pe.default_kreis(["16051"], "16073") == "16051"
    assert pe.pick("b", ["a", "b"]) == "b"
    assert pe.pick("z", ["a", "b"], "b") == "b"
    assert pe.pick(None, [2024, 2021]) == 2024
    defs = pd.DataFrame(
        {
            "name": ["VG"],
            "beispiel": [True],
            "n_planungsraeume": [10],
            "n_gemeinden": [26],
            "erstellt_am": [pd.Timestamp("2024-05-01 10:00")],
            "erstellt_von": [None],
        }
    )
    t = pe.saved_table(defs)
    assert t.index.tolist() == ["VG (Beispiel)"] and t.iloc[0]["angelegt"] == "01.05.2024" and t.iloc[0]["von"] == "–"
    assert pe.template(["1"], {"1": "Aue"}).to_dict("records") == [{"AGS": "1", "Gemeinde": "Aue", "Planungsraum": ""}]
