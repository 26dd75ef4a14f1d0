"""XLSX out, safely (uploads are read by `xlsx_reader`, with its limits).

`SafeWorkbook` (after pretix's) never lets a cell become a formula or an error value: text
starting with =, +, - or @ is stored as text, and characters XML forbids are removed rather than
breaking the file.
"""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
