"""Reading an uploaded XLSX: the one way in for every import (Annex 2, the registry of batches 1–4).

An XLSX is a ZIP of XML parts. Everything a file could make us spend is bounded, and each bound
is checked before the work it guards, so the largest file allowed is read in well under a second
(`bench/xlsx_reader.py` prints the figures):

1. the upload's size, then the ZIP directory (number of parts, unpacked size, compression
   ratio), before anything is unpacked;
2. the parts are unpacked in chunks and fed to a streaming XML parser (expat, no DTD, no
   entities) that stops at the first limit crossed: sheets, the declared `<dimension>` and the
   actual extent of each sheet, cells, one cell's text, all the text read, XML elements;
3. every cell is checked as it is read: a shared-string index out of range, a number, date or
   boolean that is not one, a malformed reference or XML: the sheet is damaged.

openpyxl (which builds objects for every cell, style and merged range, several times slower) is
not used to read uploads; its number-format and date helpers are, so dates read as Excel shows
them. Each refusal is an `UploadRejected` in Chinese naming the limit and what the file has.
"""

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

from django.conf import settings
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from intake.common.uploads import UploadRejected

# The limits, sized far above any real Annex 2 or registry list (a province-wide Annex 2 export
# has 21 sheets and a few thousand cells; a registry of every unit of batches 1–4 a few hundred rows).
MAX_PARTS = 1000  # entries in the ZIP directory
MAX_UNPACKED_MB = 20  # all the parts read, unpacked
MAX_COMPRESSION_RATIO = 100  # unpacked / packed, of the whole file and of each part read
RATIO_CHECKED_FROM = 1024 * 1024  # smaller parts are too small to be a bomb
MAX_SHEETS = 50
MAX_ROWS = 5000  # per sheet: the declared <dimension> and the last row holding a cell
MAX_COLUMNS = 50  # per sheet (column AX)
MAX_CELLS = 50_000  # in the whole workbook
MAX_CELL_CHARS = 2000  # one cell's text (names, contacts … are at most a few hundred)
MAX_TEXT_CHARS = 1_000_000  # all text read: shared strings, and every cell's text where it is used
MAX_ELEMENTS = 300_000  # XML elements in all the parts read (a cell is two or three)
CHUNK = 64 * 1024

MAIN_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
NOT_XLSX = (
    "上传的文件不是 XLSX 格式的 Excel 文件（按文件内容判断）。如为 .xls 或 WPS 格式，"
    "请用 Excel 或 WPS “另存为” .xlsx 后重新上传。"
)
RESAVE = "请用 Excel 或 WPS 打开确认无误、另存为 .xlsx 后重新上传。"
NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
REFERENCE_RE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
INDEX_RE = re.compile(r"[0-9]{1,9}")
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384


@dataclass
class Sheet:
    title: str
    rows: list = field(default_factory=list)  # (row number as Excel shows it, values from column A on)


@dataclass
class Workbook:
    sheets: list  # the worksheets in the workbook's order (chart sheets have no cells and are left out)


class _Refused(Exception):
    """Raised inside the XML handlers; carries the UploadRejected out of expat."""

    def __init__(self, rejection):
        super().__init__()
        self.rejection = rejection


def _mb(size):
    return f"{size / 1024 / 1024:.1f} MB"


def _broken(where, detail, **params):
    return UploadRejected(
        "%(where)s已损坏，无法读取（" + detail + "）。" + RESAVE,
        code="upload_broken", params={"where": where, **params},
    )


def read_uploaded_workbook(uploaded):
    """The cells of every worksheet of an uploaded XLSX, or UploadRejected saying why not."""
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
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UploadRejected(NOT_XLSX, code="upload_not_xlsx")
    with archive:
        return _Reader(archive, entries).read()


