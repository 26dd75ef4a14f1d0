"""校验码: every Annex 2 prints a short code of exactly what it prints, the same in the XLSX and the
PDF; the stamped sheet a city uploads must carry the code of its current data, or the checklist and
the submission refuse; the province sees whether the stamped sheet is the data it looks at."""

import re
import subprocess

import pytest
from django.core.cache import cache

from intake.annex2 import sheet as annex2
from intake.entry import services
from intake.models import Slate
from intake.review import selectors as review_selectors
from intake.review import services as review_services
from intake.review.services import SubmissionRefused, save_slate_contact
from tests.annex2_helpers import workbook
from tests.factories import (
    annex2_code,
    city,
    nominate,
    open_campaign,
    ready_slate,
    review,
    submit,
    upload_stamped,
    user,
)

CODE = re.compile(r"校验码：([0-9A-Z]{4}-[0-9A-Z]{4})")


@pytest.fixture(autouse=True)
def _fresh_exports():
    cache.clear()


def pdf_codes(response):
    """The codes printed on each page of a PDF (footer and sheet end), page by page."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    return [CODE.findall(page) for page in text.split("\f") if page.strip()]


def current(slug="qingyuan"):
    return annex2_code(slug)


# --- the code ------------------------------------------------------------------------------------


def test_a_code_is_eight_unambiguous_characters_in_two_groups(seeded):
    code = current()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)  # no I, L, O, U
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert annex2.normalize_code(typed) == code and annex2.normalize_code(f"校验码：{code}") == code
    assert annex2.normalize_code("ABC") == "" and annex2.normalize_code("ABCD-EFGU") == ""


def test_the_same_data_prints_the_same_code_in_both_formats(client_for):
    nominate("qingyuan", "enterprise", name="甲智能装备有限公司")
    nominate("qingyuan", "project", name="乙项目", contact_phone="020-83133359")
    clerk = client_for("qingyuan")
    ws = workbook(clerk.get("/exports/annex2.xlsx")).active
    assert ws["F1"].value == f"校验码：{current()}"
    assert current() in ws.oddFooter.right.text
    pages = pdf_codes(clerk.get("/exports/annex2.pdf"))
    assert pages and all(page and set(page) == {current()} for page in pages)  # every page, footer included


def test_every_sheet_of_the_province_file_has_its_own_code_and_the_summary_too(client_for):
    nominate("qingyuan", "enterprise")
    nominate("huizhou", "project")
    province = client_for("province")
    wb = workbook(province.get("/exports/annex2.xlsx"))
    summary = annex2.province_annex2(open_campaign()).summary
    assert CODE.search(wb["汇总"]["I3"].value).group(1) == summary.verification_code
    for slug, title in (("qingyuan", "清远市"), ("huizhou", "惠州市"), ("yunfu", "云浮市")):
        assert wb[title]["F1"].value == f"校验码：{current(slug)}"  # the city's own download's code
    assert len({wb[t]["F1"].value for t in wb.sheetnames if t != "汇总"}) == 20
    pages = pdf_codes(province.get("/exports/annex2.pdf"))
    assert summary.verification_code in pages[0]
    assert {code for page in pages for code in page} >= {current("qingyuan"), current("huizhou"),
                                                           summary.verification_code}


def test_the_provinces_selection_sheet_has_a_code(client_for):
    ws = workbook(client_for("province").get("/exports/province-selection.xlsx")).active
    sheet = review_selectors.province_selection_sheet(open_campaign())
    assert ws["F1"].value == f"校验码：{sheet.verification_code}"


# --- the code follows exactly what the sheet prints --------------------------------------------


def test_the_code_changes_with_each_printed_change_and_not_with_the_formal_review(seeded):
    clerk, campaign, qingyuan = user("qingyuan"), open_campaign(), city("qingyuan")
    n = nominate("qingyuan", "project")
    codes = [current()]

    def changed():
        codes.append(current())
        return codes[-1] != codes[-2]

    review(n, site_check_note="已现场核查", paper_no="纸质-1")
    assert not changed(), "the formal review is not on the sheet"
    services.update_nomination(n, user=clerk, electronic_no="FW-NEW-1")
    assert not changed(), "the electronic number is kept beside the form, not printed"
    services.update_nomination(n, user=clerk, contact_phone="020-83133359")
    assert changed(), "an edit"
    save_slate_contact(user=clerk, campaign=campaign, city=qingyuan, filler_name="王五",
                                filler_phone="0763-1234567")
    assert changed(), "the 填报人 line"
    services.withdraw_nomination(n, user=clerk)
    assert changed(), "a withdrawal"
    services.restore_nomination(n, user=clerk)
    assert changed(), "a restore"
    other = nominate("qingyuan", "enterprise")
    assert changed(), "a new entry"
    ready_slate("qingyuan", filler=False)  # the 填报人 line is in already
    assert not changed(), "uploads and the formal review of every row"
    submit("qingyuan")
    assert not changed(), "the submission"
    review_services.reject_nomination(other, user=user("province"), reason="不符合条件")
    assert changed(), "a rejection by the province"


def test_an_import_changes_the_code(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.annex2_helpers import official_form
    from tests.factories import credit_code

    before = current()
    clerk = client_for("qingyuan")
    row = ("清远导入项目", "王五", "13800138000", "w@example.cn", credit_code("441800"))
    content = official_form({"project": [row]})
    preview = clerk.post("/imports/annex2/", {"file": SimpleUploadedFile("附件2.xlsx", content)})
    clerk.post("/imports/annex2/confirm/", {"token": preview.context["token"]})
    assert current() != before


# --- the stamped sheet at upload and at submission ------------------------------------------------


def test_the_upload_asks_for_the_code_of_the_current_data(client_for, settings):
    nominate("qingyuan", "project")
    clerk = client_for("qingyuan")
    page = clerk.get("/slate/").content.decode()
    assert current() in page and 'name="code"' in page
    from tests.factories import pdf_upload

    def upload(code):
        return clerk.post("/slate/upload/annex2/", {"campaign": open_campaign().year, "file": pdf_upload(),
                                                      "code": code}, follow=True).content.decode()

    assert "请填写盖章附件2上印的校验码" in upload("")
    wrong = "0000-0000" if current() != "0000-0000" else "1111-1111"
    assert f"您填写的校验码 {wrong} 与当前数据的附件2校验码 {current()} 不一致" in upload(wrong)
    assert not Slate.objects.filter(annex2_pdf__gt="").exists()
    assert not list(settings.PRIVATE_MEDIA_ROOT.rglob("*.pdf")) if settings.PRIVATE_MEDIA_ROOT.exists() else True
    assert "已上传附件2 汇总表" in upload(current().lower().replace("-", ""))
    slate = Slate.objects.get()
    assert slate.annex2_code == current() and slate.events.last().note.endswith(f"（校验码 {current()}）")


def test_a_change_after_the_upload_is_refused_with_both_codes(client_for):
    n = nominate("qingyuan", "project")
    ready_slate("qingyuan")
    stamped = current()
    services.update_nomination(n, user=user("qingyuan"), contact_phone="020-83133359")  # a landline with its area code
    message = f"盖章的附件2（校验码 {stamped}）与当前数据不一致（现为 {current()}），请重新下载、盖章并上传。"
    letter = (f"盖章推荐函所列附件2的校验码（{stamped}）与当前数据不一致（现为 {current()}），"
              "请重新下载推荐函、盖章并上传。")
    page = client_for("qingyuan").get("/slate/").content.decode()
    assert message in page and letter in page and "检查通过" not in page
    with pytest.raises(SubmissionRefused) as refused:
        submit("qingyuan")
    assert refused.value.messages == [letter, message]
    upload_stamped("qingyuan", "annex2_pdf")  # downloaded, stamped and uploaded again
    upload_stamped("qingyuan", "letter_pdf")  # the letter lists the Annex 2 by its code: the same
    assert submit("qingyuan").status == Slate.SUBMITTED


def test_after_a_return_with_a_nominee_rejected_the_city_stamps_again(client_for):
    keep, drop = nominate("qingyuan", "project"), nominate("qingyuan", "enterprise")
    ready_slate("qingyuan")
    submit("qingyuan")
    province = user("province")
    review_services.reject_nomination(drop, user=province, reason="服务收入占比不足")
    page = client_for("province").get("/review/441800/").content.decode()
    assert 'data-annex2="mismatch"' in page  # the province sees the stamped sheet lists the rejected one
    review_services.return_slate(user=province, campaign=open_campaign(), city=city("qingyuan"), reason="请重新盖章")
    with pytest.raises(SubmissionRefused) as refused:
        submit("qingyuan")
    assert {e.code for e in refused.value.error_list} == {"annex2_mismatch", "letter_mismatch"}
    upload_stamped("qingyuan", "annex2_pdf")
    upload_stamped("qingyuan", "letter_pdf")
    assert submit("qingyuan").status == Slate.SUBMITTED
    page = client_for("province").get("/review/441800/").content.decode()
    assert 'data-annex2="match"' in page and current() in page
    assert keep.pk


def test_a_stamped_sheet_uploaded_before_codes_existed_must_be_confirmed_again(client_for):
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    Slate.objects.update(annex2_digest="")
    with pytest.raises(SubmissionRefused) as refused:
        submit("qingyuan")
    assert "盖章的附件2（校验码 未确认）与当前数据不一致" in refused.value.messages[0]
