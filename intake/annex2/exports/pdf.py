"""Annex 2 as a PDF: WeasyPrint from the template `intake/annex2/pdf.html`, A4 portrait, each
sheet on a new page, set in the CJK font `fonts.find_cjk_font` finds.

Column widths come from the content (`Layout`): what must not break (an e-mail, a phone number,
a credit code, a contact's name) gets the width of its longest value, measured across the whole
sheet so that these columns line up under every table; names get the room that is left, and a
name's last characters (有限公司…) stay together so that no character is left alone on a line.

Speed: tables use `table-layout: fixed` with these widths, which spares WeasyPrint measuring
every CJK character of every cell for the automatic layout (about a third of its layout time).
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template, render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from intake.annex2 import sheet as annex2
from intake.annex2.exports.base import Annex2Export
from intake.common.fonts import INSTALL_HINT, find_cjk_font, font_family_css

TEMPLATE = "intake/annex2/pdf.html"
PAGES_TEMPLATE = "intake/annex2/_pages.css"
PAGE_NUMBERS_TEMPLATE = "intake/annex2/page_numbers.html"
# The documents' stylesheets, in their <style>, or apart for a part of an assembled document
# (`separate_style`: the worker's pool processes parse each stylesheet once, not once per part).
STYLE_TEMPLATE = "intake/annex2/pdf.css"
PAGE_NUMBERS_STYLE_TEMPLATE = "intake/annex2/page_numbers.css"


class CjkFontMissing(ImproperlyConfigured):
    pass


class Annex2Pdf(Annex2Export):
    identifier = "annex2_pdf"
    verbose_name = "附件2 汇总表（PDF）"
    extension = "pdf"
    mimetype = "application/pdf"
    library = "weasyprint"

    def html(self, sheets, summary=None, *, page_numbers=True, attached=None):
        """The HTML WeasyPrint lays out (public so that benchmarks and tests can look at it): the
        汇总 (its list in one table) then the sheets. `page_numbers=False` leaves the page numbers
        out, for a part of an assembled document whose numbers are laid over it afterwards
        (`intake/renders/annex2.py`); `attached` is the number of sheets the 汇总 says follow it
        (default: those of `sheets`)."""
        return self._document(
            sheets=sheets, summary=summary, summary_head=summary is not None,
            summary_blocks=summary_blocks(summary) if summary is not None else [],
            page_numbers=page_numbers, attached=len(sheets) if attached is None else attached,
        )

    # The pieces of an assembled document (`intake/renders/annex2.py`), each as (HTML, stylesheet):
    # the HTML without its <style>, the stylesheet apart (`pdfwork.render_part` renders the pair as
    # WeasyPrint renders the HTML with its <style>). The 汇总's pages carry no 校验码 of their own: the
    # 汇总's, which any row changes, is laid over them (`code_stamp_part`), so that one city's change
    # leaves the other cities' blocks as they are.

    def sheet_part(self, sheet):
        """One city's sheet, its page numbers left out (laid over the assembled document)."""
        return self._document(sheets=[sheet], summary=None, summary_head=False, summary_blocks=[],
                              page_numbers=False, attached=1, separate_style=True)

    def summary_head_part(self, summary, *, attached, first):
        """The 汇总's title, counts against the quotas and 校验码, then the `first` block of its list."""
        return self._document(sheets=[], summary=summary, summary_head=True, summary_blocks=[first],
                              page_numbers=False, attached=attached, footer_code="", separate_style=True)

    def summary_block_part(self, block):
        """One `SummaryBlock` of the 汇总's list, on pages of its own."""
        return self._document(sheets=[], summary=None, summary_head=False, summary_blocks=[block],
                              page_numbers=False, footer_code="", separate_style=True)

    def _document(self, *, separate_style=False, **context):
        font = find_cjk_font()
        if font is None:
            raise CjkFontMissing(f"没有找到中文字体，无法生成 PDF（汉字会显示为空白方框）。{INSTALL_HINT}")
        context = {
            "font_family": font_family_css(font),
            "annex_label": annex2.ANNEX_LABEL,
            "title": annex2.TITLE,
            "note": annex2.NOTE,
            "empty_text": annex2.EMPTY_TABLE_TEXT,
            "footer_code": "string(code)",
            **context,
        }
        return _rendered(TEMPLATE, STYLE_TEMPLATE, context, separate_style)

    def page_numbers_part(self, orientations):
        """Pages carrying only their numbers (第 n 页，共 m 页), landscape where `orientations` says
        so, in the same geometry as `html`: laid over an assembled document's pages."""
        return self._overlay(orientations, page_numbers=True, footer_code="")

    def code_stamp_part(self, code):
        """One page of the 汇总's shape carrying only its footer's 校验码 `code`, where `html` prints
        it: laid over every page of the 汇总 in an assembled document."""
        return self._overlay([True], page_numbers=False, footer_code=css_string(code))

    def _overlay(self, orientations, **context):
        context = {"orientations": orientations, "font_family": font_family_css(find_cjk_font()), **context}
        return _rendered(PAGE_NUMBERS_TEMPLATE, PAGE_NUMBERS_STYLE_TEMPLATE, context, True)

    def render_bytes(self, sheets, summary):
        from weasyprint import HTML

        return HTML(string=self.html(sheets, summary)).write_pdf()

    def fingerprint(self):
        # The template and the font decide the output as much as the code and the data do.
        sources = []
        for name in (TEMPLATE, PAGES_TEMPLATE, PAGE_NUMBERS_TEMPLATE, STYLE_TEMPLATE, PAGE_NUMBERS_STYLE_TEMPLATE):
            template = get_template(name)
            sources.append(getattr(getattr(template, "template", None), "source", ""))
        digest = hashlib.sha256(f"{'|'.join(sources)}|{find_cjk_font()}".encode()).hexdigest()[:16]
        return f"{super().fingerprint()}-{digest}"


