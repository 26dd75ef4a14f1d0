"""XLSX files written part by part, so a file can say anything an XLSX can (a declared dimension,
a damaged cell, thousands of sheets): the largest files the upload reader's limits allow, and the
files that held workers for a minute before there were limits. Standard library only; used by
`bench/xlsx_reader.py` and the tests.
"""

import io
import random
import zipfile
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REGISTRY_HEADERS = ("名称", "统一社会信用代码", "类别", "批次", "地市")


def column(index):
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(ref, value):
    """A cell as Excel writes it: numbers as numbers, text inline."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows, first_row=1):
    """<row> elements for `rows` (lists of values), numbered from `first_row`."""
    out = []
    for number, values in enumerate(rows, first_row):
        cells = "".join(cell(f"{column(i)}{number}", v) for i, v in enumerate(values, 1))
        out.append(f'<row r="{number}">{cells}</row>')
    return "".join(out)


def sheet_xml(data, dimension=None, extra=""):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}'
            f"<sheetData>{data}</sheetData>{extra}</worksheet>")


def workbook(sheets, shared=None, styles=None, compression=zipfile.ZIP_DEFLATED):
    """An XLSX of `sheets` [(title, worksheet XML)], with shared strings `shared` (a list, or the
    whole part as a string) and a styles part `styles` (XML) when given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ))
        z.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ))
        listed = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>' for i, (title, _xml) in enumerate(sheets, 1)
        )
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f"<sheets>{listed}</sheets></workbook>"
        ))
        rels = [f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)]
        if shared is not None:
            rels.append(f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
            if not isinstance(shared, str):
                items = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
                shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'
            z.writestr("xl/sharedStrings.xml", shared)
        if styles is not None:
            rels.append(f'<Relationship Id="rIdY" Type="{REL}/styles" Target="styles.xml"/>')
            z.writestr("xl/styles.xml", styles)
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL}">'
            f'{"".join(rels)}</Relationships>'
        ))
        for i, (_title, xml) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buffer.getvalue()


def date_styles():
    """Styles where s="1" shows a number as a date."""
    return (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')


# -- the files of the incident: what a clerk's account could upload before the limits ----------


def many_empty_sheets(count=1500, row=5000):
    """`count` sheets, each empty but for one cell at row `row` (457 KB for 1,500 sheets)."""
    return workbook([(f"S{i}", sheet_xml(f'<row r="{row}"><c r="A{row}"><v>1</v></c></row>')) for i in range(count)])


def one_long_string_everywhere(length=32767, columns=6, rows=1000):
    """One shared string of `length` characters used in `columns` × `rows` cells (23 KB)."""
    row = "".join(f'<c r="{column(c)}{{r}}" t="s"><v>0</v></c>' for c in range(1, columns + 1))
    data = "".join(f'<row r="{r}">' + row.format(r=r) + "</row>" for r in range(1, rows + 1))
    return workbook([("附件2", sheet_xml(data))], shared=["长" * length])


# -- the largest files the limits allow ---------------------------------------------------------


def largest_registry(rows, *, name_chars=20, valid_codes=None):
    """A registry list of `rows` units under the template's header (valid codes when given)."""
    cities = ["清远市", "惠州市", "广州市", "韶关市"]
    body = [list(REGISTRY_HEADERS)]
    for i in range(rows):
        name = f"示范企业{i:05d}" + "甲" * max(name_chars - 9, 0)
        code = valid_codes[i] if valid_codes else f"91441800MA{i:07d}X"
        body.append([name, code, "示范企业", 1 + i % 4, cities[i % len(cities)]])
    return workbook([("示范单位名单", sheet_xml(rows_xml(body)))])


def largest_cells(sheets, rows, columns, text_chars=18):
    """`sheets` sheets of `rows` × `columns` cells, half numbers, half shared strings of `text_chars`."""
    strings = [f"{i:06d}" + "文" * (text_chars - 6) for i in range(1000)]
    data = "".join(
        f'<row r="{r}">' + "".join(
            f'<c r="{column(c)}{r}" t="s"><v>{(r * columns + c) % 1000}</v></c>' if c % 2
            else f'<c r="{column(c)}{r}"><v>{r * c}</v></c>'
            for c in range(1, columns + 1)
        ) + "</row>"
        for r in range(1, rows + 1)
    )
    xml = sheet_xml(data, dimension=f"A1:{column(columns)}{rows}")
    return workbook([(f"表{i}", xml) for i in range(1, sheets + 1)], shared=strings)


def longest_texts(cells, chars, seed=0):
    """`cells` cells in one column, each an inline text of `chars` characters (varied, as real
    text is: a repeated character would compress like a bomb)."""
    rng = random.Random(seed)
    common = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    data = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{"".join(rng.choices(common, k=chars))}</t></is></c></row>'
        for r in range(1, cells + 1)
    )
    return workbook([("文字", sheet_xml(data))])


def most_elements(elements):
    """A sheet holding `elements` XML elements that are not cells (merged ranges)."""
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, elements + 1))
    return workbook([("合并", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>',
                                       extra=f'<mergeCells count="{elements}">{merges}</mergeCells>'))])


def most_bytes(megabytes, seed=0):
    """A sheet of about `megabytes` MB of XML that compresses only as well as real sheets do:
    a few cells carrying long random attributes (attributes are not text)."""
    rng = random.Random(seed)
    alphabet = "ab"  # about 7 times smaller packed: 20 MB of XML fits in a 5 MB upload
    chunk = 16 * 1024
    count = megabytes * 1024 * 1024 // chunk
    data = "".join(
        f'<row r="{r}"><c r="A{r}" x="{"".join(rng.choices(alphabet, k=chunk))}"><v>{r}</v></c></row>'
        for r in range(1, count + 1)
    )
    return workbook([("数据", sheet_xml(data))])
