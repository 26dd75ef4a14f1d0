"""Cached pages (intake/pagecache.py): served again only while nothing they show has changed."""

from unittest import mock

from django.shortcuts import render
from django.test import Client

from intake import services
from intake.models import User
from quotas.models import QuotaRule
from tests.factories import nominate, open_campaign, user


def rendered(client, url="/"):
    """(page text, whether the view really ran) for one GET."""
    with mock.patch("intake.views.nominations.render", wraps=render) as r:
        text = client.get(url).content.decode()
    return text, r.called


def warm(client, url="/"):
    client.get(url)  # sets the CSRF cookie
    client.get(url)  # stored


def test_unchanged_page_is_served_without_running_the_view(client_for):
    client = client_for("qingyuan")
    warm(client)
    text, ran = rendered(client)
    assert not ran and "清远市工业和信息化局" in text


def test_a_write_shows_at_once(client_for):
    client = client_for("qingyuan")
    warm(client)
    n = nominate("qingyuan", "project", name="刚录入的项目")
    text, ran = rendered(client)
    assert ran and "刚录入的项目" in text and "示范项目 1/2" in text
    services.withdraw_nomination(n, user=user("qingyuan"))
    assert "示范项目 0/2" in rendered(client)[0]


def test_admin_change_of_a_quota_rule_shows_at_once(client_for):
    client = client_for("qingyuan")
    warm(client)
    rule = QuotaRule.objects.get(campaign=open_campaign(), scope=QuotaRule.OTHER_CITY, category_id="project")
    admin = client_for("admin")
    admin.post(f"/admin/quotas/quotarule/{rule.pk}/change/", {
        "campaign": rule.campaign_id, "scope": rule.scope, "city": "", "category": rule.category_id, "maximum": 7,
    })
    assert "示范项目 0/7" in rendered(client)[0]


def test_a_pending_message_is_shown_not_swallowed(client_for):
    n = nominate("qingyuan", "project")
    client = client_for("qingyuan")
    warm(client)
    client.post(f"/nominations/{n.pk}/restore/")  # refused, nothing written: a message
    text, ran = rendered(client)
    assert ran and "只有“已撤回”的推荐对象可以恢复" in text


def test_users_do_not_share_pages(client_for):
    clerk = client_for("qingyuan")
    warm(clerk)
    second = User.objects.create(username="qingyuan2", role=User.CITY, city=user("qingyuan").city,
                                 first_name="第二填报员")
    other = Client()
    other.cookies = clerk.cookies  # even with the same CSRF cookie
    other.force_login(second)
    text, _ = rendered(other)
    assert "第二填报员" in text and "清远市填报员" not in text


def test_the_next_minute_renders_again(client_for):
    client = client_for("qingyuan")
    warm(client)
    with mock.patch("intake.pagecache.time.time", return_value=10**10):
        assert rendered(client)[1]


def test_form_on_a_cached_page_still_posts(client_for):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("qingyuan"))
    warm(client)
    text, ran = rendered(client)
    assert not ran
    token = text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post("/slate/contact/", {
        "csrfmiddlewaretoken": token, "filler_name": "李四", "filler_phone": "0763-3361234",
        "campaign": open_campaign().year,
    })
    assert response.status_code == 302
