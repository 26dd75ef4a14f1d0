"""SafeWorkbook never writes a formula; uploaded workbooks are checked before parsing (the limits
themselves: tests/common/test_xlsx_reader.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from intake.common.uploads import UploadRejected
from intake.common.xlsx import SafeWorkbook
from intake.common.xlsx_reader import read_uploaded_workbook
from tests.factories import damaged_workbook, zip_bomb

DANGEROUS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")", "#N/A"]


def read_back(wb):
    return load_workbook(io.BytesIO(wb.to_bytes()))


def test_formula_looking_text_stays_text():
    wb = SafeWorkbook()
    wb.active.append(DANGEROUS)
    ws2 = wb.create_sheet("二")
    ws2.cell(row=1, column=1, value="=A1*2")
    ws2["B2"] = "=EVIL()"
    back = read_back(wb)
    cells = list(back.worksheets[0].iter_rows(values_only=False))[0]
    assert [c.value for c in cells] == DANGEROUS
    assert {c.data_type for c in cells} == {"s"}
    assert back["二"]["A1"].data_type == "s" and back["二"]["A1"].value == "=A1*2"
    assert back["二"]["B2"].value == "=EVIL()" and back["二"]["B2"].data_type == "s"


def test_forbidden_xml_characters_are_removed_not_fatal():
    wb = SafeWorkbook()
    wb.active.append(["甲\x00乙\x07丙\x1f", 3])
    back = read_back(wb)
    assert [c.value for c in next(back.active.iter_rows())] == ["甲乙丙", 3]


def upload(content, name="表.xlsx"):
    return SimpleUploadedFile(name, content)


def rejected(content):
    with pytest.raises(UploadRejected) as exc:
        read_uploaded_workbook(upload(content))
    return exc.value.messages[0]


def test_real_workbook_opens():
    wb = SafeWorkbook()
    wb.active.append(["附件2"])
    assert read_uploaded_workbook(upload(wb.to_bytes())).sheets[0].rows == [(1, ("附件2",))]


def test_not_xlsx():
    assert "不是 XLSX" in rejected(b"%PDF-1.7 nothing")
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "不是 XLSX" in rejected(plain_zip.getvalue())


def test_too_large(settings):
    settings.MAX_XLSX_UPLOAD_MB = 1
    assert "超过 1 MB 的上限" in rejected(b"0" * (1024 * 1024 + 1))


def test_zip_bomb():
    assert "压缩炸弹" in rejected(zip_bomb())


def test_damaged_workbook():
    assert "已损坏" in rejected(damaged_workbook())