class _Reader:
    def __init__(self, archive, entries):
        self.archive = archive
        self.entries = {e.filename: e for e in entries}
        self.elements = self.cells = self.text = self.unpacked = 0
        self.shared = []
        self.date_styles, self.timedelta_styles = set(), set()
        self.epoch = CALENDAR_WINDOWS_1900
        # Parts that are never read (pictures, printer settings) are never unpacked: only the ratio matters.
        unpacked = sum(e.file_size for e in entries)
        packed = sum(e.compress_size for e in entries)
        if unpacked > RATIO_CHECKED_FROM and unpacked / max(packed, 1) > MAX_COMPRESSION_RATIO:
            raise self._bomb("文件", unpacked, packed)

    # -- parts ---------------------------------------------------------------------------------

    def read(self):
        if "[Content_Types].xml" not in self.entries:
            raise UploadRejected(NOT_XLSX, code="upload_not_xlsx")
        main = self._relationships("_rels/.rels", "")
        workbook_part = next((t for t, kind in main.values() if kind == MAIN_DOCUMENT), "xl/workbook.xml")
        if workbook_part not in self.entries:
            raise UploadRejected(NOT_XLSX, code="upload_not_xlsx")
        base = posixpath.dirname(workbook_part)
        related = self._relationships(posixpath.join(base, "_rels", posixpath.basename(workbook_part) + ".rels"), base)
        listed = self._parse(workbook_part, "工作簿", _WorkbookPart())
        if len(listed.sheets) > MAX_SHEETS:
            raise UploadRejected(
                "工作簿中有 %(n)d 张工作表，超过 %(limit)d 张的上限。请删除多余的工作表后重新上传。",
                code="upload_too_many_sheets", params={"n": len(listed.sheets), "limit": MAX_SHEETS},
            )
        if len(self.entries) > MAX_PARTS:
            raise UploadRejected(
                "文件内含 %(n)d 个部件，超过 %(limit)d 个的上限。"
                "请把表格内容复制到新的工作簿，另存为 .xlsx 后重新上传。",
                code="upload_too_many_parts", params={"n": len(self.entries), "limit": MAX_PARTS},
            )
        if listed.date1904:
            self.epoch = CALENDAR_MAC_1904
        for target, kind in related.values():
            if kind.endswith("/styles") and target in self.entries:
                styles = self._parse(target, "样式表", _StylesPart())
                self.date_styles, self.timedelta_styles = styles.date_styles(), styles.timedelta_styles()
            elif kind.endswith("/sharedStrings") and target in self.entries:
                self.shared = self._parse(target, "共享文字表", _SharedStringsPart(self)).strings
        sheets = []
        for title, rel_id in listed.sheets:
            title = title[:31]  # Excel's own limit on a sheet name
            target, kind = related.get(rel_id, (None, ""))
            if not kind.endswith("/worksheet"):
                continue  # a chart sheet or a dialog sheet: no cells
            where = f"工作表“{title}”"
            if target not in self.entries:
                raise _broken(where, "找不到它的内容")
            sheets.append(Sheet(title, self._parse(target, where, _SheetPart(self, title)).sorted_rows()))
        return Workbook(sheets)

    def _relationships(self, part, base):
        """{id: (target part, relationship type)} of a .rels part (none when it is missing)."""
        if part not in self.entries:
            return {}
        found = {}
        for rel_id, target, kind, external in self._parse(part, "文件目录", _RelationshipsPart()).items:
            if external or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            found[rel_id] = (posixpath.normpath(path), kind)
        return found

    def _parse(self, name, where, handler):
        """Feed part `name` to `handler` through expat, unpacking in chunks, within the limits."""
        entry = self.entries[name]
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise self._bomb(where, entry.file_size, entry.compress_size)
        self.unpacked += entry.file_size  # as the ZIP directory says: unpacking never yields more
        if self.unpacked > MAX_UNPACKED_MB * 1024 * 1024:
            raise UploadRejected(
                "文件中的表格内容解压后超过 %(limit)d MB 的上限（读到%(where)s时已有 %(size)s）。"
                "请只保留表格内容后重新上传。",
                code="upload_too_large_unpacked",
                params={"limit": MAX_UNPACKED_MB, "where": where, "size": _mb(self.unpacked)},
            )
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

        def no_dtd(*_args):  # entity expansion and external references need a DTD: none is allowed
            raise _Refused(_broken(where, "含有不允许的文档类型声明"))

        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        parser.StartElementHandler = self._counting(handler.start, where)
        parser.EndElementHandler = lambda name: handler.end(name.rpartition("}")[2])
        parser.CharacterDataHandler = handler.characters
        handler.where = where
        try:
            with self.archive.open(entry) as stream:
                while chunk := stream.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Refused as refused:
            raise refused.rejection
        except expat.ExpatError as exc:
            raise _broken(where, "XML 格式错误，位于第 %(line)d 行第 %(column)d 列",
                          line=exc.lineno or 0, column=(exc.offset or 0) + 1)
        except RuntimeError:  # zipfile: an encrypted part
            raise UploadRejected("文件设置了密码，无法读取。请去掉密码后重新上传。", code="upload_encrypted")
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
            raise _broken(where, "压缩数据不完整或无法解压")
        return handler

    def _counting(self, start, where):
        def counted(name, attrs):
            self.elements += 1
            if self.elements > MAX_ELEMENTS:
                raise _Refused(UploadRejected(
                    "文件结构过于复杂：XML 元素超过 %(limit)d 个的上限（读到%(where)s时）。"
                    "请把表格内容复制到新的工作簿，另存为 .xlsx 后重新上传。",
                    code="upload_too_complex", params={"limit": MAX_ELEMENTS, "where": where},
                ))
            start(name.rpartition("}")[2], attrs)

        return counted

    @staticmethod
    def _bomb(where, unpacked, packed):
        return UploadRejected(
            "%(where)s解压后为 %(unpacked)s，压缩比约 %(ratio)d 倍，超过 %(max_ratio)d 倍的上限"
            "（可能是压缩炸弹或含有大量空白单元格），已拒绝。请只保留表格内容后重新上传。",
            code="upload_zip_bomb",
            params={"where": where, "unpacked": _mb(unpacked), "ratio": unpacked / max(packed, 1),
                    "max_ratio": MAX_COMPRESSION_RATIO},
        )

    # -- shared by the handlers ------------------------------------------------------------------

    def count_text(self, length, where):
        self.text += length
        if self.text > MAX_TEXT_CHARS:
            raise _Refused(UploadRejected(
                "工作簿中的文字超过 %(limit)d 字的上限（读到%(where)s时）。请只保留表格内容后重新上传。",
                code="upload_too_much_text", params={"limit": MAX_TEXT_CHARS, "where": where},
            ))


