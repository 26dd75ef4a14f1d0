"""The quota rule: both tiers in every category, the city category's one place, named-city rules."""

import pytest
from django.core.exceptions import ValidationError

from intake.models import Category, Nomination
from quotas.models import QuotaRule
from quotas.selectors import quota_table
from quotas.services import QuotaExceeded
from tests.factories import city, nominate, open_campaign, user

DEMO_TIER = {"enterprise": 6, "platform_shared": 2, "platform_other": 3, "project": 3, "city": 1}
OTHER_TIER = {"enterprise": 4, "platform_shared": 1, "platform_other": 2, "project": 2, "city": 1}


def fill(username, code, n):
    return [nominate(username, code) for _ in range(n)]


@pytest.mark.parametrize("code", list(DEMO_TIER))
def test_demo_city_tier_limit(seeded, code):
    assert city("guangzhou").is_demo_city
    fill("guangzhou", code, DEMO_TIER[code])
    with pytest.raises(QuotaExceeded) as exc:
        nominate("guangzhou", code)
    message = exc.value.messages[0]
    limit = DEMO_TIER[code]
    assert "广州市" in message and Category.objects.get(pk=code).name in message
    assert f"{limit}/{limit}" in message
    assert Nomination.objects.filter(city__slug="guangzhou", category_id=code).count() == limit


@pytest.mark.parametrize("code", list(OTHER_TIER))
def test_other_city_tier_limit(seeded, code):
    assert not city("qingyuan").is_demo_city
    fill("qingyuan", code, OTHER_TIER[code])
    with pytest.raises(QuotaExceeded) as exc:
        nominate("qingyuan", code)
    assert f"{OTHER_TIER[code]}/{OTHER_TIER[code]}" in exc.value.messages[0]
    assert Nomination.objects.filter(city__slug="qingyuan", category_id=code).count() == OTHER_TIER[code]


def test_city_category_is_one_place_whatever_the_rule(seeded):
    campaign = open_campaign()
    QuotaRule.objects.filter(campaign=campaign, category_id="city").update(maximum=5)
    nominate("qingyuan", "city")
    with pytest.raises(QuotaExceeded):
        nominate("qingyuan", "city")
    only = Nomination.objects.get(city__slug="qingyuan", category_id="city")
    assert only.name == "清远市" and only.credit_code == ""


def test_named_city_rule_beats_tier(seeded):
    campaign = open_campaign()
    QuotaRule.objects.create(campaign=campaign, scope=QuotaRule.CITY, city=city("qingyuan"),
                             category_id="platform_shared", maximum=3)
    fill("qingyuan", "platform_shared", 3)
    with pytest.raises(QuotaExceeded):
        nominate("qingyuan", "platform_shared")
    # a city of the same tier without its own rule keeps the tier's 1
    nominate("yunfu", "platform_shared")
    with pytest.raises(QuotaExceeded):
        nominate("yunfu", "platform_shared")


def test_demo_city_flag_picks_the_tier(seeded):
    qingyuan = city("qingyuan")
    qingyuan.is_demo_city = True
    qingyuan.save()
    fill("qingyuan", "enterprise", 6)
    with pytest.raises(QuotaExceeded):
        nominate("qingyuan", "enterprise")


def test_lowering_a_rule_deletes_nothing_and_shows_over(seeded):
    campaign = open_campaign()
    fill("qingyuan", "enterprise", 4)
    QuotaRule.objects.filter(campaign=campaign, scope=QuotaRule.OTHER_CITY, category_id="enterprise").update(maximum=2)
    line = next(line for line in quota_table(campaign, city("qingyuan")) if line.category.code == "enterprise")
    assert (line.used, line.allowed, line.is_over, line.excess) == (4, 2, True, 2)
    assert Nomination.objects.filter(city__slug="qingyuan", status=Nomination.ENTERED).count() == 4


def test_category_without_rule_has_no_places(seeded):
    campaign = open_campaign()
    QuotaRule.objects.filter(campaign=campaign, category_id="project").delete()
    with pytest.raises(QuotaExceeded) as exc:
        nominate("qingyuan", "project")
    assert "未给该类别设置名额" in exc.value.messages[0]


def test_rules_are_per_campaign(seeded):
    """The 2023 rules are the notice's; the demo campaign has its own copy."""
    campaign = open_campaign()
    assert campaign.year != 2023
    assert QuotaRule.objects.filter(campaign__year=2023).count() == QuotaRule.objects.filter(campaign=campaign).count()
    QuotaRule.objects.filter(campaign__year=2023, category_id="enterprise").update(maximum=0)
    nominate("qingyuan", "enterprise")  # the open campaign's rule is untouched


def test_quota_rule_scope_and_city_must_agree(seeded):
    rule = QuotaRule(campaign=open_campaign(), scope=QuotaRule.CITY, category_id="enterprise", maximum=1)
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert "必须选择地市" in str(exc.value)
    rule = QuotaRule(campaign=open_campaign(), scope=QuotaRule.OTHER_CITY, city=city("qingyuan"),
                     category_id="enterprise", maximum=1)
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_province_user_cannot_enter(seeded):
    from django.core.exceptions import PermissionDenied

    from intake.entry import services

    with pytest.raises(PermissionDenied):
        services.create_nomination(user=user("province"), campaign=open_campaign(), city=city("qingyuan"),
                                   category=Category.objects.get(pk="project"), name="x")
