"""Every setting is documented (datasette-style): each SOZIALATLAS_* environment variable the code reads and
each URL parameter a page keeps in its address appears in README.md or docs/BETRIEB.md. A new one without
documentation fails here with its name."""

from __future__ import annotations

import re

from sozialatlas import paths
from sozialatlas.ui import mapcontrols
from sozialatlas.views import pagestate

DOCS = ("README.md", "docs/BETRIEB.md")
CODE_DIRS = ("sozialatlas", "app_pages", "benchmarks", "tests", "scripts", ".ci")
CODE_FILES = ("app.py", "start.sh", "test.sh")
ENV = re.compile(r"\bSOZIALATLAS_[A-Z0-9_]*[A-Z0-9]\b")
# urlstate.seed("x", …) / urlstate.publish("x", …) / st.query_params["x"] / .get("x") / query_params={"x": …}
URL_CALL = re.compile(r"urlstate\.(?:seed|publish)\(\s*[\"']([a-z_]+)[\"']")
URL_QP = re.compile(r"query_params(?:\.get\(|\[)\s*[\"']([a-z_]+)[\"']")
URL_LINK = re.compile(r"query_params=\{([^}]*)\}")
URL_LOOP = re.compile(r"^\s*\([\"']([a-z_]+)[\"'],\s*[^)]*\),?\s*$", re.M)  # ("key", value) tuples before publish


def _docs() -> str:
    return "\n".join((paths.ROOT / d).read_text(encoding="utf-8") for d in DOCS)


def _code_files():
    for d in CODE_DIRS:
        root = paths.ROOT / d
        if root.is_dir():
            yield from (p for p in root.rglob("*") if p.suffix in (".py", ".sh", "") and p.is_file())
    for f in CODE_FILES:
        if (paths.ROOT / f).is_file():
            yield paths.ROOT / f


def env_vars() -> set[str]:
    found = set()
    for p in _code_files():
        if "etl" in p.parts and p.name.startswith("test_"):
            continue
        try:
            found |= set(ENV.findall(p.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return found


def url_params() -> set[str]:
    found = set(mapcontrols.url_keys(""))
    for cls in pagestate.PageState.__subclasses__():
        found |= set(cls.params())
    for p in [
        paths.ROOT / "app.py",
        *(paths.ROOT / "app_pages").glob("*.py"),
        *(paths.ROOT / "sozialatlas/ui").glob("*.py"),
    ]:
        src = p.read_text(encoding="utf-8")
        found |= set(URL_CALL.findall(src)) | set(URL_QP.findall(src))
        for body in URL_LINK.findall(src):
            found |= set(re.findall(r"[\"']([a-z_]+)[\"']\s*:", body))
        for alias in re.findall(r"^(\w+) = st\.query_params\s*$", src, re.M):  # q = st.query_params
            found |= set(re.findall(rf"\b{alias}(?:\.get\(|\[)\s*[\"']([a-z_]+)[\"']", src))
        if "urlstate.publish(key" in src:
            found |= set(URL_LOOP.findall(src))
    return found


def test_the_scanners_find_what_they_must():
    # the scan itself: known settings and parameters are found (else the checks below prove nothing)
    import sozialatlas.views.kleinraeumig_page  # noqa: F401 - registers KleinraeumigState
    import sozialatlas.views.planungsraum_editor  # noqa: F401

    assert {"SOZIALATLAS_PUBLIC", "SOZIALATLAS_DB", "SOZIALATLAS_MIN_FALLZAHL"} <= env_vars()
    assert {"indikator", "jahr", "kreis", "ebene", "gebiet", "pr_kreis", "klassen", "lebenslage"} <= url_params()


def test_every_environment_variable_is_documented():
    docs = _docs()
    missing = sorted(v for v in env_vars() if v not in docs)
    assert not missing, f"Nicht dokumentiert (README.md oder docs/BETRIEB.md): {', '.join(missing)}"


def test_every_url_parameter_is_documented():
    import sozialatlas.views.kleinraeumig_page  # noqa: F401
    import sozialatlas.views.planungsraum_editor  # noqa: F401

    docs = _docs()
    missing = sorted(p for p in url_params() if f"`{p}`" not in docs)
    assert not missing, f"URL-Parameter nicht dokumentiert (README.md oder docs/BETRIEB.md): {', '.join(missing)}"
