"""The letter as PDF (WeasyPrint), from the same `Letter` as the DOCX and in the same layout
(GB/T 9704-2012 信函格式, see `docx.py`).

`render_pdf(letter)` is a pure function of the letter and the renderer (`fingerprint()`: the
template, the fonts this machine has, WeasyPrint's version), so a PDF may be cached, or rendered
ahead of time, under `letter.digest()` and the fingerprint.
"""

import hashlib
from functools import cache
from importlib.metadata import version

from django.template.loader import get_template, render_to_string
from django.utils.html import format_html

from intake.annex2.exports.pdf import CjkFontMissing
from intake.common.fonts import INSTALL_HINT, letter_fonts
from intake.letters.docx import text_width_pt

TEMPLATE = "intake/letters/letter.html"
MIMETYPE = "application/pdf"
CHAR_PT = 16
FONTS_MISSING = f"没有找到中文字体，无法生成推荐函 PDF（汉字会显示为空白方框）。{INSTALL_HINT}"


def html(letter):
    """The HTML WeasyPrint lays out (public for tests and benchmarks)."""
    fonts = letter_fonts()
    if fonts is None:
        raise CjkFontMissing(FONTS_MISSING)
    signature_indent = max(4 * CHAR_PT + (text_width_pt(letter.date) - text_width_pt(letter.signature)) / 2, 0)
    return render_to_string(TEMPLATE, {
        "letter": letter,
        "attachments": [_keep_code(line, letter.annex2_code) for line in letter.attachments],
        "title_font": fonts.css("title"),
        "body_font": fonts.css("body"),
        "signature_indent_pt": f"{signature_indent:.1f}",
        "attachment_indent_pt": f"{2 * CHAR_PT + text_width_pt('附件：', CHAR_PT):.1f}",
        "attachment_label_pt": f"{text_width_pt('附件：', CHAR_PT):.1f}",
    })


def _keep_code(line, code):
    """The attachment line with its 校验码 kept on one line (the code is typed from the paper)."""
    marker = f"（校验码 {code}）"
    before, found, after = line.partition(marker)
    if not found:
        return format_html("{}", line)
    return format_html('{}<span class="keep">{}</span>{}', before, marker, after)


def render_pdf(letter):
    """The letter's PDF bytes."""
    from weasyprint import HTML

    return HTML(string=html(letter)).write_pdf()


@cache
def fingerprint():
    """What besides the letter decides the PDF: the template, the faces found, WeasyPrint."""
    source = getattr(getattr(get_template(TEMPLATE), "template", None), "source", "")
    seed = f"{source}|{letter_fonts()}|{version('weasyprint')}"
    return hashlib.sha256(seed.encode()).hexdigest()[:16]
