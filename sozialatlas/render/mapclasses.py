"""Classes, colours and legend entries of one choropleth — everything a map and its legend share.

Two colourings:
- sequential: classes by the chosen scheme, light → dark towards the unfavourable end (palettes).
- diverging around a reference value (the Thüringen value): the chosen scheme classifies the absolute
  deviations from the reference, and the classes are mirrored around it, so a class never straddles the
  reference and equally dark colours mean equally large deviations on both sides. With an odd number of
  classes the middle class holds the values closest to the reference. Manual breaks stay sequential (their
  bounds are the user's own), and without a reference the map falls back to sequential with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialatlas.render import classify, formatting, palettes


@dataclass(frozen=True)
class ClassSettings:
    """What the user chose for a map (see sozialatlas.ui.mapcontrols.class_controls)."""

    scheme: str = "quantile"
    k: int = 5
    manual_breaks: tuple[float, ...] | None = None
    diverging: bool = False


@dataclass
class LegendEntry:
    label: str
    colour: str
    count: int


@dataclass
class MapClasses:
    classes: np.ndarray  # per input value: class index, -1 = keine Daten
    colours: list[str]  # one per class, lowest values first
    labels: list[str]
    counts: list[int]
    missing: int
    diverging: bool
    reference: float | None
    direction: str  # which end is favourable, for the legend title
    notes: list[str] = field(default_factory=list)  # e.g. why diverging fell back to sequential
    scheme: str = "quantile"

    @property
    def k(self) -> int:
        return len(self.colours)

    @property
    def fill(self) -> list[str]:
        """One hex colour per input value; 'keine Daten' is grey, never the colour of a low class."""
        return [self.colours[c] if c >= 0 else palettes.KEINE_DATEN_FARBE for c in self.classes]

    def entries(self, gebiet_plural: str = "Gebiete") -> list[LegendEntry]:
        """Legend rows, 'keine Daten' always last (also with 0 regions, so the reader knows the colour)."""
        rows = [LegendEntry(lab, col, n) for lab, col, n in zip(self.labels, self.colours, self.counts)]
        rows.append(LegendEntry(formatting.KEINE_DATEN, palettes.KEINE_DATEN_FARBE, self.missing))
        return rows

    def class_label_of(self) -> list[str]:
        """Per input value the label of its class (or 'keine Daten'), e.g. for tooltips and tables."""
        return [self.labels[c] if c >= 0 else formatting.KEINE_DATEN for c in self.classes]


def build(
    values,
    settings: ClassSettings,
    *,
    polaritaet: str,
    reference: float | None = None,
    dezimalen: int | None = None,
    reference_name: str = "Thüringen",
    reference_comparable: bool = True,
    reference_phrase: str | None = None,
    change: bool = False,
) -> MapClasses:
    """Classes and colours for `values` (NaN = keine Daten).

    change=True: the values are changes and the reference is 0. Diverging colours then have no neutral
    middle class (an even number of classes): every improvement is on the favourable side, however small
    — a white "−1,6 bis 1,6" class would paint improved and worsened Kreise alike.

    reference_comparable=False (e.g. for counts, where the Land value is a sum) disables diverging.
    reference_phrase names the reference in the legend (default 'dem Thüringen-Wert (4,2)').
    Raises classify.ClassificationError for unusable manual breaks.
    """
    notes: list[str] = []
    diverging = settings.diverging
    if diverging and settings.scheme == "manual":
        notes.append("Manuelle Grenzen werden sequenziell eingefärbt.")
        diverging = False
    elif diverging and not reference_comparable:
        notes.append(
            f"Bei Anzahlen ist der {reference_name}-Wert eine Summe und kein Vergleichsmaßstab; Farben sequenziell."
        )
        diverging = False
    elif diverging and (reference is None or formatting.is_missing(reference)):
        notes.append(
            f"Für {reference_name} liegt kein Wert vor; Farben sequenziell statt um den {reference_name}-Wert."
        )
        diverging = False
    if diverging:
        phrase = reference_phrase or f"dem {reference_name}-Wert ({formatting.zahl(reference, dezimalen)})"
        if change:
            k = (
                settings.k
                if settings.k % 2 == 0
                else (settings.k + 1 if settings.k < classify.MAX_K else settings.k - 1)
            )
            if k != settings.k:
                notes.append(
                    f"Veränderungen: {k} statt {settings.k} Klassen, damit keine Klasse Zu- und Abnahme mischt."
                )
            settings = ClassSettings(settings.scheme, k, settings.manual_breaks, settings.diverging)
        return _diverging(values, settings, polaritaet, float(reference), dezimalen, phrase, notes, change)
    cls = classify.classify(
        values, settings.scheme, settings.k, list(settings.manual_breaks) if settings.manual_breaks else None
    )
    return MapClasses(
        cls.classes,
        palettes.for_classes(polaritaet, cls.k),
        cls.labels(dezimalen),
        cls.counts,
        cls.missing,
        False,
        reference,
        palettes.legend_direction(polaritaet),
        notes,
        settings.scheme,
    )


def _diverging(values, settings, polaritaet, ref, dezimalen, r, notes, change: bool = False) -> MapClasses:
    vals = pd.to_numeric(pd.Series(values, dtype="float64"), errors="coerce").to_numpy(dtype=float)
    present = ~np.isnan(vals)
    classes = np.full(len(vals), -1, dtype=int)
    k = int(max(classify.MIN_K, min(classify.MAX_K, settings.k)))
    dev = vals[present] - ref
    a = np.abs(dev)
    odd = k % 2 == 1
    if settings.scheme == "std_mean":
        # ±1 σ around the reference is the middle class, then 1–2 σ and beyond, on both sides.
        sd = float(np.std(vals[present], ddof=1)) if present.sum() > 1 else 0.0
        odd = not change  # a change map has no neutral middle: 0 … +σ and −σ … 0 are separate classes
        # The outermost bound is never shown (those classes read 'unter …'/'über …'), so it may be open.
        bounds = [sd, 2 * sd, np.inf] if sd > 0 else [float(a.max(initial=0.0))]
    elif a.size and len(np.unique(a)) > 1:
        m = k // 2 + (1 if odd else 0)
        bounds = [float(b) for b in classify.mapclassifier(a, settings.scheme, m).bins]
    else:
        bounds = [float(a.max(initial=0.0))]
    bounds = sorted(set(bounds))
    # side index s: 0 = middle (odd) or first band next to the reference; by |deviation| ≤ bound.
    band = np.searchsorted(bounds, a, side="left")
    band = np.minimum(band, len(bounds) - 1)
    n_side = len(bounds) - (1 if odd else 0)  # classes on each side of the reference
    # class index from low to high values: lower side (far → near), [middle], upper side (near → far)
    if odd:
        mid = n_side
        idx = np.where(band == 0, mid, np.where(dev < 0, mid - band, mid + band))
    else:
        idx = np.where(dev <= 0, n_side - 1 - band, n_side + band)
    classes[present] = idx
    total = 2 * n_side + (1 if odd else 0)
    counts = [int((classes == i).sum()) for i in range(total)]
    colours = palettes.diverging_for_classes(polaritaet, total)
    labels = _diverging_labels(bounds, odd, ref, dezimalen)
    if change and polaritaet in ("hoeher_besser", "hoeher_schlechter"):
        worse, better = ("Abnahme", "Zunahme") if polaritaet == "hoeher_besser" else ("Zunahme", "Abnahme")
        direction = (
            f"Orange = {worse} (ungünstiger), lila = {better} (günstiger); je dunkler, desto stärker die Veränderung."
        )
    elif change:
        direction = "Orange = Abnahme, lila = Zunahme (ohne Wertung); je dunkler, desto stärker die Veränderung."
    elif polaritaet == "hoeher_besser":
        direction = (
            f"Orange = unter {r} (ungünstiger), lila = darüber (günstiger); je dunkler, desto größer der Abstand."
        )
    elif polaritaet == "hoeher_schlechter":
        direction = (
            f"Orange = über {r} (ungünstiger), lila = darunter (günstiger); je dunkler, desto größer der Abstand."
        )
    else:
        direction = f"Orange = unter, lila = über {r} (ohne Wertung); je dunkler, desto größer der Abstand."
    return MapClasses(
        classes, colours, labels, counts, int((~present).sum()), True, ref, direction, notes, settings.scheme
    )


def _diverging_labels(bounds: list[float], odd: bool, ref: float, dezimalen) -> list[str]:
    def z(x):
        return formatting.zahl(x, dezimalen)

    inner = bounds[0] if odd else 0.0
    outer = bounds[1:] if odd else bounds
    # lower side, far → near; the outermost class is open ('unter …') so no bound below any real value
    lower, upper = [], []
    edges = [inner] + outer  # |deviation| edges from the reference outwards
    for j in range(len(outer)):
        lo_abs, hi_abs = edges[j], edges[j + 1]
        last = j == len(outer) - 1
        lower.append(f"unter {z(ref - lo_abs)}" if last else f"{z(ref - hi_abs)} bis unter {z(ref - lo_abs)}")
        upper.append(f"über {z(ref + lo_abs)}" if last else f"über {z(ref + lo_abs)} bis {z(ref + hi_abs)}")
    if not odd and lower:
        # the band next to the reference includes the reference itself on the lower side
        j_last = len(outer) - 1
        if j_last == 0:
            lower[0] = f"bis {z(ref)}"
        else:
            lower[0] = f"{z(ref - edges[1])} bis {z(ref)}"
    middle = [f"{z(ref - inner)} bis {z(ref + inner)}"] if odd else []
    return lower[::-1] + middle + upper
