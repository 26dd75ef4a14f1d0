"""Warnings for the reviewer (intake/review/crosschecks.py), and that they are warnings, not blocks."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from intake.entry import services
from intake.models import DeadlineExtension
from intake.review.crosschecks import warning_counts, warnings_for, years_after
from tests.factories import city, credit_code, nominate, open_campaign, ready_slate, submit, user


def set_deadline(day):
    campaign = open_campaign()
    campaign.submission_deadline = timezone.make_aware(datetime.combine(day, datetime.max.time()))
    campaign.save()
    return campaign


def test_same_code_entered_by_another_city_and_withdrawn(seeded):
    code = credit_code("441800")
    first = nominate("huizhou", "enterprise", credit_code=code, name="甲公司", service_revenue_share=Decimal("50"))
    services.withdraw_nomination(first, user=user("huizhou"), reason="与清远重复")
    second = nominate("qingyuan", "enterprise", credit_code=code, name="甲公司", service_revenue_share=Decimal("50"))
    warnings = warnings_for(open_campaign())
    assert warnings[second.pk] == [
        f"统一社会信用代码 {code} 也曾由惠州市推荐（“甲公司”，已撤回），请核实由哪个地市推荐。"
    ]
    assert first.pk not in warnings  # only counted nominations are reviewed


def test_same_code_rejected_in_another_city(client_for, seeded):
    code = credit_code("441300")
    first = nominate("huizhou", "project", credit_code=code)
    ready_slate("huizhou")
    submit("huizhou")
    client_for("province").post(f"/nominations/{first.pk}/reject/", {"confirm": "yes", "reason": "应由清远推荐"})
    second = nominate("qingyuan", "project", credit_code=code)
    assert "也曾由惠州市推荐" in warnings_for(open_campaign())[second.pk][0]
    assert "不予受理" in warnings_for(open_campaign())[second.pk][0]


def test_same_code_in_the_same_city_is_not_a_clash(seeded):
    code = credit_code("441800")
    first = nominate("qingyuan", "project", credit_code=code)
    services.withdraw_nomination(first, user=user("qingyuan"))
    second = nominate("qingyuan", "project", credit_code=code)
    assert second.pk not in warnings_for(open_campaign())


def test_same_name_different_code_in_two_cities(seeded):
    a = nominate("qingyuan", "project", name="广东某某科技有限公司", credit_code=credit_code("441800"))
    b = nominate("huizhou", "project", name="广东某某科技 有限公司（）", credit_code=credit_code("441300"))
    warnings = warnings_for(open_campaign())
    assert "惠州市推荐了同名的" in warnings[a.pk][0] and b.credit_code in warnings[a.pk][0]
    assert "清远市推荐了同名的" in warnings[b.pk][0]


def test_code_registered_in_another_city(seeded):
    n = nominate("qingyuan", "project", credit_code=credit_code("441300"))
    assert "登记地为惠州市，不是清远市" in warnings_for(open_campaign())[n.pk][0]


def test_service_revenue_share(seeded):
    low = nominate("qingyuan", "enterprise", service_revenue_share=Decimal("29.99"))
    ok = nominate("qingyuan", "enterprise", service_revenue_share=Decimal("30"))
    missing = nominate("qingyuan", "enterprise")
    warnings = warnings_for(open_campaign())
    assert warnings[low.pk] == ["服务收入占营业收入比重为 29.99%，低于 30%（申报条件：原则上不低于 30%）。"]
    assert ok.pk not in warnings
    assert "未填写服务收入占营业收入比重" in warnings[missing.pk][0]


def test_platform_age_at_the_application_date(seeded):
    """Counted to the campaign's application date (截至申报日), by default the deadline's day; the
    same for every city, so one city's extension does not change it."""
    deadline_day = timezone.localdate() + timedelta(days=30)
    set_deadline(deadline_day)
    two_years = years_after(deadline_day, -2)
    young = nominate("qingyuan", "platform_other", platform_launch_date=two_years + timedelta(days=1))
    exactly = nominate("qingyuan", "platform_other", platform_launch_date=two_years)
    missing = nominate("huizhou", "platform_shared")
    warnings = warnings_for(open_campaign())
    assert f"截至申报日 {deadline_day:%Y-%m-%d} 运营不满 2 年" in warnings[young.pk][0]
    assert exactly.pk not in warnings
    assert "未填写平台上线运营时间" in warnings[missing.pk][0]
    DeadlineExtension.objects.create(campaign=open_campaign(), city=city("qingyuan"),
                                     deadline=timezone.now() + timedelta(days=60))
    assert young.pk in warnings_for(open_campaign())
    # The admin sets the application date: the young platform reaches two years by then.
    campaign = open_campaign()
    campaign.application_date = deadline_day + timedelta(days=1)
    campaign.save()
    assert young.pk not in warnings_for(open_campaign())


