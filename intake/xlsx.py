"""XLSX in and out, safely.

Out: `SafeWorkbook` (after pretix's) never lets a cell become a formula or an error value: text
starting with =, +, - or @ is stored as text, and characters XML forbids are removed rather than
breaking the file. In: `open_uploaded_workbook` refuses what is not an XLSX, too large, or a zip
bomb, before openpyxl (with defusedxml) parses anything.
"""

import io
import zipfile

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

from .uploads import UploadRejected

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
REQUIRED_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}


class SafeCell(Cell):
    __slots__ = ()

    def check_string(self, value):
        if value is None:
            return None
        return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32767]

    def _bind_value(self, value):
        super()._bind_value(value)
        if self.data_type in ("f", "e"):
            self.data_type = "s"


class SafeWorksheet(Worksheet):
    def _get_cell(self, row, column):
        if (row, column) not in self._cells:
            if not 0 < row < 1048577:
                raise ValueError(f"Row numbers must be between 1 and 1048576, not {row}")
            self._add_cell(SafeCell(self, row=row, column=column))
        return self._cells[(row, column)]

    def append(self, iterable):
        if isinstance(iterable, dict):
            raise TypeError("SafeWorksheet.append takes a sequence of values")
        super().append([v if isinstance(v, Cell) else SafeCell(self, value=v) for v in iterable])


class SafeWorkbook(Workbook):
    def __init__(self):
        super().__init__()
        self._sheets = [SafeWorksheet(self)]

    def create_sheet(self, title=None, index=None):
        sheet = SafeWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def to_bytes(self):
        out = io.BytesIO()
        self.save(out)
        return out.getvalue()


def open_uploaded_workbook(uploaded):
    """An openpyxl workbook (read-only, values not formulas) from an upload, or UploadRejected."""
    limit = settings.MAX_XLSX_UPLOAD_MB
    if uploaded is None:
        raise UploadRejected("请选择要上传的 XLSX 文件。", code="upload_missing")
    if uploaded.size > limit * 1024 * 1024:
        raise UploadRejected(
            "文件大小为 %(size).1f MB，超过 %(limit)d MB 的上限。请删除多余的工作表或图片后重新上传。",
            code="upload_too_large", params={"size": uploaded.size / 1024 / 1024, "limit": limit},
        )
    uploaded.seek(0)
    data = uploaded.read()
    not_xlsx = UploadRejected(
        "上传的文件不是 XLSX 格式的 Excel 文件（按文件内容判断）。如为 .xls 或 WPS 格式，"
        "请用 Excel 或 WPS “另存为” .xlsx 后重新上传。",
        code="upload_not_xlsx",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_xlsx
    names = {e.filename for e in entries}
    if not REQUIRED_PARTS <= names:
        raise not_xlsx
    unpacked = sum(e.file_size for e in entries)
    packed = max(sum(e.compress_size for e in entries), 1)
    if unpacked > MAX_UNCOMPRESSED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
        raise UploadRejected(
            "文件解压后异常庞大（可能是压缩炸弹或含有大量空白单元格），已拒绝。请只保留汇总表内容后重新上传。",
            code="upload_zip_bomb",
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise UploadRejected(
            "Excel 文件已损坏或无法读取。请用 Excel 或 WPS 打开确认无误、另存为 .xlsx 后重新上传。",
            code="upload_broken",
        ) from exc
