"""What the admin may edit, it edits through the services: their rules, their locks, their history.
(tests/site/test_admin_sweep.py sweeps every URL; these look at each rule the admin could have skipped.)"""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib import admin
from django.core.checks import run_checks
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from intake.campaigns.selectors import deadline_for, deadlines_for
from intake.campaigns.services import grant_extension
from intake.common import locking
from intake.models import Campaign, City, DeadlineExtension, RecognisedUnit
from quotas.locking import city_key
from quotas.models import QuotaRule
from quotas.selectors import limit_for
from tests.factories import accepted, city, credit_code, nominate, open_campaign, user


@pytest.fixture(autouse=True)
def _seeded(seeded):
    pass


def local(moment):
    moment = timezone.localtime(moment)
    return {"deadline_0": moment.strftime("%Y-%m-%d"), "deadline_1": moment.strftime("%H:%M:%S")}


def granted(days, reason="系统故障"):
    """An extension for qingyuan, `days` after the campaign's own deadline, through the service."""
    campaign = open_campaign()
    return grant_extension(user=user("admin"), campaign=campaign, city=city("qingyuan"), kind="submission",
                                    deadline=campaign.submission_deadline + timedelta(days=days), reason=reason)


def add_extension(client, when, reason="系统故障补报", kind="submission", slug="qingyuan"):
    return client.post("/admin/intake/deadlineextension/add/", {
        "campaign": open_campaign().pk, "city": city(slug).pk, "kind": kind, "reason": reason, **local(when),
    })


# --- deadline extensions -------------------------------------------------------------------------


def test_an_extension_earlier_than_the_campaigns_deadline_is_refused(client_for):
    campaign = open_campaign()
    response = add_extension(client_for("admin"), campaign.submission_deadline - timedelta(days=3))
    assert response.status_code == 200 and "延期后的截止时间应晚于批次原定的" in response.content.decode()
    assert not DeadlineExtension.objects.exists()
    assert deadline_for(campaign, city("qingyuan")) == campaign.submission_deadline


def test_an_extension_needs_a_reason(client_for):
    response = add_extension(client_for("admin"), open_campaign().submission_deadline + timedelta(days=3), reason=" ")
    assert "请填写延期原因" in response.content.decode() and not DeadlineExtension.objects.exists()


def test_an_extension_is_granted_through_the_service_with_its_history(client_for):
    later = open_campaign().submission_deadline + timedelta(days=3)
    with mock.patch("intake.campaigns.services.grant_extension", wraps=grant_extension) as service:
        response = add_extension(client_for("admin"), later)
    assert response.status_code == 302 and service.called
    extension = DeadlineExtension.objects.get()
    record = extension.history.latest()
    assert record.history_user.username == "admin" and record.history_change_reason.startswith("延期至")
    assert deadline_for(open_campaign(), city("qingyuan")) == later.replace(microsecond=0)


def test_an_extension_is_moved_never_to_before_the_campaigns_deadline_nor_to_another_city(client_for):
    campaign = open_campaign()
    extension = granted(3)
    admin_client = client_for("admin")
    page = admin_client.get(f"/admin/intake/deadlineextension/{extension.pk}/change/").content.decode()
    assert 'name="city"' not in page and 'name="campaign"' not in page  # shown, not editable
    response = admin_client.post(f"/admin/intake/deadlineextension/{extension.pk}/change/", {
        "reason": "提前", "city": city("huizhou").pk, **local(campaign.submission_deadline - timedelta(days=1)),
    })
    assert "延期后的截止时间应晚于批次原定的" in response.content.decode()
    extension.refresh_from_db()
    assert extension.city.slug == "qingyuan" and extension.deadline > campaign.submission_deadline


def test_an_extension_left_before_a_moved_campaign_deadline_does_not_close_the_city_early(seeded):
    granted(1)
    campaign = open_campaign()
    campaign.submission_deadline += timedelta(days=10)  # the campaign is extended for everyone later
    campaign.save()
    assert deadline_for(campaign, city("qingyuan")) == campaign.submission_deadline
    assert deadlines_for(campaign, [city("qingyuan")])[city("qingyuan").pk] == campaign.submission_deadline


