"""推荐函: the recommendation letters the system drafts from the Annex 2 data.

`content` builds a `Letter` (plain text, with a `digest()`); two renderers set it, one content for
both: `docx.render_docx` (python-docx, for WPS or Word) and `pdf.render_pdf` (WeasyPrint). Exports
follow the interface of `intake/common/exports.py`: `render(letter) -> (filename, mimetype, bytes)`.

    from intake.letters import EXPORTS, content
    filename, mimetype, data = EXPORTS["pdf"]().render(content.city_letter(campaign, city))
"""

from intake.common.exports import Exporter
from intake.letters import content, docx, pdf


class LetterExport(Exporter):
    def render(self, letter, *, filename=None):
        return filename or letter.filename(self.extension), self.mimetype, self.render_bytes(letter)

    def ascii_filename(self, letter):
        return letter.ascii_filename(self.extension)

    def render_bytes(self, letter):
        raise NotImplementedError


class LetterDocx(LetterExport):
    identifier = "letter_docx"
    verbose_name = "推荐函（Word）"
    extension = "docx"
    mimetype = docx.MIMETYPE

    def render_bytes(self, letter):
        return docx.render_docx(letter)


class LetterPdf(LetterExport):
    identifier = "letter_pdf"
    verbose_name = "推荐函（PDF）"
    extension = "pdf"
    mimetype = pdf.MIMETYPE

    def render_bytes(self, letter):
        return pdf.render_pdf(letter)


EXPORTS = {export.extension: export for export in (LetterDocx, LetterPdf)}

__all__ = ["EXPORTS", "LetterDocx", "LetterExport", "LetterPdf", "content"]
