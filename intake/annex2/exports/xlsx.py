"""Annex 2 as an XLSX workbook that prints like the official form: A4 portrait, one page wide,
the sheet's header rows repeated on every printed page, thin borders, widths of a printed form.

One worksheet per `Annex2Sheet`, and with a summary a first worksheet 汇总. Written through
`SafeWorkbook`, so no cell ever becomes a formula. Cells take named styles registered once per
workbook: setting font, alignment and border per cell costs openpyxl a hash of each object and
was two thirds of the time of a province-wide workbook.
"""

import math
import re

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange

from intake.annex2.exports.base import Annex2Export
from intake.annex2.sheet import ANNEX_LABEL, EMPTY_TABLE_TEXT, EXTRA_HEADERS, NOTE, TITLE
from intake.common.xlsx import XLSX_MIMETYPE, SafeWorkbook

FORM_WIDTHS = [6, 30, 20, 10, 16, 26]  # 序号 · 名称 · 示范模式/提供商 · 联系人 · 联系方式 · 电子邮箱
EXTRA_WIDTHS = [22, 20]  # the import columns beside the form (EXTRA_HEADERS)
# The 汇总 prints landscape. Its list's columns (序号 · 推荐地市 · 类别 · 名称 · 示范模式或服务提供商 ·
# 统一社会信用代码 · 联系人 · 联系方式 · 电子邮箱) also carry the quota table above it (地市 over A:B, 档次,
# one category per column from D, 合计), so each is wide enough for both on one line: 类别 holds
# 示范平台（共享制造类）, E its title, F an 18-character code. About 90 % on A4 landscape.
SUMMARY_WIDTHS = [5, 9, 23, 28, 23, 20, 9, 14, 24]
LINE_HEIGHT = 15  # points per printed line at 11 pt
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_SONG, _HEI = "宋体", "黑体"
# name: (font, alignment, border)
STYLES = {
    "附件2 单元格": (Font(name=_SONG, size=11), _LEFT, _BORDER),
    "附件2 单元格居中": (Font(name=_SONG, size=11), _CENTER, _BORDER),
    "附件2 列标题": (Font(name=_SONG, size=11, bold=True), _CENTER, _BORDER),
    "附件2 超出名额": (Font(name=_SONG, size=11, bold=True, color="C00000"), _CENTER, _BORDER),
    "附件2 标题": (Font(name=_SONG, size=18, bold=True), _CENTER, Border()),
    "附件2 附件号": (Font(name=_HEI, size=12), Alignment(vertical="center"), Border()),
    "附件2 部分": (Font(name=_HEI, size=12), Alignment(vertical="center"), Border()),
    "附件2 文字": (Font(name=_SONG, size=11), _LEFT, Border()),
    "附件2 导入列标题": (Font(name=_SONG, size=11, bold=True, color="808080"), _CENTER, Border()),
    "附件2 导入列": (Font(name=_SONG, size=11), _LEFT, Border()),
    "附件2 校验码": (Font(name=_SONG, size=11), Alignment(horizontal="right", vertical="center"), Border()),
}
CELL, CELL_CENTER, HEADER, OVER, TITLE_STYLE, LABEL, SECTION, TEXT, EXTRA_HEADER, EXTRA, CODE = STYLES
CODE_LABEL = "校验码："


class Annex2Xlsx(Annex2Export):
    identifier = "annex2_xlsx"
    verbose_name = "附件2 汇总表（Excel）"
    extension = "xlsx"
    mimetype = XLSX_MIMETYPE
    library = "openpyxl"

    def render_bytes(self, sheets, summary):
        wb = SafeWorkbook()
        for name, (font, alignment, border) in STYLES.items():
            wb.add_named_style(NamedStyle(name=name, font=font, alignment=alignment, border=border))
        first = wb.active
        used_titles = set()
        if summary is not None:
            first.title = _unique_title("汇总", used_titles)
            _write_summary(first, summary)
        for index, sheet in enumerate(sheets):
            ws = first if (summary is None and index == 0) else wb.create_sheet()
            ws.title = _unique_title(sheet.label, used_titles)
            _write_sheet(ws, sheet)
        if summary is None and not sheets:
            first.title = ANNEX_LABEL
        return wb.to_bytes()


