"""Import a planner's own table (CSV or XLSX) as an indicator: read, check, report – never write.

The API the Import page and the CLI use:

    table = read_table(data, filename, sheet=None)        # never raises for bad bytes; see table.problems
    report = validate(con, table, meta)                  # every problem as a German sentence + fix
    if report.ok:
        versions.apply_import(con, report.indikator, report.observations, wer, datei)

`read_table` understands what German offices produce: UTF-8 (with or without BOM) or Windows-1252,
`;`, `,` or tab as separator, decimal comma with thousands dots or plain decimal points, keys that Excel
turned into numbers, a long layout (region, Jahr, Wert [, Zähler, Nenner, Stand, Hinweis]) or a wide
one (region + one column per year), title rows above the header and footnotes below the table.
`validate` checks regions against the Gebietsstand they belong to, numbers, years, duplicates and the
metadata of a new indicator, and says which existing values an import would change.

Contract with `sozialatlas.store.versions.apply_import(con, report.indikator, report.observations, wer, datei)`:
- `report.indikator`: the catalogue row (columns of table `indikator`) plus `stand`. For a new source
  `indikator["quelle"]` is the source's title (apply_import creates the source `import-<id>`), otherwise
  the id of a stored source. For an existing indicator it is the stored row with `ebenen` widened by the
  levels of the file.
- `report.quelle`: the row of table `quelle` the values will point to (`report.quelle_neu`: it is new).
- `report.observations`: the columns of table `beobachtung` without `beispiel`; an observation replaces a
  stored one with the same (indikator, ebene, schluessel, gebietsstand, jahr).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sozialatlas import domain
from sozialatlas.importer import layout as importer_layout
from sozialatlas.importer import meta as importer_meta
from sozialatlas.importer import rows as importer_rows
from sozialatlas.importer.files import FileProblem, cell_text, read_grid, short
from sozialatlas.importer.model import OBS_COLUMNS, PREVIEW_ROWS, Layout, Problem, RawTable, Report, de_int
from sozialatlas.importer.regions import AB, BIS, GEM, LAND, LEVEL_WORD, Regions
from sozialatlas.importer.rows import YEAR_MIN
from sozialatlas.store import catalogue
from sozialatlas.store import importer as stored

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "OBS_COLUMNS",
    "PREVIEW_ROWS",
    "YEAR_MIN",
    "Layout",
    "Problem",
    "RawTable",
    "Report",
    "check",
    "max_bytes",
    "max_cells",
    "max_rows",
    "read_path",
    "read_table",
    "validate",
]

INDIKATOR_COLUMNS = [*catalogue.INDIKATOREN_COLUMNS, "beispiel"]
EBENEN_ORDER = domain.EBENEN


def max_bytes() -> int:
    """Upload limit in bytes; SOZIALATLAS_IMPORT_MAX_MB overrides the default of 20 MB."""
    return int(float(os.environ.get("SOZIALATLAS_IMPORT_MAX_MB", "20")) * 1_000_000)


def max_rows() -> int:
    """Data rows per file. 50.000 is twice the largest real case (631 Gemeinden × 36 Jahre, long form)
    and bounds the check's CPU time."""
    return int(os.environ.get("SOZIALATLAS_IMPORT_MAX_ROWS", "50000"))


def max_cells() -> int:
    """Cells per file (or sheet), counted while streaming: bounds CPU and memory of reading an upload
    (openpyxl needs several hundred bytes per cell). A wide Gemeinde table has ≈ 25.000 cells."""
    return int(os.environ.get("SOZIALATLAS_IMPORT_MAX_CELLS", "500000"))


def max_uncompressed() -> int:
    """An XLSX is a ZIP archive: its unpacked size is limited too (zip bombs)."""
    return int(float(os.environ.get("SOZIALATLAS_IMPORT_MAX_UNPACKED_MB", "100")) * 1_000_000)


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} Byte"
    if n < 1_000_000:
        return f"{n / 1e3:.1f} kB".replace(".", ",")
    return f"{n / 1e6:.1f} MB".replace(".", ",")


def _too_large(size: int) -> Problem:
    return Problem(
        None,
        None,
        f"Die Datei ist {_size(size)} groß; erlaubt sind höchstens {_size(max_bytes())}. "
        "Bitte nur die benötigten Spalten und Zeilen in eine neue Datei kopieren oder die Datei "
        "aufteilen.",
    )


