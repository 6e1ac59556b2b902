"""Class breaks for choropleth maps, computed by mapclassify (no hand-written break logic).

Missing values get no class (-1) and are counted separately as 'keine Daten'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mapclassify
import numpy as np
import pandas as pd

from sozialatlas import formatting

SCHEMES = {
    "quantile": "Quantile (gleich viele Gebiete je Klasse)",
    "equal_interval": "Gleiche Intervalle",
    "fisher_jenks": "Natürliche Brüche (Fisher-Jenks)",
    "std_mean": "Standardabweichung",
    "manual": "Manuelle Grenzen",
}


class ClassificationError(ValueError):
    """German message for the user, e.g. manual breaks that are not ascending."""


@dataclass
class Classification:
    scheme: str
    bins: list[float]              # upper bounds, ascending; the last equals the maximum
    minimum: float | None
    classes: np.ndarray            # per input value: class index 0..k-1, -1 for missing
    counts: list[int] = field(default_factory=list)
    missing: int = 0

    @property
    def k(self) -> int:
        return len(self.bins)

    def labels(self, dezimalen: int | None = None) -> list[str]:
        out = []
        lower = self.minimum
        for i, upper in enumerate(self.bins):
            lo = formatting.zahl(lower, dezimalen)
            hi = formatting.zahl(upper, dezimalen)
            out.append(f"{lo} bis {hi}" if i == 0 else f"über {lo} bis {hi}")
            lower = upper
        return out


def parse_manual_breaks(text: str) -> list[float]:
    """'10; 20,5; 30' → [10.0, 20.5, 30.0]. German decimal comma; ';' or spaces separate."""
    parts = [p for p in text.replace("\n", ";").replace(" ", ";").split(";") if p.strip()]
    if not parts:
        raise ClassificationError("Bitte mindestens eine Klassengrenze eingeben, z. B. 5; 10; 15.")
    out = []
    for p in parts:
        t = p.strip().replace(".", "").replace(",", ".") if "," in p else p.strip()
        try:
            out.append(float(t))
        except ValueError:
            raise ClassificationError(f"„{p.strip()}“ ist keine Zahl. Grenzen mit Semikolon trennen, "
                                      "Dezimalkomma ist erlaubt.") from None
    if any(b >= a for a, b in zip(out[1:], out[:-1])):
        raise ClassificationError("Die Klassengrenzen müssen aufsteigend sein.")
    return out


def classify(values, scheme: str = "quantile", k: int = 5, manual: list[float] | None = None) -> Classification:
    vals = pd.to_numeric(pd.Series(values, dtype="float64"), errors="coerce").to_numpy(dtype=float)
    present = ~np.isnan(vals)
    y = vals[present]
    classes = np.full(len(vals), -1, dtype=int)
    if scheme not in SCHEMES:
        raise ClassificationError(f"Unbekannte Klassifikation {scheme!r}.")
    if y.size == 0:
        return Classification(scheme, [], None, classes, [], int((~present).sum()))
    k = int(max(3, min(7, k)))
    n_unique = len(np.unique(y))
    if scheme == "manual":
        if not manual:
            raise ClassificationError("Für manuelle Klassen bitte Grenzen angeben.")
        upper = [b for b in manual if b < y.max()] + [float(y.max())]
        mc = mapclassify.UserDefined(y, bins=upper)
    elif n_unique <= 1:
        mc = mapclassify.UserDefined(y, bins=[float(y.max())])
    else:
        k_eff = min(k, n_unique)
        if scheme == "quantile":
            mc = mapclassify.Quantiles(y, k=k_eff)
        elif scheme == "equal_interval":
            mc = mapclassify.EqualInterval(y, k=k_eff)
        elif scheme == "fisher_jenks":
            mc = mapclassify.FisherJenks(y, k=k_eff)
        else:
            mc = mapclassify.StdMean(y)
    classes[present] = np.asarray(mc.yb, dtype=int)
    bins = [float(b) for b in mc.bins]
    counts = [int((classes == i).sum()) for i in range(len(bins))]
    return Classification(scheme, bins, float(y.min()), classes, counts, int((~present).sum()))
