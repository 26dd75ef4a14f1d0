"""A page never shows data older than a write the user already saw succeed, whatever order
overlapping writes commit in.

The order that fooled the page cache this project used to have (keyed on the newest history id):
clerk A's write takes its history id first and commits last; clerk B's takes its id second and
commits first. Pages read in between show B's write; the moment A commits, every page shows A's
too. On PostgreSQL the two writes really overlap (two threads, two connections). SQLite has one
writer at a time (BEGIN IMMEDIATE), so there the same writes run one after the other: ids are
taken in commit order and only the "shows it at once" half can be checked.
"""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from simple_history.models import HistoricalRecords

from intake.entry import services
from intake.models import Nomination
from tests.factories import nominate, user

pytestmark = pytest.mark.django_db(transaction=True)


def pages(a, b):
    """(account, URL) of the pages that list or show the two nominations: the province's and each clerk's."""
    return [
        ("province", "/nominations/"), ("province", "/nominations/?city=441800"),
        ("province", f"/nominations/{a.pk}/"), ("province", f"/review/{a.city.code}/"),
        ("province", f"/review/{b.city.code}/"),
        ("qingyuan", "/"), ("qingyuan", "/nominations/"), ("qingyuan", f"/nominations/{a.pk}/"),
        ("qingyuan", "/slate/"), ("huizhou", "/"), ("huizhou", "/nominations/"),
    ]


def shown(clients, targets, text):
    """The pages among `targets` that show `text`."""
    return [(account, url) for account, url in targets if text in clients[account].get(url).content.decode()]


@pytest.fixture
def two_clerks(seeded):
    a = nominate("qingyuan", "project", name="清远原名项目")
    b = nominate("huizhou", "project", name="惠州原名项目")
    clients = {}
    for account in ("province", "qingyuan", "huizhou"):
        clients[account] = Client()
        clients[account].force_login(user(account))
    return a, b, clients


def rename(nomination, name):
    services.update_nomination(Nomination.objects.get(pk=nomination.pk), user=user(nomination.city.slug), name=name)


def history_id(nomination, name):
    return Nomination.history.get(id=nomination.pk, name=name).history_id


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite: see test_pages_show_each_write_at_once")
def test_a_write_that_took_its_id_first_and_committed_last_shows_at_once(two_clerks):
    a, b, clients = two_clerks
    for_a = shown(clients, pages(a, b), "清远原名项目")  # the pages that list A's nominee
    for_b = shown(clients, pages(a, b), "惠州原名项目")
    assert len(for_a) >= 6 and len(for_b) >= 4
    written, release = threading.Event(), threading.Event()
    original = HistoricalRecords.create_historical_record
    failures = []

    def held_open(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if threading.current_thread().name == "A":
            written.set()  # A has its history id; its transaction stays open until released
            release.wait(20)
        return result

    def write_a():
        try:
            rename(a, "清远新名项目")
        except Exception as exc:  # reported below: a thread's exception would otherwise be lost
            failures.append(exc)
        finally:
            connection.close()

    with mock.patch.object(HistoricalRecords, "create_historical_record", held_open):
        thread = threading.Thread(target=write_a, name="A")
        thread.start()
        assert written.wait(20), "A never reached its history row"
        rename(b, "惠州新名项目")  # B: another city, another lock: takes its id after A, commits first
        assert shown(clients, for_b, "惠州新名项目") == for_b  # B's write, everywhere, at once
        assert shown(clients, for_a, "清远新名项目") == []  # A has not committed yet
        release.set()
        thread.join(20)
    assert not failures, failures
    assert history_id(a, "清远新名项目") < history_id(b, "惠州新名项目")  # the order that fooled the cache
    assert shown(clients, for_a, "清远新名项目") == for_a  # A's write, everywhere, the moment it committed
    assert shown(clients, for_b, "惠州新名项目") == for_b


def test_pages_show_each_write_at_once(two_clerks):
    """Both databases: a page seen before a write shows the write on the very next request."""
    a, b, clients = two_clerks
    targets = pages(a, b)
    seen_before = {target: clients[target[0]].get(target[1]).content.decode() for target in targets}
    assert sum("清远原名项目" in page or "惠州原名项目" in page for page in seen_before.values()) >= 10
    rename(a, "清远新名项目")
    rename(b, "惠州新名项目")
    for account, url in targets:
        page = clients[account].get(url).content.decode()
        if "清远原名项目" in seen_before[account, url]:
            assert "清远新名项目" in page, (account, url)
        if "惠州原名项目" in seen_before[account, url]:
            assert "惠州新名项目" in page, (account, url)
