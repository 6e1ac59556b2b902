"""Ziele und Monitoring: goals of the strategies linked to indicators, and a traffic light per Kreis.

The rule (`ampel`) is pure and shown beside every light, in words:
- "keine Daten": no value in the baseline year, no later value, or a series break (Reihenbruch) between
  the baseline and the newest value — values across a break are not comparable, so no trend is claimed;
- otherwise the change from the baseline to the newest value is compared with a tolerance band of
  ±2 % of the baseline value (at least one unit of the last shown decimal): inside it "gleichbleibend",
  in the wanted direction "auf Kurs", against it "gegenläufig". A target value sets the wanted direction
  (from the baseline towards it) and, once reached, reads "auf Kurs (Zielwert erreicht)".
Colours are an Okabe-Ito blue/orange pair plus grey and white-with-border; the word is always there,
so the light reads in greyscale and without colour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.render import formatting
from sozialatlas.store import queries
from sozialatlas.store import ziele as ziele_store

AUF_KURS, GLEICH, GEGEN, KEINE = "auf Kurs", "gleichbleibend", "gegenläufig", formatting.KEINE_DATEN
FARBE = {AUF_KURS: "#0072B2", GLEICH: "#BBBBBB", GEGEN: "#D55E00", KEINE: "#FFFFFF"}
SYMBOL = {AUF_KURS: "▲", GLEICH: "●", GEGEN: "▼", KEINE: "○"}
RICHTUNGEN = {"senken": "senken", "steigern": "steigern"}
TOLERANZ = 0.02
_BRUCH = re.compile(r"Reihenbruch ab (\d{4})")


class MonitoringInputError(ValueError):
    """A goal link that cannot be saved (German message naming the field)."""


@dataclass(frozen=True)
class Ampel:
    status: str
    regel: str
    basiswert: float | None = None
    aktuell: float | None = None
    aktuell_jahr: int | None = None

    @property
    def farbe(self) -> str:
        return FARBE[self.status]


def ampel(
    series: dict[int, float | None],
    *,
    basisjahr: int,
    richtung: str,
    zielwert: float | None = None,
    brueche: set[int] | frozenset[int] = frozenset(),
    dezimalen: int | None = None,
    einheit: str = "",
) -> Ampel:
    """The traffic light of one Kreis and indicator (see module docstring for the rule)."""
    z = lambda x: formatting.wert_mit_einheit(x, einheit, dezimalen)  # noqa: E731
    base = series.get(int(basisjahr))
    if base is None or formatting.is_missing(base):
        return Ampel(KEINE, f"Kein Wert im Basisjahr {basisjahr}: kein Vergleich möglich.")
    later = [j for j, v in series.items() if j > basisjahr and v is not None and not formatting.is_missing(v)]
    if not later:
        return Ampel(KEINE, f"Nach dem Basisjahr {basisjahr} gibt es noch keinen Wert.", base)
    jahr = max(later)
    now = float(series[jahr] or 0.0)  # `later` holds only years with a value
    cut = sorted(b for b in brueche if basisjahr < b <= jahr)
    if cut:
        return Ampel(
            KEINE,
            f"Reihenbruch ab {cut[0]}: Werte vor und nach dem Bruch sind nicht vergleichbar "
            f"(Basisjahr {basisjahr}, neuester Wert {jahr}). Ein Basisjahr ab {cut[-1]} wählen.",
            base,
            now,
            jahr,
        )
    if zielwert is not None and not formatting.is_missing(zielwert):
        want = "senken" if float(zielwert) < base else "steigern"
        reached = now <= float(zielwert) if want == "senken" else now >= float(zielwert)
        if reached:
            return Ampel(
                AUF_KURS,
                f"Zielwert {z(zielwert)} erreicht: {jahr} {z(now)} (Basisjahr {basisjahr}: {z(base)}).",
                base,
                now,
                jahr,
            )
    else:
        want = richtung
    step = 10.0 ** -(dezimalen if dezimalen is not None else 2)
    tol = max(abs(base) * TOLERANZ, step)
    diff = now - base
    band = f"Toleranz ±{formatting.zahl(tol, dezimalen)}"
    what = f"{basisjahr}: {z(base)} → {jahr}: {z(now)} (Veränderung {'+' if diff > 0 else '−' if diff < 0 else '±'}{formatting.zahl(abs(diff), dezimalen)}; {band}; Ziel: {want})"
    if abs(diff) <= tol:
        return Ampel(GLEICH, f"Veränderung innerhalb der Toleranz. {what}", base, now, jahr)
    good = diff < 0 if want == "senken" else diff > 0
    return Ampel(AUF_KURS if good else GEGEN, what, base, now, jahr)


def regel_text() -> str:
    return (
        "Regel: Verglichen wird der Wert im Basisjahr mit dem neuesten Wert. Liegt die Veränderung innerhalb "
        f"von ±{formatting.zahl(TOLERANZ * 100, 0)} % des Basiswerts, heißt es „gleichbleibend“; sonst „auf Kurs“ "
        "in Zielrichtung, „gegenläufig“ dagegen. Ein erreichter Zielwert ist „auf Kurs“. Fehlt der Basis- "
        "oder ein neuerer Wert oder liegt ein Reihenbruch dazwischen: „keine Daten“."
    )


def breaks(hinweise) -> set[int]:
    """Years a series breaks in, from the observations' notes ('Reihenbruch ab 2016 laut INKAR …')."""
    out: set[int] = set()
    for h in hinweise:
        if isinstance(h, str):
            out.update(int(m) for m in _BRUCH.findall(h))
    return out


