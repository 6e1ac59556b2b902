"""Write a Gesamtdownload as a Frictionless data package: Parquet and CSV per table, a GeoPackage of all
levels, a German README and `datapackage.json` describing every file and field.

CSV files are written the way German spreadsheets read them (`;`, decimal comma, UTF-8 with BOM) and the
Table Schema says so (`dialect.delimiter`, `decimalChar`), so both Excel and a validator read them right.
Parquet files hold the same rows with real types for R, Python and QGIS users.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pyogrio

TABLES = {
    "beobachtungen": "Alle Beobachtungen in Langform, nach der Geheimhaltung, mit Stand, Quelle und Status",
    "indikatoren": "Indikatorenkatalog: Lebenslage, Einheit, Definition, Formel, Wertungsrichtung, Quelle, Lizenz",
    "quellen": "Quellen mit Herausgeber, Stand und Lizenz",
    "gebiete": "Gebiete mit amtlichen Schlüsseln (AGS/ARS), Gebietsstand und übergeordneten Gebieten",
}

FIELD_TEXT = {
    "indikator": "Kennung des Indikators (siehe indikatoren.id)",
    "ebene": "Ebene: land, kreis, gemeindeverband, gemeinde, stadtbezirk",
    "gebietsstand": "Gebietsstand des Gebiets (z. B. ab-2021-07-01: 22 Kreise; bis-2021-06-30: 23 Kreise)",
    "schluessel": "Amtlicher Schlüssel (AGS/ARS) bzw. Bezirksnummer",
    "name": "Name",
    "jahr": "Berichtsjahr",
    "wert": "Wert; leer bei „keine Daten“ und bei gesperrten Werten (nie 0 als Ersatz)",
    "zaehler": "Zähler, soweit veröffentlicht; leer wenn gesperrt",
    "nenner": "Nenner, soweit veröffentlicht; leer wenn gesperrt",
    "status": "ok, abgeleitet (eigene Berechnung), umgerechnet (anderer Gebietsstand), fehlend, gesperrt",
    "stand": "Stand der Angabe (Stichtag oder Zeitraum laut Quelle)",
    "quelle": "Kennung der Quelle (siehe quellen.id)",
    "lizenz": "Lizenz der Quelle",
    "hinweis": "Hinweis zur Angabe; bei gesperrten Werten der Grund",
    "beispiel": "wahr bei Beispieldaten",
}


def _csv_bytes(df: pd.DataFrame) -> bytes:
    out = df.copy()
    for col in out.columns:
        if str(out[col].dtype) == "bool":
            out[col] = out[col].map({True: "true", False: "false"})
    return out.to_csv(sep=";", decimal=",", index=False, lineterminator="\n").encode("utf-8-sig")


def _schema(df: pd.DataFrame, decimal_comma: bool = True) -> dict:
    fields = []
    for col in df.columns:
        dtype = df[col].dtype
        if pd.api.types.is_bool_dtype(dtype):
            typ = "boolean"
        elif pd.api.types.is_integer_dtype(dtype):
            typ = "integer"
        elif pd.api.types.is_float_dtype(dtype):
            typ = "number"
        else:
            typ = "string"
        f = {"name": col, "type": typ}
        if typ == "number" and decimal_comma:
            f["decimalChar"] = ","
        if col in FIELD_TEXT:
            f["description"] = FIELD_TEXT[col]
        fields.append(f)
    return {"fields": fields, "missingValues": [""]}


def _text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns as plain strings (NaN stays missing) so Parquet and CSV agree."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype).startswith("string"):
            out[col] = out[col].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return out


def _readme(bundle, files: list[str]) -> str:
    obs = bundle.beobachtungen
    lines = [
        "# Sozialatlas Thüringen — Gesamtdownload",
        "",
        f"Stand der Datenbank: {bundle.meta.get('gebaut_am', 'unbekannt')} "
        f"(Datenstand-Prüfsumme {str(bundle.meta.get('data_hash', ''))[:12]}).",
        "",
        f"{len(obs):,} Beobachtungen zu {obs['indikator'].nunique()} Indikatoren, "
        f"{int((obs['status'] == 'gesperrt').sum()):,} davon gesperrt (Geheimhaltung).".replace(",", "."),
        "",
        "Alle Werte sind so geprüft wie in der App: Fallzahlen unter der Mindestfallzahl und Werte, aus denen "
        "sie sich zurückrechnen ließen, sind gesperrt (Spalte `status` = gesperrt, `wert` leer, Grund in "
        "`hinweis`). Fehlende Werte sind leer, nie 0. Abgeleitete Werte (status `abgeleitet`) sind eigene "
        "Berechnungen; die Formel steht im Indikatorenkatalog.",
        "",
        "## Dateien",
        "",
    ]
    lines += [f"- `{f}`" + (f": {TABLES[f.split('.')[0]]}" if f.split(".")[0] in TABLES else "") for f in files]
    lines += [
        "",
        "CSV-Dateien: Trennzeichen Semikolon, Dezimalkomma, UTF-8 (mit BOM, für Excel). Dieselben Tabellen als "
        "Parquet. `gebiete.gpkg` enthält die Grenzen aller Ebenen (EPSG:4326) zum Verknüpfen über `schluessel`. "
        "`datapackage.json` beschreibt jede Datei und jedes Feld (Frictionless Data Package).",
        "",
        "## Quellen und Lizenzen",
        "",
    ]
    for q in bundle.quellen.itertuples(index=False):
        lines.append(f"- {q.titel} — {q.herausgeber}; Stand: {q.stand}; Lizenz: {q.lizenz}")
    if bundle.ausgelassen:
        lines += ["", "## Nicht enthalten", ""] + [f"- {t}" for t in bundle.ausgelassen]
    return "\n".join(lines) + "\n"


def write(bundle, out: Path) -> Path:
    """Write the package into the folder `out`, or into a ZIP file when `out` ends with .zip."""
    out = Path(out)
    files: dict[str, bytes] = {}
    resources = []
    for name in TABLES:
        df = _text_frame(getattr(bundle, name))
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        files[f"{name}.parquet"] = buf.getvalue()
        files[f"{name}.csv"] = _csv_bytes(df)
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "title": TABLES[name],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"csv": {"delimiter": ";"}},
                "schema": _schema(df),
            }
        )
        resources.append(
            {
                "name": f"{name}-parquet",
                "path": f"{name}.parquet",
                "format": "parquet",
                "title": TABLES[name],
                "schema": _schema(df, decimal_comma=False),
            }
        )
    if bundle.geometrien:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "gebiete.gpkg"
            for layer, gdf in bundle.geometrien.items():
                pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG", append=path.exists())
            files["gebiete.gpkg"] = path.read_bytes()
        resources.append(
            {
                "name": "gebiete-geopackage",
                "path": "gebiete.gpkg",
                "format": "gpkg",
                "mediatype": "application/geopackage+sqlite3",
                "title": "Gebietsgrenzen aller Ebenen (Layer je Ebene und Gebietsstand), EPSG:4326",
            }
        )
    package = {
        "name": "sozialatlas-thueringen",
        "title": "Sozialatlas Thüringen — Gesamtdownload",
        "description": "Alle veröffentlichten Werte des Sozialatlas Thüringen nach der Geheimhaltung.",
        "created": str(bundle.meta.get("gebaut_am", "")),
        "licenses": [{"name": "Quellenangabe", "title": "Lizenzen je Quelle, siehe quellen.csv"}],
        "resources": resources,
    }
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    files["README.md"] = _readme(bundle, sorted(files)).encode("utf-8")
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(files):
                zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), files[name])
        return out
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return out


def to_zip_bytes(bundle) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(bundle, Path(tmp) / "sozialatlas.zip")
        return path.read_bytes()
