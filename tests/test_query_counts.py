"""The number of SQL queries a page makes does not grow with the data: each page is counted on a
small database (one nomination) and on deadline-day volumes (20 cities at full quota, 3
campaigns: intake/scale.py), and must make the same number both times, under a fixed ceiling.

A page that starts looping over rows with a query each fails here. To add a page: one entry in
PAGES (account, URL builder, ceiling)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake import services
from intake.models import Category, DemoMode, Nomination
from intake.scale import build_scale_data
from tests.factories import nominate, user

pytestmark = pytest.mark.usefixtures("render_every_time")

# (page, account, url(nomination) -> str, ceiling). The ceilings are today's counts plus 2: a page
# that needs more says so here, in review. Two of each page's queries are the session and the user.
PAGES = [
    ("city home", "qingyuan", lambda n: "/", 13),
    ("city nomination list", "qingyuan", lambda n: "/nominations/", 10),
    ("city nomination detail", "qingyuan", lambda n: f"/nominations/{n.pk}/", 13),
    ("province home", "province", lambda n: "/", 10),
    ("province nomination list", "province", lambda n: "/nominations/", 10),
    ("province nomination list, one city", "province", lambda n: "/nominations/?city=441800", 10),
    ("province nomination detail", "province", lambda n: f"/nominations/{n.pk}/", 9),
]


def count_queries(client, url):
    client.get(url)  # warm: the first request of a client may load what later ones reuse
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured)


def edited_nomination():
    """qingyuan's enterprise nomination with a history of edits, including changed foreign keys."""
    nomination = nominate("qingyuan", Category.ENTERPRISE)
    clerk = user("qingyuan")
    for mode in DemoMode.objects.all()[:4]:
        nomination = services.update_nomination(nomination, user=clerk, demo_mode=mode, contact_name=f"改{mode.pk}")
    return nomination


def measure(client_for, nomination):
    return {name: count_queries(client_for(account), url(nomination)) for name, account, url, _ in PAGES}


def test_query_counts_do_not_grow_with_the_data(client_for, seeded):
    nomination = edited_nomination()
    small = measure(client_for, nomination)
    report = build_scale_data()
    assert report.nominations_created > 500  # 20 cities at full quota in 3 campaigns
    large = measure(client_for, nomination)
    for name, _account, _url, ceiling in PAGES:
        assert large[name] == small[name], f"{name}: {small[name]} queries with 1 nomination, {large[name]} at scale"
        assert large[name] <= ceiling, f"{name}: {large[name]} queries, ceiling {ceiling}"


def test_detail_query_count_does_not_grow_with_its_history(client_for, seeded):
    clerk = user("qingyuan")
    modes = list(DemoMode.objects.all())
    nomination = nominate("qingyuan", Category.ENTERPRISE, demo_mode=modes[0])
    nomination = services.update_nomination(nomination, user=clerk, demo_mode=modes[1])
    client = client_for("qingyuan")
    url = f"/nominations/{nomination.pk}/"
    before = count_queries(client, url)
    for mode in modes[2:] + modes[:2]:
        nomination = services.update_nomination(nomination, user=clerk, demo_mode=mode, contact_name=f"改{mode.pk}")
    assert Nomination.history.filter(id=nomination.pk).count() >= 9
    assert count_queries(client, url) == before
