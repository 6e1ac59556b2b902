"""Geheimhaltung for Kreis values: `sozialatlas.protection.privacy` applied to the 22/23 Kreise.

Official Kreis counts are never small, but imported ones can be (e.g. cases of a Jugendamt per Kreis).
Every Kreis value that leaves the library passes `protect`; which Kreise are gesperrt is decided once
per indicator and year (`decide`) for both Kreis-Gebietsstände together, because a reader can put the
two views side by side:

- **Cells** are the Kreise of the finer Gebietsstand that has values: the 23 Kreise (until 30.06.2021)
  when the year exists on them, else the 22. The 21 Kreise that are the same territory on both are one
  cell (where both Gebietsstände have a value, the smaller count decides — normally they are equal).
- **Published aggregates:** the Land total over all Kreise — always treated as published, because the
  sources publish it and a count's Land value is the sum of its Kreise — and, with 23 Kreise as cells,
  Eisenach + Wartburgkreis (old borders), which is the Wartburgkreis of the 22 Kreise (native or
  converted by `sozialatlas.areas.gebietsstand`). The pair is not fixed: withholding it means the 22-Kreise
  Wartburgkreis reads "gesperrt".
- `privacy.suppress` keeps every gesperrt count from being recomputed exactly or pinned by bounds. On
  top of that, a published aggregate must not give away the **sum** of its gesperrt small counts
  (Land − shown Kreise = "1 + 2" tells how many cases the two Kreise have together): another Kreis of
  that aggregate is gesperrt too (`_protect_sums`).

Indices and rates published without counts (aggregation `keine`) have no counts to protect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialatlas import domain
from sozialatlas.protection import privacy
from sozialatlas.store import unprotected

BIS = domain.KREISE_BIS
AB = domain.KREISE_AB
EISENACH = "16056"
WARTBURGKREIS = "16063"

LAND = "land"
PAIR = "eisenach_und_wartburgkreis"
GESPERRT = "gesperrt"  # the status of a protected row


@dataclass(frozen=True)
class Decision:
    """Which Kreise (and aggregates) of one indicator and year are gesperrt, with the German reason."""

    partition: str | None = None  # Gebietsstand whose Kreise are the cells; None: nothing to protect
    cells: Mapping = field(default_factory=dict)  # schluessel of the partition → sperrgrund
    groups: Mapping = field(default_factory=dict)  # LAND / PAIR → sperrgrund, when withheld
    rules: privacy.Rules = privacy.Rules()
    aggregation: str = "keine"

    def grund(self, stand: str, schluessel: str) -> str:
        """Why the Kreis `schluessel` of Gebietsstand `stand` is gesperrt ("" when it may be shown)."""
        if self.partition is None:
            return ""
        if schluessel not in (EISENACH, WARTBURGKREIS) or stand == self.partition:
            return self.cells.get(schluessel, "")
        if self.partition == BIS and stand == AB and schluessel == WARTBURGKREIS:
            return self.groups.get(PAIR, "")
        return ""  # 22 → 23: Eisenach and the old Wartburgkreis get no value anyway

    def land_grund(self, count=None) -> str:
        """Why the Thüringen value is gesperrt ("" when shown). `count`: the Land's own count (wert of a
        count, zaehler of a rate) — a small one is gesperrt even without Kreis values."""
        if self.groups.get(LAND):
            return self.groups[LAND]
        if (
            self.aggregation in ("summe", "quote")
            and count is not None
            and not pd.isna(count)
            and 0 < float(count) < self.rules.min_count
        ):
            return self.rules.grund_fallzahl
        return ""

    @property
    def any(self) -> bool:
        return bool(self.cells) or bool(self.groups)


def count_column(aggregation: str | None) -> str | None:
    """The column holding the count behind a value: wert for counts, zaehler for rates."""
    return {"summe": "wert", "quote": "zaehler"}.get(aggregation or "keine")


def _smaller(a, b):
    if pd.isna(a):
        return b
    if pd.isna(b):
        return a
    return min(float(a), float(b))


def decide(indikator: Mapping, native: Mapping[str, pd.DataFrame], rules: privacy.Rules | None = None) -> Decision:
    """The decision for one indicator and year.

    native: {Gebietsstand: unprotected Kreis rows of that year} for the Gebietsstände with observations
    (every Kreis of the Gebietsstand, NaN where there is none; columns schluessel, wert, zaehler, status,
    hinweis). indikator: catalogue row (needs `aggregation`).
    """
    rules = rules or privacy.rules()
    aggregation = (indikator or {}).get("aggregation") or "keine"
    col = count_column(aggregation)
    frames = {s: f for s, f in native.items() if f is not None and len(f)}
    partition = BIS if BIS in frames else (AB if AB in frames else None)
    if col is None or partition is None:
        return Decision(rules=rules, aggregation=aggregation)
    base = frames[partition]
    counts = dict(zip(base["schluessel"], pd.to_numeric(base[col], errors="coerce").astype(float)))
    if partition == BIS and AB in frames:
        other = frames[AB]
        for k, v in zip(other["schluessel"], pd.to_numeric(other[col], errors="coerce").astype(float)):
            if k in counts and k not in (EISENACH, WARTBURGKREIS):
                counts[k] = _smaller(counts[k], v)
    if all(pd.isna(v) for v in counts.values()):
        return Decision(partition=partition, rules=rules, aggregation=aggregation)
    status = base["status"] if "status" in base else pd.Series(None, index=base.index)
    hinweis = base["hinweis"] if "hinweis" in base else pd.Series(None, index=base.index)
    masked = {
        k
        for k, s, h in zip(base["schluessel"], status, hinweis)
        if s == "fehlend" and isinstance(h, str) and privacy.MARKER_QUELLE_GEHEIM in h
    }
    if not masked and not any(0 < v < rules.min_count for v in counts.values() if not pd.isna(v)):
        # no small count: nothing is secret, so nothing needs protecting (the usual case, and fast)
        return Decision(partition=partition, rules=rules, aggregation=aggregation)
    groups = {LAND: frozenset(counts)}
    if partition == BIS and {EISENACH, WARTBURGKREIS} <= set(counts):
        groups[PAIR] = frozenset({EISENACH, WARTBURGKREIS})
    table = pd.DataFrame({"schluessel": list(counts), "wert": list(counts.values())})
    prot = privacy.protect(
        table, indikator={"aggregation": "summe"}, rules=rules, groups=groups, fixed={LAND}, masked=masked
    )
    cells = dict(zip(prot.loc[prot["gesperrt"], "schluessel"], prot.loc[prot["gesperrt"], "sperrgrund"]))
    gr = prot.attrs["gruppen"]
    withheld = {g: r for g, s, r in zip(gr["gruppe"], gr["gesperrt"], gr["sperrgrund"]) if s}
    if prot.attrs.get("nicht_schuetzbar"):
        # No further Kreis can hide them (e.g. all others are 0): the Land total is not shown here either.
        withheld[LAND] = privacy.GRUND_SEKUNDAER
    secrets = {k for k, r in cells.items() if r == rules.grund_fallzahl} | masked
    _protect_sums(counts, groups, {LAND}, cells, withheld, secrets, rules)
    return Decision(partition, cells, withheld, rules, aggregation)


def _protect_sums(
    counts: dict, groups: dict, fixed: set, cells: dict, withheld: dict, secrets: set, rules: privacy.Rules
) -> None:
    """Suppress further Kreise (in place) until no published aggregate reveals the sum of its secret
    (small or source-withheld) counts. More gesperrt cells (and fewer published totals) never make
    anything computable that was not before, so the guarantees of privacy.suppress stay intact."""
    m = rules.min_count
    missing = {k for k, v in counts.items() if pd.isna(v)}

    def revealing(hidden: set) -> list:
        """Published aggregates (most local first) whose secret members' sum follows from the totals."""
        published = sorted(((len(g), str(n), n) for n, g in groups.items() if n not in withheld))
        eqs = [groups[n] & hidden for *_o, n in published]
        return [
            n
            for *_o, n in published
            if groups[n] & secrets and privacy.determined(sorted(hidden), eqs, groups[n] & secrets)
        ]

    for _ in range(len(counts) + len(groups) + 1):
        hidden = set(cells) | missing
        leaks = revealing(hidden)
        if not leaks:
            return
        name = leaks[0]
        candidates = sorted((k for k in groups[name] - hidden if counts[k] >= m), key=lambda k: (counts[k], k))
        pick = next((k for k in candidates if name not in revealing(hidden | {k})), None)
        if pick is None and (name not in fixed or not candidates):
            # a fixed total (the Land) is withheld only when no Kreis is left to hide the sum
            withheld[name] = privacy.GRUND_SEKUNDAER
            continue
        cells[candidates[0] if pick is None else pick] = privacy.GRUND_SEKUNDAER


