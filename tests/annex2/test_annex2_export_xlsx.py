"""/exports/annex2.xlsx, read back with openpyxl: the form to the cell, print setup, file name."""

import io
import unicodedata

import pytest
from django.core.cache import cache
from openpyxl import load_workbook
from pypdf import PdfReader

from intake.annex2.exports import Annex2Pdf, Annex2Xlsx
from intake.annex2.sheet import NOTE, PROVINCE_RECOMMENDER, TITLE, build_sheet
from intake.models import Nomination
from tests.annex2_helpers import FORMULA_NAMES, fill_qingyuan, rfc5987, sheet_rows, workbook
from tests.factories import nominate, open_campaign

ENTERPRISE_HEADERS = ["序号", "企业名称", "示范模式", "联系人", "联系方式", "电子邮箱"]
PLATFORM_HEADERS = ["公共服务/应用服务提供商", "联系人", "联系方式", "电子邮箱"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_city_sheet_to_the_cell(client_for):
    rows = fill_qingyuan()
    response = client_for("qingyuan").get("/exports/annex2.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = workbook(response)
    assert wb.sheetnames == ["清远市"]
    ws = wb["清远市"]
    assert ws["A1"].value == "附件2" and ws["A2"].value == TITLE
    assert ws["A3"].value == "推荐单位（盖章）：清远市工业和信息化局"
    assert (ws["D3"].value, ws["F3"].value) == ("填报人：李四", "联系电话：0763-3361234")

    form = [r[:6] for r in sheet_rows(ws)[3:]]  # below the header rows; the form's columns only
    demo_mode = str(rows["first"].demo_mode)
    assert form == [
        ["一、示范企业"],
        ENTERPRISE_HEADERS,
        [1, "甲智能装备有限公司", demo_mode, "张三", "13800138000", "contact@example.cn"],
        [2, FORMULA_NAMES[0], demo_mode, "张三", "13800138000", "contact@example.cn"],
        ["二、示范平台"],
        ["序号", "平台名称（共享制造类）", *PLATFORM_HEADERS],
        ["（无）"],
        ["序号", "平台名称（其他类）", *PLATFORM_HEADERS],
        [1, "乙工业互联网平台", "公共服务提供商", "张三", "13800138000", "contact@example.cn"],
        ["三、示范项目"],
        ["序号", "项目名称", None, "联系人", "联系方式", "电子邮箱"],  # the name spans B:C
        ["（无）"],
        ["四、示范城市"],
        ["序号", "城市名称（工业设计特色类或其他类）", None, "联系人", "联系方式", "电子邮箱"],
        [1, "清远市（工业设计特色类）", None, "王五", "13800138000", "contact@example.cn"],
        [NOTE],
    ]
    text = repr(sheet_rows(ws))
    assert "已撤回的企业" not in text and "不予受理的企业" not in text and "惠州的项目" not in text
    # The formula-looking name is a text cell, not a formula.
    cell = ws["B8"]
    assert cell.value == FORMULA_NAMES[0] and cell.data_type == "s"
    # Beside the form, folded away: the columns an import needs.
    assert ws["G6"].value == "统一社会信用代码" and ws["G7"].value == rows["first"].credit_code
    assert ws.column_dimensions["G"].hidden and ws.column_dimensions["G"].outlineLevel == 1


def test_print_setup_and_borders(client_for):
    fill_qingyuan()
    ws = workbook(client_for("qingyuan").get("/exports/annex2.xlsx"))["清远市"]
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$3"  # the sheet header repeats on every printed page
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == NOTE)
    assert ws.print_area == f"'清远市'!$A$1:$F${last}"  # the form's columns, not the import columns beside it
    header = ws["B6"]
    assert header.font.b and header.border.left.style == "thin" and header.border.bottom.style == "thin"
    assert ws["E7"].border.right.style == "thin"
    assert [ws.column_dimensions[c].width for c in "ABCDEF"] == [6, 30, 20, 10, 16, 26]
    assert {"A2:F2", "B16:C16"} <= {str(r) for r in ws.merged_cells.ranges}  # the title; a project's name


def test_a_blank_row_between_the_two_platform_tables(client_for):
    fill_qingyuan()
    ws = workbook(client_for("qingyuan").get("/exports/annex2.xlsx"))["清远市"]
    titles = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    shared, other = titles["平台名称（共享制造类）"], titles["平台名称（其他类）"]
    assert ws.cell(shared + 1, 1).value == "（无）"  # the first table ends here …
    assert other == shared + 3 and all(ws.cell(shared + 2, c).value is None for c in range(1, 7))  # … a gap
    assert ws.cell(shared + 2, 1).border.top.style is None


def units(text):
    """Printed width in Excel's character units: a CJK or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def test_province_summary_prints_landscape_and_readable(client_for):
    fill_qingyuan()
    nominate("huizhou", "platform_shared", name="惠州共享工厂平台")
    ws = workbook(client_for("province").get("/exports/annex2.xlsx"))["汇总"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    # Fitting one page wide scales the sheet by printable width / sheet width: readable means ≥ 85 %.
    columns = "ABCDEFGHI"
    sheet_px = sum(int(ws.column_dimensions[c].width * 7 + 5) for c in columns)
    printable_px = (297 / 25.4 - ws.page_margins.left - ws.page_margins.right) * 96
    assert printable_px / sheet_px >= 0.85, printable_px / sheet_px
    # Category names (the list's 类别, the quota table's titles) fit their cells: no bracket wraps.
    widths = {c: ws.column_dimensions[c].width for c in columns}
    merged = {r.min_row * 100 + r.min_col: r for r in ws.merged_cells.ranges}
    checked = 0
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("示范") and len(cell.value) <= 12:
                span = merged.get(cell.row * 100 + cell.column)
                cols = range(span.min_col, span.max_col + 1) if span else [cell.column]
                room = sum(widths[columns[c - 1]] for c in cols) - 1
                assert units(cell.value) <= room, (cell.coordinate, cell.value, room)
                checked += 1
    assert checked >= 7


def test_province_summary_lists_the_cities_without_nominations(client_for):
    nominate("guangzhou", "enterprise", name="广州企业")
    summary = sheet_rows(workbook(client_for("province").get("/exports/annex2.xlsx"))["汇总"])
    line = next(r[0] for r in summary if str(r[0]).startswith("未推荐"))
    assert line.startswith("未推荐（19 个地市，无推荐对象）：韶关市、珠海市") and "广州市" not in line


def test_chinese_file_name_rfc5987(client_for):
    response = client_for("qingyuan").get(f"/exports/annex2.xlsx?campaign={open_campaign().year}")
    year = open_campaign().year
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="annex2_441800_{year}.xlsx"; ')
    assert rfc5987(f"附件2_服务型制造示范推荐汇总表_清远市_{year}.xlsx") in disposition


def test_province_workbook_summary_and_every_city(client_for):
    rows = fill_qingyuan()
    nominate("guangzhou", "enterprise", name="广州企业")
    response = client_for("province").get("/exports/annex2.xlsx")
    wb = workbook(response)
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 21
    assert wb.sheetnames[1:4] == ["广州市", "韶关市", "珠海市"] and wb.sheetnames[-1] == "云浮市"
    assert "filename*=utf-8''" in response["Content-Disposition"] and "province" in response["Content-Disposition"]
    summary = sheet_rows(wb["汇总"])
    assert summary[0] == ["服务型制造示范推荐汇总（全省）"]
    quota_header = next(r for r in summary if r[:2] == ["地市", None])
    assert quota_header[2:] == [
        "档次", "示范企业", "示范平台（共享制造类）", "示范平台（其他类）", "示范项目", "示范城市", "合计"]
    qingyuan = next(r for r in summary if r[0] == "清远市")
    assert qingyuan[2:] == ["其他地市", "2/4", "0/1", "1/2", "0/2", "1/1", "4/10"]
    guangzhou = next(r for r in summary if r[0] == "广州市")
    assert guangzhou[2:4] == ["示范城市", "1/6"]
    listing_at = summary.index(next(r for r in summary if r[:2] == ["序号", "推荐地市"]))
    listing = summary[listing_at + 1:]
    assert [r[:4] for r in listing] == [
        [1, "广州市", "示范企业", "广州企业"],
        [2, "惠州市", "示范项目", "惠州的项目"],
        [3, "清远市", "示范企业", "甲智能装备有限公司"],
        [4, "清远市", "示范企业", FORMULA_NAMES[0]],
        [5, "清远市", "示范平台（其他类）", "乙工业互联网平台"],
        [6, "清远市", "示范城市", "清远市（工业设计特色类）"],
    ]
    assert listing[2][5] == rows["first"].credit_code
    assert wb["汇总"].cell(listing_at + 4 + 1, 4).data_type == "s"  # the formula-looking name, as text
    assert wb["汇总"].print_title_rows == "$1:$2"
    assert sheet_rows(wb["清远市"])[2][0] == "推荐单位（盖章）：清远市工业和信息化局"
    assert sheet_rows(wb["韶关市"])[2][0] == "推荐单位（盖章）：韶关市工业和信息化局"
    assert ["（无）"] in [r[:1] for r in sheet_rows(wb["韶关市"])]


@pytest.mark.parametrize("name", FORMULA_NAMES)
def test_formula_looking_names_stay_text(client_for, name):
    nominate("qingyuan", "project", name=name)
    ws = workbook(client_for("qingyuan").get("/exports/annex2.xlsx"))["清远市"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == name]
    assert cells and all(c.data_type == "s" for c in cells)


def test_forbidden_characters_removed(client_for):
    nominate("qingyuan", "project", name="丙\x07项目\x1f")
    ws = workbook(client_for("qingyuan").get("/exports/annex2.xlsx"))["清远市"]
    assert "丙项目" in [c.value for row in ws.iter_rows() for c in row]


def test_any_list_of_sheets_renders_through_the_public_call(seeded):
    """What the province's own selection (推荐单位 广东省工业和信息化厅) will use."""
    nominate("qingyuan", "enterprise", name="入选企业甲")
    nominate("huizhou", "platform_shared", name="入选平台乙")
    sheet = build_sheet(recommender=PROVINCE_RECOMMENDER, filler_name="黄璨", filler_phone="020-83133359",
                        nominations=Nomination.objects.order_by("pk"), campaign=open_campaign())
    filename, mimetype, data = Annex2Xlsx().render([sheet])
    assert filename == f"附件2_服务型制造示范推荐汇总表_广东省工业和信息化厅_{open_campaign().year}.xlsx"
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["广东省工业和信息化厅"]
    rows = sheet_rows(wb.active)
    assert rows[2][0] == "推荐单位（盖章）：广东省工业和信息化厅"
    assert [1, "入选企业甲"] in [r[:2] for r in rows] and [1, "入选平台乙"] in [r[:2] for r in rows]
    filename, mimetype, data = Annex2Pdf().render([sheet, sheet])
    assert mimetype == "application/pdf" and filename.endswith("等2份_" + f"{open_campaign().year}.pdf")
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 2 and "推荐单位（盖章）：广东省工业和信息化厅" in pages[1].extract_text()