def test_the_campaign_page_shows_extensions_but_cannot_add_or_change_them(client_for):
    campaign = open_campaign()
    extension = granted(2)
    admin_client = client_for("admin")
    page = admin_client.get(f"/admin/intake/campaign/{campaign.pk}/change/").content.decode()
    assert "系统故障" in page and "给地市延期" in page and 'name="extensions-0-deadline_0"' not in page
    data = {
        "year": campaign.year, "name": campaign.name, "province_notice_no": "", "ministry_notice_no": "",
        "submission_deadline_0": "2099-01-01", "submission_deadline_1": "00:00:00", "is_open": "on",
        "extensions-TOTAL_FORMS": "2", "extensions-INITIAL_FORMS": "1", "extensions-MIN_NUM_FORMS": "0",
        "extensions-MAX_NUM_FORMS": "1000", "extensions-0-id": extension.pk, "extensions-0-campaign": campaign.pk,
        "extensions-0-deadline_0": "2000-01-01", "extensions-0-deadline_1": "00:00:00",
        "extensions-1-campaign": campaign.pk, "extensions-1-city": city("huizhou").pk,
        "extensions-1-kind": "submission", "extensions-1-deadline_0": "2000-01-01",
        "extensions-1-deadline_1": "00:00:00", "extensions-1-reason": "x", "_save": "保存",
    }
    admin_client.post(f"/admin/intake/campaign/{campaign.pk}/change/", data)
    assert list(DeadlineExtension.objects.values_list("city__slug", "deadline")) == [("qingyuan", extension.deadline)]


# --- cities and quota rules ----------------------------------------------------------------------


def test_the_demo_city_flag_changes_under_the_citys_lock_in_every_open_campaign(client_for):
    second = Campaign.objects.create(year=2000, name="2000年", submission_deadline=open_campaign().submission_deadline,
                                     is_open=True)
    qingyuan = city("qingyuan")
    assert limit_for(open_campaign(), qingyuan, "enterprise") == 4
    with mock.patch("quotas.locking.lock_objects", wraps=locking.lock_objects) as lock:
        response = client_for("admin").post("/admin/intake/city/", {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "form-0-id": qingyuan.pk, "form-0-is_demo_city": "on", "_save": "保存",
        })
    assert response.status_code == 302
    keys = {key for call in lock.call_args_list for key in call.args[0]}
    assert {city_key(open_campaign(), qingyuan), city_key(second, qingyuan)} <= keys
    qingyuan.refresh_from_db()
    assert qingyuan.is_demo_city and limit_for(open_campaign(), qingyuan, "enterprise") == 6
    record = qingyuan.history.latest()
    assert record.history_user.username == "admin" and record.history_change_reason == "设为示范城市"


def test_lowering_a_citys_tier_warns_of_the_places_over(client_for):
    guangzhou = city("guangzhou")
    for _ in range(5):
        nominate("guangzhou", "enterprise")
    response = client_for("admin").post(f"/admin/intake/city/{guangzhou.pk}/change/", {
        "code": guangzhou.code, "name": guangzhou.name, "slug": guangzhou.slug, "bureau_name": guangzhou.bureau_name,
        "_save": "保存",
    }, follow=True)
    guangzhou.refresh_from_db()
    assert not guangzhou.is_demo_city
    assert "示范企业已推荐 5 个，超过现在的名额 4 个" in response.content.decode()


def test_a_tier_rule_changes_under_the_lock_of_every_city_of_the_tier(client_for):
    rule = QuotaRule.objects.get(campaign=open_campaign(), scope=QuotaRule.OTHER_CITY, category_id="project")
    with mock.patch("quotas.locking.lock_objects", wraps=locking.lock_objects) as lock:
        response = client_for("admin").post(f"/admin/quotas/quotarule/{rule.pk}/change/", {
            "campaign": rule.campaign_id, "scope": rule.scope, "city": "", "category": rule.category_id, "maximum": 3,
            "_save": "保存",
        })
    assert response.status_code == 302
    keys = set(lock.call_args.args[0])
    assert keys == {city_key(rule.campaign, c) for c in City.objects.filter(is_demo_city=False)}
    assert rule.history.latest().history_user.username == "admin"


def test_copying_quota_rules_is_for_admins_and_goes_through_the_service(client_for):
    empty = Campaign.objects.create(year=2099, name="2099年", submission_deadline=open_campaign().submission_deadline,
                                    is_open=False)
    action = {"action": "copy_previous_quota_rules", "_selected_action": [empty.pk], "index": "0"}
    client_for("province").post("/admin/intake/campaign/", action)
    assert not QuotaRule.objects.filter(campaign=empty).exists()
    client_for("admin").post("/admin/intake/campaign/", action)
    rules = QuotaRule.objects.filter(campaign=empty)
    assert rules.count() == QuotaRule.objects.filter(campaign=open_campaign()).count()
    assert {r.history.latest().history_user.username for r in rules} == {"admin"}


