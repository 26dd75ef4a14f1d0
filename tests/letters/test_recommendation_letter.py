"""/letters/recommendation.docx|pdf and /letters/province.docx|pdf: the drafted 推荐函, read back.

Both files come from one `Letter`; each is read back (python-docx, pdftotext) for the addressee,
the title, every nominee in the Annex 2's order, the counts, the 发文字号, the date and the
verification code, which must equal the Annex 2's of the same data."""

import io
import re
import subprocess
from datetime import date

import pytest
from django.utils import timezone
from docx import Document

from intake.annex2 import sheet as annex2
from intake.entry import services
from intake.letters import content, docx, pdf
from intake.review import services as review_services
from intake.review.selectors import province_selection_sheet
from intake.review.services import save_slate_contact
from tests.factories import accepted, nominate, open_campaign, user

YEAR_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def docx_text(data):
    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def pdf_text(data):
    """The PDF's text as pdftotext (poppler) extracts it, line breaks removed (a wrapped paragraph
    reads as one)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", "", result.stdout.decode())


@pytest.fixture
def qingyuan_nominees(seeded):
    """Nominees of 清远 in three categories, entered out of the Annex 2's order."""
    campaign = open_campaign()
    project = nominate("qingyuan", "project", name="清远乙项目")
    first = nominate("qingyuan", "enterprise", name="清远甲制造有限公司")
    second = nominate("qingyuan", "enterprise", name="清远丙服务股份有限公司")
    platform = nominate("qingyuan", "platform_other", name="清远丁工业互联网平台")
    clerk = user("qingyuan")
    save_slate_contact(user=clerk, campaign=campaign, city=clerk.city, filler_name="李四",
                                filler_phone="0763-3361234")
    review_services.save_letter_number(user=clerk, campaign=campaign, city=clerk.city,
                                       letter_number=f"清工信函〔{campaign.year}〕12号")
    return campaign, [first, second, platform, project]


def annex2_names(campaign, city):
    sheet = annex2.city_sheet(campaign, city)
    return [row[1] for s in sheet.sections for t in s.tables for row in t.rows], sheet.verification_code


def test_content_lists_the_annex2_in_its_order_with_its_code(qingyuan_nominees):
    campaign, _ = qingyuan_nominees
    city = user("qingyuan").city
    letter = content.city_letter(campaign, city, day=date(campaign.year, 5, 6))
    names, code = annex2_names(campaign, city)
    assert [name for g in letter.groups for name in g.names] == names  # the Annex 2's order, nothing else
    assert names == ["清远甲制造有限公司", "清远丙服务股份有限公司", "清远丁工业互联网平台", "清远乙项目"]
    assert [(g.category, g.count) for g in letter.groups] == [
        ("示范企业", 2), ("示范平台（其他类）", 1), ("示范项目", 1)]
    assert letter.annex2_code == code and f"（校验码 {code}）" in letter.attachments[0]
    assert letter.attachments[1] == "2. 申报书4份（一式两份）"
    assert letter.date == f"{campaign.year}年5月6日"
    assert letter.number == f"清工信函〔{campaign.year}〕12号"
    assert letter.contact == "（联系人：李四，联系电话：0763-3361234）"


