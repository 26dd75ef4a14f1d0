"""The last place raced by many clerks at once, over real connections: exactly one winner.

Runs on PostgreSQL (CI's second pass); SQLite serialises writers by design (BEGIN IMMEDIATE)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from intake.models import Nomination
from tests.factories import city, credit_code, nominate, post_data, user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL and concurrent connections"),
]
RACERS = 12


def race(requests, follow=False):
    """Run each (client, url, data) in its own thread, released at the same moment: [(status, page)]
    (`follow`: the page the redirect lands on)."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(i, client, url, data):
        try:
            barrier.wait()
            response = client.post(url, data, follow=follow)
            results[i] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *req)) for i, req in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def logged_in(username):
    client = Client()
    client.force_login(user(username))
    return client


def test_last_place_has_exactly_one_winner(seeded):
    nominate("qingyuan", "project")  # 1 of 2 used
    qingyuan = city("qingyuan")
    results = race([
        (logged_in("qingyuan"), "/nominations/new/project/", post_data("project", qingyuan))
        for _ in range(RACERS)
    ])
    codes = [status for status, _ in results]
    assert codes.count(302) == 1, codes
    assert codes.count(200) == RACERS - 1
    assert all("（2/2）" in body for status, body in results if status == 200)
    assert Nomination.objects.filter(city=qingyuan, category_id="project", status="entered").count() == 2


def test_same_credit_code_from_many_cities_has_one_winner(seeded):
    code = credit_code("441800")
    slugs = ["qingyuan", "huizhou", "yunfu", "shaoguan", "zhuhai", "shantou", "foshan", "jiangmen", "zhanjiang",
             "maoming"]
    results = race([
        (logged_in(slug), "/nominations/new/enterprise/", post_data("enterprise", city(slug), credit_code=code))
        for slug in slugs
    ])
    codes = [status for status, _ in results]
    assert codes.count(302) == 1, codes
    assert all("同一批次不能重复推荐" in body for status, body in results if status == 200)
    assert Nomination.objects.filter(credit_code=code).count() == 1
