"""The import's data types: a table as read (RawTable), its layout, problems, and the check's Report."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sozialatlas.importer.files import cell_text, short

OBS_COLUMNS = [
    "indikator",
    "ebene",
    "schluessel",
    "gebietsstand",
    "jahr",
    "stand",
    "wert",
    "zaehler",
    "nenner",
    "status",
    "quelle",
    "hinweis",
]
PREVIEW_ROWS = 20


def de_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass(frozen=True)
class Problem:
    """One thing that stops the import. `row` is the row number as the file shows it (Excel row, CSV line),
    `column` the column header; `feld` the metadata field (name, lebenslage, …) if the problem is there."""

    row: int | None
    column: str | None
    message: str
    feld: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.column is not None:
            where.append(f"Spalte „{short(self.column, 40)}“")
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass
class Layout:
    """Which column holds what. `kind` is "lang" (one row per region and year) or "breit"."""

    kind: str
    key_col: int | None = None
    name_col: int | None = None
    year_cols: dict[int, int] = field(default_factory=dict)  # wide: column index → year
    jahr_col: int | None = None
    wert_col: int | None = None
    zaehler_col: int | None = None
    nenner_col: int | None = None
    stand_col: int | None = None
    hinweis_col: int | None = None
    ignored: list[str] = field(default_factory=list)

    def value_cols(self) -> list[int]:
        if self.kind == "breit":
            return list(self.year_cols)
        return [c for c in (self.wert_col, self.zaehler_col, self.nenner_col) if c is not None]


@dataclass
class RawTable:
    """A table as read from the file, before any interpretation of regions or numbers."""

    filename: str
    kind: str | None = None  # "csv" / "xlsx"; None if unreadable
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    rownums: list[int] = field(default_factory=list)
    header_row: int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    layout: Layout | None = None
    problems: list[Problem] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.layout is not None and not self.problems

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as text, with the file's row numbers as index (for showing the raw table)."""
        cols = [c or f"Spalte {i + 1}" for i, c in enumerate(self.columns)]
        data = [[cell_text(v) for v in r] for r in self.rows]
        return pd.DataFrame(data, columns=cols, index=pd.Index(self.rownums, name="Zeile"), dtype=object)

    def describe(self) -> str:
        """One German sentence on how the file was understood."""
        if self.kind is None:
            return "Datei nicht lesbar."
        if self.kind == "csv":
            sep = {"\t": "Tabulator"}.get(self.delimiter, f"„{self.delimiter}“")
            parts = [f"CSV-Datei ({self.encoding}, Trennzeichen {sep})"]
        else:
            parts = [f"Excel-Arbeitsmappe, Tabellenblatt „{short(self.sheet)}“"]
        parts.append(f"{de_int(len(self.rows))} Datenzeilen")
        if self.layout is not None:
            if self.layout.kind == "breit":
                ys = sorted(self.layout.year_cols.values())
                parts.append(
                    f"breites Format (eine Spalte je Jahr: {ys[0]}–{ys[-1]})"
                    if len(ys) > 1
                    else f"breites Format (Jahr {ys[0]})"
                )
            else:
                parts.append("langes Format (eine Zeile je Gebiet und Jahr)")
        return ", ".join(parts) + "."


@dataclass
class Report:
    """The result of `validate`: what would be stored, and what stops it."""

    table: RawTable
    problems: list[Problem] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    observations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OBS_COLUMNS))
    indikator: dict | None = None
    neu: bool = False
    quelle: dict | None = None
    quelle_neu: bool = False
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    names: dict = field(default_factory=dict)  # (ebene, gebietsstand, schluessel) → region name
    dezimalen: int = 0  # decimal places the file's values were written with
    row_hints: dict = field(default_factory=dict, repr=False)  # kind → per-row hints, capped in the end

    @property
    def ok(self) -> bool:
        return not self.problems and len(self.observations) > 0

    @property
    def preview(self) -> pd.DataFrame:
        """The first rows as they will be stored, with the region name beside the key."""
        head = self.observations.head(PREVIEW_ROWS).copy()
        names = [self.names.get((r.ebene, r.gebietsstand, r.schluessel), "") for r in head.itertuples()]
        head.insert(3, "name", names)
        return head.reset_index(drop=True)

    def row_hint(self, kind: str, text: str) -> None:
        """A hint about one row; `validate` keeps the first few of each kind."""
        self.row_hints.setdefault(kind, []).append(text)

    def lines(self, limit: int = 100) -> list[str]:
        out = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            out.append(f"… und {de_int(len(self.problems) - limit)} weitere Probleme.")
        return out
