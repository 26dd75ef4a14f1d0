"""/review/<city>/ and its actions: accept, return (with a new deadline after the deadline), reject a
nomination (counts and Annex 2 follow), paper copies received, and the timeline of it all."""

from datetime import timedelta

import pytest
from django.utils import timezone

from intake.annex2.sheet import city_sheet
from intake.entry.services import EntryClosed
from intake.models import DeadlineExtension, Nomination, Slate, SlateEvent
from quotas.selectors import quota_table
from tests.factories import city, nominate, open_campaign, ready_slate, submit


@pytest.fixture
def submitted(seeded):
    nominations = [nominate("qingyuan", "project", name="甲项目"), nominate("qingyuan", "project", name="乙项目"),
                   nominate("qingyuan", "enterprise", name="丙企业")]
    ready_slate("qingyuan")
    submit("qingyuan")
    return nominations


def year():
    return open_campaign().year


def test_page_shows_slate_files_quota_and_actions(client_for, submitted):
    page = client_for("province").get(f"/review/441800/?campaign={year()}").content.decode()
    assert "清远市推荐材料审核" in page and "已提交" in page
    assert "/slates/441800/letter.pdf" in page and "/slates/441800/annex2.pdf" in page
    assert "李四" in page and "受理" in page and "退回修改" in page
    assert all(n.name in page for n in submitted)


def test_accept(client_for, submitted):
    response = client_for("province").post(
        "/review/441800/accept/", {"confirm": "yes", "campaign": year()}, follow=True
    )
    assert "已受理清远市的推荐材料" in response.content.decode()
    slate = Slate.objects.get()
    assert slate.status == Slate.ACCEPTED and slate.accepted_by.username == "province"
    again = client_for("province").post("/review/441800/accept/", {"confirm": "yes", "campaign": year()}, follow=True)
    assert "已受理" in again.content.decode()


def test_accept_before_submission_is_refused(client_for, seeded):
    nominate("qingyuan", "project")
    response = client_for("province").post(
        "/review/441800/accept/", {"confirm": "yes", "campaign": year()}, follow=True
    )
    assert "当前为“未提交”，地市提交后才能受理" in response.content.decode()


def test_return_needs_a_reason(client_for, submitted):
    response = client_for("province").post(
        "/review/441800/return/", {"confirm": "yes", "campaign": year(), "reason": " "}, follow=True
    )
    assert "请填写退回原因" in response.content.decode()
    assert Slate.objects.get().status == Slate.SUBMITTED


def test_return_after_the_deadline_needs_a_new_deadline(client_for, submitted):
    campaign = open_campaign()
    campaign.submission_deadline = timezone.now() - timedelta(hours=1)
    campaign.save()
    province = client_for("province")
    response = province.post(
        "/review/441800/return/", {"confirm": "yes", "campaign": year(), "reason": "附件2未盖章"}, follow=True
    )
    assert "请同时填写“延期至”" in response.content.decode()
    assert Slate.objects.get().status == Slate.SUBMITTED
    later = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    province.post(
        "/review/441800/return/", {"confirm": "yes", "campaign": year(), "reason": "附件2未盖章", "extend_to": later}
    )
    slate = Slate.objects.get()
    assert slate.status == Slate.RETURNED and slate.return_reason == "附件2未盖章"
    extension = DeadlineExtension.objects.get(city=city("qingyuan"))
    assert extension.reason == "退回修改：附件2未盖章"
    assert nominate("qingyuan", "enterprise").status == Nomination.ENTERED  # the city can edit again
    with pytest.raises(EntryClosed):
        nominate("huizhou", "project")  # and nobody else


