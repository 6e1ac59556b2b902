"""The Kreisvergleich view: one indicator, one year, all Kreise of a Gebietsstand — as data.

Pure functions (no Streamlit): the page reads its widgets, calls `build_view`, and draws what comes back,
so tests can check every indicator without a browser. Values come from `gebietsstand.values_on`, which
carries a series onto the other Gebietsstand where that is honest (status 'umgerechnet') and otherwise
says why not, and applies the Geheimhaltung (sozialatlas.protection.kreisprivacy): a gesperrt Kreis reads
"gesperrt" with its reason in the table, tooltip, legend, ranking, profile and exports — never a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.protection import privacy
from sozialatlas.render import charts, exports, formatting, mapclasses, maps, palettes, tables
from sozialatlas.views import profile

# URL value → Gebietsstand id; readable links: ?gebietsstand=22
STAND_BY_URL = {"22": gebietsstand.AB, "23": gebietsstand.BIS}
URL_BY_STAND = {v: k for k, v in STAND_BY_URL.items()}
STAND_LABEL = {"22": "22 Kreise (ab 01.07.2021)", "23": "23 Kreise (bis 30.06.2021)"}

KREISTYPEN = {"alle": "Alle Kreise", "staedte": "Kreisfreie Städte", "landkreise": "Landkreise"}
_BEZ = {"staedte": "Kreisfreie Stadt", "landkreise": "Landkreis"}

MESSGROESSEN = {"wert": "Wert", "veraenderung": "Veränderung"}
NICHT_AUSGEWAEHLT = "#ffffff00"  # no fill: outside the Kreistyp selection
NOT_IN_SELECTION = "nicht in der Auswahl"
RANG = "Rang"
# Its own grey, darker than 'keine Daten' (palettes.KEINE_DATEN_FARBE): the same as for gesperrt Gemeinden
# (kleinraeumig.GESPERRT_FARBE). A neutral grey next to the ColorBrewer hues stays distinct with every
# colour-vision deficiency, and the text 'gesperrt' is everywhere the colour is.
GESPERRT_FARBE = palettes.GESPERRT_FARBE
GESPERRT_LEGENDE = "gesperrt (Geheimhaltung)"


@dataclass
class Indicator:
    """The catalogue fields the view needs."""

    id: str
    name: str
    einheit: str
    dezimalen: int | None
    polaritaet: str
    aggregation: str

    @classmethod
    def from_row(cls, row) -> Indicator:
        dez = row.get("dezimalen")
        dez = None if formatting.is_missing(dez) or dez is pd.NA else int(dez)
        return cls(
            row["id"],
            row["name"],
            row.get("einheit") or "",
            dez,
            row.get("polaritaet") or "neutral",
            row.get("aggregation") or "keine",
        )

    @property
    def is_count(self) -> bool:
        return self.aggregation == "summe"

    @property
    def einheit_aenderung(self) -> str:
        """Counts change in per cent (comparable across Kreise of different size), rates in their unit's
        difference (Prozentpunkte for Prozent)."""
        return "Prozent" if self.is_count else profile.einheit_diff(self.einheit)


def years(periods: pd.DataFrame) -> list[int]:
    """Years with Kreis data on any Gebietsstand, newest first."""
    return sorted({int(j) for j in periods["jahr"]}, reverse=True)


def native_stand(periods: pd.DataFrame, jahr: int) -> str:
    """The Gebietsstand the source publishes `jahr` on (22 Kreise where both exist)."""
    have = set(periods.loc[periods["jahr"] == jahr, "gebietsstand"])
    return gebietsstand.AB if gebietsstand.AB in have or not have else gebietsstand.BIS


def load(con, indikator: str, jahr: int, stand: str) -> tuple[pd.DataFrame | None, str | None, str | None]:
    """(values on `stand`, note on conversion or None, refusal sentence or None).

    The 21 Kreise that are the same on both Gebietsstände always carry over; where Eisenach and the
    Wartburgkreis cannot be combined or split, those rows read 'keine Daten' and their `hinweis` says why.
    """
    try:
        vals, note = gebietsstand.values_on(con, indikator, int(jahr), stand, partial=True)
    except gebietsstand.NotConvertible as exc:
        return None, None, str(exc)
    return vals, note, None


def refusals(vals: pd.DataFrame) -> list[str]:
    """Why single Kreise have no value after a conversion (the German sentences from gebietsstand)."""
    if vals is None or "hinweis" not in vals:
        return []
    rows = vals[vals["wert"].isna() & vals["hinweis"].apply(lambda h: isinstance(h, str) and h.startswith("Kein Wert"))]
    return list(dict.fromkeys(rows["hinweis"]))


def _is_gesperrt(status: pd.Series) -> pd.Series:
    return status.eq(formatting.GESPERRT).fillna(False).astype(bool)


def with_change(vals: pd.DataFrame, before: pd.DataFrame | None, ind: Indicator) -> pd.DataFrame:
    """Adds wert_vorher, aenderung (absolute) and aenderung_rel (per cent, counts only); NaN where a year
    has no value — a missing value never becomes a change of 0. Also `gesperrt` / `gesperrt_vorher`:
    the value of the year / of the comparison year is withheld (Geheimhaltung)."""
    out = vals.copy()
    out["gesperrt"] = _is_gesperrt(out["status"])
    if before is None:
        out["wert_vorher"] = np.nan
        out["gesperrt_vorher"] = False
    else:
        b = before.set_index("schluessel")
        out["wert_vorher"] = out["schluessel"].map(b["wert"]).astype(float)
        out["gesperrt_vorher"] = out["schluessel"].map(_is_gesperrt(b["status"])).fillna(False).astype(bool)
    out["aenderung"] = out["wert"].astype(float) - out["wert_vorher"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = out["aenderung"] / out["wert_vorher"] * 100
    out["aenderung_rel"] = rel.where(out["wert_vorher"] > 0) if ind.is_count else np.nan
    return out


def land_shown(land: dict | None) -> dict | None:
    """The Thüringen observation if it has a value to show (None when missing or gesperrt)."""
    return land if land and not formatting.is_missing(land.get("wert")) else None


def land_change(land: dict | None, land_before: dict | None, ind: Indicator) -> float | None:
    land, land_before = land_shown(land), land_shown(land_before)
    if not land or not land_before:
        return None
    d = float(land["wert"]) - float(land_before["wert"])
    if ind.is_count:
        return d / float(land_before["wert"]) * 100 if float(land_before["wert"]) > 0 else None
    return d


def kreistyp_mask(vals: pd.DataFrame, kreistyp: str) -> pd.Series:
    if kreistyp not in _BEZ:
        return pd.Series(True, index=vals.index)
    return vals["bez"].eq(_BEZ[kreistyp])


@dataclass
class ProtectedClasses(mapclasses.MapClasses):
    """Map classes in which gesperrt regions have their own colour, label and legend row (before
    'keine Daten', only when there are any); everything else as mapclasses.MapClasses."""

    gesperrt: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @classmethod
    def wrap(cls, mc: mapclasses.MapClasses, gesperrt) -> ProtectedClasses:
        return cls(**vars(mc), gesperrt=np.asarray(gesperrt, dtype=bool))

    @property
    def n_gesperrt(self) -> int:
        return int(self.gesperrt.sum())

    @property
    def fill(self) -> list[str]:
        return [GESPERRT_FARBE if g else c for g, c in zip(self.gesperrt, super().fill)]

    def entries(self, gebiet_plural: str = "Gebiete") -> list[mapclasses.LegendEntry]:
        rows = super().entries(gebiet_plural)
        if not self.n_gesperrt:
            return rows
        keine = rows[-1]
        return rows[:-1] + [
            mapclasses.LegendEntry(GESPERRT_LEGENDE, GESPERRT_FARBE, self.n_gesperrt),
            mapclasses.LegendEntry(keine.label, keine.colour, keine.count - self.n_gesperrt),
        ]

    def class_label_of(self) -> list[str]:
        return [formatting.GESPERRT if g else c for g, c in zip(self.gesperrt, super().class_label_of())]


@dataclass
class View:
    vals: pd.DataFrame  # every Kreis of the Gebietsstand, in region order, with 'messwert'
    shown: pd.Series  # bool per row: in the Kreistyp selection
    classes: mapclasses.MapClasses  # for the shown rows only
    fill: dict  # schluessel → hex colour on the map
    table: pd.DataFrame  # beamer table (text), index = Kreis name, rank order
    export: pd.DataFrame  # download table (numbers as numbers, German headers)
    features: gpd.GeoDataFrame  # shapes + tooltip texts
    mess_einheit: str
    mess_titel: str
    reference: float | None  # Thüringen value of the shown measure (None for count values)
    notes: list[str] = field(default_factory=list)
    mess_dezimalen: int | None = None
    gesperrt: list[str] = field(default_factory=list)  # names of the shown Kreise whose measure is gesperrt
    geheimhaltung: str | None = None  # the rule in one sentence, when anything on the page is gesperrt


def build_view(
    vals: pd.DataFrame,
    shapes: gpd.GeoDataFrame,
    ind: Indicator,
    settings: mapclasses.ClassSettings,
    *,
    jahr: int,
    land: dict | None = None,
    before: pd.DataFrame | None = None,
    vorher: int | None = None,
    land_before: dict | None = None,
    kreistyp: str = "alle",
    messgroesse: str = "wert",
    selected: str | None = None,
) -> View:
    vals = with_change(vals, before if vorher else None, ind)
    change = bool(vorher) and messgroesse == "veraenderung"
    # a change involving a gesperrt year is gesperrt too (it would need the withheld value)
    vals["messwert_gesperrt"] = vals["gesperrt"] | (vals["gesperrt_vorher"] if change else False)
    land_value, land_before_value = land_shown(land), land_shown(land_before)
    if change:
        vals["messwert"] = vals["aenderung_rel"] if ind.is_count else vals["aenderung"]
        mess_einheit = ind.einheit_aenderung
        mess_titel = f"Veränderung {vorher}–{jahr}" + (" in %" if ind.is_count else "")
        reference = land_change(land_value, land_before_value, ind)
        classes_ref: float | None = 0.0
        ref_phrase: str | None = "0 (keine Veränderung)"
        comparable = True
    else:
        vals["messwert"] = vals["wert"].astype(float)
        mess_einheit = ind.einheit
        mess_titel = f"{jahr}"
        # A count's Thüringen value is the sum of all Kreise: no yardstick for a single Kreis.
        reference = None if ind.is_count or not land_value else float(land_value["wert"])
        classes_ref, ref_phrase, comparable = reference, None, not ind.is_count
    mess_dezimalen = 1 if change and ind.is_count else ind.dezimalen
    shown = kreistyp_mask(vals, kreistyp)
    sub = vals[shown]
    mc = mapclasses.build(
        sub["messwert"],
        settings,
        polaritaet=ind.polaritaet,
        reference=classes_ref,
        dezimalen=mess_dezimalen,
        reference_comparable=comparable,
        reference_phrase=ref_phrase,
        change=change,
    )
    mc = ProtectedClasses.wrap(mc, sub["messwert_gesperrt"])
    fill = {k: NICHT_AUSGEWAEHLT for k in vals["schluessel"]}
    fill.update(zip(sub["schluessel"], mc.fill))
    klasse = dict.fromkeys(vals["schluessel"], NOT_IN_SELECTION)
    klasse.update(zip(sub["schluessel"], mc.class_label_of()))

    notes = []
    if kreistyp in _BEZ:
        notes.append(
            f"Gezeigt: {KREISTYPEN[kreistyp]} ({int(shown.sum())} von {len(vals)}); "
            "die übrigen Kreise sind nur umrandet (ohne Farbe)."
        )
    table = display_table(sub, ind, jahr=jahr, vorher=vorher, selected=selected)
    export = export_table(vals, ind, jahr=jahr, vorher=vorher, land=land, land_before=land_before)
    features = tooltip_frame(shapes, vals, ind, klasse, jahr=jahr, vorher=vorher)
    gesperrt = sub.loc[sub["messwert_gesperrt"], "name"].tolist()
    land_gesperrt = any(x and x.get("status") == formatting.GESPERRT for x in (land, land_before if vorher else None))
    anything = gesperrt or vals["gesperrt"].any() or (vorher and vals["gesperrt_vorher"].any()) or land_gesperrt
    return View(
        vals,
        shown,
        mc,
        fill,
        table,
        export,
        features,
        mess_einheit,
        mess_titel,
        reference,
        notes,
        mess_dezimalen,
        gesperrt,
        privacy.rules().beschreibung() if anything else None,
    )


def _rank_text(ranks: pd.Series) -> list[str]:
    return [str(int(r)) if pd.notna(r) else "–" for r in ranks]


def change_text(v, ind: Indicator, rel: bool = False, gesperrt: bool = False) -> str:
    """'−0,83 Prozentpunkte', '+2,4 %'; missing → 'keine Daten' (never a change of 0); 'gesperrt' when
    either year is withheld."""
    if gesperrt:
        return formatting.GESPERRT
    if formatting.is_missing(v):
        return formatting.KEINE_DATEN
    body = change_number(v, 1 if rel else ind.dezimalen)
    unit = "%" if rel else ind.einheit_aenderung
    return f"{body} {unit}".rstrip()


def display_table(
    vals: pd.DataFrame, ind: Indicator, *, jahr: int, vorher: int | None = None, selected: str | None = None
) -> pd.DataFrame:
    """The table beside the map: Kreis, value, rank, [change], [status] — rank order, 'keine Daten' last.

    Narrow enough for a beamer: short headers (units in the header, not in every cell); the Status column
    only when some value is converted or derived. The selected Kreis is marked '▶' (visible without
    colour, read by screen readers).
    """
    t = tables.region_table(vals, einheit=ind.einheit, dezimalen=ind.dezimalen, ebene_label="Kreis")
    t = t.rename(columns={tables.RANK: RANG})
    if selected is not None:
        t["Kreis"] = [f"▶ {n}" if k == selected else n for n, k in zip(t["Kreis"], vals["schluessel"])]
    if vorher:
        rel = ind.is_count
        col = f"Veränderung seit {vorher} ({'%' if rel else ind.einheit_aenderung})"
        src = vals["aenderung_rel"] if rel else vals["aenderung"]
        blocked = vals["gesperrt"] | vals["gesperrt_vorher"]
        t.insert(
            3,
            col,
            [formatting.GESPERRT if b else change_number(v, 1 if rel else ind.dezimalen) for v, b in zip(src, blocked)],
        )
    if vals.loc[vals["wert"].notna(), "status"].nunique() <= 1:
        t = t.drop(columns="Status")  # one status for all: status_note() says it once
    t = tables.sort_for_display(t)
    return t.set_index("Kreis")


def status_note(vals: pd.DataFrame) -> str | None:
    """One sentence when all values share a status other than 'veröffentlicht' (the table then has no
    Status column)."""
    st = vals.loc[vals["wert"].notna(), "status"].dropna().unique()
    if len(st) == 1 and st[0] != "ok":
        return f"Alle Werte: {tables.STATUS_TEXT.get(st[0], st[0])}."
    return None


def change_number(v, dezimalen: int | None) -> str:
    """'+1,20', '−0,83', '±0,00'; missing → 'keine Daten'."""
    if formatting.is_missing(v):
        return formatting.KEINE_DATEN
    sign = "+" if v > 0 else ("−" if v < 0 else "±")
    return sign + formatting.zahl(abs(float(v)), dezimalen)


def export_table(
    vals: pd.DataFrame,
    ind: Indicator,
    *,
    jahr: int,
    vorher: int | None = None,
    land: dict | None = None,
    land_before: dict | None = None,
) -> pd.DataFrame:
    """Download table: German headers, numbers as numbers, empty where there is no value (Status says
    'keine Daten') or where it is gesperrt (Status 'gesperrt (Geheimhaltung)', Hinweis why), the
    Thüringen row last."""
    e = f" ({ind.einheit})" if ind.einheit else ""
    out = pd.DataFrame(
        {
            "Schlüssel": vals["schluessel"].to_numpy(),
            "Kreis": vals["name"].to_numpy(),
            "Kreistyp": vals["bez"].to_numpy(),
            f"{ind.name} {jahr}{e}": vals["wert"].astype(float).to_numpy(),
            "Rang (1 = höchster Wert)": tables.rank_desc(vals["wert"].astype(float)).to_numpy(),
        }
    )
    if vorher:
        out[f"{ind.name} {vorher}{e}"] = vals["wert_vorher"].to_numpy()
        out[f"Veränderung {vorher}–{jahr} ({ind.einheit_aenderung if not ind.is_count else ind.einheit})"] = vals[
            "aenderung"
        ].to_numpy()
        if ind.is_count:
            out[f"Veränderung {vorher}–{jahr} (%)"] = vals["aenderung_rel"].to_numpy()
    out["Status"] = [status_text(s, w) for s, w in zip(vals["status"], vals["wert"])]
    out["Stand"] = [formatting.datum(s) if isinstance(s, str) else "" for s in vals["stand"]]
    out["Quelle"] = [q if isinstance(q, str) else "" for q in vals["quelle_titel"]]
    lizenz = vals["lizenz"] if "lizenz" in vals else pd.Series([None] * len(vals))
    out["Lizenz"] = [x if isinstance(x, str) else "" for x in lizenz]
    out["Hinweis"] = [formatting.nutzer_hinweis(h) for h in vals["hinweis"]]
    # Thüringen is always the last row: its value, or 'keine Daten' / 'gesperrt' (never left out).
    row: dict[str, object] = {c: None for c in out.columns}
    shown = land_shown(land)
    row.update(
        {
            "Schlüssel": "16",
            "Kreis": "Thüringen",
            "Kreistyp": "Land",
            f"{ind.name} {jahr}{e}": float(shown["wert"]) if shown else np.nan,
            "Status": status_text(land.get("status"), land.get("wert")) if land else formatting.KEINE_DATEN,
            "Stand": formatting.datum(land.get("stand")) if land else "",
            "Quelle": (land.get("quelle_titel") or "") if land else "",
            "Lizenz": (land.get("lizenz") or "") if land else "",
            "Hinweis": formatting.nutzer_hinweis(land.get("hinweis"))
            if land and land.get("status") == formatting.GESPERRT
            else "",
        }
    )
    before_shown = land_shown(land_before) if vorher else None
    if before_shown:
        row[f"{ind.name} {vorher}{e}"] = float(before_shown["wert"])
    out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    # the indicator's decimals for the XLSX number formats (6,60 not 6,6); changes of counts in % with 1
    dez = {f"{ind.name} {jahr}{e}": ind.dezimalen}
    if vorher:
        dez[f"{ind.name} {vorher}{e}"] = ind.dezimalen
        dez[f"Veränderung {vorher}–{jahr} ({ind.einheit_aenderung if not ind.is_count else ind.einheit})"] = (
            ind.dezimalen
        )
        if ind.is_count:
            dez[f"Veränderung {vorher}–{jahr} (%)"] = 1
    out.attrs[exports.DEZIMALEN_ATTR] = {k: v for k, v in dez.items() if v is not None}
    return out


def status_text(status, wert) -> str:
    """'veröffentlicht', 'umgerechnet', …; 'gesperrt (Geheimhaltung)'; 'keine Daten' where there is no value."""
    if status == formatting.GESPERRT:
        return tables.STATUS_TEXT[formatting.GESPERRT]
    if isinstance(status, str) and not formatting.is_missing(wert):
        return tables.STATUS_TEXT.get(status, formatting.KEINE_DATEN)
    return formatting.KEINE_DATEN


def tooltip_frame(
    shapes: gpd.GeoDataFrame, vals: pd.DataFrame, ind: Indicator, klasse: dict, *, jahr: int, vorher: int | None
) -> gpd.GeoDataFrame:
    """Shapes with the plain-text tooltip fields (missing reads 'keine Daten', withheld 'gesperrt' and the
    status says why)."""
    cols = [
        "schluessel",
        "wert",
        "stand",
        "status",
        "hinweis",
        "quelle_titel",
        "aenderung",
        "aenderung_rel",
        "gesperrt",
        "gesperrt_vorher",
    ]
    g = shapes.drop(columns=[c for c in ("name", "bez") if c in shapes and c in vals], errors="ignore")
    g = g.merge(vals[cols + ["name", "bez"]], on="schluessel", how="left")
    g["wert_text"] = [
        formatting.wert_oder_status(v, s, ind.einheit, ind.dezimalen) for v, s in zip(g["wert"], g["status"])
    ]
    g["status_text"] = [
        f"{status_text(s, w)} – {h}" if s == formatting.GESPERRT and isinstance(h, str) and h else status_text(s, w)
        for s, w, h in zip(g["status"], g["wert"], g["hinweis"])
    ]
    g["stand_text"] = [formatting.datum(s) if isinstance(s, str) else "–" for s in g["stand"]]
    g["quelle_text"] = [q if isinstance(q, str) else "–" for q in g["quelle_titel"]]
    g["klasse"] = [klasse.get(k, NOT_IN_SELECTION) for k in g["schluessel"]]
    if vorher:
        src = g["aenderung_rel"] if ind.is_count else g["aenderung"]
        blocked = g["gesperrt"].fillna(False).astype(bool) | g["gesperrt_vorher"].fillna(False).astype(bool)
        g["aenderung_text"] = [change_text(v, ind, ind.is_count, bool(b)) for v, b in zip(src, blocked)]
    return g


def tooltip_lines(jahr: int, vorher: int | None) -> list[str]:
    """Plain-text tooltip templates (years are ours, the {fields} come from the features)."""
    lines = ["{name}", f"{int(jahr)}: {{wert_text}}"]
    if vorher:
        lines.append(f"Veränderung seit {int(vorher)}: {{aenderung_text}}")
    return lines + ["Klasse: {klasse}", "Status: {status_text}", "Stand: {stand_text}", "Quelle: {quelle_text}"]


def deck(view: View, *, jahr: int, vorher: int | None, selected: str | None, layer_id: str = "kreise"):
    g = view.features
    return maps.choropleth(
        g, [view.fill[k] for k in g["schluessel"]], tooltip_lines(jahr, vorher), layer_id=layer_id, selected=selected
    )


def ranking_chart(view: View, ind: Indicator, *, title: str, selected: str | None, jahr=None):
    d = view.vals[view.shown][["schluessel", "name", "messwert"]].rename(columns={"messwert": "wert"})
    return charts.ranking(
        d,
        einheit=view.mess_einheit,
        dezimalen=view.mess_dezimalen,
        land_wert=view.reference,
        colour_of=view.fill,
        selected=selected,
        title=title,
        jahr=jahr,
    )


def without_bar(view: View) -> list[str]:
    """Sentences naming the shown Kreise the ranking has no bar for: gesperrt ones (with the rule) and
    those without data."""
    sub = view.vals[view.shown]
    keine = sub.loc[sub["messwert"].isna() & ~sub["messwert_gesperrt"], "name"].tolist()
    out = []
    if view.gesperrt:
        out.append(f"Gesperrt (Geheimhaltung, ohne Balken): {', '.join(view.gesperrt)}.")
    if keine:
        out.append(f"Keine Daten für: {', '.join(keine)}.")
    return out


def gesperrt_reasons(vals: pd.DataFrame) -> str | None:
    """'Gesperrt: Fallzahl unter 3 (Geheimhaltung) – Eisenach, Sömmerda; sekundär gesperrt: … – Gotha.'
    for the caption under the table (the table cell says only 'gesperrt'); None when nothing is."""
    rows = vals[_is_gesperrt(vals["status"])]
    if rows.empty:
        return None
    parts = [f"{grund} – {', '.join(part['name'])}" for grund, part in rows.groupby("hinweis", sort=True)]
    return "Gesperrt: " + "; ".join(parts) + "."


def profile_lines(
    view: View, ind: Indicator, schluessel: str, *, jahr: int, vorher: int | None, land: dict | None
) -> list[tuple[str, str]] | None:
    """The short profile of the selected Kreis: value, rank, Thüringen comparison, change."""
    rows = view.vals[view.vals["schluessel"] == schluessel]
    if rows.empty:
        return None
    r = rows.iloc[0]
    gesperrt = r["status"] == formatting.GESPERRT
    lines = [("Wert " + str(jahr), formatting.wert_oder_status(r["wert"], r["status"], ind.einheit, ind.dezimalen))]
    # ranked among the Kreise in the table (the Kreistyp selection), as the table ranks them
    pool = view.vals[view.shown] if bool(view.shown.loc[rows.index[0]]) else view.vals
    ranks = tables.rank_desc(pool["wert"].astype(float))
    n = int(pool["wert"].notna().sum())
    gruppe = (
        {"Kreisfreie Stadt": "kreisfreien Städten", "Landkreis": "Landkreisen"}.get(r["bez"], "Kreisen")
        if len(pool) < len(view.vals)
        else "Kreisen"
    )
    rank = ranks.get(rows.index[0])
    lines.append(("Rang", f"{int(rank)} von {n} {gruppe} (1 = höchster Wert)" if pd.notna(rank) else "–"))
    if land:
        lines.append(
            ("Thüringen", formatting.wert_oder_status(land["wert"], land.get("status"), ind.einheit, ind.dezimalen))
        )
        lines.append(
            (
                "Vergleich",
                formatting.GESPERRT
                if gesperrt
                else profile.vergleich(
                    r["wert"], land["wert"], ind.polaritaet, ind.einheit, ind.dezimalen, ind.aggregation
                ),
            )
        )
    else:
        lines.append(("Thüringen", f"{formatting.KEINE_DATEN} (kein Vergleich möglich)"))
    if vorher:
        v = r["aenderung_rel"] if ind.is_count else r["aenderung"]
        lines.append(
            (
                f"Veränderung seit {vorher}",
                change_text(v, ind, ind.is_count, bool(gesperrt or r.get("gesperrt_vorher"))),
            )
        )
    if formatting.nutzer_hinweis(r.get("hinweis")):
        lines.append(("Hinweis", formatting.nutzer_hinweis(r["hinweis"])))
    return lines


def source_lines(quellen: pd.DataFrame, staende) -> list[str]:
    """'Quelle: … (Herausgeber); Lizenz: …' per source and one 'Stand der Daten' line, for downloaded figures."""
    lines = [
        f"Quelle: {formatting.quelle_text(r.titel, r.herausgeber)}; Lizenz: {r.lizenz}" for r in quellen.itertuples()
    ]
    daten = sorted({formatting.datum(s) for s in staende if isinstance(s, str) and s})
    if daten:
        lines.append("Stand der Daten: " + ", ".join(daten))
    return lines


# --- defaults, comparisons across breaks, Gebietsstand refusals ----------------------------------------

# A planner's first look at a Lebenslage: its lead indicator, if it is complete (every Kreis and Thüringen)
# in a recent year; otherwise the most complete, most current one (`default_indicator`).
LEITINDIKATOREN = {
    "familie": "kinderarmut_sgb2_u15",
    "bildung": "schulabgaenger_ohne_hauptschulabschluss",
    "wohnen": "wohngeldhaushalte_je_1000_hh",
    "gesundheit": "hausaerzte_je_10000_ew",
    "oekonomie": "sgb2_quote",
    "teilhabe": "wahlbeteiligung_ltw",
    "migration": "asylbewerberleistungen_je_1000_ew",
}
START_LEBENSLAGE = "familie"  # the page opens on Kinderarmut: complete for all 22 Kreise and Thüringen

# Sources that publish only the 22 Kreise (Gebietsstand 2022) and no Zähler/Nenner: nothing to convert.
NUR_22_KREISE = {"inkar_2024_inkr"}
# Indices re-scaled with every release: a difference between two years is not a change (RKI GISD).
OHNE_VERAENDERUNG = {
    "gisd_score": "Der GISD wird mit jeder Ausgabe neu skaliert; Differenzen zwischen Jahren "
    "sind keine Veränderung. „Veränderung gegenüber“ gibt es für ihn deshalb nicht."
}


def default_indicator(completeness: pd.DataFrame, lebenslage: str, offered) -> str | None:
    """The indicator a Lebenslage opens on: its lead indicator when complete, else the one with the
    newest complete year (all Kreise and Thüringen), then the longest series — never the alphabetically
    first. `completeness`: indikator, jahr_komplett (newest complete year or NaN), n_jahre."""
    offered = [i for i in offered]
    if not offered:
        return None
    c = completeness[completeness["indikator"].isin(offered)].copy()
    lead = LEITINDIKATOREN.get(lebenslage)
    complete = set(c.loc[c["jahr_komplett"].notna(), "indikator"])
    if lead in offered and lead in complete:
        return lead
    if c.empty or not complete:
        return lead if lead in offered else offered[0]
    c = c.assign(_j=c["jahr_komplett"].fillna(-1)).sort_values(
        ["_j", "n_jahre", "indikator"], ascending=[False, False, True]
    )
    return str(c.iloc[0]["indikator"])


def default_year(periods: pd.DataFrame, n_kreise: int = 22) -> int | None:
    """The newest year with a value for every Kreis on the current Gebietsstand (else the newest year)."""
    if periods.empty:
        return None
    full = periods[(periods["gebietsstand"] == gebietsstand.AB) & (periods["n_werte"] >= n_kreise)]
    return int(full["jahr"].max()) if not full.empty else int(periods["jahr"].max())


def no_conversion(quelle: str | None, periods: pd.DataFrame, stand: str) -> str | None:
    """Why a source published only on 22 Kreise is not converted to 23 (None when it is offered)."""
    if stand != gebietsstand.BIS or quelle not in NUR_22_KREISE:
        return None
    if (periods["gebietsstand"] == gebietsstand.BIS).any():
        return None
    return (
        "INKAR 2024 veröffentlicht diesen Indikator nur für die 22 Kreise (Gebietsstand 2022) und ohne Zähler "
        "und Nenner. Eine Umrechnung auf die 23 Kreise bis 30.06.2021 ist deshalb nicht möglich: Eisenach und "
        "der alte Wartburgkreis lassen sich aus einem Anteil nicht trennen."
    )


def comparison_years(indikator: str, jahre, jahr: int, brueche: pd.DataFrame) -> tuple[list[int], str | None]:
    """(earlier years a change may be computed against, German sentence why others are not offered).

    Across a series break (data/brueche.csv) the values are not comparable; GISD is never compared."""
    frueher = [j for j in jahre if j < jahr]
    if indikator in OHNE_VERAENDERUNG:
        return [], OHNE_VERAENDERUNG[indikator]
    cut = [int(b) for b in brueche["jahr"] if int(b) <= jahr] if brueche is not None and not brueche.empty else []
    if not cut:
        return frueher, None
    last = max(cut)
    ok = [j for j in frueher if j >= last]
    if len(ok) == len(frueher):
        return ok, None
    hinweis = brueche.loc[brueche["jahr"].astype(int) == last, "hinweis"].dropna()
    why = f" ({hinweis.iloc[0].rstrip('.')})" if not hinweis.empty else ""
    return ok, (
        f"Reihenbruch {last}: Werte vor {last} sind mit {jahr} nicht vergleichbar{why}. "
        f"Eine Veränderung gegenüber Jahren vor {last} wird deshalb nicht berechnet."
    )


def break_notes(brueche: pd.DataFrame) -> list[str]:
    """'Reihenbruch 2016: …' per break, for captions under time series and sparklines."""
    if brueche is None or brueche.empty:
        return []
    return [
        f"Reihenbruch {int(r.jahr)}: {r.hinweis}"
        if isinstance(r.hinweis, str) and r.hinweis
        else f"Reihenbruch {int(r.jahr)}."
        for r in brueche.itertuples()
    ]