def _rendered(template, style_template, context, separate_style):
    """The HTML of `template` with its stylesheet in its <style>, or (HTML without it, stylesheet)."""
    if not separate_style:
        return render_to_string(template, context)
    return (render_to_string(template, {**context, "separate_style": True}),
            render_to_string(style_template, context))


# --- Column widths from the content --------------------------------------------------------------

# Text area of the pages (A4 less the margins of the template's @page rules), in points, and the
# font sizes of the tables there.
SHEET_WIDTH_PT, SHEET_FONT_PT = (210 - 28) / 25.4 * 72, 10.5
SUMMARY_WIDTH_PT, SUMMARY_FONT_PT = (297 - 28) / 25.4 * 72, 9
CELL_PADDING_PT = 2 * 4 + 0.75  # the template's padding and border per cell
# How cells may break: NUMBER and KEEP never (codes, phones, e-mails, people's and cities' names),
# LABEL only before its bracket (示范平台 / （共享制造类）), TEXT anywhere but the last characters.
NUMBER, KEEP, LABEL, TEXT = "n", "keep", "cat", "text"
KINDS = {"序号": NUMBER, "联系人": KEEP, "联系方式": KEEP, "电子邮箱": KEEP, "统一社会信用代码": KEEP,
         "推荐地市": KEEP, "类别": LABEL}
TEXT_MIN_EM = 4  # a text column never narrower than four characters
NAME_MIN_EM = 8  # nor a name column than eight, unless nothing else fits
SHORT_EM = 9  # a text this short (定制化服务, 公共服务提供商) is kept whole before the name grows
# Kept together at the end of a name, so a wrapped name never ends with one character alone.
NAME_ENDINGS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "公司", "平台", "项目")


SLACK_EM = 0.6  # bold titles, rounding: what a measured width gets on top so that it fits for sure


