"""Räumliche Statistik: neighbours, global Moran's I, LISA clusters, two-indicator comparison (pure).

Neighbours are areas sharing a border or a corner (queen contiguity, libpysal) of the stored coverage; the
statistics are esda's, with permutation inference. Areas without a value (keine Daten, gesperrt) are left
out of the computation — their neighbours' lags are taken over the remaining neighbours — and an area
left without any neighbour with a value (an "Insel") is named and not classified. Inputs come protected
(sozialatlas.protection); a withheld value never enters a statistic.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SIGNIFIKANZ = 0.05
PERMUTATIONEN = 999
SEED = 20211231
# esda quadrants 1..4 → the planners' words
QUADRANT = {1: "Hoch-Hoch", 2: "Niedrig-Hoch", 3: "Niedrig-Niedrig", 4: "Hoch-Niedrig"}
NICHT_SIGNIFIKANT = "nicht signifikant"
OHNE_WERT = "keine Daten"
INSEL = "ohne Nachbarn"
CLUSTER = ("Hoch-Hoch", "Niedrig-Niedrig", "Hoch-Niedrig", "Niedrig-Hoch", NICHT_SIGNIFIKANT, INSEL, OHNE_WERT)
# Colour-blind-safe (ColorBrewer RdBu ends + light tints, greys for the rest); red = high, blue = low.
CLUSTER_FARBE = {
    "Hoch-Hoch": "#b2182b",
    "Niedrig-Niedrig": "#2166ac",
    "Hoch-Niedrig": "#f4a582",
    "Niedrig-Hoch": "#92c5de",
    NICHT_SIGNIFIKANT: "#f7f7f7",
    INSEL: "#ffffff",
    OHNE_WERT: "#bdbdbd",
}

METHODE = [
    ("Nachbarschaft", "Gemeinsame Grenze oder gemeinsamer Grenzpunkt (Queen-Kontiguität), zeilenstandardisiert."),
    ("Globales Moran's I", "I = (n / Σw) · Σ_i Σ_j w_ij (x_i − x̄)(x_j − x̄) / Σ_i (x_i − x̄)²"),
    (
        "Lokales Moran's I (LISA)",
        "I_i = (x_i − x̄) / m₂ · Σ_j w_ij (x_j − x̄), m₂ = Σ (x_i − x̄)² / n; Quadrant aus dem eigenen Wert "
        "und dem Mittel der Nachbarn (räumlicher Lag).",
    ),
    (
        "Signifikanz",
        f"Zufallspermutationen ({PERMUTATIONEN}), bedingt für LISA; signifikant bei p < 0,05 "
        "(ohne Korrektur für multiples Testen).",
    ),
    (
        "Fehlende Werte",
        "Gebiete ohne Wert (keine Daten, gesperrt) gehen nicht ein; Gebiete ohne Nachbarn mit Wert auch nicht.",
    ),
    ("Deutung", "Die Statistik beschreibt räumliche Muster, keine Ursachen."),
]


@contextmanager
def _seeded(seed: int):
    # esda's global Moran draws from NumPy's global generator; keep results reproducible without
    # leaving a changed global state behind.
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def weights(gdf, key: str = "schluessel"):
    """Queen contiguity weights of a GeoDataFrame, ids = the area keys (as str)."""
    from libpysal import weights as lw

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lw.Queen.from_dataframe(gdf, ids=[str(k) for k in gdf[key]], use_index=False)


def subset(w, keys):
    """The weights restricted to `keys` (neighbours outside are dropped, islands may appear)."""
    from libpysal import weights as lw

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lw.w_subset(w, [str(k) for k in keys], silence_warnings=True)


@dataclass
class Autocorrelation:
    """Global and local Moran's I of one variable over the areas with a value."""

    moran_i: float
    erwartung: float
    p_wert: float
    z_wert: float
    n: int
    permutationen: int
    inseln: list[str]
    ohne_wert: list[str]
    table: pd.DataFrame  # schluessel, wert, lag, lokal_i, p_wert, quadrant, cluster
    hinweise: list[str] = field(default_factory=list)


