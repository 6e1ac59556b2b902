"""Benchmark of the analysis pages: `python -m benchmarks.analyse [--db PFAD] [--wiederholungen N]`.

Prints figures only, each beside a baseline measured in the same run, as a ratio:

1. Sozialindex (Kernindex, Status 2021 + Dynamik 2016–2021) plus Moran's I and LISA with 999 permutations on
   the status index for all 631 Gemeinden — warm, i.e. with the protected inputs and the neighbour weights
   already in memory, as the page has them from its caches. Baseline: the same result without any cache
   (protected values of every input and year read and protected again, queen weights built from the
   coverage), what a first visit costs. Target of issue 10: warm ≤ 1 s.
2. The suggestion of Planungsräume (max-p, spopt) for Saalfeld-Rudolstadt (16073), warm, beside the same
   without the loaded spopt/libpysal modules counted (first call in the process).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from sozialatlas import paths
from sozialatlas.store import db, queries
from sozialatlas.views import analysedaten as ad
from sozialatlas.views import sozialindex as si
from sozialatlas.views import spatial as sp

JAHR, VON = 2021, 2016


def _sec(x: float) -> str:
    return f"{x:.3f}".replace(".", ",")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}".replace(".", ",") if b else "–"


def _inputs(con):
    ids = ad.resolve_preset(con, ad.KERNINDEX, "gemeinde", JAHR).ids
    cat = ad.catalogue(con).set_index("id")
    return [ad.to_input({**cat.loc[i].to_dict(), "id": i}) for i in ids]


def _compute(inputs, w1, w0, weights):
    status = si.compute(w1.werte, inputs, sperre=w1.sperre)
    dyn_inputs = [i for i in inputs if i.id in w0.werte.columns and w0.werte[i.id].notna().any()]
    cols = [i.id for i in dyn_inputs]
    dynamik = si.compute(si.change(w1.werte[cols], w0.werte[cols]), dyn_inputs, klassen="dynamik")
    lisa = sp.autocorrelation(status.table["index"], weights, permutations=999)
    return status, dynamik, lisa


def _cold(con, inputs):
    ids = [i.id for i in inputs]
    w1 = ad.wide(con, ids, "gemeinde", JAHR)
    w0 = ad.wide(con, ids, "gemeinde", VON)
    weights = sp.weights(queries.shapes(con, "gemeinde", "2021-12-31"))
    return _compute(inputs, w1, w0, weights)


def index_section(con, repeats: int) -> list[str]:
    inputs = _inputs(con)
    ids = [i.id for i in inputs]
    _cold(con, inputs)  # imports and first-touch costs out of the figures
    cold = []
    for _ in range(max(1, repeats // 2)):
        t = time.perf_counter()
        _cold(con, inputs)
        cold.append(time.perf_counter() - t)
    w1 = ad.wide(con, ids, "gemeinde", JAHR)
    w0 = ad.wide(con, ids, "gemeinde", VON)
    weights = sp.weights(queries.shapes(con, "gemeinde", "2021-12-31"))
    warm = []
    for _ in range(repeats):
        t = time.perf_counter()
        status, _dyn, lisa = _compute(inputs, w1, w0, weights)
        warm.append(time.perf_counter() - t)
    w, c = statistics.median(warm), statistics.median(cold)
    return [
        f"Sozialindex + LISA, 631 Gemeinden, 999 Permutationen ({', '.join(i.name for i in inputs)}; "
        f"{int(status.table['vollstaendig'].sum())} vollständig, n LISA = {lisa.n})",
        f"  warm (Eingänge und Nachbarschaften im Speicher): {_sec(w)} s (Median aus {repeats})",
        f"  Basis ohne Zwischenspeicher (geschützte Werte + Queen-Gewichte neu): {_sec(c)} s",
        f"  Verhältnis warm / Basis: {_ratio(w, c)}   Ziel warm ≤ 1 s: {'erfüllt' if w <= 1 else 'verfehlt'}",
    ]


def suggestion_section(con, repeats: int) -> list[str]:
    from sozialatlas.areas import regionalisierung

    t = time.perf_counter()
    regionalisierung.suggest(con, "16073", ["arbeitslosenanteil"], JAHR)
    first = time.perf_counter() - t
    runs = []
    for _ in range(max(1, repeats // 2)):
        t = time.perf_counter()
        v = regionalisierung.suggest(con, "16073", ["arbeitslosenanteil"], JAHR)
        runs.append(time.perf_counter() - t)
    m = statistics.median(runs)
    return [
        f"Planungsraum-Vorschlag (max-p) Saalfeld-Rudolstadt, {len(v.gemeinden)} Gemeinden → {len(v.regionen)} Räume",
        f"  warm: {_sec(m)} s   Basis erster Aufruf (mit Import von spopt/libpysal): {_sec(first)} s   "
        f"Verhältnis: {_ratio(m, first)}",
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--wiederholungen", type=int, default=5)
    ap.add_argument("--ohne-vorschlag", action="store_true", help="den max-p-Vorschlag nicht messen")
    args = ap.parse_args(argv)
    path = args.db or paths.default_db_path()
    if not Path(path).exists():
        print(f"Datenbank {path} fehlt: zuerst `python -m sozialatlas build`.", file=sys.stderr)
        return 2
    con = db.connect(path, read_only=True)
    lines = index_section(con, args.wiederholungen)
    if not args.ohne_vorschlag:
        lines += [""] + suggestion_section(con, args.wiederholungen)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
