"""A database copy whose data texts are attacks: an imported indicator (name, unit, definition, source,
publisher, licence, every Hinweis cell), a Planungsraum-Gliederung (its name, description, the Planungsraum
names) and the admin name — each a Markdown image, a link, an <img>, a bare URL, an e-mail address,
LaTeX and a bidi override. Used by tests/test_views_injection.py (AppTest) and
tests/e2e/test_injection_browser.py (real browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd

from sozialatlas.areas import planungsraum
from sozialatlas.store import db, versions

EVIL_HOST = "evil.example"
PAYLOAD = (
    "![x](http://evil.example/bild.png) [klick](http://evil.example/login) "
    '<img src="http://evil.example/img.png"> http://evil.example/u www.evil.example '
    "wer@evil.example $x^2$ :red[rot] \u202eRTL"
)
KREIS = "16073"  # Saalfeld-Rudolstadt
JAHR = 2023


def build(src: Path, dst_dir: Path) -> dict:
    """Copy `src`, write the payloads, return {path, indikator, definition, planungsraum}."""
    path = Path(dst_dir) / "injektion.duckdb"
    shutil.copyfile(src, path)
    con = db.connect(path, read_only=False)
    try:
        kreise = [
            r[0]
            for r in con.execute(
                "SELECT schluessel FROM region WHERE ebene = 'kreis' AND gebietsstand = 'ab-2021-07-01'"
            ).fetchall()
        ]
        gemeinden = con.execute(
            "SELECT schluessel FROM region WHERE ebene = 'gemeinde' AND gebietsstand = '2021-12-31' ORDER BY 1"
        ).fetchall()
        obs = pd.concat(
            [
                pd.DataFrame({"ebene": "kreis", "schluessel": kreise, "gebietsstand": "ab-2021-07-01"}),
                pd.DataFrame(
                    {"ebene": "gemeinde", "schluessel": [g[0] for g in gemeinden], "gebietsstand": "2021-12-31"}
                ),
            ],
            ignore_index=True,
        )
        obs["jahr"] = JAHR
        obs["wert"] = [40.0 + (i % 17) for i in range(len(obs))]
        obs["hinweis"] = f"Hinweis {PAYLOAD}"
        indikator = {
            "name": f"Quote {PAYLOAD}",
            "lebenslage": "familie",
            "einheit": f"Einheit {PAYLOAD}",
            "aggregation": "keine",
            "polaritaet": "hoeher_schlechter",
            "quelle": f"Quelle {PAYLOAD}",
            "herausgeber": f"Herausgeber {PAYLOAD}",
            "definition": f"Definition {PAYLOAD}",
            "stand": "2023-12-31",
            "lizenz": f"Lizenz {PAYLOAD}",
            "dezimalen": 1,
        }
        versions.apply_import(con, indikator, obs, f"Admin {PAYLOAD}", f"datei {PAYLOAD}.xlsx")
        ind_id = con.execute("SELECT id FROM indikator WHERE name = ?", [indikator["name"]]).fetchone()[0]
        members = con.execute(
            "SELECT schluessel FROM region WHERE ebene = 'gemeinde' AND kreis_ab = ? ORDER BY 1", [KREIS]
        ).fetchall()
        pr_name = f"PR {PAYLOAD}"[:80]
        mapping = pd.DataFrame(
            {"ags": [m[0] for m in members], "planungsraum": [pr_name if i % 2 else "Süd" for i in range(len(members))]}
        )
        definition = planungsraum.save(
            con, KREIS, f"Gliederung {PAYLOAD}"[:120], mapping, wer=f"Admin {PAYLOAD}", beschreibung=f"Beschr {PAYLOAD}"
        )
    finally:
        con.close()
    return {"path": path, "indikator": ind_id, "definition": int(definition), "planungsraum": pr_name}


def has_payload(path: Path) -> bool:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT count(*) FROM indikator WHERE name LIKE '%evil.example%'").fetchone()[0] == 1


def visits(info: dict) -> list[tuple[str, dict]]:
    """(page file, URL parameters): every page, on the payload indicator / Gliederung where it has a choice."""
    ind, d = info["indikator"], str(info["definition"])
    return [
        ("app_pages/start.py", {}),
        ("app_pages/kreisvergleich.py", {"indikator": ind, "jahr": str(JAHR), "kreis": "16053"}),
        ("app_pages/zeitreihen.py", {"indikator": ind, "kreise": "16053,16073"}),
        ("app_pages/kreisprofil.py", {"kreis": KREIS}),
        ("app_pages/lebenslagen.py", {"lebenslage": "familie", "indikator": ind, "kreis": KREIS}),
        ("app_pages/kleinraeumig.py", {"kreis": KREIS, "indikator": ind, "jahr": str(JAHR), "gebiet": "16073077"}),
        (
            "app_pages/kleinraeumig.py",
            {
                "ebene": "planungsraum",
                "kreis": KREIS,
                "definition": d,
                "indikator": ind,
                "jahr": str(JAHR),
                "gebiet": info["planungsraum"],
            },
        ),  # fmt: skip
        ("app_pages/strategien.py", {"lebenslage": "familie"}),
        ("app_pages/daten_quellen.py", {}),
        ("app_pages/planungsraeume.py", {"pr_kreis": KREIS}),
        ("app_pages/versionen.py", {}),
        ("app_pages/import.py", {}),
    ]
