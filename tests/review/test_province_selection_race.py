"""The province's own selection raced by reviewers at once, over real connections: the
province-wide lock lets exactly one take the last place, and the others are told why. PostgreSQL
only (CI's second pass); SQLite serialises writers by design."""

import pytest
from django.db import connection  # noqa: F401 (read by the skip condition below)

from intake.models import Nomination
from intake.review import services as review_services
from tests.factories import accepted, nominate, user
from tests.quotas.test_quota_race import logged_in, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL and concurrent connections"),
]
CITIES = ["qingyuan", "huizhou", "yunfu", "shaoguan", "zhuhai", "shantou", "jiangmen", "zhanjiang"]


def race_to_select(nominations):
    """Each reviewer selects one nomination in its own thread, all released at once; returns the
    page each lands on after the redirect (it carries the success or refusal message)."""
    requests = [(logged_in("province"), f"/nominations/{n.pk}/select/", {}) for n in nominations]
    results = race(requests, follow=True)
    return [page for _status, page in results]


def selected(category):
    return Nomination.objects.filter(category_id=category, province_selected=True).count()


def test_one_shared_platform_from_many_cities(seeded):
    platforms = [nominate(slug, "platform_shared") for slug in CITIES]  # the province may send 1
    for slug in CITIES:
        accepted(slug)
    pages = race_to_select(platforms)
    assert selected("platform_shared") == 1
    assert sum("列入省推荐名单。" in page for page in pages) == 1
    assert sum("已选 1 个，上限 1 个（1/1），不能再增加" in page for page in pages) == len(CITIES) - 1


def test_last_enterprise_place(seeded):
    enterprises = [nominate(slug, "enterprise") for slug in CITIES for _ in range(2)]  # 16 candidates
    for slug in CITIES:
        accepted(slug)
    for n in enterprises[:9]:
        review_services.select_for_ministry(n, user=user("province"))
    pages = race_to_select(enterprises[9:])  # 7 reviewers for the 10th place
    assert selected("enterprise") == 10
    assert sum("（10/10），不能再增加" in page for page in pages) == 6
