"""Small-area values (Gemeinden, Gemeindeverbände, Jena's statistische Bezirke, Planungsräume), protected.

Every value that leaves this module has passed the Geheimhaltung (`sozialatlas.protection.privacy`): pages, tooltips,
downloads and exports use these functions and never the raw observations. The protection is always
decided for the whole level in Thüringen — with every Kreis, the Land, every Gemeindeverband with
published values and every Planungsraum of every saved definition as published aggregates — and only
then filtered to one Kreis. So the same cells are gesperrt whichever view or definition is looked at, and
no combination of views discloses a small count. `privacy.suppress` solves that publication per
independent block (normally one Kreis) and caches solved blocks by content, so a Planungsraum only ever
changes cells of its own Kreis, and saving one recomputes only that Kreis.

The Planungsräume come from `sozialatlas.store.planungsraeume`; a failed lookup raises (no broad except
here: dropping them would under-suppress silently).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sozialatlas import domain
from sozialatlas.protection import kreisprivacy, privacy
from sozialatlas.store import planungsraeume, unprotected

clear_cache = privacy.clear_cache  # the solved blocks of the Geheimhaltung (tests, benchmarks)

LEVELS = {"gemeinde": "2021-12-31", "gemeindeverband": "2021-12-31", "stadtbezirk": "jena-2017"}
KREIS_AB, KREIS_BIS = domain.KREISE_AB, domain.KREISE_BIS
JENA = "16053"


def _indicator(con, indikator_id: str) -> dict:
    row = unprotected.indicator_row(con, indikator_id)
    if row is None:
        raise KeyError(f"Unbekannter Indikator {indikator_id!r}.")
    return row


def factor(con, indikator: dict) -> float:
    """The factor between a rate and zaehler/nenner (1, 100, 1000 …).

    Read from the indicator's own observations (median over rows with counts, rounded to a power of ten);
    when there are none, from the catalogue formula or unit ("× 100", "Prozent", "je 1.000").
    """
    ratios = [r for r in unprotected.rate_ratios(con, indikator["id"]) if r and r > 0 and math.isfinite(r)]
    if ratios:
        return float(10 ** round(math.log10(float(np.median(ratios)))))
    text = f"{indikator.get('formel') or ''} {indikator.get('einheit') or ''}".replace(" ", "").lower()
    if "1.000" in text or "1000" in text:
        return 1000.0
    if "100" in text or "prozent" in text or "%" in text:
        return 100.0
    return 1.0


def _population(con, ebene: str, jahr: int) -> pd.DataFrame:
    """Inhabitants per region of the level from the nearest year of the 'einwohner' series."""
    if ebene not in ("gemeinde", "gemeindeverband"):
        return pd.DataFrame(columns=["schluessel", "einwohner", "einwohner_jahr"])
    years = unprotected.population_years(con)
    if not years:
        return pd.DataFrame(columns=["schluessel", "einwohner", "einwohner_jahr"])
    best = min(years, key=lambda y: (abs(y - jahr), y))
    gem = unprotected.gemeinde_population(con, best)
    if ebene == "gemeindeverband":
        gem = gem.groupby("verband", as_index=False)["einwohner"].sum().rename(columns={"verband": "schluessel"})
    gem = gem[["schluessel", "einwohner"]].copy()
    gem["einwohner_jahr"] = best
    return gem


def _raw(con, ind: dict, jahr: int, ebene: str) -> pd.DataFrame:
    """Every region of the level with its unprotected observation (internal only)."""
    if ebene not in LEVELS:
        raise ValueError(f"Unbekannte Ebene {ebene!r} (erlaubt: {', '.join(LEVELS)}).")
    df = unprotected.small_area_rows(con, ind["id"], int(jahr), ebene, LEVELS[ebene])
    pop = _population(con, ebene, int(jahr))
    df = df.merge(pop, on="schluessel", how="left") if len(pop) else df.assign(einwohner=np.nan, einwohner_jahr=np.nan)
    return df


def _count_values(raw: pd.DataFrame, ind: dict) -> pd.Series:
    col = "wert" if ind.get("aggregation") == "summe" else "zaehler"
    return pd.to_numeric(raw[col], errors="coerce")


def _groups(
    con, ind: dict, jahr: int, ebene: str, raw: pd.DataFrame, counts: pd.Series, rules: privacy.Rules
) -> tuple[dict, set]:
    """Every aggregate published anywhere over cells of this level, and which of them are fixed
    (published by the source itself, so we cannot withhold them)."""
    keys = raw["schluessel"]
    groups: dict = {}
    fixed: set = set()
    for k, part in raw.groupby("kreis"):
        groups[("kreis", k)] = frozenset(part["schluessel"])
    if ebene == "gemeinde":
        for k, part in raw.groupby("kreis_bis"):
            if frozenset(part["schluessel"]) not in groups.values():
                groups[("kreis_bis", k)] = frozenset(part["schluessel"])
        if unprotected.has_level(con, ind["id"], int(jahr), "gemeindeverband"):
            for v, part in raw.groupby("verband"):
                g = frozenset(part["schluessel"])
                if g not in groups.values():
                    groups[("verband", v)] = g
    if ebene != "stadtbezirk":
        groups[("land", "16")] = frozenset(keys)
    value = dict(zip(keys, counts))
    for name, members in groups.items():
        vals = [value[k] for k in members]
        total = sum(vals) if not any(pd.isna(v) for v in vals) else None
        # Kreis and Land totals are published by the sources; a small total would be withheld there too.
        if total is None or not (0 < total < rules.min_count):
            fixed.add(name)
    if ebene == "gemeinde":
        # No except here: a failed lookup would silently drop every Planungsraum from the secondary
        # suppression. A database without the tables is recognised explicitly by `groups`.
        groups.update(planungsraeume.groups(con))
    return groups, fixed


def _protect_level(
    con, ind: dict, jahr: int, ebene: str, rules: privacy.Rules
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(raw, protected, group status) for the whole level."""
    raw = _raw(con, ind, jahr, ebene)
    counts = _count_values(raw, ind)
    groups, fixed = _groups(con, ind, jahr, ebene, raw, counts, rules)
    by_id = ind.get("nenner") in unprotected.indicator_ids(con)
    masked = raw.loc[
        raw["status"].eq("fehlend") & raw["hinweis"].fillna("").str.contains(privacy.MARKER_QUELLE_GEHEIM), "schluessel"
    ]
    prot = privacy.protect(
        raw,
        indikator=ind,
        rules=rules,
        groups=groups,
        fixed=fixed,
        population_from_nenner=bool(by_id),
        masked=set(masked),
    )
    gr = prot.attrs["gruppen"]
    gr["mitglieder"] = [groups[g] for g in gr["gruppe"]]
    return raw, prot, gr


