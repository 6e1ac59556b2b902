"""Cached data access for the Kreisvergleich page (values on either Gebietsstand, Kreis names)."""

from __future__ import annotations

from sozialatlas.ui import data
from sozialatlas.views import kreisvergleich


@data.cached(max_entries=data.LARGE)
def values_on(indikator: str, jahr: int, stand: str):
    """(values, note, refusal) — see sozialatlas.views.kreisvergleich.load."""
    return kreisvergleich.load(data.connection(), indikator, int(jahr), stand)


@data.cached()
def kreise(stand: str):
    """schluessel → name of the Kreise of a Gebietsstand, sorted by name (for the selectbox)."""
    df = data.shapes("kreis", stand)[["schluessel", "name"]].sort_values("name")
    return dict(zip(df["schluessel"], df["name"]))


@data.cached()
def n_kreise(stand: str, kreistyp: str) -> int:
    """How many Kreise a Kreistyp filter leaves on a Gebietsstand (bounds the number of classes)."""
    shapes = data.shapes("kreis", stand)
    return int(kreisvergleich.kreistyp_mask(shapes, kreistyp).sum())
