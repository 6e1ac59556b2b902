"""Tables as a person reads them: German headers, German numbers, 'keine Daten' instead of blanks."""

from __future__ import annotations

import pandas as pd

from sozialatlas import formatting

STATUS_TEXT = {
    "ok": "veröffentlicht",
    "abgeleitet": "abgeleitet (eigene Berechnung)",
    "umgerechnet": "umgerechnet",
    "fehlend": "keine Daten",
}


def rank_desc(values: pd.Series) -> pd.Series:
    """Rank 1 = highest value; ties share the better rank; missing values get no rank."""
    return values.rank(ascending=False, method="min").astype("Int64")


RANK = "Rang (1 = höchster Wert)"


def region_table(vals: pd.DataFrame, *, einheit: str, dezimalen: int | None, ebene_label: str,
                 full: bool = False) -> pd.DataFrame:
    """One row per region, also those without data (shown as 'keine Daten', never 0).

    The compact table sits beside the map (few columns, readable on a beamer); `full=True` adds key,
    Stand, status and source for downloads.
    """
    out = pd.DataFrame({
        ebene_label: vals["name"].to_numpy(),
        f"Wert ({einheit})" if einheit else "Wert": [formatting.zahl(v, dezimalen) for v in vals["wert"]],
        RANK: [str(r) if pd.notna(r) else "–" for r in rank_desc(vals["wert"])],
        "Status": [STATUS_TEXT.get(s, "keine Daten") if isinstance(s, str) else "keine Daten"
                   for s in vals["status"]],
    })
    out["_rang"] = rank_desc(vals["wert"]).to_numpy()
    if full:
        out.insert(1, "Schlüssel", vals["schluessel"].to_numpy())
        out["Stand"] = [formatting.datum(s) if isinstance(s, str) else "" for s in vals["stand"]]
        out["Quelle"] = [q if isinstance(q, str) else "" for q in vals["quelle_titel"]]
    return out


def sort_for_display(table: pd.DataFrame) -> pd.DataFrame:
    """Best-known order for reading: by rank, regions without data at the end (by name)."""
    return (table.sort_values(["_rang", table.columns[0]], na_position="last", kind="mergesort")
            .drop(columns="_rang").reset_index(drop=True))
