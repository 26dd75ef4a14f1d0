"""/slate/upload/letter/: the stamped recommendation letter is confirmed as the stamped Annex 2 is,
by typing the 校验码 its attachment line prints, which must be the current data's; a submission is
refused once the data no longer prints that code."""

import io
import re

import pytest
from docx import Document

from intake.models import Slate, SlateEvent
from intake.review.services import SubmissionRefused, save_slate_contact
from tests.factories import annex2_code, nominate, open_campaign, pdf_upload, ready_slate, submit, upload_stamped, user
from tests.review.test_slate_uploads import stored_files


def post_letter(client, code):
    data = {"campaign": open_campaign().year, "file": pdf_upload("盖章推荐函.pdf"), "code": code}
    return client.post("/slate/upload/letter/", data, follow=True).content.decode()


def printed_code(client):
    """The 校验码 the drafted letter's attachment line prints, read from the downloaded DOCX."""
    document = Document(io.BytesIO(client.get("/letters/recommendation.docx").content))
    text = "\n".join(p.text for p in document.paragraphs)
    return re.search(r"服务型制造示范推荐汇总表（校验码 (\w{4}-\w{4})）", text)[1]


@pytest.fixture
def nominee(seeded):
    return nominate("qingyuan", "project", name="清远乙项目")


def test_the_code_printed_on_the_letter_is_accepted(client_for, nominee):
    clerk = client_for("qingyuan")
    code = printed_code(clerk)
    assert code == annex2_code("qingyuan")  # the letter prints the Annex 2's code
    page = post_letter(clerk, code.lower().replace("-", " "))  # as typed from the paper
    assert "已上传推荐函" in page
    slate = Slate.objects.get(city__slug="qingyuan")
    assert slate.letter_code == code and slate.letter_pdf
    assert SlateEvent.objects.get().note == f"推荐函：盖章推荐函.pdf（校验码 {code}）"
    slate_page = clerk.get("/slate/").content.decode()
    assert 'data-letter="match"' in slate_page
    assert 'id="letter-docx"' in slate_page and 'id="letter-pdf"' in slate_page  # beside the Annex 2's


def test_no_code_is_refused_and_nothing_kept(client_for, nominee):
    page = post_letter(client_for("qingyuan"), "")
    assert "请填写盖章推荐函上印的校验码（附件栏“服务型制造示范推荐汇总表（校验码 …）”中" in page
    assert not Slate.objects.filter(city__slug="qingyuan").exclude(letter_pdf="").exists()
    assert not stored_files()


def test_a_letter_of_other_data_is_refused(client_for, nominee):
    clerk = client_for("qingyuan")
    old = printed_code(clerk)
    nominate("qingyuan", "enterprise", name="清远甲制造有限公司")  # entered after the letter was printed
    page = post_letter(clerk, old)
    assert f"您填写的校验码 {old} 与当前数据的附件2校验码 {annex2_code('qingyuan')} 不一致" in page
    assert "盖章的推荐函不是按当前数据打印的" in page and "请重新下载推荐函" in page
    assert not stored_files()


def test_a_change_after_the_upload_stops_the_submission_until_stamped_again(client_for, nominee):
    ready_slate("qingyuan")
    slate_page = client_for("qingyuan").get("/slate/").content.decode()
    assert 'data-letter="match"' in slate_page and 'data-annex2="match"' in slate_page
    # The 填报人 line changes: both papers print another code now.
    clerk = user("qingyuan")
    save_slate_contact(user=clerk, campaign=open_campaign(), city=clerk.city, filler_name="王五",
                                filler_phone="0763-3361234")
    upload_stamped("qingyuan", "annex2_pdf")  # the Annex 2 stamped again, the letter not
    with pytest.raises(SubmissionRefused) as refused:
        submit("qingyuan")
    assert {e.code for e in refused.value.error_list} == {"letter_mismatch"}
    page = client_for("qingyuan").get("/slate/").content.decode()
    assert "盖章推荐函所列附件2的校验码" in page and 'data-letter="mismatch"' in page
    upload_stamped("qingyuan", "letter_pdf")
    assert submit("qingyuan").status == Slate.SUBMITTED


def test_the_province_sees_whether_the_stamped_letter_matches(client_for, nominee):
    ready_slate("qingyuan")
    submit("qingyuan")
    page = client_for("province").get(f"/review/441800/?campaign={open_campaign().year}").content.decode()
    assert 'data-letter="match"' in page and 'id="letter-docx"' in page
