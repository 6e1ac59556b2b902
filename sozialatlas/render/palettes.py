"""Colour-blind-safe ColorBrewer palettes, chosen by an indicator's polarity.

Convention: the darker a region, the less favourable its value. A planner in a Sozialraumkonferenz can
then read every map the same way ("dunkel = Handlungsbedarf") without checking the indicator first.
"""

from __future__ import annotations

KEINE_DATEN_FARBE = "#bdbdbd"
# Withheld (Geheimhaltung): darker than 'keine Daten', lighter than the outlines; both greys carry no value.
GESPERRT_FARBE = "#6f6f6f"

# ColorBrewer 2.0 (Cynthia Brewer), schemes marked colour-blind safe; light → dark.
_SEQ = {
    "YlOrBr": {
        3: ["#fff7bc", "#fec44f", "#d95f0e"],
        4: ["#ffffd4", "#fed98e", "#fe9929", "#cc4c02"],
        5: ["#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404"],
        6: ["#ffffd4", "#fee391", "#fec44f", "#fe9929", "#d95f0e", "#993404"],
        7: ["#ffffd4", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04"],
    },
    "Blues": {
        3: ["#deebf7", "#9ecae1", "#3182bd"],
        4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
        5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
        6: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
        7: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"],
    },
}
# Diverging, orange = unfavourable side, purple = favourable side.
_DIV = {
    3: ["#f1a340", "#f7f7f7", "#998ec3"],
    4: ["#e66101", "#fdb863", "#b2abd2", "#5e3c99"],
    5: ["#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"],
    6: ["#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"],
    7: ["#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"],
}

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
        return ["#f7f7f7"]
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