def test_extension_must_be_later_than_the_current_deadline(client_for, submitted):
    campaign = open_campaign()
    earlier = timezone.localtime(campaign.submission_deadline - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for("province").post(
        "/review/441800/return/", {"confirm": "yes", "campaign": year(), "reason": "x", "extend_to": earlier},
        follow=True,
    )
    assert "“延期至”应晚于清远市当前的截止时间" in response.content.decode()
    assert Slate.objects.get().status == Slate.SUBMITTED and not DeadlineExtension.objects.exists()


def test_returning_an_accepted_slate_is_refused(client_for, submitted):
    province = client_for("province")
    province.post("/review/441800/accept/", {"confirm": "yes", "campaign": year()})
    response = province.post(
        "/review/441800/return/", {"confirm": "yes", "campaign": year(), "reason": "x"}, follow=True
    )
    assert "已受理，不能退回" in response.content.decode()


def test_reject_a_nomination_updates_counts_and_annex2(client_for, submitted):
    first = submitted[0]
    campaign, qingyuan = open_campaign(), city("qingyuan")
    assert quota_table(campaign, qingyuan)[3].used == 2  # projects
    assert city_sheet(campaign, qingyuan).row_count == 3
    province = client_for("province")
    response = province.post(
        f"/nominations/{first.pk}/reject/", {"confirm": "yes", "reason": "申报书缺少财务报表"}, follow=True
    )
    assert "已不予受理" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Nomination.REJECTED and first.status_reason == "申报书缺少财务报表"
    assert quota_table(campaign, qingyuan)[3].used == 1
    sheet = city_sheet(campaign, qingyuan)
    assert sheet.row_count == 2 and [r[1] for r in sheet.sections[2].tables[0].rows] == ["乙项目"]
    home = province.get(f"/?campaign={year()}").content.decode()
    assert "1/2" in home
    # The city sees the reason on the nomination.
    assert "申报书缺少财务报表" in client_for("qingyuan").get(f"/nominations/{first.pk}/").content.decode()
    latest = first.history.first()
    assert latest.history_user.username == "province" and latest.history_change_reason.startswith("不予受理")


def test_reject_needs_reason_submission_and_the_province(client_for, seeded):
    draft = nominate("huizhou", "project")
    province = client_for("province")
    response = province.post(f"/nominations/{draft.pk}/reject/", {"confirm": "yes", "reason": "x"}, follow=True)
    assert "地市提交后才能不予受理" in response.content.decode()
    response = province.post(f"/nominations/{draft.pk}/reject/", {"confirm": "yes", "reason": ""}, follow=True)
    assert "请填写不予受理的原因" in response.content.decode()
    assert client_for("huizhou").post(
        f"/nominations/{draft.pk}/reject/", {"confirm": "yes", "reason": "x"}
    ).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Nomination.ENTERED


def test_reject_twice_is_a_message(client_for, submitted):
    province = client_for("province")
    province.post(f"/nominations/{submitted[0].pk}/reject/", {"confirm": "yes", "reason": "x"})
    response = province.post(f"/nominations/{submitted[0].pk}/reject/", {"confirm": "yes", "reason": "x"}, follow=True)
    assert "当前为“不予受理”，不能不予受理" in response.content.decode()


def test_paper_copies_recorded(client_for, submitted):
    a, b, c = submitted
    province = client_for("province")
    response = province.post("/review/441800/paper/", {
        "campaign": year(), f"copies-{a.pk}": "2", f"copies-{b.pk}": "1", f"copies-{c.pk}": "2",
    }, follow=True)
    assert "已登记 3 个推荐对象的纸质申报书份数" in response.content.decode()
    assert {n.pk: n.paper_copies for n in Nomination.objects.all()} == {a.pk: 2, b.pk: 1, c.pk: 2}
    home = province.get(f"/?campaign={year()}").content.decode()
    assert ">纸质申报书</span><wbr>" in home and ">2/3 个</td>" in home
    event = SlateEvent.objects.get(kind=SlateEvent.PAPER)
    assert "甲项目”2 份" in event.note and event.actor.username == "province"


@pytest.mark.parametrize("value", ["3", "-1", "两份", ""])
def test_paper_copies_invalid(client_for, submitted, value):
    response = client_for("province").post(
        "/review/441800/paper/", {"campaign": year(), f"copies-{submitted[0].pk}": value}, follow=True
    )
    assert "纸质申报书份数应为 0 到 2 之间的整数" in response.content.decode()
    assert not Nomination.objects.filter(paper_copies__gt=0).exists()


def test_paper_ignores_other_cities_nominations(client_for, submitted):
    foreign = nominate("huizhou", "project")
    client_for("province").post("/review/441800/paper/", {"campaign": year(), f"copies-{foreign.pk}": "2"})
    foreign.refresh_from_db()
    assert foreign.paper_copies == 0


def test_timeline_lists_every_step_with_who(client_for, submitted):
    province = client_for("province")
    province.post("/review/441800/return/", {"confirm": "yes", "campaign": year(), "reason": "请补充现场核查记录"})
    submit("qingyuan")
    province.post(f"/nominations/{submitted[2].pk}/reject/", {"confirm": "yes", "reason": "服务收入占比不足"})
    province.post("/review/441800/accept/", {"confirm": "yes", "campaign": year()})
    events = list(Slate.objects.get().events.values_list("kind", "actor__username"))
    assert events == [
        ("uploaded", "qingyuan"), ("uploaded", "qingyuan"), ("submitted", "qingyuan"), ("returned", "province"),
        ("submitted", "qingyuan"), ("rejected", "province"), ("accepted", "province"),
    ]
    for client in (province, client_for("qingyuan")):
        page = client.get(f"/review/441800/?campaign={year()}", follow=True).content.decode()
        assert "请补充现场核查记录" in page and "服务收入占比不足" in page and "省工信厅审核员" in page
        assert page.count('data-kind="submitted"') == 2


def test_city_staff_cannot_act_and_other_cities_are_404(client_for, submitted):
    huizhou = client_for("huizhou")
    for url in ["/review/441800/", "/review/441800/accept/", "/review/441800/return/", "/review/441800/paper/"]:
        assert huizhou.post(url, {"campaign": year(), "reason": "x"}).status_code == 404, url
    qingyuan = client_for("qingyuan")
    assert qingyuan.post("/review/441800/accept/", {"confirm": "yes", "campaign": year()}).status_code == 403
    assert qingyuan.get("/review/441800/").status_code == 302  # to its own slate page
    assert Slate.objects.get().status == Slate.SUBMITTED
    assert client_for("province").get("/review/000000/").status_code == 404


def test_return_reason_is_a_state_not_a_leftover(client_for, submitted):
    """Shown while returned, as the last one while submitted again, not once accepted."""
    from intake.review import services as review_services
    from tests.factories import user

    province = client_for("province")
    province.post("/review/441800/return/", {"campaign": year(), "reason": "推荐函未盖章", "confirm": "yes"})
    page = province.get(f"/review/441800/?campaign={year()}").content.decode()
    assert "退回原因</dt><dd class=\"col-sm-8\">推荐函未盖章" in page
    submit("qingyuan")
    page = province.get(f"/review/441800/?campaign={year()}").content.decode()
    assert "上次退回原因" in page and "推荐函未盖章" in page
    review_services.accept_slate(user=user("province"), campaign=open_campaign(), city=city("qingyuan"))
    page = province.get(f"/review/441800/?campaign={year()}").content.decode()
    info = page.split('id="slate-info"')[1].split("</dl>")[0]
    assert "退回原因" not in info
    assert "推荐函未盖章" in page.split('id="timeline"')[1]  # the timeline keeps it


def test_paper_copies_are_text_when_they_cannot_be_changed(client_for, submitted):
    from intake.review import services as review_services
    from tests.factories import user

    review_services.record_paper(user=user("province"), campaign=open_campaign(), city=city("qingyuan"),
                                 copies={str(submitted[0].pk): "2"})
    page = client_for("province").get(f"/review/441800/?campaign={year()}").content.decode()
    assert 'name="copies-' in page  # the province records paper while the slate is with it
    Slate.objects.filter(city__slug="qingyuan").update(status=Slate.RETURNED)
    page = client_for("province").get(f"/review/441800/?campaign={year()}").content.decode()
    assert 'name="copies-' not in page and "2 份" in page and "disabled" not in page


def test_a_rejected_nominee_stays_in_the_review_table_with_status_and_reason(client_for, submitted):
    rejected = submitted[2]
    province = client_for("province")
    province.post(f"/nominations/{rejected.pk}/reject/", {"confirm": "yes", "reason": "服务收入占比不足30%"})
    page = province.get(f"/review/441800/?campaign={year()}").content.decode()
    table = page.split('id="review-table"')[1].split("</table>")[0]
    row = table.split(f'data-nomination="{rejected.pk}"')[1].split("</tr>")[0]
    assert rejected.name in row and "不予受理" in row and "服务收入占比不足30%" in row
    assert all(f'data-nomination="{n.pk}"' in table for n in submitted)  # every nominee, rejected or not
