"""The decisions of the Import page, without Streamlit: labels and options of the form, which metadata go to
the check, when a parsed table or a check is reused, how the check reads (status line, problem table) and
what the success message says.

`app_pages/import.py` draws the form and asks these functions (drawing: sozialatlas.ui.import_page); the
checks themselves are sozialatlas.importer. Unit tests: tests/test_import_page.py.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sozialatlas import domain
from sozialatlas.importer import meta as importer_meta

TITLE = "Import"
INTRO = (
    "Eine eigene Tabelle als Indikator übernehmen: **CSV** (Trennzeichen `;` `,` oder Tab, Dezimalkomma oder "
    "-punkt) oder **Excel (XLSX)**. Lange Form: eine Zeile je Gebiet und Jahr (`AGS; Jahr; Wert`), breite "
    "Form: eine Spalte je Jahr (`AGS; Name; 2021; 2022`). Die Datei wird vollständig geprüft; gespeichert "
    "wird erst nach „Importieren“, und jeder Import ist eine Version, die sich zurücknehmen lässt."
)
UPLOAD_LABEL = "Tabelle (CSV oder XLSX, höchstens 20 MB)"
UPLOAD_TYPES = ["csv", "xlsx"]

# Column headers of the preview and the changes table.
COLUMNS = {
    "indikator": "Indikator",
    "ebene": "Ebene",
    "schluessel": "Schlüssel",
    "name": "Gebiet",
    "gebietsstand": "Gebietsstand",
    "jahr": "Jahr",
    "stand": "Stand",
    "wert": "Wert",
    "zaehler": "Zähler",
    "nenner": "Nenner",
    "status": "Status",
    "quelle": "Quelle",
    "hinweis": "Hinweis",
    "wert_alt": "Wert bisher",
    "wert_neu": "Wert neu",
}

MODI = {"neu": "Neuer Indikator", "vorhanden": "Vorhandenen Indikator ergänzen"}
HELP = {
    "name": "kurz und verständlich, z. B. „Kinder in Bedarfsgemeinschaften“",
    "einheit": "z. B. Prozent, Personen, je 1.000 Einwohner",
    "art": "Anzahlen werden über Gebiete summiert und kleine Fallzahlen (1 oder 2) gesperrt; Quoten und "
    "Indizes nicht. Im Zweifel „Anzahl“.",
    "quelle": "woher die Zahlen stammen; bei einem vorhandenen Indikator die Kennung "
    "einer vorhandenen Quelle (leer: die Quelle des Indikators)",
    "stand": "z. B. 31.12.2023, 31.12. (je Jahr) oder 2023 (Jahresdurchschnitt)",
    "lizenz": "z. B. dl-de/by-2-0, CC BY 4.0 oder intern",
}
AUTOMATISCH = "automatisch erkennen"
EBENEN: list[str | None] = [None, "kreis", "gemeinde", "gemeindeverband", "land"]
GEBIETSSTAENDE: list[str | None] = [None, domain.KREISE_AB, domain.KREISE_BIS]
GEBIETSSTAND_TEXT = {
    None: AUTOMATISCH,
    domain.KREISE_AB: "22 Kreise (ab 01.07.2021)",
    domain.KREISE_BIS: "23 Kreise (bis 30.06.2021)",
}
OPTIONAL_EXPANDER = "Ebene und Gebietsstand (sonst aus den Schlüsseln erkannt)"
NO_VALUES = "Die Datei enthält keine Werte."
CHANGES_HEADING = "Diese vorhandenen Werte ändern sich"
SPINNER = {"tabelle": "Datei wird gelesen …", "pruefung": "Datei wird geprüft …"}


def ebene_label(ebene_text: Mapping[str, str]) -> Callable[[str | None], str]:
    return lambda e: AUTOMATISCH if e is None else ebene_text[e]


# --- the metadata that go to the check ----------------------------------------------------------------------


def art_hint(einheit: str | None, art: str | None) -> str | None:
    """A suggestion for „Art der Werte“ from the Einheit, shown only while the choice differs from it."""
    vorschlag, grund = importer_meta.propose_art(einheit)
    return grund if vorschlag is not None and art != vorschlag else None


def default_quelle(meta: Mapping[str, Any], inds: pd.DataFrame) -> str:
    """Adding to an existing indicator without a Quelle: the indicator's own source."""
    quelle = inds.loc[inds["id"] == meta["id"], "quelle"].iloc[0]
    return "" if pd.isna(quelle) else str(quelle)  # a missing source is no Quelle „nan“


def given(meta: Mapping[str, Any]) -> dict[str, Any]:
    """What the planner filled in (empty fields are not sent: the check then names them as missing)."""
    return {k: v for k, v in meta.items() if v not in (None, "")}


def check_key(digest: str, sheet: str | None, meta: Mapping[str, Any], ebene, stand, version) -> tuple:
    """Everything a check depends on: the file, the sheet, the metadata, the options and the data version."""
    return (digest, sheet, tuple(sorted(given(meta).items())), ebene, stand, version)


def cached(store: MutableMapping[str, tuple], kind: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    """One parsed table / one check per upload, kept by key (the file's hash …): a rerun for an unrelated
    widget neither re-reads nor re-checks the file; another file or another choice does."""
    entry = store.get(kind)
    if entry is None or entry[0] != key:
        entry = (key, compute())
        store[kind] = entry
    return entry[1]


# --- how the check reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    kind: str  # "error" | "warning" | "success"
    text: str


def status(n_problems: int, n_values: int) -> Status:
    """Problems first (then nothing is saved), then an empty file, else how many values can be imported."""
    if n_problems:
        return Status(
            "error",
            f"{n_problems} Problem(e): so wird nichts gespeichert. Bitte die Datei oder die Angaben korrigieren.",
        )
    if n_values == 0:
        return Status("warning", NO_VALUES)
    return Status("success", f"Keine Probleme: {n_values} Werte können importiert werden.")


def problem_table(problems: Iterable) -> pd.DataFrame:
    """Zeile, Spalte (or the form field's label) and the German message of each problem."""
    problems = list(problems)
    return pd.DataFrame(
        {
            "Zeile": ["" if p.row is None else str(p.row) for p in problems],
            "Spalte": [p.column or (importer_meta.FIELDS.get(p.feld, (p.feld or "",))[0]) for p in problems],
            "Meldung": [p.message for p in problems],
        }
    )


def preview_caption(n_values: int, preview_rows: int) -> str:
    return f"Die ersten {min(n_values, preview_rows)} von {n_values} Werten, so wie sie gespeichert würden."


def ergebnis(version: int, indikator: Mapping[str, Any], n_values: int) -> dict[str, Any]:
    """What the next run says after a successful import (kept in the session across the rerun)."""
    return {"version": version, "name": indikator.get("name") or "", "werte": n_values}


def success_text(e: Mapping[str, Any]) -> str:
    return f"Importiert als Version {e['version']}: {e['werte']} Werte."


def not_imported_text(error: str) -> str:
    return "Nicht importiert, die Datenbank ist unverändert: " + error