PUBLIC_COLUMNS = [
    "schluessel",
    "name",
    "bez",
    "kreis",
    "kreis_name",
    "flaeche_km2",
    "wert",
    "zaehler",
    "nenner",
    "einwohner",
    "einwohner_jahr",
    "status",
    "stand",
    "hinweis",
    "quelle",
    "quelle_titel",
    "lizenz",
    "beispiel",
    "gesperrt",
    "sperrgrund",
    "kreis_wert",
    "land_wert",
]


def values(
    con,
    indikator_id: str,
    jahr: int,
    *,
    ebene: str = "gemeinde",
    kreis: str | None = None,
    rules: privacy.Rules | None = None,
    planungsraum_definition: int | None = None,
) -> pd.DataFrame:
    """Every region of the level (one Kreis with `kreis`, else all of Thüringen) with protected values.

    Columns: schluessel, name, bez, kreis, kreis_name, flaeche_km2, wert, zaehler, nenner, einwohner,
    einwohner_jahr, status, stand, hinweis, quelle, quelle_titel, lizenz, beispiel, gesperrt, sperrgrund,
    kreis_wert, land_wert — and ``planungsraum`` when a definition is given. ``wert`` is NaN for
    "keine Daten" and for gesperrt rows (``sperrgrund`` says why; "" when shown). ``kreis_wert`` /
    ``land_wert``: the published value of the region's Kreis / of Thüringen for the same indicator and year
    (NaN where there is none). ``attrs``: ``regeln`` (privacy.Rules), ``nicht_schuetzbar`` (keys that
    could not be protected because only source-published totals were left — normally empty).
    """
    rules = rules or privacy.rules()
    ind = _indicator(con, indikator_id)
    raw, prot, _gr = _protect_level(con, ind, int(jahr), ebene, rules)
    kreise, land = kreisprivacy.comparison_values(con, ind["id"], int(jahr))
    names = unprotected.kreis_names(con, KREIS_AB)
    out = prot.copy()
    out["kreis_name"] = out["kreis"].map(names)
    out["kreis_wert"] = out["kreis"].map(kreise).astype(float)
    out["land_wert"] = float(land) if land is not None else np.nan
    out["einwohner"] = pd.to_numeric(out.get("einwohner"), errors="coerce")
    if kreis is not None:
        out = out[out["kreis"] == str(kreis)]
    cols = list(PUBLIC_COLUMNS)
    if planungsraum_definition is not None:
        m = planungsraeume.members(con, planungsraum_definition)
        out["planungsraum"] = out["schluessel"].map(dict(zip(m["ags"], m["planungsraum"])))
        cols.append("planungsraum")
    out = out[cols].reset_index(drop=True)
    out.attrs = {"regeln": rules, "nicht_schuetzbar": list(prot.attrs.get("nicht_schuetzbar", [])), "indikator": ind}
    return out


