"""Map colours stay apart for colour-blind readers and on a monochrome beamer (CAM02-UCS, colorspacious).

For every palette the app uses (sequential for each polarity, diverging for each polarity, 3–7 classes):
adjacent classes differ by ΔE ≥ 10 under deuteranopia, protanopia, tritanopia (full severity) and in
greyscale, and 'keine Daten' and 'gesperrt' differ by ΔE ≥ 10 from every class and from each other.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from sozialatlas.render import palettes

MIN_DELTA_E = 10.0


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)]) / 255.0


def _cvd(kind: str):
    space = {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100}

    def sim(rgb: np.ndarray) -> np.ndarray:
        return np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)

    return sim


def _grey(rgb: np.ndarray) -> np.ndarray:
    # what a monochrome projector shows: the colour's lightness, no hue (CIE J'≈L* of the same luminance)
    jch = cspace_convert(rgb, "sRGB1", "JCh")
    return np.clip(cspace_convert(np.array([jch[0], 0.0, 0.0]), "JCh", "sRGB1"), 0, 1)


VISION = {
    "Deuteranopie": _cvd("deuteranomaly"),
    "Protanopie": _cvd("protanomaly"),
    "Tritanopie": _cvd("tritanomaly"),
    "Graustufen": _grey,
}


def _delta(a: str, b: str, sim) -> float:
    return float(deltaE(sim(_rgb(a)), sim(_rgb(b)), input_space="sRGB1", uniform_space="CAM02-UCS"))


def _palettes():
    for k in range(3, 8):
        for pol in ("hoeher_schlechter", "hoeher_besser", "neutral"):
            yield f"sequenziell {pol} {k}", palettes.sequential(pol, k)
            if pol != "neutral":
                yield f"divergierend {pol} {k}", palettes.diverging(pol, k)
    for k in (1, 2):
        yield f"wenige Klassen {k}", palettes.for_classes("hoeher_schlechter", k)
        yield f"wenige Abweichungen {k}", palettes.diverging_for_classes("hoeher_schlechter", k)


@pytest.mark.parametrize("vision", list(VISION))
def test_adjacent_classes_and_no_value_fills_stay_apart(vision):
    sim = VISION[vision]
    too_close = []
    for name, colours in _palettes():
        for a, b in itertools.pairwise(colours):
            if (d := _delta(a, b, sim)) < MIN_DELTA_E:
                too_close.append(f"{name}: Nachbarklassen {a}/{b} ΔE {d:.1f}")
        for fill_name, fill in (("keine Daten", palettes.KEINE_DATEN_FARBE), ("gesperrt", palettes.GESPERRT_FARBE)):
            for c in colours:
                if (d := _delta(fill, c, sim)) < MIN_DELTA_E:
                    too_close.append(f"{name}: {fill_name} {fill}/{c} ΔE {d:.1f}")
    d = _delta(palettes.KEINE_DATEN_FARBE, palettes.GESPERRT_FARBE, sim)
    if d < MIN_DELTA_E:
        too_close.append(f"keine Daten/gesperrt ΔE {d:.1f}")
    assert not too_close, f"{vision}:\n" + "\n".join(too_close)


def test_the_check_catches_colourbrewer_blues_under_protanopia():
    """The test can fail: ColorBrewer's 7-class Blues (the old neutral palette) and a mid-grey 'keine Daten'
    are too close for some readers, which is why the palettes were re-sampled."""
    old_blues = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"]
    worst = min(_delta(a, b, VISION["Protanopie"]) for a, b in itertools.pairwise(old_blues))
    assert worst < MIN_DELTA_E
    assert _delta("#bdbdbd", "#fe9929", VISION["Graustufen"]) < MIN_DELTA_E


def test_dark_means_unfavourable():
    """The darkest class is always the unfavourable end; 'keine Daten' and 'gesperrt' are lighter than
    every class, so a missing value never looks like Handlungsbedarf."""

    def lightness(c: str) -> float:
        return float(cspace_convert(_rgb(c), "sRGB1", "CAM02-UCS")[0])

    for k in range(3, 8):
        worse = palettes.sequential("hoeher_schlechter", k)  # low → high values, high = unfavourable
        assert lightness(worse[-1]) == min(map(lightness, worse))
        better = palettes.sequential("hoeher_besser", k)  # high = favourable: low values darkest
        assert lightness(better[0]) == min(map(lightness, better))
        div = palettes.diverging("hoeher_schlechter", k)  # high values unfavourable: darkest at the top
        assert lightness(div[-1]) == min(map(lightness, div))
        assert div[-1] in palettes.UNGUENSTIG_SEITE and div[0] in palettes.GUENSTIG_SEITE
        for fill in (palettes.KEINE_DATEN_FARBE, palettes.GESPERRT_FARBE):
            assert lightness(fill) > max(map(lightness, worse + div))
