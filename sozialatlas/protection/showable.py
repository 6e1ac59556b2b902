"""Showable rows: the one way from stored observations to values a page, export or API may show.

Every function here applies the Geheimhaltung (`privacy`): a gesperrt row has no wert/zaehler/nenner,
status 'gesperrt' and the reason in `hinweis` — Kreise via `kreisprivacy`, Gemeinden, Gemeindeverbände and
Jena's Bezirke via `smallarea` (decided for the whole level). The unprotected readers live in
`sozialatlas.store.unprotected`, which only this package may import.
"""

from __future__ import annotations

import pandas as pd

from sozialatlas.protection import kreisprivacy, smallarea
from sozialatlas.store import unprotected


def values(con, indikator: str, ebene: str, gebietsstand: str, jahr: int) -> pd.DataFrame:
    """Every region of the level and Gebietsstand with its value, NULL ('keine Daten') or gesperrt.

    A region without an observation stays in the result ('keine Daten'); it is never dropped, never 0.
    """
    if ebene == "kreis":
        return kreisprivacy.kreis_values(con, indikator, gebietsstand, jahr)
    raw = unprotected.values(con, indikator, ebene, gebietsstand, jahr)
    if ebene == "land":
        dec = kreisprivacy.decision(con, indikator, jahr)
        rows = [kreisprivacy.protect_land(r, dec) for r in raw.to_dict("records")]
        return pd.DataFrame(rows, columns=raw.columns) if rows else raw
    if smallarea.LEVELS.get(ebene) == gebietsstand and raw["wert"].notna().any():
        prot = smallarea.values(con, indikator, int(jahr), ebene=ebene).set_index("schluessel")
        gesperrt = raw["schluessel"].map(prot["gesperrt"]).fillna(False).astype(bool)
        return kreisprivacy.mark(raw, gesperrt, raw["schluessel"].map(prot["sperrgrund"]))
    return raw


def land_value(con, indikator: str, jahr: int) -> dict | None:
    """The Thüringen observation (wert, zaehler, stand, status, quelle, quelle_titel, hinweis) or None.

    Gesperrt (Geheimhaltung): wert NaN, status 'gesperrt', hinweis the reason.
    """
    return kreisprivacy.land_value(con, indikator, int(jahr))
