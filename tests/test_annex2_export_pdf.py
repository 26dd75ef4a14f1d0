"""/exports/annex2.pdf, read back with pypdf: the form's text in order, the embedded CJK font."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.cache import cache
from fontTools.ttLib import TTFont

from intake.annex2 import NOTE, TITLE
from intake.exports.fonts import find_cjk_font
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


def test_province_pdf_summary_then_each_city_on_its_own_page(client_for):
    fill_qingyuan()
    nominate("guangzhou", "enterprise", name="广州企业")
    pages = pdf_text(client_for("province").get("/exports/annex2.pdf"))
    first_city = next(i for i, page in enumerate(pages) if page.startswith("附件2"))
    summary, city_pages = " ".join(pages[:first_city]), pages[first_city:]
    assert len(city_pages) == 20  # one page each: a new page per city
    in_order(summary, [
        "服务型制造示范推荐汇总（全省）", "一、各地市推荐名额使用情况（已推荐/名额）",
        "广州市 示范城市 1/6", "清远市 其他地市 2/4 0/1 1/2 0/2 1/1 4/10", "合计",
        "二、推荐对象清单", "序号 推荐地市 类别 名称",
        "1 广州市 示范企业 广州企业", "2 惠州市 示范项目 惠州的项目", "3 清远市 示范企业 甲智能装备有限公司",
    ])
    cities = [re.search(r"推荐单位（盖章）：(\S+)", page).group(1) for page in city_pages]
    assert cities[0] == "广州市工业和信息化局" and cities[-1] == "云浮市工业和信息化局" and len(set(cities)) == 20
    assert all(TITLE in page and NOTE in page for page in city_pages)


def test_missing_cjk_font_is_a_clear_message_not_boxes(client_for, monkeypatch):
    monkeypatch.setattr("intake.exports.annex2_pdf.find_cjk_font", lambda: None)
    response = client_for("qingyuan").get("/exports/annex2.pdf", follow=True)
    assert response.redirect_chain and "没有找到中文字体" in response.content.decode()
