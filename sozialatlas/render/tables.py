"""Tables as a person reads them: German headers, German numbers, 'keine Daten' instead of blanks,
'gesperrt' where the Geheimhaltung withholds a value."""

from __future__ import annotations

import pandas as pd

from sozialatlas.render import formatting

STATUS_TEXT = {
    "ok": "veröffentlicht",
    "abgeleitet": "abgeleitet (eigene Berechnung)",
    "umgerechnet": "umgerechnet",
    "fehlend": "keine Daten",
    "gesperrt": "gesperrt (Geheimhaltung)",
}


def rank_desc(values: pd.Series) -> pd.Series:
    """Rank 1 = highest value; ties share the better rank; missing values get no rank."""
    return values.rank(ascending=False, method="min").astype("Int64")


RANK = "Rang (1 = höchster Wert)"


def region_table(
    vals: pd.DataFrame, *, einheit: str, dezimalen: int | None, ebene_label: str, full: bool = False
) -> pd.DataFrame:
    """One row per region, also those without data (shown as 'keine Daten', never 0) and gesperrt ones
    (status 'gesperrt': shown as 'gesperrt', no rank).

    The compact table sits beside the map (few columns, readable on a beamer); `full=True` adds key,
    Stand, status and source for downloads.
    """
    out = pd.DataFrame(
        {
            ebene_label: vals["name"].to_numpy(),
            f"Wert ({einheit})" if einheit else "Wert": [
                formatting.zahl_oder_status(v, s, dezimalen) for v, s in zip(vals["wert"], vals["status"])
            ],
            RANK: [str(r) if pd.notna(r) else "–" for r in rank_desc(vals["wert"])],
            "Status": [
                STATUS_TEXT.get(s, "keine Daten") if isinstance(s, str) else "keine Daten" for s in vals["status"]
            ],
        }
    )
    out["_rang"] = rank_desc(vals["wert"]).to_numpy()
    out["_gesperrt"] = vals["status"].eq(formatting.GESPERRT).to_numpy()
    if full:
        out.insert(1, "Schlüssel", vals["schluessel"].to_numpy())
        out["Stand"] = [formatting.datum(s) if isinstance(s, str) else "" for s in vals["stand"]]
        out["Quelle"] = [q if isinstance(q, str) else "" for q in vals["quelle_titel"]]
    return out


def sort_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """Best-known order for reading: by rank, then gesperrt regions, regions without data at the end (by
    name)."""
    order = table.assign(_keine=~table["_gesperrt"]) if "_gesperrt" in table else table.assign(_keine=True)
    return (
        order.sort_values(["_rang", "_keine", table.columns[0]], na_position="last", kind="mergesort")
        .drop(columns=[c for c in ("_rang", "_gesperrt", "_keine") if c in order])
        .reset_index(drop=True)
    )
