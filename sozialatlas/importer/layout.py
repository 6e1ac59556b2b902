"""Where the table is in a file and what its columns mean: header row, region columns, years or a
long layout (Jahr, Wert, Zähler, Nenner, Stand, Hinweis), rows that do not fit the header."""

from __future__ import annotations

import re

from sozialatlas.importer.files import MAX_CELL_CHARS, cell_text, has_control, short
from sozialatlas.importer.model import Layout, Problem, RawTable, de_int
from sozialatlas.importer.values import level_of_key, normalize_key, year_of_header

_KEY_HEADERS = {
    "ags",
    "ars",
    "schluessel",
    "gemeindeschluessel",
    "kreisschluessel",
    "regionalschluessel",
    "amtlichergemeindeschluessel",
    "amtlicherregionalschluessel",
    "gebietsschluessel",
    "kennziffer",
    "kreiskennziffer",
    "gemeindekennziffer",
    "gkz",
    "kkz",
    "rs",
    "ags5",
    "ags8",
    "ars9",
    "ars12",
    "regionalschluesselars",
    "kreisnummer",
    "gebietskennziffer",
    "schl",
    "schlnr",
}
_NAME_HEADERS = {
    "name",
    "gebiet",
    "region",
    "kreis",
    "landkreis",
    "gemeinde",
    "kreisname",
    "gemeindename",
    "raumeinheit",
    "gebietseinheit",
    "bezeichnung",
    "kreisfreiestadtlandkreis",
    "ort",
    "stadt",
    "kreisfreiestadtoderlandkreis",
    "landkreiskreisfreiestadt",
    "verwaltungsgemeinschaft",
    "gemeindeverband",
    "regionalebene",
    "gebietsname",
    "kommune",
    "gebietskoerperschaft",
    "kreiskreisfreiestadt",
    "stadtlandkreis",
    "landkreisstadt",
}
_ROLES = {
    "jahr": {"jahr", "year", "berichtsjahr", "zeitraum", "zeit", "stichjahr", "jahre", "erhebungsjahr"},
    "wert": {"wert", "value", "werte", "indikatorwert", "betrag", "anzahl", "quote", "anteil", "kennzahl"},
    "zaehler": {"zaehler", "numerator"},
    "nenner": {"nenner", "denominator", "bezugsgroesse"},
    "stand": {"stand", "stichtag", "datenstand"},
    "hinweis": {"hinweis", "hinweise", "bemerkung", "bemerkungen", "anmerkung", "anmerkungen", "fussnote", "kommentar"},
}


def _norm_header(text: str) -> str:
    s = text.casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9]", "", s)


def _role(text: str) -> str | None:
    n = _norm_header(text)
    if not n:
        return None
    if n in _KEY_HEADERS or "schluessel" in n or n.startswith(("ags", "ars")):
        return "key"
    if n in _NAME_HEADERS or n.endswith("name"):
        return "name"
    for role, names in _ROLES.items():
        if n in names:
            return role
    return None


def find_header(rows: list[list]) -> int | None:
    """Index of the header row among the top rows: first one that names a region column together with
    years or a Jahr column; else one with year headers after a first (region) column; else one with a
    region column at all (so the layout check can say what is missing)."""
    top = []
    for row in rows[:30]:
        texts = [cell_text(c) for c in row]
        roles = [_role(t) for t in texts]
        years = [year_of_header(c) for c in row]
        top.append((texts, roles, years))
    for i, (_texts, roles, years) in enumerate(top):
        if any(r in ("key", "name") for r in roles) and (any(years) or "jahr" in roles):
            return i
    for i, (texts, roles, years) in enumerate(top):
        n_years = sum(y is not None for y in years)
        if n_years and years[0] is None and roles[0] is None and sum(bool(t) for t in texts) > n_years - 1:
            return i
    for i, (_texts, roles, _years) in enumerate(top):
        if any(r in ("key", "name") for r in roles):
            return i
    return None


def looks_like_key(value) -> bool:
    k = normalize_key(value)
    return k is not None and level_of_key(k) is not None


