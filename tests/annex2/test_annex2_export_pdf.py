"""/exports/annex2.pdf, read back with pypdf: the form's text in order, the embedded CJK font."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.cache import cache
from fontTools.ttLib import TTFont

from intake.annex2.sheet import NOTE, TITLE
from intake.common.fonts import find_cjk_font
from tests.annex2_helpers import FORMULA_NAMES, fill_qingyuan, pdf_reader, pdf_text, rfc5987
from tests.factories import nominate, open_campaign


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def in_order(text, parts):
    """Each of `parts` occurs in `text` after the one before."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at}"
        at = found + len(part)


def test_city_pdf_text(client_for):
    rows = fill_qingyuan()
    response = client_for("qingyuan").get("/exports/annex2.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_text(response)
    assert len(pages) == 1
    text = pages[0]
    mode = str(rows["first"].demo_mode)
    in_order(text, [
        "附件2", TITLE,
        "推荐单位（盖章）：清远市工业和信息化局 填报人：李四 联系电话：0763-3361234",
        "一、示范企业", "序号 企业名称 示范模式 联系人 联系方式 电子邮箱",
        f"1 甲智能装备有限公司 {mode} 张三 13800138000 contact@example.cn",
        f"2 {FORMULA_NAMES[0]} {mode} 张三",
        "二、示范平台", "序号 平台名称（共享制造类）", "（无）",
        "序号 平台名称（其他类）", "1 乙工业互联网平台 公共服务提供商 张三",
        "三、示范项目", "序号 项目名称 联系人 联系方式 电子邮箱", "（无）",
        "四、示范城市", "序号 城市名称（工业设计特色类或其他类） 联系人 联系方式 电子邮箱",
        "1 清远市（工业设计特色类） 王五",
        NOTE,
    ])
    for absent in ("已撤回的企业", "不予受理的企业", "惠州的项目", "统一社会信用代码"):
        assert absent not in text
    disposition = response["Content-Disposition"]
    assert rfc5987(f"附件2_服务型制造示范推荐汇总表_清远市_{open_campaign().year}.pdf") in disposition


def test_embedded_font_is_cjk(client_for):
    nominate("qingyuan", "project", name="粤港澳大湾区协同制造项目")
    reader = pdf_reader(client_for("qingyuan").get("/exports/annex2.pdf"))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    family = find_cjk_font().family.replace(" ", "-")
    covered = set()
    assert fonts
    for font in fonts.values():
        font = font.get_object()
        assert family in font["/BaseFont"]  # e.g. /ABCDEF+AR-PL-UMing-CN-Light
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_data()))  # embedded, TrueType
        covered |= set(program.getBestCmap())
    # The glyphs for the Chinese text are in the embedded fonts: no empty boxes.
    assert {ord(ch) for ch in TITLE + "粤港澳大湾区协同制造项目"} <= covered


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdftotext_reads_the_same(client_for):
    fill_qingyuan()
    response = client_for("qingyuan").get("/exports/annex2.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = text.decode()
    assert TITLE in text and "推荐单位（盖章）：清远市工业和信息化局" in text and "四、示范城市" in text


def test_province_pdf_summary_then_each_city_with_nominations_on_its_own_page(client_for):
    fill_qingyuan()
    nominate("guangzhou", "enterprise", name="广州企业")
    pages = pdf_text(client_for("province").get("/exports/annex2.pdf"))
    first_city = next(i for i, page in enumerate(pages) if page.startswith("附件2"))
    summary, city_pages = " ".join(pages[:first_city]), pages[first_city:]
    # Sheets only for the cities with nominations; the 汇总 names the others 未推荐.
    cities = [re.search(r"推荐单位（盖章）：(\S+)", page).group(1) for page in city_pages]
    assert cities == ["广州市工业和信息化局", "惠州市工业和信息化局", "清远市工业和信息化局"]
    in_order(summary, [
        "服务型制造示范推荐汇总（全省）", "附各地市汇总表 3 份（未推荐的地市不附）",
        "一、各地市推荐名额使用情况（已推荐/名额）",
        "广州市 示范城市 1/6", "清远市 其他地市 2/4 0/1 1/2 0/2 1/1 4/10", "合计",
        "未推荐（17 个地市，无推荐对象）：韶关市、珠海市、汕头市",
        "二、推荐对象清单", "序号 推荐地市 类别 名称",
        "1 广州市 示范企业 广州企业", "2 惠州市 示范项目 惠州的项目", "3 清远市 示范企业 甲智能装备有限公司",
    ])
    assert "惠州市、" not in summary.split("未推荐")[1] and "云浮市。" in summary
    assert all(TITLE in page and NOTE in page for page in city_pages)


def test_province_pdf_with_every_city_when_asked(client_for):
    nominate("guangzhou", "enterprise", name="广州企业")
    pages = pdf_text(client_for("province").get("/exports/annex2.pdf?all=1"))
    city_pages = [page for page in pages if page.startswith("附件2")]
    assert len(city_pages) == 20  # one page each: a new page per city
    cities = [re.search(r"推荐单位（盖章）：(\S+)", page).group(1) for page in city_pages]
    assert cities[0] == "广州市工业和信息化局" and cities[-1] == "云浮市工业和信息化局" and len(set(cities)) == 20
    assert "附各地市汇总表 20 份" in " ".join(pages) and "未推荐的地市不附" not in " ".join(pages)


@pytest.mark.parametrize("query", ["all=0", "all=yes", "all="])
def test_anything_but_all_1_prints_the_cities_with_nominations(client_for, query):
    nominate("guangzhou", "enterprise", name="广州企业")
    pages = pdf_text(client_for("province").get(f"/exports/annex2.pdf?{query}"))
    assert len([page for page in pages if page.startswith("附件2")]) == 1


def test_province_xlsx_keeps_every_city_sheet(client_for):
    from tests.annex2_helpers import workbook

    nominate("guangzhou", "enterprise", name="广州企业")
    assert len(workbook(client_for("province").get("/exports/annex2.xlsx")).sheetnames) == 21


LONG_NAME = "广东粤港澳大湾区先进制造协同创新研究院智能装备股份有限公司"
LONG_EMAIL = "marketing@qingyuan-smart.com.cn"
HUGE_EMAIL = "service-department.contact@qingyuan-intelligent-industry.gov.cn"


def test_widths_from_the_content_no_break_inside_an_email_or_a_code(client_for):
    """Names get the room; e-mails, phones and codes never break; a name's end stays together."""
    nominate("qingyuan", "enterprise", name="清远精密电子有限公司", contact_email="zhangsan@qyjm-tech.cn",
             contact_phone="0763-3361234")
    nominate("qingyuan", "enterprise", name=LONG_NAME)
    nominate("qingyuan", "platform_other", name="清远工业互联网服务平台", provider="公共服务提供商")
    lines = pdftotext_lines(client_for("qingyuan").get("/exports/annex2.pdf"))
    text = " ".join(lines)
    assert "zhangsan@qyjm-tech.cn" in text and "0763-3361234" in text
    assert "清远精密电子有限公司" in text and "清远工业互联网服务平台" in text  # a usual name fits its column
    # The long name wraps, but never leaves one character alone, nor breaks 股份有限公司.
    assert any("股份有限公司" in line for line in lines)
    assert not [line for line in lines if re.fullmatch(r"\s*[\u4e00-\u9fff]\s*", line)]


def test_a_long_email_is_kept_whole(client_for):
    nominate("qingyuan", "project", name="丙项目", contact_email=LONG_EMAIL, contact_phone="0763-3361234-801")
    assert LONG_EMAIL in " ".join(pdftotext_lines(client_for("qingyuan").get("/exports/annex2.pdf")))


def test_an_email_too_long_for_the_page_breaks_only_after_at_or_dash(client_for):
    nominate("qingyuan", "project", name="丙项目", contact_email=HUGE_EMAIL)
    text = " ".join(pdftotext_lines(client_for("qingyuan").get("/exports/annex2.pdf")))
    pieces = re.split(r"(?<=[@-])", HUGE_EMAIL)
    assert all(piece in text for piece in pieces), pieces


def test_province_summary_list_keeps_codes_and_emails_whole(client_for):
    n = nominate("qingyuan", "platform_shared", name=LONG_NAME, contact_email=LONG_EMAIL)
    response = client_for("province").get("/exports/annex2.pdf")
    text = " ".join(pdftotext_lines(response))
    assert n.credit_code in text and LONG_EMAIL in text
    # Category names and column titles break before their bracket, if at all, never inside it.
    cells = " ".join(pdf_text(response))
    assert re.search(r"示范平台 ?（共享制造类）", cells) and re.search(r"平台名称 ?（共享制造类）", cells)
    segments = [seg for line in pdftotext_lines(response) for seg in re.split(r"\s{2,}", line.strip())]
    assert not [seg for seg in segments if re.fullmatch(r"[^（]*类）", seg)]


def pdftotext_lines(response):
    """The PDF's lines as poppler lays them out (a wrapped cell continues on a line of its own)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True)
    return [line for line in out.stdout.decode().splitlines() if line.strip()]


def test_missing_cjk_font_is_a_clear_message_not_boxes(client_for, monkeypatch):
    monkeypatch.setattr("intake.annex2.exports.pdf.find_cjk_font", lambda: None)
    response = client_for("qingyuan").get("/exports/annex2.pdf", follow=True)
    assert response.redirect_chain and "没有找到中文字体" in response.content.decode()
