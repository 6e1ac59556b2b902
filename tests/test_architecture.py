"""The one-way rule of ARCHITECTURE.md, enforced: import-linter contracts (pyproject.toml) and Streamlit only
in the ui layer."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.is_file():
        pytest.fail(f"{LINT_IMPORTS} fehlt: requirements-dev.txt installieren (import-linter).")
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_contracts_kept():
    res = _lint(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 broken" in res.stdout


@pytest.fixture
def package_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "sozialatlas", tmp_path / "sozialatlas", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("protection/privacy.py", "from sozialatlas.views import kleinraeumig", "Layers"),
        ("store/queries.py", "from sozialatlas.protection import smallarea", "Layers"),
        ("views/kleinraeumig.py", "from sozialatlas.store import unprotected", "Unprotected rows"),
        ("render/formatting.py", "from sozialatlas.store import queries", "render is a toolkit"),
        ("areas/planungsraum.py", "import streamlit", "Streamlit only"),
    ],
)
def test_contracts_catch_a_violation(package_copy, module, line, contract):
    """Each contract really fails when the rule is broken (on a copy of the package)."""
    path = package_copy / "sozialatlas" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    res = _lint(package_copy)
    assert res.returncode != 0
    assert "Broken contracts" in res.stdout, res.stdout
    assert contract in res.stdout.split("Broken contracts", 1)[1], res.stdout


def streamlit_imports(source: str) -> list[int]:
    """Line numbers of every `import streamlit…` / `from streamlit… import` (also inside functions)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "streamlit" for a in node.names):
            out.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit" and not node.level:
            out.append(node.lineno)
    return out


def test_streamlit_detector_finds_function_level_imports():
    src = "import os\n\ndef f():\n    import streamlit.components.v1 as c\n    from streamlit import session_state\n"
    assert streamlit_imports(src) == [4, 5]
    assert streamlit_imports("from .streamlit import x\nimport streamlitish\n") == []


def test_no_streamlit_outside_ui():
    """The package (except sozialatlas/ui) never imports Streamlit, not even in a function. (benchmarks/ may:
    it drives the app with Streamlit's AppTest from outside the package.)"""
    files = [
        p for p in (ROOT / "sozialatlas").rglob("*.py") if "ui" not in p.relative_to(ROOT / "sozialatlas").parts[:1]
    ]
    offenders = {
        str(p.relative_to(ROOT)): lines for p in files if (lines := streamlit_imports(p.read_text(encoding="utf-8")))
    }
    assert not offenders, f"Streamlit außerhalb von sozialatlas/ui: {offenders}"
