"""Planungsräume vorschlagen: max-p regionalisation (spopt) of a Kreis's Gemeinden.

Contiguous groups of Gemeinden (queen contiguity of the stored coverage) that each reach a minimum number
of inhabitants and are internally similar on chosen indicators (z-standardised protected values). The
result is a Gemeinde → Planungsraum mapping that `planungsraum.save` stores like a hand-made one; from then
on its values are aggregated and protected exactly like every other definition.

What the suggestion table shows before saving is computed only from values that are shown anyway
(protected Gemeinde values, all members shown): a region with a gesperrt member gets no value, so no
combination of the suggestion and the Gemeinde table discloses a withheld count.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialatlas import domain
from sozialatlas.errors import SozialatlasError
from sozialatlas.protection import smallarea
from sozialatlas.store import queries

if TYPE_CHECKING:
    import duckdb

MIN_EINWOHNER = 5000
SEED = 16073


class VorschlagError(SozialatlasError):
    """The suggestion cannot be computed; str() says why in German."""


@dataclass
class Vorschlag:
    kreis: str
    mapping: pd.DataFrame  # ags, planungsraum (ready for planungsraum.save)
    regionen: pd.DataFrame  # planungsraum, n_gemeinden, gemeinden, einwohner, <indicator columns>
    gemeinden: gpd.GeoDataFrame  # schluessel, name, planungsraum, einwohner, geometry
    min_einwohner: int
    indikatoren: list[dict]
    jahr: int
    hinweise: list[str] = field(default_factory=list)


def _weights(gdf: gpd.GeoDataFrame):
    from libpysal import weights as lw

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = lw.Queen.from_dataframe(gdf, use_index=False)
        if w.islands:
            # An exclave has no shared border inside the Kreis: join it to its nearest Gemeinde.
            knn = lw.KNN.from_dataframe(gdf.set_geometry(gdf.representative_point()), k=1)
            w = lw.attach_islands(w, knn)
    return w


def _region_value(sub: pd.DataFrame, ind: dict, factor: float) -> tuple[float, str]:
    """A region's value from shown member values only, or (NaN, why not)."""
    agg = ind.get("aggregation") or "keine"
    if agg not in ("summe", "quote"):
        return np.nan, "nicht zusammenfassbar (Index oder Anteil ohne Zähler/Nenner)"
    if sub["gesperrt"].any():
        return np.nan, "gesperrt (enthält eine gesperrte Gemeinde)"
    if agg == "summe":
        if sub["wert"].isna().any():
            return np.nan, "keine Daten"
        return float(sub["wert"].sum()), ""
    if agg == "quote":
        z, n = pd.to_numeric(sub["zaehler"], errors="coerce"), pd.to_numeric(sub["nenner"], errors="coerce")
        if z.isna().any() or n.isna().any() or float(n.sum()) == 0:
            return np.nan, "keine Daten"
        return float(z.sum()) / float(n.sum()) * factor, ""
    return np.nan, "nicht zusammenfassbar (Index oder Anteil ohne Zähler/Nenner)"


