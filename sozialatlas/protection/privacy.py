"""Geheimhaltung: small numbers are never shown, nor can they be computed back from what is shown.

The rules follow German official statistics (e.g. the Bundesagentur für Arbeit: "Zahlenwerte von 1 und 2
sowie Daten, aus denen rechnerisch auf einen solchen Zahlenwert geschlossen werden kann, werden
anonymisiert"):

- **Primary suppression of counts:** a count ``n`` with ``0 < n < min_count`` is suppressed. A count of
  **0 is shown**: it discloses nothing about a person, and hiding zeros would make every empty Gemeinde look
  like a risk. Consequently a reader knows that a cell marked "Fallzahl unter 3" holds a value in
  ``[1, min_count - 1]``; the interval audit below takes that knowledge into account.
- **Rates** (aggregation ``quote``) are not shown for areas with fewer than ``min_population`` inhabitants,
  and the count behind a rate (``zaehler``) follows the count rule — a rate whose numerator is suppressed
  is suppressed too (rate × published denominator would give the count back). The population rule keeps
  unstable rates of tiny areas off maps and tables; it is not a secrecy rule (numerator and denominator
  of such a rate are counts of at least ``min_count`` and may be published as indicators of their own),
  so it needs no secondary suppression.
- **Secondary suppression:** every published aggregate (a Kreis or Land total, a Planungsraum total, …)
  is a linear equation over the cells. Cells are suppressed additionally until no suppressed count is
  determined by those equations — neither exactly (linear algebra: the cell's unit vector must not lie in
  the row space of the published equations restricted to the unknown cells) nor by the bounds a reader
  knows (a primary cell lies in ``[1, min_count-1]``, a secondary one is at least ``min_count``, see
  `audit_intervals`). An aggregate whose own total is below ``min_count`` is withheld like a cell.

Secondary cells are always chosen among cells with a value of at least ``min_count`` (never a 0): then a
reader's knowledge about a secondary cell is the convex bound ``x >= min_count``, and the interval audit
is an exact linear programme instead of a guess. Cells without data ("keine Daten") are unknown to
everybody; if the source withheld them for secrecy (``masked``), they are protected like suppressed cells
against exact recomputation.
"""

from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sozialatlas.errors import SozialatlasError

ENV_MIN_COUNT = "SOZIALATLAS_MIN_FALLZAHL"
ENV_MIN_POPULATION = "SOZIALATLAS_MIN_EINWOHNER"


class RulesError(SozialatlasError):
    """A Geheimhaltung setting is not usable; str() says which and why, in German."""


