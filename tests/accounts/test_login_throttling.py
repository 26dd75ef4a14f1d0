"""The login behind the proxy: the client's real address (PROXY_COUNT hops of X-Forwarded-For),
a captcha after repeated failures of an account from any address, the hard lock-out per account
AND real address, and user names no table can store."""

import pytest
from axes.models import AccessAttempt
from captcha.models import CaptchaStore
from django.test import Client, RequestFactory

from intake.accounts.addresses import client_address
from intake.models import SecurityEvent
from tests.factories import user

PROXY = "10.0.0.2"


def behind_proxy(client_ip):
    """A browser at `client_ip` whose requests reach us through the proxy (nginx appends the address)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def attempt(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


@pytest.mark.parametrize(("hops", "forwarded", "expected"), [
    (0, "203.0.113.7", PROXY),  # no proxy configured: the header is the client's own claim
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the left part was written by the client
    (2, "203.0.113.7, 10.0.0.9", "203.0.113.7"),
    (2, "203.0.113.7", PROXY),  # fewer entries than proxies: not through all of them
    (1, "", PROXY),
    (1, "not-an-address", PROXY),
    (1, "2001:db8::7", "2001:db8::7"),
])
def test_client_address_counts_hops_from_the_right(settings, hops, forwarded, expected):
    settings.PROXY_COUNT = hops
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_lock_out_is_per_account_and_real_address_behind_the_proxy(seeded, settings):
    settings.PROXY_COUNT = 1
    attacker = behind_proxy("203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(attacker, "qingyuan", "wrong")
    assert attempt(attacker, "qingyuan", settings.DEMO_PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    # The clerk, behind the same proxy from their own desk, is not locked out.
    clerk = behind_proxy("198.51.100.20")
    response = attempt(clerk, "qingyuan", settings.DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    # A forged header does not get the attacker out of the lock.
    forged = behind_proxy("198.51.100.99, 203.0.113.7")
    assert attempt(forged, "qingyuan", settings.DEMO_PASSWORD).status_code == 429
    log = SecurityEvent.objects.filter(username="qingyuan")
    assert log.filter(kind=SecurityEvent.LOGIN_FAILED, address="203.0.113.7").count() >= settings.AXES_FAILURE_LIMIT
    assert log.filter(kind=SecurityEvent.LOCKED_OUT, address="203.0.113.7").exists()
    assert log.filter(kind=SecurityEvent.LOGIN, address="198.51.100.20").exists()


def solve(response):
    key = response.context["form"]["captcha"].field.widget._key
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def test_captcha_comes_before_any_lock_out_and_a_stranger_cannot_lock_the_clerk_out(seeded, settings):
    settings.PROXY_COUNT = 1
    settings.CAPTCHA_AFTER_FAILURES = 3
    # Three failures from three addresses: the account now needs a captcha, from any address.
    for n in range(3):
        attempt(behind_proxy(f"203.0.113.{n + 1}"), "qingyuan", "wrong")
    stranger = behind_proxy("203.0.113.50")
    page = attempt(stranger, "qingyuan", "wrong")
    assert page.status_code == 200 and 'src="/captcha/image/' in page.content.decode()
    # Without solving it, no password is checked and nothing counts towards a lock-out.
    for _ in range(settings.AXES_FAILURE_LIMIT * 2):
        response = attempt(stranger, "qingyuan", "wrong", captcha_0="x", captcha_1="wrong")
        assert response.status_code == 200 and "验证码" in response.content.decode()
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 3
    assert SecurityEvent.objects.filter(kind=SecurityEvent.CAPTCHA_FAILED, username="qingyuan").exists()
    # Even the right password waits for the captcha…
    clerk = behind_proxy("198.51.100.20")
    page = attempt(clerk, "qingyuan", settings.DEMO_PASSWORD)
    assert page.status_code == 200 and "_auth_user_id" not in clerk.session
    # …and with it the clerk logs in: never locked out by the stranger.
    response = attempt(clerk, "qingyuan", settings.DEMO_PASSWORD, **solve(page))
    assert response.status_code == 302 and clerk.session["_auth_user_id"] == str(user("qingyuan").pk)


def test_captcha_image_is_served_from_our_origin_to_anyone(seeded, settings):
    settings.CAPTCHA_AFTER_FAILURES = 0
    page = attempt(Client(), "qingyuan", "wrong")
    key = page.context["form"]["captcha"].field.widget._key
    image = Client().get(f"/captcha/image/{key}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


@pytest.mark.parametrize("length", [151, 255, 256, 300, 5000])
def test_overlong_user_names_get_a_message_not_a_500(seeded, length):
    response = attempt(Client(raise_request_exception=False), "q" * length, "wrong")
    assert response.status_code == 200
    assert "用户名不超过 150 个字符" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_the_throttling_records_never_take_what_they_cannot_store(seeded, settings):
    """The name django-axes and the log record is cleaned and cut, whatever reaches authenticate()."""
    from django.contrib.auth import authenticate

    request = RequestFactory().post("/accounts/login/", {"username": "x" * 400})
    request.user = None
    authenticate(request, username="x\x01" * 300, password="wrong")  # control characters, far too long
    record = AccessAttempt.objects.get()
    assert record.username == "x" * 150
    assert SecurityEvent.objects.get(kind=SecurityEvent.LOGIN_FAILED).username == "x" * 150


@pytest.mark.parametrize(("name", "value"), [
    ("PROXY_COUNT", "one"), ("PROXY_COUNT", "-1"), ("CAPTCHA_AFTER_FAILURES", "３"),
    ("SESSION_IDLE_MINUTES", "30m"), ("SESSION_IDLE_MINUTES", "0"), ("REQUIRE_2FA_ROLES", "province,admn"),
])
def test_a_typo_in_a_control_stops_the_start(name, value):
    """A mistyped setting must not quietly weaken a control (e.g. lock-outs by the proxy's address)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:", name: value}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parents[2],
                            env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and name in result.stderr
