"""Where things live. One place, so the CLI, the app and the tests agree."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
GEODATA_DIR = ROOT / "geodata"
OBS_DIR = DATA_DIR / "beobachtungen"
# The raw folder sits beside the checkout (../shared/data/raw); it is never committed.
DEFAULT_RAW_DIR = ROOT.parent / "shared" / "data" / "raw"


def default_db_path() -> Path:
    """The database file; SOZIALATLAS_DB overrides it (replicas, tests)."""
    env = os.environ.get("SOZIALATLAS_DB")
    return Path(env) if env else ROOT / "build" / "sozialatlas.duckdb"
