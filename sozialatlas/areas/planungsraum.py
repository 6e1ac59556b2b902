"""Planungsräume: a Kreis groups its Gemeinden into planning areas of its own.

A definition (Gliederung) belongs to one Kreis (22-Kreise Gebietsstand) and maps each Gemeinde to at most one
Planungsraum. Values of a Planungsraum are computed from its Gemeinden: counts are summed, rates are
recomputed from the summed numerators and denominators (never averaged), indices cannot be combined.
Everything shown passes the Geheimhaltung (`sozialatlas.protection.privacy`) with every published aggregate
— each Planungsraum of every definition, the Kreise, the Land — as groups, so differences between
Planungsräume, Kreise and Gemeinden cannot reveal a small count.

This module validates, dissolves, aggregates and reads/writes CSV; every SQL statement (schema, save,
delete, reads) is in `sozialatlas.store.planungsraeume` (re-exported here for callers). Definitions are user
data: `sozialatlas.store.versions` records every save/delete as a dataset version and `db.build` carries the
tables over into a rebuilt database.
"""

from __future__ import annotations

import io
import math
import re
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sozialatlas import settings
from sozialatlas.protection import smallarea
from sozialatlas.store import planungsraeume as store
from sozialatlas.store import versions
from sozialatlas.store.planungsraeume import (  # re-exported: callers know them from here
    BEISPIEL_KREIS,
    BEISPIEL_NAME,
    GEBIETSSTAND,
    NotAggregatable,
    PlanungsraumError,
    create_schema,
    definition,
    groups,
    list_definitions,
    members,
)

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "BEISPIEL_KREIS",
    "BEISPIEL_NAME",
    "GEBIETSSTAND",
    "NotAggregatable",
    "PlanungsraumError",
    "aggregate",
    "create_schema",
    "definition",
    "delete",
    "from_csv",
    "groups",
    "list_definitions",
    "members",
    "save",
    "shapes",
    "to_csv",
    "validate_mapping",
]


# ---------------------------------------------------------------------------------------------------
# Validation, save, delete, read
# ---------------------------------------------------------------------------------------------------


def _zeilen(mapping: pd.DataFrame) -> list:
    if "zeile" in mapping:
        return mapping["zeile"].tolist()
    return list(range(1, len(mapping) + 1))


def validate_mapping(
    con: duckdb.DuckDBPyConnection, kreis: str, mapping: pd.DataFrame, name: str | None = None
) -> list[str]:
    """German descriptions of every problem of a Gemeinde → Planungsraum mapping for `kreis` (empty: ok).

    mapping: columns ``ags`` and ``planungsraum`` (optionally ``zeile``: line numbers for messages).
    name: the definition's name; checked for emptiness and for a duplicate within the Kreis.
    """
    problems: list[str] = []
    kreis = str(kreis)
    kname = store.kreis_name(con, kreis)
    if kname is None:
        return [f"Kreis {kreis} ist kein Thüringer Kreis (Gebietsstand ab 01.07.2021)."]
    if name is not None:
        if not str(name).strip():
            problems.append("Bitte einen Namen für die Gliederung angeben.")
        elif store.name_taken(con, kreis, str(name)):
            problems.append(
                f"Für {kname} gibt es bereits eine Gliederung namens „{str(name).strip()}“; "
                "bitte einen anderen Namen wählen."
            )
    missing = [c for c in ("ags", "planungsraum") if c not in mapping.columns]
    if missing:
        return problems + [f"Der Zuordnung fehlen die Spalten {', '.join(missing)} (erwartet: AGS und Planungsraum)."]
    if mapping.empty:
        return problems + ["Die Zuordnung enthält keine Gemeinde."]
    gem = store.gemeinden(con)
    kreise = store.kreis_names(con)
    seen: dict[str, tuple] = {}
    raeume: dict[str, int] = {}
    for zeile, ags_raw, pr_raw in zip(_zeilen(mapping), mapping["ags"], mapping["planungsraum"]):
        ags = "" if _blank(ags_raw) else (_normalise_ags(str(ags_raw)) or str(ags_raw).strip())
        pr = "" if _blank(pr_raw) else str(pr_raw).strip()
        if not pr:
            problems.append(f"Zeile {zeile}: Planungsraum ohne Namen" + (f" (Gemeinde {ags})." if ags else "."))
        else:
            raeume[pr] = raeume.get(pr, 0) + (1 if ags else 0)
        if not ags:
            if pr:
                problems.append(f"Zeile {zeile}: Planungsraum „{pr}“ ohne Gemeindeschlüssel (AGS).")
            continue
        if ags not in gem.index:
            problems.append(
                f"Zeile {zeile}: {ags} ist kein Gemeindeschlüssel einer Thüringer Gemeinde (Gebietsstand 31.12.2021)."
            )
            continue
        gname, gkreis = gem.at[ags, "name"], gem.at[ags, "kreis_ab"]
        if gkreis != kreis:
            problems.append(
                f"Zeile {zeile}: Die Gemeinde {gname} ({ags}) gehört nicht zu {kname}, sondern zu "
                f"{kreise.get(gkreis, gkreis)}."
            )
            continue
        if ags in seen:
            z0, p0 = seen[ags]
            if p0 == pr:
                problems.append(
                    f"Zeile {zeile}: Die Gemeinde {gname} ({ags}) steht doppelt im Planungsraum "
                    f"„{pr}“ (schon in Zeile {z0})."
                )
            else:
                problems.append(
                    f"Zeile {zeile}: Die Gemeinde {gname} ({ags}) ist zwei Planungsräumen "
                    f"zugeordnet: „{p0}“ (Zeile {z0}) und „{pr}“."
                )
            continue
        seen[ags] = (zeile, pr)
    for pr, n in raeume.items():
        if n < 1:  # rows named it, but none gave a Gemeinde
            problems.append(f"Planungsraum „{pr}“ enthält keine Gemeinde.")
    if not seen and not any("Zeile" in p for p in problems):
        problems.append("Die Zuordnung enthält keine Gemeinde.")
    return problems


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""


