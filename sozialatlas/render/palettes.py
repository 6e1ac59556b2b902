"""Colour-blind-safe ColorBrewer palettes, chosen by an indicator's polarity.

Convention: the darker a region, the less favourable its value. A planner in a Sozialraumkonferenz can
then read every map the same way ("dunkel = Handlungsbedarf") without checking the indicator first.
"""

from __future__ import annotations

# Palettes for maps shown on monochrome beamers and read by colour-blind planners (tests/test_palettes.py):
# every two adjacent classes, and both "no value" fills against every class, differ by ΔE ≥ 10 in CAM02-UCS
# under deuteranopia, protanopia, tritanopia and in greyscale. Greyscale only keeps lightness, so the classes
# are spaced in CAM02-UCS lightness J' from 79 (lightest class) to 16 (darkest; 12 with 7 classes, spacing
# tuned so the colour-vision simulations keep ΔE ≥ 10 as well), and the two fills
# without a value sit above them: 'keine Daten' white (J' 100), 'gesperrt' light grey (J' 89.5). Neither
# can be mistaken for a class, and both stay light: no value is never "ungünstig".
KEINE_DATEN_FARBE = "#ffffff"
# Withheld (Geheimhaltung): between 'keine Daten' and the lightest class; carries no value either.
GESPERRT_FARBE = "#dfdbda"
# The diverging palettes' centre class (around the reference): a neutral grey at J' 79.
MITTE_FARBE = "#bfbcbb"

# Hues of ColorBrewer 2.0 (Cynthia Brewer) YlOrBr / Blues / Purples, re-sampled at evenly spaced
# CAM02-UCS lightness (ColorBrewer's own steps are uneven: 6-7 Blues were too close under protanopia).
# Light → dark.
_SEQ = {
    "YlOrBr": {
        3: ["#fea433", "#b14004", "#36180a"],
        4: ["#fea433", "#d55606", "#8a3006", "#36180a"],
        5: ["#fea433", "#e3660f", "#b14004", "#762a06", "#36180a"],
        6: ["#fea433", "#ec7014", "#c94a02", "#9b3504", "#692606", "#36180a"],
        7: ["#fea433", "#ef7718", "#d25305", "#ac3d04", "#7d2d06", "#52200a", "#261108"],
    },
    "Blues": {
        3: ["#97c6df", "#2272b5", "#0e2243"],
        4: ["#97c6df", "#3f8fc4", "#0c559f", "#0e2243"],
        5: ["#97c6df", "#529ccc", "#2272b5", "#0a488e", "#0e2243"],
        6: ["#97c6df", "#5ea5d0", "#3483be", "#1561a8", "#0a4082", "#0e2243"],
        7: ["#97c6df", "#67abd4", "#3988c1", "#1b69ae", "#094c95", "#08316c", "#0c192d"],
    },
}
# Diverging, orange-brown = unfavourable side, purple = favourable side, listed unfavourable → favourable.
# The unfavourable side runs down to J' 16, the favourable side only to J' 47.5: "dunkel = ungünstig"
# holds on diverging maps too, and adjacent classes differ in lightness even where the hue cannot help.
_DIV = {
    3: ["#6f2806", MITTE_FARBE, "#8c89bf"],
    4: ["#36180a", "#b14004", "#babada", "#9f9bc8"],
    5: ["#36180a", "#b14004", MITTE_FARBE, "#9f9bc8", "#817ebb"],
    6: ["#36180a", "#8a3006", "#d55606", "#babada", "#9f9bc8", "#817ebb"],
    7: ["#36180a", "#8a3006", "#d55606", MITTE_FARBE, "#9f9bc8", "#817ebb", "#705faa"],
}
UNGUENSTIG_SEITE = {c for cs in _DIV.values() for c in cs[: len(cs) // 2]}
GUENSTIG_SEITE = {c for cs in _DIV.values() for c in cs[(len(cs) + 1) // 2 :]}

POLARITAET_TEXT = {
    "hoeher_besser": "Höhere Werte sind günstiger.",
    "hoeher_schlechter": "Höhere Werte sind ungünstiger.",
    "neutral": "Keine Wertung: höhere Werte sind weder günstiger noch ungünstiger.",
}


def sequential(polaritaet: str, k: int) -> list[str]:
    """k colours for classes ordered from the lowest to the highest value."""
    k = max(3, min(7, k))
    if polaritaet == "neutral":
        return list(_SEQ["Blues"][k])
    colours = list(_SEQ["YlOrBr"][k])
    return colours[::-1] if polaritaet == "hoeher_besser" else colours


def for_classes(polaritaet: str, k: int) -> list[str]:
    """Like sequential, also for fewer than three classes (few distinct values): the darkest end."""
    if k <= 0:
        return []
    return sequential(polaritaet, k) if k >= 3 else sequential(polaritaet, 3)[-k:]


def diverging(polaritaet: str, k: int) -> list[str]:
    """k colours from lowest to highest around a reference; the unfavourable side is orange."""
    k = max(3, min(7, k))
    colours = list(_DIV[k])  # orange (low) … purple (high)
    return colours[::-1] if polaritaet == "hoeher_schlechter" else colours


def diverging_for_classes(polaritaet: str, k: int) -> list[str]:
    """Like diverging, also for one or two classes (few distinct deviations): the colours next to the centre."""
    if k <= 0:
        return []
    if k == 1:
        return [MITTE_FARBE]
    if k == 2:
        return diverging(polaritaet, 4)[1:3]
    return diverging(polaritaet, k)


def legend_direction(polaritaet: str) -> str:
    if polaritaet == "hoeher_schlechter":
        return "Dunkle Farben = ungünstig (hohe Werte)."
    if polaritaet == "hoeher_besser":
        return "Dunkle Farben = ungünstig (niedrige Werte)."
    return "Dunkle Farben = hohe Werte (ohne Wertung)."


def hex_to_rgba(hex_colour: str, alpha: int = 230) -> list[int]:
    """'#rrggbb' → [r, g, b, alpha]; '#rrggbbaa' keeps its own alpha (e.g. '#ffffff00' = no fill)."""
    h = hex_colour.lstrip("#")
    if len(h) == 8:
        alpha = int(h[6:8], 16)
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]
