"""The command line a data steward uses: build and info."""

import json
import subprocess
import sys

from sozialatlas import paths


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "sozialatlas", *args], cwd=paths.ROOT, capture_output=True, text=True, timeout=300
    )


def test_info_json_has_the_documented_shape(db_path):
    r = run_cli("info", "--json", "--db", str(db_path))
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert set(info) == {
        "regions",
        "indicators",
        "observations",
        "observations_without_source",
        "observations_without_stand",
        "lebenslagen",
        "lebenslagen_kreis_zeitreihen",
    }
    assert info["regions"]["kreis"] == {"bis-2021-06-30": 23, "ab-2021-07-01": 22}
    assert info["regions"]["gemeinde"] == {"2021-12-31": 631}
    assert info["regions"]["land"] == 1
    assert info["observations_without_source"] == 0
    assert info["observations_without_stand"] == 0
    assert list(info["lebenslagen"]) == [
        "Familie",
        "Bildung und Betreuung",
        "Wohnen",
        "Gesundheit",
        "Ökonomische Situation/Arbeitsmarkt",
        "Gesellschaftliche Teilhabe/Zusammenleben im Sozialraum",
        "Migration",
    ]
    assert sum(info["lebenslagen"].values()) == info["indicators"] > 20
    assert info["observations"] > 50_000


def test_info_json_every_lebenslage_has_three_complete_kreis_series(db_path):
    """Issue 9 must-show: each of the seven Lebenslagen has ≥ 3 indicators with ≥ 5 years in which all 22
    Kreise have a value – a planner can read every Lebenslage across Thüringen over time."""
    info = json.loads(run_cli("info", "--json", "--db", str(db_path)).stdout)
    reihen = info["lebenslagen_kreis_zeitreihen"]
    assert list(reihen) == list(info["lebenslagen"])  # all seven, in their order
    assert len(reihen) == 7
    zu_wenig = {name: n for name, n in reihen.items() if n < 3}
    assert not zu_wenig, f"Lebenslagen mit weniger als 3 vollständigen Kreis-Zeitreihen: {zu_wenig}"
    assert reihen["Gesundheit"] >= 5


def test_info_kreis_series_count_only_years_with_all_22_kreise(con):
    """The count follows the observations: Teilhabe holds the INKAR Siedlungsstruktur series; Einwohnerdichte
    (1996–2022, all 22 Kreise) counts, the Einwohner in dünn besiedelten Gemeinden (2019–2022) does not."""
    from sozialatlas.store import info

    def full_years(indikator):
        return con.execute(
            "SELECT count(*) FROM (SELECT jahr FROM beobachtung WHERE indikator = ? AND ebene = 'kreis' "
            "AND gebietsstand = 'ab-2021-07-01' AND wert IS NOT NULL GROUP BY jahr "
            "HAVING count(DISTINCT schluessel) = 22)",
            [indikator],
        ).fetchone()[0]

    lebenslage = dict(con.execute("SELECT id, lebenslage FROM indikator").fetchall())
    assert lebenslage["einwohnerdichte_inkar"] == lebenslage["anteil_ew_duenn_besiedelt"] == "teilhabe"
    assert full_years("einwohnerdichte_inkar") >= 5 and full_years("anteil_ew_duenn_besiedelt") == 4
    expected = sum(
        1
        for (i,) in con.execute("SELECT id FROM indikator WHERE lebenslage = 'teilhabe'").fetchall()
        if full_years(i) >= info.MIN_VOLLE_JAHRE
    )
    name = con.execute("SELECT name FROM lebenslage WHERE id = 'teilhabe'").fetchone()[0]
    assert info.kreis_zeitreihen(con)[name] == expected >= 3


def test_info_numbers_come_from_the_database(db_path, con):
    info = json.loads(run_cli("info", "--json", "--db", str(db_path)).stdout)
    assert info["observations"] == con.execute("SELECT count(*) FROM beobachtung").fetchone()[0]
    assert info["indicators"] == con.execute("SELECT count(*) FROM indikator").fetchone()[0]


def test_build_writes_a_database_at_the_given_path(tmp_path):
    target = tmp_path / "neu.duckdb"
    r = run_cli("build", "--db", str(target))
    assert r.returncode == 0, r.stderr
    assert target.exists() and target.stat().st_size > 100_000
    assert not list(tmp_path.glob("*.tmp-*")), "no temporary file may be left behind"


def test_info_on_a_missing_database_says_so_in_german(tmp_path):
    r = run_cli("info", "--json", "--db", str(tmp_path / "gibtsnicht.duckdb"))
    assert r.returncode == 2
    assert "fehlt" in r.stderr and "python -m sozialatlas build" in r.stderr


def test_etl_with_a_missing_raw_folder_names_it(tmp_path):
    r = run_cli("etl", "--raw", str(tmp_path / "nirgends"))
    assert r.returncode == 2
    assert "nirgends" in r.stderr and "Rohdatenordner" in r.stderr