def text_em(text):
    """Printed width of `text` in em: a CJK or full-width character is 1, anything else half of it
    (UMing's Latin letters are half-width; a little more for other fonts)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.52 for ch in str(text or "")) + SLACK_EM


def _soft_pieces(text):
    return [piece for piece in re.split(r"(?<=[@-])", str(text or "")) if piece]


def _label_parts(text):
    """A label's parts, broken before a bracket or after a slash only: 平台名称 / （共享制造类）."""
    return [part for part in re.split(r"(?=[（(])|(?<=/)", str(text or "")) if part]


@dataclass
class Layout:
    widths: list  # percent of the table's width, per column
    kinds: list
    soft: set  # KEEP columns too wide for the page: they may break at @ or - (never elsewhere)

    def cells(self, row):
        """[(CSS class, cell HTML)] of one row."""
        return [
            ("soft" if index in self.soft else kind, _cell(value, kind, index in self.soft))
            for index, (value, kind) in enumerate(zip(row, self.kinds, strict=True))
        ]


def _cell(value, kind, soft=False):
    text = str(value or "")
    if kind == LABEL:
        return format_html_join(mark_safe("<wbr>"), '<span class="keep">{}</span>', ((p,) for p in _label_parts(text)))
    if kind == KEEP and soft:  # breaks after @ or - only, each piece whole
        return format_html_join(mark_safe("<wbr>"), '<span class="keep">{}</span>', ((p,) for p in _soft_pieces(text)))
    if kind == TEXT and len(text) > 2:
        ending = next((e for e in NAME_ENDINGS if text.endswith(e) and len(text) > len(e)), text[-2:])
        return format_html('{}<span class="keep">{}</span>', text[: -len(ending)], ending)
    return text


def layout(headers, rows, *, width_pt, font_pt, keep_widths=None):
    """Column widths for a table of `headers` and `rows`; `keep_widths` ({header: em}) fixes the
    no-break columns' widths (the same under every table of a sheet)."""
    kinds = [KINDS.get(h, TEXT) for h in headers]
    pad = CELL_PADDING_PT / font_pt
    available = width_pt / font_pt - pad * len(headers)
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in headers]
    need, want = [], []
    for header, kind, values in zip(headers, kinds, columns, strict=True):
        longest = max((text_em(v) for v in values), default=0)
        if kind in (NUMBER, KEEP):
            em = (keep_widths or {}).get(header) or max(text_em(header), longest)
            need.append(em)
            want.append(em)
        elif kind == LABEL:
            parts = [text_em(p) for v in [header, *values] for p in _label_parts(v)]
            need.append(max(parts, default=2))
            want.append(max(need[-1], longest))
        else:
            need.append(max([TEXT_MIN_EM] + [text_em(p) for p in _label_parts(header)]))
            want.append(max(need[-1], longest))
    flexible = [i for i, k in enumerate(kinds) if k in (TEXT, LABEL)]
    name = _name_index(kinds)
    # The no-break columns leave the name at least NAME_MIN_EM; past that the widest of them (a
    # very long e-mail) may break, after @ or - only.
    soft = set()
    fixed = [i for i, k in enumerate(kinds) if k in (NUMBER, KEEP)]
    budget = available - sum(need[i] for i in flexible) - max(NAME_MIN_EM - need[name], 0) * (name in flexible)
    excess = sum(need[i] for i in fixed) - budget
    if excess > 0 and fixed:
        widest = max(fixed, key=lambda i: need[i])
        soft.add(widest)
        pieces = [text_em(p) for v in columns[widest] for p in _soft_pieces(v)]
        need[widest] = want[widest] = max(need[widest] - excess, *pieces, TEXT_MIN_EM)
    widths = list(need)
    spare = available - sum(widths)

    def grant(i, up_to):
        nonlocal spare
        given = min(max(up_to - widths[i], 0), max(spare, 0))
        widths[i] += given
        spare -= given

    # Short labels and texts whole first (类别, 示范模式, 提供商: cheap, and read badly when broken),
    # then the name, then what the longer texts want; anything left goes to the name.
    for i in flexible:
        if i != name and (kinds[i] == LABEL or want[i] <= SHORT_EM):
            grant(i, want[i])
    grant(name, want[name])
    for i in flexible:
        grant(i, want[i])
    if spare > 0 and flexible:
        widths[name] += spare
    total = sum(widths) + pad * len(widths)
    return Layout([round((w + pad) * 100 / total, 2) for w in widths], kinds, soft)


