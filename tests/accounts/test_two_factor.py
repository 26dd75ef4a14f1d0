"""The second factor (django-otp): enrolment from the QR code's secret, codes at every later
login, recovery codes that work once, the roles that must use it, and the admin login."""

import re
import time
from binascii import unhexlify

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from intake.accounts import twofactor
from intake.models import SecurityEvent
from tests.factories import user


def code_for(key, offset=0):
    """The code an authenticator app shows `offset` time steps from now."""
    totp = TOTP(unhexlify(key), step=30, digits=6)
    totp.time = time.time() + offset * 30
    return f"{totp.token():06d}"


def login(client, username, settings, **extra):
    return client.post("/accounts/login/", {"username": username, "password": settings.DEMO_PASSWORD, **extra})


def enrol_through_pages(client):
    """Set-up page → the secret as text → a first code; returns (key, recovery codes)."""
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    body = page.content.decode()
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', body)[1]
    assert 'src="data:image/svg+xml' in body  # the QR code, drawn on our own server
    key = client.session["otp_setup_key"]
    assert twofactor.secret_text(key) == secret
    response = client.post("/accounts/two-factor/setup/", {"code": code_for(key)})
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/recovery/"
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", client.get("/accounts/two-factor/recovery/").content.decode())
    assert len(codes) == twofactor.RECOVERY_CODES
    return key, codes


@pytest.fixture
def strict(settings):
    settings.REQUIRE_2FA_ROLES = ["province", "admin"]
    return settings


def test_a_role_that_must_use_it_enrols_before_it_is_logged_in(client, seeded, strict):
    response = login(client, "province", strict)
    assert response["Location"] == "/accounts/two-factor/setup/"
    assert "_auth_user_id" not in client.session  # the password alone logs nobody in
    assert client.get("/").status_code == 302  # …so no page opens
    key, _codes = enrol_through_pages(client)
    assert client.session["_auth_user_id"] == str(user("province").pk)
    assert client.get("/").status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEvent.OTP_ENROLLED, user=user("province")).exists()
    # The recovery codes are shown once.
    assert client.get("/accounts/two-factor/recovery/").status_code == 302


def test_a_wrong_first_code_saves_nothing(client, seeded, strict):
    login(client, "province", strict)
    client.get("/accounts/two-factor/setup/")
    key = client.session["otp_setup_key"]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/two-factor/setup/", {"code": wrong})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user("province")).exists()


def test_later_logins_ask_for_the_code_and_a_recovery_code_works_once(seeded, strict):
    first = Client()
    login(first, "province", strict)
    key, codes = enrol_through_pages(first)
    # The code used to enrol cannot log in again (replay); the next one can.
    second = Client()
    assert login(second, "province", strict)["Location"] == "/accounts/two-factor/"
    replay = second.post("/accounts/two-factor/", {"code": code_for(key)})
    assert replay.status_code == 200 and "_auth_user_id" not in second.session
    TOTPDevice.objects.filter(user=user("province")).update(throttling_failure_count=0)
    ok = second.post("/accounts/two-factor/", {"code": code_for(key, offset=1)})
    assert ok.status_code == 302 and second.session["_auth_user_id"] == str(user("province").pk)
    # A recovery code logs in once…
    third = Client()
    login(third, "province", strict)
    assert third.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.RECOVERY_USED, user=user("province")).exists()
    assert twofactor.recovery_codes_left(user("province")) == twofactor.RECOVERY_CODES - 1
    # …and never again.
    fourth = Client()
    login(fourth, "province", strict)
    again = fourth.post("/accounts/two-factor/", {"code": codes[0]})
    assert again.status_code == 200 and "_auth_user_id" not in fourth.session
    assert SecurityEvent.objects.filter(kind=SecurityEvent.OTP_FAILED, user=user("province")).exists()


def test_too_many_wrong_codes_send_back_to_the_password(client, seeded, strict):
    twofactor.enrol(user("province"), twofactor.new_key(), 0)
    strict.OTP_TOTP_THROTTLE_FACTOR = 0
    strict.OTP_STATIC_THROTTLE_FACTOR = 0
    login(client, "province", strict)
    for _ in range(5):
        response = client.post("/accounts/two-factor/", {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/accounts/two-factor/")["Location"] == "/accounts/login/"


def test_a_city_may_enrol_itself_and_is_then_asked(client_for, seeded, settings):
    clerk = client_for("qingyuan")
    key, _ = enrol_through_pages(clerk)
    fresh = Client()
    assert login(fresh, "qingyuan", settings)["Location"] == "/accounts/two-factor/"
    assert fresh.post("/accounts/two-factor/", {"code": code_for(key, 1)}).status_code == 302


def test_with_debug_on_nothing_is_forced(client, seeded, settings):
    """`make run` (DEBUG on) never forces it: the settings leave the list empty then."""
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.REQUIRE_2FA_ROLES)"
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"}
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr
    env["DEBUG"] = "0"
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "['province', 'admin']", out.stderr


def test_a_session_without_the_second_factor_is_ended_for_a_role_that_needs_it(client_for, strict):
    """E.g. a session from before the rule, or a clerk made province: logged out, asked again."""
    session = client_for("province")
    response = session.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in session.session


def test_the_admin_logs_in_through_the_same_steps(client, seeded, strict):
    response = client.get("/admin/login/?next=/admin/intake/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "next=/admin/intake/" in response["Location"]
    assert login(client, "admin", strict)["Location"] == "/accounts/two-factor/setup/"


def test_renewing_recovery_codes_needs_a_current_code(client_for, seeded):
    clerk = client_for("qingyuan")
    key, codes = enrol_through_pages(clerk)
    refused = clerk.post("/accounts/two-factor/recovery/renew/", {"code": codes[1]})
    assert refused["Location"] == "/accounts/two-factor/setup/"
    assert clerk.post("/accounts/two-factor/recovery/renew/", {"code": code_for(key, 1)})["Location"] == (
        "/accounts/two-factor/recovery/")
    new = re.findall(r"<code>([a-z2-7]{8})</code>", clerk.get("/accounts/two-factor/recovery/").content.decode())
    assert len(new) == twofactor.RECOVERY_CODES and codes[1] not in new
