"""Irreversible actions ask first: the first POST of a submission, an acceptance, a return or a
不予受理 shows what will happen and changes nothing; the second, confirmed, does it. No script."""

import re

import pytest

from intake.models import Nomination, Slate, SlateEvent
from tests.factories import nominate, open_campaign, ready_slate, submit


@pytest.fixture
def submitted(seeded):
    nominations = [nominate("qingyuan", "project"), nominate("qingyuan", "enterprise")]
    ready_slate("qingyuan")
    submit("qingyuan")
    return nominations


def state():
    return (list(Slate.objects.values_list("status", flat=True)), SlateEvent.objects.count(),
            list(Nomination.objects.order_by("pk").values_list("status", flat=True)))


def confirm_page(response):
    """The confirmation page's form: its action and the fields it posts again."""
    page = response.content.decode()
    assert response.status_code == 200 and 'id="confirmation"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and "onclick" not in page  # no inline script
    form = page.split('id="confirmation"')[1]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields.pop("csrfmiddlewaretoken", None)
    return page, fields


def test_submitting_asks_first(client_for):
    nominate("qingyuan", "project")
    ready_slate("qingyuan")
    clerk = client_for("qingyuan")
    before = state()
    page, fields = confirm_page(clerk.post("/slate/submit/", {"campaign": open_campaign().year}))
    assert "确认将清远市的推荐材料提交省工业和信息化厅" in page and "推荐对象 1 个" in page
    assert fields == {"campaign": str(open_campaign().year), "confirm": "yes"}
    assert state() == before
    response = clerk.post("/slate/submit/", fields, follow=True)
    assert "推荐材料已提交省工业和信息化厅" in response.content.decode()
    assert Slate.objects.get().status == Slate.SUBMITTED


def test_a_submission_that_cannot_go_is_refused_at_once_not_confirmed(client_for):
    nominate("qingyuan", "project")  # nothing reviewed, nothing uploaded
    response = client_for("qingyuan").post("/slate/submit/", {"campaign": open_campaign().year}, follow=True)
    page = response.content.decode()
    assert "不能提交，请先处理以下问题" in page and 'id="confirmation"' not in page


def test_accepting_asks_first_and_says_when_the_stamped_sheet_is_not_the_data(client_for, submitted):
    province = client_for("province")
    before = state()
    page, fields = confirm_page(province.post("/review/441800/accept/", {"campaign": open_campaign().year}))
    assert "确认受理清远市的推荐材料" in page and "与当前数据不一致" not in page
    assert state() == before
    Nomination.objects.filter(pk=submitted[0].pk).update(contact_phone="020-83133359")  # as if changed meanwhile
    page, _ = confirm_page(province.post("/review/441800/accept/", {"campaign": open_campaign().year}))
    assert "纸质盖章件不是按当前数据打印的" in page
    province.post("/review/441800/accept/", fields)
    assert Slate.objects.get().status == Slate.ACCEPTED


def test_returning_asks_first_with_the_reason_and_the_new_deadline(client_for, submitted):
    province = client_for("province")
    before = state()
    data = {"campaign": open_campaign().year, "reason": "附件2未盖章", "extend_to": "2099-05-10T18:00"}
    page, fields = confirm_page(province.post("/review/441800/return/", data))
    assert "退回原因：附件2未盖章" in page and "截止时间延至 2099-05-10 18:00" in page
    assert fields["reason"] == "附件2未盖章" and fields["extend_to"] == "2099-05-10T18:00"
    assert state() == before
    province.post("/review/441800/return/", fields)
    assert Slate.objects.get().status == Slate.RETURNED


def test_a_return_without_a_reason_is_refused_before_any_confirmation(client_for, submitted):
    response = client_for("province").post("/review/441800/return/", {"campaign": open_campaign().year,
                                                                      "reason": " "}, follow=True)
    assert "请填写退回原因" in response.content.decode() and 'id="confirmation"' not in response.content.decode()


def test_rejecting_a_nominee_asks_first(client_for, submitted):
    province = client_for("province")
    target = submitted[1]
    before = state()
    page, fields = confirm_page(province.post(f"/nominations/{target.pk}/reject/", {"reason": "服务收入占比不足"}))
    assert f"确认对“{target.name}”不予受理" in page and "不予受理原因：服务收入占比不足" in page
    assert state() == before
    province.post(f"/nominations/{target.pk}/reject/", fields)
    target.refresh_from_db()
    assert target.status == Nomination.REJECTED


def test_the_confirmation_is_no_way_around_the_scoping(client_for, submitted):
    other = client_for("huizhou")
    assert other.post("/review/441800/accept/", {"confirm": "yes"}).status_code == 404
    assert other.post(f"/nominations/{submitted[0].pk}/reject/", {"reason": "x"}).status_code == 404
    assert client_for("qingyuan").post("/review/441800/accept/", {}).status_code == 403
    assert Slate.objects.get().status == Slate.SUBMITTED