def planungsraum_values(
    con, definition_id: int, indikator_id: str, jahr: int, rules: privacy.Rules | None = None
) -> pd.DataFrame:
    """Protected values of the Planungsräume of one definition; see `planungsraum.aggregate`."""
    rules = rules or privacy.rules()
    ind = _indicator(con, indikator_id)
    aggregation = ind.get("aggregation") or "keine"
    if aggregation not in ("summe", "quote"):
        raise planungsraeume.NotAggregatable(
            f"„{ind['name']}“ ist ein Index oder ein veröffentlichter Anteil ohne Zähler und Nenner; "
            "für Planungsräume lässt sich daraus kein Wert berechnen (Werte der Gemeinden zu mitteln wäre "
            "falsch)."
        )
    definition = planungsraeume.definition(con, definition_id)
    raw, _prot, gr = _protect_level(con, ind, int(jahr), "gemeinde", rules)
    status = {g: (bool(s), str(r)) for g, s, r in zip(gr["gruppe"], gr["gesperrt"], gr["sperrgrund"])}
    scale = factor(con, ind) if aggregation == "quote" else 1.0
    by_key = raw.set_index("schluessel")
    mem = planungsraeume.members(con, definition_id)
    rows = []
    for pr, part in mem.groupby("planungsraum", sort=True):
        keys = [k for k in part["ags"] if k in by_key.index]
        sub = by_key.loc[keys]
        n = len(keys)
        row = {
            "planungsraum": pr,
            "n_gemeinden": n,
            "wert": np.nan,
            "zaehler": np.nan,
            "nenner": np.nan,
            "einwohner": np.nan,
            "gesperrt": False,
            "sperrgrund": "",
            "hinweis": "",
            "stand": " / ".join(sorted(set(sub["stand"].dropna()))) or None,
            "quelle": " / ".join(sorted(set(sub["quelle"].dropna()))) or None,
            "beispiel": bool(definition.get("beispiel")) or bool(sub["beispiel"].fillna(False).any()),
        }
        need = ["wert"] if aggregation == "summe" else ["zaehler", "nenner"]
        complete = sub[need].notna().all(axis=1)
        row["n_mit_wert"] = int(complete.sum())
        if sub["einwohner"].notna().all() and n:
            row["einwohner"] = float(sub["einwohner"].sum())
        if n == 0 or not complete.all():
            row["hinweis"] = (
                f"keine Daten: für {n - int(complete.sum())} von {n} Gemeinden liegt kein Wert "
                "vor; eine Summe aus den übrigen wäre zu niedrig."
            )
            rows.append(row)
            continue
        if aggregation == "summe":
            row["wert"] = float(sub["wert"].astype(float).sum())
        else:
            z, nn = float(sub["zaehler"].astype(float).sum()), float(sub["nenner"].astype(float).sum())
            row.update(zaehler=z, nenner=nn)
            if nn == 0:
                row["hinweis"] = "keine Daten: der Nenner ist 0."
                row["zaehler"] = row["nenner"] = np.nan
                rows.append(row)
                continue
            row["wert"] = z / nn * scale
            row["hinweis"] = "Aus den summierten Zählern und Nennern der Gemeinden neu berechnet (nicht gemittelt)."
        gesperrt, grund = status.get(("pr", int(definition_id), pr), (False, ""))
        if (
            not gesperrt
            and aggregation == "quote"
            and not pd.isna(row["einwohner"])
            and row["einwohner"] < rules.min_population
        ):
            gesperrt, grund = True, rules.grund_einwohner
        if gesperrt:
            row.update(gesperrt=True, sperrgrund=grund, wert=np.nan, zaehler=np.nan, nenner=np.nan)
        rows.append(row)
    cols = [
        "planungsraum",
        "n_gemeinden",
        "n_mit_wert",
        "wert",
        "zaehler",
        "nenner",
        "einwohner",
        "gesperrt",
        "sperrgrund",
        "hinweis",
        "stand",
        "quelle",
        "beispiel",
        "kreis_wert",
        "land_wert",
    ]
    kreise, land = kreisprivacy.comparison_values(con, ind["id"], int(jahr))
    for row in rows:
        row["kreis_wert"] = kreise.get(str(definition["kreis"]), np.nan)
        row["land_wert"] = land if land is not None else np.nan
    out = pd.DataFrame(rows, columns=cols)
    out.attrs = {"regeln": rules, "indikator": ind, "faktor": scale, "definition": definition}
    return out