def layout(columns: list[str], header_cells: list, rows: list[list]) -> tuple[Layout | None, list[Problem]]:
    problems: list[Problem] = []
    roles = [_role(c) for c in columns]
    years = {i: year_of_header(c) for i, c in enumerate(header_cells)}
    years = {i: y for i, y in years.items() if y is not None and roles[i] is None}

    # Region columns: by header, then by content (a "Kreis" column may hold keys or names).
    region_cols = [i for i, r in enumerate(roles) if r in ("key", "name")]
    if not region_cols and columns and 0 not in years and roles[0] is None:
        region_cols = [0]
    key_col = name_col = None
    for i in region_cols:
        cells = [r[i] for r in rows if i < len(r) and cell_text(r[i])]
        keyish = sum(looks_like_key(c) for c in cells)
        if cells and keyish >= 0.5 * len(cells):
            key_col = i if key_col is None else key_col
        else:
            name_col = i if name_col is None else name_col
    if key_col is not None and name_col is None:
        # An unlabeled text column beside the keys (GENESIS exports) holds the names: used as a cross-check.
        for i in range(len(columns)):
            cells = [cell_text(r[i]) for r in rows if cell_text(r[i])]
            if (
                i != key_col
                and i not in years
                and roles[i] is None
                and header_cells[i] in (None, "")
                and cells
                and sum(any(ch.isalpha() for ch in t) for t in cells) >= 0.8 * len(cells)
            ):
                name_col = i
                break
    if key_col is None and name_col is None:
        return None, [
            Problem(
                None,
                None,
                "Keine Spalte mit Gebietsschlüsseln oder Gebietsnamen gefunden. Die "
                "Kopfzeile braucht eine Spalte „AGS“ (Gemeinde- oder Kreisschlüssel) oder „Name“; "
                "gefunden: " + ", ".join(f"„{short(c, 30)}“" for c in columns if c) + ".",
            )
        ]
    used = {key_col, name_col}
    if "jahr" in roles:
        lay = Layout("lang", key_col=key_col, name_col=name_col)
        for role in ("jahr", "wert", "zaehler", "nenner", "stand", "hinweis"):
            if role in roles:
                setattr(lay, f"{role}_col", roles.index(role))
                used.add(roles.index(role))
        rest = [i for i in range(len(columns)) if i not in used and columns[i]]
        if lay.wert_col is None and lay.zaehler_col is None:
            if len(rest) == 1:
                lay.wert_col = rest.pop()
            else:
                problems.append(
                    Problem(
                        None,
                        None,
                        "Die Spalte mit den Werten ist nicht zu erkennen. Bitte die "
                        "Wertespalte „Wert“ nennen (daneben sind „Zähler“, „Nenner“, „Stand“ und "
                        "„Hinweis“ möglich).",
                    )
                )
        lay.ignored = [columns[i] for i in rest if i != lay.wert_col]
        return lay, problems
    if not years:
        return None, [
            Problem(
                None,
                None,
                "Weder eine Spalte „Jahr“ (langes Format) noch Spalten mit Jahreszahlen "
                "wie „2019“ (breites Format) gefunden. Bitte die Kopfzeile so beschriften: "
                "„AGS;Name;2019;2020“ oder „AGS;Jahr;Wert“.",
            )
        ]
    seen: dict[int, int] = {}
    for i, y in years.items():
        if y in seen:
            first, second = short(columns[seen[y]], 30), short(columns[i], 30)
            problems.append(
                Problem(
                    None,
                    columns[i],
                    f"Das Jahr {y} steht in zwei Spalten („{first}“ und "
                    f"„{second}“). Bitte eine davon löschen oder umbenennen.",
                )
            )
        seen.setdefault(y, i)
    lay = Layout("breit", key_col=key_col, name_col=name_col, year_cols=years)
    for role in ("stand", "hinweis"):  # one per row, for every year of the row
        if role in roles:
            setattr(lay, f"{role}_col", roles.index(role))
            used.add(roles.index(role))
    lay.ignored = [c for i, c in enumerate(columns) if c and i not in years and i not in used]
    return lay, problems


def check_rows(grid, body: list[list], nums: list[int], columns: list[str], table: RawTable) -> None:
    """Rows that do not fit the header: another separator, more cells than headers, giant cells."""
    width = len(columns)
    other_seps = [d for d in ";,\t" if d != grid.delimiter] if grid.kind == "csv" else []
    beyond = []
    for r, n in zip(body, nums):
        found = next((d for d in other_seps if width > 1 and len(r) == 1 and str(r[0]).count(d) >= width - 1), None)
        if found:
            table.problems.append(
                Problem(
                    n,
                    None,
                    f"Die Zeile ist nicht mit „{grid.delimiter}“ getrennt wie die "
                    f"Kopfzeile, sondern offenbar mit „{found}“. Bitte in der ganzen Datei "
                    "dasselbe Trennzeichen verwenden.",
                )
            )
            continue
        if any(cell_text(c) for c in r[width:]):
            if grid.kind == "csv":
                table.problems.append(
                    Problem(
                        n,
                        None,
                        f"Die Zeile hat {len(r)} Zellen, die Kopfzeile nur {width}. "
                        f"Ist das Trennzeichen „{grid.delimiter}“ überall gleich? Zahlen mit "
                        "Dezimalkomma müssen in einer kommagetrennten Datei in "
                        "Anführungszeichen stehen.",
                    )
                )
            else:
                beyond.append(n)
        for i, c in enumerate(r[:width]):
            if not isinstance(c, str):
                continue
            if len(c) > MAX_CELL_CHARS:
                table.problems.append(
                    Problem(
                        n,
                        columns[i] or f"Spalte {i + 1}",
                        f"Die Zelle ist {de_int(len(c))} Zeichen lang; erlaubt sind höchstens "
                        f"{de_int(MAX_CELL_CHARS)}. Bitte kürzen.",
                    )
                )
            elif has_control(c):
                table.problems.append(
                    Problem(
                        n,
                        columns[i] or f"Spalte {i + 1}",
                        f"Die Zelle „{short(c, 40)}“ enthält unsichtbare Steuerzeichen (an "
                        "der Stelle von „\ufffd“). Bitte die Zelle neu eintippen.",
                    )
                )
    if beyond:
        table.hints.append(
            f"Zellen rechts neben der Tabelle (ohne Spaltenüberschrift) wurden nicht übernommen "
            f"(z. B. Zeile {beyond[0]})."
        )
