"""The planners' vocabulary: every constant that more than one layer needs, defined once.

Imported by every layer (etl, store, protection, areas, views, render, ui, pages); imports nothing from the
project. Names are the planners' own words (Kreis, Gemeinde, Gebietsstand, Ebene, Lebenslage); values are
the ids used in data/, geodata/ and the database.
"""

from __future__ import annotations

from typing import Final

# --- Gebietsstand ------------------------------------------------------------------------------------
# Eisenach joined the Wartburgkreis on 01.07.2021: Thüringen had 23 Kreise until 30.06.2021, 22 since.
KREISE_BIS: Final = "bis-2021-06-30"  # 23 Kreise
KREISE_AB: Final = "ab-2021-07-01"  # 22 Kreise
KREIS_STAENDE: Final = (KREISE_AB, KREISE_BIS)
GEBIETSSTAND_LABEL: Final = {
    KREISE_AB: "22 Kreise (ab 01.07.2021)",
    KREISE_BIS: "23 Kreise (bis 30.06.2021)",
}
# Gemeinden, Gemeindeverbände and Planungsräume are kept on one Gebietsstand (31.12.2021, 631 Gemeinden).
GEMEINDEN_STAND: Final = "2021-12-31"
LAND_STAND: Final = "land"

# --- Keys --------------------------------------------------------------------------------------------
LAND_SCHLUESSEL: Final = "16"  # Thüringen (AGS/ARS Land part)
EISENACH: Final = "16056"
WARTBURGKREIS: Final = "16063"

# --- Ebenen (levels), in their one order: from the largest area to the smallest --------------------
EBENEN: Final = ("land", "kreis", "gemeindeverband", "gemeinde", "stadtbezirk", "planungsraum")
EBENE_LABEL: Final = {
    "land": "Land",
    "kreis": "Kreis",
    "gemeindeverband": "Gemeindeverband",
    "gemeinde": "Gemeinde",
    "stadtbezirk": "Stadtbezirk",
    "planungsraum": "Planungsraum",
}
EBENE_PLURAL: Final = {
    "land": "Land",
    "kreis": "Kreise",
    "gemeindeverband": "Gemeindeverbände",
    "gemeinde": "Gemeinden",
    "stadtbezirk": "Jena: statistische Bezirke",
    "planungsraum": "Planungsräume",
}


def ebenen_sorted(ebenen) -> list[str]:
    """Levels in the one order of EBENEN (unknown ids last, alphabetically)."""
    return sorted(set(ebenen), key=lambda e: (EBENEN.index(e) if e in EBENEN else len(EBENEN), e))


# --- Lebenslagen (data/lebenslagen.csv holds names and descriptions) ---------------------------------
LEBENSLAGEN: Final = ("familie", "bildung", "wohnen", "gesundheit", "oekonomie", "teilhabe", "migration")

# --- Observation status ------------------------------------------------------------------------------
STATUS: Final = ("ok", "abgeleitet", "umgerechnet", "fehlend", "gesperrt")

# --- Aggregation of an indicator over areas -------------------------------------------------------
# summe: counts (summed; always protected as counts); quote: rate from Zähler/Nenner (recomputed);
# keine: index or published share without counts (never combined).
AGGREGATIONEN: Final = ("summe", "quote", "keine")