class _Part:
    where = ""

    def start(self, name, attrs):
        pass

    def end(self, name):
        pass

    def characters(self, data):
        pass


def _local(attrs, name):
    """An attribute by its local name, whatever namespace prefix the file gave it."""
    for key, value in attrs.items():
        if key.rpartition("}")[2] == name:
            return value
    return None


class _RelationshipsPart(_Part):
    def __init__(self):
        self.items = []

    def start(self, name, attrs):
        if name == "Relationship":
            self.items.append((attrs.get("Id"), attrs.get("Target"), attrs.get("Type", ""),
                               attrs.get("TargetMode") == "External"))


class _WorkbookPart(_Part):
    def __init__(self):
        self.sheets, self.date1904 = [], False

    def start(self, name, attrs):
        if name == "sheet":
            self.sheets.append((attrs.get("name", ""), _local(attrs, "id")))
        elif name == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


class _StylesPart(_Part):
    """Which cell styles show a number as a date (or a duration), as openpyxl decides it."""

    def __init__(self):
        self.custom, self.formats, self.in_cell_styles = {}, [], False

    def start(self, name, attrs):
        if name == "numFmt":
            self.custom[attrs.get("numFmtId")] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_styles = True
        elif name == "xf" and self.in_cell_styles:
            number = attrs.get("numFmtId", "0")
            self.formats.append(self.custom[number] if number in self.custom
                                else builtin_format_code(int(number)) if INDEX_RE.fullmatch(number) else None)

    def end(self, name):
        if name == "cellXfs":
            self.in_cell_styles = False

    def date_styles(self):
        return self._styles(is_date_format)

    def timedelta_styles(self):
        return self._styles(is_timedelta_format)

    def _styles(self, test):
        verdicts = {f: test(f) for f in set(self.formats) if f}  # each format once: styles repeat them
        return {i for i, f in enumerate(self.formats) if f and verdicts[f]}