def protect(vals: pd.DataFrame, stand: str, decision: Decision) -> pd.DataFrame:
    """The Kreis rows of Gebietsstand `stand` (native or converted) as they may be shown.

    A gesperrt row keeps its Kreis but loses its numbers: wert, zaehler and nenner NaN, status
    "gesperrt", hinweis the German reason. A row without a value stays "keine Daten".
    """
    if decision.partition is None or vals.empty:
        return vals.copy()
    grund = pd.Series([decision.grund(stand, k) for k in vals["schluessel"]], index=vals.index, dtype=object)
    return mark(vals, grund.ne(""), grund)


def mark(vals: pd.DataFrame, gesperrt: pd.Series, grund: pd.Series) -> pd.DataFrame:
    """Rows where `gesperrt` (and a value exists) lose wert/zaehler/nenner, get status "gesperrt" and
    hinweis = `grund`; rows without a value stay "keine Daten"."""
    out = vals.copy()
    has_value = pd.Series(False, index=out.index)
    for col in ("wert", "zaehler"):
        if col in out:
            has_value |= pd.to_numeric(out[col], errors="coerce").notna()
    mask = gesperrt.fillna(False).astype(bool) & has_value
    if not mask.any():
        return out
    for col in ("wert", "zaehler", "nenner"):
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
            out.loc[mask, col] = np.nan
    for col in ("status", "hinweis"):
        out[col] = out[col].astype(object) if col in out else None
    out.loc[mask, "status"] = GESPERRT
    out.loc[mask, "hinweis"] = grund[mask]
    return out