class Reihen:
    """Protected Kreis series from one KreisValues (one read of the observations): each (indicator, year)
    is protected once for all Kreise and kept, so the Kreisprofil's trends, its Monitoring and the next
    Kreis's report reuse it instead of loading and protecting the same frames again. Values are exactly
    those of `kv.values_on(…, partial=True)` (Geheimhaltung applied); None where none can be shown."""

    def __init__(self, kv: gebietsstand.KreisValues, stand: str):
        self.kv, self.stand = kv, stand
        # (indikator, jahr) → {schluessel: (wert or None, hinweis)} or None if not convertible
        self._frames: dict[tuple[str, int], dict[str, tuple[float | None, object]] | None] = {}

    @classmethod
    def load(cls, con, stand: str, indikatoren: list[str] | None = None) -> Reihen:
        return cls(gebietsstand.KreisValues(con, indikatoren), stand)

    def _frame(self, indikator: str, jahr: int):
        key = (indikator, int(jahr))
        if key not in self._frames:
            try:
                vals, _note = self.kv.values_on(indikator, jahr, self.stand, partial=True)
            except gebietsstand.NotConvertible:
                self._frames[key] = None
            else:
                self._frames[key] = {
                    str(k): (None if formatting.is_missing(w) else float(w), h)
                    for k, w, h in zip(vals["schluessel"], vals["wert"], vals["hinweis"])
                }
        return self._frames[key]

    def series(self, indikator: str, schluessel: str) -> tuple[dict[int, float | None], set[int]]:
        """({jahr: value or None}, break years) of one Kreis, all years of the indicator, oldest first."""
        out: dict[int, float | None] = {}
        notes = []
        for jahr in sorted(self.kv.years(indikator)):
            frame = self._frame(indikator, jahr)
            got = frame.get(str(schluessel)) if frame is not None else None
            out[jahr] = got[0] if got else None
            if got:
                notes.append(got[1])
        return out, breaks(notes)


def kreis_series(kv: gebietsstand.KreisValues, indikator: str, schluessel: str, stand: str):
    """({jahr: protected value or None}, break years) of one Kreis on `stand`."""
    return Reihen(kv, stand).series(indikator, schluessel)


