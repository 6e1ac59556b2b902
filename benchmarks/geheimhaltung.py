"""Benchmark of the Geheimhaltung at scale: `python -m benchmarks.geheimhaltung [--baseline-bis N]`.

Generates a synthetic Germany (never written to disk, never shipped): Gemeinden grouped into Kreise at
Thüringen's density (≈ 29 Gemeinden per Kreis, a quarter of the Kreise kreisfreie Städte of one Gemeinde),
Verwaltungsgemeinschaften of ≈ 5 Gemeinden, a Land total, and in every tenth Kreis a Planungsraum
definition. Counts follow the Gemeinde distribution of "Arbeitslose" (log-normal, ≈ 9 % of cells 1 or 2,
some 0). For 631 / 1,262 / 5,048 / 11,000 Gemeinden it prints the seconds per indicator-year of

- `privacy.suppress` (decomposed per block, BLAS pinned to one thread), cold (empty block cache),
- the same after one more Planungsraum is saved (warm: only that Kreis's block is solved again),
- `privacy.suppress_whole` (the whole-Land greedy before the decomposition) as the same-run baseline,
  only up to --baseline-bis Gemeinden (it grows ≈ n^2.5: minutes at 5,048),

and the ratio baseline / decomposed. Every decomposed result is checked for disclosure with the same
audits as the property tests (exact and interval), so a fast wrong answer cannot pass unnoticed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from sozialatlas.protection import privacy

SIZES = (631, 1262, 5048, 11000)
PER_KREIS = 631 / 22


def synthetic_land(n: int, seed: int = 2026):
    """(values, groups, fixed) of a Land with n Gemeinden, reproducible from `seed`."""
    rnd = random.Random(seed + n)
    n_kreise = max(1, round(n / PER_KREIS))
    staedte = n_kreise // 4
    rest = n - staedte
    sizes = [1] * staedte
    land_kreise = n_kreise - staedte
    for i in range(land_kreise):
        sizes.append(rest // land_kreise + (1 if i < rest % land_kreise else 0))
    values: dict = {}
    groups: dict = {}
    fixed: set = set()
    g = 0
    for kr, size in enumerate(sizes):
        keys = [f"{kr:04d}{j:03d}" for j in range(size)]
        for k in keys:
            r = rnd.random()
            if size == 1:
                values[k] = float(round(rnd.lognormvariate(8.0, 0.6)))  # a Stadt: thousands
            elif r < 0.02:
                values[k] = 0.0
            elif r < 0.11:
                values[k] = float(rnd.choice((1, 2)))
            else:
                values[k] = float(max(3, round(rnd.lognormvariate(2.3, 1.1))))
            g += 1
        groups[("kreis", kr)] = frozenset(keys)
        fixed.add(("kreis", kr))
        if size > 1:
            for v in range(0, size, 5):  # Verwaltungsgemeinschaften: published, so fixed like the Kreis
                part = frozenset(keys[v : v + 5])
                if len(part) > 1:
                    groups[("verband", kr, v)] = part
                    fixed.add(("verband", kr, v))
        if size > 1 and kr % 10 == 3:
            half = len(keys) // 2
            groups[("pr", kr, "Nord")] = frozenset(keys[:half])
            groups[("pr", kr, "Sued")] = frozenset(keys[half:])
    groups[("land",)] = frozenset(values)
    fixed.add(("land",))
    # Kreis/Land totals that are small would be withheld by the source: not fixed (as smallarea._groups)
    for name in list(fixed):
        total = sum(values[k] for k in groups[name])
        if 0 < total < 3:
            fixed.discard(name)
    return values, groups, fixed


def _check(values, groups, sup, rules) -> None:
    published = {n: g for n, g in groups.items() if n not in sup.groups_withheld}
    shown = set(values) - sup.cells
    leaked = (set(privacy.audit(values, published, shown)) & sup.cells) - set(sup.unprotectable)
    pinned = set(privacy.audit_intervals(values, published, shown, sup.primary, rules)) - set(sup.unprotectable)
    if leaked or pinned:
        raise SystemExit(f"Geheimhaltung verletzt: {sorted(leaked | pinned)[:5]}")


def _timed(func):
    """CPU seconds of the process: the work is single-threaded (BLAS pinned), and on a shared machine
    wall-clock time mostly measures the neighbours."""
    t = time.process_time()
    out = func()
    return time.process_time() - t, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline-bis", type=int, default=1262, help="whole-Land baseline up to N Gemeinden")
    ap.add_argument("--groessen", type=int, nargs="*", default=list(SIZES))
    ap.add_argument("--ohne-pruefung", action="store_true", help="skip the disclosure audit of the results")
    args = ap.parse_args(argv)
    rules = privacy.Rules()
    privacy.suppress(*synthetic_land(60)[:2], rules)  # imports (scipy) and caches of numpy are not measured
    print("Geheimhaltung je Indikator-Jahr (CPU-Sekunden; synthetisches Deutschland, nicht ausgeliefert)")
    head = f"{'Gemeinden':>9} {'Kreise':>6} {'kalt':>8} {'nach PR':>8} {'gesperrt':>9} {'ganzes Land':>12} {'Verhältnis':>10}"
    print(head)
    print("-" * len(head))
    for n in args.groessen:
        values, groups, fixed = synthetic_land(n)
        n_kreise = sum(1 for g in groups if g[0] == "kreis")
        privacy.clear_cache()
        cold, sup = _timed(
            lambda values=values, groups=groups, fixed=fixed: privacy.suppress(values, groups, rules, fixed=fixed)
        )
        if not args.ohne_pruefung:
            _check(values, groups, sup, rules)
        # one more Planungsraum in one Kreis: only that block is solved again
        kr = next(g[1] for g in groups if g[0] == "kreis" and len(groups[g]) > 4)
        members = sorted(groups[("kreis", kr)])[:2]
        more = {**groups, ("pr", kr, "neu"): frozenset(members)}
        warm, _ = _timed(
            lambda values=values, more=more, fixed=fixed: privacy.suppress(values, more, rules, fixed=fixed)
        )
        if n <= args.baseline_bis:
            base, whole = _timed(
                lambda values=values, groups=groups, fixed=fixed: privacy.suppress_whole(
                    values, groups, rules, fixed=fixed
                )
            )
            same = whole.cells == sup.cells and whole.groups_withheld == sup.groups_withheld
            ratio = f"{base / cold:9.1f}×" + ("" if same else "*")
            base_s = f"{base:12.2f}"
            if not same:
                ratio += f" (ganzes Land: {len(whole.cells)} gesperrt)"
        else:
            base_s, ratio = f"{'—':>12}", f"{'—':>10}"
        print(f"{n:>9} {n_kreise:>6} {cold:8.2f} {warm:8.3f} {len(sup.cells):>9} {base_s} {ratio}")
        sys.stdout.flush()
    print("Verhältnis = ganzes Land / zerlegt (kalt). * = andere Zellen gesperrt als das ganze Land (beide geprüft).")
    print("Ziel: 11.000 Gemeinden ≤ 10 s je Indikator-Jahr.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
