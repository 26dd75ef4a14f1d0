"""Every change of a nomination or a quota rule is kept: who, when, before and after."""

from intake.common.history import history_of
from intake.entry import services
from intake.models import Nomination
from quotas.models import QuotaRule
from tests.factories import nominate, open_campaign, user


def test_nomination_history_rows(seeded):
    clerk = user("qingyuan")
    n = nominate("qingyuan", "project", name="甲")
    services.update_nomination(n, user=clerk, name="乙")
    services.withdraw_nomination(n, user=clerk, reason="放弃")
    services.restore_nomination(n, user=clerk)
    records = list(n.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~", "~", "~"]
    assert all(r.history_user == clerk for r in records)
    assert [r.name for r in records] == ["甲", "乙", "乙", "乙"]
    assert [r.status for r in records] == ["entered", "entered", "withdrawn", "entered"]
    assert records[2].history_change_reason == "撤回：放弃"
    rows = history_of(Nomination.objects.get(pk=n.pk))
    newest_first = [[(c["field"], c["old"], c["new"]) for c in row["changes"]] for row in rows]
    assert ("状态", "已撤回", "已录入") in newest_first[0]
    assert ("名称", "甲", "乙") in newest_first[2]


def test_quota_rule_change_in_admin_is_recorded_with_user(client_for):
    rule = QuotaRule.objects.get(campaign=open_campaign(), scope=QuotaRule.OTHER_CITY, category_id="enterprise")
    admin = client_for("admin")
    response = admin.post(f"/admin/quotas/quotarule/{rule.pk}/change/", {
        "campaign": rule.campaign_id, "scope": rule.scope, "city": "", "category": rule.category_id, "maximum": 5,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = rule.history.latest()
    previous = latest.prev_record
    assert (previous.maximum, latest.maximum) == (4, 5)
    assert latest.history_user.username == "admin"
    # the province may read that history in the admin, but not change the rule
    province = client_for("province")
    history_page = province.get(f"/admin/quotas/quotarule/{rule.pk}/history/")
    assert history_page.status_code == 200 and "admin" in history_page.content.decode()
    assert province.post(f"/admin/quotas/quotarule/{rule.pk}/change/", {"maximum": 9}).status_code == 403


def test_nothing_can_be_deleted_in_admin(client_for):
    n = nominate("qingyuan", "project")
    admin = client_for("admin")
    rule = QuotaRule.objects.first()
    assert admin.post(f"/admin/quotas/quotarule/{rule.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.post(f"/admin/intake/nomination/{n.pk}/delete/", {"post": "yes"}).status_code == 403
    assert QuotaRule.objects.filter(pk=rule.pk).exists() and Nomination.objects.filter(pk=n.pk).exists()


def test_admin_extends_deadline_for_one_city(client_for):
    from intake.models import DeadlineExtension
    from tests.factories import city

    admin = client_for("admin")
    response = admin.post("/admin/intake/deadlineextension/add/", {
        "campaign": open_campaign().pk, "city": city("qingyuan").pk, "kind": "submission",
        "deadline_0": "2099-01-01", "deadline_1": "12:00:00", "reason": "系统故障补报",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    extension = DeadlineExtension.objects.get()
    assert extension.history.latest().history_user.username == "admin"


def test_history_words_every_kind_of_column(seeded):
    """Choices by label, yes/no as 是/否, people by display name, times in Beijing time."""
    from intake.models import Slate
    from intake.review import services as review_services
    from tests.factories import accepted

    n = nominate("qingyuan", "project")
    accepted("qingyuan")
    review_services.select_for_ministry(n, user=user("province"))
    changes = [c for row in history_of(Nomination.objects.get(pk=n.pk)) for c in row["changes"]]
    assert {"field": "列入省推荐名单", "old": "否", "new": "是"} in changes
    assert {"field": "最后修改人", "old": "清远市填报员", "new": "省工信厅审核员"} in changes
    assert all(isinstance(c["field"], str) or str(c["field"]) for c in changes)
    slate_changes = [c for row in history_of(Slate.objects.get(city__slug="qingyuan")) for c in row["changes"]]
    status = next(c for c in slate_changes if c["field"] == "状态" and c["new"] == "已受理")
    assert status["old"] == "已提交"
    accepted_at = next(c for c in slate_changes if c["field"] == "受理时间")
    assert accepted_at["old"] == "（空）" and "+00:00" not in accepted_at["new"] and len(accepted_at["new"]) == 16
    labels = {str(c["field"]) for c in changes + slate_changes}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels), labels


def test_admin_edits_the_campaigns_thresholds_with_the_campaign(client_for):
    from decimal import Decimal

    from intake.models import Campaign

    campaign = open_campaign()
    page = client_for("admin").get(f"/admin/intake/campaign/{campaign.pk}/change/").content.decode()
    for name in ("min_service_revenue_share", "min_platform_years", "application_date"):
        assert f'name="{name}"' in page
    assert "截至申报日" in page and "示范平台运营年限下限" in page
    Campaign.objects.filter(pk=campaign.pk).update(min_service_revenue_share=Decimal("25"))
    latest = Campaign.objects.get(pk=campaign.pk)
    assert latest.min_service_revenue_share == Decimal("25") and latest.cutoff_date is not None
