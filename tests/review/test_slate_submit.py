"""/slate/submit/: refused with every reason at once; a submitted slate freezes the city's writes
until the province returns it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from intake.entry import services
from intake.entry.services import EntryClosed
from intake.models import DeadlineExtension, Nomination, Slate, SlateEvent
from intake.review import services as review_services
from intake.review.services import SubmissionRefused, save_slate_contact
from quotas.models import QuotaRule
from tests.factories import (
    city,
    nominate,
    open_campaign,
    pdf_upload,
    post_data,
    ready_slate,
    review,
    submit,
    upload_stamped,
    user,
)


def refusal_codes(username="qingyuan", campaign=None):
    with pytest.raises(SubmissionRefused) as exc:
        submit(username, campaign)
    return {e.code for e in exc.value.error_list}


@pytest.fixture
def ready(seeded):
    """Qingyuan with two projects and an enterprise, reviewed, uploads and 填报人 in place."""
    nominations = [nominate("qingyuan", "project"), nominate("qingyuan", "project"), nominate("qingyuan", "enterprise")]
    ready_slate("qingyuan")
    return nominations


def past_deadline():
    campaign = open_campaign()
    campaign.submission_deadline = timezone.now() - timedelta(minutes=1)
    campaign.save()
    return campaign


def test_ready_slate_is_submitted_with_who_and_when(ready):
    slate = submit("qingyuan")
    assert slate.status == Slate.SUBMITTED and slate.submitted_by.username == "qingyuan"
    assert slate.submitted_at is not None
    assert slate.events.filter(kind=SlateEvent.SUBMITTED).count() == 1


def test_over_quota_after_the_limit_was_lowered(ready):
    # An admin lowers Qingyuan's project limit below what it has already entered.
    QuotaRule.objects.create(campaign=open_campaign(), scope=QuotaRule.CITY, city=city("qingyuan"),
                             category_id="project", maximum=1)
    assert refusal_codes() == {"over_quota"}


def test_failed_check(ready):
    review(ready[0], check_accuracy="fail")
    assert refusal_codes() == {"check_failed"}


def test_check_not_done(ready):
    nominate("qingyuan", "platform_shared")
    # A nominee entered after the stamped Annex 2 and letter were uploaded: the papers no longer match either.
    assert refusal_codes() == {"check_pending", "paper_no_missing", "annex2_mismatch", "letter_mismatch"}


def test_number_mismatch(ready):
    review(ready[1], paper_no="FW-OTHER-1")
    assert refusal_codes() == {"number_mismatch"}


def test_number_compared_without_spaces_and_case(ready):
    n = ready[1]
    review(n, paper_no=f"  {n.electronic_no.lower()} ")
    assert submit("qingyuan").status == Slate.SUBMITTED


def test_missing_uploads(seeded):
    nominate("qingyuan", "project")
    ready_slate("qingyuan", uploads=())
    assert refusal_codes() == {"letter_missing", "annex2_missing"}
    ready_slate("qingyuan", uploads=("letter_pdf",))
    assert refusal_codes() == {"annex2_missing"}


def test_missing_filler(seeded):
    nominate("qingyuan", "project")
    ready_slate("qingyuan", filler=False)
    assert refusal_codes() == {"filler_missing"}


def test_deadline_passed_unless_extended_for_the_city(ready):
    campaign = past_deadline()
    assert refusal_codes() == {"deadline_passed"}
    DeadlineExtension.objects.create(campaign=campaign, city=city("huizhou"),
                                     deadline=timezone.now() + timedelta(days=1))
    assert refusal_codes() == {"deadline_passed"}  # another city's extension does not help
    DeadlineExtension.objects.create(campaign=campaign, city=city("qingyuan"),
                                     deadline=timezone.now() + timedelta(days=1))
    assert submit("qingyuan").status == Slate.SUBMITTED


def test_closed_campaign(ready):
    campaign = open_campaign()
    campaign.is_open = False
    campaign.save()
    assert refusal_codes(campaign=campaign) == {"campaign_closed"}


def test_submitting_twice(ready):
    submit("qingyuan")
    assert refusal_codes() == {"already_submitted"}


def test_every_reason_is_listed_at_once_on_the_page(client_for):
    a, b = nominate("qingyuan", "project"), nominate("qingyuan", "project")
    review(a, check_authenticity="fail")
    review(b, paper_no="纸质-999")
    QuotaRule.objects.create(campaign=open_campaign(), scope=QuotaRule.CITY, city=city("qingyuan"),
                             category_id="project", maximum=1)
    past_deadline()
    client = client_for("qingyuan")
    response = client.post("/slate/submit/", {"confirm": "yes", "campaign": open_campaign().year}, follow=True)
    page = response.content.decode()
    assert "不能提交，请先处理以下问题" in page
    for text in [
        "示范项目已推荐 2 个，超过名额上限 1 个，请撤回 1 个",
        f"“{a.name}”形式审查真实性不通过",
        f"“{b.name}”的纸质材料编号 纸质-999 与电子编号 {b.electronic_no} 不一致",
        "请上传加盖公章的推荐函",
        "请上传加盖公章的附件2",
        "请在首页填写附件2表头的填报人和联系电话",
        "截止，不能再提交",
    ]:
        assert text in page, text
    assert not Slate.objects.filter(status=Slate.SUBMITTED).exists()
    assert not SlateEvent.objects.exists()


def test_city_page_shows_the_same_checklist(client_for):
    nominate("qingyuan", "project")
    page = client_for("qingyuan").get("/slate/").content.decode()
    assert "尚未完成形式审查（真实性、准确性、完整性）" in page and "请上传加盖公章的推荐函" in page
    assert 'disabled>提交省工业和信息化厅' in page


def test_province_cannot_submit_for_a_city(client_for):
    assert client_for("province").post("/slate/submit/").status_code == 403


# --- freeze and unfreeze ---------------------------------------------------------------------


def test_submission_freezes_every_write_of_the_city(client_for, ready):
    submit("qingyuan")
    clerk, campaign, qingyuan = user("qingyuan"), open_campaign(), city("qingyuan")
    first = ready[0]
    writes = [
        lambda: nominate("qingyuan", "enterprise"),
        lambda: services.update_nomination(first, user=clerk, name="改名"),
        lambda: services.withdraw_nomination(first, user=clerk),
        lambda: save_slate_contact(user=clerk, campaign=campaign, city=qingyuan, filler_name="王五",
                                            filler_phone="13800138000"),
        lambda: review(first, site_check_note="补充"),
        lambda: review_services.upload_slate_pdf(user=clerk, campaign=campaign, city=qingyuan,
                                                 field="letter_pdf", uploaded=pdf_upload()),
    ]
    for write in writes:
        with pytest.raises(EntryClosed) as exc:
            write()
        assert "已于" in exc.value.messages[0] and "联系省工业和信息化厅退回" in exc.value.messages[0]
    first.refresh_from_db()
    assert first.status == Nomination.ENTERED and first.name != "改名" and first.site_check_note == ""
    # The pages say so too, and offer nothing to click.
    client = client_for("qingyuan")
    response = client.post("/nominations/new/project/", post_data("project", qingyuan))
    assert "提交省工业和信息化厅，审核期间推荐对象和推荐函不能新增、修改或撤回" in response.content.decode()
    home = client.get("/").content.decode()
    assert "新增示范企业" not in home and "已提交省工业和信息化厅" in home
    detail = client.get(f"/nominations/{first.pk}/").content.decode()
    assert "如需修改，请联系省工业和信息化厅退回" in detail and "撤回原因" not in detail


def test_restore_is_frozen_too(ready):
    withdrawn = nominate("qingyuan", "enterprise")
    services.withdraw_nomination(withdrawn, user=user("qingyuan"))
    submit("qingyuan")
    with pytest.raises(EntryClosed):
        services.restore_nomination(withdrawn, user=user("qingyuan"))


def test_return_unfreezes_and_resubmission_works(client_for, ready):
    submit("qingyuan")
    province = client_for("province")
    province.post(
        "/review/441800/return/", {"confirm": "yes", "campaign": open_campaign().year, "reason": "推荐函未盖章"}
    )
    slate = Slate.objects.get()
    assert slate.status == Slate.RETURNED
    page = client_for("qingyuan").get("/slate/").content.decode()
    assert "推荐函未盖章" in page
    services.update_nomination(ready[0], user=user("qingyuan"), name="改正后的名称")  # editable again
    new = nominate("qingyuan", "enterprise")
    review(new)
    assert refusal_codes() == {"annex2_mismatch", "letter_mismatch"}  # the stamped papers list the old data
    upload_stamped("qingyuan", "annex2_pdf")  # downloaded again, stamped, uploaded
    upload_stamped("qingyuan", "letter_pdf")
    assert submit("qingyuan").status == Slate.SUBMITTED
    assert list(slate.events.values_list("kind", flat=True)) == ["uploaded", "uploaded", "submitted", "returned",
                                                                 "uploaded", "uploaded", "submitted"]


def test_accepted_slate_stays_frozen(ready):
    submit("qingyuan")
    review_services.accept_slate(user=user("province"), campaign=open_campaign(), city=city("qingyuan"))
    with pytest.raises(EntryClosed) as exc:
        nominate("qingyuan", "enterprise")
    assert "已由省工业和信息化厅受理" in exc.value.messages[0]


def test_other_cities_are_not_frozen(ready):
    submit("qingyuan")
    assert nominate("huizhou", "project").status == Nomination.ENTERED


def test_a_submitted_slate_shows_its_state_not_an_error(client_for, ready):
    submit("qingyuan")
    page = client_for("qingyuan").get("/slate/").content.decode()
    assert 'id="slate-state"' in page and "正在审核" in page
    assert "无需重复提交" not in page and 'id="problems"' not in page
    assert "提交省工业和信息化厅</button>" not in page  # no disabled button beside it
    # The formal review is shown as it stands, not as inputs.
    assert "<select" not in page.split('id="review-table"')[1].split("</table>")[0]
    assert "通过" in page


def test_an_accepted_slate_shows_its_state(client_for, ready):
    submit("qingyuan")
    review_services.accept_slate(user=user("province"), campaign=open_campaign(), city=city("qingyuan"))
    page = client_for("qingyuan").get("/slate/").content.decode()
    assert "由省工业和信息化厅受理" in page and "不能再次提交" not in page and 'id="problems"' not in page