def read_path(path, sheet: str | None = None) -> RawTable:
    """read_table for a file on disk; the size limit is checked before the file is read."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes():
        return RawTable(filename=path.name, problems=[_too_large(size)])
    return read_table(path.read_bytes(), path.name, sheet)


def read_table(data: bytes, filename: str, sheet: str | None = None) -> RawTable:
    """Read an uploaded CSV or XLSX. Never raises for bad input: problems are in `table.problems`.

    Checks size limits before parsing, detects encoding and separator (CSV) or reads the chosen sheet
    (XLSX; unknown sheet → problem listing the sheets), finds the header row and the layout.
    """
    table = RawTable(filename=str(filename))
    if data is None or len(data) == 0:
        table.problems.append(Problem(None, None, "Die Datei ist leer (0 Byte). Bitte die richtige Datei wählen."))
        return table
    if len(data) > max_bytes():
        table.problems.append(_too_large(len(data)))
        return table
    try:
        grid = read_grid(
            data,
            str(filename),
            sheet,
            max_rows=max_rows(),
            max_uncompressed=max_uncompressed(),
            max_cells=max_cells(),
        )
    except FileProblem as exc:
        table.problems.append(Problem(exc.row, exc.column, str(exc)))
        return table
    table.kind, table.encoding, table.delimiter = grid.kind, grid.encoding, grid.delimiter
    table.sheet, table.sheets, table.hints = grid.sheet, grid.sheets, list(grid.hints)
    if not grid.rows:
        if grid.kind == "xlsx":
            text = (
                f"Das Tabellenblatt „{short(grid.sheet)}“ ist leer (keine Zelle mit Inhalt). Bitte das richtige "
                "Tabellenblatt wählen; vorhanden: " + ", ".join(f"„{short(s)}“" for s in grid.sheets) + "."
            )
        else:
            text = "Die Datei ist leer (keine Zelle mit Inhalt). Bitte die richtige Datei wählen."
        table.problems.append(Problem(None, None, text))
        return table
    h = importer_layout.find_header(grid.rows)
    if h is None:
        h = 0
    header = grid.rows[h]
    table.header_row = grid.rownums[h]
    if h > 0:
        table.hints.append(
            f"Die Kopfzeile ist Zeile {grid.rownums[h]}; die Zeilen darüber (Titel) wurden übersprungen."
        )
    body = grid.rows[h + 1 :]
    nums = grid.rownums[h + 1 :]
    width = len(header)
    while (
        width
        and cell_text(header[width - 1]) == ""
        and all(len(r) < width or cell_text(r[width - 1]) == "" for r in body)
    ):
        width -= 1
    columns = [cell_text(c) or f"Spalte {i + 1}" for i, c in enumerate(header[:width])]
    importer_layout.check_rows(grid, body, nums, columns, table)
    rows = [list(r[:width]) + [None] * (width - len(r)) for r in body]
    table.columns, table.rows, table.rownums = columns, rows, nums
    if len(rows) > max_rows():
        table.problems.append(
            Problem(
                None,
                None,
                f"Die Datei hat {de_int(len(rows))} Datenzeilen; erlaubt sind "
                f"höchstens {de_int(max_rows())}. Bitte die Datei aufteilen.",
            )
        )
        return table
    layout, problems = importer_layout.layout(columns, header[:width], rows)
    table.layout = layout
    table.problems.extend(problems)
    if layout is not None and layout.ignored:
        ignored = ", ".join(f"„{short(c, 30)}“" for c in layout.ignored)
        table.hints.append(f"Nicht übernommen werden die Spalten {ignored}.")
    if not rows and layout is not None:
        table.problems.append(
            Problem(
                None,
                None,
                "Die Datei enthält nur die Kopfzeile, aber keine Datenzeilen. "
                "Bitte die Werte unter die Kopfzeile eintragen.",
            )
        )
    return table


def validate(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    meta: dict | None,
    *,
    ebene: str | None = None,
    gebietsstand: str | None = None,
) -> Report:
    """Check the table and the metadata against the database (read only). See the module docstring.

    `ebene` (kreis/gemeinde/gemeindeverband/land) and `gebietsstand` override the detection from the keys
    (5 digits → Kreis, 8 → Gemeinde, 9 → Gemeindeverband; Kreise: 16056 present → bis-2021-06-30, else
    ab-2021-07-01).
    """
    report = Report(table=table, problems=list(table.problems), hints=list(table.hints))
    _validate(con, table, meta, ebene, gebietsstand, report)
    # In file order, so a person can work down the list; file and metadata problems first.
    report.problems.sort(key=lambda p: -1 if p.row is None else p.row)
    for hints in report.row_hints.values():
        report.hints.extend(hints[:5])
        if len(hints) > 5:
            report.hints.append(f"… und {de_int(len(hints) - 5)} weitere Zeilen dieser Art.")
    return report


def _validate(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    meta: dict | None,
    ebene: str | None,
    gebietsstand: str | None,
    report: Report,
) -> None:
    indicators, lebenslagen, quellen = stored.catalogue(con)
    m, meta_problems = importer_meta.check(
        meta, existing_indicators=indicators, lebenslagen=lebenslagen, quellen=quellen
    )
    report.problems.extend(Problem(None, None, msg, feld=f) for f, msg in meta_problems)
    report.neu = m["neu"]
    if m.get("ignoriert"):
        report.hints.append(
            f"Der Indikator „{m['id']}“ existiert schon; die Angaben {', '.join(m['ignoriert'])} "
            "werden nicht übernommen (der Katalogeintrag bleibt, wie er ist)."
        )
    if ebene is not None and ebene not in LEVEL_WORD:
        report.problems.append(
            Problem(
                None,
                None,
                f"Die Ebene „{short(ebene)}“ gibt es nicht; erlaubt: " + ", ".join(LEVEL_WORD) + ".",
                feld="ebene",
            )
        )
        ebene = None
    if gebietsstand is not None and gebietsstand not in (AB, BIS, GEM, LAND):
        report.problems.append(
            Problem(
                None,
                None,
                f"Den Gebietsstand „{short(gebietsstand)}“ gibt es nicht; "
                f"erlaubt: {AB} (22 Kreise), {BIS} (23 Kreise), {GEM} (Gemeinden).",
                feld="gebietsstand",
            )
        )
        gebietsstand = None
    if table.layout is None or table.kind is None:
        return

    existing = indicators.get(m["id"]) if not m["neu"] else None
    einheit = existing["einheit"] if existing else m.get("einheit")
    aggregation = existing["aggregation"] if existing else m.get("aggregation")
    regions = Regions.from_db(con)
    cells = importer_rows.cells(table, regions, m, ebene, gebietsstand, report)
    obs = importer_rows.check_values(cells, table, einheit, aggregation, report)
    if any(p.feld is None for p in report.problems):
        return
    # Only metadata missing (or none): the preview is shown, so a person sees the table while filling in.
    if not len(obs):
        report.problems.append(
            Problem(
                None, None, "Die Datei enthält keine Werte: alle Wertezellen sind leer. Bitte die Zahlen eintragen."
            )
        )
        return
    if obs["wert"].isna().all():
        report.problems.append(
            Problem(
                None,
                None,
                "Die Datei enthält keine Zahl, nur Zeichen für fehlende Werte "
                "(„–“, „.“, „x“ …). Bitte die Zahlen eintragen.",
            )
        )
        return
    report.observations = obs
    report.names = {
        (r.ebene, r.gebietsstand, r.schluessel): regions.name(r.ebene, r.gebietsstand, r.schluessel)
        for r in obs[["ebene", "gebietsstand", "schluessel"]].drop_duplicates().itertuples()
    }
    levels = domain.ebenen_sorted(obs["ebene"])
    report.indikator = _indikator_row(m, existing, levels, aggregation, report.dezimalen, obs)
    if report.neu:
        _art_warning(m, obs, report)
    if m.get("stand") and importer_rows.stand_for(m["stand"], 2000) != m["stand"]:
        ys = sorted(set(obs["jahr"]))
        span = f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])
        report.indikator["stand"] = f"jeweils {m['stand']} ({span})"
        if m["quelle_neu"] is not None:
            m["quelle_neu"]["stand"] = report.indikator["stand"]
    report.quelle_neu = m["quelle_neu"] is not None
    report.quelle = m["quelle_neu"] if report.quelle_neu else quellen.get(m["quelle"])
    obs["indikator"] = m["id"]
    obs["quelle"] = m["quelle"]
    report.changes = _changes(con, obs, report)


def _indikator_row(
    m: dict, existing: dict | None, levels: list[str], aggregation: str | None, dezimalen: int, obs: pd.DataFrame
) -> dict:
    if existing is not None:
        row = {k: existing.get(k) for k in INDIKATOR_COLUMNS}
        have = [e for e in str(row.get("ebenen") or "").split(";") if e]
        # `ebenen` is a set: the stored text stays as it is unless the file brings a new level, so an
        # import of values alone never counts as a change of the catalogue entry.
        if not set(levels) <= set(have):
            row["ebenen"] = ";".join(domain.ebenen_sorted(set(have) | set(levels)))
        row["beispiel"] = bool(row.get("beispiel") or False)
        row["stand"] = m.get("stand")
        return row
    has_counts = obs["zaehler"].notna().any() and obs["nenner"].notna().any()
    if aggregation is None:
        # Only "quote" leaves it open (validate refuses a new indicator without a choice): a rate with its
        # Zähler and Nenner is recomputed and protected by its Zähler, one without them is shown as given.
        aggregation = "summe" if m.get("art") == "anzahl" else "quote" if has_counts else "keine"
    dez = m.get("dezimalen")
    if dez is None:
        dez = dezimalen
    return {
        "id": m["id"],
        "name": m.get("name"),
        "lebenslage": m.get("lebenslage"),
        "einheit": m.get("einheit"),
        "definition": m.get("definition"),
        "zaehler": m.get("zaehler"),
        "nenner": m.get("nenner"),
        "formel": None,
        "abgeleitet": False,
        "polaritaet": m.get("polaritaet"),
        "dezimalen": dez,
        "ebenen": ";".join(levels),
        "aggregation": aggregation,
        "quelle": m.get("quelle_titel") or m["quelle"],
        "lizenz": m.get("lizenz"),
        "beispiel": False,
        "stand": m.get("stand"),
        # apply_import refuses to write if another import created the indicator since this check.
        "neu": True,
    }


def _art_warning(m: dict, obs: pd.DataFrame, report: Report) -> None:
    """Say it when the values look like counts but the choice keeps them out of the count protection."""
    art = m.get("art")
    if art is None:
        # The missing-choice problem already names a proposal from the unit; the values may add one.
        if importer_meta.art_from_unit(m.get("einheit")) is None:
            proposal, why = importer_meta.propose_art(m.get("einheit"), obs["wert"].tolist())
            if proposal:
                report.hints.append(f"{why} Bitte die Art der Werte wählen.")
        return
    if art != "anzahl" and importer_meta.values_look_like_counts(obs["wert"].tolist()):
        chosen = importer_meta.ARTEN[art].split(" (")[0]
        report.hints.append(
            f"Achtung: Alle Werte sind ganze Zahlen ab 0, wie bei Anzahlen, gewählt ist aber „{chosen}“. "
            "Sind es Anzahlen (Personen, Fälle, Haushalte …), bitte „Anzahl“ wählen: nur dann werden Kreis- "
            "und Landeswerte summiert und kleine Fallzahlen gesperrt."
        )


def _changes(con: duckdb.DuckDBPyConnection, obs: pd.DataFrame, report: Report) -> pd.DataFrame:
    """Stored values the import would replace (same indicator, region, Gebietsstand and year)."""
    ind = report.indikator["id"]
    empty = pd.DataFrame(columns=["ebene", "gebietsstand", "schluessel", "name", "jahr", "wert_alt", "wert_neu"])
    if report.neu:
        return empty
    old = stored.stored_values(con, ind)
    both = obs.merge(old, on=["ebene", "gebietsstand", "schluessel", "jahr"], how="inner")
    if both.empty:
        report.hints.append(
            f"Der Indikator „{ind}“ existiert schon; die {de_int(len(obs))} Werte kommen neu hinzu, "
            "kein vorhandener Wert ändert sich."
        )
        return empty
    changed = both[~((both["wert"] == both["wert_alt"]) | (both["wert"].isna() & both["wert_alt"].isna()))]
    report.hints.append(
        f"Der Indikator „{ind}“ existiert schon: {de_int(len(both))} der {de_int(len(obs))} Werte "
        f"ersetzen vorhandene, davon ändern sich {de_int(len(changed))}."
    )
    out = changed.rename(columns={"wert": "wert_neu"})
    out["name"] = [report.names.get((r.ebene, r.gebietsstand, r.schluessel), "") for r in out.itertuples()]
    return out[list(empty.columns)].reset_index(drop=True)


def check(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    filename: str,
    meta: dict | None,
    *,
    sheet: str | None = None,
    ebene: str | None = None,
    gebietsstand: str | None = None,
) -> Report:
    """read_table + validate in one call."""
    return validate(con, read_table(data, filename, sheet), meta, ebene=ebene, gebietsstand=gebietsstand)