@dataclass(frozen=True)
class Rules:
    """Thresholds of the Geheimhaltung. ``min_count``: smallest count shown (besides 0);
    ``min_population``: smallest number of inhabitants for which a rate is shown."""

    min_count: int = 3
    min_population: int = 300

    def __post_init__(self):
        # Below 3 a suppressed count would be known anyway ("unter 2" can only be 1).
        for value, label, low in (
            (self.min_count, "Mindestfallzahl", 3),
            (self.min_population, "Mindesteinwohnerzahl", 1),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise RulesError(f"Die {label} muss eine ganze Zahl ab {low} sein, nicht {value!r}.")

    @property
    def grund_fallzahl(self) -> str:
        return f"Fallzahl unter {self.min_count} (Geheimhaltung)"

    @property
    def grund_einwohner(self) -> str:
        return f"Quote nicht ausgewiesen: weniger als {self.min_population} Einwohner"

    @property
    def grund_nenner(self) -> str:
        return f"Quote nicht ausgewiesen: Bezugsgröße unter {self.min_population} (Einwohnerzahl unbekannt)"

    def beschreibung(self) -> str:
        """One German sentence for the page footer / export metadata."""
        return (
            f"Geheimhaltung: Fallzahlen von 1 bis {self.min_count - 1} und alle Werte, aus denen sie "
            f"sich zurückrechnen ließen, sind gesperrt; Quoten werden für Gebiete mit weniger als "
            f"{self.min_population} Einwohnern nicht ausgewiesen. Der Wert 0 wird gezeigt."
        )


GRUND_SEKUNDAER = "sekundär gesperrt: sonst aus der Summe/Differenz rückrechenbar"
# A source that withheld a small number itself says so in the observation's hinweis with this word.
MARKER_QUELLE_GEHEIM = "Geheimhaltung"


def _env_int(name: str, default: int, label: str) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise RulesError(
            f"Umgebungsvariable {name}: „{raw}“ ist keine ganze Zahl ({label}, z. B. {default})."
        ) from None
    return value


def rules() -> Rules:
    """The rules in force: defaults (3 / 300), overridable by SOZIALATLAS_MIN_FALLZAHL and
    SOZIALATLAS_MIN_EINWOHNER. Raises RulesError (German) for unusable values."""
    count = _env_int(ENV_MIN_COUNT, 3, "Mindestfallzahl")
    population = _env_int(ENV_MIN_POPULATION, 300, "Mindesteinwohnerzahl")
    try:
        return Rules(count, population)
    except RulesError as exc:
        env = ENV_MIN_COUNT if "fallzahl" in str(exc).lower() else ENV_MIN_POPULATION
        raise RulesError(f"Umgebungsvariable {env}: {exc}") from None


# ---------------------------------------------------------------------------------------------------
# Audits: what a reader can compute from a publication
# ---------------------------------------------------------------------------------------------------


@dataclass
class Suppression:
    """Result of `suppress`: which cells and which aggregates are withheld, and why."""

    primary: set = field(default_factory=set)  # cells with 0 < n < min_count
    secondary: set = field(default_factory=set)  # cells withheld so that primary ones stay secret
    groups_withheld: dict = field(default_factory=dict)  # group name -> German reason
    unprotectable: list = field(default_factory=list)  # secrets only source-published totals disclose

    @property
    def cells(self) -> set:
        return self.primary | self.secondary


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and math.isnan(v))


def _norm_groups(groups) -> dict:
    """Groups as {name: frozenset(keys)}; a list gets the names 0, 1, …"""
    if groups is None:
        return {}
    if isinstance(groups, Mapping):
        return {name: frozenset(m) for name, m in groups.items()}
    return {i: frozenset(m) for i, m in enumerate(groups)}


def _matrix(unknowns: list, equations: Iterable[Collection]) -> np.ndarray:
    index = {k: i for i, k in enumerate(unknowns)}
    rows = [r for r in ({index[k] for k in eq if k in index} for eq in equations) if r]
    a = np.zeros((len(rows), len(unknowns)))
    for i, r in enumerate(rows):
        a[i, sorted(r)] = 1.0
    return a


def _rank(a: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(a)) if a.size else 0


