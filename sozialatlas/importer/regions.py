"""Which region a row of an imported table means: by official key (AGS/ARS) or by name.

Keys decide the level (5 digits Kreis, 8 Gemeinde, 9 Gemeindeverband, 2 Land). Names are matched
case-, umlaut- and suffix-insensitively ("Stadt Erfurt", "Erfurt, Stadt", "Landkreis Gotha",
"Soemmerda"); near misses get a suggestion ("Meinten Sie „Saalfeld-Rudolstadt“?"). Every failure is a
German sentence that names the Gebietsstand the key or name was checked against.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sozialatlas import paths
from sozialatlas.importer.files import short
from sozialatlas.importer.values import level_of_key
from sozialatlas.store import regions as stored_regions

if TYPE_CHECKING:
    import duckdb

BIS, AB, GEM, LAND = "bis-2021-06-30", "ab-2021-07-01", "2021-12-31", "-"
EISENACH_KREIS, EISENACH_GEMEINDE_ALT = "16056", "16056000"
LEVEL_WORD = {"land": "Land", "kreis": "Kreis", "gemeinde": "Gemeinde", "gemeindeverband": "Gemeindeverband"}
KEY_WORD = {
    "land": "Landesschlüssel",
    "kreis": "Kreisschlüssel",
    "gemeinde": "Gemeindeschlüssel",
    "gemeindeverband": "Gemeindeverbandsschlüssel (ARS)",
}
LEVELS = ("kreis", "gemeinde", "gemeindeverband")

_PREFIX = re.compile(
    r"^(landkreis|lkr\.?|lk|kreisfreie stadt|kreisfr\.? stadt|stadtkreis|stadt|kreis|"
    r"gemeinde|verwaltungsgemeinschaft|vg|erfuellende gemeinde|landgemeinde)\s+"
)
_SUFFIX = re.compile(
    r"(,\s*|\s+\()(kreisfreie stadt|kreisfr\.? stadt|landkreis|kreis|stadt|gemeinde|"
    r"krfr\.? stadt|lk|lkr\.?|verwaltungsgemeinschaft|vg)\)?$"
)
LAND_NAMES = {
    "thueringen",
    "freistaatthueringen",
    "landthueringen",
    "thueringeninsgesamt",
    "thueringengesamt",
    "thueringenland",
}
TOTAL_NAMES = {"insgesamt", "summe", "gesamt", "zusammen", "gesamtsumme", "total"}


def norm_name(text: str) -> str:
    """'Erfurt, Stadt' / 'Stadt Erfurt' / 'ERFURT' → 'erfurt'; umlauts as ae/oe/ue, ß as ss."""
    s = " ".join(str(text).split()).casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    for _ in range(2):
        s = _SUFFIX.sub("", _PREFIX.sub("", s)).strip()
    return re.sub(r"[^a-z0-9]", "", s)


def stand_label(stand: str, count: int | None = None) -> str:
    n = f"{count} " if count else ""
    return {
        BIS: f"{n}Kreise, Gebietsstand bis 30.06.2021",
        AB: f"{n}Kreise, Gebietsstand ab 01.07.2021",
        GEM: "Gebietsstand 31.12.2021",
        LAND: "Land Thüringen",
    }.get(stand, f"Gebietsstand {stand}")


@dataclass(frozen=True)
class Region:
    ebene: str
    gebietsstand: str
    schluessel: str
    name: str


class RegionLookup(ValueError):
    """A key or name that does not fit; str() is the German message."""


class Regions:
    """The regions of the database, indexed for key and name lookups."""

    def __init__(self, rows: list[tuple], crosswalk: dict[str, tuple[str, str]] | None = None):
        """`rows`: (ebene, gebietsstand, schluessel, name, parent); `crosswalk`: AGS 2016 → (name, AGS 2021)."""
        self._by_key = {(e, g, k): n for e, g, k, n, _p in rows}
        self._names: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = {}
        self._count: dict[tuple[str, str], int] = {}
        for e, g, k, n, _p in rows:
            self._names.setdefault((e, g), {}).setdefault(norm_name(n), []).append((k, n))
            self._count[(e, g)] = self._count.get((e, g), 0) + 1
        self._parent_name = {(g, k): n for e, g, k, n, _p in rows if e == "kreis"}
        self._parent = {(e, k): p for e, _g, k, _n, p in rows}
        self.crosswalk = crosswalk or {}

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> Regions:
        return cls(stored_regions.lookup_rows(con), _crosswalk())

    def stand_of(self, ebene: str, kreis_stand: str) -> str:
        return {"kreis": kreis_stand, "land": LAND}.get(ebene, GEM)

    def describe(self, ebene: str, stand: str) -> str:
        n = self._count.get((ebene, stand))
        if ebene == "kreis":
            return stand_label(stand, n)
        if ebene == "land":
            return stand_label(LAND)
        plural = {"gemeinde": "Gemeinden", "gemeindeverband": "Gemeindeverbände"}.get(ebene, ebene)
        return f"{n} {plural}, {stand_label(stand)}" if n else f"{plural}, {stand_label(stand)}"

    def name(self, ebene: str, stand: str, key: str) -> str | None:
        return self._by_key.get((ebene, stand, key))

    def levels(self) -> set[str]:
        return {e for e, _ in self._count}

    # -------------------------------------------------------------------------------------- keys
    def by_key(self, key: str, ebene: str, stand: str) -> Region:
        name = self._by_key.get((ebene, stand, key))
        if name is not None:
            return Region(ebene, stand, key, name)
        where = f"geprüft gegen {self.describe(ebene, stand)}"
        if not key.startswith("16"):
            raise RegionLookup(
                f"Den {KEY_WORD[ebene]} „{key}“ gibt es in Thüringen nicht – Thüringer Schlüssel "
                f"beginnen mit 16 ({where}). Bitte nur Thüringer Gebiete importieren."
            )
        if ebene == "kreis" and key == EISENACH_KREIS and stand == AB:
            raise RegionLookup(
                "Eisenach (16056) ist seit 01.07.2021 Teil des Wartburgkreises und im Gebietsstand "
                "ab 01.07.2021 kein eigener Kreis. Für Daten mit Eisenach als eigenem Kreis bitte den "
                "Gebietsstand „bis-2021-06-30“ (23 Kreise) wählen."
            )
        if ebene == "gemeinde" and key == EISENACH_GEMEINDE_ALT:
            raise RegionLookup(
                f"Eisenach hat seit 01.07.2021 den Gemeindeschlüssel 16063105 ({where}). Bitte "
                "16056000 durch 16063105 ersetzen."
            )
        if ebene == "gemeinde" and key in self.crosswalk:
            old_name, new_key = self.crosswalk[key]
            new_name = self._by_key.get(("gemeinde", stand, new_key), "?")
            raise RegionLookup(
                f"Die Gemeinde {key} („{old_name}“) gibt es im Gebietsstand 31.12.2021 nicht mehr; "
                f"ihr Gebiet gehört heute zu {new_key} („{new_name}“). Bitte Werte auf den Gebietsstand "
                "31.12.2021 umrechnen (Gemeindegebietsreform) und den neuen Schlüssel verwenden."
            )
        raise RegionLookup(
            f"Den {KEY_WORD[ebene]} „{key}“ gibt es nicht ({where}). Bitte den amtlichen "
            "Schlüssel prüfen (Gemeindeverzeichnis des Statistischen Bundesamts)."
        )

    # ------------------------------------------------------------------------------------- names
    def level_for_names(self, names: list[str], kreis_stand: str) -> str:
        """The level whose names fit the most of `names` (Kreis before Gemeinde before Gemeindeverband)."""
        normed = [norm_name(n) for n in names if norm_name(n) not in LAND_NAMES]
        best, best_hits = "kreis", -1
        for ebene in LEVELS:
            index = self._names.get((ebene, self.stand_of(ebene, kreis_stand)), {})
            hits = sum(1 for n in normed if n in index)
            if hits > best_hits:
                best, best_hits = ebene, hits
        return best

    def by_name(self, text: str, ebene: str, stand: str) -> Region:
        n = norm_name(text)
        if n in LAND_NAMES:
            return Region("land", LAND, "16", "Thüringen")
        if n in TOTAL_NAMES:
            raise RegionLookup(
                f"„{short(text)}“ sieht aus wie eine Summenzeile. Bitte die Zeile löschen oder – "
                "wenn es der Landeswert ist – „Thüringen“ hineinschreiben."
            )
        index = self._names.get((ebene, stand), {})
        hits = index.get(n, [])
        if len(hits) == 1:
            key, name = hits[0]
            return Region(ebene, stand, key, name)
        if len(hits) > 1:
            options = ", ".join(f"{k} ({self._kreis_of(ebene, k)})" for k, _ in hits)
            raise RegionLookup(
                f"„{short(text)}“ gibt es {len(hits)}-mal: {options}. Bitte statt des Namens den "
                f"{KEY_WORD[ebene]} angeben."
            )
        if ebene == "kreis" and stand == AB and n == "eisenach":
            raise RegionLookup(
                "Eisenach ist seit 01.07.2021 Teil des Wartburgkreises und im Gebietsstand ab "
                "01.07.2021 kein eigener Kreis. Für Daten mit Eisenach als eigenem Kreis bitte den "
                "Gebietsstand „bis-2021-06-30“ (23 Kreise) wählen."
            )
        close = difflib.get_close_matches(n, list(index), n=3, cutoff=0.75)
        where = f"geprüft gegen {self.describe(ebene, stand)}"
        msg = f"„{short(text)}“ ist {_not_a(ebene)} ({where})."
        if close:
            names = [index[c][0][1] for c in close]
            msg += " Meinten Sie " + " oder ".join(f"„{x}“" for x in names) + "?"
        else:
            msg += f" Bitte die Schreibweise prüfen oder den {KEY_WORD[ebene]} verwenden."
        raise RegionLookup(msg)

    def _kreis_of(self, ebene: str, key: str) -> str:
        parent = self._parent.get((ebene, key))
        return self._parent_name.get((AB, parent), parent or "?")


@functools.lru_cache(maxsize=1)
def _crosswalk() -> dict[str, tuple[str, str]]:
    """Gemeinden of 2016 that the 2018/2019 reforms merged: old key → (old name, key of 2021)."""
    path = Path(paths.DATA_DIR) / "crosswalk_gemeinden_2016_2021.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {r["ags_2016"]: (r["name_2016"], r["ags_2021"]) for r in csv.DictReader(f)}


def _not_a(ebene: str) -> str:
    return {
        "kreis": "weder ein Thüringer Landkreis noch eine kreisfreie Stadt",
        "gemeinde": "keine Thüringer Gemeinde",
        "gemeindeverband": "kein Thüringer Gemeindeverband",
        "land": "nicht das Land Thüringen",
    }[ebene]


def key_level(key: str) -> str | None:
    return level_of_key(key)
