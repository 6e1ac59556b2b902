"""Class breaks for choropleth maps, computed by mapclassify (no hand-written break logic).

Missing values get no class (-1) and are counted separately as 'keine Daten'. A class is the interval
(previous bound, upper bound] as in mapclassify; the first class starts at the minimum.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import mapclassify
import numpy as np
import pandas as pd

from sozialatlas.render import formatting

SCHEMES = {
    "quantile": "Quantile (gleich viele Gebiete je Klasse)",
    "equal_interval": "Gleiche Intervalle",
    "fisher_jenks": "Natürliche Brüche (Fisher-Jenks)",
    "std_mean": "Standardabweichung",
    "manual": "Manuelle Grenzen",
}
MIN_K, MAX_K = 3, 7
# mapclassify's StdMean default: class bounds at the mean ± 1 and ± 2 standard deviations.
STD_MULTIPLES = (-2, -1, 1, 2)


class ClassificationError(ValueError):
    """German message for the user, e.g. manual breaks that are not ascending."""


@dataclass
class Classification:
    scheme: str
    bins: list[float]  # upper bounds, ascending (mapclassify's bins)
    minimum: float | None
    classes: np.ndarray  # per input value: class index 0..k-1, -1 for missing
    counts: list[int] = field(default_factory=list)
    missing: int = 0
    # Set for std_mean: mean and standard deviation, so labels can say where a class lies.
    mean: float | None = None
    std: float | None = None

    @property
    def k(self) -> int:
        return len(self.bins)

    def labels(self, dezimalen: int | None = None) -> list[str]:
        """One German range text per class.

        The first class reads 'min bis b0'; if b0 lies below the minimum (possible for Standardabweichung
        and manual breaks) that class is empty and reads 'bis b0', never an inverted range.
        """

        def z(x):
            return formatting.zahl(x, dezimalen)

        out = []
        for i, upper in enumerate(self.bins):
            if i == 0:
                lo = self.minimum
                text = f"{z(lo)} bis {z(upper)}" if lo is not None and lo <= upper else f"bis {z(upper)}"
            else:
                text = f"über {z(self.bins[i - 1])} bis {z(upper)}"
            out.append(text)
        if self.scheme == "std_mean" and self.std:
            out = [f"{t} ({s})" for t, s in zip(out, self._sigma_notes())]
        return out

    def _sigma_notes(self) -> list[str]:
        names = {-2: "−2 σ", -1: "−1 σ", 1: "+1 σ", 2: "+2 σ"}
        bounds = [names[m] for m in STD_MULTIPLES]
        notes = []
        for i in range(self.k):
            if i == 0:
                notes.append(f"bis {bounds[0]}")
            elif i < len(bounds):
                a, b = bounds[i - 1], bounds[i]
                notes.append("Mittelwert ± 1 σ" if (a, b) == ("−1 σ", "+1 σ") else f"{a} bis {b}")
            else:
                notes.append(f"über {bounds[-1]}")
        return notes


def parse_number(text: str) -> float:
    """One number as a German planner types it: '20,5', '1.250,5', '1.250' (thousands), '-3'.

    A dot without a comma is read as a thousands separator only in the form 1.250 / 12.500.000,
    otherwise as a decimal point (so '2.5' still means 2,5).
    """
    t = text.strip().replace("\u2212", "-").replace(" ", "")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", t):
        t = t.replace(".", "")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", t):
        raise ValueError(text)
    value = float(t)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_manual_breaks(text: str) -> list[float]:
    """'10; 20,5; 30' → [10.0, 20.5, 30.0]. German decimal comma; ';' or line breaks separate.

    Raises ClassificationError with a German sentence for the user.
    """
    parts = [p.strip() for p in re.split(r"[;\n]", text or "") if p.strip()]
    if not parts:
        raise ClassificationError("Bitte mindestens eine Klassengrenze eingeben, z. B. 5; 10; 15.")
    out = []
    for p in parts:
        try:
            out.append(parse_number(p))
        except ValueError:
            raise ClassificationError(
                f"„{p}“ ist keine Zahl. Grenzen mit Semikolon trennen, Dezimalkomma ist erlaubt (z. B. 5; 10,5; 20)."
            ) from None
    if any(b <= a for a, b in zip(out, out[1:])):
        raise ClassificationError(
            "Die Klassengrenzen müssen aufsteigend sein und dürfen sich nicht wiederholen (z. B. 5; 10; 15)."
        )
    if len(out) > MAX_K:
        raise ClassificationError(f"Höchstens {MAX_K} Klassengrenzen angeben.")
    return out


def format_breaks(breaks: list[float]) -> str:
    """The inverse of parse_manual_breaks, for showing breaks in a text field: '10; 20,5; 30'."""
    return "; ".join(f"{b:.10g}".replace(".", ",") for b in breaks)


def mapclassifier(y: np.ndarray, scheme: str, k: int):
    """The mapclassify classifier for present values y (k is not clamped here; callers decide)."""
    n_unique = len(np.unique(y))
    if n_unique <= 1:
        return mapclassify.UserDefined(y, bins=[float(y.max())])
    k_eff = max(1, min(k, n_unique))
    if scheme == "quantile":
        return mapclassify.Quantiles(y, k=k_eff)
    if scheme == "equal_interval":
        return mapclassify.EqualInterval(y, k=k_eff)
    if scheme == "fisher_jenks":
        return mapclassify.FisherJenks(y, k=k_eff)
    if scheme == "std_mean":
        return mapclassify.StdMean(y, multiples=list(STD_MULTIPLES))
    raise ClassificationError(f"Unbekannte Klassifikation {scheme!r}.")


def classify(values, scheme: str = "quantile", k: int = 5, manual: list[float] | None = None) -> Classification:
    """Classes for a choropleth: k (3 to 7) classes by `scheme`; missing values get class -1.

    Manual breaks are the upper bounds of the classes; a last class up to the maximum is added when
    values lie above the highest break. Breaks are kept even if no value falls below them, so the same
    breaks give the same legend in every year.
    """
    vals = pd.to_numeric(pd.Series(values, dtype="float64"), errors="coerce").to_numpy(dtype=float)
    present = ~np.isnan(vals)
    y = vals[present]
    classes = np.full(len(vals), -1, dtype=int)
    if scheme not in SCHEMES:
        raise ClassificationError(f"Unbekannte Klassifikation {scheme!r}.")
    if scheme == "manual" and not manual:
        raise ClassificationError("Für manuelle Klassen bitte Grenzen angeben.")
    if y.size == 0:
        return Classification(scheme, [], None, classes, [], int((~present).sum()))
    k = int(max(MIN_K, min(MAX_K, k)))
    if scheme == "manual":
        mc = mapclassify.UserDefined(y, bins=list(manual))
        if mc.k > MAX_K:
            raise ClassificationError(
                f"Höchstens {MAX_K} Klassen: Werte reichen bis {formatting.zahl(float(y.max()))}, "
                f"dafür kommt eine Klasse über der höchsten Grenze hinzu. Bitte höchstens "
                f"{MAX_K - 1} Grenzen unter dem Höchstwert angeben."
            )
    else:
        mc = mapclassifier(y, scheme, k)
    classes[present] = np.asarray(mc.yb, dtype=int)
    bins = [float(b) for b in mc.bins]
    counts = [int((classes == i).sum()) for i in range(len(bins))]
    mean = std = None
    if scheme == "std_mean" and len(np.unique(y)) > 1:
        mean, std = float(y.mean()), float(y.std(ddof=1))
    return Classification(scheme, bins, float(y.min()), classes, counts, int((~present).sum()), mean, std)