def recoverable(unknowns: list, equations: Iterable[Collection]) -> list:
    """The unknowns whose value follows exactly from equations ``sum(members) = known number``.

    `equations`: for every published aggregate the set of its members the reader does not know. An
    unknown is determined iff its unit vector lies in the row space of the 0/1 equation matrix, i.e. iff
    it is orthogonal to the matrix's null space. One SVD answers it for all unknowns at once (0/1
    matrices of a few hundred columns are well conditioned; the tests cross-check with exact fractions).
    """
    unknowns = list(unknowns)
    if not unknowns:
        return []
    a = _matrix(unknowns, equations)
    if a.shape[0] == 0:
        return []
    _u, s, vt = np.linalg.svd(a, full_matrices=True)
    rank = int((s > 1e-9 * max(1.0, float(s.max()))).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return list(unknowns)
    norms = np.linalg.norm(null, axis=0)
    return [k for k, nrm in zip(unknowns, norms) if nrm < 1e-7]


def determined(unknowns: list, equations: Iterable[Collection], target: Collection) -> bool:
    """True if ``sum(target)`` (a subset of the unknowns) follows from the equations (row-space test)."""
    target = set(target) & set(unknowns)
    if not target:
        return True
    a = _matrix(unknowns, equations)
    if a.shape[0] == 0:
        return False
    t = _matrix(unknowns, [target])
    return _rank(a) == _rank(np.vstack([a, t]))


def audit(cells: Mapping, groups, published: Collection) -> list:
    """Unpublished cells whose exact value can be computed from what is published (sorted).

    cells: {key: value} of every cell behind the publication. groups: every published aggregate as its
    member keys (list or {name: members}); its total is public. published: the keys whose value is shown;
    all other cells are unknown to the reader. Empty result = no cell can be recomputed.
    """
    shown = set(published)
    unknowns = sorted((k for k in cells if k not in shown), key=str)
    eqs = [set(m) - shown for m in _norm_groups(groups).values()]
    return sorted(recoverable(unknowns, eqs), key=str)


def audit_aggregates(cells: Mapping, groups, published: Collection, withheld) -> list:
    """Names of withheld aggregates ({name: members}) whose total still follows from the publication."""
    shown = set(published)
    unknowns = sorted((k for k in cells if k not in shown), key=str)
    eqs = [set(m) - shown for m in _norm_groups(groups).values()]
    return sorted((n for n, m in _norm_groups(withheld).items() if determined(unknowns, eqs, set(m) - shown)), key=str)


def _bounds(cells: Mapping, unknowns: list, primary: set, masked: set, m: int) -> list:
    """What a reader knows about each unknown: primary cells are 1..m-1 (the reason says so), masked source
    cells 0..m-1, cells without data >= 0, every other suppressed cell >= m (secondary cells are only
    ever chosen among values >= m)."""
    out: list[tuple[int, int | None]] = []
    for k in unknowns:
        if k in primary:
            out.append((1, m - 1))
        elif k in masked:
            out.append((0, m - 1))
        elif _missing(cells[k]):
            out.append((0, None))
        else:
            out.append((m, None))
    return out


def audit_intervals(
    cells: Mapping,
    groups,
    published: Collection,
    primary: Collection,
    rules: Rules = Rules(),
    masked: Collection = (),
    check: Collection | None = None,
) -> list:
    """Secret cells that the published totals pin to a single value once a reader's bounds are used.

    For every primary (and masked) cell the smallest and largest value consistent with all published
    totals and the bounds of `_bounds` are found by linear programming (scipy HiGHS). Counts are whole
    numbers, so a range narrower than 1 discloses the value. Returns those keys (sorted).

    check: only these secret cells are examined (default: all). The bounds always come from every primary
    and masked cell — judging one cell with the others' bounds wrong (a primary 2 taken as ">= 3") makes
    the programme infeasible and hides a real disclosure, which made the greedy suppress cell after cell.
    """
    from scipy.optimize import linprog

    shown = set(published)
    secret = (set(primary) | set(masked)) - shown
    if check is not None:
        secret &= set(check)
    unknowns = sorted((k for k in cells if k not in shown), key=str)
    if not secret or not unknowns:
        return []
    index = {k: i for i, k in enumerate(unknowns)}
    a_eq, b_eq = [], []
    for members in _norm_groups(groups).values():
        inside = [k for k in members if k in index]
        if not inside:
            continue
        row = np.zeros(len(unknowns))
        row[[index[k] for k in inside]] = 1.0
        a_eq.append(row)
        b_eq.append(sum(float(cells[k]) for k in inside if not _missing(cells[k])))
    if not a_eq:
        return []
    # Cells without data have no true value; the equations only hold if their part is known to be 0 —
    # such cells make a total unknown, so drop equations that contain them.
    keep = [
        i for i, members in enumerate(a_eq) if not any(_missing(cells[unknowns[j]]) for j in np.flatnonzero(members))
    ]
    if not keep:
        return []
    a_mat, b_vec = np.array(a_eq)[keep], np.array(b_eq)[keep]
    bounds = _bounds(cells, unknowns, set(primary), set(masked), rules.min_count)
    out = []
    in_equation = np.asarray(a_mat.any(axis=0), dtype=bool)
    signature: dict = {}
    for j, _k in enumerate(unknowns):
        signature.setdefault(a_mat[:, j].tobytes(), []).append(j)
    for k in sorted(secret, key=str):
        i = index[k]
        if not in_equation[i]:
            continue  # only its own bounds constrain it, and they span at least two values
        if _has_twin(i, signature[a_mat[:, i].tobytes()], unknowns, cells, bounds):
            continue
        c = np.zeros(len(unknowns))
        c[index[k]] = 1.0
        lo = linprog(c, A_eq=a_mat, b_eq=b_vec, bounds=bounds, method="highs")
        hi = linprog(-c, A_eq=a_mat, b_eq=b_vec, bounds=bounds, method="highs")
        if lo.status == 0 and hi.status == 0 and (-hi.fun) - lo.fun < 1 - 1e-9:
            out.append(k)
    return out


def _has_twin(i: int, same: list, unknowns: list, cells: Mapping, bounds: list) -> bool:
    """Cheap proof that unknown i is not pinned: another unknown in exactly the same equations can take
    one unit from it or give it one (the sums stay), within both bounds. Saves most linear programmes."""

    def room(j):
        v = cells[unknowns[j]]
        if _missing(v):
            return None
        lo, hi = bounds[j]
        return float(v) - lo, (math.inf if hi is None else hi - float(v))

    own = room(i)
    if own is None:
        return False
    down_i, up_i = own
    for j in same:
        if j == i:
            continue
        other = room(j)
        if other is None:
            continue
        down_j, up_j = other
        if min(up_i, down_j) >= 1 or min(down_i, up_j) >= 1:
            return True
    return False


# ---------------------------------------------------------------------------------------------------
# Suppression
# ---------------------------------------------------------------------------------------------------


def _total(values: Mapping, members) -> float | None:
    # Any: a count, NaN or None; _missing() rules out the last two before float() sees them
    vals: list[Any] = [values.get(k) for k in members]
    return None if any(_missing(v) for v in vals) else float(sum(float(v) for v in vals))


def suppress(
    values: Mapping, groups=None, rules: Rules = Rules(), fixed: Collection = (), masked: Collection = ()
) -> Suppression:
    """Decide which cells and aggregates to withhold so that no small count can be seen or computed back.

    values: {key: count or NaN}; NaN cells ("keine Daten") are unknown to everybody.
    groups: every aggregate that is or may be published, {name: member keys} or a list.
    fixed: names of groups whose total the source itself publishes (Kreis, Land): they cannot be withheld
        — unless all their non-zero members are small, then nothing about them may be published.
        Other groups (Planungsräume) are withheld when their total is small, when a member has no data, or
        when withholding is the only way left to protect a cell.
    masked: keys without data that the source withheld for secrecy (value 0..min_count-1): they must not
        become computable either.

    **Decomposed** (cost grows linearly with the number of Kreise): see `_blocks`. A published fixed total
    that is the sum of other published fixed totals (the Land over its Kreise) adds no equation a reader
    could not already form, so it is reduced to its remainder (empty when every Kreis total is published);
    the cells then fall apart into independent blocks (normally one Kreis with its Verbände and
    Planungsräume), and every audit — exact (rank) and interval (linear programmes) — of the whole
    publication is the union of the audits of the blocks. So a Planungsraum can only ever cause
    suppression inside its own Kreis, and each block is solved on its own.

    **How secondary cells are chosen** (in each block, greedy and deterministic): while a secret is disclosed
    (see `_State.first_leak`), suppress, in the most local published aggregate containing it, the member
    with the **smallest value** (>= min_count, never a 0, never a cell whose value is published anyway, e.g.
    a kreisfreie Stadt that equals its Kreis) whose suppression ends that disclosure; failing that, withhold
    a Planungsraum whose total discloses it (e.g. Kreis minus a disjoint Planungsraum), else suppress the
    smallest partner anyway and look again. One cell at a time, smallest first, keeps the suppressed total
    small; it is not a global optimum (that would be an integer programme per block).
    """
    groups = _norm_groups(groups)
    res, fixed_left, small_groups, missing, masked_cells = _prepare(values, groups, rules, fixed, masked)
    for keys, block_groups, public in _blocks(values, groups, fixed_left, res, small_groups, masked_cells):
        block = (
            {k: values[k] for k in keys},
            block_groups,
            Suppression(
                primary=res.primary & keys,
                groups_withheld={n: r for n, r in res.groups_withheld.items() if n in block_groups},
            ),
            missing & keys,
            masked_cells & keys,
            small_groups & set(block_groups),
            rules,
            fixed_left & set(block_groups),
            public,
        )
        part = _solve_block(*block)
        res.secondary |= part.secondary
        res.groups_withheld.update(part.groups_withheld)
        res.unprotectable.extend(k for k in part.unprotectable if k not in res.unprotectable)
    return res


# Solved blocks by content: a saved Planungsraum, an import or another indicator only recomputes the blocks
# whose cells, totals or rules changed (normally one Kreis). Keyed by everything the greedy reads, so a
# hit is the same answer by construction and nothing needs invalidating; bounded (LRU).
BLOCK_CACHE_SIZE = 8192  # ≈ 1 KB per entry: a few MB per process
_block_cache: OrderedDict = OrderedDict()
_block_lock = threading.Lock()


def clear_cache() -> None:
    with _block_lock:
        _block_cache.clear()


def _key_value(v):
    return None if _missing(v) else float(v)


def _solve_block(values, groups, part, missing, masked, small_groups, rules, fixed, public) -> Suppression:
    key = (
        tuple(sorted(((str(k), k, _key_value(v)) for k, v in values.items()), key=lambda t: t[0])),
        tuple(sorted(((str(n), n, tuple(sorted(map(str, g)))) for n, g in groups.items()), key=lambda t: t[0])),
        tuple(sorted(map(str, part.groups_withheld.items()))),
        tuple(sorted(map(str, masked))),
        tuple(sorted(map(str, small_groups))),
        tuple(sorted(map(str, fixed))),
        tuple(sorted(map(str, public))),
        rules,
    )
    with _block_lock:
        hit = _block_cache.get(key)
        if hit is not None:
            _block_cache.move_to_end(key)
    if hit is not None:
        secondary, withheld, unprotectable = hit
        return Suppression(part.primary, set(secondary), dict(withheld), list(unprotectable))
    with _one_blas_thread():
        _greedy(values, groups, part, missing, masked, small_groups, rules, fixed, public)
    with _block_lock:
        _block_cache[key] = (frozenset(part.secondary), dict(part.groups_withheld), tuple(part.unprotectable))
        while len(_block_cache) > BLOCK_CACHE_SIZE:
            _block_cache.popitem(last=False)
    return part


def suppress_whole(
    values: Mapping, groups=None, rules: Rules = Rules(), fixed: Collection = (), masked: Collection = ()
) -> Suppression:
    """The same greedy over the whole Land at once (the algorithm before the decomposition).

    Kept as the baseline of benchmarks/geheimhaltung.py and for the test that the decomposition gives the
    same cells on the real data; its cost grows ≈ n^2.5 with the number of Gemeinden.
    """
    groups = _norm_groups(groups)
    res, fixed_left, small_groups, missing, masked_cells = _prepare(values, groups, rules, fixed, masked)
    with _one_blas_thread():
        _greedy(values, groups, res, missing, masked_cells, small_groups, rules, fixed_left, frozenset())
    return res


def _one_blas_thread():
    """Pin BLAS to one thread around the SVDs: the matrices are small, and under CPU load OpenBLAS threads
    made the same SVDs ≈ 100× slower (issue "Tempo und Last")."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is pinned in requirements.txt
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _prepare(
    values: Mapping, groups: dict, rules: Rules, fixed: Collection, masked: Collection
) -> tuple[Suppression, set, set, set, set]:
    """Primary cells and the aggregates withheld before any secondary step (small, incomplete, only small
    members). Returns (result so far, fixed groups left, small withheld groups, missing keys, masked keys)."""
    m = rules.min_count
    res = Suppression()
    res.primary = {k for k, v in values.items() if not _missing(v) and 0 < float(v) < m}
    missing = {k for k, v in values.items() if _missing(v)}
    masked_cells = set(masked) & missing
    fixed_left = set(fixed)
    for name, members in groups.items():
        total = _total(values, members)
        only_small = all(
            k in res.primary or (not _missing(values[k]) and float(values[k]) == 0) for k in members if k in values
        )
        if name in fixed_left and not only_small:
            continue
        if total is None:
            if name not in fixed_left:
                res.groups_withheld[name] = "keine Daten: nicht für alle Gemeinden liegt ein Wert vor"
        elif 0 < total < m:
            res.groups_withheld[name] = rules.grund_fallzahl
        elif only_small and total > 0:
            res.groups_withheld[name] = GRUND_SEKUNDAER
    fixed_left -= set(res.groups_withheld)
    small_groups = {n for n in res.groups_withheld if _total(values, groups[n]) not in (None, 0.0)}
    return res, fixed_left, small_groups, missing, masked_cells


def _blocks(values: Mapping, groups: dict, fixed: set, res: Suppression, small_groups: set, masked: set):
    """Independent parts of the publication: [(keys, {name: members}, public keys)] that need a greedy run.

    1. A fixed published total (fixed groups are never withheld after `_prepare`) that contains disjoint
       fixed published totals is replaced by its remainder: its equation minus theirs. Same row space, same
       feasible set for the interval programmes, so every audit answers the same. An empty remainder (the
       Land when all Kreis totals are published) is dropped.
    2. Cells linked by any group (published or withheld) form one block (union-find).
    3. Blocks without a secret (no primary or masked cell, no small withheld aggregate) cannot leak and are
       skipped. `public`: cells whose value follows from the fixed totals alone (a kreisfreie Stadt equals
       its Kreis) — suppressing them would hide nothing, so they are never chosen as secondary cells.
    """
    published_fixed = {n: g for n, g in groups.items() if n in fixed and n not in res.groups_withheld}
    reduced: dict = {}
    for name, members in groups.items():
        if name not in published_fixed:
            reduced[name] = members
            continue
        rest = set(members)
        parts = sorted(
            (g for n, g in published_fixed.items() if n != name and g < members), key=lambda g: (-len(g), sorted(g))
        )
        for g in parts:
            if g <= rest:
                rest -= g
        if rest:
            reduced[name] = frozenset(rest)
    parent = {k: k for k in values}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for members in reduced.values():
        inside = [k for k in members if k in parent]
        for k in inside[1:]:
            a, b = find(inside[0]), find(k)
            if a != b:
                parent[max(a, b, key=str)] = min(a, b, key=str)
    blocks: dict = {}
    for k in values:
        blocks.setdefault(find(k), set()).add(k)
    by_key = {k: r for r, ks in blocks.items() for k in ks}
    block_groups: dict = {r: {} for r in blocks}
    for name, members in reduced.items():
        inside = [k for k in members if k in by_key]
        if inside:
            block_groups[by_key[inside[0]]][name] = members
    secrets = res.primary | masked
    out = []
    for r in sorted(blocks, key=str):
        keys, bg = blocks[r], block_groups[r]
        if not (keys & secrets) and not (small_groups & set(bg)):
            continue
        fixed_eqs = [g for n, g in bg.items() if n in published_fixed]
        public = set(recoverable(sorted(keys, key=str), fixed_eqs)) if fixed_eqs else set()
        out.append((keys, bg, frozenset(public)))
    return out


def _greedy(values, groups, res, missing, masked, small_groups, rules, fixed, public) -> None:
    """The secondary step of `suppress` on one block (or the whole Land), updating `res` in place."""
    m = rules.min_count
    candidates = {k for k, v in values.items() if not _missing(v) and float(v) >= m and k not in public}
    state = _State(values, groups, res, missing, masked, small_groups, rules)
    for _ in range(10 * (len(values) + len(groups)) + 10):
        leak = state.first_leak()
        if leak is None:
            return
        kind, target = leak
        pub = state.published()
        hidden = state.hidden()
        # The most local aggregates first (a Planungsraum before its Kreis before the Land): a partner
        # suppressed there breaks the difference that disclosed the target; one far away would not.
        order = sorted(((0 if g & target else 1, len(g), str(n), n) for n, g in pub.items()))
        cells = list(
            dict.fromkeys(
                k
                for *_o, n in order
                for k in sorted(pub[n] - hidden, key=lambda k: (float(values[k]), str(k)))
                if k in candidates
            )
        )
        pick = next((k for k in cells[:MAX_TRIES] if not state.leaks(kind, target, extra={k})), None)
        if pick is None:
            # A total that discloses without containing the secret (Kreis minus a disjoint Planungsraum).
            pick_group = next(
                (n for *_o, n in order[:MAX_TRIES] if n not in fixed and not state.leaks(kind, target, withhold={n})),
                None,
            )
            if pick_group is not None:
                res.groups_withheld[pick_group] = GRUND_SEKUNDAER
                continue
            pick = next(
                (k for k in cells if any(k in pub[n] for *_o, n in order if pub[n] & target)),
                cells[0] if cells else None,
            )
        if pick is not None:
            res.secondary.add(pick)
            continue
        withholdable = [n for *_o, n in order if n not in fixed]
        if withholdable:
            res.groups_withheld[withholdable[0]] = GRUND_SEKUNDAER
            continue
        # Only totals the source publishes itself are left: nothing we withhold protects these cells.
        res.unprotectable.extend(sorted(target - set(res.unprotectable), key=str))
    raise RuntimeError("Geheimhaltung: keine stabile Sperrung gefunden")  # pragma: no cover


MAX_TRIES = 12  # candidate cells / groups tested per step before falling back to the most local one


class _State:
    """The current publication of `suppress` and the audits run against it."""

    def __init__(self, values, groups, res, missing, masked, small_groups, rules):
        self.values, self.groups, self.res = values, groups, res
        self.missing, self.masked, self.small_groups, self.rules = missing, masked, small_groups, rules

    def published(self, withhold=frozenset()) -> dict:
        return {n: g for n, g in self.groups.items() if n not in self.res.groups_withheld and n not in withhold}

    def hidden(self) -> set:
        return self.res.cells | self.missing

    def _system(self, extra=frozenset(), withhold=frozenset()):
        hidden = self.hidden() | set(extra)
        unknowns = sorted(hidden, key=str)
        eqs = [g & hidden for g in self.published(withhold).values()]
        return hidden, unknowns, eqs

    def secrets(self) -> set:
        return (self.res.cells | self.masked) - set(self.res.unprotectable)

    def first_leak(self):
        """The first disclosure as (kind, keys): "exakt" (a suppressed or masked cell follows from the
        totals), "summe" (a withheld small aggregate follows), "intervall" (a primary or masked cell is
        pinned by the totals and the bounds a reader knows); None when the publication is safe."""
        hidden, unknowns, eqs = self._system()
        exact = set(recoverable(unknowns, eqs)) & self.secrets()
        if exact:
            return "exakt", {min(exact, key=lambda k: (_sort_value(self.values[k]), str(k)))}
        done = set(self.res.unprotectable)
        for n in sorted(self.small_groups & set(self.res.groups_withheld), key=str):
            inside = set(self.groups[n]) & hidden
            if inside and not inside <= done and determined(unknowns, eqs, inside):
                return "summe", inside - done
        pinned = set(self._intervals(hidden, self.res.primary | self.masked)) - done
        if pinned:
            return "intervall", {min(pinned, key=str)}
        return None

    def _intervals(self, hidden: set, secret: set) -> list:
        shown = set(self.values) - hidden
        return audit_intervals(
            self.values, self.published(), shown, self.res.primary, self.rules, masked=self.masked, check=secret
        )

    def leaks(self, kind: str, target: set, extra=frozenset(), withhold=frozenset()) -> bool:
        """Would the disclosure of `target` remain with `extra` cells hidden / `withhold` groups withheld?"""
        hidden, unknowns, eqs = self._system(extra, withhold)
        if kind == "exakt":
            return bool(set(recoverable(unknowns, eqs)) & target)
        if kind == "summe":
            return determined(unknowns, eqs, target & hidden)
        shown = set(self.values) - hidden
        return bool(
            audit_intervals(
                self.values,
                self.published(withhold),
                shown,
                self.res.primary,
                self.rules,
                masked=self.masked,
                check=target,
            )
        )


def _sort_value(v) -> float:
    return -1.0 if _missing(v) else float(v)


# ---------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------


def _population_basis(table: pd.DataFrame) -> pd.Series:
    if "einwohner" in table:
        return pd.to_numeric(table["einwohner"], errors="coerce")
    return pd.Series(np.nan, index=table.index)


def protect(
    table: pd.DataFrame,
    *,
    indikator: dict,
    rules: Rules | None = None,
    groups=None,
    fixed: Collection = (),
    population_from_nenner: bool = False,
    masked: Collection = (),
) -> pd.DataFrame:
    """The table with small numbers withheld; nothing else may be shown.

    table: one row per area with ``schluessel``, ``wert``, optionally ``zaehler``, ``nenner`` and
        ``einwohner`` (inhabitants of the area, for the rate rule).
    indikator: catalogue row (needs ``aggregation``: summe / quote / keine).
    groups: every published aggregate as member keys ({name: keys} or a list), e.g. each Kreis's Gemeinden,
        each Planungsraum, the Land. fixed: names of groups published elsewhere (cannot be withheld).
    population_from_nenner: for rates, judge areas without ``einwohner`` by their denominator (when the
        denominator is itself a population or household count).
    masked: keys without a value because the source withheld a small number (see `suppress`).

    Returns the rows (same order) plus ``gesperrt`` (bool) and ``sperrgrund`` (German, "" when shown);
    ``wert``/``zaehler``/``nenner`` are NaN where gesperrt. ``attrs["gruppen"]`` is a DataFrame
    (gruppe, gesperrt, sperrgrund) telling which aggregates may be published; ``attrs["regeln"]`` the rules.
    """
    rules = rules or Rules()
    out = table.copy()
    aggregation = (indikator or {}).get("aggregation") or "keine"
    keys = out["schluessel"].tolist()
    if aggregation == "summe":
        counts = pd.to_numeric(out["wert"], errors="coerce")
    else:
        counts = (
            pd.to_numeric(out["zaehler"], errors="coerce") if "zaehler" in out else pd.Series(np.nan, index=out.index)
        )
    values = dict(zip(keys, counts.tolist()))
    groups = _norm_groups(groups)
    has_counts = aggregation == "summe" or counts.notna().any()
    sup = suppress(values, groups, rules, fixed=fixed, masked=masked) if has_counts else Suppression()
    grund = pd.Series("", index=out.index, dtype=object)
    if aggregation in ("quote", "keine"):
        pop = _population_basis(out)
        small = (pop < rules.min_population).fillna(False).to_numpy()
        grund[small] = rules.grund_einwohner
        if population_from_nenner and "nenner" in out:
            nenner = pd.to_numeric(out["nenner"], errors="coerce")
            by_nenner = (pop.isna() & (nenner < rules.min_population)).fillna(False).to_numpy()
            grund[by_nenner] = rules.grund_nenner
    key_series = pd.Series(keys, index=out.index)
    grund[key_series.isin(sup.secondary).to_numpy()] = GRUND_SEKUNDAER
    grund[key_series.isin(sup.primary).to_numpy()] = rules.grund_fallzahl
    out["gesperrt"] = grund.ne("")
    out["sperrgrund"] = grund
    for col in ("wert", "zaehler", "nenner"):
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
            out.loc[out["gesperrt"], col] = np.nan
    gr = pd.DataFrame(
        {
            "gruppe": list(groups),
            "gesperrt": [n in sup.groups_withheld for n in groups],
            "sperrgrund": [sup.groups_withheld.get(n, "") for n in groups],
        }
    )
    out.attrs["gruppen"] = gr
    out.attrs["regeln"] = rules
    out.attrs["nicht_schuetzbar"] = list(sup.unprotectable)
    return out
