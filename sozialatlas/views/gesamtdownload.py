"""Gesamtdownload: the whole atlas as tables — every observation in long form, the catalogue, the sources,
the regions — exactly as the pages show it.

Every value goes through `protection.showable.values`, the same call the pages make, so a gesperrt cell is
gesperrt here too (no wert, no Zähler/Nenner, status 'gesperrt', the reason in `hinweis`). Observations on a
Gebietsstand without region rows (e.g. LoKoSR figures of the Kreis before its 2019 boundary change) cannot be
protected region by region and are left out; `Bundle.ausgelassen` says which and why, and the README in the
ZIP repeats it, so nothing disappears without a word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from sozialatlas import domain
from sozialatlas.protection import showable
from sozialatlas.store import catalogue, queries

OBSERVATION_COLUMNS = [
    "indikator",
    "ebene",
    "gebietsstand",
    "schluessel",
    "name",
    "jahr",
    "wert",
    "zaehler",
    "nenner",
    "status",
    "stand",
    "quelle",
    "lizenz",
    "hinweis",
    "beispiel",
]

# the catalogue as data/indikatoren.csv holds it, with the Lebenslage's name beside its id
CATALOGUE_COLUMNS = [*catalogue.INDIKATOREN_COLUMNS[:3], "lebenslage_name", *catalogue.INDIKATOREN_COLUMNS[3:]]


@dataclass
class Bundle:
    """The frames of a Gesamtdownload; `meta` holds the database's Stand and build fingerprint."""

    beobachtungen: pd.DataFrame
    indikatoren: pd.DataFrame
    quellen: pd.DataFrame
    gebiete: pd.DataFrame
    meta: dict = field(default_factory=dict)
    ausgelassen: list[str] = field(default_factory=list)
    n_gespeichert: int = 0
    geometrien: dict = field(default_factory=dict)  # layer name → GeoDataFrame (schluessel, name, geometry)


def _protected_rows(con, indikator: str, ebene: str, gebietsstand: str, jahr: int) -> tuple[pd.DataFrame, int]:
    """The protected rows that hold an observation, and how many observations had no region to go with."""
    keys = set(queries.observation_keys(con, indikator, ebene, gebietsstand, jahr))
    vals = showable.values(con, indikator, ebene, gebietsstand, int(jahr))
    vals = vals[vals["schluessel"].astype(str).isin(keys)].copy()
    vals["indikator"], vals["ebene"], vals["gebietsstand"], vals["jahr"] = indikator, ebene, gebietsstand, int(jahr)
    return vals.reindex(columns=OBSERVATION_COLUMNS), len(keys) - len(vals)


def build(con, indikatoren: Iterable[str] | None = None, progress: Callable[[int, int], None] | None = None) -> Bundle:
    """Collect every observation (or those of `indikatoren`) protected, plus catalogue, sources, regions."""
    periods = queries.observation_periods(con)
    if indikatoren is not None:
        periods = periods[periods["indikator"].isin(list(indikatoren))]
    parts: list[pd.DataFrame] = []
    skipped: dict[tuple[str, str], int] = {}
    total = len(periods)
    for i, p in enumerate(periods.itertuples(index=False)):
        rows, missing = _protected_rows(con, p.indikator, p.ebene, p.gebietsstand, int(p.jahr))
        if len(rows):
            parts.append(rows)
        if missing:
            skipped[(p.indikator, p.gebietsstand)] = skipped.get((p.indikator, p.gebietsstand), 0) + missing
        if progress:
            progress(i + 1, total)
    obs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=OBSERVATION_COLUMNS)
    obs["jahr"] = obs["jahr"].astype("int64")
    for col in ("wert", "zaehler", "nenner"):
        obs[col] = pd.to_numeric(obs[col], errors="coerce").astype("float64")
    obs["beispiel"] = obs["beispiel"].fillna(False).astype(bool)
    obs = obs.sort_values(["indikator", "ebene", "gebietsstand", "jahr", "schluessel"], kind="stable")
    cat = queries.indicators(con)
    if indikatoren is not None:
        cat = cat[cat["id"].isin(list(indikatoren))]
    cat = cat.reindex(columns=CATALOGUE_COLUMNS)
    cat["ebenen"] = [
        ";".join(domain.ebenen_sorted(e for e in str(x).split(";") if e)) if isinstance(x, str) else ""
        for x in cat["ebenen"]
    ]
    src_ids = sorted(set(obs["quelle"].dropna().astype(str)) | set(cat["quelle"].dropna().astype(str)))
    notes = [
        f"{n} Beobachtung(en) von „{ind}“ auf dem Gebietsstand „{stand}“: zu diesem Gebietsstand gibt es keine "
        "Gebietsgrenzen, die Werte lassen sich daher nicht wie auf den Seiten prüfen und zeigen."
        for (ind, stand), n in sorted(skipped.items())
    ]
    regions = queries.regions(con)
    layers = {
        f"{ebene}_{stand}".replace("-", "_"): queries.shapes(con, ebene, stand)
        for ebene, stand in regions[["ebene", "gebietsstand"]].drop_duplicates().itertuples(index=False)
    }
    return Bundle(
        geometrien={k: v for k, v in layers.items() if len(v) and v.geometry.notna().any()},
        beobachtungen=obs.reset_index(drop=True),
        indikatoren=cat.reset_index(drop=True),
        quellen=queries.sources(con, src_ids).reset_index(drop=True),
        gebiete=regions,
        meta=queries.meta(con),
        ausgelassen=notes,
        n_gespeichert=int(periods["n"].sum()) if len(periods) else 0,
    )
