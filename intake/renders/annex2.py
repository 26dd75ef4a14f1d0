"""The province-wide Annex 2 PDF as a render kind: the 汇总 in pieces and each printed city's sheet
are parts.

Each part is stored under its own digest: the renderer's fingerprint (code, template, font,
WeasyPrint's version) and exactly what that part prints. The parts are the 汇总's head (title,
counts against the quotas, its 校验码, and the first city's rows of its list, which follow on the
same page; `annex2.content_digest` of the summary and how many sheets it says are attached), the
rest of its list in blocks of rows of a few cities (`CITIES_PER_BLOCK`), each on pages of its own
(the block's rows and the column widths of the whole list), and each city's sheet
(`annex2.content_digest` of the sheet).
After one city changes, only that city's sheet, its block of the list and the 汇总's head get a new
digest, so only they are rendered again (a row added or removed also renumbers the blocks after
it: their 序号 change, so they are rendered again too).

What every page prints and depends on the whole document is laid over the assembled pages, each
a small document in the parts' geometry whose text stays extractable: the page numbers (第 n 页，
共 m 页, stored under the sequence of page orientations, so rendered again only when the number or
shape of the pages changes), and on each page of the 汇总 its 校验码 (one page stored under the
code, drawn over all of them). A sheet prints its own code, which depends on the sheet alone.
Each part embeds its own subset of the font (once per part), the overlays theirs; the assembly
then replaces these subsets by one holding the glyphs of all of them (`pdfwork.share_fonts`), so
the document carries the font's program once.
"""

import hashlib
import inspect
import json
from functools import cache as memoize

from intake.annex2 import sheet as annex2
from intake.annex2.exports import Annex2Pdf
from intake.annex2.exports.base import ascii_name, download_name
from intake.annex2.exports.pdf import summary_blocks
from intake.common.fonts import find_cjk_font
from intake.renders import kinds, pdfwork

SUMMARY_TITLE = "全省汇总"
# Cities per block of the 汇总's list. WeasyPrint spends a fixed part of a small document's time on
# the document itself (opening, subsetting and compressing the CJK font, the stylesheet): fewer,
# larger blocks render the whole list sooner, smaller ones a city's change. At three, the block a
# change renders again, with the city's sheet, takes about as long as the 汇总's head beside it.
CITIES_PER_BLOCK = 3


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
        first, *blocks = summary_blocks(summary, cities_per_block=CITIES_PER_BLOCK)
        # The head and the first city's rows, which follow it on its last page: what the head prints
        # depends on every row (counts, 校验码), and the first block is laid out from them too.
        parts = [kinds.Part(
            kinds.digest_of("summary", fingerprint, annex2.content_digest([], summary), len(sheets)),
            SUMMARY_TITLE, pdfwork.render_part,
            lambda: export.summary_head_part(summary, attached=len(sheets), first=first), {"summary": True},
        )]
        for block in blocks:
            printed = json.dumps(block.printed(), ensure_ascii=False)
            parts.append(kinds.Part(
                kinds.digest_of("summary-block", fingerprint, printed), "", pdfwork.render_part,
                lambda block=block: export.summary_block_part(block), {"summary": True},
            ))
        for sheet in sheets:
            parts.append(kinds.Part(
                kinds.digest_of("sheet", fingerprint, annex2.content_digest([sheet])),
                sheet.label, pdfwork.render_part, lambda sheet=sheet: export.sheet_part(sheet),
            ))
        # Not pages of the document: the 汇总's 校验码, laid over each of its pages (`assemble`),
        # rendered with the parts (it is known before they are).
        code = document.code
        parts.append(kinds.Part(
            kinds.digest_of("summary-code", fingerprint, code), "", pdfwork.render_part,
            lambda: export.code_stamp_part(code), {"overlay": True},
        ))
        return parts

    def assemble(self, document, parts, datas):
        from intake.renders import services

        fingerprint = self.fingerprint()
        [code] = [data for part, data in zip(parts, datas, strict=True) if part.extra.get("overlay")]
        pages = [(part, data) for part, data in zip(parts, datas, strict=True) if not part.extra.get("overlay")]
        # The page numbers depend only on the pages' shapes, known from the parts: rendered by the
        # pool while this process puts the parts together, instead of after.
        orientations = [width > height for _, data in pages for width, height in pdfwork.page_shapes(data)]
        shape = "".join("L" if landscape else "P" for landscape in orientations)
        numbers = services.stored_part_soon(self.name, kinds.digest_of("page-numbers", fingerprint, shape),
                                            pdfwork.render_part, lambda: self.export.page_numbers_part(orientations))

        def page_numbers(assembled):
            if assembled != orientations:
                raise ValueError(f"page numbers for {len(orientations)} pages, the document has {len(assembled)}")
            return numbers.result()

        font = find_cjk_font()
        sources = {font.family.replace(" ", "-"): (font.path, font.index)} if font is not None else None
        marks = [code if part.extra.get("summary") else None for part, _ in pages]
        return pdfwork.assemble([data for _, data in pages], [part.title for part, _ in pages], stamp=page_numbers,
                                font_sources=sources, marks=marks)


PROVINCE_ANNEX2_PDF = kinds.register(ProvinceAnnex2Pdf())
