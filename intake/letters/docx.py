"""The letter as DOCX (python-docx), for the clerk to finish in WPS or Word.

Layout after GB/T 9704-2012, 信函格式: A4; margins top 37 mm, left 28 mm, type area 156 × 225 mm;
the issuing authority's name in red 小标宋 above a red double line (thick over thin); the 发文字号
flush right below it; the title in 2号 小标宋; text in 3号 仿宋 at 22 lines a page; the 附件 note
indented two characters; the signature centred over the date, the date four characters from the
right, with room above them for the seal; the 附注 (联系人) indented two characters on the next line.

Fonts are named as East Asian fonts (`w:eastAsia`) with the official faces: WPS and Word on the
clerk's machine pick them (and substitute their own when missing); Latin text and digits are in
Times New Roman.
"""

import io
import unicodedata

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from intake.common.fonts import DOCX_BODY_FONT, DOCX_TITLE_FONT

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
HEADER_PT = 30  # the authority's name
LINE_PT = 225 / 22 / 25.4 * 72  # 22 lines in the 225 mm type area
CHAR_PT = BODY_PT


def text_width_pt(text, size=BODY_PT):
    """Printed width of `text`: a CJK or full-width character is a full em, the rest half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size / 2 for ch in text)


def _font(run, east_asia, size, *, color=None, bold=False):
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _paragraph(doc, text="", *, align=None, first_indent=0, left_indent=0, right_indent=0, font=DOCX_BODY_FONT,
               size=BODY_PT, color=None, line=LINE_PT, before=0, after=0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.first_line_indent = Pt(first_indent)
    fmt.left_indent, fmt.right_indent = Pt(left_indent), Pt(right_indent)
    fmt.widow_control = False
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), font, size, color=color)
    return p


def _double_line_below(paragraph, color="FF0000"):
    """The red 分隔线 of the 信函格式 header: a thick line over a thin one."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "thickThinSmallGap"), ("sz", "24"), ("space", "4"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    successors = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                  "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                  "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                  "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                  "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    ppr.insert_element_before(borders, *successors)


def _page(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(297 - 37 - 225)
    section.left_margin, section.right_margin = Mm(28), Mm(210 - 28 - 156)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_BODY_FONT)


def render_docx(letter):
    """The letter's DOCX bytes: a pure function of `letter`."""
    doc = Document()
    _page(doc)
    props = doc.core_properties
    props.title, props.author, props.subject = letter.title, letter.authority, letter.number
    props.comments = f"附件2校验码 {letter.annex2_code}"

    header = _paragraph(doc, letter.authority, align=WD_ALIGN_PARAGRAPH.CENTER, font=DOCX_TITLE_FONT,
                        size=HEADER_PT, color=RED, line=HEADER_PT * 1.5, after=4)
    _double_line_below(header)
    _paragraph(doc, letter.number, align=WD_ALIGN_PARAGRAPH.RIGHT, before=6)
    _paragraph(doc)
    _paragraph(doc, letter.title, align=WD_ALIGN_PARAGRAPH.CENTER, font=DOCX_TITLE_FONT, size=TITLE_PT,
               line=TITLE_PT * 1.6)
    _paragraph(doc)
    _paragraph(doc, letter.addressee)
    _paragraph(doc, letter.opening, first_indent=2 * CHAR_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    for heading, names in letter.group_headings:
        _paragraph(doc, heading, first_indent=2 * CHAR_PT)
        for number, name in enumerate(names, start=1):
            _paragraph(doc, f"{number}. {name}", first_indent=2 * CHAR_PT)
    _paragraph(doc, letter.closing, first_indent=2 * CHAR_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _paragraph(doc)
    label = "附件："
    for index, line in enumerate(letter.attachments):
        # Continuation lines start under the first attachment's name.
        indent = 2 * CHAR_PT + text_width_pt(label)
        _paragraph(doc, (label if index == 0 else "") + line, left_indent=indent,
                   first_indent=-text_width_pt(label) if index == 0 else 0)
    for _ in range(3):  # room for the seal, which presses on the signature and the date
        _paragraph(doc)
    date_indent = 4 * CHAR_PT
    signature_indent = max(date_indent + (text_width_pt(letter.date) - text_width_pt(letter.signature)) / 2, 0)
    _paragraph(doc, letter.signature, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=signature_indent)
    _paragraph(doc, letter.date, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=date_indent)
    _paragraph(doc, letter.contact, first_indent=2 * CHAR_PT)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