class _SharedStringsPart(_Part):
    """Rich text runs joined; phonetic guides (rPh) left out, as Excel shows the cell."""

    def __init__(self, reader):
        self.reader, self.strings = reader, []
        self.pieces, self.length, self.in_text, self.phonetic = [], 0, False, 0

    def start(self, name, attrs):
        if name == "si":
            if len(self.strings) >= MAX_CELLS:
                raise _Refused(UploadRejected(
                    "共享文字表超过 %(limit)d 项的上限。请只保留表格内容后重新上传。",
                    code="upload_too_many_cells", params={"limit": MAX_CELLS},
                ))
            self.pieces, self.length = [], 0
        elif name == "t" and not self.phonetic:
            self.in_text = True
        elif name == "rPh":
            self.phonetic += 1

    def characters(self, data):
        if self.in_text:
            self.length += len(data)
            self.reader.count_text(len(data), self.where)
            if self.length <= MAX_CELL_CHARS:
                self.pieces.append(data)

    def end(self, name):
        if name == "t":
            self.in_text = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            # A text too long for any cell is kept as its length: a cell that uses it is refused.
            self.strings.append("".join(self.pieces) if self.length <= MAX_CELL_CHARS else _TooLong(self.length))


@dataclass(frozen=True)
class _TooLong:
    length: int