def test_thresholds_are_the_campaigns(seeded):
    campaign = open_campaign()
    share = nominate("qingyuan", "enterprise", service_revenue_share=Decimal("27"))
    platform = nominate("qingyuan", "platform_other",
                        platform_launch_date=years_after(campaign.cutoff_date, -1) - timedelta(days=10))
    assert share.pk in warnings_for(campaign) and platform.pk in warnings_for(campaign)
    campaign.min_service_revenue_share = Decimal("25")
    campaign.min_platform_years = 1
    campaign.save()
    assert warnings_for(open_campaign()) == {}
    campaign.min_service_revenue_share = Decimal("27.5")
    campaign.save()
    assert warnings_for(open_campaign())[share.pk] == [
        "服务收入占营业收入比重为 27%，低于 27.5%（申报条件：原则上不低于 27.5%）。"
    ]


@pytest.mark.parametrize("name", [
    "广东某某科技有限公司广州分公司", "某某电器（佛山）分厂", "某某集团清远办事处 ", "某某公司（清远分公司）",
    "某某有限公司驻粤代表处",
])
def test_branch_office_is_a_warning(seeded, name):
    n = nominate("qingyuan", "project", name=name)
    assert any("不具有独立法人资格" in w for w in warnings_for(open_campaign())[n.pk])


@pytest.mark.parametrize("name", ["广东分公司管理咨询有限公司", "某某分厂路科技有限公司", "清远市办事处服务中心项目"])
def test_a_branch_word_inside_a_name_is_no_warning(seeded, name):
    n = nominate("qingyuan", "project", name=name)
    assert n.pk not in warnings_for(open_campaign())


def test_city_nominates_itself_without_branch_or_region_warning(seeded):
    n = nominate("qingyuan", "city")
    assert n.pk not in warnings_for(open_campaign())


def test_leap_day():
    assert years_after(date(2020, 2, 29), 2) == date(2022, 3, 1)
    assert years_after(date(2021, 5, 6), 2) == date(2023, 5, 6)


def test_warnings_do_not_block_submission(seeded):
    nominate("qingyuan", "enterprise", service_revenue_share=Decimal("5"))
    ready_slate("qingyuan")
    assert submit("qingyuan").status == "submitted"


def test_shown_on_review_page_and_counted_on_overview(client_for, seeded):
    low = nominate("qingyuan", "enterprise", service_revenue_share=Decimal("12.5"))
    nominate("qingyuan", "enterprise", service_revenue_share=Decimal("80"))
    province = client_for("province")
    page = province.get(f"/review/441800/?campaign={open_campaign().year}").content.decode()
    assert "服务收入占营业收入比重为 12.5%" in page and "1 项警示" in page
    assert warning_counts(open_campaign()) == {city("qingyuan").pk: 1}
    assert low.pk in warnings_for(open_campaign(), city("qingyuan"))
    assert warnings_for(open_campaign(), city("huizhou")) == {}


def test_nominee_already_recognised_in_a_batch(client_for, seeded):
    from tests.factories import recognised

    unit = recognised("qingyuan", "enterprise", batch=3, name="已获评的企业")
    again = nominate("qingyuan", "enterprise", credit_code=unit.credit_code)
    fresh = nominate("qingyuan", "enterprise")
    found = warnings_for(open_campaign())
    assert any("已于第三批获评" in w and "已获评的企业" in w for w in found[again.pk])
    assert not any("获评" in w for w in found.get(fresh.pk, []))
    ready_slate("qingyuan")
    submit("qingyuan")  # a warning, not a block
    page = client_for("province").get(f"/review/441800/?campaign={open_campaign().year}").content.decode()
    assert "已于第三批获评" in page
