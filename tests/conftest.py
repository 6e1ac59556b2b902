"""Shared fixtures: one database built from the committed files for the whole session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sozialatlas import paths
from sozialatlas.store import db


@pytest.fixture(scope="session")
def db_path(tmp_path_factory) -> Path:
    """A database built fresh from data/ and geodata/, used by every test through SOZIALATLAS_DB."""
    path = tmp_path_factory.mktemp("db") / "sozialatlas.duckdb"
    db.build(path)
    os.environ["SOZIALATLAS_DB"] = str(path)
    return path


@pytest.fixture
def con(db_path):
    c = db.connect(db_path, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    if not paths.DEFAULT_RAW_DIR.is_dir():
        pytest.skip("Rohdaten (../shared/data/raw) nicht vorhanden")
    return paths.DEFAULT_RAW_DIR


@pytest.fixture
def apptest(db_path):
    """An AppTest of app.py with full error details (the shipped config hides them)."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("client.showErrorDetails", "full")

    def make(page: str | None = None, query: dict | None = None):
        at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=60)
        if query:
            for k, v in query.items():
                at.query_params[k] = v
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    return make