def _unique_title(label, used):
    base = SHEET_NAME_FORBIDDEN.sub("_", label).strip("'")[:28] or ANNEX_LABEL
    title, n = base, 2
    while title in used:
        title, n = f"{base}{n}", n + 1
    used.add(title)
    return title


def _print_setup(ws, last_column, last_row, title_rows, *, landscape=False):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4 if landscape else 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"


def _put_code(ws, row, column, code):
    """The sheet's 校验码: in a cell at the top right, and in the footer of every printed page."""
    _put(ws, row, column, column, f"{CODE_LABEL}{code}", CODE)
    ws.oddFooter.right.text = ws.evenFooter.right.text = f"{CODE_LABEL}{code}　第 &P 页"
    ws.oddFooter.right.size = ws.evenFooter.right.size = 9


def _text_lines(text, width):
    """Printed lines `text` needs in a column `width` characters wide (a CJK character counts two)."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text))
    return max(1, math.ceil(units / max(width - 1, 1)))


def _fit_height(ws, row, cells):
    """Excel does not grow merged cells to their text, so each row gets the height it needs."""
    lines = max((_text_lines(text, width) for text, width in cells if text not in (None, "")), default=1)
    ws.row_dimensions[row].height = LINE_HEIGHT * lines + 3


def _put(ws, row, first_col, last_col, value, style, *, bordered=False):
    """Write `value` over columns first..last of `row` (merged when more than one)."""
    cell = ws.cell(row=row, column=first_col, value=value)
    cell.style = style
    if last_col > first_col:
        _merge(ws, row, first_col, last_col, style if bordered else None)
    return cell


def _merge(ws, row, first_col, last_col, style):
    """`ws.merge_cells` without its border recomputation (`MergedCellRange.format`, which builds
    and hashes a Border per covered cell: half the time of a province-wide workbook). The covered
    cells take the named style instead, borders included, as Excel itself stores them."""
    coord = f"{get_column_letter(first_col)}{row}:{get_column_letter(last_col)}{row}"
    ws.merged_cells.add(MergedCellRange(ws, coord))
    for col in range(first_col + 1, last_col + 1):
        covered = MergedCell(ws, row=row, column=col)
        if style:
            covered.style = style
        ws._cells[row, col] = covered  # what merge_cells does; openpyxl has no public setter


def _slots(column_count):
    """Form columns (first, last) each table column fills: a five-column table (projects, cities)
    spreads its name over B:C, so 联系人, 联系方式 and 电子邮箱 line up under every table."""
    if column_count == 6:
        return [(c, c) for c in range(1, 7)]
    return [(1, 1), (2, 3), (4, 4), (5, 5), (6, 6)]


def _table_row(ws, row, values, slots, widths, styles):
    cells = []
    for value, (first, last), style in zip(values, slots, styles, strict=True):
        _put(ws, row, first, last, value, style, bordered=True)
        cells.append((value, sum(widths[first - 1:last])))
    _fit_height(ws, row, cells)


def _write_sheet(ws, sheet):
    for col, width in enumerate(FORM_WIDTHS + EXTRA_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    # The import columns sit beside the form, folded away and outside the print area.
    ws.column_dimensions.group("G", "H", hidden=True, outline_level=1)

    _put(ws, 1, 1, 1, ANNEX_LABEL, LABEL)
    _put_code(ws, 1, 6, sheet.verification_code)
    _put(ws, 2, 1, 6, TITLE, TITLE_STYLE)
    ws.row_dimensions[2].height = 36
    _put(ws, 3, 1, 3, f"推荐单位（盖章）：{sheet.recommender}", TEXT)
    _put(ws, 3, 4, 5, f"填报人：{sheet.filler_name}", TEXT)
    _put(ws, 3, 6, 6, f"联系电话：{sheet.filler_phone}", TEXT)
    ws.row_dimensions[3].height = 24
    row = 4
    for section in sheet.sections:
        row += 1
        _put(ws, row, 1, 6, section.heading, SECTION)
        ws.row_dimensions[row].height = 22
        for number, table in enumerate(section.tables):
            slots = _slots(len(table.headers))
            row += 1 if number == 0 else 2  # a blank row between two tables of a section, as the form has
            _table_row(ws, row, table.headers, slots, FORM_WIDTHS, [HEADER] * len(slots))
            for offset, title in enumerate(EXTRA_HEADERS):
                _put(ws, row, 7 + offset, 7 + offset, title, EXTRA_HEADER)
            if not table.rows:
                row += 1
                _put(ws, row, 1, 6, EMPTY_TABLE_TEXT, CELL_CENTER, bordered=True)
            styles = [CELL_CENTER] + [CELL] * (len(slots) - 1)
            for values, extras in zip(table.rows, table.extras, strict=True):
                row += 1
                number = int(values[0]) if values[0].isdigit() else values[0]
                _table_row(ws, row, [number, *values[1:]], slots, FORM_WIDTHS, styles)
                for offset, value in enumerate(extras):
                    _put(ws, row, 7 + offset, 7 + offset, value, EXTRA)
    row += 2
    _put(ws, row, 1, 6, NOTE, TEXT)
    _print_setup(ws, 6, row, "1:3")


def _write_summary(ws, summary):
    for col, width in enumerate(SUMMARY_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    last = len(SUMMARY_WIDTHS)
    _put(ws, 1, 1, last, summary.title, TITLE_STYLE)
    _put_code(ws, 3, last, summary.verification_code)
    ws.row_dimensions[1].height = 36
    campaign = summary.campaign.name if summary.campaign is not None else ""
    _put(ws, 2, 1, last, f"遴选批次：{campaign}　推荐对象共 {len(summary.rows)} 个（不含已撤回、不予受理的）", TEXT)

    row = 4
    _put(ws, row, 1, last, "一、各地市推荐名额使用情况（已推荐/名额）", SECTION)
    # 地市 over A:B, 档次 in C, one column per category, 合计 last.
    headers = ["地市", "档次", *(c.name for c in summary.categories), "合计"]
    slots = [(1, 2), (3, 3)] + [(4 + i, 4 + i) for i in range(len(summary.categories) + 1)]
    row += 1
    _table_row(ws, row, headers, slots, SUMMARY_WIDTHS, [HEADER] * len(slots))
    for quota in summary.quota_rows:
        row += 1
        values = [quota.city.name, "示范城市" if quota.city.is_demo_city else "其他地市"]
        values += [f"{line.used}/{line.allowed}" for line in quota.lines] + [f"{quota.used}/{quota.allowed}"]
        styles = [CELL_CENTER] * 2 + [OVER if line.is_over else CELL_CENTER for line in quota.lines] + [CELL_CENTER]
        _table_row(ws, row, values, slots, SUMMARY_WIDTHS, styles)
    row += 1
    totals = ["合计", "", *(f"{u}/{a}" for u, a in summary.totals), "{}/{}".format(*summary.total)]
    _table_row(ws, row, totals, slots, SUMMARY_WIDTHS, [HEADER] * len(slots))
    if summary.cities_without_nominations:
        row += 1
        text = summary.without_nominations_text
        _put(ws, row, 1, last, text, TEXT)
        _fit_height(ws, row, [(text, sum(SUMMARY_WIDTHS))])

    row += 2
    _put(ws, row, 1, last, "二、推荐对象清单", SECTION)
    slots = [(c, c) for c in range(1, last + 1)]
    row += 1
    _table_row(ws, row, summary.headers, slots, SUMMARY_WIDTHS, [HEADER] * last)
    if not summary.rows:
        row += 1
        _put(ws, row, 1, last, EMPTY_TABLE_TEXT, CELL_CENTER, bordered=True)
    styles = [CELL_CENTER] * 3 + [CELL] * (last - 3)
    for values in summary.rows:
        row += 1
        _table_row(ws, row, [int(values[0]), *values[1:]], slots, SUMMARY_WIDTHS, styles)
    _print_setup(ws, last, row, "1:2", landscape=True)
