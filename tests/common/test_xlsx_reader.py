"""The upload reader (intake/common/xlsx_reader.py): it reads what openpyxl reads, and refuses each kind of
file that could hold a worker (or that is damaged) with a message naming the limit and what the
file has. Figures for the largest files allowed: bench/uploads.py. The same files through both
imports' views: tests/annex2/test_import_limits.py."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from bench import xlsx_files as files
from intake.common import xlsx_reader
from intake.common.uploads import UploadRejected
from intake.common.xlsx_reader import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_SHEETS, read_uploaded_workbook


def read(data):
    return read_uploaded_workbook(SimpleUploadedFile("表.xlsx", data))


def refused(data):
    with pytest.raises(UploadRejected) as exc:
        read(data)
    return exc.value.code, exc.value.messages[0]


def one_sheet(data, dimension=None, shared=None, styles=None, extra=""):
    return files.workbook([("表", files.sheet_xml(data, dimension, extra))], shared=shared, styles=styles)


def as_openpyxl_reads(data):
    """Non-empty rows of every sheet, as openpyxl (read-only, values only) gives them."""
    out = []
    for ws in load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets:
        rows = []
        for number, row in enumerate(ws.iter_rows(values_only=True), 1):
            values = list(row)
            while values and values[-1] in (None, ""):
                values.pop()
            if values:
                rows.append((number, tuple(values)))
        out.append((ws.title, rows))
    return out


def as_we_read(data):
    return [(sheet.title, sheet.rows) for sheet in read(data).sheets]


# -- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("epoch", [None, CALENDAR_MAC_1904])
def test_values_are_those_openpyxl_reads(epoch):
    wb = Workbook()
    if epoch:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "甲"
    ws.append(["文本", 1, 2.5, True, False, datetime.date(2023, 5, 6), datetime.datetime(2023, 5, 6, 12, 30), None,
               "=1+1", 13800138000, 91441800.0])
    ws["B5"] = "中间空行之后"
    ws["AX7"] = 123456789012345678
    other = wb.create_sheet("乙")
    other["A1"] = CellRichText(["红", TextBlock(InlineFont(b=True), "粗")])
    other["C3"] = datetime.time(8, 30)
    other["D4"] = datetime.timedelta(hours=30)
    other["D4"].number_format = "[h]:mm:ss"
    out = io.BytesIO()
    wb.save(out)
    assert as_we_read(out.getvalue()) == as_openpyxl_reads(out.getvalue())
    assert as_we_read(out.getvalue())[0][1][0][1][:3] == ("文本", 1, 2.5)


def test_inline_strings_phonetic_guides_and_cells_without_reference():
    shared = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>广东</t></r>'
              '<r><rPr><b/></rPr><t>省</t></r><rPh sb="0" eb="2"><t>カントン</t></rPh></si></sst>')
    data = one_sheet('<row r="2"><c t="s"><v>0</v></c><c t="inlineStr"><is><t>行内</t></is></c>'
                     '<c t="str"><v>公式结果</v></c><c t="e"><v>#N/A</v></c></row>', shared=shared)
    assert as_we_read(data) == [("表", [(2, ("广东省", "行内", "公式结果", "#N/A"))])]


def test_a_province_export_is_read_whole(client_for):
    from tests.factories import nominate

    nominate("qingyuan", "enterprise", name="清远企业")
    data = client_for("province").get("/exports/annex2.xlsx").content
    titles = [title for title, _rows in as_we_read(data)]
    assert len(titles) == 21 and titles[0] == "汇总"
    assert as_we_read(data) == as_openpyxl_reads(data)


# -- limits: each refused with the limit and what the file has ---------------------------------------


def test_as_many_sheets_as_allowed_and_one_more():
    assert len(read(files.largest_cells(MAX_SHEETS, 2, 2)).sheets) == MAX_SHEETS
    assert refused(files.largest_cells(MAX_SHEETS + 1, 2, 2)) == (
        "upload_too_many_sheets",
        f"工作簿中有 {MAX_SHEETS + 1} 张工作表，超过 {MAX_SHEETS} 张的上限。请删除多余的工作表后重新上传。",
    )


def test_the_file_of_1500_empty_sheets():
    code, message = refused(files.many_empty_sheets())
    assert code == "upload_too_many_sheets" and "1500 张工作表" in message


def test_too_many_parts():
    data = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(files.largest_cells(1, 1, 1)))
    with zipfile.ZipFile(data, "w") as z:
        for name in source.namelist():
            z.writestr(name, source.read(name))
        for i in range(xlsx_reader.MAX_PARTS):
            z.writestr(f"xl/media/image{i}.png", b"")
    code, message = refused(data.getvalue())
    assert code == "upload_too_many_parts" and f"{xlsx_reader.MAX_PARTS + 6} 个部件" in message


def test_declared_dimension():
    cell = '<row r="1"><c r="A1"><v>1</v></c></row>'
    code, message = refused(one_sheet(cell, dimension="A1:XFD1048576"))
    assert code == "upload_sheet_too_large"
    assert "声明的数据区域为 A1:XFD1048576（1048576 行 × 16384 列）" in message
    assert f"{MAX_ROWS} 行 × {MAX_COLUMNS} 列的上限" in message and "表" in message
    assert read(one_sheet(cell, dimension=f"A1:AX{MAX_ROWS}")).sheets[0].rows == [(1, (1,))]


@pytest.mark.parametrize("ref, allowed", [(f"A{MAX_ROWS}", True), (f"A{MAX_ROWS + 1}", False), ("AX1", True),
                                          ("AY1", False), ("XFD1048576", False)])
def test_actual_extent(ref, allowed):
    """Without a <dimension>, or with one that lies, the cells themselves are measured."""
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for dimension in (None, "A1"):
        data = one_sheet(f'<row r="{row}"><c r="{ref}"><v>7</v></c></row>', dimension=dimension)
        if allowed:
            assert read(data).sheets[0].rows[0][1][-1] == 7
        else:
            code, message = refused(data)
            assert code == "upload_sheet_too_large" and f"在单元格 {ref} 还有内容或格式" in message


def test_too_many_cells():
    full = [[1] * MAX_COLUMNS] * (MAX_CELLS // MAX_COLUMNS)
    assert len(read(files.workbook([("满", files.sheet_xml(files.rows_xml(full)))])).sheets[0].rows) == len(full)
    code, message = refused(files.workbook([("满", files.sheet_xml(files.rows_xml(full + [[1]])))]))
    assert code == "upload_too_many_cells"
    assert f"超过 {MAX_CELLS} 个的上限" in message and f"单元格 A{len(full) + 1}" in message


def test_one_long_string_in_thousands_of_cells():
    code, message = refused(files.one_long_string_everywhere())
    assert code == "upload_cell_too_long"
    assert "单元格 A1 有 32767 个字" in message and f"每格 {xlsx_reader.MAX_CELL_CHARS} 字的上限" in message


@pytest.mark.parametrize("cell", [
    '<c r="B2" t="inlineStr"><is><t>{text}</t></is></c>',
    '<c r="B2" t="str"><f>REPT("字",2001)</f><v>{text}</v></c>',
])
def test_long_text_in_a_cell(cell):
    limit = xlsx_reader.MAX_CELL_CHARS
    ok = one_sheet(f'<row r="2">{cell.format(text="字" * limit)}</row>')
    assert read(ok).sheets[0].rows[0][1][1] == "字" * limit
    code, message = refused(one_sheet(f'<row r="2">{cell.format(text="字" * (limit + 1))}</row>'))
    assert code == "upload_cell_too_long" and f"单元格 B2 有 {limit} 多个字" in message


def test_too_much_text_in_all():
    """A string under the cell limit, used again and again, counts every time it is used."""
    uses = xlsx_reader.MAX_TEXT_CHARS // 1999 + 1
    data = one_sheet("".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, uses + 1)),
                     shared=["文" * 1999])
    code, message = refused(data)
    assert code == "upload_too_much_text" and f"超过 {xlsx_reader.MAX_TEXT_CHARS} 字的上限" in message


def test_too_many_xml_elements():
    code, message = refused(files.most_elements(xlsx_reader.MAX_ELEMENTS))
    assert code == "upload_too_complex" and f"XML 元素超过 {xlsx_reader.MAX_ELEMENTS} 个的上限" in message


def test_too_many_bytes_unpacked(monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_UNPACKED_MB", 1)
    code, message = refused(files.most_bytes(2))
    assert code == "upload_too_large_unpacked" and "超过 1 MB 的上限" in message


def test_compression_ratio_of_one_part():
    """A part that unpacks a hundred times larger is refused before it is unpacked, even when the
    rest of the file (a picture) keeps the file's own ratio low."""
    blank = '<row r="1"><c r="A1"><v>1</v></c></row>' + " " * (3 * 1024 * 1024)
    data = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(one_sheet(blank)))
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info, source.read(info.filename))
        z.writestr("xl/media/photo.jpg", bytes(range(256)) * 4096 * 3, compress_type=zipfile.ZIP_STORED)
    code, message = refused(data.getvalue())
    assert code == "upload_zip_bomb" and "工作表“表”解压后为 3.0 MB" in message and "超过 100 倍的上限" in message


