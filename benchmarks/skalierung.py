"""Page queries on a Germany-size schema the benchmark generates (never shipped), beside Thüringen.

    python -m benchmarks.skalierung [--anteil 0.25] [--wiederholungen 20] [--unsortiert]

The synthetic Germany: 11,000 Gemeinden in 400 Kreise, 100 indicators × 25 years ≈ 27.5 million Gemeinde
observations plus 1 million on Kreis level. `--anteil 1` is all of it (a 260 MB file generated in ≈ 2.5 min,
≈ 9 min in all on a shared 2-core machine); a smaller `--anteil` scales the Gemeinden down and measures a second, half size, and the
printed estimate for all of Germany extends the straight line through both (time linear in the rows a query
scans, as DuckDB's scans are) — an estimate, and it says so.

Every store query a page runs on a rerun (store.queries, and store.unprotected: what the pages read through
the Geheimhaltung) is timed `--wiederholungen` times with random indicator and year, grouped by page:
p50/p95 in ms on
1. Thüringen (the real database) — the baseline of the same run,
2. Germany, rows in the order a Gemeinde-wide import writes them (`--unsortiert`): every filter on
   `indikator` scans the whole table,
3. Germany, rows sorted by (indikator, ebene, gebietsstand, jahr, schluessel) as `db.build` stores them:
   DuckDB's zone maps (min/max per row group of 122,880 rows) skip every row group of other indicators,
4. Germany, sorted and with the period summary (`beobachtung_perioden`) — the state before the area summary,
5. Germany now: sorted, both summaries `db.refresh_periods` writes at build time and after every
   import/rollback: periods per indicator and level, and per area (`beobachtung_gebiete`, sorted by ebene,
   schluessel: the profile of one Gemeinde reads one or two row groups instead of all observations).
Variants 3–5 are copies of one generated file with summary tables dropped; 1 and 3–5 are timed in turns
(each repetition runs the query on every one of them), so load from other processes falls on all alike.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from sozialatlas import paths
from sozialatlas.areas import gebietsstand
from sozialatlas.store import db, queries, unprotected

FULL_GEMEINDEN, KREISE, INDIKATOREN, JAHRE = 11_000, 400, 100, 25
STAND = "2021-12-31"
MEMORY_LIMIT = "6GB"
ORDER = "indikator, ebene, gebietsstand, jahr, schluessel"


def generate(path: Path, anteil: float, sorted_rows: bool, summary: bool = True) -> int:
    """Add the synthetic Germany to a copy of the Thüringen database; returns the observation count."""
    n_gem = int(FULL_GEMEINDEN * anteil)
    con = duckdb.connect(str(path))
    try:
        # a shared machine: the sort of 28.5 M rows spills to disk rather than taking most of the RAM
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        ref = con.execute("SELECT * FROM indikator WHERE id = 'arbeitslosenanteil'").df()
        cols = list(ref.columns)
        con.execute(
            f"""INSERT INTO indikator SELECT {
                ", ".join(
                    "'syn_' || lpad(i::TEXT, 3, '0')"
                    if c == "id"
                    else ("'Synthetischer Indikator ' || i" if c == "name" else c)
                    for c in cols
                )
            }
            FROM (SELECT * FROM indikator WHERE id = 'arbeitslosenanteil'), range({INDIKATOREN}) t(i)"""
        )
        con.execute(
            f"""INSERT INTO region (ebene, schluessel, gebietsstand, name, kreis_ab, kreis_bis, flaeche_km2)
            SELECT 'gemeinde', 'D' || lpad(g::TEXT, 7, '0'), '{STAND}', 'Gemeinde ' || g,
                   'K' || lpad((g % {KREISE})::TEXT, 4, '0'), 'K' || lpad((g % {KREISE})::TEXT, 4, '0'), 10.0
            FROM range({n_gem}) t(g)"""
        )
        gen = f"""
            SELECT 'syn_' || lpad(i::TEXT, 3, '0') AS indikator, 'gemeinde' AS ebene,
                   'D' || lpad(g::TEXT, 7, '0') AS schluessel, '{STAND}' AS gebietsstand, 1999 + j AS jahr,
                   '31.12.' || (1999 + j) AS stand, hash(g, i, j) % 1000 / 10.0 AS wert,
                   hash(g, j) % 500 AS zaehler, 1000.0 AS nenner, 'veröffentlicht' AS status,
                   'inkar' AS quelle, NULL AS hinweis, false AS beispiel, NULL AS version_id
            FROM range({n_gem}) a(g), range({INDIKATOREN}) b(i), range({JAHRE}) c(j)
            UNION ALL
            SELECT 'syn_' || lpad(i::TEXT, 3, '0'), 'kreis', 'K' || lpad(k::TEXT, 4, '0'), 'ab-2021-07-01',
                   1999 + j, '31.12.' || (1999 + j), hash(k, i, j) % 1000 / 10.0, NULL, NULL,
                   'veröffentlicht', 'inkar', NULL, false, NULL
            FROM range({KREISE}) a(k), range({INDIKATOREN}) b(i), range({JAHRE}) c(j)
        """
        existing = "SELECT * FROM beobachtung"
        order = ORDER if sorted_rows else "schluessel, jahr, indikator"
        con.execute(f"CREATE TABLE b2 AS SELECT * FROM ({existing} UNION ALL BY NAME {gen}) ORDER BY {order}")
        con.execute("DROP TABLE beobachtung")
        con.execute("ALTER TABLE b2 RENAME TO beobachtung")
        if summary:
            db.refresh_periods(con)  # what the build writes (a summary of Thüringen alone would be wrong)
        else:
            for t in db.SUMMARY_TABLES:  # the queries as before: scan everything
                con.execute(f"DROP TABLE IF EXISTS {t}")
        con.execute("CHECKPOINT")
        return int(con.execute("SELECT count(*) FROM beobachtung").fetchone()[0])
    finally:
        con.close()


LAND = "16"  # the synthetic Germany has no Land rows: Land queries find nothing, after the same reads


def page_queries(con, germany: bool) -> dict:
    """{(page, label): callable} — every store query a page runs on a rerun (before protection), by page."""
    rng = random.Random(7)
    inds = [f"syn_{i:03d}" for i in range(INDIKATOREN)] if germany else ["arbeitslosenanteil", "einwohner"]
    kreis_inds = inds if germany else ["arbeitslosenanteil", "schuldnerquote"]
    years = list(range(1999, 1999 + JAHRE)) if germany else [2019, 2020, 2021]
    gemeinde = "D0000042" if germany else "16073077"
    kreis = "K0042" if germany else "16053"

    def ind():
        return rng.choice(inds)

    def kind():
        return rng.choice(kreis_inds)

    def year():
        return rng.choice(years)

    def profile_loop():
        # ui/smallarea._profile today: per Gemeinde indicator its newest year, then the whole level of that
        # indicator-year (which the Geheimhaltung needs); here only the reads, without the protection
        for i in queries.indicators(con, "gemeinde")["id"]:
            per = queries.periods(con, i, "gemeinde")
            per = per[per["n_werte"] > 0]
            if len(per):
                unprotected.small_area_rows(con, i, int(per["jahr"].iloc[0]), "gemeinde", STAND)

    def kreisprofil_lazy():
        # areas.gebietsstand.KreisValues as the Kreisprofil uses it: the period summary, then the rows of the
        # newest year of every indicator (read on first use; here without the protection, like the rest)
        ids = list(queries.indicators(con, "kreis")["id"])
        kv = gebietsstand.KreisValues(con, ids)
        for i in ids:
            if kv.years(i):
                kv._read("kreis", i, kv.years(i)[0])
                kv._read("land", i, kv.years(i)[0])

    return {
        ("alle", "queries.indicators (Gemeinde)"): lambda: queries.indicators(con, "gemeinde"),
        ("alle", "queries.indicators (Kreis)"): lambda: queries.indicators(con, "kreis"),
        ("alle", "queries.indicator (Katalogzeile)"): lambda: queries.indicator(con, ind()),
        ("Kreisvergleich", "queries.periods (Kreis)"): lambda: queries.periods(con, kind(), "kreis"),
        ("Kreisvergleich", "unprotected.values (Kreis)"): lambda: unprotected.values(
            con, kind(), "kreis", "ab-2021-07-01", year()
        ),
        ("Kreisvergleich", "unprotected.kreis_rows"): lambda: unprotected.kreis_rows(con, kind(), year()),
        ("Kreisvergleich", "unprotected.kreis_staende"): lambda: unprotected.kreis_staende(con, kind(), year()),
        ("Kreisvergleich", "unprotected.land_row"): lambda: unprotected.land_row(con, kind(), year()),
        ("Kreisvergleich", "unprotected.land_rows"): lambda: unprotected.land_rows(con, kind()),
        ("Kreisvergleich", "unprotected.risky_kreis_years"): lambda: unprotected.risky_kreis_years(
            con, kind(), "zaehler", 3, "geheim"
        ),
        ("Zeitreihen", "queries.kreis_staende_of_indicator"): lambda: queries.kreis_staende_of_indicator(con, kind()),
        ("Zeitreihen", "level_observations (Kreis, 1 Indikator)"): lambda: unprotected.level_observations(
            con, "kreis", [kind()]
        ),
        ("Kreisprofil", "level_observations (Kreis, alle Ind.)"): lambda: unprotected.level_observations(
            con, "kreis", list(queries.indicators(con, "kreis")["id"])
        ),
        ("Kreisprofil", "level_observations (Land, alle Ind.)"): lambda: unprotected.level_observations(
            con, "land", list(queries.indicators(con, "kreis")["id"])
        ),
        ("Kreisprofil", "KreisValues lazy (neueste Jahre, alle)"): kreisprofil_lazy,
        ("Kreisprofil", "queries.area_years (Kreis)"): lambda: queries.area_years(con, "kreis", kreis),
        ("Lebenslagen", "queries.newest_kreis_period"): lambda: queries.newest_kreis_period(con, kind()),
        ("Lebenslagen", "queries.observation_levels"): lambda: queries.observation_levels(con, ind()),
        ("Lebenslagen", "queries.value_years (Gemeinde)"): lambda: queries.value_years(con, ind(), "gemeinde"),
        ("Kleinräumig", "queries.periods (Gemeinde)"): lambda: queries.periods(con, ind(), "gemeinde"),
        ("Kleinräumig", "unprotected.small_area_rows"): lambda: unprotected.small_area_rows(
            con, ind(), year(), "gemeinde", STAND
        ),
        ("Kleinräumig", "unprotected.has_level"): lambda: unprotected.has_level(con, ind(), year(), "gemeinde"),
        ("Kleinräumig", "unprotected.rate_ratios"): lambda: unprotected.rate_ratios(con, ind()),
        ("Kleinräumig", "unprotected.population_years"): lambda: unprotected.population_years(con),
        ("Kleinräumig", "unprotected.gemeinde_population"): lambda: unprotected.gemeinde_population(con, year()),
        ("Kleinräumig", "queries.area_years (Gemeinde-Profil)"): lambda: queries.area_years(con, "gemeinde", gemeinde),
        ("Kleinräumig", "Profil-Schleife heute (alle Ind. × Ebene)"): profile_loop,
        ("Download", "queries.observation_keys"): lambda: queries.observation_keys(
            con, ind(), "gemeinde", STAND, year()
        ),
        ("Download", "queries.observation_periods"): lambda: queries.observation_periods(con),
        ("Startseite", "queries.kreis_completeness"): lambda: queries.kreis_completeness(con),
        ("Startseite", "queries.coverage"): lambda: queries.coverage(con),
    }


# Sozialindex and Räumliche Statistik read through the same functions as Kreisvergleich (Kreise) and
# Kleinräumig (Gemeinden): views.analysedaten → showable.values / smallarea.values; Monitoring and Kreisprofil
# through areas.gebietsstand.KreisValues (level_observations). Loops over many indicators are marked as such:
# they are no single query and are not held to the 100 ms goal.
LOOPS = {"Profil-Schleife heute (alle Ind. × Ebene)"}
# Timed with fewer repetitions (seconds each on Germany); still held to the goal unless in LOOPS.
HEAVY = LOOPS | {"level_observations (Kreis, alle Ind.)"}
# Run once per database version and cached (start page, Gesamtdownload): reported, not held to the goal.
ONCE = {"Startseite", "Download"}


def time_interleaved(paths_: dict[str, tuple[Path, bool]], repeats: int) -> dict[str, dict]:
    """{variant: {query: (p50, p95)}}. The variants take turns on every repetition, so load from other
    processes on a shared machine falls on all of them alike (one after the other, a busy minute made one
    variant look 3× slower). `paths_`: {variant: (file, is the synthetic Germany)}; each Germany variant draws
    the same random indicators and years."""
    cons = {v: db.connect(p, read_only=True) for v, (p, _g) in paths_.items()}
    out: dict[str, dict] = {v: {} for v in paths_}
    try:
        fns = {v: page_queries(c, paths_[v][1]) for v, c in cons.items()}
        for key in next(iter(fns.values())):
            ts: dict[str, list[float]] = {v: [] for v in paths_}
            for v in paths_:
                fns[v][key]()  # first call: file pages into memory, not measured
            for _ in range(max(3, repeats // 5) if key[1] in HEAVY else repeats):
                for v in paths_:
                    t = time.perf_counter()
                    fns[v][key]()
                    ts[v].append((time.perf_counter() - t) * 1000)
            for v, xs in ts.items():
                xs.sort()
                out[v][key] = (statistics.median(xs), xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))])
    finally:
        for c in cons.values():
            c.close()
    return out


def drop(path: Path, *tables: str) -> None:
    with duckdb.connect(str(path)) as con:
        for t in tables:
            con.execute(f"DROP TABLE IF EXISTS {t}")
        con.execute("CHECKPOINT")


def measure_layouts(
    src: Path, work: Path, anteil: float, repeats: int, *, unsorted: bool, baseline: Path | None = None
) -> dict:
    """{variant: (observations, seconds to generate, MB of the file, {query: (p50, p95)})}, all of one size.

    One generated file serves three variants, as copies timed in turns: with both summaries (the state now),
    without the area summary (the state before: sorted + periods), without any summary (sorted only)."""
    out = {}
    p = work / "de.duckdb"
    shutil.copy(src, p)
    t = time.perf_counter()
    n = generate(p, anteil, True, True)
    gen_s = time.perf_counter() - t
    size = p.stat().st_size / 1e6
    with duckdb.connect(str(p)) as con:
        # bytes on disk per table: the blocks its columns occupy (DuckDB's block size is 256 KiB)
        blocks = dict(
            con.execute(
                "SELECT t, count(DISTINCT block_id) * 262144 / 1e6 FROM (SELECT ? AS t, block_id FROM "
                "pragma_storage_info(?) UNION ALL SELECT 'beobachtung', block_id FROM "
                "pragma_storage_info('beobachtung')) WHERE block_id >= 0 GROUP BY t",
                [db.AREAS_TABLE, db.AREAS_TABLE],
            ).fetchall()
        )
    t = time.perf_counter()
    with duckdb.connect(str(p)) as con:
        db.refresh_periods(con)  # the build's cost of both summaries, measured on its own
        con.execute("CHECKPOINT")
    summary_s = time.perf_counter() - t
    areas_mb = (blocks.get(db.AREAS_TABLE, 0.0), blocks.get("beobachtung", 0.0))
    before, plain = work / "de-vorher.duckdb", work / "de-ohne.duckdb"
    shutil.copy(p, before)
    drop(before, db.AREAS_TABLE)
    shutil.copy(before, plain)
    drop(plain, db.PERIODS_TABLE)
    runs = {"jetzt": (p, True), "sortiert+perioden": (before, True), "sortiert": (plain, True)}
    if baseline is not None:  # Thüringen takes its turns too: the ratios compare like with like
        runs["thueringen"] = (baseline, False)
    t = time_interleaved(runs, repeats)
    if baseline is not None:
        out["thueringen"] = t["thueringen"]
    out["jetzt"] = (n, gen_s, size, t["jetzt"], summary_s, areas_mb)
    out["sortiert+perioden"] = (n, gen_s, size, t["sortiert+perioden"])
    out["sortiert"] = (n, gen_s, size, t["sortiert"])
    for f in (p, before, plain):
        f.unlink()
    if unsorted:
        shutil.copy(src, p)
        t = time.perf_counter()
        n = generate(p, anteil, False, False)
        gen_u = time.perf_counter() - t
        out["unsortiert"] = (n, gen_u, p.stat().st_size / 1e6, time_interleaved({"u": (p, True)}, repeats)["u"])
        p.unlink()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.skalierung", description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--anteil", type=float, default=0.25, help="Anteil der 11.000 Gemeinden (1.0 = ganz)")
    ap.add_argument("--wiederholungen", type=int, default=20)
    ap.add_argument("--unsortiert", action="store_true", help="auch die unsortierte Ablage messen (dauert länger)")
    args = ap.parse_args(argv)
    if not 0 < args.anteil <= 1:
        raise SystemExit("--anteil: zwischen 0 und 1")
    # a file given with --db is taken as it is (e.g. a copy while data/ is being edited); else the current build
    src = args.db if args.db else db.ensure(paths.default_db_path())
    work = Path(tempfile.mkdtemp(prefix="sa-skalierung-"))
    try:
        # Thüringen as the current build writes it (a file built before has no summaries)
        th = work / "th.duckdb"
        shutil.copy(src, th)
        with duckdb.connect(str(th)) as c:
            db.refresh_periods(c)
        variants = measure_layouts(src, work, args.anteil, args.wiederholungen, unsorted=args.unsortiert, baseline=th)
        t_th = variants.pop("thueringen")
        half = None
        if args.anteil < 1:  # a second size for the straight line to all of Germany
            half = measure_layouts(src, work, args.anteil / 2, args.wiederholungen, unsorted=False)["jetzt"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, t_th, variants, half)
    return 0


def _de(x: float, digits: int = 0) -> str:
    """A number as German text: 1.234.567,8."""
    return f"{x:,.{digits}f}".translate(str.maketrans({".": ",", ",": "."}))


def _cell(p: tuple[float, float]) -> str:
    return f"{_de(p[0], 1):>6}/{_de(p[1], 1):<6}"


def report(args, t_th: dict, variants: dict, half) -> None:
    now = variants["jetzt"]
    n = now[0]
    full = FULL_GEMEINDEN * INDIKATOREN * JAHRE + KREISE * INDIKATOREN * JAHRE
    print(
        f"Seitenabfragen: Thüringen gegen synthetisches Deutschland ({_de(args.anteil, 2)} von 11.000 Gemeinden, "
        f"{_de(n)} Beobachtungen, erzeugt in {_de(now[1])} s, Datei {_de(now[2])} MB; beide Zusammenfassungen "
        f"(Perioden, Gebiete) neu geschrieben in {_de(now[4], 1)} s; auf der Platte: Gebiete-Tabelle "
        f"{_de(now[5][0], 1)} MB, beobachtung {_de(now[5][1])} MB); p50/p95 in ms, {args.wiederholungen} "
        f"Wiederholungen (schwere Abfragen: {max(3, args.wiederholungen // 5)})"
    )
    if half is not None:
        print(
            f"   hochgerechnet auf ganz Deutschland ({_de(full / 1e6, 1)} Mio. Zeilen): p95 linear in den Zeilen, "
            f"Gerade durch {_de(n)} und {_de(half[0])} Zeilen (Stand jetzt) — eine Schätzung, keine Messung."
        )
    cols = [("DE unsortiert", "unsortiert")] if "unsortiert" in variants else []
    cols += [("DE sortiert", "sortiert"), ("DE +Perioden", "sortiert+perioden"), ("DE jetzt", "jetzt")]
    head = f"   {'Seite':<15} {'Abfrage':<42} {'Thüringen':>13}" + "".join(f" {c:>13}" for c, _ in cols)
    head += f" {'jetzt/Thür.':>11} {'jetzt/vorher':>12}"
    head += f" {'DE ganz (gesch.)':>17}" if half is not None else ""
    print(head)
    worst, worst_q = 0.0, ""
    for key, th in t_th.items():
        page, q = key
        ne = now[3][key]
        before = variants["sortiert+perioden"][3][key]
        de_full = ne[1]
        if half is not None:
            slope = max(0.0, (ne[1] - half[3][key][1]) / max(1, n - half[0]))
            de_full = ne[1] + slope * (full - n)
        if page not in ONCE and q not in LOOPS and de_full > worst:
            worst, worst_q = de_full, q
        line = f"   {page:<15} {q:<42} {_cell(th)}"
        line += "".join(f" {_cell(variants[v][3][key])}" for _, v in cols)
        line += f" {_de(ne[1] / max(th[1], 1e-3), 2):>11} {_de(ne[1] / max(before[1], 1e-3), 2):>12}"
        line += f" {_de(de_full):>17}" if half is not None else ""
        print(line)
    scope = "geschätzt für ganz Deutschland" if half is not None else "gemessen"
    print(
        f"   Ziel p95 ≤ 100 ms je Seitenabfrage ({scope}; ohne Startseite/Download, die je Datenbankversion "
        f"einmal laufen und zwischengespeichert werden, und ohne Schleifen über alle Indikatoren): "
        f"{'erreicht' if worst <= 100 else 'nicht erreicht'} (langsamste: {worst_q}, {_de(worst)} ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
