"""Sessions: the server ends an idle one whatever the browser does, writes the activity stamp at
most once a minute, and "退出所有设备" ends every session of the account."""

import time

from django.contrib.sessions.models import Session
from django.test import Client

from intake.accounts.middleware import ACTIVITY_KEY
from intake.models import SecurityEvent
from tests.factories import user


def age_session(client, seconds):
    session = client.session
    session[ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_idle_session_ends_on_the_server(client_for, settings):
    settings.SESSION_IDLE_MINUTES = 2
    client = client_for("qingyuan")
    assert client.get("/").status_code == 200
    # Margins of a minute either side of the limit: a loaded machine takes seconds per request.
    age_session(client, 60)
    assert client.get("/").status_code == 200  # not yet idle: this request is activity
    age_session(client, 180)
    response = client.get("/nominations/?campaign=2023")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/nominations/%3Fcampaign%3D2023"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # stays logged out
    assert SecurityEvent.objects.filter(kind=SecurityEvent.SESSION_EXPIRED, user=user("qingyuan")).exists()


def test_a_post_after_the_idle_limit_goes_to_the_login_with_its_page(client_for, settings):
    settings.SESSION_IDLE_MINUTES = 1
    client = client_for("qingyuan")
    client.get("/")
    age_session(client, 61)
    response = client.post("/nominations/new/project/", {"name": "打字很久的单位"})
    assert response["Location"] == "/accounts/login/?next=/nominations/new/project/"
    from intake.models import Nomination

    assert not Nomination.objects.filter(name="打字很久的单位").exists()


def test_the_status_answers_without_keeping_the_session_alive(client_for, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = client_for("qingyuan")
    client.get("/")
    age_session(client, 600)
    remaining = client.get("/accounts/session/").json()["remaining"]
    assert 1190 <= remaining <= 1200
    assert client.get("/accounts/session/").json()["remaining"] <= remaining  # a GET is not activity
    assert client.post("/accounts/session/").json()["remaining"] == 1800  # typing is
    age_session(client, 1801)
    response = client.get("/accounts/session/")
    assert response.status_code == 401 and response.json() == {"remaining": 0}


def test_the_activity_stamp_is_written_at_most_once_a_minute(client_for):
    client = client_for("qingyuan")
    client.get("/")
    key = client.session.session_key
    stamp = client.session[ACTIVITY_KEY]
    written = Session.objects.get(session_key=key).expire_date
    for _ in range(3):
        client.get("/nominations/")
    assert client.session[ACTIVITY_KEY] == stamp
    assert Session.objects.get(session_key=key).expire_date == written  # no save, no new expiry
    age_session(client, 61)
    before = int(time.time())
    client.get("/nominations/")
    assert client.session[ACTIVITY_KEY] >= before


def test_logout_everywhere_ends_every_session_of_the_account(seeded, settings):
    browsers = [Client() for _ in range(3)]
    for browser in browsers:
        browser.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
        assert browser.get("/").status_code == 200
    other_account = Client()
    other_account.post("/accounts/login/", {"username": "huizhou", "password": settings.DEMO_PASSWORD})
    response = browsers[0].post("/accounts/logout/all/")
    assert response["Location"] == "/accounts/login/"
    for browser in browsers:
        assert browser.get("/").status_code == 302
    assert other_account.get("/").status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEvent.LOGOUT_ALL, user=user("qingyuan")).count() == 1
    again = Client()
    again.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    assert again.get("/").status_code == 200  # logging in again works


def test_a_plain_logout_ends_only_this_session(seeded, settings):
    first, second = Client(), Client()
    for browser in (first, second):
        browser.post("/accounts/login/", {"username": "qingyuan", "password": settings.DEMO_PASSWORD})
    first.post("/accounts/logout/")
    assert first.get("/").status_code == 302 and second.get("/").status_code == 200


def test_pages_carry_the_idle_limit_for_the_warning_script(client_for, settings):
    settings.SESSION_IDLE_MINUTES = 30
    body = client_for("qingyuan").get("/").content.decode()
    assert 'data-idle-seconds="1800"' in body and "js/idle-logout.js" in body