def _record(con: duckdb.DuckDBPyConnection, wer: str, was: str, details: dict) -> None:
    """Record the change as a dataset version (after the commit; see `save`)."""
    versions.record_change(con, wer, was, details)


def save(
    con: duckdb.DuckDBPyConnection,
    kreis: str,
    name: str,
    mapping: pd.DataFrame,
    wer: str = "admin",
    beschreibung: str = "",
) -> int:
    """Validate and store a definition in one transaction; returns its id.

    Raises PlanungsraumError with every German problem; nothing is written then. On a public instance
    (settings) nothing can be written at all.
    """
    settings.require_admin()
    kreis = str(kreis)
    problems = validate_mapping(con, kreis, mapping, name=name)
    if problems:
        raise PlanungsraumError(problems)
    clean = pd.DataFrame(
        {
            "ags": [_normalise_ags(str(a)) or str(a).strip() for a in mapping["ags"]],
            "planungsraum": [str(p).strip() for p in mapping["planungsraum"]],
        }
    )
    name = str(name).strip()
    new_id = store.save(con, kreis, name, clean, wer=wer, beschreibung=beschreibung or "")
    # After the commit: a BEGIN inside an open DuckDB transaction aborts it, so versions cannot join ours.
    _record(
        con,
        wer,
        f"Planungsräume gespeichert: {name}",
        {
            "id": new_id,
            "kreis": kreis,
            "name": name,
            "gemeinden": len(clean),
            "planungsraeume": int(clean["planungsraum"].nunique()),
        },
    )
    return new_id


def delete(con: duckdb.DuckDBPyConnection, definition_id: int, wer: str = "admin") -> None:
    """Remove a definition and its members (the example too) in one transaction."""
    settings.require_admin()
    kreis, name = store.delete(con, int(definition_id))
    _record(con, wer, f"Planungsräume gelöscht: {name}", {"id": int(definition_id), "kreis": kreis, "name": name})


def shapes(con: duckdb.DuckDBPyConnection, definition_id: int) -> gpd.GeoDataFrame:
    """One dissolved polygon per Planungsraum (union of its Gemeinden), EPSG:4326.

    Columns: planungsraum, n_gemeinden, gemeinden (names, comma-separated), flaeche_km2 (sum of the official
    areas), geometry. A definition never changes and its id is never reused, so callers may cache this by
    definition id.
    """
    df = store.member_geometries(con, int(definition_id))
    geoms = shapely.from_wkb([bytes(b) for b in df["geom"]]) if len(df) else []
    rows = []
    for pr, part in df.assign(_g=list(geoms)).groupby("planungsraum", sort=True):
        union = shapely.union_all(shapely.make_valid(np.array(part["_g"].tolist(), dtype=object)))
        rows.append(
            {
                "planungsraum": pr,
                "n_gemeinden": len(part),
                "gemeinden": ", ".join(part["name"]),
                "flaeche_km2": round(float(part["flaeche_km2"].sum()), 2),
                "geometry": union,
            }
        )
    return gpd.GeoDataFrame(
        rows,
        columns=["planungsraum", "n_gemeinden", "gemeinden", "flaeche_km2", "geometry"],
        geometry="geometry",
        crs="EPSG:4326",
    )


# ---------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------


def aggregate(
    con: duckdb.DuckDBPyConnection, definition_id: int, indikator_id: str, jahr: int, rules=None
) -> pd.DataFrame:
    """Values of the Planungsräume of a definition, protected.

    Counts (aggregation ``summe``) are summed — only when every member Gemeinde has a value, else the row
    says "keine Daten" with a hinweis. Rates (``quote``) are recomputed from the summed zaehler and
    nenner with the indicator's factor (×100, ×1.000, ×1), never averaged. Indices and rates without counts
    (``keine``) raise NotAggregatable. The Geheimhaltung of `smallarea` (with all Planungsräume, Kreise and
    the Land as groups) decides which rows are gesperrt.

    Columns: planungsraum, n_gemeinden, n_mit_wert, wert, zaehler, nenner, einwohner, gesperrt, sperrgrund,
    hinweis, stand, quelle, beispiel (True for the example definition), kreis_wert, land_wert (published
    values of the Kreis and of Thüringen for comparison). attrs: regeln, indikator, faktor, definition.
    """
    return smallarea.planungsraum_values(con, int(definition_id), indikator_id, int(jahr), rules=rules)