# -- damaged sheets: refused cleanly, also when the <dimension> comes before the damage -------------


DATE_STYLES = files.date_styles()
DAMAGED = {
    "parse error": (one_sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</c></row>',
                              dimension="A1:A2"), "XML 格式错误"),
    "shared string out of range": (one_sheet('<row r="1"><c r="A1" t="s"><v>5</v></c></row>', dimension="A1",
                                             shared=["只有一项"]), "共享文字第 5 项不存在（共 1 项）"),
    "shared string without any": (one_sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', dimension="A1"),
                                  "共享文字第 0 项不存在（共 0 项）"),
    "bad ISO date": (one_sheet('<row r="1"><c r="A1" t="d"><v>2023-02-30</v></c></row>', dimension="A1"),
                     "日期“2023-02-30”无效"),
    "date serial out of range": (one_sheet('<row r="1"><c r="A1" s="1"><v>1e20</v></c></row>', dimension="A1",
                                           styles=DATE_STYLES), "超出 Excel 的日期范围"),
    "bad number": (one_sheet('<row r="1"><c r="A1"><v>12abc</v></c></row>', dimension="A1"), "数字“12abc”无效"),
    "NaN": (one_sheet('<row r="1"><c r="A1"><v>NaN</v></c></row>', dimension="A1"), "数字“NaN”无效"),
    "non-ASCII digits": (one_sheet('<row r="1"><c r="A1"><v>١٢</v></c></row>', dimension="A1"), "数字“١٢”无效"),
    "infinite number": (one_sheet('<row r="1"><c r="A1"><v>1e999</v></c></row>', dimension="A1"), "超出范围"),
    "bad boolean": (one_sheet('<row r="1"><c r="A1" t="b"><v>yes</v></c></row>', dimension="A1"), "逻辑值“yes”无效"),
    "bad reference": (one_sheet('<row r="1"><c r="1A"><v>1</v></c></row>', dimension="A1"), "单元格位置“1A”无效"),
    "row zero": (one_sheet('<row r="0"><c><v>1</v></c></row>', dimension="A1"), "行号“0”无效"),
    "unknown type": (one_sheet('<row r="1"><c r="A1" t="x"><v>1</v></c></row>', dimension="A1"), "未知的单元格类型"),
    "bad style": (one_sheet('<row r="1"><c r="A1" s="-1"><v>1</v></c></row>', dimension="A1"), "样式编号“-1”无效"),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_damaged_sheet(case):
    data, detail = DAMAGED[case]
    code, message = refused(data)
    assert code == "upload_broken" and message.startswith("工作表“表”") and "已损坏" in message and detail in message


def test_entity_expansion_is_refused():
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    code, message = refused(files.workbook([("表", laughs)]))
    assert code == "upload_broken" and "文档类型声明" in message


def test_altered_and_missing_parts():
    good = one_sheet("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 200)))
    part = zipfile.ZipFile(io.BytesIO(good)).getinfo("xl/worksheets/sheet1.xml")
    start = part.header_offset + 30 + len(part.filename.encode()) + len(part.extra)
    altered = bytearray(good)
    altered[start + part.compress_size // 2] ^= 0xFF  # a byte of the packed sheet changed in transit
    code, message = refused(bytes(altered))
    assert code == "upload_broken" and "压缩数据不完整" in message
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as z:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, source.read(info.filename))
    code, message = refused(out.getvalue())
    assert code == "upload_broken" and "找不到它的内容" in message
