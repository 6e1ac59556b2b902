"""The code checks CI relies on, run from the test command so a clean clone checks them too:
ruff (lint and format) over the whole tree and mypy over the typed layers (domain, store, protection,
areas, views — configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sozialatlas import paths

BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess:
    tool = BIN / args[0]
    if not tool.exists():
        pytest.fail(f"{args[0]} fehlt in der Umgebung: requirements-dev.txt installieren (bash test.sh)")
    return subprocess.run([str(tool), *args[1:]], cwd=paths.ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing():
    r = _run("ruff", "check", "--output-format", "concise", ".")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_code_is_formatted():
    r = _run("ruff", "format", "--check", ".")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_mypy_passes_on_the_typed_layers():
    r = _run("mypy")
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