# ---------------------------------------------------------------------------------------------------
# CSV import / export
# ---------------------------------------------------------------------------------------------------

AGS_HEADERS = {
    "ags",
    "gemeindeschlüssel",
    "gemeindeschluessel",
    "gemeinde_ags",
    "gemeindekennziffer",
    "schluessel",
    "schlüssel",
    "ars",
}
PR_HEADERS = {"planungsraum", "planungsräume", "planungsraeume", "planungsraum_name", "sozialraum"}


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode-Text" from spreadsheet programs
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise PlanungsraumError("Die Datei ist keine Textdatei (weder UTF-8 noch Windows-1252).")


def _normalise_ags(raw: str) -> str | None:
    """AGS text from spreadsheets: '16073001', '16073001.0', '1,6073E+07'? no; 12-digit ARS → AGS."""
    s = raw.strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d+[.,]0+", s):
        s = re.split(r"[.,]", s)[0]
    if not s.isdigit():
        return None
    if len(s) == 7:  # leading zero dropped by a spreadsheet
        s = s.zfill(8)
    if len(s) == 12:  # Regionalschlüssel (ARS): Land, RB, Kreis, Verband (4), Gemeinde (3)
        s = s[:5] + s[9:]
    return s if len(s) == 8 else None


def from_csv(data: bytes) -> pd.DataFrame:
    """Read a Gemeinde → Planungsraum table: columns AGS and Planungsraum (any order, more columns allowed).

    Separator `;` or `,` (or tab), encoding UTF-8 (with or without BOM) or Windows-1252. AGS may come as
    number (16073001.0) or without leading zero. Returns columns ags, planungsraum, zeile (line number in
    the file). Raises PlanungsraumError with German messages naming the lines.
    """
    if not data or not data.strip():
        raise PlanungsraumError("Die Datei ist leer.")
    text = _decode(data)
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    sep = max((";", ",", "\t"), key=first.count)
    if first.count(sep) == 0:
        raise PlanungsraumError(
            "Zeile 1: Die Kopfzeile braucht zwei Spalten „AGS“ und „Planungsraum“, getrennt durch Semikolon oder Komma."
        )
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f"Zeile {m.group(1)}: " if m else ""
        raise PlanungsraumError(
            f"{where}Die Datei lässt sich nicht als Tabelle lesen (falsche Spaltenzahl?)."
        ) from None
    cols = {c: c.strip().lower().lstrip("\ufeff") for c in df.columns}
    ags_col = next((c for c, low in cols.items() if low in AGS_HEADERS), None)
    pr_col = next((c for c, low in cols.items() if low in PR_HEADERS), None)
    missing = [label for label, c in (("AGS", ags_col), ("Planungsraum", pr_col)) if c is None]
    if missing:
        raise PlanungsraumError(
            f"Zeile 1: Spalte(n) {' und '.join(missing)} fehlen in der Kopfzeile "
            f"(gefunden: {', '.join(map(str, df.columns))})."
        )
    problems, rows = [], []
    for i, (a, p) in enumerate(zip(df[ags_col], df[pr_col])):
        zeile = i + 2
        a, p = str(a).strip(), str(p).strip()
        if not a and not p:
            continue
        ags = _normalise_ags(a) if a else ""
        if a and ags is None:
            problems.append(f"Zeile {zeile}: „{a}“ ist kein Gemeindeschlüssel (8 Ziffern, z. B. 16073077).")
            continue
        rows.append({"ags": ags, "planungsraum": p, "zeile": zeile})
    if problems:
        raise PlanungsraumError(problems)
    if not rows:
        raise PlanungsraumError("Die Datei enthält keine Zeile mit Gemeinde und Planungsraum.")
    return pd.DataFrame(rows, columns=["ags", "planungsraum", "zeile"])


def to_csv(con: duckdb.DuckDBPyConnection, definition_id: int) -> bytes:
    """The definition as CSV (UTF-8 with BOM for spreadsheets, `;`): AGS;Gemeinde;Planungsraum."""
    m = members(con, definition_id)
    out = pd.DataFrame({"AGS": m["ags"], "Gemeinde": m["gemeinde"], "Planungsraum": m["planungsraum"]})
    out = out.sort_values(["Planungsraum", "AGS"], kind="mergesort")
    return ("\ufeff" + out.to_csv(sep=";", index=False, lineterminator="\n")).encode("utf-8")