def validate_link(con, link: dict) -> dict:
    """A clean link or MonitoringInputError with a German message naming the field."""
    ll = str(link.get("lebenslage") or "").strip()
    ziel = str(link.get("ziel") or "").strip()
    if not ziel:
        raise MonitoringInputError("Ziel fehlt: bitte ein Ziel auswählen oder eingeben.")
    inds = queries.indicators(con, "kreis")
    ind = str(link.get("indikator") or "").strip()
    if ind not in set(inds["id"]):
        raise MonitoringInputError(f"Indikator „{ind}“ ist unbekannt oder hat keine Kreiswerte.")
    basis = link.get("basisjahr")
    if basis is None or formatting.is_missing(basis) or str(basis).strip() == "":
        raise MonitoringInputError(f"Basisjahr fehlt für „{ziel}“: ohne Basisjahr kein Monitoring.")
    try:
        basis = int(basis)
    except (TypeError, ValueError):
        raise MonitoringInputError(f"Basisjahr „{basis}“ ist keine Jahreszahl.") from None
    years = set(int(j) for j in queries.periods(con, ind, "kreis")["jahr"])
    if basis not in years:
        have = ", ".join(str(j) for j in sorted(years)) or "keine"
        raise MonitoringInputError(f"Basisjahr {basis}: für diesen Indikator gibt es keine Kreiswerte (Jahre: {have}).")
    richtung = str(link.get("richtung") or "").strip()
    if richtung not in RICHTUNGEN:
        raise MonitoringInputError("Zielrichtung muss „senken“ oder „steigern“ sein.")
    zielwert = link.get("zielwert")
    zielwert = (
        None
        if zielwert is None or formatting.is_missing(zielwert) or str(zielwert).strip() == ""
        else float(str(zielwert).replace(",", "."))
    )
    zieljahr = link.get("zieljahr")
    zieljahr = None if zieljahr in (None, "") or formatting.is_missing(zieljahr) else int(zieljahr)
    if zieljahr is not None and zieljahr <= basis:
        raise MonitoringInputError(f"Zieljahr {zieljahr} muss nach dem Basisjahr {basis} liegen.")
    if not ll:
        ll = str(inds.loc[inds["id"] == ind, "lebenslage"].iloc[0])
    kreis = link.get("kreis") or None
    return {
        "id": link.get("id"),
        "lebenslage": ll,
        "ziel": ziel,
        "indikator": ind,
        "basisjahr": basis,
        "richtung": richtung,
        "zielwert": zielwert,
        "zieljahr": zieljahr,
        "kreis": kreis,
    }


def monitoring(con, schluessel: str, stand: str = gebietsstand.AB, reihen: Reihen | None = None) -> pd.DataFrame:
    """One row per goal link that applies to the Kreis: goal, indicator, light, rule, values. `reihen`:
    series already loaded (e.g. by the Kreisprofil report) on the same `stand`."""
    links = ziele_store.links(con, schluessel)
    cols = [
        "lebenslage",
        "lebenslage_name",
        "ziel",
        "indikator",
        "indikator_name",
        "basisjahr",
        "richtung",
        "zielwert",
        "zieljahr",
        "status",
        "farbe",
        "symbol",
        "regel",
        "basiswert",
        "aktuell",
        "aktuell_jahr",
        "einheit",
        "dezimalen",
        "id",
    ]
    if links.empty:
        return pd.DataFrame(columns=cols)
    cat = queries.indicators(con)
    cat = {r["id"]: r for r in cat.to_dict("records")}
    if reihen is None or reihen.stand != stand:
        reihen = Reihen.load(con, stand, sorted(set(links["indikator"])))
    rows = []
    for link in links.to_dict("records"):
        ind = cat.get(link["indikator"], {})
        dez = ind.get("dezimalen")
        dez = None if dez is None or formatting.is_missing(dez) or dez is pd.NA else int(dez)
        series, brueche = reihen.series(link["indikator"], schluessel)
        zw = link.get("zielwert")
        a = ampel(
            series,
            basisjahr=int(link["basisjahr"]),
            richtung=link["richtung"],
            zielwert=None if zw is None or formatting.is_missing(zw) else float(zw),
            brueche=brueche,
            dezimalen=dez,
            einheit=ind.get("einheit") or "",
        )
        rows.append(
            {
                **{
                    k: link[k]
                    for k in ("lebenslage", "ziel", "indikator", "basisjahr", "richtung", "zielwert", "zieljahr", "id")
                },
                "lebenslage_name": ind.get("lebenslage_name") or link["lebenslage"],
                "indikator_name": ind.get("name") or link["indikator"],
                "status": a.status,
                "farbe": a.farbe,
                "symbol": SYMBOL[a.status],
                "regel": a.regel,
                "basiswert": a.basiswert,
                "aktuell": a.aktuell,
                "aktuell_jahr": a.aktuell_jahr,
                "einheit": ind.get("einheit") or "",
                "dezimalen": dez,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def report_rows(mon: pd.DataFrame) -> list[dict]:
    """Rows for the Kreis report (render/templates/kreisprofil.typ, section 'Ziele und Monitoring')."""
    return [
        {"ziel": r.ziel, "indikator": r.indikator_name, "ampel": r.status, "farbe": r.farbe, "regel": r.regel}
        for r in mon.itertuples()
    ]
