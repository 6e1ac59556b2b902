"""docs/DATENMODELL.md states the coordinate precision of geodata/ as the files have it (issue 8)."""

from __future__ import annotations

import re

from sozialatlas import paths


def _decimals(path) -> int:
    text = path.read_text(encoding="utf-8")
    start = text.find('"coordinates"')
    return max(len(d) for d in re.findall(r"-?\d+\.(\d+)", text[start : start + 200_000]))


def test_the_stated_coordinate_decimals_match_the_files():
    doc = (paths.ROOT / "docs" / "DATENMODELL.md").read_text(encoding="utf-8")
    stated = int(re.search(r"coordinates rounded to (\d) decimals", doc).group(1))
    main = [f for f in (paths.ROOT / "geodata").glob("*.geojson") if not f.name.startswith("jena")]
    assert main and {_decimals(f) for f in main} == {stated}
