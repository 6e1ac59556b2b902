"""Carry Kreis values between the two Gebietsstände (23 Kreise until 30.06.2021, 22 since 01.07.2021).

Both Gebietsstände are dissolved from the same 2021 Gemeinden and differ only in one place: the kreisfreie
Stadt Eisenach (16056) joined the Wartburgkreis (16063) on 01.07.2021. So 21 Kreise are the same territory
on both and carry over unchanged; only Eisenach and the Wartburgkreis need thought:

- 23 → 22: the new Wartburgkreis is Eisenach plus the old Wartburgkreis. Counts add up; a rate is
  recomputed from the summed numerator and denominator (never averaged). An index or a published rate
  without its counts cannot be combined honestly, so the conversion is refused (`NotConvertible`).
- 22 → 23: a merged Kreis cannot be split. The 21 unchanged Kreise carry over, Eisenach and the old
  Wartburgkreis get no value and a `hinweis` saying why.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sozialatlas import domain
from sozialatlas.errors import SozialatlasError
from sozialatlas.protection import kreisprivacy, privacy
from sozialatlas.store import queries, unprotected
from sozialatlas.store import regions as stored_regions

if TYPE_CHECKING:
    import duckdb

BIS = domain.KREISE_BIS  # 23 Kreise
AB = domain.KREISE_AB  # 22 Kreise
STAENDE = (AB, BIS)
EISENACH = "16056"
WARTBURGKREIS = "16063"

LABEL = {AB: "22 Kreise (ab 01.07.2021)", BIS: "23 Kreise (bis 30.06.2021)"}
# Short, readable URL values (?gebietsstand=23), as on the Kreisvergleich page; the ids are accepted too.
URL_VALUE = {AB: "22", BIS: "23"}
KURZ = {AB: "22 Kreisen (Gebietsstand ab 01.07.2021)", BIS: "23 Kreisen (Gebietsstand bis 30.06.2021)"}

# Names of the two regions that exist on only one Gebietsstand, for when no region table is given.
_REGION_DEFAULTS = {
    (BIS, EISENACH): {"name": "Eisenach", "bez": "Kreisfreie Stadt"},
    (BIS, WARTBURGKREIS): {"name": "Wartburgkreis", "bez": "Landkreis"},
    (AB, WARTBURGKREIS): {"name": "Wartburgkreis", "bez": "Landkreis"},
}

HINWEIS_NICHT_TEILBAR = (
    "Kein Wert: Die Quelle veröffentlicht nur den Wartburgkreis einschließlich Eisenach (Gebietsstand ab "
    "01.07.2021); ein zusammengelegter Kreis lässt sich nicht auf die Stadt Eisenach und den Wartburgkreis "
    "in den Grenzen bis 30.06.2021 aufteilen."
)


class NotConvertible(SozialatlasError):
    """The values cannot be carried onto the other Gebietsstand; str() is a German sentence why."""


def from_url(text: str) -> str:
    """'22' / '23' (or a Gebietsstand id) → the Gebietsstand id; KeyError for anything else."""
    return {**{v: k for k, v in URL_VALUE.items()}, AB: AB, BIS: BIS}[text]


def other(stand: str) -> str:
    _check_stand(stand)
    return BIS if stand == AB else AB


def _check_stand(stand: str) -> None:
    if stand not in STAENDE:
        raise ValueError(f"Unbekannter Kreis-Gebietsstand {stand!r} (erlaubt: {', '.join(STAENDE)}).")


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def _one(values, what: str) -> Any:
    """The common value of both parts, or NotConvertible if they differ."""
    vals = [v for v in values if not _missing(v)]
    if len(set(vals)) > 1:
        raise NotConvertible(
            f"Eisenach und der Wartburgkreis haben verschiedene {what} "
            f"({' bzw. '.join(map(str, vals))}); sie lassen sich nicht zusammenrechnen."
        )
    return vals[0] if vals else None


def _scale(row) -> float | None:
    """The factor between wert and zaehler/nenner (1, 100, 1000 …), read from the published row itself."""
    try:
        ratio = float(row["wert"]) / (float(row["zaehler"]) / float(row["nenner"]))
    except ZeroDivisionError:
        return None
    if not ratio > 0 or math.isinf(ratio):
        return None
    return float(10 ** round(math.log10(ratio)))


def _scale_from_formula(formel: str | None) -> float:
    f = (formel or "").replace(" ", "")
    for text, factor in (("×1.000", 1000.0), ("×100", 100.0)):
        if f.endswith(text):
            return factor
    return 1.0


def _merge_23_to_22(eis: pd.Series, wak: pd.Series, indikator: dict) -> dict:
    """The new Wartburgkreis from Eisenach and the old Wartburgkreis (both rows of the 23-Kreise table)."""
    name = indikator.get("name") or indikator.get("id") or "Dieser Indikator"
    aggregation = indikator.get("aggregation") or "keine"
    if aggregation not in ("summe", "quote"):
        raise NotConvertible(
            f"„{name}“ ist ein Index oder ein veröffentlichter Anteil ohne Zähler und Nenner; "
            "für den Wartburgkreis einschließlich Eisenach lässt sich daraus kein Wert berechnen "
            "(Werte zu mitteln wäre falsch). Bitte den Gebietsstand bis 30.06.2021 (23 Kreise) wählen."
        )
    for label, part in (("Eisenach", eis), ("den Wartburgkreis (Grenzen bis 30.06.2021)", wak)):
        if _missing(part.get("wert")):
            raise NotConvertible(
                f"Für {label} liegt kein Wert vor; ohne beide Teile lässt sich der Wartburgkreis "
                "einschließlich Eisenach nicht berechnen."
            )
    out = wak.to_dict()
    if aggregation == "summe":
        out["wert"] = float(eis["wert"]) + float(wak["wert"])
        for col in ("zaehler", "nenner"):
            if col in out:
                out[col] = (
                    float(eis[col]) + float(wak[col])
                    if not (_missing(eis.get(col)) or _missing(wak.get(col)))
                    else np.nan
                )
        summed = "die Werte"
    else:
        if any(_missing(p.get(c)) for p in (eis, wak) for c in ("zaehler", "nenner")):
            raise NotConvertible(
                f"„{name}“ ist ein Anteil; für Eisenach oder den Wartburgkreis fehlen Zähler und Nenner, "
                "daher lässt sich der Anteil für den Wartburgkreis einschließlich Eisenach nicht neu "
                "berechnen (Anteile zu mitteln wäre falsch)."
            )
        scale = _one([_scale(eis), _scale(wak)], "Berechnungsgrundlagen")
        if scale is None:  # both values 0: the rows cannot tell, the catalogue formula can
            scale = _scale_from_formula(indikator.get("formel"))
        zaehler = float(eis["zaehler"]) + float(wak["zaehler"])
        nenner = float(eis["nenner"]) + float(wak["nenner"])
        if nenner == 0:
            raise NotConvertible(f"„{name}“: der Nenner für den Wartburgkreis einschließlich Eisenach ist 0.")
        out.update(zaehler=zaehler, nenner=nenner, wert=zaehler / nenner * scale)
        summed = "Zähler und Nenner; der Anteil ist daraus neu berechnet"
    out["quelle"] = _one([eis.get("quelle"), wak.get("quelle")], "Quellen")
    staende = sorted({str(s) for s in (eis.get("stand"), wak.get("stand")) if not _missing(s)})
    out["stand"] = " / ".join(staende) if staende else None
    out["status"] = "umgerechnet"
    out["hinweis"] = (
        f"Umgerechnet auf den Gebietsstand ab 01.07.2021: Stadt Eisenach und Wartburgkreis "
        f"(Grenzen bis 30.06.2021) zusammengefasst, summiert sind {summed}."
    )
    if "beispiel" in out:
        out["beispiel"] = bool(eis.get("beispiel") is True or wak.get("beispiel") is True)
    if "flaeche_km2" in out and not (_missing(eis.get("flaeche_km2")) or _missing(wak.get("flaeche_km2"))):
        out["flaeche_km2"] = float(eis["flaeche_km2"]) + float(wak["flaeche_km2"])
    out.update(schluessel=WARTBURGKREIS, **_REGION_DEFAULTS[(AB, WARTBURGKREIS)])
    return out


def _blank(
    template: dict, stand: str, key: str, regions: pd.DataFrame | None, hinweis: str = HINWEIS_NICHT_TEILBAR
) -> dict:
    """A row for a region of the target Gebietsstand that gets no value."""
    row: dict[str, Any] = {c: (None if c != "beispiel" else False) for c in template}
    for c in ("wert", "zaehler", "nenner", "flaeche_km2"):
        if c in row:
            row[c] = np.nan
    row.update(schluessel=key, **_REGION_DEFAULTS[(stand, key)])
    if regions is not None:
        match = regions[regions["schluessel"] == key]
        for col in ("name", "bez", "flaeche_km2"):
            if not match.empty and col in match and col in row:
                row[col] = match.iloc[0][col]
    row["hinweis"] = hinweis
    return row


def convert(
    vals: pd.DataFrame,
    indikator: dict,
    target: str,
    *,
    strict: bool = False,
    partial: bool = False,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The Kreis values of `vals` (one row per Kreis of the other Gebietsstand) on Gebietsstand `target`.

    vals: as returned by showable.values for ebene 'kreis'. indikator: a catalogue row (needs `aggregation`,
    `name`). regions: optional region rows of the target (schluessel, name, bez, flaeche_km2) for the
    names of Kreise that exist only there. Raises NotConvertible with a German reason.

    strict (22 → 23): raise instead of leaving Eisenach and the old Wartburgkreis without values.
    partial (23 → 22): if the new Wartburgkreis cannot be computed, keep the 21 unchanged Kreise and leave
    it without a value (the reason in `hinweis`) instead of raising.
    """
    _check_stand(target)
    keys = set(vals["schluessel"])
    source = BIS if EISENACH in keys else AB
    if source == target:
        return vals.copy().reset_index(drop=True)
    if WARTBURGKREIS not in keys:
        raise NotConvertible("Die Werte enthalten keinen Wartburgkreis; sie sind keine vollständige Kreistabelle.")
    by_key = vals.set_index("schluessel", drop=False)
    unchanged = vals[~vals["schluessel"].isin([EISENACH, WARTBURGKREIS])]
    if target == AB:
        try:
            merged = _merge_23_to_22(by_key.loc[EISENACH], by_key.loc[WARTBURGKREIS], indikator)
        except NotConvertible as exc:
            if not partial:
                raise
            merged = _blank(vals.iloc[0].to_dict(), AB, WARTBURGKREIS, regions, f"Kein Wert: {exc}")
        rows = pd.concat([unchanged, pd.DataFrame([merged])], ignore_index=True)
    else:
        if strict:
            raise NotConvertible(
                "Werte für 22 Kreise (ab 01.07.2021) lassen sich nicht auf 23 Kreise umrechnen: der "
                "Wartburgkreis einschließlich Eisenach kann nicht auf Eisenach und den Wartburgkreis in den "
                "alten Grenzen aufgeteilt werden."
            )
        template = vals.iloc[0].to_dict()
        blanks = [_blank(template, BIS, k, regions) for k in (EISENACH, WARTBURGKREIS)]
        rows = pd.concat([unchanged, pd.DataFrame(blanks)], ignore_index=True)
    rows = rows[list(vals.columns)]
    return rows.sort_values("schluessel", kind="mergesort").reset_index(drop=True)


