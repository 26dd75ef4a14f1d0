"""The number of SQL queries a page makes does not grow with the data: each page is counted on a
small database (a few rows) and on deadline-day volumes (20 cities at full quota, 3 campaigns,
slates in every state, 500 recognised units: intake/common/scale.py), and must make the same number both
times, under a fixed ceiling.

A page that starts looping over rows with a query each fails here. To add a page: one entry in
PAGES (account, URL builder, ceiling)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.common.scale import build_scale_data
from intake.entry import services
from intake.models import Category, DemoMode, Nomination, RecognisedUnit
from tests.factories import nominate, ready_slate, recognised, submit, user

# (page, account, url(objects) -> str, ceiling). The ceilings are today's counts plus 2: a page
# that needs more says so here, in review. Two of each page's queries are the session and the user.
# `objects`: "nomination" (qingyuan's, edited), "submitted" (huizhou's, in a submitted slate),
# "unit" (a recognised unit of qingyuan).
PAGES = [
    ("city home", "qingyuan", lambda o: "/", 12),
    ("city nomination list", "qingyuan", lambda o: "/nominations/", 10),
    ("city nomination detail", "qingyuan", lambda o: f"/nominations/{o['nomination'].pk}/", 13),
    ("city new-nominee form", "qingyuan", lambda o: "/nominations/new/enterprise/", 15),
    ("city slate", "qingyuan", lambda o: "/slate/", 12),
    ("city evaluation", "qingyuan", lambda o: "/evaluation/", 13),
    ("city evaluation unit", "qingyuan", lambda o: f"/evaluation/units/{o['unit'].pk}/", 17),
    ("province home", "province", lambda o: "/", 16),
    ("province nomination list", "province", lambda o: "/nominations/", 10),
    ("province nomination list, one city", "province", lambda o: "/nominations/?city=441800", 10),
    ("province nomination detail", "province", lambda o: f"/nominations/{o['nomination'].pk}/", 10),
    ("province city review", "province", lambda o: f"/review/{o['submitted'].city.code}/", 16),
    ("province selection", "province", lambda o: "/selection/", 17),
    ("province evaluation", "province", lambda o: "/evaluation/", 13),
    ("province evaluation outstanding", "province", lambda o: "/evaluation/outstanding/", 11),
    ("province registry", "province", lambda o: "/evaluation/units/", 7),
    ("province evaluation unit", "province", lambda o: f"/evaluation/units/{o['unit'].pk}/", 11),
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


def measure(client_for, objects):
    return {name: count_queries(client_for(account), url(objects)) for name, account, url, _ in PAGES}


def test_query_counts_do_not_grow_with_the_data(client_for, seeded):
    # Made before the volumes, so the scale data leaves qingyuan's draft and huizhou's submitted slate as they are.
    objects = {"nomination": edited_nomination(), "submitted": nominate("huizhou", Category.PROJECT),
               "unit": recognised("qingyuan")}
    ready_slate("qingyuan")
    ready_slate("huizhou")
    submit("huizhou")
    small = measure(client_for, objects)
    report = build_scale_data()
    assert report.nominations_created > 500  # 20 cities at full quota in 3 campaigns
    assert report.slates_created >= 18 and RecognisedUnit.objects.filter(is_active=True).count() >= 500
    large = measure(client_for, objects)
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