def autocorrelation(
    y: pd.Series, w, *, permutations: int = PERMUTATIONEN, seed: int = SEED, alpha: float = SIGNIFIKANZ
) -> Autocorrelation:
    """Moran's I and LISA of `y` (index: area key matching w's ids; NaN = no value).

    Raises ValueError (German) when fewer than 3 areas with neighbours have a value or all values are equal.
    """
    import esda

    y = pd.to_numeric(y, errors="coerce").astype(float)
    y.index = y.index.astype(str)
    all_keys = [str(k) for k in w.id_order]
    y = y.reindex(all_keys)
    ohne = [k for k in all_keys if np.isnan(y[k])]
    have = [k for k in all_keys if not np.isnan(y[k])]
    ws = subset(w, have)
    inseln = sorted(str(k) for k in ws.islands)
    keys = [k for k in have if k not in set(inseln)]
    if len(keys) < 3:
        raise ValueError("Zu wenige Gebiete mit Wert und Nachbarn (mindestens drei nötig) für Moran's I.")
    ws = subset(ws, keys) if inseln else ws
    vals = y[keys].to_numpy()
    if np.nanstd(vals) == 0:
        raise ValueError("Alle Gebiete haben denselben Wert; eine räumliche Häufung ist nicht bestimmbar.")
    ws.transform = "r"
    # w_subset keeps the order of the keys it is given
    with warnings.catch_warnings(), _seeded(seed):
        warnings.simplefilter("ignore")
        gm = esda.Moran(vals, ws, permutations=permutations)
        lm = esda.Moran_Local(vals, ws, permutations=permutations, seed=seed)
    sig = lm.p_sim < alpha
    quad = [QUADRANT.get(int(q), "") for q in lm.q]
    lag = np.asarray(ws.sparse @ vals).ravel()
    rows = pd.DataFrame(
        {
            "schluessel": keys,
            "wert": vals,
            "lag": lag,
            "lokal_i": lm.Is,
            "p_wert": lm.p_sim,
            "quadrant": quad,
            "cluster": [q if s else NICHT_SIGNIFIKANT for q, s in zip(quad, sig)],
        }
    )
    extra = pd.DataFrame(
        {
            "schluessel": inseln + ohne,
            "wert": [y[k] for k in inseln] + [np.nan] * len(ohne),
            "cluster": [INSEL] * len(inseln) + [OHNE_WERT] * len(ohne),
        }
    )
    table = pd.concat([rows, extra], ignore_index=True) if len(extra) else rows
    table = table.set_index("schluessel").reindex(all_keys).reset_index()
    return Autocorrelation(
        moran_i=float(gm.I),
        erwartung=float(gm.EI),
        p_wert=float(gm.p_sim),
        z_wert=float(gm.z_sim),
        n=len(keys),
        permutationen=permutations,
        inseln=inseln,
        ohne_wert=ohne,
        table=table,
    )


def _de(x: float, nd: int = 2) -> str:
    return f"{x:.{nd}f}".replace(".", ",").replace("-", "−")


def _p(x: float) -> str:
    return "< 0,001" if x < 0.001 else "= " + _de(x, 3)


def reading(res: Autocorrelation, name: str, gebiete: str = "Gemeinden", names: dict | None = None) -> list[str]:
    """Plain-German sentences about the result (no causes, only patterns)."""
    names = names or {}
    counts = res.table["cluster"].value_counts()
    hh, ll = int(counts.get("Hoch-Hoch", 0)), int(counts.get("Niedrig-Niedrig", 0))
    hl, lh = int(counts.get("Hoch-Niedrig", 0)), int(counts.get("Niedrig-Hoch", 0))
    out = []
    if res.p_wert < SIGNIFIKANZ and res.moran_i > 0:
        out.append(
            f"{gebiete} mit hohen Werten bei „{name}“ liegen gehäuft nebeneinander, ebenso {gebiete} mit "
            f"niedrigen Werten (Moran's I = {_de(res.moran_i, 3)}, p {_p(res.p_wert)}, n = {res.n})."
        )
    elif res.p_wert < SIGNIFIKANZ and res.moran_i < 0:
        out.append(
            f"Bei „{name}“ liegen hohe und niedrige Werte häufiger nebeneinander als zufällig "
            f"(Moran's I = {_de(res.moran_i, 3)}, p {_p(res.p_wert)}, n = {res.n})."
        )
    else:
        out.append(
            f"Bei „{name}“ ist keine räumliche Häufung erkennbar, die über den Zufall hinausgeht "
            f"(Moran's I = {_de(res.moran_i, 3)}, p {_p(res.p_wert)}, n = {res.n})."
        )
    out.append(
        f"Lokal: {hh} {gebiete} in Hoch-Hoch-Häufungen (hoher Wert, Nachbarn ebenfalls hoch), {ll} in "
        f"Niedrig-Niedrig-Häufungen; {hl} Hoch-Niedrig- und {lh} Niedrig-Hoch-Ausreißer (p < 0,05)."
    )
    if res.inseln:
        listed = ", ".join(names.get(k, k) for k in res.inseln)
        out.append(f"Ohne Nachbarn mit Wert und daher nicht bewertet: {listed}.")
    if res.ohne_wert:
        out.append(f"{len(res.ohne_wert)} {gebiete} ohne Wert (keine Daten oder Geheimhaltung) gehen nicht ein.")
    out.append("Die Statistik beschreibt ein räumliches Muster, keine Ursachen.")
    return out