def _note(target: str, out: pd.DataFrame) -> str:
    """Where converted values come from, as one German sentence."""
    if target == AB and out.loc[out["schluessel"] == WARTBURGKREIS, "status"].eq("umgerechnet").any():
        return (
            f"Umgerechnet aus {KURZ[BIS]}: der Wartburgkreis umfasst hier Eisenach, "
            "dafür sind die Werte beider Teile zusammengerechnet."
        )
    if target == AB:
        return (
            f"Übernommen aus {KURZ[BIS]}: 21 Kreise sind unverändert; der Wartburgkreis einschließlich "
            "Eisenach hat keinen Wert, weil er sich aus den Teilen nicht berechnen lässt."
        )
    return (
        f"Übernommen aus {KURZ[AB]}: 21 Kreise sind unverändert; für Eisenach und den Wartburgkreis "
        "(Grenzen bis 30.06.2021) gibt es keine Werte, weil sich der zusammengelegte Kreis nicht "
        "aufteilen lässt."
    )


def _no_values(jahr: int) -> NotConvertible:
    return NotConvertible(f"Für {jahr} liegen auf keinem Kreis-Gebietsstand Werte vor.")


def values_on(
    con: duckdb.DuckDBPyConnection, indikator_id: str, jahr: int, target: str, *, partial: bool = False
) -> tuple[pd.DataFrame, str | None]:
    """Kreis values of one indicator and year on Gebietsstand `target`, converted if need be, with the
    Geheimhaltung applied (sozialatlas.protection.kreisprivacy: gesperrt rows have no numbers, status 'gesperrt').

    Returns (values, note): note is None for native values, else a German sentence saying where the
    values come from. Raises NotConvertible if neither Gebietsstand has values that can be carried over.
    partial: see `convert` (keep the 21 unchanged Kreise when the Wartburgkreis cannot be summed).
    A converted Wartburgkreis is summed from the real counts and then protected as the aggregate
    Eisenach + Wartburgkreis, so it never discloses a gesperrt part.
    """
    _check_stand(target)
    jahr = int(jahr)
    have = unprotected.kreis_staende(con, indikator_id, jahr)
    if target not in have and other(target) not in have:
        raise _no_values(jahr)
    decision = kreisprivacy.decision(con, indikator_id, jahr)
    if target in have:
        raw = unprotected.values(con, indikator_id, "kreis", target, jahr)
        return kreisprivacy.protect(raw, target, decision), None
    source = other(target)
    ind = queries.indicator(con, indikator_id)
    src = unprotected.values(con, indikator_id, "kreis", source, jahr)
    regions = stored_regions.kreis_areas(con, target)
    out = convert(src, ind, target, partial=partial, regions=regions)
    return kreisprivacy.protect(out, target, decision), _note(target, out)


