"""Sozialindex: status and dynamics of several indicators in one number per area (pure, no data access).

The method follows Berlin's Monitoring Soziale Stadtentwicklung and Hamburg's RISE Sozialmonitoring:

    z_ij = s_j · (x_ij − μ_j) / σ_j          s_j = +1 if a higher value is worse, −1 if it is better
    S_i  = Σ_j w_j · z_ij / Σ_j w_j           weighted mean of the polarity-aligned z-scores
    I_i  = (S_i − mean(S)) / sd(S)            the index, standardised again over the reference areas

μ_j, σ_j (population standard deviation) and mean/sd of S are taken over the reference areas (the areas
shown, or all of Thüringen). A positive index means "more disadvantaged than the average area". Classes
are SD bands: Status hoch (I < −1), mittel (−1 ≤ I ≤ 1), niedrig (1 < I ≤ 1,5), sehr niedrig (I > 1,5);
Dynamik positiv (I < −1), stabil, negativ (I > 1) on the change x(t1) − x(t0).

An area with a missing or gesperrt input is „unvollständig“: it gets no index at all — averaging over
fewer inputs would silently change the definition for exactly the areas with the smallest numbers.
Inputs come already protected (sozialatlas.protection); this module never sees a withheld value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialatlas.errors import SozialatlasError

UNVOLLSTAENDIG = "unvollständig"
STATUS_KLASSEN = ("hoch", "mittel", "niedrig", "sehr niedrig")
DYNAMIK_KLASSEN = ("positiv", "stabil", "negativ")
SIGN = {"hoeher_schlechter": 1.0, "hoeher_besser": -1.0}
REFERENZ = {"gezeigt": "die gezeigten Gebiete", "thueringen": "alle Gebiete in Thüringen"}

METHODE = [
    (
        "Standardisierung",
        "z = s · (x − μ) / σ; μ und σ (Standardabweichung der Grundgesamtheit) über die Referenzgebiete; "
        "s = +1, wenn höhere Werte ungünstiger sind, s = −1, wenn sie günstiger sind.",
    ),
    ("Gewichtete Summe", "S = Σ g·z / Σ g (Gewichte g, gleich gewichtet: alle g = 1)."),
    ("Index", "I = (S − Mittelwert(S)) / Standardabweichung(S) über die vollständigen Referenzgebiete."),
    (
        "Statusklassen",
        "hoch: I < −1; mittel: −1 ≤ I ≤ 1; niedrig: 1 < I ≤ 1,5; sehr niedrig: I > 1,5 "
        "(positive Werte = ungünstiger als der Durchschnitt).",
    ),
    (
        "Dynamik",
        "Dasselbe Verfahren auf der Veränderung x(Jahr) − x(Vergleichsjahr); positiv: I < −1; stabil: "
        "−1 ≤ I ≤ 1; negativ: I > 1.",
    ),
    (
        "Unvollständig",
        "Fehlt für ein Gebiet ein Eingangswert (keine Daten oder Geheimhaltung), erhält es keinen Index; "
        "es wird nie über weniger Indikatoren gemittelt.",
    ),
    ("Treiber", "Der Indikator mit dem größten Beitrag g·z / Σ g zum Wert des Gebiets."),
]


class SozialindexError(SozialatlasError):
    """The index cannot be computed as asked; str() is a German sentence why."""


@dataclass(frozen=True)
class Input:
    """One indicator of an index: catalogue id, German name, Wertungsrichtung, weight."""

    id: str
    name: str
    polaritaet: str
    gewicht: float = 1.0
    einheit: str = ""


@dataclass
class Result:
    """Per-area index table plus what the page says about it."""

    table: pd.DataFrame
    inputs: list[Input]
    n_referenz: int
    hinweise: list[str] = field(default_factory=list)


def check_inputs(inputs: list[Input]) -> None:
    """German errors for an index that cannot be built: no indicator, neutral direction, bad weights."""
    if not inputs:
        raise SozialindexError("Bitte mindestens einen Indikator wählen.")
    ids = [i.id for i in inputs]
    if len(set(ids)) != len(ids):
        raise SozialindexError("Jeder Indikator darf nur einmal im Index stehen.")
    for i in inputs:
        if i.polaritaet not in SIGN:
            raise SozialindexError(
                f"„{i.name}“ hat keine Wertungsrichtung (weder höher = günstiger noch höher = ungünstiger) "
                "und kann deshalb nicht in einen Sozialindex eingehen."
            )
        if not np.isfinite(i.gewicht) or i.gewicht <= 0:
            raise SozialindexError(f"Das Gewicht von „{i.name}“ muss eine positive Zahl sein, nicht {i.gewicht!r}.")


def _zscores(x: pd.Series, ref: pd.Series, sign: float) -> tuple[pd.Series, float, float]:
    vals = x[ref].dropna()
    mu = float(vals.mean()) if len(vals) else np.nan
    sd = float(vals.std(ddof=0)) if len(vals) else np.nan
    if not np.isfinite(sd) or sd == 0:
        return pd.Series(np.nan, index=x.index), mu, sd
    return sign * (x - mu) / sd, mu, sd


def compute(
    werte: pd.DataFrame,
    inputs: list[Input],
    *,
    sperre: pd.DataFrame | None = None,
    referenz: pd.Series | None = None,
    klassen: str = "status",
) -> Result:
    """The index for every row of `werte` (index: area key; one float column per input id, NaN = missing).

    sperre: same shape, the reason text where an input is gesperrt ("" otherwise) — only used to say why
    an area is unvollständig. referenz: bool per row, which areas define μ, σ (default: all rows).
    klassen: "status" (4 SD bands) or "dynamik" (3).

    Columns: wert_<id>, z_<id>, beitrag_<id>, index, klasse, vollstaendig, fehlend (German text),
    treiber (name), treiber_richtung ("ungünstig"/"günstig").
    """
    check_inputs(inputs)
    missing_cols = [i.id for i in inputs if i.id not in werte.columns]
    if missing_cols:
        raise SozialindexError(f"Für {', '.join(missing_cols)} liegen keine Werte vor.")
    ref = referenz.reindex(werte.index).fillna(False).astype(bool) if referenz is not None else None
    if ref is None:
        ref = pd.Series(True, index=werte.index)
    out = pd.DataFrame(index=werte.index)
    wsum = float(sum(i.gewicht for i in inputs))
    contrib = {}
    fehlend: dict = {k: [] for k in werte.index}
    hinweise = []
    for i in inputs:
        x = pd.to_numeric(werte[i.id], errors="coerce").astype(float)
        z, mu, sd = _zscores(x, ref, SIGN[i.polaritaet])
        if not np.isfinite(sd) or sd == 0:
            hinweise.append(
                f"„{i.name}“ streut in den Referenzgebieten nicht (oder hat keine Werte); z ist nicht bestimmbar."
            )
        out[f"wert_{i.id}"] = x
        out[f"z_{i.id}"] = z
        contrib[i.id] = i.gewicht * z / wsum
        out[f"beitrag_{i.id}"] = contrib[i.id]
        gesperrt = (
            sperre[i.id].reindex(werte.index).fillna("").astype(str).ne("")
            if sperre is not None and i.id in sperre.columns
            else pd.Series(False, index=werte.index)
        )
        for k in x.index[x.isna()]:
            fehlend[k].append(f"{i.name} ({'gesperrt' if gesperrt[k] else 'keine Daten'})")
    c = pd.DataFrame(contrib)
    complete = c.notna().all(axis=1)
    s = c.sum(axis=1, min_count=len(inputs)).where(complete)
    sref = s[ref & complete]
    n_ref = int(len(sref))
    sd = float(sref.std(ddof=0)) if n_ref else np.nan
    if n_ref >= 2 and np.isfinite(sd) and sd > 0:
        idx = (s - float(sref.mean())) / sd
    else:
        idx = pd.Series(np.nan, index=werte.index)
        hinweise.append("Zu wenige vollständige Gebiete, um den Index zu standardisieren (mindestens zwei nötig).")
    out["index"] = idx
    out["vollstaendig"] = complete & idx.notna()
    out["klasse"] = classify(idx, klassen).where(out["vollstaendig"], UNVOLLSTAENDIG)
    out["fehlend"] = pd.Series({k: "; ".join(v) for k, v in fehlend.items()}, dtype=object).reindex(werte.index)
    absc = c.abs()
    has = absc.notna().any(axis=1) & complete
    top = absc[has].idxmax(axis=1) if has.any() else pd.Series(dtype=object)
    names = {i.id: i.name for i in inputs}
    out["treiber"] = top.map(names).reindex(werte.index)
    out["treiber_richtung"] = [
        ("ungünstig" if c.at[k, t] > 0 else "günstig") if isinstance(t, str) else None
        for k, t in zip(werte.index, top.reindex(werte.index))
    ]
    return Result(out, list(inputs), n_ref, hinweise)


def classify(index: pd.Series, klassen: str = "status") -> pd.Series:
    """SD-band classes of a standardised index (NaN → NaN)."""
    v = pd.to_numeric(index, errors="coerce")
    if klassen == "status":
        labels = np.select([v < -1, v <= 1, v <= 1.5, v > 1.5], list(STATUS_KLASSEN), default="")
    elif klassen == "dynamik":
        labels = np.select([v < -1, v <= 1, v > 1], list(DYNAMIK_KLASSEN), default="")
    else:
        raise ValueError(klassen)
    return pd.Series(labels, index=index.index, dtype=object).where(v.notna())


def break_refusal(inputs: list[Input], breaks: dict[str, list[int]], von: int, bis: int) -> str | None:
    """A German sentence when a series has a break (Reihenbruch) after `von` and up to `bis`, else None."""
    hits = []
    for i in inputs:
        for b in sorted(set(int(x) for x in breaks.get(i.id, []))):
            if von < b <= bis:
                hits.append(f"„{i.name}“ (Reihenbruch ab {b})")
    if not hits:
        return None
    return (
        f"Die Dynamik {von}–{bis} wird nicht berechnet: {', '.join(hits)}. Werte vor und nach einem "
        "Reihenbruch sind nicht vergleichbar; bitte einen Zeitraum ohne Bruch wählen."
    )


def change(t1: pd.DataFrame, t0: pd.DataFrame) -> pd.DataFrame:
    """x(t1) − x(t0) per area and indicator; NaN where either is missing (never 0)."""
    return t1.subtract(t0.reindex(index=t1.index, columns=t1.columns))


def gesamt(status: pd.Series, dynamik: pd.Series) -> pd.Series:
    """The Gesamtindex cell as text 'Status hoch / Dynamik stabil' ('unvollständig' if either is)."""
    out = []
    for s, d in zip(status, dynamik):
        if s in STATUS_KLASSEN and d in DYNAMIK_KLASSEN:
            out.append(f"Status {s} / Dynamik {d}")
        else:
            out.append(UNVOLLSTAENDIG)
    return pd.Series(out, index=status.index, dtype=object)


def _driver(t: pd.DataFrame) -> list:
    """'Name (ungünstig)' / 'Name (günstig)': which indicator pushes the area most, and in which direction."""
    return [f"{n} ({r})" if isinstance(n, str) else None for n, r in zip(t["treiber"], t["treiber_richtung"])]


def export_table(
    names: pd.Series, status: Result, dynamik: Result | None, *, jahr: int, von: int | None
) -> pd.DataFrame:
    """The per-area table with German headers (inputs, z-scores, index, class, driver) for CSV/XLSX/GPKG."""
    t = status.table
    d = dynamik.table.reindex(t.index) if dynamik is not None else None
    rows = pd.DataFrame({"Schlüssel": t.index.astype(str), "Gebiet": names.reindex(t.index).to_numpy()})
    # classes first: the table is the twin of the map beside it
    if d is not None:
        rows["Gesamtindex"] = gesamt(t["klasse"], d["klasse"]).to_numpy()
    rows["Status"] = t["klasse"].to_numpy()
    if d is not None:
        rows["Dynamik"] = d["klasse"].to_numpy()
    rows["Statusindex"] = t["index"].round(3).to_numpy()
    if d is not None:
        rows["Dynamikindex"] = d["index"].round(3).to_numpy()
    rows["Treiber Status"] = _driver(t)
    if d is not None:
        rows["Treiber Dynamik"] = _driver(d)
    rows["Fehlend (Status)"] = t["fehlend"].to_numpy()
    if d is not None:
        rows["Fehlend (Dynamik)"] = d["fehlend"].to_numpy()
    for i in status.inputs:
        rows[f"{i.name} {jahr}"] = t[f"wert_{i.id}"].round(4).to_numpy()
        rows[f"z {i.name}"] = t[f"z_{i.id}"].round(3).to_numpy()
    if d is not None and dynamik is not None:
        for i in dynamik.inputs:
            rows[f"Veränderung {i.name} {von}–{jahr}"] = d[f"wert_{i.id}"].round(4).to_numpy()
            rows[f"z Veränderung {i.name}"] = d[f"z_{i.id}"].round(3).to_numpy()
    return rows


def method_frame(status: Result, dynamik: Result | None, *, referenz: str, jahr: int, von: int | None) -> pd.DataFrame:
    """The 'Methode' sheet: formulas, inputs with direction and weight, reference, years."""
    rows = list(METHODE)
    rows.append(("Referenz", f"Mittelwert und Standardabweichung über {REFERENZ.get(referenz, referenz)}"))
    rows.append(("Jahr", str(jahr)))
    if von is not None:
        rows.append(("Vergleichsjahr", str(von)))
    for i in status.inputs:
        richtung = "höher = ungünstiger" if i.polaritaet == "hoeher_schlechter" else "höher = günstiger"
        rows.append((f"Indikator {i.name}", f"{richtung}; Gewicht {str(i.gewicht).replace('.', ',')}"))
    if dynamik is not None and [i.id for i in dynamik.inputs] != [i.id for i in status.inputs]:
        rows.append(("Dynamik-Indikatoren", ", ".join(i.name for i in dynamik.inputs)))
    for h in status.hinweise + (dynamik.hinweise if dynamik else []):
        rows.append(("Hinweis", h))
    return pd.DataFrame(rows, columns=["Angabe", "Inhalt"])
