"""The Planungsraum draft editor and the other decisions of „Planungsräume verwalten“, without Streamlit.

A draft is a dict AGS → Planungsraum name per Kreis (a Kreis change keeps the other Kreis's draft). The
page keeps the drafts in its session (`Drafts.store`) and calls these transitions from its callbacks:

- `toggle(ags, current)`: a click on the map adds a Gemeinde to the Planungsraum being edited, or — if it
  is already there — removes it (a Gemeinde belongs to at most one Planungsraum: a click moves it);
- `set_members(current, chosen)`: the multiselect list replaces that Planungsraum's Gemeinden;
- `clear()`: discard the draft; `mapping()`: the frame `planungsraum.validate_mapping/save` expect.

Everything here is unit-tested (tests/test_kleinraeumig_page.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from sozialatlas.render import formatting
from sozialatlas.views.pagestate import PageState

# Okabe-Ito (colour-blind safe, qualitative) without black; names in tooltip and table carry the meaning too.
PR_FARBEN = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
FREI = "#f2f2f2"
ERSTER_NAME = "Planungsraum 1"
TABS = ["Gespeicherte Gliederungen", "Neue Gliederung anlegen", "CSV-Import"]
DEFAULT_INDICATOR = "arbeitslose"


@dataclass(frozen=True)
class PlanungsraeumeState(PageState):
    """`/planungsraeume?pr_kreis=16073` — the Kreis whose Gliederungen are shown and edited."""

    pr_kreis: str | None = None

    WHAT: ClassVar[dict[str, str]] = {"pr_kreis": "Der Kreis"}
    KEYS: ClassVar[dict[str, str]] = {"pr_kreis": "pr_kreis"}


class Draft:
    """The draft of one Kreis: AGS → Planungsraum, edited in place (it lives in the session)."""

    def __init__(self, mapping: MutableMapping[str, str]):
        self.m = mapping

    def toggle(self, ags: str | None, current: str | None) -> None:
        current = (current or "").strip()
        if not ags or not current:
            return  # nothing clicked, or no Planungsraum named yet: a click changes nothing
        if self.m.get(ags) == current:
            del self.m[ags]
        else:
            self.m[ags] = current

    def set_members(self, current: str, chosen: Iterable[str]) -> None:
        chosen = set(chosen)
        for ags in [a for a, p in self.m.items() if p == current and a not in chosen]:
            del self.m[ags]
        for ags in chosen:
            self.m[ags] = current

    def clear(self) -> None:
        self.m.clear()

    def names(self) -> list[str]:
        return sorted(set(self.m.values()))

    def members(self, current: str, keys: Iterable[str]) -> list[str]:
        return [k for k in keys if current and self.m.get(k) == current]

    def mapping(self) -> pd.DataFrame:
        return pd.DataFrame({"ags": list(self.m), "planungsraum": list(self.m.values())})

    def colours(self, keys: Iterable[str]) -> list[str]:
        colour_of = {p: PR_FARBEN[i % len(PR_FARBEN)] for i, p in enumerate(self.names())}
        return [colour_of.get(self.m.get(k, ""), FREI) for k in keys]

    def tooltips(self, keys: Iterable[str], gem_name: Mapping[str, str]) -> list[str]:
        return [
            f"{gem_name[k]}: {self.m[k]}" if k in self.m else f"{gem_name[k]}: noch keinem Planungsraum zugeordnet"
            for k in keys
        ]

    def overview(self, gem_name: Mapping[str, str]) -> pd.DataFrame:
        """One row per Planungsraum of the draft: how many Gemeinden, which."""
        names = self.names()
        return pd.DataFrame(
            {
                "Planungsraum": names,
                "Gemeinden": [sum(1 for p in self.m.values() if p == n) for n in names],
                "Namen": [", ".join(sorted(gem_name[a] for a, p in self.m.items() if p == n)) for n in names],
            }
        )

    def unassigned_text(self, keys: list[str]) -> str:
        frei = [k for k in keys if k not in self.m]
        return f"Noch ohne Planungsraum: {len(frei)} von {len(keys)} Gemeinden" + (
            " (erlaubt: sie gehören dann zu keinem Planungsraum)." if frei else "."
        )


class Drafts:
    """All drafts of a session: {Kreis: {AGS: Planungsraum}} in `store` (a plain dict in session state)."""

    def __init__(self, store: MutableMapping[str, dict]):
        self.store = store

    def of(self, kreis: str) -> Draft:
        return Draft(self.store.setdefault(kreis, {}))


def default_kreis(kreise: Iterable[str], beispiel: str) -> str:
    kreise = list(kreise)
    return beispiel if beispiel in kreise else kreise[0]


def definition_labels(defs: pd.DataFrame) -> dict[int, str]:
    return {int(r.id): str(r.name) + (" (Beispiel)" if r.beispiel else "") for r in defs.itertuples()}


def saved_table(defs: pd.DataFrame) -> pd.DataFrame:
    """The saved Gliederungen of a Kreis: name, size, when and by whom."""
    return pd.DataFrame(
        {
            "Gliederung": [str(n) + (" (Beispiel)" if b else "") for n, b in zip(defs["name"], defs["beispiel"])],
            "Planungsräume": defs["n_planungsraeume"],
            "Gemeinden": defs["n_gemeinden"],
            "angelegt": [formatting.datum(str(a)[:10]) if pd.notna(a) else "–" for a in defs["erstellt_am"]],
            "von": defs["erstellt_von"].fillna("–"),
        }
    ).set_index("Gliederung")


def pick(current, options: list, preferred=None):
    """Keep a still offered choice, else the preferred option if offered, else the first."""
    if current in options:
        return current
    return preferred if preferred in options else options[0]


def template(keys: list[str], gem_name: Mapping[str, str]) -> pd.DataFrame:
    """The CSV template: every Gemeinde of the Kreis with an empty Planungsraum column."""
    return pd.DataFrame({"AGS": keys, "Gemeinde": [gem_name[k] for k in keys], "Planungsraum": ""})
