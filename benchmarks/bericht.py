"""Benchmark of the Kreisprofil PDF data: `python -m benchmarks.bericht [--db PFAD] [--kreise 16053,16052]`.

Figures only, each beside a baseline measured in the same run, as ratios:

- baseline ("getrennt"): what the PDF did before issue 11's follow-up — the Monitoring with its own
  loader of the Kreis observations, the trends with another one, every report from scratch;
- "ein Lader": one `monitoring.Reihen` per report for trends and Monitoring;
- "gehalten": the same Reihen kept across reports (ui.praesentation keeps one per database file and
  Gebietsstand), so the next Kreis reuses every protected (indicator, year) frame.

Each variant runs in a fresh process (no cache of one variant helps another), rounds interleaved, best of N.

Runs on a copy of the database with three goals linked to indicators (so the Monitoring has work);
the profile rows (views.profile) still read their own loader in all three variants.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sozialatlas import paths
from sozialatlas.store import db
from sozialatlas.store import ziele as ziele_store
from sozialatlas.views import bericht, monitoring

STAND = "ab-2021-07-01"
LINKS = [
    ("oekonomie", "schuldnerquote", 2016, "senken"),
    ("oekonomie", "arbeitslosenanteil", 2016, "senken"),
    ("familie", "kinderarmut_sgb2_u15", 2016, "senken"),
]


def _with_links(src: Path, tmp: Path) -> Path:
    path = tmp / "bench.duckdb"
    shutil.copyfile(src, path)
    os.environ["SOZIALATLAS_ADMIN_OPEN"] = "1"
    with db.writing(path) as con:
        goals = ziele_store.goals(con)
        for ll, ind, basis, richtung in LINKS:
            ziel = goals[goals["lebenslage"] == ll]["ziel"].iloc[0]
            try:
                clean = monitoring.validate_link(
                    con, {"lebenslage": ll, "ziel": ziel, "indikator": ind, "basisjahr": basis, "richtung": richtung}
                )
            except monitoring.MonitoringInputError:
                continue  # an indicator without Kreis values in this database: fewer links, same comparison
            ziele_store.save_link(con, clean, "Benchmark")
    return path


def _variant(path: Path, variante: str, kreise: list[str]) -> dict:
    """Both Kreise one after the other in this (fresh) process; seconds per Kreis and the report data."""
    kw = {"erstellt": "02.12.2026", "geo_attribution": "© GeoBasis-DE / BKG"}
    con = db.connect(path, read_only=True)
    kept = None
    secs, daten = [], []
    for k in kreise:
        t = time.perf_counter()
        if variante == "gehalten" and kept is None:
            kept = monitoring.Reihen.load(con, STAND)  # as ui.praesentation.reihen: loaded by the first report
        if variante == "getrennt":
            mon = monitoring.report_rows(monitoring.monitoring(con, k, STAND))
            d = bericht.kreis_report_data(con, k, STAND, monitoring=mon, **kw)
        else:
            d = bericht.kreis_report_data(con, k, STAND, with_monitoring=True, reihen=kept, **kw)
        secs.append(time.perf_counter() - t)
        daten.append({"lebenslagen": d["lebenslagen"], "monitoring": d["monitoring"]})
    con.close()
    return {"secs": secs, "daten": daten}


VARIANTEN = ("getrennt", "ein Lader", "gehalten")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=paths.default_db_path())
    ap.add_argument("--kreise", default="16053,16052")
    ap.add_argument("--wiederholungen", type=int, default=2, help="bestes von N (die Maschine ist geteilt)")
    ap.add_argument("--variante", choices=VARIANTEN, help=argparse.SUPPRESS)  # child process
    ap.add_argument("--aus", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    kreise = args.kreise.split(",")
    if args.variante:
        args.aus.write_text(json.dumps(_variant(args.db, args.variante, kreise), default=str), encoding="utf-8")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = _with_links(args.db, Path(tmp))
        with db.connect(path, read_only=True) as con:
            n_links = len(ziele_store.links(con))
        res: dict[str, list[float]] = {}
        daten: dict[str, list] = {}
        # every variant in a fresh process (no cache of an earlier variant helps a later one), interleaved
        # rounds, best of N: the machine is shared, the minimum is the least disturbed run
        for _ in range(args.wiederholungen):
            for v in VARIANTEN:
                out = Path(tmp) / "aus.json"
                cmd = [sys.executable, "-m", "benchmarks.bericht", "--db", str(path), "--kreise", args.kreise]
                subprocess.run(cmd + ["--variante", v, "--aus", str(out)], check=True, cwd=paths.ROOT)
                got = json.loads(out.read_text(encoding="utf-8"))
                res[v] = [min(a, b) for a, b in zip(res[v], got["secs"])] if v in res else got["secs"]
                daten[v] = got["daten"]
    same = daten["getrennt"] == daten["ein Lader"] == daten["gehalten"]
    print(
        f"Kreisprofil-PDF-Daten, {len(kreise)} Kreise nacheinander ({', '.join(kreise)}), {n_links} Ziel-Verknüpfungen"
    )
    base = res["getrennt"]
    for name in VARIANTEN:
        secs = res[name]
        ratios = " / ".join(f"{s / b:.2f}" for s, b in zip(secs, base))
        print(f"  {name:10s} " + " / ".join(f"{s:6.2f} s" for s in secs) + f"   Verhältnis zur Basis: {ratios}")
    print(f"  gleiche Inhalte (Lebenslagen, Monitoring) wie die Basis: {'ja' if same else 'NEIN'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
