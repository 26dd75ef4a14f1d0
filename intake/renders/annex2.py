"""The province-wide Annex 2 PDF as a render kind: the 汇总 and each printed city's sheet are parts.

Each part is stored under its own digest: the renderer's fingerprint (code, template, font,
WeasyPrint's version) and `annex2.content_digest` of exactly what that part prints (a sheet: the
sheet; the 汇总: the summary and how many sheets it says are attached). After one city changes only
that city's sheet and the 汇总 (its counts and list) get a new digest, so only they are rendered
again. Page numbers run through the whole document: the parts are rendered without them, and a
document of pages carrying only their numbers (第 n 页，共 m 页, in the parts' geometry, stored
under the sequence of page orientations, so it is rendered again only when the number or shape of
the pages changes) is laid over the assembled pages; the text stays extractable. Each part embeds
its own subset of the font (once per part), the page numbers one more; the assembly then replaces
these subsets by one holding the glyphs of all of them (`pdfwork.share_fonts`), so the document
carries the font's program once.
"""

import hashlib
import inspect
from functools import cache as memoize

from intake.annex2 import sheet as annex2
from intake.annex2.exports import Annex2Pdf
from intake.annex2.exports.base import ascii_name, download_name
from intake.common.fonts import find_cjk_font
from intake.renders import kinds, pdfwork

SUMMARY_TITLE = "全省汇总"


@memoize
def _source_fingerprint():
    from intake.templatetags import annex2_pdf as tags

    source = "".join(inspect.getsource(m) for m in (annex2, tags, pdfwork)) + inspect.getsource(ProvinceAnnex2Pdf)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


class ProvinceAnnex2Pdf(kinds.RenderKind):
    name = "annex2_province_pdf"
    verbose_name = "全省附件2汇总表（PDF）"

    def __init__(self):
        self.export = Annex2Pdf()

    def fingerprint(self):
        return f"{self.export.fingerprint()}-{_source_fingerprint()}"

    def allowed(self, user, params):
        return bool(user.is_authenticated and user.sees_all_cities)

    def scope(self, params):
        return f"{params['campaign']}:{'all' if params.get('all') else 'printed'}"

    def describe(self, params):
        from intake.models import Campaign, City

        campaign = Campaign.objects.get(year=params["campaign"])
        province = annex2.province_annex2(campaign, City.objects.all())
        sheets = province.sheets_to_print(include_empty=bool(params.get("all")))
        summary = province.summary
        digest = kinds.digest_of(self.name, self.fingerprint(), annex2.content_digest(sheets, summary))
        return kinds.Document(
            digest=digest, filename=download_name(sheets, summary, "pdf"),
            fallback_filename=ascii_name(sheets, summary, "pdf"), code=summary.verification_code,
            content=(sheets, summary),
        )

    def parts(self, document):
        sheets, summary = document.content
        fingerprint = self.fingerprint()
        export = self.export
        parts = [kinds.Part(
            kinds.digest_of("summary", fingerprint, annex2.content_digest([], summary), len(sheets)),
            SUMMARY_TITLE, pdfwork.render_html,
            lambda: export.html([], summary, page_numbers=False, attached=len(sheets)),
        )]
        for sheet in sheets:
            parts.append(kinds.Part(
                kinds.digest_of("sheet", fingerprint, annex2.content_digest([sheet])),
                sheet.label, pdfwork.render_html,
                lambda sheet=sheet: export.html([sheet], None, page_numbers=False),
            ))
        return parts

    def assemble(self, document, parts, datas):
        from intake.renders import services

        def page_numbers(orientations):
            shape = "".join("L" if landscape else "P" for landscape in orientations)
            digest = kinds.digest_of("page-numbers", self.fingerprint(), shape)
            return services.stored_part(self.name, digest, pdfwork.render_html,
                                        lambda: self.export.page_numbers_html(orientations))

        font = find_cjk_font()
        sources = {font.family.replace(" ", "-"): (font.path, font.index)} if font is not None else None
        return pdfwork.assemble(datas, [p.title for p in parts], stamp=page_numbers, font_sources=sources)


PROVINCE_ANNEX2_PDF = kinds.register(ProvinceAnnex2Pdf())
