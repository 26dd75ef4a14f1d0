"""`manage.py seed_demo`: reference data, an open campaign and the demo accounts; twice changes nothing."""

import io

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from intake.models import Campaign, Category, City, DemoMode, RecognisedUnit, UnitEvaluation, User
from quotas.models import QuotaRule

SLUGS = [
    "guangzhou", "shaoguan", "zhuhai", "shantou", "foshan", "jiangmen", "zhanjiang", "maoming", "zhaoqing",
    "huizhou", "meizhou", "shanwei", "heyuan", "yangjiang", "qingyuan", "dongguan", "zhongshan", "chaozhou",
    "jieyang", "yunfu",
]


def snapshot():
    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (City, Category, DemoMode, Campaign, QuotaRule, User, RecognisedUnit, UnitEvaluation)
    }


def test_seed_demo_contents_and_twice_changes_nothing(empty_database, settings):
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first

    assert City.objects.count() == 20 and not City.objects.filter(code="440300").exists()
    assert sorted(City.objects.values_list("slug", flat=True)) == sorted(SLUGS)
    assert City.objects.get(code="441800").bureau_name == "清远市工业和信息化局"
    assert list(Category.objects.values_list("code", flat=True)) == [
        "enterprise", "platform_shared", "platform_other", "project", "city"]
    assert DemoMode.objects.count() == 8
    c2023 = Campaign.objects.get(year=2023)
    assert c2023.province_notice_no == "粤工信生产合作函〔2023〕9号" and not c2023.is_open
    assert c2023.submission_deadline.isoformat().startswith("2023-05-06T15:59:59")  # 23:59:59 in Beijing
    rules = {(r.scope, r.category_id): r.maximum for r in QuotaRule.objects.filter(campaign=c2023)}
    four = ("enterprise", "platform_shared", "platform_other", "project")
    assert [rules[("demo_city", c)] for c in four] == [6, 2, 3, 3]
    assert [rules[("other_city", c)] for c in four] == [4, 1, 2, 2]
    assert (rules[("demo_city", "city")], rules[("other_city", "city")]) == (1, 1)
    assert Campaign.objects.current().is_open and Campaign.objects.current().year != 2023

    for slug in SLUGS:
        assert User.objects.get(username=slug).city.slug == slug
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="qingyuan", password=settings.DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="province").role == User.PROVINCE


def test_seed_demo_keeps_admin_edits(empty_database):
    call_command("seed_demo", stdout=io.StringIO())
    City.objects.filter(slug="foshan").update(is_demo_city=True)
    call_command("seed_demo", stdout=io.StringIO())
    assert City.objects.get(slug="foshan").is_demo_city


def test_seed_demo_demo_registry(empty_database):
    from intake.common.validators import validate_credit_code

    call_command("seed_demo", stdout=io.StringIO())
    units = RecognisedUnit.objects.all()
    assert all(units.filter(city=city).count() >= 2 for city in City.objects.all())
    assert {u.batch for u in units} == {1, 2, 3, 4}
    for unit in units.exclude(kind="city"):
        validate_credit_code(unit.credit_code)
        assert unit.credit_code[2:6] == unit.city.region_prefix and "（演示）" in unit.name
    assert units.get(kind="city").city.slug == "guangzhou"
    assert UnitEvaluation.objects.filter(state="filed_online").exists()


def test_seed_demo_leaves_an_imported_registry_alone(empty_database):
    call_command("seed_demo", stdout=io.StringIO())
    RecognisedUnit.objects.update(is_active=False)  # as after the province replaced the demo list
    counts = RecognisedUnit.objects.count(), UnitEvaluation.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert not RecognisedUnit.objects.filter(is_active=True).exists()
    assert (RecognisedUnit.objects.count(), UnitEvaluation.objects.count()) == counts