class _SheetPart(_Part):
    def __init__(self, reader, title):
        self.reader, self.title = reader, title
        self.rows = {}
        self.row = self.column = 0
        self.cell = None  # (row, column, type, style) of the cell being read
        self.pieces = None  # its <v> text, or its inline text, once one starts
        self.collecting = False
        self.length = 0
        self.phonetic = 0

    def _where(self, row=None, column=None):
        cell = f"的单元格 {get_column_letter(column)}{row}" if row else ""
        return f"工作表“{self.title}”{cell}"

    def _extent(self, rows, columns, declared=None):
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            what = (f"声明的数据区域为 {declared}（{rows} 行 × {columns} 列）" if declared else
                    f"在单元格 {get_column_letter(columns)}{rows} 还有内容或格式")
            raise _Refused(UploadRejected(
                "%(sheet)s%(what)s，超过 %(max_rows)d 行 × %(max_columns)d 列的上限。"
                "请删除多余的行和列（或把表格内容复制到新的工作簿）后重新上传。",
                code="upload_sheet_too_large",
                params={"sheet": self._where(), "what": what, "max_rows": MAX_ROWS, "max_columns": MAX_COLUMNS},
            ))

    def start(self, name, attrs):
        if name == "c":
            self._start_cell(attrs)
        elif name == "row":
            number = attrs.get("r")
            if number is None:
                self.row += 1
            elif INDEX_RE.fullmatch(number) and 0 < int(number) <= EXCEL_ROWS:
                self.row = int(number)
            else:
                raise _Refused(_broken(self._where(), "行号“%(row)s”无效", row=number[:20]))
            self.column = 0
        elif self.cell is None:
            if name == "dimension":
                self._declared(attrs.get("ref", ""))
        elif name == "v" or (name == "t" and self.cell[2] == "inlineStr" and not self.phonetic):
            self.collecting = True
            if self.pieces is None:
                self.pieces = []
        elif name == "rPh":
            self.phonetic += 1

    def _declared(self, ref):
        try:
            first_column, first_row, last_column, last_row = range_boundaries(ref)
        except (ValueError, TypeError):
            raise _Refused(_broken(self._where(), "数据区域“%(ref)s”无效", ref=ref[:30]))
        if last_row is not None and last_column is not None:
            self._extent(last_row, last_column, declared=ref)

    def _start_cell(self, attrs):
        reference = attrs.get("r")
        row = self.row or 1  # a cell outside any row element: row 1, as openpyxl reads it
        if reference is None:
            column = self.column + 1
        else:
            match = REFERENCE_RE.fullmatch(reference)
            column = column_index_from_string(match[1].upper()) if match else 0
            row = int(match[2]) if match else 0
            if not (0 < row <= EXCEL_ROWS and 0 < column <= EXCEL_COLUMNS):
                raise _Refused(_broken(self._where(), "单元格位置“%(ref)s”无效", ref=reference[:20]))
        self.column = column
        self._extent(row, column)
        self.reader.cells += 1
        if self.reader.cells > MAX_CELLS:
            raise _Refused(UploadRejected(
                "工作簿中的单元格超过 %(limit)d 个的上限（读到%(where)s 时）。请删除多余的内容后重新上传。",
                code="upload_too_many_cells", params={"limit": MAX_CELLS, "where": self._where(row, column)},
            ))
        kind, style = attrs.get("t", "n"), attrs.get("s", "0")
        if kind not in ("n", "s", "str", "inlineStr", "b", "e", "d"):
            raise _Refused(_broken(self._where(row, column), "未知的单元格类型“%(kind)s”", kind=kind[:20]))
        if not INDEX_RE.fullmatch(style):
            raise _Refused(_broken(self._where(row, column), "样式编号“%(style)s”无效", style=style[:20]))
        self.cell = (row, column, kind, int(style))
        self.pieces, self.collecting, self.length, self.phonetic = None, False, 0, 0

    def characters(self, data):
        if self.collecting:
            self.length += len(data)
            if self.length > MAX_CELL_CHARS:
                raise _Refused(self._too_long(*self.cell[:2], f"{MAX_CELL_CHARS} 多个"))
            self.pieces.append(data)

    def _too_long(self, row, column, length):
        return UploadRejected(
            "%(where)s 有 %(length)s字，超过每格 %(limit)d 字的上限（名称、联系人等都不会这么长）。"
            "请核对该格内容后重新上传。",
            code="upload_cell_too_long",
            params={"where": self._where(row, column), "length": length, "limit": MAX_CELL_CHARS},
        )

    def end(self, name):
        if name in ("v", "t"):
            self.collecting = False
        elif name == "rPh" and self.cell is not None:
            self.phonetic -= 1
        elif name == "c" and self.cell is not None:
            row, column, kind, style = self.cell
            text = "".join(self.pieces) if self.pieces is not None else None
            value = self._value(row, column, kind, style, text)
            if value is not None and value != "":
                self.rows.setdefault(row, {})[column] = value
            self.cell = self.pieces = None
            self.collecting = False

    def _value(self, row, column, kind, style, text):
        """The cell's value as openpyxl (values only) would give it, or the sheet is damaged."""
        if not text:
            return None
        where = self._where(row, column)
        if kind == "s":
            index = text.strip()
            if not INDEX_RE.fullmatch(index) or int(index) >= len(self.reader.shared):
                raise _Refused(_broken(where, "引用的共享文字第 %(index)s 项不存在（共 %(count)d 项）",
                                       index=index[:20], count=len(self.reader.shared)))
            value = self.reader.shared[int(index)]
            if isinstance(value, _TooLong):
                raise _Refused(self._too_long(row, column, f"{value.length} 个"))
            self.reader.count_text(len(value), where)
            return value
        if kind in ("str", "inlineStr", "e"):
            self.reader.count_text(len(text), where)
            return text
        text = text.strip()
        if kind == "b":
            if text not in ("0", "1"):
                raise _Refused(_broken(where, "逻辑值“%(text)s”无效", text=text[:20]))
            return text == "1"
        if kind == "d":
            try:
                return from_ISO8601(text)
            except (ValueError, TypeError, OverflowError):
                raise _Refused(_broken(where, "日期“%(text)s”无效", text=text[:30]))
        if len(text) > 64 or not NUMBER_RE.fullmatch(text):
            raise _Refused(_broken(where, "数字“%(text)s”无效", text=text[:30]))
        number = float(text) if any(c in text for c in ".eE") else int(text)
        if number in (float("inf"), float("-inf")):
            raise _Refused(_broken(where, "数字“%(text)s”超出范围", text=text[:30]))
        if style in self.reader.date_styles:
            try:
                return from_excel(number, self.reader.epoch, timedelta=style in self.reader.timedelta_styles)
            except (ValueError, OverflowError):
                raise _Refused(_broken(where, "日期序号 %(text)s 超出 Excel 的日期范围", text=text[:30]))
        return number

    def sorted_rows(self):
        rows = []
        for number in sorted(self.rows):
            cells = self.rows[number]
            values = [None] * max(cells)
            for column, value in cells.items():
                values[column - 1] = value
            rows.append((number, tuple(values)))
        return rows
