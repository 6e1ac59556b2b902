"""PDF reports with Typst (the `typst` package from PyPI bundles the compiler: offline, no system
libraries, tagged PDF output, German hyphenation with `lang: "de"`).

Data never becomes Typst markup: a template under render/templates/ reads everything it prints from a
JSON file beside it (`json("daten.json")`), so text from imported sources cannot inject markup. Pictures
(outline map, sparklines) travel as SVG strings inside that JSON or as files in the same folder.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import typst

from sozialatlas.errors import SozialatlasError

TEMPLATES = Path(__file__).parent / "templates"
# Debian's fonts-dejavu / fonts-liberation (installed by start.sh/test.sh); Typst also embeds its own
# fallback fonts, so a missing folder only changes the typeface, never breaks the report.
FONT_PATHS = [
    p for p in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation") if Path(p).is_dir()
]


class ReportError(SozialatlasError):
    pass


def compile_report(template: str, data: dict, files: dict[str, bytes] | None = None) -> bytes:
    """Compile templates/<template>.typ with `data` as daten.json (and extra files) into PDF bytes."""
    src = TEMPLATES / f"{template}.typ"
    if not src.exists():
        raise ReportError(f"Berichtsvorlage {src.name} fehlt.")
    with tempfile.TemporaryDirectory(prefix="sozialatlas-pdf-") as tmp:
        d = Path(tmp)
        (d / "bericht.typ").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
        (d / "daten.json").write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
        for name, content in (files or {}).items():
            if "/" in name or name.startswith("."):
                raise ReportError(f"Ungültiger Dateiname im Bericht: {name!r}.")
            (d / name).write_bytes(content)
        try:
            return typst.compile(str(d / "bericht.typ"), root=str(d), font_paths=FONT_PATHS, format="pdf")
        except RuntimeError as exc:  # typst reports template errors as RuntimeError
            raise ReportError(f"PDF konnte nicht erzeugt werden ({template}): {exc}") from exc


def sparkline_svg(values: list[float | None], *, width: int = 120, height: int = 28, colour: str = "#222") -> str:
    """A tiny line of a series as SVG; gaps (missing years) break the line instead of bridging them,
    the last value is marked with a dot. Empty string if fewer than two values exist."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if len(pts) < 2:
        return ""
    n = max(len(values) - 1, 1)
    lo, hi = min(v for _i, v in pts), max(v for _i, v in pts)
    span = (hi - lo) or 1.0
    pad = 3

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad + i / n * (width - 2 * pad), pad + (hi - v) / span * (height - 2 * pad)

    segments, cur, prev = [], [], None
    for i, v in pts:
        if prev is not None and i != prev + 1:
            segments.append(cur)
            cur = []
        cur.append(xy(i, v))
        prev = i
    segments.append(cur)
    d = "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in seg) for seg in segments if len(seg) > 1)
    lx, ly = xy(*pts[-1])
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="{colour}"/>'
        for seg in segments
        if len(seg) == 1
        for x, y in seg
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.5"/>{dots}'
        f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.4" fill="{colour}"/></svg>'
    )