def test_digest_changes_with_what_the_letter_prints(qingyuan_nominees):
    campaign, nominees = qingyuan_nominees
    city = user("qingyuan").city
    day = date(campaign.year, 5, 6)
    before = content.city_letter(campaign, city, day=day)
    assert before.digest() == content.city_letter(campaign, city, day=day).digest()
    assert before.digest() != content.city_letter(campaign, city, day=date(campaign.year, 5, 7)).digest()
    services.withdraw_nomination(nominees[1], user=user("qingyuan"))
    after = content.city_letter(campaign, city, day=day)
    assert after.digest() != before.digest() and after.annex2_code != before.annex2_code


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_city_letter_read_back(client_for, qingyuan_nominees, extension):
    campaign, _ = qingyuan_nominees
    response = client_for("qingyuan").get(f"/letters/recommendation.{extension}?campaign={campaign.year}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert f"letter_441800_{campaign.year}.{extension}" in response["Content-Disposition"]
    text = docx_text(response.content) if extension == "docx" else pdf_text(response.content)
    flat = re.sub(r"\s+", "", text)
    names, code = annex2_names(campaign, user("qingyuan").city)
    assert "清远市工业和信息化局" in flat
    assert f"清远市工业和信息化局关于推荐{campaign.year}年服务型制造示范的函" in flat
    assert "广东省工业和信息化厅：" in flat
    positions = [flat.index(name) for name in names]
    assert positions == sorted(positions)  # every nominee, in the Annex 2's order
    assert "现推荐4个申报主体" in flat and "其中示范企业2个、示范平台（其他类）1个、示范项目1个" in flat
    assert "（一）示范企业（2个）" in flat and "（三）示范项目（1个）" in flat
    assert f"服务型制造示范推荐汇总表（校验码{code}）" in flat
    assert "申报书4份（一式两份）" in flat
    assert f"清工信函〔{campaign.year}〕12号" in flat
    assert chinese_today() in flat
    assert "（联系人：李四，联系电话：0763-3361234）" in flat


def test_the_code_is_the_one_the_annex2_download_prints(client_for, qingyuan_nominees):
    clerk = client_for("qingyuan")
    sheet = pdf_text(clerk.get("/exports/annex2.pdf").content)
    printed = set(re.findall(r"校验码[:：]?(\w{4}-\w{4})", sheet))
    letter = pdf_text(clerk.get("/letters/recommendation.pdf").content)
    assert len(printed) == 1 and re.search(r"校验码(\w{4}-\w{4})", letter)[1] == printed.pop()


def chinese_today():
    today = timezone.localdate()
    return f"{today.year}年{today.month}月{today.day}日"


def test_docx_layout_and_east_asian_fonts(qingyuan_nominees):
    campaign, _ = qingyuan_nominees
    data = docx.render_docx(content.city_letter(campaign, user("qingyuan").city))
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
    assert round(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm) == 225
    header = document.paragraphs[0]
    assert header.text == "清远市工业和信息化局" and str(header.runs[0].font.color.rgb) == "FF0000"
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    east_asia = {r._element.rPr.rFonts.get(f"{ns}eastAsia") for p in document.paragraphs for r in p.runs}
    assert east_asia == {"方正小标宋简体", "仿宋_GB2312"}
    assert header.runs[0]._element.rPr.rFonts.get(f"{ns}eastAsia") == "方正小标宋简体"
    assert header._p.pPr.find(f"{ns}pBdr") is not None  # the red line below the header


def test_pdf_is_a4_with_the_text_extractable(qingyuan_nominees):
    from pypdf import PdfReader

    campaign, _ = qingyuan_nominees
    letter = content.city_letter(campaign, user("qingyuan").city)
    reader = PdfReader(io.BytesIO(pdf.render_pdf(letter)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert letter.title in re.sub(r"\s+", "", reader.pages[0].extract_text())


def test_no_number_yet_leaves_the_line_to_fill(client_for, seeded):
    campaign = open_campaign()
    nominate("qingyuan", "enterprise", name="清远甲制造有限公司")
    text = docx_text(client_for("qingyuan").get("/letters/recommendation.docx").content)
    assert f"〔{campaign.year}〕" in text and "\u3000\u3000号" in text
    assert "（联系人：\u3000" in text


def test_city_without_nominees_says_so(client_for, seeded):
    text = docx_text(client_for("qingyuan").get("/letters/recommendation.docx").content)
    assert "本次没有推荐对象" in text and "申报书" not in text.split("附件：")[1]


# --- Scoping ------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_another_citys_letter_is_not_found(client_for, qingyuan_nominees, extension):
    assert client_for("huizhou").get(f"/letters/recommendation.{extension}?city=441800").status_code == 404
    assert client_for("huizhou").get(f"/letters/recommendation.{extension}?city=999999").status_code == 404
    own = client_for("huizhou").get(f"/letters/recommendation.{extension}?city=441300")
    assert own.status_code == 200


def test_province_names_the_city(client_for, qingyuan_nominees):
    province = client_for("province")
    assert province.get("/letters/recommendation.docx").status_code == 404  # which city?
    response = province.get("/letters/recommendation.docx?city=441800")
    assert response.status_code == 200 and "清远甲制造有限公司" in docx_text(response.content)
    # Shenzhen recommends nobody here
    assert province.get("/letters/recommendation.docx?city=440300").status_code == 404


def test_anonymous_logs_in_and_auditor_is_refused(client, client_for, qingyuan_nominees):
    response = client.get("/letters/recommendation.docx?city=441800")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for("auditor").get("/letters/recommendation.docx?city=441800").status_code in (302, 403, 404)
    assert client_for("auditor").get("/letters/province.docx").status_code in (302, 403, 404)
    assert client_for("qingyuan").get("/letters/province.docx").status_code == 403


def test_unchanged_letter_is_not_sent_again(client_for, qingyuan_nominees):
    clerk = client_for("qingyuan")
    first = clerk.get("/letters/recommendation.pdf")
    again = clerk.get("/letters/recommendation.pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    nominate("qingyuan", "project", name="清远戊项目")
    assert clerk.get("/letters/recommendation.pdf", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# --- The department's letter to the ministry ---------------------------------------------------


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_province_letter_read_back(client_for, seeded, extension):
    campaign = open_campaign()
    chosen = nominate("qingyuan", "enterprise", name="清远甲制造有限公司")
    nominate("qingyuan", "enterprise", name="清远未入选有限公司")
    accepted("qingyuan")
    province = client_for("province")
    province.post(f"/nominations/{chosen.pk}/select/")
    review_services.save_province_contact(
        user=user("province"), campaign=campaign, filler_name="王五", filler_phone="020-83133359",
        letter_number=f"粤工信生产合作函〔{campaign.year}〕30号",
    )
    response = province.get(f"/letters/province.{extension}?campaign={campaign.year}")
    assert response.status_code == 200
    text = docx_text(response.content) if extension == "docx" else pdf_text(response.content)
    flat = re.sub(r"\s+", "", text)
    code = province_selection_sheet(campaign).verification_code
    assert "工业和信息化部办公厅：" in flat
    assert f"广东省工业和信息化厅关于推荐{campaign.year}年服务型制造示范的函" in flat
    assert "清远甲制造有限公司" in flat and "清远未入选有限公司" not in flat
    assert "现推荐1个申报主体" in flat and "其中示范企业1个" in flat
    assert f"校验码{code}" in flat
    assert f"粤工信生产合作函〔{campaign.year}〕30号" in flat
    assert "（联系人：王五，联系电话：020-83133359）" in flat
    assert YEAR_DATE.search(flat)


# --- Fonts --------------------------------------------------------------------------------------


@pytest.fixture
def fresh_font_caches():
    from intake.common import fonts

    cached = (fonts.letter_fonts, fonts.installed_families, fonts.find_cjk_font, pdf.fingerprint)
    for function in cached:
        function.cache_clear()
    yield fonts
    for function in cached:  # the originals, whatever a test put in their place
        function.cache_clear()


def test_official_faces_are_used_when_installed(monkeypatch, fresh_font_caches):
    fonts = fresh_font_caches
    monkeypatch.setattr(fonts, "installed_families",
                        lambda: frozenset({"AR PL UMing CN", "方正小标宋简体", "FZXiaoBiaoSong-B05S", "仿宋_GB2312"}))
    chosen = fonts.letter_fonts()
    assert (chosen.title, chosen.body, chosen.official) == ("方正小标宋简体", "仿宋_GB2312", True)
    assert chosen.css("body").startswith('"仿宋_GB2312", "AR PL UMing CN"')


def test_free_faces_otherwise(monkeypatch, fresh_font_caches):
    fonts = fresh_font_caches
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"AR PL UMing CN", "AR PL UKai CN"}))
    chosen = fonts.letter_fonts()
    assert (chosen.title, chosen.body, chosen.official) == ("AR PL UMing CN", "AR PL UKai CN", False)


def test_no_cjk_face_no_pdf_but_a_message(client_for, monkeypatch, fresh_font_caches, seeded):
    monkeypatch.setattr(fresh_font_caches, "find_cjk_font", lambda: None)
    response = client_for("qingyuan").get("/letters/recommendation.pdf", follow=True)
    assert "没有找到中文字体，无法生成推荐函 PDF" in response.content.decode()
    assert client_for("qingyuan").get("/letters/recommendation.docx").status_code == 200  # WPS sets its own