# --- recognised units, accounts ------------------------------------------------------------------


def test_the_registry_is_saved_through_save_unit(client_for):
    from intake.evaluation import services as evaluation_services

    data = {"name": "新增\x1b示范单位", "credit_code": credit_code("441800"), "kind": "enterprise", "batch": "2",
            "city": city("qingyuan").pk, "is_active": "on", "_save": "保存"}
    with mock.patch("intake.evaluation.services.save_unit", wraps=evaluation_services.save_unit) as service:
        response = client_for("admin").post("/admin/intake/recognisedunit/add/", data)
    assert response.status_code == 302 and service.called
    unit = RecognisedUnit.objects.get(credit_code=data["credit_code"])
    assert unit.name == "新增示范单位" and unit.history.latest().history_user.username == "admin"


def test_an_account_of_the_province_has_no_city(client_for):
    province = user("province")
    response = client_for("admin").post(f"/admin/intake/user/{province.pk}/change/", {
        "username": "province", "role": "province", "city": city("qingyuan").pk, "is_active": "on",
        "is_staff": "on", "date_joined_0": "2023-01-01", "date_joined_1": "00:00:00", "_save": "保存",
    })
    assert "只有地市工信局账号绑定地市" in response.content.decode()
    province.refresh_from_db()
    assert province.city is None


# --- read-only pages -----------------------------------------------------------------------------


def test_the_slate_page_links_the_scoped_download_not_the_storage(client_for):
    accepted("qingyuan")
    from intake.models import Slate

    slate = Slate.objects.get(city__slug="qingyuan")
    page = client_for("admin").get(f"/admin/intake/slate/{slate.pk}/change/").content.decode()
    assert f"/slates/441800/annex2.pdf?campaign={slate.campaign.year}" in page
    assert slate.annex2_pdf.name not in page and slate.letter_pdf.name not in page
    version = slate.history.exclude(annex2_pdf="").order_by("history_id").first()  # an older version with a file
    old = client_for("admin").get(f"/admin/intake/slate/{slate.pk}/history/{version.history_id}/").content.decode()
    assert 'name="_save"' not in old and version.annex2_pdf not in old and version.letter_pdf not in old
    listing = client_for("admin").get(f"/admin/intake/slate/{slate.pk}/history/").content.decode()
    assert "已上传文件" in listing and slate.annex2_pdf.name not in listing


# --- the system checks ---------------------------------------------------------------------------


def test_checks_catch_a_history_admin_that_can_revert_and_an_action_without_permission():
    def leak(modeladmin, request, queryset):
        pass

    plain = SimpleHistoryAdmin(QuotaRule, admin.site)
    plain.actions = [leak]
    with mock.patch.dict(admin.site._registry, {QuotaRule: plain}):
        found = {m.id: m.msg for m in run_checks() if m.id in ("intake.E001", "intake.E002")}
    assert "直接使用 SimpleHistoryAdmin" in found["intake.E001"] and "leak" in found["intake.E002"]
    assert not [m for m in run_checks() if m.id in ("intake.E001", "intake.E002")]


def test_an_evaluations_explanation_is_linked_through_the_scoped_view(client_for):
    from intake.evaluation import services as evaluation_services
    from intake.models import UnitEvaluation
    from tests.factories import pdf_upload, recognised

    unit = recognised("qingyuan")
    evaluation_services.set_evaluation_state(user=user("qingyuan"), campaign=open_campaign(), unit=unit,
                                             state="unable", unable_reason="revoked", explanation=pdf_upload())
    evaluation = UnitEvaluation.objects.get(unit=unit)
    page = client_for("admin").get(f"/admin/intake/unitevaluation/{evaluation.pk}/change/").content.decode()
    assert f"/evaluation/units/{unit.pk}/explanation/?campaign={open_campaign().year}" in page
    assert evaluation.explanation.name not in page


def test_a_refusal_under_the_lock_is_a_message_and_nothing_is_saved(client_for):
    from django.core.exceptions import ValidationError

    qingyuan = city("qingyuan")
    refusal = ValidationError("系统正忙（其他用户正在提交同一地市的数据），请稍候几秒后重新提交。")
    with mock.patch("intake.campaigns.services.save_city", side_effect=refusal):
        response = client_for("admin").post("/admin/intake/city/", {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "form-0-id": qingyuan.pk, "form-0-is_demo_city": "on", "_save": "保存",
        }, follow=True)
    assert response.status_code == 200 and "未保存：系统正忙" in response.content.decode()
    qingyuan.refresh_from_db()
    assert not qingyuan.is_demo_city