VALUE_COLUMNS = [
    "schluessel",
    "name",
    "bez",
    "flaeche_km2",
    "wert",
    "zaehler",
    "nenner",
    "status",
    "stand",
    "hinweis",
    "beispiel",
    "quelle",
    "quelle_titel",
    "quelle_herausgeber",
    "lizenz",
]
LAND_COLUMNS = [
    "jahr",
    "schluessel",
    "wert",
    "zaehler",
    "nenner",
    "status",
    "stand",
    "hinweis",
    "quelle",
    "quelle_titel",
    "lizenz",
]


ALL_YEARS = 0  # KreisValues: every year of an indicator read


class KreisValues:
    """The Kreis observations of some indicators: `values_on` for many years without a query each (a
    Kreisprofil looks at every indicator, a Zeitreihe at every year). Same results as the module-level
    `values_on` (Geheimhaltung applied), in the column layout of showable.values.

    Read lazily: a Kreisprofil needs the newest year or two of each indicator, so reading every year of every
    indicator up front (1 million rows for a Germany-size schema) was most of its time. Which (indikator,
    jahr, gebietsstand) exist comes from the period summary. The first use of a level reads the newest year
    of every indicator (one query per distinct newest year); an older year of an indicator then reads all
    its older years at once (one indicator: the zone maps of the sorted table skip the rest). Thread-safe: a
    cached instance is shared by sessions (ui.praesentation)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, indikatoren: list[str] | None = None):
        self._con = con
        per = queries.observation_periods(con)
        if indikatoren is not None:
            per = per[per["indikator"].isin(set(indikatoren))]
        self._newest: dict[str, dict[str, int]] = {}  # level → indikator → newest year with rows
        self._oldest: dict[str, dict[str, int]] = {}
        for level in ("kreis", "land"):
            rows = per[per["ebene"] == level].groupby("indikator")["jahr"]
            self._newest[level] = rows.max().astype(int).to_dict()
            self._oldest[level] = rows.min().astype(int).to_dict()
        kreis = per[per["ebene"] == "kreis"]
        self._keys = {(i, int(j), g) for i, j, g in zip(kreis["indikator"], kreis["jahr"], kreis["gebietsstand"])}
        # (indikator, jahr, gebietsstand) → (frame, positions) of what was read; frames are only cut out when
        # asked for
        self._groups: dict[tuple[str, int, str], tuple[pd.DataFrame, np.ndarray]] = {}
        self._empty: pd.DataFrame | None = None
        self._land: dict[str, pd.DataFrame] = {}
        # level → indikator → oldest year read (every newer one is read too)
        self._read_from: dict[str, dict[str, int]] = {"kreis": {}, "land": {}}
        self._lock = threading.RLock()
        self.regions = {s: stored_regions.kreis_areas(con, s) for s in STAENDE}
        cat = queries.indicators(con)
        self.catalogue = {r["id"]: r for r in cat.to_dict("records")}
        years: dict[str, set[int]] = {}
        for i, j, _g in self._keys:
            years.setdefault(i, set()).add(j)
        self._years = {i: sorted(js, reverse=True) for i, js in years.items()}
        self.rules = privacy.rules()
        self._decisions: dict = {}

    def _read(self, ebene: str, indikator: str, jahr: int) -> None:
        """Make sure the rows of `indikator` in `jahr` on `ebene` are read (and, first, every newest year)."""
        done = self._read_from[ebene]
        if done.get(indikator, math.inf) <= jahr or indikator not in self._newest[ebene] and self._empty is not None:
            return
        with self._lock:
            if not done:
                by_year: dict[int, list[str]] = {}
                for i, j in self._newest[ebene].items():
                    by_year.setdefault(j, []).append(i)
                for j, ids in sorted(by_year.items(), reverse=True):
                    self._take(ebene, unprotected.level_observations(self._con, ebene, ids, von_jahr=j), ids, j)
                if self._empty is None:  # no indicator with rows: the column layout for empty frames
                    self._take(ebene, unprotected.level_observations(self._con, ebene, [], von_jahr=jahr), [], jahr)
            newest = done.get(indikator)
            if newest is not None and jahr < newest:
                older = unprotected.level_observations(self._con, ebene, [indikator], bis_jahr=newest)
                self._take(ebene, older, [indikator], ALL_YEARS)

    def _take(self, ebene: str, obs: pd.DataFrame, ids: list[str], von: int) -> None:
        if ebene == "land":
            for i, rows in obs.groupby("indikator"):
                self._land[str(i)] = pd.concat([self._land[str(i)], rows]) if str(i) in self._land else rows
        else:
            rest = obs.drop(columns=["indikator", "gebietsstand", "jahr"])
            if self._empty is None:
                self._empty = rest.iloc[0:0]
            for (i, j, g), pos in obs.groupby(["indikator", "jahr", "gebietsstand"]).indices.items():
                self._groups[(i, int(j), g)] = (rest, pos)
        for i in ids:
            self._read_from[ebene][i] = min(von, self._read_from[ebene].get(i, von))

    def years(self, indikator: str) -> list[int]:
        """Years with Kreis observations, newest first."""
        return list(self._years.get(indikator, []))

    def staende(self, indikator: str, jahr: int) -> set[str]:
        return {s for s in STAENDE if (indikator, int(jahr), s) in self._keys}

    def _raw(self, indikator: str, jahr: int, stand: str) -> pd.DataFrame:
        """Every Kreis of `stand` with its unprotected observation or NaN (internal)."""
        self._read("kreis", indikator, int(jahr))
        got = self._groups.get((indikator, int(jahr), stand))
        if got is not None:
            obs = got[0].iloc[got[1]]
        elif (indikator, int(jahr), stand) in self._keys:
            # the summary lists rows the read did not find: the summary is stale, and an empty frame here
            # would show "keine Daten" for stored values
            raise RuntimeError(
                f"Beobachtungen {indikator} {jahr} ({stand}) fehlen, obwohl die Periodenübersicht sie nennt: "
                "Zusammenfassungstabellen neu schreiben (db.refresh_periods)."
            )
        else:
            obs = self._empty
        out = self.regions[stand].merge(obs, on="schluessel", how="left")
        return out.reindex(columns=VALUE_COLUMNS)

    def decision(self, indikator: str, jahr: int):
        """The Geheimhaltung of one indicator and year (sozialatlas.protection.kreisprivacy.decide), computed once."""
        key = (indikator, int(jahr))
        if key not in self._decisions:
            native = {s: self._raw(indikator, jahr, s) for s in self.staende(indikator, jahr)}
            self._decisions[key] = kreisprivacy.decide(self.catalogue.get(indikator, {}), native, self.rules)
        return self._decisions[key]

    def native(self, indikator: str, jahr: int, stand: str) -> pd.DataFrame:
        """Every Kreis of `stand` with its observation, NaN or gesperrt (like showable.values)."""
        return kreisprivacy.protect(self._raw(indikator, jahr, stand), stand, self.decision(indikator, jahr))

    def values_on(
        self, indikator: str, jahr: int, target: str, *, partial: bool = False
    ) -> tuple[pd.DataFrame, str | None]:
        _check_stand(target)
        have = self.staende(indikator, jahr)
        if target in have:
            return self.native(indikator, jahr, target), None
        if other(target) not in have:
            raise _no_values(int(jahr))
        out = convert(
            self._raw(indikator, jahr, other(target)),
            self.catalogue[indikator],
            target,
            partial=partial,
            regions=self.regions[target],
        )
        return kreisprivacy.protect(out, target, self.decision(indikator, jahr)), _note(target, out)

    def land(self, indikator: str, jahr: int | None = None) -> pd.DataFrame:
        """The Thüringen observations of `indikator` by year (LAND_COLUMNS; only `jahr` if given), gesperrt
        ones without numbers."""
        oldest = int(jahr) if jahr is not None else self._oldest["land"].get(indikator)
        if oldest is None or indikator not in self._newest["land"]:  # no Thüringen row in any year
            return pd.DataFrame([]).reindex(columns=LAND_COLUMNS)
        self._read("land", indikator, oldest)
        rows = self._land.get(indikator, pd.DataFrame(columns=["jahr"]))
        if jahr is not None:
            rows = rows[rows["jahr"] == int(jahr)]
        out = [
            kreisprivacy.protect_land(r, self.decision(indikator, int(r["jahr"])))
            for r in rows.sort_values("jahr").to_dict("records")
        ]
        return pd.DataFrame(out).reindex(columns=LAND_COLUMNS)
