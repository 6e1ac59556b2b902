"""Daten & Quellen: the indicator catalogue and the sources as tables people read in full.

Pure (frames in, frames out): definitions, formulas and licences are long texts; the page shows them as
HTML tables that wrap (sozialatlas.render.htmltable), never cut off in a canvas grid.
"""

from __future__ import annotations

import pandas as pd

from sozialatlas.render import formatting

WERTUNG = {"hoeher_besser": "höher = günstiger", "hoeher_schlechter": "höher = ungünstiger", "neutral": "ohne Wertung"}


def _text(v) -> str:
    return v if isinstance(v, str) else ""


def indicator_table(inds: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator: name, unit, definition and formula in full, Wertung, Ebenen as German words
    in their one order, source and licence."""
    return pd.DataFrame(
        {
            "Indikator": inds["name"].to_numpy(),
            "Einheit": [_text(e) for e in inds["einheit"]],
            "Definition": [_text(d) for d in inds["definition"]],
            "Formel": [_text(f) or "–" for f in inds["formel"]],
            "abgeleitet": ["ja" if a is True else "nein" for a in inds["abgeleitet"]],
            "Wertung": [WERTUNG.get(p, "ohne Wertung") for p in inds["polaritaet"]],
            "Ebenen": [formatting.ebenen_text(e) for e in inds["ebenen"]],
            "Quelle": [_text(q) or "–" for q in inds["quelle_titel"]],
            "Lizenz": [_text(lz) or "–" for lz in inds["lizenz"]],
        }
    )


def source_table(src: pd.DataFrame) -> pd.DataFrame:
    """Every source with publisher, licence, Stand (dates as 31.12.2023) and reference."""
    return pd.DataFrame(
        {
            "Quelle": [_text(t) for t in src["titel"]],
            "Herausgeber": [_text(h) or "–" for h in src["herausgeber"]],
            "Lizenz": [_text(lz) or "–" for lz in src["lizenz"]],
            "Stand": [formatting.datum(s) if isinstance(s, str) else "–" for s in src["stand"]],
            "Referenz": [_text(r) or "–" for r in src.get("referenz", pd.Series([""] * len(src)))],
        }
    )
