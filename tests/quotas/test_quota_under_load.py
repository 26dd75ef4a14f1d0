"""Quota under load through real processes: 50 requests at once for a city's last places, over
HTTP to gunicorn with several workers on PostgreSQL. Exactly the allowed number get in, every
other request gets the quota message, nothing answers 500. (bench/quota_race.py is the same race
as a script; tests/quotas/test_quota_race.py races in-process.)"""

import collections

import pytest

from bench.quota_race import race
from intake.models import Nomination
from tests.factories import city, nominate
from tests.live import gunicorn, needs_postgres, session_for

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgres]
REQUESTS = 50


def test_fifty_concurrent_requests_for_the_last_two_places(seeded, tmp_path):
    nominate("qingyuan", "enterprise")
    nominate("qingyuan", "enterprise")  # 2 of 4 used
    with gunicorn(tmp_path, workers=3, threads=2) as server:
        sessions = [session_for(server.base_url, "qingyuan") for _ in range(5)]
        outcomes = race(sessions, REQUESTS, city_code="441800")
        home = sessions[0].get("/")[2]
    assert outcomes == collections.Counter({"entered": 2, "quota message": REQUESTS - 2}), outcomes
    entered = Nomination.objects.filter(city=city("qingyuan"), category_id="enterprise", status="entered")
    assert entered.count() == 4
    assert "示范企业 4/4" in home