def label_html(text):
    """A category's name that may break before its bracket only (示范平台 / （共享制造类）)."""
    return _cell(text, LABEL)


def _name_index(kinds):
    return next((i for i, k in enumerate(kinds) if k == TEXT), 0)


def _keep_widths(tables):
    """{header: em} of the no-break columns over all `tables` ((headers, rows) pairs)."""
    found = {}
    for headers, rows in tables:
        for index, header in enumerate(headers):
            if KINDS.get(header) in (NUMBER, KEEP):
                longest = max([text_em(header)] + [text_em(row[index]) for row in rows])
                found[header] = max(found.get(header, 0), longest)
    return found


@dataclass
class LaidOutTable:
    headers: list
    layout: Layout
    rows: list  # [[(kind, cell html)]]

    @property
    def header_cells(self):
        """[(CSS class, title HTML)]: titles break before a bracket or after a slash only."""
        return [(kind, label_html(h)) for kind, h in zip(self.layout.kinds, self.headers, strict=True)]


def laid_out_sections(sheet):
    """[(heading, [LaidOutTable])] of `sheet`: each table's widths and cells for the template."""
    tables = [t for section in sheet.sections for t in section.tables]
    keep = _keep_widths((t.headers, t.rows) for t in tables)
    sections = []
    for section in sheet.sections:
        laid = []
        for table in section.tables:
            shape = layout(table.headers, table.rows, width_pt=SHEET_WIDTH_PT, font_pt=SHEET_FONT_PT,
                           keep_widths=keep)
            laid.append(LaidOutTable(table.headers, shape, [shape.cells(row) for row in table.rows]))
        sections.append((section.heading, laid))
    return sections


def laid_out_summary(summary):
    shape = layout(summary.headers, summary.rows, width_pt=SUMMARY_WIDTH_PT, font_pt=SUMMARY_FONT_PT)
    return LaidOutTable(summary.headers, shape, [shape.cells(row) for row in summary.rows])


def css_string(text):
    """`text` as a CSS string literal."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"'


@dataclass
class SummaryBlock:
    """Rows of the 汇总's list, laid out with the widths of the whole list so that the columns line
    up from one block to the next; the first block opens the list (its heading)."""

    first: bool
    table: LaidOutTable

    def printed(self):
        """What the block prints, as plain data (its part's digest)."""
        layout = self.table.layout
        return [self.first, self.table.headers, layout.widths, layout.kinds, sorted(layout.soft),
                [[[kind, str(cell)] for kind, cell in row] for row in self.table.rows]]


def summary_blocks(summary, *, cities_per_block=None):
    """The 汇总's list as `SummaryBlock`s: one, the whole list in one table (`cities_per_block`
    None); or the first city's rows, then the other cities' in blocks of `cities_per_block`
    consecutive cities, counted over every city in order (`summary.quota_rows`, the order of the
    rows), so that a block holds the same cities whatever the data; each rendered on its own in an
    assembled document."""
    whole = laid_out_summary(summary)
    if cities_per_block is None or not whole.rows:
        return [SummaryBlock(True, whole)]
    column = summary.headers.index("推荐地市")
    position = {quota_row.city.name: index for index, quota_row in enumerate(summary.quota_rows)}
    first_city = summary.rows[0][column]

    def block_of(pair):
        city = pair[0][column]
        return -1 if city == first_city else position[city] // cities_per_block

    blocks = []
    for _, pairs in groupby(zip(summary.rows, whole.rows, strict=True), key=block_of):
        rows = [cells for _, cells in pairs]
        blocks.append(SummaryBlock(not blocks, LaidOutTable(whole.headers, whole.layout, rows)))
    return blocks
