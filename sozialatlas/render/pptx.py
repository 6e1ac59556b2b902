"""PowerPoint export of a Präsentation (python-pptx): one 16:9 slide per Folie with the title, the
picture (map/chart) at beamer resolution on the left, its legend beside it, the Kernaussage, the
Quelle/Stand line, and the deep link into the atlas in the speaker notes. Pure: plain data in, bytes out.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Pt

W, H = Emu(12192000), Emu(6858000)  # 16:9, 13.333 × 7.5 in
CM = 360000


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#")[:6].upper())


def _text(slide, x, y, w, h, text: str, size: int, bold: bool = False, colour: str = "#000000"):
    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    p = tf.paragraphs[0]
    p.text = text
    p.font.size, p.font.bold, p.font.color.rgb = Pt(size), bold, _rgb(colour)
    return box


def build(titel: str, folien: list[dict]) -> bytes:
    """folien: {titel, kernaussage, png (bytes or None), legende_titel, legende [(colour, label)],
    zeilen [(colour, label, text)], hinweise [str], quelle, stand, link}."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = W, H
    prs.core_properties.title = titel
    prs.core_properties.language = "de-DE"
    blank = prs.slide_layouts[6]
    for i, f in enumerate(folien, start=1):
        s = prs.slides.add_slide(blank)
        title = _text(s, CM, int(0.4 * CM), W - 2 * CM, int(1.6 * CM), f["titel"], 32, bold=True)
        title.name = "Titel"
        top, bottom = int(2.2 * CM), H - int(2.6 * CM)
        if f.get("png"):
            pic_w = int((W - 2 * CM) * 0.64)
            pic = s.shapes.add_picture(io.BytesIO(f["png"]), CM, top, height=bottom - top)
            if pic.width > pic_w:  # keep the aspect ratio inside the left two thirds
                ratio = pic_w / pic.width
                pic.width, pic.height = pic_w, int(pic.height * ratio)
            pic.name = "Karte oder Diagramm"
            leg_x = CM + pic_w + int(0.5 * CM)
        else:
            leg_x = CM
        leg_w = W - leg_x - CM
        y = top
        if f.get("legende_titel"):
            _text(s, leg_x, y, leg_w, int(1.2 * CM), f["legende_titel"], 18, bold=True)
            y += int(1.4 * CM)
        for colour, label in f.get("legende") or []:
            sw = s.shapes.add_shape(1, leg_x, y + int(0.1 * CM), int(0.8 * CM), int(0.6 * CM))
            sw.fill.solid()
            sw.fill.fore_color.rgb = _rgb(colour)
            sw.line.color.rgb = _rgb("#333333")
            _text(s, leg_x + int(1.0 * CM), y - int(0.05 * CM), leg_w - int(1.0 * CM), int(0.8 * CM), label, 16)
            y += int(0.9 * CM)
        for _colour, label, text in f.get("zeilen") or []:
            _text(s, leg_x, y, leg_w, int(0.9 * CM), f"{label}: {text}", 14)
            y += int(1.0 * CM)
        for h in f.get("hinweise") or []:
            if h and y < bottom - CM:
                _text(s, leg_x, y, leg_w, int(0.9 * CM), h, 12, colour="#333333")
                y += int(1.0 * CM)
        if f.get("kernaussage"):
            _text(s, CM, bottom + int(0.1 * CM), W - 2 * CM, int(1.2 * CM), f["kernaussage"], 20, bold=True)
        src = " · ".join(x for x in (f.get("quelle"), f.get("stand"), f"Folie {i} / {len(folien)}") if x)
        _text(s, CM, H - int(1.2 * CM), W - 2 * CM, int(1.0 * CM), src, 11, colour="#333333")
        s.notes_slide.notes_text_frame.text = (
            f"{f.get('kernaussage') or ''}\n\nAnsicht im Sozialatlas: {f.get('link') or ''}".strip()
        )
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