def protect_land(row: dict | None, decision: Decision) -> dict | None:
    """A Land observation (dict with wert, zaehler …) as it may be shown: gesperrt → wert NaN, status
    "gesperrt", hinweis the reason."""
    if row is None:
        return None
    col = count_column(decision.aggregation)
    grund = decision.land_grund(row.get(col) if col else None)
    if not grund:
        return row
    out = dict(row)
    for c in ("wert", "zaehler", "nenner"):
        if c in out:
            out[c] = np.nan
    out.update(status=GESPERRT, hinweis=grund)
    return out


# --- loading from the database --------------------------------------------------------------------------------


def native_rows(con, indikator: str, jahr: int) -> dict[str, pd.DataFrame]:
    """{Gebietsstand: every Kreis with its unprotected count columns} for the Gebietsstände that have
    observations of `indikator` in `jahr` (internal: only to decide, never to show)."""
    return unprotected.kreis_rows(con, indikator, int(jahr))


def decision(con, indikator: str, jahr: int, rules: privacy.Rules | None = None) -> Decision:
    """`decide` for one indicator and year, read from the database."""
    aggregation = unprotected.aggregation(con, indikator)
    rules = rules or privacy.rules()
    if count_column(aggregation) is None:
        return Decision(rules=rules, aggregation=aggregation or "keine")
    return decide({"aggregation": aggregation}, native_rows(con, indikator, jahr), rules)


def kreis_values(con, indikator: str, stand: str, jahr: int, dec: Decision | None = None) -> pd.DataFrame:
    """Every Kreis of Gebietsstand `stand` with its value, NULL ('keine Daten') or gesperrt."""
    raw = unprotected.values(con, indikator, "kreis", stand, int(jahr))
    return protect(raw, stand, dec if dec is not None else decision(con, indikator, jahr))


def land_value(con, indikator: str, jahr: int, dec: Decision | None = None) -> dict | None:
    """The Thüringen observation (wert, zaehler, stand, status, quelle, quelle_titel, hinweis) or None;
    gesperrt: wert NaN, status 'gesperrt', hinweis the reason."""
    land = unprotected.land_row(con, indikator, int(jahr))
    if land is None:
        return None
    return protect_land(land, dec if dec is not None else decision(con, indikator, jahr))


def land_series(con, indikator: str, rules: privacy.Rules | None = None) -> pd.DataFrame:
    """Every Thüringen observation of `indikator` by year (jahr, schluessel, wert, zaehler, nenner, status,
    stand, hinweis, quelle, quelle_titel, lizenz), gesperrt ones without numbers. Only years with a small
    count (Land or Kreis) need a decision; the others are shown as they are."""
    rules = rules or privacy.rules()
    aggregation = unprotected.aggregation(con, indikator) or "keine"
    land = unprotected.land_rows(con, indikator)
    col = count_column(aggregation)
    if col is None or land.empty:
        return land
    risky = unprotected.risky_kreis_years(con, indikator, col, rules.min_count, privacy.MARKER_QUELLE_GEHEIM)
    plain = Decision(rules=rules, aggregation=aggregation)
    rows = [
        protect_land(r, decision(con, indikator, int(r["jahr"]), rules) if int(r["jahr"]) in risky else plain)
        for r in land.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=land.columns)


def comparison_values(con, indikator: str, jahr: int) -> tuple[dict[str, float], float | None]:
    """({Kreis: wert}, Thüringen wert) as they may be shown beside small-area values: Kreise of the
    22-Kreise Gebietsstand (the 21 unchanged Kreise also from the 23-Kreise one, the 22-Kreise value
    winning), gesperrt and missing ones left out; Thüringen None when missing or gesperrt."""
    staende = unprotected.kreis_staende(con, indikator, int(jahr))
    dec = decision(con, indikator, int(jahr))
    kreise: dict[str, float] = {}
    for stand in (BIS, AB):
        if stand not in staende:
            continue
        vals = kreis_values(con, indikator, stand, int(jahr), dec)
        for k, w, status in zip(vals["schluessel"], vals["wert"], vals["status"]):
            if stand == BIS and k in (EISENACH, WARTBURGKREIS):
                continue  # not Kreise of the 2021 Gemeinden
            if not pd.isna(w):
                kreise[k] = float(w)
            elif status == GESPERRT:
                kreise.pop(k, None)
    land = land_value(con, indikator, int(jahr), dec)
    return kreise, (None if land is None or pd.isna(land["wert"]) else float(land["wert"]))
