"""Annex 2 as a PDF: WeasyPrint from the template `intake/annex2/pdf.html`, A4 portrait, each
sheet on a new page, set in the CJK font `fonts.find_cjk_font` finds.

Speed: tables use `table-layout: fixed` with set column widths, which spares WeasyPrint measuring
every CJK character of every cell for the automatic layout (about a third of its layout time).
"""

import hashlib

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template, render_to_string

from .. import annex2
from .base import Annex2Export
from .fonts import INSTALL_HINT, find_cjk_font, font_family_css

TEMPLATE = "intake/annex2/pdf.html"


class CjkFontMissing(ImproperlyConfigured):
    pass


class Annex2Pdf(Annex2Export):
    identifier = "annex2_pdf"
    verbose_name = "附件2 汇总表（PDF）"
    extension = "pdf"
    mimetype = "application/pdf"
    library = "weasyprint"

    def html(self, sheets, summary=None):
        """The HTML WeasyPrint lays out (public so that benchmarks and tests can look at it)."""
        font = find_cjk_font()
        if font is None:
            raise CjkFontMissing(f"没有找到中文字体，无法生成 PDF（汉字会显示为空白方框）。{INSTALL_HINT}")
        return render_to_string(TEMPLATE, {
            "sheets": sheets,
            "summary": summary,
            "font_family": font_family_css(font),
            "annex_label": annex2.ANNEX_LABEL,
            "title": annex2.TITLE,
            "note": annex2.NOTE,
            "empty_text": annex2.EMPTY_TABLE_TEXT,
        })

    def render_bytes(self, sheets, summary):
        from weasyprint import HTML

        return HTML(string=self.html(sheets, summary)).write_pdf()

    def fingerprint(self):
        # The template and the font decide the output as much as the code and the data do.
        template = get_template(TEMPLATE)
        source = getattr(getattr(template, "template", None), "source", "")
        digest = hashlib.sha256(f"{source}|{find_cjk_font()}".encode()).hexdigest()[:16]
        return f"{super().fingerprint()}-{digest}"

