"""The whole ETL in order: geometry first (later steps read its crosswalk), then every series,
then the catalogue check that ties observations, indicators and sources together.

Everything is written into a staging folder first and copied over the committed files only when every
step and the catalogue check succeeded: bad raw input changes nothing.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from pathlib import Path

from sozialatlas.errors import RawInputError, SozialatlasError

STEPS = [
    ("geometry", "Gebietsgrenzen (Gemeinden, Kreise, Land)"),
    ("inkar", "INKAR-Reihen (BBSR)"),
    ("inkar2024", "INKAR 2024, vollständige Thüringer Reihen (BBSR über inkr)"),
    ("gisd", "GISD (RKI)"),
    ("seed", "Seed-Publikationen (ThOnSA, LoKoSR, Strategien)"),
    ("gemeindeverzeichnis", "Gemeindeverzeichnis (Destatis)"),
    ("wahlen", "Landtagswahlen (TLS)"),
    ("gemeinderatswahlen", "Gemeinderatswahlen 2019 und 2024 (TLS)"),
    ("jena", "Statistische Bezirke und Haushalte der Stadt Jena"),
]
# Hand-maintained catalogue files: read by the ETL, never written by it.
CATALOGUE_FILES = ("lebenslagen.csv", "quellen.csv", "indikatoren.csv")


class CatalogueError(SozialatlasError):
    pass


def run_all(raw_dir: Path, data_dir: Path, geodata_dir: Path, log=print) -> dict:
    raw_dir, data_dir, geodata_dir = Path(raw_dir), Path(data_dir), Path(geodata_dir)
    if not raw_dir.is_dir():
        raise RawInputError(raw_dir, "Rohdatenordner nicht gefunden (Option --raw).")
    with tempfile.TemporaryDirectory(prefix="sozialatlas-etl-") as tmp:
        stage_data, stage_geo = Path(tmp) / "data", Path(tmp) / "geodata"
        (stage_data / "beobachtungen").mkdir(parents=True)
        stage_geo.mkdir()
        for name in CATALOGUE_FILES:
            src = data_dir / name
            if not src.is_file():
                raise CatalogueError(f"Katalogdatei {src} fehlt.")
            shutil.copy2(src, stage_data / name)
        summary = {}
        for module, label in STEPS:
            log(f"ETL: {label} …")
            mod = importlib.import_module(f"sozialatlas.etl.{module}")
            summary[module] = mod.run(raw_dir, stage_data, stage_geo)
        from sozialatlas.store import catalogue

        problems = catalogue.validate(stage_data)
        if problems:
            raise CatalogueError("Katalogprüfung fehlgeschlagen:\n- " + "\n- ".join(problems))
        _publish(stage_data, data_dir, skip=CATALOGUE_FILES)
        _publish(stage_geo, geodata_dir)
    log("ETL fertig.")
    return summary


def _publish(stage: Path, target: Path, skip=()) -> None:
    for src in sorted(stage.rglob("*")):
        if src.is_file() and src.name not in skip:
            dest = target / src.relative_to(stage)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
