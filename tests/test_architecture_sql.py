"""All SQL and DDL live in sozialatlas/store/ (and sozialatlas/etl/, which writes files, not the database).

A module anywhere else that calls `.execute(` / `.executemany(` / `.sql(` or holds SQL text in a string
fails this test. The few modules that still do are listed in PENDING with the reason; the list can only
shrink: a listed module that no longer holds SQL fails too, so the entry is removed with the fix.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Where SQL belongs: the store (database) and the ETL (raw → data/, never the database).
SQL_HOMES = ("sozialatlas/store/", "sozialatlas/etl/")

# Modules that still hold SQL, each to be moved into a store module (store/queries.py or a small topic
# module such as store/regions.py). Remove an entry when its module is clean; never add one.
PENDING: set[str] = set()

CALLS = {"execute", "executemany", "sql"}
# Upper-case SQL as this code base writes it. Structure, not single words, so German or English prose in
# user texts does not match.
SQL_TEXT = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b"
    r"|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b|\bUPDATE\s+\w+\s+SET\b"
    r"|\b(?:CREATE|DROP|ALTER)\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW|INDEX|SEQUENCE|SCHEMA|MACRO)\b"
    r"|\bWHERE\b[\s\S]*(?:=|<|>|\bIN\b|\bLIKE\b|\bIS\b)\s*(?:\?|\$\w+|NULL\b)"
    r"|\b(?:LEFT\s+|INNER\s+)?JOIN\b[\s\S]*\bON\b[\s\S]*="
    r"|\b(?:ORDER|GROUP)\s+BY\b"
    r"|\bATTACH\s+(?:DATABASE\s+)?'|\bPRAGMA\s+\w+|\bCHECKPOINT\b"
)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def sql_sites(source: str) -> list[tuple[int, str]]:
    """(line, what) for every database call and every string that reads as SQL (docstrings excepted)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    inside_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLS:
            found.append((node.lineno, f".{node.func.attr}("))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else " ? " for v in node.values)
            if SQL_TEXT.search(str(text)):
                found.append((node.lineno, "SQL text"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docs
            and id(node) not in inside_fstring
            and SQL_TEXT.search(node.value)
        ):
            found.append((node.lineno, "SQL text"))
    return sorted(found)


def _modules() -> list[str]:
    files = [*ROOT.glob("sozialatlas/**/*.py"), *ROOT.glob("app_pages/**/*.py"), ROOT / "app.py"]
    rels = sorted(p.relative_to(ROOT).as_posix() for p in files if p.is_file())
    return [r for r in rels if not r.startswith(SQL_HOMES)]


def _offenders() -> dict[str, list[tuple[int, str]]]:
    out = {}
    for rel in _modules():
        sites = sql_sites((ROOT / rel).read_text(encoding="utf-8"))
        if sites:
            out[rel] = sites
    return out


def test_no_sql_outside_store_and_etl():
    offenders = {m: s for m, s in _offenders().items() if m not in PENDING}
    assert not offenders, "SQL outside sozialatlas/store/ (move it into a store module and call that): " + "; ".join(
        f"{m} lines {', '.join(str(line) for line, _ in s)}" for m, s in offenders.items()
    )


def test_pending_list_only_shrinks():
    """A pending module that is clean now must leave the list, so nothing can slip back in unnoticed."""
    offenders = _offenders()
    clean = sorted(m for m in PENDING if m not in offenders)
    assert not clean, f"No SQL left in {clean}: remove them from PENDING in tests/test_architecture_sql.py."
    assert all((ROOT / m).is_file() for m in PENDING)


@pytest.mark.parametrize(
    "source",
    [
        'def f(con):\n    return con.execute("SELECT 1").fetchone()\n',
        "def f(con):\n    return con.sql('FROM region').df()\n",
        'Q = "SELECT name FROM region WHERE ebene = ?"\n',
        'def f(t):\n    return f"SELECT * FROM {t} ORDER BY 1"\n',
        'Q = ("UPDATE indikator SET name = ? "\n     "WHERE id = ?")\n',
        'Q = "CREATE TABLE IF NOT EXISTS ziel (id INTEGER)"\n',
        'Q = " AND gebietsstand = ? ORDER BY schluessel"\n',
    ],
)
def test_the_detector_sees_sql(source):
    assert sql_sites(source)


@pytest.mark.parametrize(
    "source",
    [
        '"""Reads the region table: SELECT name FROM region happens in the store."""\n',
        'MSG = "Bitte einen Kreis wählen; keine Daten für diese Auswahl."\n',
        'HELP = "Select an indicator from the list."\n',
        "def f(df):\n    return df.query('wert > 0')\n",
    ],
)
def test_the_detector_ignores_prose_docstrings_and_pandas(source):
    assert sql_sites(source) == []


def test_the_detector_finds_the_real_queries_in_the_store():
    """The store is where the SQL went: the same detector sees it there (so it would see it anywhere)."""
    sites = sql_sites((ROOT / "sozialatlas/store/regions.py").read_text(encoding="utf-8"))
    assert sum(1 for _, what in sites if what == ".execute(") >= 6
    assert sum(1 for _, what in sites if what == "SQL text") >= 6
