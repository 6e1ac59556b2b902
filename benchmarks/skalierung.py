"""Page queries on a Germany-size schema the benchmark generates (never shipped), beside Thüringen.

    python -m benchmarks.skalierung [--anteil 0.25] [--wiederholungen 20]

The synthetic Germany: 11,000 Gemeinden in 400 Kreise, 100 Gemeinde indicators × 25 years ≈ 27.5 million
observations (plus 1 million on Kreis level). On a shared 2-core machine the full size takes minutes and
several GB, so `--anteil` scales the number of Gemeinden down (0.25 → 2,750 Gemeinden, 6.9 million rows);
the sorted layout is measured at that size and at half of it, and the printed estimate for all of Germany
extends the straight line through both (time linear in the rows a query scans, as DuckDB's scans are) —
an estimate, and it says so.

Each page query (store.queries, store.unprotected: what the pages run before protection) is timed
`--wiederholungen` times with random indicator and year: p50/p95 in ms on
1. Thüringen (the real database) — the baseline of the same run,
2. Germany, rows in the order a Gemeinde-wide import writes them (all indicators of a Gemeinde together):
   every filter on `indikator` scans the whole table,
3. Germany, rows sorted by (indikator, ebene, gebietsstand, jahr, schluessel) as `db.build` stores them:
   DuckDB's zone maps (min/max per row group of 122,880 rows) skip every row group of other indicators,
4. Germany, sorted and with the period summary `db.refresh_periods` writes at build time and after every
   import/rollback (`beobachtung_perioden`): queries.indicators/periods/coverage read a few thousand rows
   instead of all observations — the state of the code now. Variants 2 and 3 drop that table, so they show
   the queries as they ran before.
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
from sozialatlas.store import db, queries, unprotected

FULL_GEMEINDEN, KREISE, INDIKATOREN, JAHRE = 11_000, 400, 100, 25
STAND = "2021-12-31"
ORDER = "indikator, ebene, gebietsstand, jahr, schluessel"


def generate(path: Path, anteil: float, sorted_rows: bool, summary: bool = True) -> int:
    """Add the synthetic Germany to a copy of the Thüringen database; returns the observation count."""
    n_gem = int(FULL_GEMEINDEN * anteil)
    con = duckdb.connect(str(path))
    try:
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
            con.execute(f"DROP TABLE IF EXISTS {db.PERIODS_TABLE}")  # the queries as before: scan everything
        con.execute("CHECKPOINT")
        return int(con.execute("SELECT count(*) FROM beobachtung").fetchone()[0])
    finally:
        con.close()


def page_queries(con, germany: bool):
    rng = random.Random(7)
    inds = [f"syn_{i:03d}" for i in range(INDIKATOREN)] if germany else ["arbeitslosenanteil", "einwohner"]
    years = list(range(1999, 1999 + JAHRE)) if germany else [2019, 2020, 2021]

    def pick():
        return rng.choice(inds), rng.choice(years)

    return {
        "queries.indicators(ebene)": lambda: queries.indicators(con, "gemeinde"),
        "queries.periods (Gemeinde)": lambda: queries.periods(con, pick()[0], "gemeinde"),
        "queries.periods (Kreis)": lambda: queries.periods(con, pick()[0], "kreis"),
        "unprotected.small_area_rows": lambda: unprotected.small_area_rows(con, *pick(), "gemeinde", STAND),
        "unprotected.has_level": lambda: unprotected.has_level(con, *pick(), "gemeinde"),
        "queries.observation_keys": lambda: queries.observation_keys(con, pick()[0], "gemeinde", STAND, pick()[1]),
        "Profil einer Gemeinde (je Indikator neuestes Jahr)": lambda: con.execute(
            "SELECT indikator, max(jahr) FROM beobachtung WHERE ebene = 'gemeinde' AND schluessel = ? "
            "AND wert IS NOT NULL GROUP BY indikator",
            ["D0000042" if germany else "16073077"],
        ).fetchall(),
        "queries.kreis_completeness (Startseite)": lambda: queries.kreis_completeness(con),
        "queries.coverage (Startseite, ganze Tabelle)": lambda: queries.coverage(con),
    }


def time_queries(path: Path, germany: bool, repeats: int) -> dict:
    con = db.connect(path, read_only=True)
    out = {}
    try:
        for name, fn in page_queries(con, germany).items():
            fn()  # first call: file pages into memory, not measured
            ts = []
            for _ in range(repeats):
                t = time.perf_counter()
                fn()
                ts.append((time.perf_counter() - t) * 1000)
            ts.sort()
            out[name] = (statistics.median(ts), ts[min(len(ts) - 1, round(0.95 * (len(ts) - 1)))])
    finally:
        con.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.skalierung", description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--anteil", type=float, default=0.25, help="Anteil der 11.000 Gemeinden (1.0 = ganz)")
    ap.add_argument("--wiederholungen", type=int, default=20)
    args = ap.parse_args(argv)
    if not 0 < args.anteil <= 1:
        raise SystemExit("--anteil: zwischen 0 und 1")
    src = db.ensure(args.db or paths.default_db_path())
    work = Path(tempfile.mkdtemp(prefix="sa-skalierung-"))
    try:
        # Thüringen as the current build writes it (a file built before has no period summary)
        th = work / "th.duckdb"
        shutil.copy(src, th)
        with duckdb.connect(str(th)) as c:
            db.refresh_periods(c)
        t_th = time_queries(th, False, args.wiederholungen)
        variants = {}
        for label, srt, summ, anteil in (
            ("unsortiert", False, False, args.anteil),
            ("sortiert", True, False, args.anteil),
            ("sortiert+perioden", True, True, args.anteil),
            ("sortiert+perioden, halbe Größe", True, True, args.anteil / 2),
        ):
            p = work / "de.duckdb"
            shutil.copy(src, p)
            t = time.perf_counter()
            n = generate(p, anteil, srt, summ)
            gen_s = time.perf_counter() - t
            variants[label] = (n, gen_s, time_queries(p, True, args.wiederholungen))
            p.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n, n_half = variants["sortiert+perioden"][0], variants["sortiert+perioden, halbe Größe"][0]
    full = FULL_GEMEINDEN * INDIKATOREN * JAHRE + KREISE * INDIKATOREN * JAHRE
    print(
        f"Seitenabfragen: Thüringen gegen synthetisches Deutschland ({args.anteil:g} von 11.000 Gemeinden, "
        f"{n:,} Beobachtungen, erzeugt in {variants['sortiert'][1]:.0f} s; halbe Größe {n_half:,}); "
        f"p50/p95 in ms, {args.wiederholungen} Wiederholungen".replace(",", ".")
    )
    print(
        "   hochgerechnet auf ganz Deutschland (≈ 28,5 Mio. Zeilen): p95 linear in den Zeilen, Gerade durch die "
        "beiden gemessenen Größen (sortiert + Perioden-Tabelle) — eine Schätzung, keine Messung."
    )
    print(
        f"   {'Abfrage':<50} {'Thüringen':>13} {'DE unsortiert':>14} {'DE sortiert':>13} {'DE +Perioden':>13} "
        f"{'neu/Thür.':>10} {'neu/unsort.':>12} {'DE ganz (gesch.)':>17}"
    )
    worst = 0.0
    for q in t_th:
        th = t_th[q]
        un = variants["unsortiert"][2][q]
        so = variants["sortiert"][2][q]
        ne = variants["sortiert+perioden"][2][q]
        half = variants["sortiert+perioden, halbe Größe"][2][q]
        slope = max(0.0, (ne[1] - half[1]) / max(1, n - n_half))
        extrapol = ne[1] + slope * (full - n)
        if "Startseite" not in q:
            worst = max(worst, extrapol)
        print(
            f"   {q:<50} {th[0]:>6.1f}/{th[1]:<6.1f} {un[0]:>6.0f}/{un[1]:<7.0f} {so[0]:>6.1f}/{so[1]:<6.1f} "
            f"{ne[0]:>6.1f}/{ne[1]:<6.1f} {ne[1] / th[1]:>10.2f} {ne[1] / un[1]:>12.2f} {extrapol:>17.0f}".replace(
                ".", ","
            )
        )
    print(
        f"   Ziel p95 ≤ 100 ms je Seitenabfrage (geschätzt für ganz Deutschland, ohne die Startseitenabfragen, "
        f"die je Datenbankversion einmal laufen und zwischengespeichert werden): "
        f"{'erreicht' if worst <= 100 else 'nicht erreicht'} ({worst:.0f} ms)".replace(".", ",")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
