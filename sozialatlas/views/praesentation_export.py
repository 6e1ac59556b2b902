"""A whole Präsentation as PowerPoint or PDF: every Folie through views.praesentation.slide, pictures at
beamer resolution via vl-convert, then render.pptx / render.pdf (template praesentation.typ)."""

from __future__ import annotations

from sozialatlas.render import pdf, pptx, slides
from sozialatlas.views import praesentation


def _plain(con, folien, base_url: str) -> list[dict]:
    rows = folien.to_dict("records") if hasattr(folien, "to_dict") else list(folien)
    out = []
    for f in rows:
        s = praesentation.slide(con, f)
        out.append(
            {
                "titel": s.titel,
                "kernaussage": s.kernaussage,
                "png": slides.png(s.spec) if s.spec else None,
                "svg": slides.svg(s.spec) if s.spec else None,
                "legende_titel": s.legende_titel,
                "legende": s.legende,
                "zeilen": s.zeilen,
                "hinweise": [h for h in s.hinweise if h],
                "quelle": s.quelle,
                "stand": s.stand,
                "link": base_url.rstrip("/") + s.url,
            }
        )
    return out


def pptx_bytes(con, satz: dict, folien, base_url: str = "") -> bytes:
    return pptx.build(satz["titel"], _plain(con, folien, base_url))


def pdf_bytes(con, satz: dict, folien, base_url: str = "") -> bytes:
    plain = _plain(con, folien, base_url)
    files, data = {}, []
    for i, f in enumerate(plain, start=1):
        if f["svg"]:
            files[f"folie{i}.svg"] = f["svg"].encode("utf-8")
        data.append(
            {
                **{k: f[k] for k in ("titel", "kernaussage", "legende_titel", "hinweise", "quelle", "stand", "link")},
                "bild": f"folie{i}.svg" if f["svg"] else None,
                "legende": [{"farbe": c, "text": t} for c, t in f["legende"]],
                "zeilen": [{"farbe": c, "label": lab, "text": t} for c, lab, t in f["zeilen"]],
            }
        )
    return pdf.compile_report("praesentation", {"titel": satz["titel"], "folien": data}, files)