@dataclass
class Correlation:
    n: int
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float


def correlation(x: pd.Series, y: pd.Series) -> Correlation:
    """Pearson and Spearman over the areas where both values exist (n says how many)."""
    from scipy import stats

    both = pd.concat([pd.to_numeric(x, errors="coerce"), pd.to_numeric(y, errors="coerce")], axis=1).dropna()
    n = len(both)
    if n < 3 or both.iloc[:, 0].nunique() < 2 or both.iloc[:, 1].nunique() < 2:
        return Correlation(n, np.nan, np.nan, np.nan, np.nan)
    pr = stats.pearsonr(both.iloc[:, 0], both.iloc[:, 1])
    sr = stats.spearmanr(both.iloc[:, 0], both.iloc[:, 1])
    return Correlation(n, float(pr.statistic), float(pr.pvalue), float(sr.statistic), float(sr.pvalue))


def correlation_text(c: Correlation, name_x: str, name_y: str) -> str:
    if c.n < 3 or np.isnan(c.pearson_r):
        return f"Zu wenige Gebiete mit beiden Werten (n = {c.n}) für eine Korrelation."
    strength = abs(c.spearman_rho)
    word = "kaum" if strength < 0.1 else "schwach" if strength < 0.3 else "mittel" if strength < 0.5 else "stark"
    sign = "gleichläufig" if c.spearman_rho > 0 else "gegenläufig"
    return (
        f"„{name_x}“ und „{name_y}“ hängen {word} {sign} zusammen: Pearson r = {_de(c.pearson_r)} "
        f"(p {_p(c.pearson_p)}), Spearman ρ = {_de(c.spearman_rho)} (p {_p(c.spearman_p)}), "
        f"n = {c.n}. Ein Zusammenhang ist kein Beleg für eine Ursache."
    )


def terciles(x: pd.Series) -> pd.Series:
    """1 (niedrig), 2, 3 (hoch) by terciles of the non-missing values; NaN where missing."""
    v = pd.to_numeric(x, errors="coerce")
    ok = v.dropna()
    if ok.nunique() < 3:
        return pd.Series(np.nan, index=x.index)
    q1, q2 = np.quantile(ok, [1 / 3, 2 / 3])
    out = np.where(v <= q1, 1, np.where(v <= q2, 2, 3)).astype(float)
    return pd.Series(out, index=x.index).where(v.notna())


def export_table(res: Autocorrelation, names: pd.Series, *, indikator: str, jahr: int) -> pd.DataFrame:
    t = res.table
    return pd.DataFrame(
        {
            "Schlüssel": t["schluessel"],
            "Gebiet": names.reindex(t["schluessel"]).to_numpy(),
            "Indikator": indikator,
            "Jahr": jahr,
            "Wert": t["wert"].round(4),
            "Mittel der Nachbarn": t.get("lag", pd.Series(np.nan, index=t.index)).round(4),
            "Lokales Moran's I": t.get("lokal_i", pd.Series(np.nan, index=t.index)).round(4),
            "p-Wert": t.get("p_wert", pd.Series(np.nan, index=t.index)).round(4),
            "Cluster": t["cluster"],
        }
    )


def method_frame(res: Autocorrelation, *, indikator: str, jahr: int) -> pd.DataFrame:
    rows = list(METHODE) + [
        ("Indikator", indikator),
        ("Jahr", str(jahr)),
        ("Moran's I", _de(res.moran_i, 4)),
        ("Erwartungswert E[I]", _de(res.erwartung, 4)),
        ("p-Wert (Permutation)", _de(res.p_wert, 4)),
        ("n (Gebiete mit Wert und Nachbarn)", str(res.n)),
        ("Ohne Nachbarn", ", ".join(res.inseln) or "–"),
    ]
    return pd.DataFrame(rows, columns=["Angabe", "Inhalt"])