def suggest(
    con: duckdb.DuckDBPyConnection,
    kreis: str,
    indikatoren: list[str],
    jahr: int,
    *,
    min_einwohner: int = MIN_EINWOHNER,
    seed: int = SEED,
    max_iterations: int = 3,
) -> Vorschlag:
    """Max-p regions of the Kreis's Gemeinden; raises VorschlagError with a German sentence when impossible."""
    from spopt.region import MaxPHeuristic

    kreis = str(kreis)
    if not indikatoren:
        raise VorschlagError("Bitte mindestens einen Indikator wählen, nach dem die Gemeinden ähnlich sein sollen.")
    if isinstance(min_einwohner, bool) or not isinstance(min_einwohner, (int, np.integer)) or min_einwohner < 1:
        raise VorschlagError(f"Die Mindesteinwohnerzahl muss eine ganze Zahl ab 1 sein, nicht {min_einwohner!r}.")
    shapes = queries.shapes(con, "gemeinde", domain.GEMEINDEN_STAND)
    vals = {i: smallarea.values(con, i, int(jahr), ebene="gemeinde", kreis=kreis) for i in indikatoren}
    first = next(iter(vals.values()))
    if first.empty:
        raise VorschlagError(f"Zum Kreis {kreis} gibt es keine Gemeinden (Gebietsstand 31.12.2021).")
    keys = first["schluessel"].astype(str).tolist()
    gdf = shapes[shapes["schluessel"].astype(str).isin(keys)].copy()
    gdf = gdf.set_index(gdf["schluessel"].astype(str)).loc[keys].reset_index(drop=True)
    pop = pd.to_numeric(first.set_index("schluessel")["einwohner"], errors="coerce").reindex(keys)
    if pop.isna().any():
        missing = ", ".join(first.set_index("schluessel").loc[pop[pop.isna()].index, "name"])
        raise VorschlagError(f"Für {missing} fehlt die Einwohnerzahl; ohne sie ist keine Mindestgröße prüfbar.")
    gdf["einwohner"] = pop.to_numpy(dtype=float)
    total = float(gdf["einwohner"].sum())
    if total < min_einwohner:
        raise VorschlagError(
            f"Der Kreis hat zusammen nur {int(total):,} Einwohner, weniger als die Mindestgröße "
            f"{min_einwohner:,}; es lässt sich kein Planungsraum bilden.".replace(",", ".")
        )
    hinweise: list[str] = []
    attrs: list[str] = []
    inds = []
    for i, v in vals.items():
        ind = v.attrs.get("indikator") or queries.indicator(con, i)
        inds.append(ind)
        x = pd.to_numeric(v.set_index("schluessel")["wert"], errors="coerce").reindex(keys)
        sd = float(x.std(ddof=0)) if x.notna().sum() > 1 else 0.0
        col = f"_z_{len(attrs)}"
        z = ((x - x.mean()) / sd) if sd > 0 else x * 0.0
        n_missing = int(x.isna().sum())
        if n_missing:
            hinweise.append(
                f"„{ind['name']}“: {n_missing} Gemeinden ohne Wert (keine Daten oder Geheimhaltung) zählen für "
                "die Ähnlichkeit als durchschnittlich; gezeigt wird für sie kein Wert."
            )
        gdf[col] = z.fillna(0.0).to_numpy()
        attrs.append(col)
    w = _weights(gdf)
    if w.islands:
        hinweise.append("Einige Gemeinden haben keine Nachbarn im Kreis.")
    big = gdf.loc[gdf["einwohner"] >= min_einwohner, "name"].tolist()
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = MaxPHeuristic(
                gdf,
                w,
                attrs,
                "einwohner",
                float(min_einwohner),
                top_n=2,
                max_iterations_construction=max_iterations,
                max_iterations_sa=1,
            )
            model.solve()
    finally:
        np.random.set_state(state)
    labels = np.asarray(model.labels_)
    if len(labels) != len(gdf) or (labels <= 0).any():
        raise VorschlagError(
            f"Mit der Mindestgröße {min_einwohner:,} Einwohner ließ sich keine vollständige Gliederung finden; "
            "bitte eine kleinere Mindestgröße wählen.".replace(",", ".")
        )
    gdf["_label"] = labels
    # Stable, readable names: numbered by size, named after the largest Gemeinde.
    order = gdf.groupby("_label")["einwohner"].sum().sort_values(ascending=False).index.tolist()
    names = {}
    for n, lab in enumerate(order, start=1):
        part = gdf[gdf["_label"] == lab]
        names[lab] = f"PR {n:02d} {part.sort_values('einwohner', ascending=False)['name'].iloc[0]}"[:80]
    gdf["planungsraum"] = gdf["_label"].map(names)
    mapping = pd.DataFrame({"ags": gdf["schluessel"].astype(str), "planungsraum": gdf["planungsraum"]})
    rows = []
    by_key = {i: v.set_index("schluessel") for i, v in vals.items()}
    for pr, part in gdf.groupby("planungsraum", sort=True):
        row = {
            "planungsraum": pr,
            "n_gemeinden": len(part),
            "gemeinden": ", ".join(part["name"]),
            "einwohner": float(part["einwohner"].sum()),
        }
        for i, ind in zip(indikatoren, inds):
            sub = by_key[i].loc[part["schluessel"].astype(str)]
            factor = smallarea.factor(con, ind) if (ind.get("aggregation") == "quote") else 1.0
            row[i], row[f"{i}__hinweis"] = _region_value(sub, ind, factor)
        rows.append(row)
    regionen = pd.DataFrame(rows)
    if big:
        hinweise.append(f"{len(big)} Gemeinden erreichen die Mindestgröße allein.")
    out = gdf[["schluessel", "name", "planungsraum", "einwohner", "geometry"]].copy()
    return Vorschlag(kreis, mapping, regionen, out, int(min_einwohner), inds, int(jahr), hinweise)


def contiguous(gdf: gpd.GeoDataFrame, label: str = "planungsraum") -> dict[str, bool]:
    """Whether each region's Gemeinden form one connected piece (queen contiguity)."""
    import networkx as nx

    w = _weights(gdf.reset_index(drop=True))
    g = nx.Graph()
    g.add_nodes_from(range(len(gdf)))
    for i, nbrs in w.neighbors.items():
        g.add_edges_from((i, j) for j in nbrs)
    labels = gdf[label].tolist()
    out = {}
    for lab in set(labels):
        nodes = [i for i, x in enumerate(labels) if x == lab]
        out[lab] = nx.is_connected(g.subgraph(nodes))
    return out


def export_table(v: Vorschlag) -> pd.DataFrame:
    """The suggestion table with German headers (one row per suggested Planungsraum)."""
    df = pd.DataFrame(
        {
            "Planungsraum": v.regionen["planungsraum"],
            "Gemeinden (Anzahl)": v.regionen["n_gemeinden"],
            "Gemeinden": v.regionen["gemeinden"],
            f"Einwohner ({v.jahr})": v.regionen["einwohner"].round(0),
        }
    )
    for ind in v.indikatoren:
        df[f"{ind['name']} {v.jahr}"] = v.regionen[ind["id"]].round(4)
        df[f"{ind['name']}: Hinweis"] = v.regionen[f"{ind['id']}__hinweis"]
    return df
